argv: ["scontrol","--oneliner","show","node"]
situation: node03 and node04 right after scontrol update nodename=node03,node04 state=resume (poll 0: a state has +NOT_RESPONDING, sinfo shows idle*)
exit: 0
