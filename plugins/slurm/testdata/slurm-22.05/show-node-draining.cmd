argv: ["scontrol","--oneliner","show","node"]
situation: node07 draining (job 22 running, reason "draining for maintenance"), node[05-06] reserved, node03 drained, node04 down
exit: 0
seconds: 0.021
