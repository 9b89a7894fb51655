//! `only_if` / `not_if` (CONFIG.md §9): resolved keys matched as a whole against regexes.

use crate::config::test::TestConfig;
use crate::config::yaml::{ConfigError, Node};

fn full_match(re: &str, text: &str) -> Result<bool, String> {
    let anchored = format!("^(?:{re})$");
    fancy_regex::Regex::new(&anchored)
        .map_err(|e| format!("invalid regex '{re}': {e}"))?
        .is_match(text)
        .map_err(|e| format!("regex '{re}' failed: {e}"))
}

/// Why the test is skipped, if it is.
pub fn skip_reason(
    cfg: &TestConfig,
    node: &Node,
    test: &str,
) -> Result<Option<String>, ConfigError> {
    let err = |key: &str, m: String| {
        ConfigError::at(&super::proto::span_at(node, key), m).with_path(format!("{test}.{key}"))
    };
    for (key, res) in &cfg.only_if {
        let mut hit = false;
        for re in res {
            hit |= full_match(re, key).map_err(|m| err("only_if", m))?;
        }
        if !hit {
            return Ok(Some(format!(
                "only_if: '{key}' does not match any of {res:?}"
            )));
        }
    }
    for (key, res) in &cfg.not_if {
        for re in res {
            if full_match(re, key).map_err(|m| err("not_if", m))? {
                return Ok(Some(format!("not_if: '{key}' matches '{re}'")));
            }
        }
    }
    Ok(None)
}
