argv: ["squeue","--me","--noheader","--states=all","--format=%i|%T|%r|%N|%S","--jobs=25,26,27"]
situation: jobs 25,26,27 from the sbatch-* captures above (those with exit 0), after a scheduling cycle
exit: 0
seconds: 0.009
