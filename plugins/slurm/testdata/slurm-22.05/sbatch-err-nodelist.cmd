argv: ["sbatch","--parsable","--nodelist=node99","--wrap","true"]
situation: node name that does not exist
exit: 1
seconds: 0.027
