//! Slurm job states → the normalized [`JobState`] (SCHEDULING.md §5.2), shared by the queue
//! (`squeue %T`) and accounting (`sacct State`) paths.

use loggia_sched::JobState;

/// The outcome of mapping one native state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    pub state: JobState,
    pub reason: Option<String>,
    pub timed_out: bool,
    pub oom: bool,
    pub node_fail: bool,
    pub preempted: bool,
}

impl Mapped {
    fn new(state: JobState) -> Self {
        Mapped {
            state,
            reason: None,
            timed_out: false,
            oom: false,
            node_fail: false,
            preempted: false,
        }
    }

    fn reason(mut self, r: impl Into<String>) -> Self {
        self.reason = Some(r.into());
        self
    }
}

/// Whether a pending reason means the job is held.
fn is_hold(reason: &str) -> bool {
    reason == "JobHeldUser"
        || reason == "JobHeldAdmin"
        || reason.to_ascii_lowercase().contains("held")
}

/// Maps `native` (text after the first space dropped, e.g. `CANCELLED by 1001`) with the
/// pending `reason` (if any) and whether the job is known to have started.
pub fn map_state(native: &str, reason: Option<&str>, started: bool) -> Mapped {
    let word = native.split_whitespace().next().unwrap_or("");
    use JobState::*;
    match word {
        "PENDING" => {
            let state = if reason.is_some_and(is_hold) {
                Held
            } else {
                Queued
            };
            Mapped {
                reason: reason.map(str::to_string),
                ..Mapped::new(state)
            }
        }
        "CONFIGURING" | "REQUEUED" | "REQUEUE_FED" => Mapped {
            reason: reason.map(str::to_string),
            ..Mapped::new(Queued)
        },
        "REQUEUE_HOLD" | "RESV_DEL_HOLD" | "SPECIAL_EXIT" => {
            let r = reason.map_or_else(|| word.to_ascii_lowercase(), str::to_string);
            Mapped::new(Held).reason(r)
        }
        "SUSPENDED" => Mapped::new(Held).reason("suspended"),
        "STOPPED" => Mapped::new(Held).reason("stopped"),
        "RUNNING" | "COMPLETING" | "SIGNALING" | "STAGE_OUT" | "RESIZING" => Mapped::new(Running),
        "COMPLETED" => Mapped::new(Completed),
        "FAILED" if started => Mapped::new(Completed),
        "FAILED" => Mapped::new(Failed).reason("launch failed"),
        "TIMEOUT" => Mapped {
            timed_out: true,
            ..Mapped::new(Completed)
        },
        "DEADLINE" if started => Mapped {
            timed_out: true,
            ..Mapped::new(Completed).reason("deadline")
        },
        "DEADLINE" => Mapped::new(Failed).reason("deadline passed before start"),
        "OUT_OF_MEMORY" => Mapped {
            oom: true,
            ..Mapped::new(Completed)
        },
        "NODE_FAIL" => Mapped {
            node_fail: true,
            ..Mapped::new(if started { Completed } else { Failed })
        },
        "PREEMPTED" if started => Mapped {
            preempted: true,
            ..Mapped::new(Completed)
        },
        "PREEMPTED" => Mapped::new(Failed).reason("preempted"),
        "BOOT_FAIL" => Mapped {
            node_fail: true,
            ..Mapped::new(Failed).reason("node boot failure")
        },
        "CANCELLED" => Mapped::new(Cancelled),
        "REVOKED" => Mapped::new(Unknown).reason("revoked: the job ran on a sibling cluster"),
        other => Mapped::new(Unknown).reason(format!("unhandled Slurm state '{other}'")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use JobState::*;

    fn st(native: &str, reason: Option<&str>, started: bool) -> (JobState, Option<String>) {
        let m = map_state(native, reason, started);
        (m.state, m.reason)
    }

    fn r(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn pending_and_holds() {
        assert_eq!(
            st("PENDING", Some("Priority"), false),
            (Queued, r("Priority"))
        );
        assert_eq!(
            st(
                "PENDING",
                Some("ReqNodeNotAvail, UnavailableNodes:node04"),
                false
            ),
            (Queued, r("ReqNodeNotAvail, UnavailableNodes:node04"))
        );
        assert_eq!(
            st("PENDING", Some("DependencyNeverSatisfied"), false),
            (Queued, r("DependencyNeverSatisfied"))
        );
        assert_eq!(
            st("PENDING", Some("JobHeldUser"), false),
            (Held, r("JobHeldUser"))
        );
        assert_eq!(
            st("PENDING", Some("JobHeldAdmin"), false),
            (Held, r("JobHeldAdmin"))
        );
        assert_eq!(
            st("PENDING", Some("job is HELD"), false),
            (Held, r("job is HELD"))
        );
        assert_eq!(st("PENDING", None, false), (Queued, None));
        for s in ["CONFIGURING", "REQUEUED", "REQUEUE_FED"] {
            assert_eq!(st(s, None, false), (Queued, None), "{s}");
        }
        assert_eq!(st("REQUEUE_HOLD", None, false), (Held, r("requeue_hold")));
        assert_eq!(st("RESV_DEL_HOLD", None, false), (Held, r("resv_del_hold")));
        assert_eq!(st("SPECIAL_EXIT", None, true), (Held, r("special_exit")));
        assert_eq!(st("SUSPENDED", None, true), (Held, r("suspended")));
        assert_eq!(st("STOPPED", None, true), (Held, r("stopped")));
    }

    #[test]
    fn running_and_terminal() {
        for s in [
            "RUNNING",
            "COMPLETING",
            "SIGNALING",
            "STAGE_OUT",
            "RESIZING",
        ] {
            assert_eq!(st(s, None, true), (Running, None), "{s}");
        }
        assert_eq!(st("COMPLETED", None, true), (Completed, None));
        assert_eq!(st("FAILED", None, true), (Completed, None));
        assert_eq!(st("FAILED", None, false), (Failed, r("launch failed")));
        let t = map_state("TIMEOUT", Some("TimeLimit"), true);
        assert_eq!((t.state, t.timed_out), (Completed, true));
        let d = map_state("DEADLINE", None, true);
        assert_eq!(
            (d.state, d.timed_out, d.reason),
            (Completed, true, r("deadline"))
        );
        assert_eq!(
            st("DEADLINE", None, false),
            (Failed, r("deadline passed before start"))
        );
        let o = map_state("OUT_OF_MEMORY", None, true);
        assert_eq!((o.state, o.oom), (Completed, true));
        let n = map_state("NODE_FAIL", None, true);
        assert_eq!((n.state, n.node_fail), (Completed, true));
        let n = map_state("NODE_FAIL", None, false);
        assert_eq!((n.state, n.node_fail), (Failed, true));
        let p = map_state("PREEMPTED", None, true);
        assert_eq!((p.state, p.preempted), (Completed, true));
        assert_eq!(st("PREEMPTED", None, false), (Failed, r("preempted")));
        let b = map_state("BOOT_FAIL", None, false);
        assert_eq!((b.state, b.node_fail), (Failed, true));
        assert_eq!(b.reason, r("node boot failure"));
        assert_eq!(
            st("CANCELLED by 1001", Some("Priority"), false),
            (Cancelled, None)
        );
        assert_eq!(st("CANCELLED", None, true), (Cancelled, None));
        assert_eq!(
            st("REVOKED", None, false),
            (Unknown, r("revoked: the job ran on a sibling cluster"))
        );
        assert_eq!(
            st("WEIRD", None, false),
            (Unknown, r("unhandled Slurm state 'WEIRD'"))
        );
        assert_eq!(
            st("", None, false),
            (Unknown, r("unhandled Slurm state ''"))
        );
    }
}
