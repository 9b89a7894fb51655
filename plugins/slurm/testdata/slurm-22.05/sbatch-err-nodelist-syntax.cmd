argv: ["sbatch","--parsable","--nodelist=node[01-02","--wrap","true"]
situation: unbalanced bracket
exit: 1
seconds: 0.008
