argv: ["scontrol","--oneliner","show","node"]
situation: all 8 nodes idle, no jobs
exit: 0
seconds: 0.004
