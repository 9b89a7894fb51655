#!/usr/bin/env bash
# squeue-counter.sh - a counting stand-in for `squeue` (or `sacct`), for the live Slurm tests
# (tests/slurm_live.rs, scheduler-load and controller-outage scenarios).
#
# Install it (a symlink is enough) as `squeue` and/or `sacct` in a directory put first on PATH,
# and set LOGGIA_SQUEUE_LOG to a file. It runs the real command of the name it was called by
# (the next one on PATH after this script's directory) with the same arguments and exit status,
# and appends one line when the call starts and one when it ends:
#
#   <unix time, ns> <command> <pid> <where> start <arguments...>
#   <unix time, ns> <command> <pid> <where> <exit status> <arguments...>
#
# A call killed on a timeout (the caller's) has only its start line.
#
# <where> is `alloc:<job id>` inside a Slurm job (SLURM_JOB_ID set), else `outer`.
set -u
name=$(basename "$0")
self_dir=$(cd "$(dirname "$0")" && pwd -P)
real=""
IFS=: read -r -a dirs <<<"${PATH:-}"
for d in "${dirs[@]}"; do
  [ -n "$d" ] || continue
  [ "$(cd "$d" 2>/dev/null && pwd -P)" = "$self_dir" ] && continue
  if [ -x "$d/$name" ]; then real="$d/$name"; break; fi
done
if [ -z "$real" ]; then
  echo "squeue-counter: no real $name on PATH" >&2
  exit 127
fi
note() {
  [ -n "${LOGGIA_SQUEUE_LOG:-}" ] || return 0
  local where=outer
  [ -n "${SLURM_JOB_ID:-}" ] && where="alloc:$SLURM_JOB_ID"
  printf '%s %s %s %s %s %s\n' "$(date +%s%N)" "$name" "$$" "$where" "$1" "$2" >>"$LOGGIA_SQUEUE_LOG"
}
note start "$*"
"$real" "$@"
rc=$?
note "$rc" "$*"
exit "$rc"
