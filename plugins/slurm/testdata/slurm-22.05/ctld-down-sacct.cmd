argv: ["timeout","60","sacct","--noheader","--parsable2","--noconvert","--jobs=3","--format=JobIDRaw,State,ExitCode,Start,End,Elapsed,TotalCPU,MaxRSS,NodeList"]
situation: slurmctld stopped (SIGTERM), slurmd/slurmdbd still up; run under timeout 60 (sacct talks to slurmdbd)
exit: 0
seconds: 0.096
