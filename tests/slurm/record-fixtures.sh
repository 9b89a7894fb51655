#!/usr/bin/env bash
# record-fixtures.sh - record real Slurm command outputs as test fixtures for
# plugins/slurm (parsers of scontrol/squeue/sacct/sbatch/scancel output).
#
#   bash tests/slurm/record-fixtures.sh [OUTDIR]
#
# Needs root and a machine where tests/slurm/cluster.sh works. It restarts the
# cluster (without, then with accounting), so it wipes any jobs of a running
# cluster, and leaves the cluster STOPPED. Takes about 4 minutes (a TIMEOUT job
# needs 60-90 s, a stopped controller is waited for).
# OUTDIR defaults to plugins/slurm/testdata/slurm-<major>.<minor> of this repository.
# Every capture NAME gives NAME.out (exact stdout), NAME.err (exact stderr, only when
# not empty) and NAME.cmd (argv as a JSON array, situation, exit status, duration).
# jobs.txt lists every job the script submitted. See README.md in OUTDIR.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CLUSTER="$HERE/cluster.sh"
WORK=/tmp/slurm-fixtures-work
export SLURM_CONF=${SLURM_CONF:-/etc/slurm/slurm.conf}

say() { printf '[record %s] %s\n' "$(date +%T)" "$*"; }
die() { echo "record-fixtures: ERROR: $* (cluster left running for inspection; stop: $CLUSTER stop)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"

json_argv() {
  local a out="[" sep=""
  for a in "$@"; do
    a=${a//\\/\\\\}; a=${a//\"/\\\"}; a=${a//$'\n'/\\n}; a=${a//$'\t'/\\t}
    out+="$sep\"$a\""; sep=","
  done
  echo "$out]"
}

# cap NAME SITUATION CMD...: run CMD in $WORK, store stdout/stderr/metadata under NAME
cap() {
  local name=$1 situation=$2; shift 2
  local t0 t1 rc=0 ms
  t0=${EPOCHREALTIME/./}
  (cd "$WORK" && "$@") >"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?
  t1=${EPOCHREALTIME/./}
  [ -s "$OUT/$name.err" ] || rm -f "$OUT/$name.err"
  ms=$(( (t1 - t0) / 1000 ))
  { echo "argv: $(json_argv "$@")"
    echo "situation: $situation"
    echo "exit: $rc"
    printf 'seconds: %d.%03d\n' $((ms / 1000)) $((ms % 1000))
  } >"$OUT/$name.cmd"
  say "$name: exit $rc, ${ms} ms"
}

# cap_sbatch NAME SITUATION SBATCH-ARGS...: cap of `sbatch ARGS`; an accepted job goes to
# jobs.txt and its id is appended to ACCEPTED
ACCEPTED=()
cap_sbatch() {
  local name=$1 situation=$2 id; shift 2
  cap "$name" "$situation" sbatch "$@"
  if grep -qx 'exit: 0' "$OUT/$name.cmd"; then
    id=$(head -1 "$OUT/$name.out"); id=${id%%;*}
    echo "$id	$name	$(json_argv sbatch "$@")	$situation (accepted)" >>"$OUT/jobs.txt"
    ACCEPTED+=("$id")
  fi
}

# note NAME SITUATION ARGV_JSON FILE: store a file produced by a job as NAME.out
note() {
  cp "$4" "$OUT/$1.out"
  { echo "argv: $3"; echo "situation: $2"; echo "exit: 0"; } >"$OUT/$1.cmd"
  say "$1: recorded from $4"
}

# submit NAME DESCRIPTION SBATCH-ARGS...: submit, print the job id, remember it in jobs.txt
submit() {
  local name=$1 desc=$2 id; shift 2
  id=$(cd "$WORK" && sbatch --parsable --job-name="$name" "$@") || die "sbatch $name failed"
  id=${id%%;*}
  echo "$id	$name	$(json_argv sbatch --parsable --job-name="$name" "$@")	$desc" >>"$OUT/jobs.txt"
  echo "$id"
}

job_state() { squeue -h --states=all -j "$1" -o %T 2>/dev/null | head -1; }
wait_state() {  # wait_state JOB SECONDS STATE...: until the job is in one of the states
  local id=$1 secs=$2 st; shift 2
  local end=$(( $(date +%s) + secs ))
  while :; do
    st=$(job_state "$id")
    for s in "$@"; do [ "$st" = "$s" ] && return 0; done
    [ "$(date +%s)" -lt "$end" ] || die "job $id still '$st' after ${secs}s (wanted: $*)"
    sleep 0.5
  done
}
wait_sacct() {  # wait_sacct SECONDS ID...: until sacct shows no job row still PENDING/RUNNING
  local secs=$1; shift
  local ids end; ids=$(IFS=,; echo "$*"); end=$(( $(date +%s) + secs ))
  while :; do
    out=$(sacct --noheader --parsable2 --jobs="$ids" --format=JobIDRaw,State 2>/dev/null || true)
    if [ "$(echo "$out" | grep -v '\.' | grep -c .)" -ge $# ] \
      && ! echo "$out" | grep -v '\.' | grep -qE '\|(PENDING|RUNNING|REQUEUED|COMPLETING)'; then
      return 0
    fi
    [ "$(date +%s)" -lt "$end" ] || die "sacct did not settle for $ids"
    sleep 1
  done
}

SHOW_NODE=(scontrol --oneliner show node)
SHOW_RESV=(scontrol --oneliner show reservation)
SQUEUE=(squeue --me --noheader --states=all '--format=%i|%T|%r|%N|%S')
SACCT_FMT=--format=JobIDRaw,State,ExitCode,Start,End,Elapsed,TotalCPU,MaxRSS,NodeList
sacct_cmd() { local ids; ids=$(IFS=,; echo "$*"); echo sacct --noheader --parsable2 --noconvert "--jobs=$ids" "$SACCT_FMT"; }

rm -rf "$WORK"; mkdir -p "$WORK"

# ------------------------------------------------------------------ without accounting
bash "$CLUSTER" start >/dev/null
VERSION=$(sinfo --version | awk '{print $2}')
OUT=${1:-$ROOT/plugins/slurm/testdata/slurm-${VERSION%.*}}
mkdir -p "$OUT"
rm -f "$OUT"/*.out "$OUT"/*.err "$OUT"/*.cmd "$OUT"/*.script "$OUT/jobs.txt" "$OUT/timeout-seconds.txt"
say "Slurm $VERSION, recording into $OUT"
j=$(cd "$WORK" && sbatch --parsable --wrap true)
wait_state "$j" 60 COMPLETED
# shellcheck disable=SC2046
cap sacct-accounting-disabled "cluster without slurmdbd (AccountingStorageType=accounting_storage/none); job $j completed" $(sacct_cmd "$j")

# ------------------------------------------------------------------ with accounting, clean cluster
bash "$CLUSTER" start --accounting >/dev/null   # a restart: job ids start at 1 again
: >"$OUT/jobs.txt"
cap sinfo-version "any state of the cluster" sinfo --version
cap show-node-idle "all 8 nodes idle, no jobs" "${SHOW_NODE[@]}"
cap show-node-node08 "node08 idle (Gres=gpu:2, Features=bigmem,gpu)" "${SHOW_NODE[@]}" node08
cap show-partition "partitions debug (node[01-04], MaxTime 1 h) and batch (default, node[01-08])" scontrol --oneliner show partition
cap sinfo-partitions "availability probe (SCHEDULING.md 2.7)" sinfo --noheader --format=%P
cap show-reservation-none "no reservation" "${SHOW_RESV[@]}"
cap squeue-empty "no job ever submitted" "${SQUEUE[@]}"

# shellcheck disable=SC2016  # expanded inside the job
ENV_SCRIPT='env | grep ^SLURM | sort > env-$SLURM_JOB_ID.txt; scontrol show hostnames "$SLURM_JOB_NODELIST" > hostnames-$SLURM_JOB_ID.txt'
j_env3=$(submit fx-env-3nodes "3 nodes node[02,05-06], records env and hostnames" -N 3 '--nodelist=node[02,05-06]' --wrap "$ENV_SCRIPT")
j_env1=$(submit fx-env-1node "1 node, records env and hostnames" -N 1 --nodelist=node08 --gres=gpu:1 --wrap "$ENV_SCRIPT")
j_ok=$(submit fx-completed "exits 0" --wrap true)
j_fail=$(submit fx-failed "exits 3" --wrap 'exit 3')
j_multi=$(submit fx-multinode "3 nodes, two srun steps (.0 on 3 nodes, .1 on 1 node)" -N 3 --wrap 'srun hostname; srun -N1 -n1 true')
j_sig=$(submit fx-killed-by-signal "the batch script kills itself with SIGKILL" --wrap 'kill -9 $$')
for j in "$j_env3" "$j_env1" "$j_ok" "$j_multi"; do wait_state "$j" 60 COMPLETED; done
wait_state "$j_fail" 60 FAILED
wait_state "$j_sig" 60 FAILED COMPLETED CANCELLED
note job-env-3nodes "env | grep ^SLURM | sort inside batch job $j_env3 (-N 3 --nodelist=node[02,05-06])" \
  "$(json_argv sbatch -N 3 '--nodelist=node[02,05-06]' --wrap "$ENV_SCRIPT")" "$WORK/env-$j_env3.txt"
note job-hostnames-3nodes "scontrol show hostnames \"\$SLURM_JOB_NODELIST\" inside batch job $j_env3" \
  "$(json_argv scontrol show hostnames 'node[02,05-06]')" "$WORK/hostnames-$j_env3.txt"
note job-env-1node "env | grep ^SLURM | sort inside batch job $j_env1 (-N 1 --nodelist=node08 --gres=gpu:1)" \
  "$(json_argv sbatch -N 1 --nodelist=node08 --gres=gpu:1 --wrap "$ENV_SCRIPT")" "$WORK/env-$j_env1.txt"

# ------------------------------------------------------------------ long-running jobs, node states
j_timeout=$(submit fx-timeout "-t 1, runs sleep 300: ends TIMEOUT" -t 1 -w node08 --wrap 'sleep 300')
T_TIMEOUT=$(date +%s)
scontrol update nodename=node03 state=drain reason="bad disk"
cap show-node-drained "node03 drained (reason \"bad disk\"), job $j_timeout running on node08" "${SHOW_NODE[@]}"
scontrol update nodename=node04 state=down reason="node04 is dead"
cap show-node-down "node03 drained, node04 down (reason \"node04 is dead\"), job $j_timeout running on node08" "${SHOW_NODE[@]}"
j_mixed=$(submit fx-running-1cpu "1 CPU on node01, sleep 600 (node01 MIXED)" -n 1 -w node01 --wrap 'sleep 600')
j_excl=$(submit fx-running-exclusive "whole node02, sleep 600 (node02 ALLOCATED)" --exclusive -w node02 --wrap 'sleep 600')
wait_state "$j_mixed" 30 RUNNING; wait_state "$j_excl" 30 RUNNING
j_res=$(submit fx-pending-resources "5 whole nodes while only 3 are free: pends (Resources)" -N 5 --exclusive -t 5 --wrap 'sleep 2')
j_prio=$(submit fx-pending-priority "5 whole nodes, submitted after the previous one: pends (Priority)" -N 5 --exclusive -t 5 --wrap 'sleep 2')
j_down=$(submit fx-pending-down-node "wants node04, which is down: pends (ReqNodeNotAvail)" -w node04 --wrap true)
j_hold=$(submit fx-held-hold "pending, then scontrol hold (by root)" -w node02 --exclusive --wrap true)
j_uhold=$(submit fx-held-uhold "pending, then scontrol uhold" -w node02 --exclusive --wrap true)
j_sbhold=$(submit fx-held-sbatch "sbatch --hold" --hold --wrap true)
j_begin=$(submit fx-pending-begin "--begin=now+1hour" --begin=now+1hour --wrap true)
j_dep=$(submit fx-pending-dependency "--dependency=afterok on the exclusive sleep 600 job" --dependency=afterok:"$j_excl" --wrap true)
j_cpend=$(submit fx-cancelled-pending "pending (wants node02 exclusively), then scancel" --exclusive -w node02 --wrap true)
j_crun=$(submit fx-cancelled-running "sleep 300 with an srun step, scancel while running" -w node01 --wrap 'srun sleep 300')
j_named=$(submit loggia.0123abcd.suite.test "a loggia-style job name, for squeue --name" -w node02 --exclusive --wrap true)
scontrol hold "$j_hold"
scontrol uhold "$j_uhold"
wait_state "$j_crun" 30 RUNNING
sleep 11   # let the main and backfill schedulers assign pending reasons (sched_interval=10)
cap show-node-mixed-allocated "node01 MIXED (1-cpu job $j_mixed + job $j_crun), node02 ALLOCATED (exclusive job $j_excl), node03 drained, node04 down, node08 running the timeout job" "${SHOW_NODE[@]}"
cap squeue-pending-running "running, pending (several reasons) and held jobs, plus earlier finished ones; see jobs.txt" "${SQUEUE[@]}"
cap squeue-name "job $j_named named loggia.0123abcd.suite.test is pending" squeue --me --noheader --name=loggia.0123abcd.suite.test --format=%i
cap squeue-name-none "no job has this name" squeue --me --noheader --name=loggia.ffffffff.nothing --format=%i
cap squeue-user "same queue as squeue-pending-running, by --user instead of --me" squeue --user=root --noheader --states=all '--format=%i|%T|%r|%N|%S'
# shellcheck disable=SC2046
cap sacct-running "the same jobs while some are running or pending (sacct before they end)" $(sacct_cmd "$j_ok" "$j_fail" "$j_multi" "$j_timeout" "$j_mixed" "$j_res" "$j_hold" "$j_begin")

scancel "$j_cpend"
scancel "$j_crun"
wait_state "$j_crun" 30 CANCELLED

# reservations
cap scontrol-create-reservation-maint "node[05-06] idle" scontrol create reservation reservationname=maint starttime=now duration=60 'nodes=node[05-06]' users=root flags=maint,ignore_jobs
cap show-reservation-maint "one active maint reservation on node[05-06]" "${SHOW_RESV[@]}"
cap scontrol-create-reservation-future-busy "maint exists; node01/node02 run jobs without a time limit, node03 drained, node04 down" scontrol create reservation reservationname=future starttime=now+2hours duration=30 nodecnt=2 partitionname=debug users=root
cap scontrol-create-reservation-future "maint exists; same nodes, now with flags=ignore_jobs" scontrol create reservation reservationname=future starttime=now+2hours duration=30 nodecnt=2 partitionname=debug users=root flags=ignore_jobs
cap show-reservation-two "active maint reservation on node[05-06] and a future one (2 nodes of debug, starts in 2 h)" "${SHOW_RESV[@]}"
t_resv=$(date +%s)
until "${SHOW_NODE[@]}" node05 | grep -q 'State=[A-Z+_]*RESERVED'; do
  [ $(( $(date +%s) - t_resv )) -lt 60 ] || die "node05 did not become RESERVED"
  sleep 0.5
done
say "node05 shows RESERVED $(( $(date +%s) - t_resv ))s after the reservation was created"
cap show-node-reservation "node[05-06] in the active maint reservation (flags maint,ignore_jobs), node03 drained, node04 down, node01/node02 busy" "${SHOW_NODE[@]}"
scontrol delete reservationname=future   # it would block node01/node02 for jobs without a time limit
j_resv=$(submit fx-in-reservation "--reservation=maint, sleep 5" --reservation=maint -N 2 --wrap 'sleep 5')

# draining: a job runs on node07, then the node is drained
j_drain=$(submit fx-running-on-draining "sleep 20 on node07, drained while running" -w node07 --wrap 'sleep 20')
wait_state "$j_drain" 30 RUNNING
scontrol update nodename=node07 state=drain reason="draining for maintenance"
cap show-node-draining "node07 draining (job $j_drain running, reason \"draining for maintenance\"), node[05-06] reserved, node03 drained, node04 down" "${SHOW_NODE[@]}"
cap sinfo-nodes "same situation as show-node-draining" sinfo -N --noheader '--format=%N|%T|%E'

# ------------------------------------------------------------------ submissions
cap_sbatch sbatch-parsable-ok "successful submission" --parsable --job-name=fx-sbatch-ok --wrap true
cat >"$WORK/kickoff" <<'EOF'
#!/bin/bash
#SBATCH --job-name=loggia.89abcdef.suite.test
#SBATCH --partition=debug
#SBATCH --time=0:05:00
#SBATCH --nodelist=node[01-02]
#SBATCH --nodes=2
#SBATCH --ntasks=2
echo "kickoff on $(hostname): $SLURM_JOB_NODELIST"
EOF
chmod +x "$WORK/kickoff"
cp "$WORK/kickoff" "$OUT/sbatch-kickoff-ok.script"
cap_sbatch sbatch-kickoff-ok "kickoff script with #SBATCH header lines (SCHEDULING.md 6.3/6.4; script in sbatch-kickoff-ok.script)" --parsable "--output=$WORK/sched.log" "--chdir=$WORK" "$WORK/kickoff"
ACCEPTED=()   # the two jobs above just run; the ones below are cancelled after a look
cap_sbatch sbatch-err-partition "unknown partition" --parsable --partition=nosuch --wrap true
cap_sbatch sbatch-err-nodelist "node name that does not exist" --parsable --nodelist=node99 --wrap true
cap_sbatch sbatch-err-nodelist-suffix "hostlist with text after ]" --parsable '--nodelist=node[01-02]-x' --wrap true
cap_sbatch sbatch-err-nodelist-syntax "unbalanced bracket" --parsable '--nodelist=node[01-02' --wrap true
cap_sbatch sbatch-accepted-debug-time-2h "time limit above debug's MaxTime=01:00:00 (EnforcePartLimits=NO: accepted, then pends)" --parsable --job-name=fx-partition-timelimit --partition=debug --time=2:00:00 --wrap true
cap_sbatch sbatch-accepted-nodes-9 "more nodes (9) than the cluster has (8)" --parsable --nodes=9 --wrap true
cap_sbatch sbatch-accepted-debug-nodes-5 "more nodes (5) than the debug partition has (4); EnforcePartLimits=NO" --parsable --partition=debug --nodes=5 --wrap true
cap_sbatch sbatch-err-constraint "unknown feature" --parsable --constraint=nosuch --wrap true
cap_sbatch sbatch-err-reservation "reservation that does not exist" --parsable --reservation=nosuch --wrap true
cap_sbatch sbatch-err-gres "more GPUs per node (3) than any node has (2)" --parsable --gres=gpu:3 --wrap true
cap_sbatch sbatch-err-time "malformed --time" --parsable --time=abc --wrap true
cap_sbatch sbatch-err-script "script file that does not exist" --parsable "$WORK/no-such-kickoff"
sleep 11
IDS=$(IFS=,; echo "${ACCEPTED[*]}")
cap squeue-accepted-submissions "jobs $IDS from the sbatch-* captures above (those with exit 0), after a scheduling cycle" squeue --me --noheader --states=all '--format=%i|%T|%r|%N|%S' --jobs="$IDS"
scancel "${ACCEPTED[@]}"

# ------------------------------------------------------------------ scancel
cap scancel-finished "job $j_ok completed long ago" scancel "$j_ok"
cap scancel-nonexistent "job id 999999 never existed" scancel 999999
cap scancel-nonexistent-verbose "job id 999999 never existed" scancel -v 999999
cap scancel-mixed "job $j_ok finished, 999999 never existed, job $j_begin pending" scancel "$j_ok" 999999 "$j_begin"
cap scancel-other-user "user nobody cancels root's pending job $j_sbhold" runuser -u nobody -- scancel "$j_sbhold"
cap scancel-bad-id "not a job id" scancel abc

# ------------------------------------------------------------------ resume, TIMEOUT, final queue
scontrol update nodename=node03,node04 state=resume
i=0; first=""
while [ $i -lt 40 ]; do
  "${SHOW_NODE[@]}" >"$WORK/resume-$i.txt" 2>&1
  sinfo -N --noheader '--format=%N|%T|%E' >"$WORK/resume-sinfo-$i.txt" 2>&1
  if [ -z "$first" ] && grep -qE 'NodeName=node0[34] .*State=[A-Z+_]*NOT_RESPONDING' "$WORK/resume-$i.txt"; then first=$i; break; fi
  i=$((i + 1)); sleep 0.05
done
if [ -n "$first" ]; then
  note show-node-after-resume "node03 and node04 right after scontrol update nodename=node03,node04 state=resume (poll $first: a state has +NOT_RESPONDING, sinfo shows idle*)" \
    "$(json_argv "${SHOW_NODE[@]}")" "$WORK/resume-$first.txt"
  note sinfo-nodes-after-resume "sinfo right after the scontrol of show-node-after-resume (same poll)" \
    "$(json_argv sinfo -N --noheader '--format=%N|%T|%E')" "$WORK/resume-sinfo-$first.txt"
else
  note show-node-after-resume "node03 and node04 right after scontrol update nodename=node03,node04 state=resume (no NOT_RESPONDING state seen in 40 polls)" \
    "$(json_argv "${SHOW_NODE[@]}")" "$WORK/resume-0.txt"
fi
scancel "$j_hold" "$j_uhold" "$j_sbhold"
scancel "$j_mixed" "$j_excl"
wait_state "$j_excl" 30 CANCELLED
sleep 11
cap squeue-dependency-never "job $j_dep depends (afterok) on job $j_excl, which was cancelled" "${SQUEUE[@]}" --jobs="$j_dep"
scancel "$j_dep"
say "waiting for the TIMEOUT job $j_timeout (submitted $(( $(date +%s) - T_TIMEOUT ))s ago)"
wait_state "$j_timeout" 200 TIMEOUT
echo "TIMEOUT seen $(( $(date +%s) - T_TIMEOUT ))s after the -t 1 job was submitted" >"$WORK/timeout-seconds.txt"
say "$(cat "$WORK/timeout-seconds.txt")"
for j in "$j_down" "$j_res" "$j_prio" "$j_dep" "$j_named" "$j_drain" "$j_resv"; do
  wait_state "$j" 120 COMPLETED CANCELLED FAILED
done
ALL=()
while IFS=$'\t' read -r id _; do ALL+=("$id"); done <"$OUT/jobs.txt"
wait_sacct 120 "${ALL[@]}"
cap squeue-finished "every job finished: completed, failed (exit 3), killed by SIGKILL, cancelled pending and running, timeout; see jobs.txt" "${SQUEUE[@]}"
# shellcheck disable=SC2046
cap sacct-finished "every job of jobs.txt finished (ids in the argv)" $(sacct_cmd "${ALL[@]}")
# shellcheck disable=SC2046
cap sacct-core "completed $j_ok, failed $j_fail, multinode $j_multi, killed $j_sig, timeout $j_timeout, cancelled pending $j_cpend, cancelled running $j_crun" $(sacct_cmd "$j_ok" "$j_fail" "$j_multi" "$j_sig" "$j_timeout" "$j_cpend" "$j_crun")
# shellcheck disable=SC2046
cap sacct-unknown-id "a job id that never existed" $(sacct_cmd 999999)

# ------------------------------------------------------------------ controller down
pid=$(cat /var/lib/slurm-ci/run/slurmctld.pid)
[ "$(cat "/proc/$pid/comm")" = slurmctld ] || die "pid $pid is not slurmctld"
kill -TERM "$pid"
while [ -e "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; do sleep 0.2; done
DOWN="slurmctld stopped (SIGTERM), slurmd/slurmdbd still up; run under timeout 60"
cap ctld-down-squeue "$DOWN" timeout 60 "${SQUEUE[@]}"
cap ctld-down-sbatch "$DOWN" timeout 60 sbatch --parsable --wrap true
# shellcheck disable=SC2046
cap ctld-down-sacct "$DOWN (sacct talks to slurmdbd)" timeout 60 $(sacct_cmd "$j_ok")
cap ctld-down-scontrol-show-node "$DOWN" timeout 60 "${SHOW_NODE[@]}"
cap ctld-down-sinfo "$DOWN" timeout 60 sinfo --noheader --format=%P
cap ctld-down-scancel "$DOWN" timeout 60 scancel "$j_ok"

bash "$CLUSTER" stop >/dev/null
cp "$WORK/timeout-seconds.txt" "$OUT/timeout-seconds.txt"
say "done; cluster stopped"
