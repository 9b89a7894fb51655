argv: ["scontrol","show","hostnames","node[02,05-06]"]
situation: scontrol show hostnames "$SLURM_JOB_NODELIST" inside batch job 1
exit: 0
