argv: ["sbatch","-N","3","--nodelist=node[02,05-06]","--wrap","env | grep ^SLURM | sort > env-$SLURM_JOB_ID.txt; scontrol show hostnames \"$SLURM_JOB_NODELIST\" > hostnames-$SLURM_JOB_ID.txt"]
situation: env | grep ^SLURM | sort inside batch job 1 (-N 3 --nodelist=node[02,05-06])
exit: 0
