argv: ["squeue","--me","--noheader","--name=loggia.ffffffff.nothing","--format=%i"]
situation: no job has this name
exit: 0
seconds: 0.005
