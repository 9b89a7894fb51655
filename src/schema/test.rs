//! Hand-written schemas of the test-config keys that the loader walks as located trees instead
//! of deserializing (`variables`, `module_wrappers`, …), and the suite file around test configs.

use super::leaf::{list_of, scalar};
use schemars::{Schema, SchemaGenerator};
use serde_json::{json, Value};

/// Variable names as defined: a name, optionally `?` (default) or `+` (append) (CONFIG.md Y4).
pub const VARIABLE_NAME: &str = "^[a-zA-Z][a-zA-Z0-9_]*[?+]?$";
/// Test names (CONFIG.md Y4).
pub const TEST_NAME: &str = "^[a-zA-Z0-9_][a-zA-Z0-9_-]*$";
/// Sub-keys of variable items (CONFIG.md §6.1).
const SUB_KEY: &str = "^[a-zA-Z][a-zA-Z0-9_]*$";

fn to_schema(v: Value) -> Schema {
    Schema::try_from(v).unwrap_or_default()
}

/// One variable item with sub-keys.
fn sub_keys() -> Value {
    json!({
        "type": "object",
        "patternProperties": { SUB_KEY: { "type": ["string", "number", "boolean", "null"] } },
        "additionalProperties": false,
    })
}

/// The value of `variables:` (CONFIG.md §6.1, §6.2).
pub fn variables_value() -> Value {
    let item = json!({ "anyOf": [scalar(), sub_keys()] });
    json!({
        "type": ["object", "null"],
        "patternProperties": {
            VARIABLE_NAME: {
                "description": "One value, a list of values, a mapping of sub-keys, or a list \
                                of such mappings; empty for a required `name?`.",
                "anyOf": [
                    item,
                    { "type": "array", "items": item },
                    { "type": "null" },
                ]
            }
        },
        "additionalProperties": false,
    })
}

/// `schemars` hook for `variables`.
pub fn variables(_: &mut SchemaGenerator) -> Schema {
    to_schema(variables_value())
}

/// `schemars` hook for `module_wrappers` (CONFIG.md §4.3).
pub fn module_wrappers(_: &mut SchemaGenerator) -> Schema {
    to_schema(json!({
        "type": ["object", "null"],
        "additionalProperties": {
            "type": ["object", "null"],
            "additionalProperties": false,
            "properties": {
                "modules": list_of(json!({ "type": "string" })),
                "env": { "type": ["object", "null"], "additionalProperties": { "type": ["string", "null"] } },
            },
        },
    }))
}

/// `schemars` hook for keys checked elsewhere that must be mappings.
pub fn any_mapping(_: &mut SchemaGenerator) -> Schema {
    to_schema(json!({ "type": ["object", "null"] }))
}

/// `schemars` hook for keys accepted and ignored.
pub fn anything(_: &mut SchemaGenerator) -> Schema {
    Schema::default()
}

/// The suite file: test name → test config (`test_ref`), or null for an empty test.
pub fn suite(test_ref: &str) -> Value {
    json!({
        "type": ["object", "null"],
        "description": "A loggia test suite: test name → test config.",
        "patternProperties": {
            TEST_NAME: { "anyOf": [{ "$ref": test_ref }, { "type": "null" }] }
        },
        "additionalProperties": false,
    })
}
