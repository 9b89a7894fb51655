argv: ["sbatch","--parsable","--reservation=nosuch","--wrap","true"]
situation: reservation that does not exist
exit: 1
seconds: 0.003
