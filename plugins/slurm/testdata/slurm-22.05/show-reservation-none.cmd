argv: ["scontrol","--oneliner","show","reservation"]
situation: no reservation
exit: 0
seconds: 0.003
