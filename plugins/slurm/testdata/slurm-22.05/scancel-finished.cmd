argv: ["scancel","3"]
situation: job 3 completed long ago
exit: 0
seconds: 0.003
