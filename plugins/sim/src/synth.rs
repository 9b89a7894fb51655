//! Deterministic synthetic Slurm clusters in the exact `scontrol --oneliner` line format of
//! Slurm 22.05, for saved inventories, tests and benchmarks. The same `n` always gives the same
//! bytes.
//!
//! Layout for `n` nodes named `cn<k>` (`k` = 1..=n, zero-padded to at least 3 digits):
//! * every node: 2 sockets × 32 cores (`CPUTot=64`), `RealMemory=256000` (MiB), feature
//!   `standard`, partition `batch` (the default partition);
//! * `k ≤ max(n/20, 4)`: also partition `debug` (MaxTime 1 h);
//! * `k % 10 == 0`: GPU node, `Gres=gpu:a100:4(S:0-1)`, feature `gpu` instead of `standard`,
//!   also partition `gpu`;
//! * `k % 25 == 0`: big-memory node, `RealMemory=1024000`, feature `bigmem` (with `gpu` when
//!   both apply);
//! * states, first match wins: the 4 nodes `k = n−5 … n−2` are in the active reservation
//!   `maint` (`IDLE+MAINTENANCE+RESERVED`); `k % 97 == 0` `DOWN`; `k % 89 == 0` drained
//!   (`IDLE+DRAIN`); `k % 83 == 0` draining (`MIXED+DRAIN`); `k % 61 == 0` not responding
//!   (`IDLE+NOT_RESPONDING`); `k % 7 == 0` `ALLOCATED`; `k % 5 == 0` `MIXED` (16 CPUs and
//!   `(k mod 4 + 1) · 16000` MiB allocated); otherwise `IDLE`.

use loggia_sched::hostlist::{self, Style};
use std::fmt::Write as _;

/// The three `scontrol --oneliner` outputs of one synthetic cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlurmCluster {
    /// `scontrol --oneliner show node`.
    pub nodes: String,
    /// `scontrol --oneliner show reservation`.
    pub reservations: String,
    /// `scontrol --oneliner show partition`.
    pub partitions: String,
}

impl SlurmCluster {
    /// The three outputs one after the other: a sim Slurm text inventory.
    pub fn concatenated(&self) -> String {
        format!("{}{}{}", self.nodes, self.reservations, self.partitions)
    }
}

/// What the layout rules give node `k` of `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Reserved,
    Down,
    Drained,
    Draining,
    NotResponding,
    Allocated,
    Mixed,
    Idle,
}

/// The state role of node `k` (1-based) of `n` (module docs).
pub fn role(k: usize, n: usize) -> Role {
    let reserved = n >= 6 && (n - 5..=n - 2).contains(&k);
    if reserved {
        Role::Reserved
    } else if k.is_multiple_of(97) {
        Role::Down
    } else if k.is_multiple_of(89) {
        Role::Drained
    } else if k.is_multiple_of(83) {
        Role::Draining
    } else if k.is_multiple_of(61) {
        Role::NotResponding
    } else if k.is_multiple_of(7) {
        Role::Allocated
    } else if k.is_multiple_of(5) {
        Role::Mixed
    } else {
        Role::Idle
    }
}

/// The name of node `k` of `n`.
pub fn node_name(k: usize, n: usize) -> String {
    let width = n.to_string().len().max(3);
    format!("cn{k:0width$}")
}

fn debug_count(n: usize) -> usize {
    (n / 20).max(4).min(n)
}

/// `mem=` in TRES strings, as Slurm prints it (`G` when a whole number of GiB).
fn tres_mem(mib: u64) -> String {
    if mib > 0 && mib.is_multiple_of(1024) {
        format!("{}G", mib / 1024)
    } else {
        format!("{mib}M")
    }
}

const TIMES: &str = "BootTime=2026-11-02T07:14:09 SlurmdStartTime=2026-11-02T07:15:40 \
    LastBusyTime=2026-11-21T22:03:11";
