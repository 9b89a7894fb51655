argv: ["scontrol","--oneliner","show","reservation"]
situation: active maint reservation on node[05-06] and a future one (2 nodes of debug, starts in 2 h)
exit: 0
seconds: 0.006
