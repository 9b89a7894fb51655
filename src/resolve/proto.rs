//! Resolving requests into *proto tests* (CONFIG.md §1.3): layering, inheritance, modes and
//! overrides on located trees, then per test: variables, permutations, `schedule:` validation,
//! the scheduler's initial `sched.*` variables, string resolution and `only_if`/`not_if`.

use super::request::{self, Request};
use super::strings;
use super::vars::{parse_variables, Item, VarSets};
use crate::config::site::Site;
use crate::config::suite::{self, RawTest};
use crate::config::test::TestConfig;
use crate::config::yaml::{self, ConfigError, Node, NodeKind, Span};
use crate::expr::{Resolver, Template};
use loggia_sched::schedule::RawValue;
use loggia_sched::{ScheduleConfig, SchedulerRegistration};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Layering options of one invocation (`-H`, `-o`, `-m`, `-c`).
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub host: Option<String>,
    pub os: Option<String>,
    pub modes: Vec<String>,
    pub overrides: Vec<String>,
}

/// A fully resolved test, ready to become a test run.
#[derive(Debug)]
pub struct ProtoTest {
    pub suite: String,
    pub name: String,
    pub subtitle: Option<String>,
    pub cfg_label: String,
    pub suite_path: PathBuf,
    /// The resolved tree; strings at `deferred` paths are still as written.
    pub node: Node,
    pub cfg: TestConfig,
    pub deferred: Vec<String>,
    pub scheduler: &'static SchedulerRegistration,
    pub schedule: ScheduleConfig,
    pub vars: VarSets,
    /// `{variable: value}` of the permutation variables.
    pub permute_values: BTreeMap<String, String>,
    /// Why `only_if`/`not_if` skip this test.
    pub skip_reason: Option<String>,
    /// Advanced tier: the chunk data kickoff needs (§2.5).
    pub advanced: Option<crate::advanced::AdvancedTest>,
    /// `sched.errors` (SCHEDULING §3.5): the test is created in state CREATION_ERROR.
    pub sched_errors: Vec<String>,
    /// Where each test variable was set (`file:line` of its layers), for `show vars`.
    pub var_origins: std::sync::Arc<BTreeMap<String, super::vars::VarOrigin>>,
    /// Things the user should know but that do not stop the test (SCHEDULING §1.3).
    pub warnings: Vec<String>,
}

impl ProtoTest {
    pub fn full_name(&self) -> String {
        match &self.subtitle {
            Some(s) if !s.is_empty() => format!("{}.{}.{s}", self.suite, self.name),
            _ => format!("{}.{}", self.suite, self.name),
        }
    }
}

/// Everything that is the same for all tests of one invocation.
pub struct Env<'a> {
    pub site: &'a Site,
    pub opts: &'a Options,
    pub sys: BTreeMap<String, super::facts::Fact>,
    pub pav: BTreeMap<String, super::facts::Fact>,
    /// `sys` and `pav` as variable items, converted once for every test.
    pub sys_items: std::sync::Arc<BTreeMap<String, Vec<Item>>>,
    pub pav_items: std::sync::Arc<BTreeMap<String, Vec<Item>>>,
    /// Scheduler availability, inventories and chunk tables of this invocation.
    pub sched: crate::advanced::SchedState,
}

impl<'a> Env<'a> {
    pub fn new(site: &'a Site, opts: &'a Options) -> Self {
        Self::with_sched(site, opts, crate::advanced::SchedState::new(site))
    }

    /// An environment with a given scheduler state (e.g. an inventory read from a file).
    pub fn with_sched(
        site: &'a Site,
        opts: &'a Options,
        sched: crate::advanced::SchedState,
    ) -> Self {
        let sys = super::facts::sys_vars(&site.sys_vars);
        let pav = super::facts::pav_vars(crate::fsutil::unix_now(), &site.pav_vars);
        Env {
            site,
            opts,
            sys_items: std::sync::Arc::new(super::vars::fact_items(sys.clone())),
            pav_items: std::sync::Arc::new(super::vars::fact_items(pav.clone())),
            sys,
            pav,
            sched,
        }
    }

