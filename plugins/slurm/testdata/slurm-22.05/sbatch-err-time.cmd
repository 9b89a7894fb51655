argv: ["sbatch","--parsable","--time=abc","--wrap","true"]
situation: malformed --time
exit: 255
seconds: 0.002
