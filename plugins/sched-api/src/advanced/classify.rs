//! Node classification from native state tokens (SCHEDULING.md §3.2): Slurm `State=` strings
//! parsed into a base state plus flags (suffix characters become flags), PBS comma-separated
//! state tokens, and the state-set rule shared by both: a node is *up* iff its base state and
//! **every** flag are in the up set, *available* iff it is also up and all are in the avail set.
//! The sets grow by `reserved_states` when the test asks for a reservation.

use crate::node::Text;
use crate::schedule::{PluginValue, ScheduleConfig};

/// Slurm state suffix characters and the flag each one stands for.
const SLURM_SUFFIXES: [(char, &str); 9] = [
    ('*', "NOT_RESPONDING"),
    ('~', "POWERED_DOWN"),
    ('#', "POWERING_UP"),
    ('%', "POWERING_DOWN"),
    ('$', "MAINTENANCE"),
    ('@', "REBOOT_REQUESTED"),
    ('!', "POWER_DOWN"),
    ('^', "REBOOT_ISSUED"),
    ('-', "PLANNED"),
];

/// `"IDLE+DRAIN"` → `("IDLE", ["DRAIN"])`; `"DOWN*"` → `("DOWN", ["NOT_RESPONDING"])`.
/// Upper-cased; flags de-duplicated keeping the first; empty `+` tokens dropped.
pub fn parse_slurm_state(s: &str) -> (Text, Vec<Text>) {
    let mut tokens = s.trim().split('+');
    let mut base = Text::from(tokens.next().unwrap_or("").trim().to_ascii_uppercase());
    let mut flags: Vec<Text> = tokens
        .map(|t| Text::from(t.trim().to_ascii_uppercase()))
        .filter(|t| !t.is_empty())
        .collect();
    while let Some(c) = base.chars().last() {
        let Some((_, flag)) = SLURM_SUFFIXES.iter().find(|(ch, _)| *ch == c) else {
            break;
        };
        base.pop();
        flags.push(Text::from(*flag));
    }
    let mut unique: Vec<Text> = Vec::with_capacity(flags.len());
    for f in flags {
        if !unique.contains(&f) {
            unique.push(f);
        }
    }
    (base, unique)
}

/// PBS `state` → lower-cased, trimmed comma tokens (no suffix characters), first = base.
pub fn parse_pbs_state(s: &str) -> Vec<Text> {
    s.split(',')
        .map(|t| Text::from(t.trim().to_ascii_lowercase()))
        .filter(|t| !t.is_empty())
        .collect()
}

/// A plugin's default state sets, used for any set a test's config does not carry (a config
/// not validated for that plugin, or the plugin's own default classification).
#[derive(Debug, Clone, Copy)]
pub struct StateDefaults {
    pub up: &'static [&'static str],
    pub avail: &'static [&'static str],
    pub reserved: &'static [&'static str],
}

/// One state set: the plugin subsection's list, a default, or nothing. Borrowed, so
/// classifying a node allocates nothing (this runs for each of up to 100 000 nodes).
#[derive(Debug, Clone, Copy)]
pub enum StateSet<'a> {
    Config(&'a [String]),
    Default(&'static [&'static str]),
    Empty,
}

impl<'a> StateSet<'a> {
    /// `schedule.<plugin>.<key>`; absent → `default`; a value that is not a list → empty.
    pub fn of(
        cfg: &'a ScheduleConfig,
        plugin: &str,
        key: &str,
        default: &'static [&'static str],
    ) -> Self {
        match cfg.plugin_value(plugin, key) {
            Some(PluginValue::List(v)) => StateSet::Config(v),
            Some(_) => StateSet::Empty,
            None => StateSet::Default(default),
        }
    }

    /// Case-insensitive membership (Slurm writes states upper case, PBS lower case).
    fn contains(self, state: &str) -> bool {
        match self {
            StateSet::Config(v) => v.iter().any(|x| x.eq_ignore_ascii_case(state)),
            StateSet::Default(v) => v.iter().any(|x| x.eq_ignore_ascii_case(state)),
            StateSet::Empty => false,
        }
    }
}

