//! Turning proto tests into test run directories: ids (allocated as one range), the resolved
//! config, variables, attributes, `build.sh` and `run.tmpl`.

use super::script::{self, ScriptEnv};
use super::testrun::{Attributes, StoredVars, TestRun};
use crate::config::site::Site;
use crate::fsutil::{self, write_atomic, write_json};
use crate::resolve::proto::ProtoTest;
use crate::resolve::vars::{Item, VarSets, SETS};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every variable set, resolved where possible (deferred variables stay as written).
pub fn stored_vars(
    vars: &VarSets,
    deferred_paths: &[String],
    permute_on: &BTreeMap<String, String>,
) -> StoredVars {
    let mut sv = StoredVars {
        deferred_paths: deferred_paths.to_vec(),
        permute_on: permute_on.clone(),
        ..Default::default()
    };
    for set in SETS {
        let Some(raw) = vars.raw(set) else { continue };
        let mut out = BTreeMap::new();
        for (name, items) in raw {
            if vars.is_deferred(Some(set), name) {
                sv.deferred.push(format!("{set}.{name}"));
                out.insert(name.clone(), items.clone());
                continue;
            }
            let resolved = vars
                .resolved(set, name)
                .map(|vs| vs.iter().map(Item::from_value).collect())
                .unwrap_or_else(|_| items.clone());
            out.insert(name.clone(), resolved);
        }
        match set {
            "var" => sv.var = out,
            "sys" => sv.sys = out,
            "pav" => sv.pav = out,
            _ => sv.sched = out,
        }
    }
    sv
}

/// Interprets a boolean config string (Y6); `None` and empty take the default.
pub fn parse_bool(v: Option<&str>, default: bool) -> Result<bool, String> {
    match v.map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => match s.to_ascii_lowercase().as_str() {
            "true" | "yes" => Ok(true),
            "false" | "no" => Ok(false),
            _ => Err(format!("expected true/false/yes/no, found '{s}'")),
        },
    }
}

/// Paths shared by every created test.
pub struct CreateEnv<'a> {
    pub site: &'a Site,
    pub lib_path: PathBuf,
}

impl CreateEnv<'_> {
    fn script_env<'b>(&'b self, shebang: &'b str) -> ScriptEnv<'b> {
        ScriptEnv {
            shebang,
            config_file: self.site.file.as_deref(),
            lib_path: &self.lib_path,
        }
    }
}

/// Writes `<working_dir>/share/loggia-lib.bash` and returns its path.
pub fn install_lib(working_dir: &Path) -> std::io::Result<PathBuf> {
    let share = working_dir.join("share");
    fsutil::create_dir_all(&share)?;
    let p = share.join("loggia-lib.bash");
    if std::fs::read_to_string(&p)
        .map(|s| s != script::LIB_BASH)
        .unwrap_or(true)
    {
        write_atomic(&p, script::LIB_BASH.as_bytes())?;
    }
    Ok(p)
}

/// Creates the directory and files of one test run.
pub fn create(env: &CreateEnv, p: &ProtoTest, id: u64, user: &str) -> Result<TestRun, String> {
    let site = env.site;
    let tr = TestRun::new(&site.working_dir, &p.cfg_label, id);
    let io = |e: std::io::Error| format!("creating test run {}: {e}", tr.dir.display());
    std::fs::create_dir(&tr.dir).map_err(io)?;
    let cfg_text = serde_yaml::to_string(&p.node).map_err(|e| e.to_string())?;
    write_atomic(&tr.path("config"), cfg_text.as_bytes()).map_err(io)?;
    write_json(
        &tr.path("variables"),
        &stored_vars(&p.vars, &p.deferred, &p.permute_values),
    )
    .map_err(io)?;
    write_json(&tr.path("schedule.json"), &p.schedule).map_err(io)?;
    let sys_name = match p.vars.resolved("sys", "sys_name") {
        Ok(v) => v.first().and_then(|v| v.to_text().ok()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    let attrs = Attributes {
        id,
        uuid: uuid::Uuid::new_v4().simple().to_string(),
        name: p.full_name(),
        cfg_label: p.cfg_label.clone(),
        suite_path: p.suite_path.display().to_string(),
        scheduler: p.scheduler.name.to_string(),
        created: fsutil::unix_now(),
        sys_name,
        user: user.to_string(),
        creator: Some((std::process::id(), fsutil::unix_now())),
        ..Default::default()
    };
    tr.write_attributes(&attrs).map_err(io)?;
    tr.set_status("CREATED", "Test directory and config created.")
        .map_err(io)?;
    let shebang = p
        .cfg
        .shebang
        .clone()
        .unwrap_or_else(|| "#!/usr/bin/bash".to_string());
    let senv = env.script_env(&shebang);
    let b = &p.cfg.build;
    let bverbose = parse_bool(b.verbose.as_deref(), false)?;
    let bauto = parse_bool(b.autoexit.as_deref(), true)?;
    write_script(
        &tr.path("build.sh"),
        &script::test_script(b, &senv, bverbose, bauto),
    )
    .map_err(io)?;
    let r = &p.cfg.run;
    let rverbose = parse_bool(r.verbose.as_deref(), false)?;
    let rauto = parse_bool(r.autoexit.as_deref(), true)?;
    write_script(
        &tr.path("run.tmpl"),
        &script::test_script(r, &senv, rverbose, rauto),
    )
    .map_err(io)?;
    Ok(tr)
}

/// Writes an executable script (mode 0750).
pub fn write_script(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    write_atomic(path, text.as_bytes())?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o750))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans() {
        assert_eq!(parse_bool(Some("Yes"), false), Ok(true));
        assert_eq!(parse_bool(Some("False"), true), Ok(false));
        assert_eq!(parse_bool(None, true), Ok(true));
        assert!(parse_bool(Some("maybe"), true).is_err());
    }
}
