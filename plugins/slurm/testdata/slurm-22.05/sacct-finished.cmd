argv: ["sacct","--noheader","--parsable2","--noconvert","--jobs=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27","--format=JobIDRaw,State,ExitCode,Start,End,Elapsed,TotalCPU,MaxRSS,NodeList"]
situation: every job of jobs.txt finished (ids in the argv)
exit: 0
seconds: 0.119
