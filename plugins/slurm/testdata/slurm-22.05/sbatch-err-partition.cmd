argv: ["sbatch","--parsable","--partition=nosuch","--wrap","true"]
situation: unknown partition
exit: 1
seconds: 0.005