    fn fact_str(&self, name: &str) -> String {
        match self.sys.get(name) {
            Some(super::facts::Fact::Str(s)) => s.clone(),
            _ => String::new(),
        }
    }

    /// `__base__`: OS config, then host config (§1.3 step 1).
    fn base(&self) -> Result<Node, ConfigError> {
        let span = Span::synthetic("<defaults>");
        let mut base = Node::synthetic(NodeKind::Map(Vec::new()), span);
        let os = self
            .opts
            .os
            .clone()
            .unwrap_or_else(|| match self.sys.get("sys_os") {
                Some(super::facts::Fact::Map(m)) => format!(
                    "{}-{}",
                    m.get("name").cloned().unwrap_or_default(),
                    m.get("version").cloned().unwrap_or_default()
                ),
                _ => String::new(),
            });
        let host = self
            .opts
            .host
            .clone()
            .unwrap_or_else(|| self.fact_str("sys_name"));
        let dirs = &self.site.config_dirs;
        if let Some(n) = suite::load_layer(dirs, "os", &os)? {
            base = yaml::merge(&base, &n)?;
        }
        if let Some(n) = suite::load_layer(dirs, "hosts", &host)? {
            base = yaml::merge(&base, &n)?;
        } else if self.opts.host.is_some() {
            return Err(ConfigError::plain(format!(
                "no host config 'hosts/{host}.yaml' in any config dir"
            )));
        }
        suite::fold_cmds(&mut base);
        Ok(base)
    }
}