const OS: &str = "OS=Linux 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) ";
const WATTS: &str = "CapWatts=n/a CurrentWatts=0 AveWatts=0 ExtSensorsJoules=n/s \
    ExtSensorsWatts=0 ExtSensorsTemp=n/s";

fn node_line(out: &mut String, k: usize, n: usize) {
    let name = node_name(k, n);
    let gpu = k.is_multiple_of(10);
    let bigmem = k.is_multiple_of(25);
    let mem: u64 = if bigmem { 1_024_000 } else { 256_000 };
    let role = role(k, n);
    let (state, cpu_alloc, alloc_mem, reason) = match role {
        Role::Reserved => ("IDLE+MAINTENANCE+RESERVED", 0, 0, None),
        Role::Down => (
            "DOWN",
            0,
            0,
            Some("Not responding [slurm@2026-11-20T08:00:00]"),
        ),
        Role::Drained => (
            "IDLE+DRAIN",
            0,
            0,
            Some("bad DIMM [root@2026-11-20T09:12:00]"),
        ),
        Role::Draining => (
            "MIXED+DRAIN",
            32,
            64_000,
            Some("firmware update [root@2026-11-21T10:30:00]"),
        ),
        Role::NotResponding => ("IDLE+NOT_RESPONDING", 0, 0, None),
        Role::Allocated => ("ALLOCATED", 64, mem, None),
        Role::Mixed => ("MIXED", 16, (k as u64 % 4 + 1) * 16_000, None),
        Role::Idle => ("IDLE", 0, 0, None),
    };
    let mut features: Vec<&str> = Vec::new();
    if bigmem {
        features.push("bigmem");
    }
    if gpu {
        features.push("gpu");
    }
    if features.is_empty() {
        features.push("standard");
    }
    let features = features.join(",");
    let mut parts: Vec<&str> = Vec::new();
    if k <= debug_count(n) {
        parts.push("debug");
    }
    parts.push("batch");
    if gpu {
        parts.push("gpu");
    }
    let parts = parts.join(",");
    let (gres, gres_tres) = if gpu {
        ("gpu:a100:4(S:0-1)", ",gres/gpu=4")
    } else {
        ("(null)", "")
    };
    let alloc_tres = if cpu_alloc == 0 {
        String::new()
    } else {
        format!("cpu={cpu_alloc},mem={}", tres_mem(alloc_mem))
    };
    let free_mem = (mem - alloc_mem).saturating_sub(3_000 + k as u64 % 1_000);
    let load = format!("{}.{:02}", cpu_alloc, k % 100);
    let _ = write!(
        out,
        "NodeName={name} Arch=x86_64 CoresPerSocket=32  CPUAlloc={cpu_alloc} CPUEfctv=64 \
         CPUTot=64 CPULoad={load} AvailableFeatures={features} ActiveFeatures={features} \
         Gres={gres} NodeAddr={name} NodeHostName={name} Version=22.05.8 {OS} \
         RealMemory={mem} AllocMem={alloc_mem} FreeMem={free_mem} Sockets=2 Boards=1 \
         State={state} ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A \
         Partitions={parts}  {TIMES} CfgTRES=cpu=64,mem={}{gres_tres},billing=64 \
         AllocTRES={alloc_tres} {WATTS}",
        tres_mem(mem)
    );
    if let Some(r) = reason {
        let _ = write!(out, " Reason={r}");
    }
    out.push('\n');
}

