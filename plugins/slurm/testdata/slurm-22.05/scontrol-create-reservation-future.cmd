argv: ["scontrol","create","reservation","reservationname=future","starttime=now+2hours","duration=30","nodecnt=2","partitionname=debug","users=root","flags=ignore_jobs"]
situation: maint exists; same nodes, now with flags=ignore_jobs
exit: 0
seconds: 0.023
