argv: ["scontrol","--oneliner","show","node"]
situation: node03 drained (reason "bad disk"), job 7 running on node08
exit: 0
seconds: 0.003
