argv: ["timeout","60","scancel","3"]
situation: slurmctld stopped (SIGTERM), slurmd/slurmdbd still up; run under timeout 60
exit: 8
seconds: 9.027
