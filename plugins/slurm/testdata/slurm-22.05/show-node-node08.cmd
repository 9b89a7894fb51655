argv: ["scontrol","--oneliner","show","node","node08"]
situation: node08 idle (Gres=gpu:2, Features=bigmem,gpu)
exit: 0
seconds: 0.015
