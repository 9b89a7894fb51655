argv: ["squeue","--me","--noheader","--states=all","--format=%i|%T|%r|%N|%S","--jobs=17"]
situation: job 17 depends (afterok) on job 9, which was cancelled
exit: 0
seconds: 0.024
