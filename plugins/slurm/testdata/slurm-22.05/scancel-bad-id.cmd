argv: ["scancel","abc"]
situation: not a job id
exit: 1
seconds: 0.002