/// The up and avail sets of a test; `extra` (the reserved states when the test asks for a
/// reservation) counts for both.
#[derive(Debug, Clone, Copy)]
pub struct StateSets<'a> {
    pub up: StateSet<'a>,
    pub avail: StateSet<'a>,
    pub extra: StateSet<'a>,
}

impl<'a> StateSets<'a> {
    /// From `schedule.<plugin>.up_states`, `avail_states` and (when `schedule.reservation` is
    /// set) `reserved_states`, each falling back to `defaults`.
    pub fn from_config(
        cfg: &'a ScheduleConfig,
        plugin: &str,
        defaults: &StateDefaults,
    ) -> StateSets<'a> {
        StateSets {
            up: StateSet::of(cfg, plugin, "up_states", defaults.up),
            avail: StateSet::of(cfg, plugin, "avail_states", defaults.avail),
            extra: if cfg.reservation.is_some() {
                StateSet::of(cfg, plugin, "reserved_states", defaults.reserved)
            } else {
                StateSet::Empty
            },
        }
    }

    /// The plugin's default classification (no test config, no reservation).
    pub fn defaults(defaults: &StateDefaults) -> StateSets<'static> {
        StateSets {
            up: StateSet::Default(defaults.up),
            avail: StateSet::Default(defaults.avail),
            extra: StateSet::Empty,
        }
    }

    /// `(up, available)` of a node whose state tokens are `states` (base first). A node
    /// without states is neither.
    pub fn classify(&self, states: &[Text]) -> (bool, bool) {
        if states.first().is_none_or(|s| s.is_empty()) {
            return (false, false);
        }
        let within = |set: StateSet<'_>| {
            states
                .iter()
                .all(|s| set.contains(s) || self.extra.contains(s))
        };
        let up = within(self.up);
        (up, up && within(self.avail))
    }
}

