argv: ["sbatch","-N","1","--nodelist=node08","--gres=gpu:1","--wrap","env | grep ^SLURM | sort > env-$SLURM_JOB_ID.txt; scontrol show hostnames \"$SLURM_JOB_NODELIST\" > hostnames-$SLURM_JOB_ID.txt"]
situation: env | grep ^SLURM | sort inside batch job 2 (-N 1 --nodelist=node08 --gres=gpu:1)
exit: 0
