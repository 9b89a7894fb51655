//! The `slurm` scheduler plugin (SCHEDULING.md §2.7, §3.2, §5, §6.3): the advanced tier over
//! Slurm's command-line tools.
