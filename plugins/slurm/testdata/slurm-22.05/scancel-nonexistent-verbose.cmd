argv: ["scancel","-v","999999"]
situation: job id 999999 never existed
exit: 0
seconds: 0.004
