//! The site config file `loggia.yaml` (CONFIG.md §1.1–§1.2): where it is found, the config
//! directories it names, and the working directory.
//!
//! Search order: `$LOGGIA_CONFIG_FILE`, `$LOGGIA_CONFIG_DIR/loggia.yaml`, `./loggia.yaml`,
//! `./configs/loggia.yaml` (the repository's default site config, so that a fresh clone runs its
//! example suites without any setup — a loggia addition), `~/.loggia/loggia.yaml`,
//! `/etc/loggia/loggia.yaml`. Without any, defaults apply with the current directory as the only
//! config dir.

use super::yaml::{self, ConfigError};
use loggia_sched::SchedSettings;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `loggia.yaml` as written. The field docs are the descriptions of the published JSON schema.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SiteFile {
    /// Ordered config directories (`~` and environment variables expanded; relative to this file). Default: the directory of this file.
    pub config_dirs: Vec<String>,
    /// Also use `~/.loggia` as the first config dir (accepted, not used yet).
    pub user_config: Option<String>,
    /// Working directory for builds and test runs. Default: `working_dir` beside this file.
    pub working_dir: Option<String>,
    /// Shell lines added to every kickoff script.
    pub env_setup: Vec<String>,
    /// `key: value` constants added to every test's results.
    pub default_results: BTreeMap<String, String>,
    /// Extra constants in the `pav` variable set.
    pub pav_vars: BTreeMap<String, String>,
    /// Static overrides of `sys` variables, e.g. `sys_name: mycluster`.
    pub sys_vars: BTreeMap<String, String>,
    /// Group applied to everything loggia creates.
    pub shared_group: Option<String>,
    /// Umask applied to everything loggia creates (default `002`).
    pub umask: Option<String>,
    /// Most simultaneous builds (default 4).
    pub build_threads: Option<u32>,
    /// Processes used for parallel resolution and result parsing (default: the CPU count).
    pub max_cpu: Option<u32>,
    /// Log level (default `info`).
    pub log_level: Option<String>,
    /// Log line format.
    pub log_format: Option<String>,
    /// Common results log, one JSON line per test. Default: `<working_dir>/results.log`.
    pub result_log: Option<String>,
    /// Split `per_file` results into separate log records (default true).
    pub flatten_results: Option<String>,
    /// Internal errors with context. Default: `<working_dir>/exceptions.log`.
    pub exception_log: Option<String>,
    /// Seconds allowed for downloads of `build.source_url` (default 5).
    pub wget_timeout: Option<String>,
    /// Proxies for downloads, scheme → URL.
    pub proxies: BTreeMap<String, String>,
    /// Hosts downloaded from without a proxy.
    pub no_proxy: Vec<String>,
    /// Spack installation used by `spack` sections.
    pub spack_path: Option<String>,
    /// `<kind>.<name>` plugins to disable.
    pub disable_plugins: Vec<String>,
    /// Scheduling settings: status polling, submission, chunk seeds (SCHEDULING.md §10).
    #[schemars(schema_with = "crate::schema::site::scheduling")]
    pub scheduling: SchedSettings,
    /// Directories searched for external scheduler plugins.
    pub scheduler_plugin_dirs: Vec<String>,
    /// Per-scheduler site settings by plugin name.
    pub schedulers: BTreeMap<String, serde_json::Value>,
}

/// One config directory with its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigDir {
    pub label: String,
    pub path: PathBuf,
}

/// The site configuration in effect for this invocation.
#[derive(Debug)]
pub struct Site {
    /// The `loggia.yaml` in use, if any was found.
    pub file: Option<PathBuf>,
    pub config_dirs: Vec<ConfigDir>,
    pub working_dir: PathBuf,
    pub result_log: PathBuf,
    pub env_setup: Vec<String>,
    pub sys_vars: BTreeMap<String, String>,
    pub pav_vars: BTreeMap<String, String>,
    pub default_results: BTreeMap<String, String>,
    pub scheduling: SchedSettings,
    /// A note for the user (e.g. that no loggia.yaml was found).
    pub warnings: Vec<String>,
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").map(PathBuf::from)
}

/// Expands a leading `~` and `$VAR`/`${VAR}` references.
pub fn expand_path(s: &str) -> String {
    let mut s = s.to_string();
    if let Some(rest) = s.strip_prefix("~/") {
        if let Some(h) = home() {
            s = format!("{}/{rest}", h.display());
        }
    }
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let braced = chars.peek() == Some(&'{');
        if braced {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphanumeric() || n == '_' {
                name.push(n);
                chars.next();
            } else {
                break;
            }
        }
        if braced && chars.peek() == Some(&'}') {
            chars.next();
        }
        if name.is_empty() {
            out.push('$');
        } else {
            out.push_str(&std::env::var(&name).unwrap_or_default());
        }
    }
    out
}

