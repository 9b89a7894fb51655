argv: ["sinfo","-N","--noheader","--format=%N|%T|%E"]
situation: sinfo right after the scontrol of show-node-after-resume (same poll)
exit: 0