/// Resolves requests into proto tests; all errors found are returned, not just the first.
pub fn resolve_requests(
    env: &Env,
    requests: &[String],
) -> Result<Vec<ProtoTest>, Vec<ConfigError>> {
    let base = env.base().map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut suites: BTreeMap<PathBuf, Vec<RawTest>> = BTreeMap::new();
    for req_text in requests {
        let req = match request::parse(req_text) {
            Ok(r) => r,
            Err(e) => {
                errors.push(ConfigError::plain(e));
                continue;
            }
        };
        let raw = match select(env, &base, &req, &mut suites) {
            Ok(r) => r,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        for _ in 0..req.repeat {
            for t in &raw {
                match resolve_test(env, t.clone(), req.subtitle.as_deref()) {
                    Ok(mut protos) => out.append(&mut protos),
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn select(
    env: &Env,
    base: &Node,
    req: &Request,
    cache: &mut BTreeMap<PathBuf, Vec<RawTest>>,
) -> Result<Vec<RawTest>, ConfigError> {
    let (path, label) = suite::find_suite(&env.site.config_dirs, &req.suite)?;
    if !cache.contains_key(&path) {
        let sf = suite::load_suite(&path, &label)?;
        let tests = suite::resolve_inheritance(&sf, base)?;
        cache.insert(path.clone(), tests);
    }
    let all = cache.get(&path).cloned().unwrap_or_default();
    let suite_name = all
        .first()
        .map(|t| t.suite.clone())
        .unwrap_or_else(|| req.suite.clone());
    let picked: Vec<RawTest> = all
        .iter()
        .filter(|t| match &req.test {
            None => !t.name.starts_with('_'),
            Some(p) if t.name.starts_with('_') => *p == t.name,
            Some(p) => request::glob_match(p, &t.name),
        })
        .cloned()
        .collect();
    if picked.is_empty() {
        let names: Vec<&str> = all
            .iter()
            .map(|t| t.name.as_str())
            .filter(|n| !n.starts_with('_'))
            .collect();
        let msg = match &req.test {
            Some(p) => {
                let mut m = format!(
                    "no test in suite '{suite_name}' matches '{p}' (tests: {})",
                    names.join(", ")
                );
                if let Some(s) = loggia_sched::text::did_you_mean(p, names.iter().copied()) {
                    m.push_str(&format!("; did you mean '{s}'?"));
                }
                m
            }
            None => format!("suite '{suite_name}' ({}) has no tests", path.display()),
        };
        return Err(ConfigError::plain(msg));
    }
    let mut out = Vec::new();
    for mut t in picked {
        for m in &env.opts.modes {
            let layer = suite::load_layer(&env.site.config_dirs, "modes", m)?.ok_or_else(|| {
                ConfigError::plain(format!("no mode config 'modes/{m}.yaml' in any config dir"))
            })?;
            let test = format!("{}.{}", t.suite, t.name);
            t.node = yaml::merge(&t.node, &layer).map_err(|e| suite::in_test(e, &test))?;
            suite::fold_cmds(&mut t.node);
        }
        for o in &env.opts.overrides {
            let test = format!("{}.{}", t.suite, t.name);
            suite::apply_override(&mut t.node, o).map_err(|e| suite::in_test(e, &test))?;
        }
        out.push(t);
    }
    Ok(out)
}

/// `schedule:` as raw values for validation; nulls are dropped (C2).
fn raw_section(node: &Node) -> Vec<(String, RawValue)> {
    fn conv(n: &Node) -> Option<RawValue> {
        match &n.kind {
            NodeKind::Null => None,
            NodeKind::Scalar(s) => Some(RawValue::Str(s.clone())),
            NodeKind::Seq(items) => Some(RawValue::List(items.iter().filter_map(conv).collect())),
            NodeKind::Map(m) => Some(RawValue::Map(
                m.iter()
                    .filter_map(|(k, v)| conv(v).map(|v| (k.name.clone(), v)))
                    .collect(),
            )),
        }
    }
    match &node.kind {
        NodeKind::Map(m) => m
            .iter()
            .filter_map(|(k, v)| conv(v).map(|v| (k.name.clone(), v)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The span of the value at a dotted path below `node`, else `node`'s own span.
pub fn span_at(node: &Node, path: &str) -> Span {
    let mut cur = node;
    for part in path.split('.') {
        let next = match &cur.kind {
            NodeKind::Map(m) => m.iter().find(|(k, _)| k.name == part).map(|(_, v)| v),
            NodeKind::Seq(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => break,
        }
    }
    cur.span.clone()
}

fn take_key(node: &mut Node, key: &str) -> Option<Node> {
    let NodeKind::Map(m) = &mut node.kind else {
        return None;
    };
    let i = m.iter().position(|(k, _)| k.name == key)?;
    Some(m.remove(i).1)
}

/// Resolves one layered test into its permutations.
fn resolve_test(
    env: &Env,
    raw: RawTest,
    want_subtitle: Option<&str>,
) -> Result<Vec<ProtoTest>, ConfigError> {
    let test_path = format!("{}.{}", raw.suite, raw.name);
    // Structure first, so unknown keys and wrong shapes are reported before any resolution.
    let shape: TestConfig = yaml::from_node(&raw.node, &test_path)?;
    let var_node = raw.node.get("variables").cloned();
    let variables = parse_variables(var_node.as_ref(), &test_path)?;
    // Shared by every permutation: cloning it per test showed in the permutation benchmark.
    let var_origins = std::sync::Arc::new(super::vars::variable_origins(var_node.as_ref()));
    let mut other_subtitles: Vec<String> = Vec::new();
    // `sched.*` names are permuted after the scheduler variables exist (CONFIG §8).
    let (sched_permute, var_permute): (Vec<String>, Vec<String>) = shape
        .permute_on
        .iter()
        .cloned()
        .partition(|p| p.trim().starts_with("sched."));
    let perms = super::permute::combinations(&variables, &var_permute, &raw.node, &test_path)?;
    let mut out = Vec::new();
    // The tree without `variables` (already parsed), copied once per permutation.
    let mut test_node = raw.node.clone();
    take_key(&mut test_node, "variables");
    // Every permutation starts from the same sets; each copies only what it changes.
    let mut base_vars = VarSets::new();
    base_vars.set_all("var", variables);
    base_vars.set_shared("sys", env.sys_items.clone());
    for d in super::facts::DEFERRED_SYS {
        base_vars.mark_deferred("sys", d);
    }
    base_vars.set_shared("pav", env.pav_items.clone());
    for perm in perms {
        let mut vars = base_vars.clone();
        for (k, v) in &perm {
            vars.insert("var", k, vec![v.clone()]);
        }
        let mut node = test_node.clone();
        let sched_name = resolve_scalar(&node, "scheduler", &vars, &test_path)?
            .unwrap_or_else(|| "raw".to_string());
        let reg = scheduler_of(&node, sched_name.trim(), &test_path)?;
        // `schedule:` is resolved without scheduler variables (SCHEDULING §1).
        let mut sched_node = take_key(&mut node, "schedule")
            .unwrap_or_else(|| Node::synthetic(NodeKind::Map(Vec::new()), raw.node.span.clone()));
        reject_sched_refs(&sched_node, &test_path, "schedule")?;
        let mut holder = Node::synthetic(
            NodeKind::Map(vec![(
                yaml::Key {
                    name: "schedule".into(),
                    span: sched_node.span.clone(),
                },
                sched_node.clone(),
            )]),
            sched_node.span.clone(),
        );
        strings::resolve_tree(&mut holder, &vars, &test_path)?;
        if let Some(n) = take_key(&mut holder, "schedule") {
            sched_node = n;
        }
        if !matches!(sched_node.kind, NodeKind::Map(_) | NodeKind::Null) {
            return Err(
                ConfigError::at(&sched_node.span, "wrong type for 'schedule'")
                    .with_path(format!("{test_path}.schedule"))
                    .with_expected("a mapping of schedule keys (nodes, partition, …)"),
            );
        }
        let (schedule, sched_warnings) =
            crate::schedvars::validate(&raw_section(&sched_node), reg.name)
                .map_err(|errs| schedule_error(errs, &sched_node, &test_path))?;
        let sched_span = span_at(&node, "scheduler");
        let sched_err = |msg: String| {
            ConfigError::at(&sched_span, msg).with_path(format!("{test_path}.scheduler"))
        };
        env.sched.check_available(reg).map_err(sched_err)?;
        let (sched, advanced, sched_errors) = match env.sched.resolve(reg, &schedule) {
            None => (crate::schedvars::initial(reg, &schedule), None, Vec::new()),
            Some(Err(e)) => return Err(sched_err(e)),
            Some(Ok(r)) => (
                crate::schedvars::from_sched_vars(r.resolution.vars),
                Some(r.test),
                r.resolution.checks.errors,
            ),
        };
        for (k, v) in &sched.values {
            vars.insert("sched", k, v.clone());
        }
        for d in &sched.deferred {
            vars.mark_deferred("sched", d);
        }
        let sched_perms = super::sched_permute::combinations(
            &sched.values,
            &sched.deferred,
            &sched_permute,
            &raw.node,
            &test_path,
        )?;
        for sperm in sched_perms {
            let mut vars = vars.clone();
            for (k, v) in &sperm {
                vars.insert("sched", k.trim_start_matches("sched."), vec![v.clone()]);
            }
            // Subtitle parts are sorted by (set, name): `sched` before `var` (CONFIG §8).
            let mut perm_all = sperm;
            perm_all.extend(perm.iter().cloned());
            let perm = perm_all;
            let mut node = node.clone();
            let sched_node = sched_node.clone();
            let deferred = strings::resolve_tree(&mut node, &vars, &test_path)?;
            // Put the resolved schedule back so the stored config shows what was used.
            if let NodeKind::Map(m) = &mut node.kind {
                m.push((
                    yaml::Key {
                        name: "schedule".into(),
                        span: sched_node.span.clone(),
                    },
                    sched_node,
                ));
            }
            let cfg: TestConfig = yaml::from_node(&node, &test_path)?;
            let mut sched_errors = sched_errors.clone();
            let mut warnings = sched_warnings.clone();
            if advanced.is_none() {
                warnings.extend(crate::schedvars::basic_tier_warnings(
                    &schedule,
                    cfg.chunk.as_deref(),
                ));
            }
            let mut advanced = advanced.clone();
            if let Some(adv) = &mut advanced {
                // `chunk:` may use `sched.chunk_ids`, so it is checked per permutation (§3.5 #8–9).
                match loggia_sched::advanced::parse_chunk(cfg.chunk.as_deref().unwrap_or("")) {
                    Ok(choice) => {
                        adv.choice = choice;
                        sched_errors.extend(loggia_sched::advanced::index_error(
                            choice,
                            adv.chunks.chunks.len(),
                        ));
                    }
                    Err(e) => sched_errors.push(e),
                }
            }
            let subtitle = match &cfg.subtitle {
                Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                _ if !perm.is_empty() => Some(super::permute::resolved_default_subtitle(
                    &perm, &vars, &raw.node, &test_path,
                )?),
                _ => None,
            };
            if let (Some(want), Some(have)) = (want_subtitle, subtitle.as_deref()) {
                if !request::glob_match(want, have) {
                    other_subtitles.push(have.to_string());
                    continue;
                }
            }
            super::checks::check_sections(&cfg, &node, &test_path, &deferred)?;
            super::checks::check_evaluations(&cfg, &node, &test_path, &deferred)?;
            if let Some(rp) = node.get("result_parse") {
                crate::results::parse::check_result_parse(rp, &test_path, &deferred)?;
            }
            let skip_reason = super::conditions::skip_reason(&cfg, &node, &test_path)?;
            let permute_values = perm
                .iter()
                .map(|(k, v)| {
                    let text = match v {
                        Item::Str(s) => s.clone(),
                        Item::Map(m) => serde_json::to_string(m).unwrap_or_default(),
                    };
                    (k.clone(), text)
                })
                .collect();
            out.push(ProtoTest {
                suite: raw.suite.clone(),
                name: raw.name.clone(),
                subtitle,
                cfg_label: raw.cfg_label.clone(),
                suite_path: raw.suite_path.clone(),
                node,
                cfg,
                deferred,
                scheduler: reg,
                schedule: schedule.clone(),
                vars,
                permute_values,
                skip_reason,
                advanced,
                sched_errors,
                var_origins: var_origins.clone(),
                warnings,
            });
        }
    }
    if out.is_empty() {
        if let Some(want) = want_subtitle {
            return Err(ConfigError::plain(format!(
                "no permutation of '{test_path}' has a subtitle matching '{want}' (subtitles: {})",
                other_subtitles.join(", ")
            )));
        }
    }
    Ok(out)
}

/// The registered scheduler `name`, or a located error (bad name, or unknown with a
/// suggestion).
fn scheduler_of(
    node: &Node,
    name: &str,
    test: &str,
) -> Result<&'static SchedulerRegistration, ConfigError> {
    let span = span_at(node, "scheduler");
    let path = format!("{test}.scheduler");
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !valid {
        return Err(
            ConfigError::at(&span, format!("invalid scheduler name '{name}'"))
                .with_path(path)
                .with_expected("a lowercase name matching ^[a-z][a-z0-9_-]*$ (e.g. raw, slurm)"),
        );
    }
    loggia_sched::registry().get(name).map_err(|e| {
        let mut err = ConfigError::at(
            &span,
            format!(
                "unknown scheduler '{}' (available: {})",
                e.name,
                e.available.join(", ")
            ),
        )
        .with_path(path);
        if let Some(s) = e.suggestion {
            err = err.with_suggestion(s);
        }
        err
    })
}

/// The span of the key at a dotted path below `node` (the value's span when there is no key).
fn key_span_at(node: &Node, path: &str) -> Span {
    let (parent, last) = match path.rsplit_once('.') {
        Some((p, l)) => (Some(p), l),
        None => (None, path),
    };
    let mut cur = node;
    if let Some(p) = parent {
        for part in p.split('.') {
            match &cur.kind {
                NodeKind::Map(m) => match m.iter().find(|(k, _)| k.name == part) {
                    Some((_, v)) => cur = v,
                    None => return cur.span.clone(),
                },
                _ => return cur.span.clone(),
            }
        }
    }
    match &cur.kind {
        NodeKind::Map(m) => m
            .iter()
            .find(|(k, _)| k.name == last)
            .map(|(k, _)| k.span.clone())
            .unwrap_or_else(|| cur.span.clone()),
        _ => cur.span.clone(),
    }
}

/// The first schedule validation error, located: unknown keys point at the key and list the
/// known ones; bad values point at the value.
fn schedule_error(
    errs: Vec<loggia_sched::schedule::validate::KeyError>,
    sched_node: &Node,
    test: &str,
) -> ConfigError {
    let Some(e) = errs.into_iter().next() else {
        return ConfigError::plain(format!("{test}: invalid schedule section"));
    };
    let rel = e
        .path
        .strip_prefix("schedule.")
        .unwrap_or(&e.path)
        .to_string();
    match e.unknown {
        Some(u) => {
            let parent = e
                .path
                .rsplit_once('.')
                .map(|(p, _)| p.to_string())
                .unwrap_or_else(|| "schedule".to_string());
            let mut err = ConfigError::at(
                &key_span_at(sched_node, &rel),
                format!("unknown key '{}'", u.key),
            )
            .with_path(format!("{test}.{parent}"))
            .with_expected(format!("one of: {}", u.known.join(", ")));
            if let Some(s) = u.suggestion {
                err = err.with_suggestion(s);
            }
            err
        }
        None => ConfigError::at(&span_at(sched_node, &rel), e.message)
            .with_path(format!("{test}.{}", e.path)),
    }
}

/// The resolved text of a top-level scalar key, if set.
fn resolve_scalar(
    node: &Node,
    key: &str,
    vars: &dyn Resolver,
    test: &str,
) -> Result<Option<String>, ConfigError> {
    let Some(n) = node.get(key) else {
        return Ok(None);
    };
    let Some(text) = n.as_str() else {
        return Ok(None);
    };
    let tpl = Template::parse(text).map_err(|e| {
        ConfigError::at(&n.span, format!("invalid expression: {}", e.message))
            .with_path(format!("{test}.{key}"))
    })?;
    tpl.render(vars)
        .map(Some)
        .map_err(|e| ConfigError::at(&n.span, e.message).with_path(format!("{test}.{key}")))
}

/// `schedule:` may not use `sched.*` variables.
fn reject_sched_refs(node: &Node, test: &str, path: &str) -> Result<(), ConfigError> {
    match &node.kind {
        NodeKind::Scalar(s) => {
            if let Ok(t) = Template::parse(s) {
                if t.refs().iter().any(|r| r.set.as_deref() == Some("sched")) {
                    return Err(ConfigError::at(
                        &node.span,
                        "schedule section may not reference scheduler variables",
                    )
                    .with_path(format!("{test}.{path}"))
                    .with_expected(
                        "values from var, sys or pav variables (sched.* depend on the schedule)",
                    ));
                }
            }
            Ok(())
        }
        NodeKind::Seq(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, n)| reject_sched_refs(n, test, &format!("{path}.{i}"))),
        NodeKind::Map(m) => m
            .iter()
            .try_for_each(|(k, n)| reject_sched_refs(n, test, &format!("{path}.{}", k.name))),
        NodeKind::Null => Ok(()),
    }
}
