//! The `schedule.slurm` subsection (SCHEDULING.md §1.2, §2.6): keys, defaults, validators, help.

use loggia_sched::advanced::StateDefaults;
use loggia_sched::schema::{Default as KeyDefault, KeySpec, Kind, PluginSchema, Validator};

/// The plugin name, also the subsection name.
pub const NAME: &str = "slurm";

pub const DEFAULT_UP_STATES: &[&str] = &[
    "IDLE",
    "ALLOCATED",
    "MIXED",
    "COMPLETING",
    "PLANNED",
    "MAINTENANCE",
    "MAINT",
];
pub const DEFAULT_AVAIL_STATES: &[&str] = &["IDLE", "PLANNED", "MAINTENANCE", "MAINT"];
pub const DEFAULT_RESERVED_STATES: &[&str] = &["RESERVED"];

/// The three default sets, for classification (SCHEDULING §3.2).
pub const STATE_DEFAULTS: StateDefaults = StateDefaults {
    up: DEFAULT_UP_STATES,
    avail: DEFAULT_AVAIL_STATES,
    reserved: DEFAULT_RESERVED_STATES,
};

const STATE_RE: &str = "[A-Za-z][A-Za-z0-9_-]*";
const FEATURE_RE: &str = r"[A-Za-z0-9_.:=+-]+(\|[A-Za-z0-9_.:=+-]+)*";

fn list(key: &'static str, default: &'static [&'static str]) -> KeySpec {
    KeySpec {
        key,
        kind: Kind::List,
        default: KeyDefault::List(default),
        validator: Validator::None,
        help: "",
        example: "",
        allocation: false,
    }
}

/// The ordered key specs of `schedule.slurm`.
pub fn config_schema() -> PluginSchema {
    let keys = vec![
        KeySpec {
            validator: Validator::Regex(STATE_RE),
            help: "Node states that count as up (allocatable): a node is up iff its base state \
                   and every state flag are in this list. Upper-cased before comparison.",
            example: "[IDLE, ALLOCATED, MIXED, COMPLETING]",
            ..list("up_states", DEFAULT_UP_STATES)
        },
        KeySpec {
            validator: Validator::Regex(STATE_RE),
            help: "Node states that count as available (up and idle): the base state and every \
                   flag must be in this list.",
            example: "[IDLE]",
            ..list("avail_states", DEFAULT_AVAIL_STATES)
        },
        KeySpec {
            validator: Validator::Regex(STATE_RE),
            help: "States added to both up_states and avail_states when schedule.reservation \
                   is set.",
            example: "[RESERVED]",
            ..list("reserved_states", DEFAULT_RESERVED_STATES)
        },
        KeySpec {
            validator: Validator::Regex(FEATURE_RE),
            help: "Required node features: nodes lacking one are filtered out, and the list \
                   becomes --constraint. An entry 'a|b' means a or b; entries are ANDed.",
            example: "[haswell, ib|opa]",
            allocation: true,
            ..list("features", &[])
        },
        KeySpec {
            help: "Extra srun arguments appended to sched.test_cmd (each item one string, joined \
                   with single spaces).",
            example: "[--cpu-bind=cores, --mpi=pmix]",
            ..list("srun_extra", &[])
        },
        KeySpec {
            help: "Extra batch script header lines: each item becomes '#SBATCH <item>'.",
            example: "[--gres=gpu:2, --mem=0]",
            allocation: true,
            ..list("sbatch_extra", &[])
        },
        KeySpec {
            key: "mpi_cmd",
            kind: Kind::Str,
            default: KeyDefault::Str("srun"),
            validator: Validator::Choices(&["srun", "mpirun"]),
            help: "Launcher form of sched.test_cmd: srun, or OpenMPI's mpirun.",
            example: "mpirun",
            allocation: false,
        },
        KeySpec {
            key: "exclusive",
            kind: Kind::Bool,
            default: KeyDefault::Str("true"),
            validator: Validator::None,
            help: "Request whole nodes (#SBATCH --exclusive).",
            example: "false",
            allocation: true,
        },
    ];
    PluginSchema { keys }
}

#[cfg(test)]
mod tests {
    use super::*;
    use loggia_sched::schedule::{plugin_defaults, PluginValue};

    #[test]
    fn every_key_has_help_and_an_example() {
        let s = config_schema();
        let keys: Vec<&str> = s.keys.iter().map(|k| k.key).collect();
        assert_eq!(
            keys,
            [
                "up_states",
                "avail_states",
                "reserved_states",
                "features",
                "srun_extra",
                "sbatch_extra",
                "mpi_cmd",
                "exclusive"
            ]
        );
        for k in &s.keys {
            assert!(!k.help.is_empty(), "{}", k.key);
            assert!(!k.example.is_empty(), "{}", k.key);
        }
        let alloc: Vec<&str> = s
            .keys
            .iter()
            .filter(|k| k.allocation)
            .map(|k| k.key)
            .collect();
        assert_eq!(alloc, ["features", "sbatch_extra", "exclusive"]);
    }

    #[test]
    fn defaults_validate() {
        let d = plugin_defaults(NAME, &config_schema()).unwrap();
        assert_eq!(d.get("exclusive"), Some(&PluginValue::Bool(true)));
        assert_eq!(d.get("mpi_cmd"), Some(&PluginValue::Str("srun".into())));
        let up: Vec<String> = DEFAULT_UP_STATES.iter().map(|s| s.to_string()).collect();
        assert_eq!(d.get("up_states"), Some(&PluginValue::List(up)));
        // An empty default is "unset" (C2).
        assert_eq!(d.get("features"), None);
    }
}
