//! The shape of one test config (CONFIG.md §3, §4.1). Leaves are strings: they may hold
//! `{{ }}` expressions until resolution, and are interpreted (booleans, integers) afterwards by
//! [`crate::resolve`]. Deserializing into these structs checks the structure (unknown keys,
//! lists vs mappings) with locations; `variables`, `schedule` and `result_parse` are walked as
//! located trees elsewhere and only accepted here.
//!
//! The doc comments of the fields are the descriptions of the published JSON schema
//! ([`crate::schema`]); fields walked elsewhere get hand-written schemas from there.

use schemars::JsonSchema;
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

// By hand: the derive would describe the tuple vector, not the mapping it is read from.
impl<T: JsonSchema> JsonSchema for Ordered<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Ordered_{}", T::schema_name()).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": generator.subschema_for::<T>(),
        })
    }
}

/// `build:` and `run:` share most keys; unused ones are rejected per section in resolution.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ScriptSection {
    /// Commands, one per item; multi-line strings are split on newlines.
    pub cmds: Vec<String>,
    /// Commands put before the inherited `cmds` (folded in at the layer where they appear).
    pub prepend_cmds: Vec<String>,
    /// Commands put after the inherited `cmds` (folded in at the layer where they appear).
    pub append_cmds: Vec<String>,
    /// Ordered environment exports `NAME: value`; a null value unsets the variable.
    pub env: Ordered<Option<String>>,
    /// Module changes in order: `name[/version]` loads, `-name` unloads, `old->new` swaps.
    pub modules: Vec<String>,
    /// Lines placed first in the script (host-specific setup).
    pub preamble: Vec<String>,
    /// `set -v`, and print the loaded modules and the environment before `cmds` (true/false, default false).
    pub verbose: Option<String>,
    /// Emit `set -e -o pipefail` before `cmds` (true/false, default true).
    pub autoexit: Option<String>,
    /// Seconds without new output in the log before the step times out (build 30, run 300); empty means none.
    pub timeout: Option<String>,
    /// Follow this file instead of the log for the timeout.
    pub timeout_file: Option<String>,
    /// Files to create: `path: [lines]`; lines are resolved strings.
    pub create_files: BTreeMap<String, Vec<String>>,
    /// `template path (in test_src): output path`, resolved with the string syntax.
    pub templates: BTreeMap<String, String>,
    // build only
    /// build only: a file, directory or archive, relative paths searched in `test_src/`.
    pub source_path: Option<String>,
    /// build only: URL downloaded into `working_dir/downloads/`.
    pub source_url: Option<String>,
    /// build only: `never`, `missing` (default) or `latest`.
    pub source_download: Option<String>,
    /// build only: globs of build files copied (writable) into each test run instead of symlinked.
    pub copy_files: Vec<String>,
    /// build only: files or directories from `test_src/` copied into the build directory.
    pub extra_files: Vec<String>,
    /// build only: build inside the allocation instead of before kickoff (true/false).
    pub on_nodes: Option<String>,
    /// build only: an extra string hashed into the build id, e.g. `{{sys.sys_name}}`.
    pub specificity: Option<String>,
    /// Spack packages (`install`, `load`); accepted, not used by loggia.
    #[schemars(schema_with = "crate::schema::test::any_mapping")]
    pub spack: Option<IgnoredAny>,
    // run only
    /// run only: most tests running at once in one shared allocation (integer >= 1).
    pub concurrent: Option<String>,
}

/// Who looks after a test.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Maintainer {
    /// Name (default `unknown`).
    pub name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

/// One test config as written (after layering and inheritance).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TestConfig {
    /// Parent test in the same suite; not inherited itself.
    pub inherits_from: Option<String>,
    /// Appended to the test name (`suite.test.subtitle`); generated for permutations.
    pub subtitle: Option<String>,
    /// One-line description, shown by `loggia show tests`.
    pub summary: Option<String>,
    /// Longer description.
    pub doc: Option<String>,
    /// Informational: who looks after this test.
    pub maintainer: Option<Maintainer>,
    /// Test (`var`) variables: `name`, `name?` (default; empty = required) or `name+` (append) → a value, a list, a mapping of sub-keys or a list of such mappings.
    #[schemars(schema_with = "crate::schema::test::variables")]
    pub variables: Option<IgnoredAny>,
    /// Variable names (optionally set-qualified) to generate one test per combination of.
    pub permute_on: Vec<String>,
    /// Scheduler plugin (default `raw`).
    pub scheduler: Option<String>,
    /// Allocation and scheduling settings (SCHEDULING.md §1).
    #[schemars(schema_with = "crate::schema::schedule::schedule")]
    pub schedule: Option<IgnoredAny>,
    /// Chunk selector (default `any`).
    pub chunk: Option<String>,
    /// Run only when every key matches one of its regexes (whole match).
    pub only_if: BTreeMap<String, Vec<String>>,
    /// Skip when any key matches one of its regexes (whole match).
    pub not_if: BTreeMap<String, Vec<String>>,
    /// The build script and its sources.
    pub build: ScriptSection,
    /// The run script.
    pub run: ScriptSection,
    /// Result parsers: parser → result key → options.
    pub result_parse: Option<crate::results::parse::ResultParse>,
    /// Result keys computed by expressions over the results, in dependency order.
    pub result_evaluate: Ordered<String>,
    /// First line of the build, run and kickoff scripts (default `#!/usr/bin/bash`).
    pub shebang: Option<String>,
    /// `name[/version]` (globs allowed) → `{modules, env}` run instead of the module change.
    #[schemars(schema_with = "crate::schema::test::module_wrappers")]
    pub module_wrappers: Option<IgnoredAny>,
    /// Spack environment of the build; accepted, not used by loggia.
    #[schemars(schema_with = "crate::schema::test::any_mapping")]
    pub spack: Option<IgnoredAny>,
    /// Pavilion versions this test works with: `X`, `X.Y`, `X.Y.Z` or `A-B`.
    pub compatible_pav_versions: Option<String>,
    /// Informational; copied to the results.
    pub test_version: Option<String>,
    /// Accepted and ignored (no longer used).
    #[schemars(schema_with = "crate::schema::test::anything")]
    pub group: Option<IgnoredAny>,
    /// Accepted and ignored (no longer used).
    #[schemars(schema_with = "crate::schema::test::anything")]
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
