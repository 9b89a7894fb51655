argv: ["sbatch","--parsable","--partition=debug","--nodes=5","--wrap","true"]
situation: more nodes (5) than the debug partition has (4); EnforcePartLimits=NO
exit: 0
seconds: 0.004
