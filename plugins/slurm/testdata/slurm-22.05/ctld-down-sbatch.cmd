argv: ["timeout","60","sbatch","--parsable","--wrap","true"]
situation: slurmctld stopped (SIGTERM), slurmd/slurmdbd still up; run under timeout 60
exit: 1
seconds: 9.019
