argv: ["scontrol","--oneliner","show","reservation"]
situation: one active maint reservation on node[05-06]
exit: 0
seconds: 0.015
