argv: ["sacct","--noheader","--parsable2","--noconvert","--jobs=999999","--format=JobIDRaw,State,ExitCode,Start,End,Elapsed,TotalCPU,MaxRSS,NodeList"]
situation: a job id that never existed
exit: 0
seconds: 0.136
