argv: ["timeout","60","squeue","--me","--noheader","--states=all","--format=%i|%T|%r|%N|%S"]
situation: slurmctld stopped (SIGTERM), slurmd/slurmdbd still up; run under timeout 60
exit: 1
seconds: 9.028
