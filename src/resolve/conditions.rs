//! `only_if` / `not_if` (CONFIG.md §9): resolved keys matched as a whole against regexes.

use crate::config::test::TestConfig;
use crate::config::yaml::{ConfigError, Node};

use std::cell::RefCell;
use std::collections::HashMap;

/// Compiled regexes per thread: every permutation of a test checks the same conditions, and
/// compiling a regex costs far more than matching a key.
const REGEX_CACHE_MAX: usize = 10_000;

thread_local! {
    static REGEXES: RefCell<HashMap<String, fancy_regex::Regex>> = RefCell::new(HashMap::new());
}

fn full_match(re: &str, text: &str) -> Result<bool, String> {
    let cached = REGEXES.with(|c| c.borrow().get(re).cloned());
    let compiled = match cached {
        Some(r) => r,
        None => {
            let anchored = format!("^(?:{re})$");
            let r = fancy_regex::Regex::new(&anchored)
                .map_err(|e| format!("invalid regex '{re}': {e}"))?;
            REGEXES.with(|c| {
                let mut c = c.borrow_mut();
                if c.len() >= REGEX_CACHE_MAX {
                    c.clear();
                }
                c.insert(re.to_string(), r.clone());
            });
            r
        }
    };
    compiled
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

#[cfg(test)]
mod tests {
    use super::full_match;

    #[test]
    fn whole_key_must_match_and_cached_regexes_stay_anchored() {
        for _ in 0..2 {
            assert_eq!(full_match("fa.*", "fast"), Ok(true));
            assert_eq!(full_match("fas", "fast"), Ok(false));
            assert_eq!(full_match("a|fast", "fast"), Ok(true));
            assert_eq!(full_match("a|fas", "fast"), Ok(false));
        }
        let e = full_match("(", "x").err().unwrap_or_default();
        assert!(e.starts_with("invalid regex '('"), "{e}");
    }
}
