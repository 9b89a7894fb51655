argv: ["timeout","60","sinfo","--noheader","--format=%P"]
situation: slurmctld stopped (SIGTERM), slurmd/slurmdbd still up; run under timeout 60
exit: 1
seconds: 9.010
