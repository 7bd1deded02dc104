#!/usr/bin/env bash
# Proves the shard/merge pattern on a real one-node Slurm:
#   1. installs Slurm and munge from Debian's packages if they are missing (root only);
#   2. starts munged, slurmctld and slurmd by hand (no systemd) with a localhost slurm.conf;
#   3. submits a 4-shard job array of scenarios/lang-son.toml and a dependent merge job
#      (sbatch --wait);
#   4. compares the merged summary.json with a single-process run's, byte for byte;
#   5. stops every daemon it started, by PID.
# Exit codes: 0 passed, 1 failed, 77 skipped (Slurm missing and cannot be installed).
#   SHARDS=4 REPLICATIONS=4 SCENARIO=scenarios/lang-son.toml scripts/slurm-check.sh
# BORDERFLOW=path/to/borderflow checks that binary instead of building target/release/borderflow.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shards="${SHARDS:-4}"; reps="${REPLICATIONS:-4}"; scenario="${SCENARIO:-scenarios/lang-son.toml}"
skip() { echo "slurm-check: SKIPPED: $*"; exit 77; }

need=()
for cmd in slurmctld slurmd sbatch munged; do command -v "$cmd" >/dev/null || need+=("$cmd"); done
if ((${#need[@]})); then
  [[ "$(id -u)" == 0 ]] || skip "Slurm is not installed (${need[*]} missing) and this is not root"
  echo "slurm-check: installing slurmctld slurmd slurm-client munge from Debian's packages"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      slurmctld slurmd slurm-client munge) > /tmp/slurm-check-apt.log 2>&1 \
    || skip "apt-get could not install Slurm (log: /tmp/slurm-check-apt.log)"
fi
[[ "$(id -u)" == 0 ]] || skip "starting munged, slurmctld and slurmd by hand needs root"

check=slurm-check
source "$root/scripts/borderflow-binary.sh"
work="$(mktemp -d /tmp/slurm-check.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT

# --- munge
mkdir -p "$work/munge" && chown munge:munge "$work/munge" 2>/dev/null || true
if [[ ! -s /etc/munge/munge.key ]]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
  chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
fi
mkdir -p /run/munge && chown munge:munge /run/munge
runuser -u munge -- /usr/sbin/munged --socket=/run/munge/munge.socket.2 \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed"
for _ in $(seq 50); do [[ -s "$work/munge/munged.pid" ]] && break; sleep 0.1; done
pids+=("$(cat "$work/munge/munged.pid")")

# --- slurm.conf for localhost
mkdir -p "$work/state" "$work/spool"
cpus="$(nproc)"
cat > "$work/slurm.conf" <<CONF
ClusterName=bfcheck
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
NodeName=localhost CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF"
for _ in $(seq 100); do [[ -s "$work/slurmctld.pid" ]] && break; sleep 0.1; done
pids+=("$(cat "$work/slurmctld.pid")")
slurmd -f "$SLURM_CONF" -N localhost
for _ in $(seq 100); do [[ -s "$work/slurmd.pid" ]] && break; sleep 0.1; done
pids+=("$(cat "$work/slurmd.pid")")
up=0
for _ in $(seq 150); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then up=1; break; fi
  sleep 0.2
done
((up)) || { echo "slurm-check: FAILED: the node did not come up"; tail -20 "$work/slurmctld.log" "$work/slurmd.log"; exit 1; }
echo "slurm-check: Slurm $(sinfo -V | awk '{print $2}') up on localhost ($cpus CPUs, $SECONDS s since the start)"

# --- the job array and the dependent merge
cd "$root"
export N="$shards" BORDERFLOW="$bf" SCENARIO="$scenario" REPLICATIONS="$reps" OUTDIR="$work/out"
jobid="$(sbatch --parsable --array=0-$((shards - 1)) --export=ALL --chdir="$root" \
         --output="$work/shard-%a.out" examples/slurm/shards.sbatch)"
echo "slurm-check: submitted array job $jobid (shards 0–$((shards - 1)))"
sbatch --wait --dependency=afterok:"$jobid" --export=ALL --chdir="$root" \
       --output="$work/merge.out" examples/slurm/merge.sbatch > /dev/null \
  || { echo "slurm-check: FAILED: the merge job failed"; cat "$work"/*.out; exit 1; }
echo "slurm-check: merge job finished ($SECONDS s since the start)"

# --- a single process with the same seed and replications
"$bf" run "$scenario" --replications "$reps" --out "$work/single" --quiet --json > /dev/null
if cmp "$work/single/summary.json" "$work/out/merged/summary.json"; then
  echo "slurm-check: PASSED: merged summary.json of $shards Slurm shards is byte-identical to a single run ($(wc -c < "$work/single/summary.json") bytes, $reps replications per variant)"
else
  echo "slurm-check: FAILED: merged summary.json differs from a single run"
  exit 1
fi
