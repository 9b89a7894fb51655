argv: ["sacct","--noheader","--parsable2","--noconvert","--jobs=3,4,5,6,7,18,19","--format=JobIDRaw,State,ExitCode,Start,End,Elapsed,TotalCPU,MaxRSS,NodeList"]
situation: completed 3, failed 4, multinode 5, killed 6, timeout 7, cancelled pending 18, cancelled running 19
exit: 0
seconds: 0.111
