argv: ["sbatch","--parsable","/tmp/slurm-fixtures-work/no-such-kickoff"]
situation: script file that does not exist
exit: 1
seconds: 0.002
