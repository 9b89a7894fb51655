argv: ["sacct","--noheader","--parsable2","--noconvert","--jobs=3,4,5,7,8,10,13,16","--format=JobIDRaw,State,ExitCode,Start,End,Elapsed,TotalCPU,MaxRSS,NodeList"]
situation: the same jobs while some are running or pending (sacct before they end)
exit: 0
seconds: 0.105
