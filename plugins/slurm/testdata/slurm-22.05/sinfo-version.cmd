argv: ["sinfo","--version"]
situation: any
exit: 0
seconds: 0.002
