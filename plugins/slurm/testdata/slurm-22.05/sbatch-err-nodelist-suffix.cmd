argv: ["sbatch","--parsable","--nodelist=node[01-02]-x","--wrap","true"]
situation: hostlist with text after ]
exit: 1
seconds: 0.005
