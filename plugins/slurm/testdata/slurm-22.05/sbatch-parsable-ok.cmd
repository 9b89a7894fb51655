argv: ["sbatch","--parsable","--job-name=fx-sbatch-ok","--wrap","true"]
situation: successful submission
exit: 0
seconds: 0.026
