argv: ["squeue","--me","--noheader","--states=all","--format=%i|%T|%r|%N|%S"]
situation: every job finished: completed, failed (exit 3), killed by SIGKILL, cancelled pending and running, timeout; see jobs.txt
exit: 0
seconds: 0.016
