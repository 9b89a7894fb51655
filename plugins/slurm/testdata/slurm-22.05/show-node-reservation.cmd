argv: ["scontrol","--oneliner","show","node"]
situation: node[05-06] in the active maint reservation (flags maint,ignore_jobs), node03 drained, node04 down, node01/node02 busy
exit: 0
seconds: 0.016
