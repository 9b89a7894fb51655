argv: ["sbatch","--parsable","--nodes=9","--wrap","true"]
situation: more nodes (9) than the cluster has (8)
exit: 0
seconds: 0.004