fn partition_line(out: &mut String, name: &str, default: bool, max_time: &str, nodes: &[String]) {
    let _ = writeln!(
        out,
        "PartitionName={name} AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL AllocNodes=ALL \
         Default={} QoS=N/A DefaultTime=NONE DisableRootJobs=NO ExclusiveUser=NO GraceTime=0 \
         Hidden=NO MaxNodes=UNLIMITED MaxTime={max_time} MinNodes=0 LLN=NO \
         MaxCPUsPerNode=UNLIMITED Nodes={} PriorityJobFactor=1 PriorityTier=1 RootOnly=NO \
         ReqResv=NO OverSubscribe=NO OverTimeLimit=NONE PreemptMode=OFF State=UP \
         TotalCPUs={} TotalNodes={} SelectTypeParameters=NONE JobDefaults=(null) \
         DefMemPerNode=UNLIMITED MaxMemPerNode=UNLIMITED TRES=cpu={},node={},billing={}",
        if default { "YES" } else { "NO" },
        hostlist::compress(nodes, Style::Slurm),
        nodes.len() * 64,
        nodes.len(),
        nodes.len() * 64,
        nodes.len(),
        nodes.len() * 64,
    );
}

/// The synthetic cluster of `n` nodes (module docs).
pub fn slurm_cluster(n: usize) -> SlurmCluster {
    let mut nodes = String::with_capacity(n * 720);
    for k in 1..=n {
        node_line(&mut nodes, k, n);
    }
    let names = |pred: &dyn Fn(usize) -> bool| -> Vec<String> {
        (1..=n)
            .filter(|&k| pred(k))
            .map(|k| node_name(k, n))
            .collect()
    };
    let reserved = names(&|k| role(k, n) == Role::Reserved);
    let reservations = if reserved.is_empty() {
        "No reservations in the system\n".to_string()
    } else {
        format!(
            "ReservationName=maint StartTime=2026-11-21T06:00:00 EndTime=2026-11-23T06:00:00 \
             Duration=2-00:00:00 Nodes={} NodeCnt={} CoreCnt={} Features=(null) \
             PartitionName=(null) Flags=MAINT,IGNORE_JOBS,SPEC_NODES TRES=cpu={} Users=root \
             Groups=(null) Accounts=(null) Licenses=(null) State=ACTIVE BurstBuffer=(null) \
             Watts=n/a MaxStartDelay=(null)\n",
            hostlist::compress(&reserved, Style::Slurm),
            reserved.len(),
            reserved.len() * 64,
            reserved.len() * 64,
        )
    };
    let mut partitions = String::new();
    let debug = debug_count(n);
    partition_line(
        &mut partitions,
        "debug",
        false,
        "01:00:00",
        &names(&|k| k <= debug),
    );
    partition_line(
        &mut partitions,
        "batch",
        true,
        "UNLIMITED",
        &names(&|_| true),
    );
    partition_line(
        &mut partitions,
        "gpu",
        false,
        "2-00:00:00",
        &names(&|k| k % 10 == 0),
    );
    SlurmCluster {
        nodes,
        reservations,
        partitions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_roles() {
        assert_eq!(node_name(7, 300), "cn007");
        assert_eq!(node_name(7, 100_000), "cn000007");
        assert_eq!(role(295, 300), Role::Reserved);
        assert_eq!(role(298, 300), Role::Reserved);
        assert_eq!(role(299, 300), Role::Idle);
        assert_eq!(role(291, 300), Role::Down);
        assert_eq!(role(89, 300), Role::Drained);
        assert_eq!(role(83, 300), Role::Draining);
        assert_eq!(role(61, 300), Role::NotResponding);
        assert_eq!(role(35, 300), Role::Allocated);
        assert_eq!(role(10, 300), Role::Mixed);
        assert_eq!(role(1, 300), Role::Idle);
        assert_eq!(tres_mem(256_000), "250G");
        assert_eq!(tres_mem(4_000), "4000M");
    }

    #[test]
    fn same_size_same_bytes() {
        let a = slurm_cluster(50);
        assert_eq!(a, slurm_cluster(50));
        assert_eq!(a.nodes.lines().count(), 50);
        assert_eq!(a.partitions.lines().count(), 3);
        assert!(a.reservations.contains(" Nodes=cn[045-048] NodeCnt=4 "));
        assert_eq!(
            slurm_cluster(3).reservations,
            "No reservations in the system\n"
        );
    }
}
