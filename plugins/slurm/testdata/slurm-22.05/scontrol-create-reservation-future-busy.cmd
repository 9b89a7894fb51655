argv: ["scontrol","create","reservation","reservationname=future","starttime=now+2hours","duration=30","nodecnt=2","partitionname=debug","users=root"]
situation: maint exists; node01/node02 run jobs without a time limit, node03 drained, node04 down
exit: 1
seconds: 0.003
