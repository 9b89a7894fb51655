argv: ["sinfo","--version"]
situation: any state of the cluster
exit: 0
seconds: 0.002
