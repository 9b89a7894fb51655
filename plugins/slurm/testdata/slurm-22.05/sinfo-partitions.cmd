argv: ["sinfo","--noheader","--format=%P"]
situation: availability probe (SCHEDULING.md 2.7)
exit: 0
seconds: 0.016
