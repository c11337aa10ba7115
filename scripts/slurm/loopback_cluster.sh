#!/bin/bash
# A private one-node Slurm cluster on this machine (127.0.0.1), to run scripts/slurm/sweep.sbatch
# for real without a cluster: the tests use it, and so can you before submitting to a real one.
#
#   eval "$(scripts/slurm/loopback_cluster.sh start DIR)"   # starts slurmctld + slurmd, prints export SLURM_CONF=...
#   scripts/slurm/sweep.sbatch submit SWEEP.yaml 3 OUT.h5 --cpus-per-task=1
#   scripts/slurm/loopback_cluster.sh stop DIR
#
# Everything (configuration, state, spool, logs) lives in DIR; nothing under /etc is touched, so it
# runs next to a system Slurm without disturbing it. It needs the Debian packages slurmctld, slurmd
# and slurm-client (slurm-wlm), and root, because slurmd starts the jobs as their submitting user.
# The daemons authenticate with auth/none: acceptable only because they listen on free ports of a
# machine we own for the duration of a test; never use this configuration on a shared network.
set -euo pipefail

mode=${1:?usage: loopback_cluster.sh start|stop DIR}
dir=${2:?missing DIR}
conf="$dir/slurm.conf"

free_port() {  # a TCP port nobody listens on now
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$mode" in
  start)
    for d in slurmctld slurmd sbatch scontrol sinfo; do
      command -v "$d" >/dev/null || { echo "loopback_cluster.sh: '$d' not found (apt-get install slurm-wlm)" >&2; exit 2; }
    done
    mkdir -p "$dir"/{state,spool,log}
    dir=$(cd "$dir" && pwd)
    conf="$dir/slurm.conf"
    node=$(hostname -s)
    cat >"$conf" <<EOF
# Written by scripts/slurm/loopback_cluster.sh: one node, this machine, private ports and folders.
ClusterName=dembones-loopback
SlurmctldHost=${node}(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
AuthType=auth/none
CredType=cred/none
MpiDefault=none
ProctrackType=proctrack/pgid
TaskPlugin=task/none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=${node} NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=loopback Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
    export SLURM_CONF="$conf"
    slurmctld -c -f "$conf"   # -c: a clean start, no jobs from an earlier state
    slurmd -f "$conf" -N "$node"
    # Ready when the node reports idle (slurmd registered with the controller).
    for _ in $(seq 1 60); do
      if [[ "$(sinfo -h -N -o '%t' 2>/dev/null | head -n1)" == idle* ]]; then
        echo "export SLURM_CONF=$conf"
        exit 0
      fi
      sleep 0.5
    done
    echo "loopback_cluster.sh: the node did not come up within 30 s; logs in $dir/log" >&2
    tail -n 20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
    "$0" stop "$dir" || true
    exit 1
    ;;
  stop)
    # Both daemons by their pid files: scontrol shutdown would also work, but not when the
    # controller never came up.
    for d in slurmd slurmctld; do
      pidfile="$dir/$d.pid"
      if [[ -s "$pidfile" ]]; then
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$pidfile"
      fi
    done
    ;;
  *)
    echo "loopback_cluster.sh: unknown mode '$mode' (expected start or stop)" >&2
    exit 2
    ;;
esac
