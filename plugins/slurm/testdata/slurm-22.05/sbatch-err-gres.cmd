argv: ["sbatch","--parsable","--gres=gpu:3","--wrap","true"]
situation: more GPUs per node (3) than any node has (2)
exit: 1
seconds: 0.021
