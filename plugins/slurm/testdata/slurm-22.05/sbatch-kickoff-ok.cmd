argv: ["sbatch","--parsable","--output=/tmp/slurm-fixtures-work/sched.log","--chdir=/tmp/slurm-fixtures-work","/tmp/slurm-fixtures-work/kickoff"]
situation: kickoff script with #SBATCH header lines (SCHEDULING.md 6.3/6.4; script in sbatch-kickoff-ok.script)
exit: 0
seconds: 0.041
