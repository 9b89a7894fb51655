argv: ["sbatch","--parsable","--job-name=fx-partition-timelimit","--partition=debug","--time=2:00:00","--wrap","true"]
situation: time limit above debug's MaxTime=01:00:00 (EnforcePartLimits=NO: accepted, then pends)
exit: 0
seconds: 0.004
