argv: ["squeue","--me","--noheader","--states=all","--format=%i|%T|%r|%N|%S"]
situation: running, pending (several reasons) and held jobs, plus earlier finished ones; see jobs.txt
exit: 0
seconds: 0.012
