//! The shape of one test config (CONFIG.md §3, §4.1). Leaves are strings: they may hold
//! `{{ }}` expressions until resolution, and are interpreted (booleans, integers) afterwards by
//! [`crate::resolve`]. Deserializing into these structs checks the structure (unknown keys,
//! lists vs mappings) with locations; `variables`, `schedule` and `result_parse` are walked as
//! located trees elsewhere and only accepted here.

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// A mapping that keeps its keys in file order (environment exports are ordered).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, T>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// `build:` and `run:` share most keys; unused ones are rejected per section in resolution.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScriptSection {
    pub cmds: Vec<String>,
    pub prepend_cmds: Vec<String>,
    pub append_cmds: Vec<String>,
    pub env: Ordered<Option<String>>,
    pub modules: Vec<String>,
    pub preamble: Vec<String>,
    pub verbose: Option<String>,
    pub autoexit: Option<String>,
    pub timeout: Option<String>,
    pub timeout_file: Option<String>,
    pub create_files: BTreeMap<String, Vec<String>>,
    pub templates: BTreeMap<String, String>,
    // build only
    pub source_path: Option<String>,
    pub source_url: Option<String>,
    pub source_download: Option<String>,
    pub copy_files: Vec<String>,
    pub extra_files: Vec<String>,
    pub on_nodes: Option<String>,
    pub specificity: Option<String>,
    pub spack: Option<IgnoredAny>,
    // run only
    pub concurrent: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Maintainer {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// One test config as written (after layering and inheritance).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TestConfig {
    pub inherits_from: Option<String>,
    pub subtitle: Option<String>,
    pub summary: Option<String>,
    pub doc: Option<String>,
    pub maintainer: Option<Maintainer>,
    pub variables: Option<IgnoredAny>,
    pub permute_on: Vec<String>,
    pub scheduler: Option<String>,
    pub schedule: Option<IgnoredAny>,
    pub chunk: Option<String>,
    pub only_if: BTreeMap<String, Vec<String>>,
    pub not_if: BTreeMap<String, Vec<String>>,
    pub build: ScriptSection,
    pub run: ScriptSection,
    pub result_parse: Option<IgnoredAny>,
    pub result_evaluate: Ordered<String>,
    pub shebang: Option<String>,
    pub module_wrappers: Option<IgnoredAny>,
    pub spack: Option<IgnoredAny>,
    pub compatible_pav_versions: Option<String>,
    pub test_version: Option<String>,
    pub group: Option<IgnoredAny>,
    pub umask: Option<IgnoredAny>,
}

/// Keys of `build:` that `run:` does not accept, and the other way round.
pub const BUILD_ONLY: &[&str] = &[
    "source_path",
    "source_url",
    "source_download",
    "copy_files",
    "extra_files",
    "on_nodes",
    "specificity",
];
pub const RUN_ONLY: &[&str] = &["concurrent"];
