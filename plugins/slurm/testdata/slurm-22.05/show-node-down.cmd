argv: ["scontrol","--oneliner","show","node"]
situation: node03 drained, node04 down (reason "node04 is dead"), job 7 running on node08
exit: 0
seconds: 0.013
