//! The `table` parser (CONFIG.md §10.2): rows of delimited cells from the start line to the
//! table's end, as `{row: {column: value}}` (or `{column: {row: value}}` with `by_column`).

use super::spec::TableSpec;
use crate::expr::Value;
use fancy_regex::Regex;
use std::collections::BTreeMap;

/// Lower-cased, every non-word character replaced by `_`.
fn normalise(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Column names normalised, a leading digit prefixed with `c_`, duplicates suffixed `_2`, `_3`…
/// Empty names stay empty (their columns are dropped).
pub fn column_names(raw: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in raw {
        let mut n = normalise(name);
        if n.starts_with(|c: char| c.is_ascii_digit()) {
            n = format!("c_{n}");
        }
        if !n.is_empty() && out.contains(&n) {
            let mut i = 2;
            while out.contains(&format!("{n}_{i}")) {
                i += 1;
            }
            n = format!("{n}_{i}");
        }
        out.push(n);
    }
    out
}

/// Splits a row on the delimiter (empty delimiter matches are ignored).
fn cells(delimiter: &Regex, line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut last = 0;
    for m in delimiter.find_iter(line) {
        let m = m.map_err(|e| format!("delimiter_re '{}' failed: {e}", delimiter.as_str()))?;
        if m.start() == m.end() {
            continue;
        }
        out.push(line[last..m.start()].to_string());
        last = m.end();
    }
    out.push(line[last..].to_string());
    Ok(out)
}

fn matches(re: &Regex, line: &str) -> Result<bool, String> {
    super::scan::search(re, line)
}

/// Parses the table that starts at `lines[0]`.
pub fn parse(t: &TableSpec, lines: &[&str]) -> Result<Value, String> {
    let mut rows: Vec<&str> = Vec::new();
    for line in lines {
        let line = if t.lstrip { line.trim_start() } else { line };
        if matches(&t.row_ignore, line)? {
            continue;
        }
        if matches(&t.table_end, line)? {
            break;
        }
        rows.push(line);
    }
    if rows.is_empty() {
        return Err(format!(
            "found a table at '{}', but every line was ignored by row_ignore_re '{}' or it was ended at once by table_end_re '{}'",
            lines.first().copied().unwrap_or(""),
            t.row_ignore.as_str(),
            t.table_end.as_str()
        ));
    }
    let mut data = rows.as_slice();
    let cols = if t.col_names.is_empty() {
        let mut header = cells(&t.delimiter, data[0])?;
        data = &data[1..];
        if t.has_row_labels && !header.is_empty() {
            header.remove(0);
        }
        column_names(&header)
    } else {
        column_names(&t.col_names)
    };
    let mut table: BTreeMap<String, Value> = BTreeMap::new();
    for (n, row) in data.iter().enumerate() {
        let mut cells = cells(&t.delimiter, row)?.into_iter();
        let label = if t.has_row_labels {
            let l = normalise(&cells.next().unwrap_or_default());
            if l.is_empty() {
                format!("row_{n}")
            } else if table.contains_key(&l) {
                format!("{l}_{n}")
            } else {
                l
            }
        } else {
            format!("row_{n}")
        };
        let mut values = BTreeMap::new();
        for col in &cols {
            let cell = cells.next().map(|c| c.trim().to_string());
            if !col.is_empty() {
                let v = cell
                    .filter(|c| !c.is_empty())
                    .map(Value::Str)
                    .unwrap_or(Value::Null);
                values.insert(col.clone(), v);
            }
        }
        table.insert(label, Value::Map(values));
    }
    if !t.by_column {
        return Ok(Value::Map(table));
    }
    let mut by_col: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    for (row, values) in table {
        if let Value::Map(values) = values {
            for (col, v) in values {
                by_col.entry(col).or_default().insert(row.clone(), v);
            }
        }
    }
    Ok(Value::Map(
        by_col
            .into_iter()
            .map(|(k, v)| (k, Value::Map(v)))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::parse::spec::ROW_IGNORE_DEFAULT;

    fn spec() -> TableSpec {
        TableSpec {
            delimiter: Regex::new(r"\s+").unwrap(),
            row_ignore: Regex::new(ROW_IGNORE_DEFAULT).unwrap(),
            table_end: Regex::new(r"^\s*$").unwrap(),
            col_names: vec![],
            has_row_labels: true,
            by_column: false,
            lstrip: false,
        }
    }

    fn json(v: &Value) -> serde_json::Value {
        v.to_json()
    }

    const TABLE: &str = "node  Speed(GB/s) 2nd  speed\n----  ----  ---  ---\ncn01  1.5   x    3\ncn02  2.5\n\nafter 1 2 3\n";

    #[test]
    fn rows_by_label() {
        let lines: Vec<&str> = TABLE.lines().collect();
        let v = parse(&spec(), &lines).unwrap();
        assert_eq!(
            json(&v),
            serde_json::json!({
                "cn01": {"speed_gb_s_": "1.5", "c_2nd": "x", "speed": "3"},
                "cn02": {"speed_gb_s_": "2.5", "c_2nd": null, "speed": null}
            })
        );
    }

    #[test]
    fn by_column_and_given_names_without_labels() {
        let lines: Vec<&str> = TABLE.lines().collect();
        let mut t = spec();
        t.by_column = true;
        t.has_row_labels = false;
        t.col_names = vec!["host".into(), "".into(), "b".into()];
        let v = parse(&t, &lines).unwrap();
        assert_eq!(
            json(&v),
            serde_json::json!({
                "host": {"row_0": "node", "row_1": "cn01", "row_2": "cn02"},
                "b": {"row_0": "2nd", "row_1": "x", "row_2": null}
            })
        );
    }

    #[test]
    fn labels_empty_and_duplicate() {
        let mut t = spec();
        t.delimiter = Regex::new(r"\|").unwrap();
        let lines = ["x|a|a|a", "|1|2|3", "r|4|5|6", "R|7|8|9"];
        let v = parse(&t, &lines).unwrap();
        assert_eq!(
            json(&v),
            serde_json::json!({
                "row_0": {"a": "1", "a_2": "2", "a_3": "3"},
                "r": {"a": "4", "a_2": "5", "a_3": "6"},
                "r_2": {"a": "7", "a_2": "8", "a_3": "9"}
            })
        );
    }

    #[test]
    fn lstrip_and_errors() {
        let mut t = spec();
        let lines = ["   h a", "   r 1"];
        let v = parse(&t, &lines).unwrap();
        // Without lstrip the first cell is the empty text before the indentation.
        assert_eq!(json(&v), serde_json::json!({"row_0": {"h": "r", "a": "1"}}));
        t.lstrip = true;
        let v = parse(&t, &lines).unwrap();
        assert_eq!(json(&v), serde_json::json!({"r": {"a": "1"}}));
        let e = parse(&t, &["", "a b"]).unwrap_err();
        assert!(e.starts_with("found a table at ''"), "{e}");
        assert!(parse(&t, &[]).is_err());
    }

    #[test]
    fn duplicate_column_names_after_prefixing() {
        assert_eq!(
            column_names(&["1".into(), "1".into(), "c_1".into(), "A b".into()]),
            vec!["c_1", "c_1_2", "c_1_3", "a_b"]
        );
    }
}
