argv: ["sinfo","-N","--noheader","--format=%N|%T|%E"]
situation: same situation as show-node-draining
exit: 0
seconds: 0.016