/// Where `loggia.yaml` is, per the search order in the module docs.
pub fn find_site_file() -> Option<PathBuf> {
    if let Some(f) = std::env::var_os("LOGGIA_CONFIG_FILE") {
        return Some(PathBuf::from(f));
    }
    let mut candidates = Vec::new();
    if let Some(d) = std::env::var_os("LOGGIA_CONFIG_DIR") {
        candidates.push(PathBuf::from(d).join("loggia.yaml"));
    }
    candidates.push(PathBuf::from("loggia.yaml"));
    candidates.push(PathBuf::from("configs/loggia.yaml"));
    if let Some(h) = home() {
        candidates.push(h.join(".loggia/loggia.yaml"));
    }
    candidates.push(PathBuf::from("/etc/loggia/loggia.yaml"));
    candidates.into_iter().find(|p| p.is_file())
}

fn label_for(path: &Path, index: usize) -> String {
    if index == 0 {
        return "main".to_string();
    }
    path.file_name()
        .map(|n| {
            n.to_string_lossy()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_ascii_lowercase())
                .collect()
        })
        .filter(|s: &String| !s.is_empty())
        .unwrap_or_else(|| format!("dir{index}"))
}

/// Loads the site config (or the defaults).
pub fn load() -> Result<Site, ConfigError> {
    match find_site_file() {
        Some(f) => load_file(&crate::fsutil::absolute(&f)),
        None => {
            let cwd = crate::fsutil::absolute(Path::new("."));
            let mut site = from_parts(None, SiteFile::default(), &cwd)?;
            site.warnings.push(
                "no loggia.yaml found; using defaults with the current directory as the config dir"
                    .to_string(),
            );
            Ok(site)
        }
    }
}

/// Loads a specific `loggia.yaml`.
pub fn load_file(path: &Path) -> Result<Site, ConfigError> {
    let node = yaml::load_file(path)?;
    let file: SiteFile = yaml::from_node(&node, "loggia.yaml")?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    from_parts(Some(path.to_path_buf()), file, &base)
}

fn resolve_rel(base: &Path, p: &str) -> PathBuf {
    let p = PathBuf::from(expand_path(p));
    if p.is_absolute() {
        p
    } else {
        base.join(p)
    }
}

fn from_parts(file: Option<PathBuf>, f: SiteFile, base: &Path) -> Result<Site, ConfigError> {
    let dirs: Vec<PathBuf> = if f.config_dirs.is_empty() {
        vec![base.to_path_buf()]
    } else {
        f.config_dirs.iter().map(|d| resolve_rel(base, d)).collect()
    };
    let mut config_dirs: Vec<ConfigDir> = Vec::new();
    for (i, d) in dirs.iter().enumerate() {
        let label = label_for(d, i);
        if config_dirs.iter().any(|c| c.label == label) {
            return Err(ConfigError::plain(format!(
                "config dirs {} and {} have the same label '{label}'",
                config_dirs
                    .iter()
                    .find(|c| c.label == label)
                    .map(|c| c.path.display().to_string())
                    .unwrap_or_default(),
                d.display()
            )));
        }
        config_dirs.push(ConfigDir {
            label,
            path: crate::fsutil::absolute(d),
        });
    }
    let working_dir = crate::fsutil::absolute(&match &f.working_dir {
        Some(w) => resolve_rel(base, w),
        None => base.join("working_dir"),
    });
    let result_log = match &f.result_log {
        Some(r) => resolve_rel(base, r),
        None => working_dir.join("results.log"),
    };
    let mut scheduling = f.scheduling;
    if let Some(inv) = &scheduling.sim_inventory {
        scheduling.sim_inventory = Some(crate::fsutil::absolute(&resolve_rel(
            base,
            &inv.to_string_lossy(),
        )));
    }
    Ok(Site {
        file,
        config_dirs,
        working_dir,
        result_log,
        env_setup: f.env_setup,
        sys_vars: f.sys_vars,
        pav_vars: f.pav_vars,
        default_results: f.default_results,
        scheduling,
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_expand_env_and_home() {
        std::env::var("HOME").ok();
        let e = expand_path("$LOGGIA_TEST_UNSET_VAR/x");
        assert_eq!(e, "/x");
        assert!(!expand_path("~/a").starts_with('~') || home().is_none());
    }

    #[test]
    fn defaults_use_the_base_dir() {
        let d = tempfile::tempdir().unwrap();
        let s = from_parts(None, SiteFile::default(), d.path()).unwrap();
        assert_eq!(s.config_dirs.len(), 1);
        assert_eq!(s.config_dirs[0].label, "main");
        assert_eq!(s.working_dir, d.path().join("working_dir"));
    }

    #[test]
    fn site_file_is_parsed_with_relative_dirs() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("loggia.yaml");
        std::fs::write(&f, "config_dirs: [., ../suites]\nworking_dir: wd\nscheduling:\n  status:\n    min_interval: 1\n").unwrap();
        let s = load_file(&f).unwrap();
        assert_eq!(s.config_dirs[1].label, "suites");
        assert_eq!(s.working_dir, d.path().join("wd"));
        assert_eq!(s.scheduling.status.min_interval, 1.0);
    }

    #[test]
    fn unknown_site_keys_are_located() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("loggia.yaml");
        std::fs::write(&f, "working_dri: x\n").unwrap();
        let e = load_file(&f).unwrap_err().render();
        assert!(e.contains("working_dri"), "{e}");
        assert!(e.contains("loggia.yaml:1:1"), "{e}");
        assert!(e.contains("working_dir"), "{e}");
    }
}
