argv: ["runuser","-u","nobody","--","scancel","15"]
situation: user nobody cancels root's pending job 15
exit: 210
seconds: 0.005
