argv: ["scancel","3","999999","16"]
situation: job 3 finished, 999999 never existed, job 16 pending
exit: 0
seconds: 0.010