/// Convenience for plugins: classify `states` under `cfg`'s sets for `plugin`.
pub fn classify_states(
    cfg: &ScheduleConfig,
    plugin: &str,
    defaults: &StateDefaults,
    states: &[Text],
) -> (bool, bool) {
    StateSets::from_config(cfg, plugin, defaults).classify(states)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: StateDefaults = StateDefaults {
        up: &[],
        avail: &[],
        reserved: &[],
    };

    fn strs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn texts(v: &[&str]) -> Vec<Text> {
        v.iter().map(|&s| Text::from(s)).collect()
    }

    fn slurm_cfg(reservation: bool) -> ScheduleConfig {
        let mut c = ScheduleConfig::default();
        let mut m = std::collections::BTreeMap::new();
        let up = [
            "IDLE",
            "ALLOCATED",
            "MIXED",
            "COMPLETING",
            "PLANNED",
            "MAINTENANCE",
            "MAINT",
        ];
        m.insert("up_states".into(), PluginValue::List(strs(&up)));
        let avail = ["idle", "PLANNED", "MAINTENANCE", "MAINT"];
        m.insert("avail_states".into(), PluginValue::List(strs(&avail)));
        m.insert(
            "reserved_states".into(),
            PluginValue::List(strs(&["RESERVED"])),
        );
        c.plugins.insert("slurm".into(), m);
        if reservation {
            c.reservation = Some("r1".into());
        }
        c
    }

    fn slurm(cfg: &ScheduleConfig, state: &str) -> (bool, bool) {
        let (base, flags) = parse_slurm_state(state);
        let mut states = vec![base];
        states.extend(flags);
        classify_states(cfg, "slurm", &NONE, &states)
    }

    #[test]
    fn parses_flags_and_suffixes() {
        assert_eq!(
            parse_slurm_state("IDLE+DRAIN"),
            ("IDLE".into(), texts(&["DRAIN"]))
        );
        assert_eq!(
            parse_slurm_state("down*"),
            ("DOWN".into(), texts(&["NOT_RESPONDING"]))
        );
        assert_eq!(
            parse_slurm_state("IDLE*~+DRAIN+DRAIN"),
            (
                "IDLE".into(),
                texts(&["DRAIN", "POWERED_DOWN", "NOT_RESPONDING"])
            )
        );
        assert_eq!(
            parse_slurm_state("MIXED-"),
            ("MIXED".into(), texts(&["PLANNED"]))
        );
        for (c, f) in SLURM_SUFFIXES {
            assert_eq!(
                parse_slurm_state(&format!("IDLE{c}")),
                ("IDLE".into(), texts(&[f]))
            );
        }
        assert_eq!(parse_slurm_state("IDLE+"), ("IDLE".into(), vec![]));
        assert_eq!(parse_slurm_state(""), (Text::default(), vec![]));
    }

    #[test]
    fn slurm_default_consequences() {
        let c = slurm_cfg(false);
        assert_eq!(slurm(&c, "IDLE"), (true, true));
        assert_eq!(slurm(&c, "ALLOCATED"), (true, false));
        assert_eq!(slurm(&c, "MIXED"), (true, false));
        assert_eq!(slurm(&c, "MIXED+PLANNED"), (true, false));
        assert_eq!(slurm(&c, "IDLE+PLANNED"), (true, true));
        assert_eq!(slurm(&c, "IDLE+DRAIN"), (false, false));
        assert_eq!(slurm(&c, "MIXED+DRAIN"), (false, false));
        assert_eq!(slurm(&c, "DOWN"), (false, false));
        assert_eq!(slurm(&c, "IDLE*"), (false, false));
        assert_eq!(slurm(&c, "IDLE+RESERVED"), (false, false));
        assert_eq!(classify_states(&c, "slurm", &NONE, &[]), (false, false));
    }

    #[test]
    fn reservation_adds_reserved_states() {
        let c = slurm_cfg(true);
        assert_eq!(slurm(&c, "IDLE+RESERVED"), (true, true));
        assert_eq!(slurm(&c, "RESERVED"), (true, true));
    }

    #[test]
    fn missing_sets_fall_back_to_defaults_and_non_lists_are_empty() {
        const D: StateDefaults = StateDefaults {
            up: &["IDLE", "MIXED"],
            avail: &["IDLE"],
            reserved: &["RESERVED"],
        };
        let states = |v: &[&str]| v.iter().map(|&s| Text::from(s)).collect::<Vec<_>>();
        let mut c = ScheduleConfig::default();
        assert_eq!(
            classify_states(&c, "x", &D, &states(&["idle"])),
            (true, true)
        );
        assert_eq!(
            classify_states(&c, "x", &D, &states(&["MIXED"])),
            (true, false)
        );
        assert_eq!(
            StateSets::defaults(&D).classify(&states(&["IDLE", "RESERVED"])),
            (false, false)
        );
        c.reservation = Some("r".into());
        assert_eq!(
            classify_states(&c, "x", &D, &states(&["IDLE", "RESERVED"])),
            (true, true)
        );
        let mut m = std::collections::BTreeMap::new();
        m.insert("up_states".into(), PluginValue::Str("IDLE".into()));
        c.plugins.insert("x".into(), m);
        assert_eq!(
            classify_states(&c, "x", &D, &states(&["IDLE"])),
            (false, false)
        );
    }

    #[test]
    fn pbs_tokens_lower_cased() {
        assert_eq!(
            parse_pbs_state("Free, job-busy,"),
            strs(&["free", "job-busy"])
        );
        let mut c = ScheduleConfig::default();
        let mut m = std::collections::BTreeMap::new();
        let up = ["free", "job-busy", "job-exclusive", "busy"];
        m.insert("up_states".into(), PluginValue::List(strs(&up)));
        m.insert("avail_states".into(), PluginValue::List(strs(&["free"])));
        m.insert(
            "reserved_states".into(),
            PluginValue::List(strs(&["resv-exclusive"])),
        );
        c.plugins.insert("pbs".into(), m);
        let cl = |s: &str| classify_states(&c, "pbs", &NONE, &parse_pbs_state(s));
        assert_eq!(cl("free"), (true, true));
        assert_eq!(cl("job-busy"), (true, false));
        assert_eq!(cl("free,offline"), (false, false));
        assert_eq!(cl("resv-exclusive"), (false, false));
        c.reservation = Some("R1".into());
        let cl = |s: &str| classify_states(&c, "pbs", &NONE, &parse_pbs_state(s));
        assert_eq!(cl("resv-exclusive"), (true, true));
    }
}
