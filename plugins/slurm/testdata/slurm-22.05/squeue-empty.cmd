argv: ["squeue","--me","--noheader","--states=all","--format=%i|%T|%r|%N|%S"]
situation: no job ever submitted
exit: 0
seconds: 0.003
