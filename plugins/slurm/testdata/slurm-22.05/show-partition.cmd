argv: ["scontrol","--oneliner","show","partition"]
situation: partitions debug (node[01-04], MaxTime 1 h) and batch (default, node[01-08])
exit: 0
seconds: 0.007
