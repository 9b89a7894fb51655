argv: ["squeue","--user=root","--noheader","--states=all","--format=%i|%T|%r|%N|%S"]
situation: same queue as squeue-pending-running, by --user instead of --me
exit: 0
seconds: 0.013
