argv: ["scontrol","create","reservation","reservationname=maint","starttime=now","duration=60","nodes=node[05-06]","users=root","flags=maint,ignore_jobs"]
situation: node[05-06] idle
exit: 0
seconds: 0.018
