argv: ["sbatch","--parsable","--constraint=nosuch","--wrap","true"]
situation: unknown feature
exit: 1
seconds: 0.003
