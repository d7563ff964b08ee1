#!/usr/bin/env bash
# A real single-node SLURM cluster on localhost, for the cluster tests (and for trying the SLURM
# profile on one machine). Debian's SLURM 22.05 with munge, slurmdbd + MariaDB for accounting (so
# that snakemake-executor-plugin-slurm polls `sacct` exactly as on a real cluster) and one fake
# GPU (a GRES backed by a character device: jobs asking for a GPU get CUDA_VISIBLE_DEVICES=0).
#
#   workflow/cluster/local_slurm.sh start    # install (apt, as root) if needed, configure, start; idempotent
#   SLURM_LOCAL_GPU_FORM=gres workflow/cluster/local_slurm.sh start
#                                            # a GRES-only cluster: a job_submit filter rejects
#                                            # --gpus/--gpus-per-*, as some sites do (default: both forms)
#   workflow/cluster/local_slurm.sh status   # sinfo
#   workflow/cluster/local_slurm.sh stop     # stop every daemon it started, by PID
#
# Needs root and apt-get; runs without systemd (daemons are started directly).
set -euo pipefail

STATE=${SLURM_LOCAL_STATE:-/var/lib/bmconvex-slurm}
GPU_FORM=${SLURM_LOCAL_GPU_FORM:-any}
PIDS=$STATE/pids
HOST=$(hostname -s)
PACKAGES="slurmctld slurmd slurm-client slurmdbd munge mariadb-server"

log() { echo "[local_slurm] $*" >&2; }

install() {
    local missing=()
    for pkg in $PACKAGES; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

configure() {
    mkdir -p "$STATE" "$PIDS" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /etc/slurm
    getent hosts "$HOST" >/dev/null || echo "127.0.0.1 $HOST" >>/etc/hosts
    [ -c "$STATE/fake-gpu0" ] || mknod "$STATE/fake-gpu0" c 1 3
    local node
    node=$(slurmd -C | head -n 1 | sed 's/ UpTime=.*//')
    cat >/etc/slurm/slurm.conf <<CONF
ClusterName=bmconvex
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$PIDS/slurmctld.pid
SlurmdPidFile=$PIDS/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
MinJobAge=300
ReturnToService=2
GresTypes=gpu
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=$HOST
AccountingStorageTRES=gres/gpu
JobAcctGatherType=jobacct_gather/none
$node Gres=gpu:1 State=UNKNOWN
PartitionName=main Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
    if [ "$GPU_FORM" = gres ]; then
        echo "JobSubmitPlugins=lua" >>/etc/slurm/slurm.conf
        cat >/etc/slurm/job_submit.lua <<'LUA'
-- GRES-only site: GPUs are requested as --gres=gpu:N; --gpus, --gpus-per-task etc. are refused.
function slurm_job_submit(job_desc, part_list, submit_uid)
    for _, field in ipairs({"tres_per_job", "tres_per_task", "tres_per_socket"}) do
        local tres = job_desc[field]
        if tres ~= nil and string.find(tres, "gpu") then
            slurm.log_user("this cluster takes GPUs as --gres=gpu:N only, not --gpus (%s=%s)", field, tres)
            return slurm.ERROR
        end
    end
    return slurm.SUCCESS
end
function slurm_job_modify(job_desc, job_rec, part_list, modify_uid)
    return slurm.SUCCESS
end
LUA
    fi
    cat >/etc/slurm/gres.conf <<CONF
AutoDetect=off
NodeName=$HOST Name=gpu File=$STATE/fake-gpu0
CONF
    cat >/etc/slurm/slurmdbd.conf <<CONF
AuthType=auth/munge
DbdHost=$HOST
SlurmUser=root
PidFile=$PIDS/slurmdbd.pid
LogFile=/var/log/slurm/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=slurm
StorageLoc=slurm_acct_db
CONF
    chmod 600 /etc/slurm/slurmdbd.conf
}

pidfile() {  # the daemons that drop root write their PID where their user may write
    case $1 in
    munged) echo /run/munge/munged.pid ;;
    mariadb) echo /run/mysqld/mysqld.pid ;;
    *) echo "$PIDS/$1.pid" ;;
    esac
}

running() { [ -f "$(pidfile "$1")" ] && kill -0 "$(cat "$(pidfile "$1")")" 2>/dev/null; }

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
    local seconds=$1 what=$2
    shift 2
    for _ in $(seq "$seconds"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
    log "timed out waiting for $what"
    return 1
}

start() {
    install
    local before
    before=$(cat /etc/slurm/slurm.conf 2>/dev/null || true)
    configure
    if running slurmctld && [ "$before" != "$(cat /etc/slurm/slurm.conf)" ]; then
        log "slurm.conf changed (GPU form: $GPU_FORM): restarting slurmctld and slurmd"
        for daemon in slurmd slurmctld; do
            local pid
            pid=$(cat "$(pidfile "$daemon")")
            kill "$pid"
            wait_for 30 "$daemon to stop" sh -c "! kill -0 $pid"
            rm -f "$(pidfile "$daemon")"
        done
    fi
    if ! running munged; then
        chown -R munge:munge /run/munge /etc/munge
        su -s /bin/sh munge -c "munged --force --pid-file=$(pidfile munged)"
        wait_for 30 munged test -s "$(pidfile munged)"
    fi
    if ! running mariadb; then
        mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
        (mariadbd --user=mysql --pid-file="$(pidfile mariadb)" >/var/log/slurm/mariadb.log 2>&1 &)
        wait_for 60 mariadb mysqladmin ping
        mysql -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db; CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurm'; GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost'; FLUSH PRIVILEGES;"
    fi
    running slurmdbd || slurmdbd
    wait_for 60 slurmdbd sacctmgr -n show cluster
    sacctmgr -i add cluster bmconvex >/dev/null 2>&1 || true
    sacctmgr -i add account bmconvex Cluster=bmconvex >/dev/null 2>&1 || true
    sacctmgr -i add user root Account=bmconvex >/dev/null 2>&1 || true
    running slurmctld || slurmctld
    wait_for 60 slurmctld scontrol ping
    running slurmd || slurmd
    wait_for 60 "node $HOST idle" sh -c "sinfo -h -N -o %t | grep -qx idle"
    log "SLURM is up: $(sinfo -h -N -o '%N %t %c CPUs %m MB %G')"
}

stop() {
    for daemon in slurmd slurmctld slurmdbd mariadb munged; do
        if running "$daemon"; then
            kill "$(cat "$(pidfile "$daemon")")" && log "stopped $daemon"
        fi
        rm -f "$(pidfile "$daemon")"
    done
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) sinfo -N -o '%N %t %c %m %G' ;;
*)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
