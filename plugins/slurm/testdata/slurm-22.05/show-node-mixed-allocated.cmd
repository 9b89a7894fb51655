argv: ["scontrol","--oneliner","show","node"]
situation: node01 MIXED (1-cpu job 8 + job 19), node02 ALLOCATED (exclusive job 9), node03 drained, node04 down, node08 running the timeout job
exit: 0
seconds: 0.038
