argv: ["sacct","--noheader","--parsable2","--noconvert","--jobs=1","--format=JobIDRaw,State,ExitCode,Start,End,Elapsed,TotalCPU,MaxRSS,NodeList"]
situation: cluster without slurmdbd (AccountingStorageType=accounting_storage/none); job 1 completed
exit: 1
seconds: 0.005
