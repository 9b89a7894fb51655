argv: ["squeue","--me","--noheader","--name=loggia.0123abcd.suite.test","--format=%i"]
situation: job 20 named loggia.0123abcd.suite.test is pending
exit: 0
seconds: 0.004
