//! Reading an inventory file: format detection from the content, then the Slurm text parser
//! (`slurm_text`) or the JSON/YAML parser (`structured`). Every error names the file and the
//! record (the line, for the text format).

use loggia_sched::scheduler::{RawExtra, RawNode};
use loggia_sched::SchedError;
use std::path::Path;

/// `RawExtra::other` key: which format the records came from (`slurm` or `nodeinfo`).
pub const FORMAT_KEY: &str = "format";
/// `RawExtra::other` key: the inventory file.
pub const SOURCE_KEY: &str = "source";

/// The two inventory formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `scontrol --oneliner show node|reservation|partition` output, Slurm semantics.
    SlurmText,
    /// A list of NodeInfo (JSON or YAML), each node classified by its own `up`/`available`.
    NodeInfo,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::SlurmText => "slurm",
            Format::NodeInfo => "nodeinfo",
        }
    }
}

/// What a parser produced.
pub(crate) struct Loaded {
    pub nodes: Vec<RawNode>,
    pub extra: RawExtra,
}

impl Loaded {
    pub(crate) fn new(format: Format, path: &Path) -> Loaded {
        let mut extra = RawExtra::default();
        extra
            .other
            .insert(FORMAT_KEY.to_string(), format.as_str().to_string());
        extra
            .other
            .insert(SOURCE_KEY.to_string(), path.display().to_string());
        Loaded {
            nodes: Vec::new(),
            extra,
        }
    }
}

/// `duplicate <what> name <name> in sim inventory <file> (<unit> <first> and <second>)`.
pub(crate) fn dup_error(
    path: &Path,
    what: &str,
    name: &str,
    unit: &str,
    first: usize,
    second: usize,
) -> SchedError {
    SchedError::msg(format!(
        "duplicate {what} name {name} in sim inventory {} ({unit} {first} and {second})",
        path.display()
    ))
}

/// Reads and parses the inventory file at `path`.
pub fn load_inventory(path: &Path) -> Result<(Vec<RawNode>, RawExtra), SchedError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        SchedError::msg(format!("cannot read sim inventory {}: {e}", path.display()))
    })?;
    parse_inventory(&text, path)
}

/// Parses inventory `text`; `path` names the file in errors and in `RawExtra::other`.
pub fn parse_inventory(text: &str, path: &Path) -> Result<(Vec<RawNode>, RawExtra), SchedError> {
    let loaded = match detect(text) {
        Detected::SlurmText => crate::slurm_text::parse(text, path)?,
        Detected::Json => crate::structured::parse(text, true, path)?,
        Detected::Yaml => crate::structured::parse(text, false, path)?,
    };
    Ok((loaded.nodes, loaded.extra))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detected {
    SlurmText,
    Json,
    Yaml,
}

/// Slurm text when the first line that is neither blank nor a `#` comment starts with a record
/// key; JSON when the document starts with `[` or `{`; YAML otherwise.
fn detect(text: &str) -> Detected {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    match first {
        Some(l) if crate::slurm_text::is_record_line(l) || crate::slurm_text::is_notice(l) => {
            Detected::SlurmText
        }
        Some(l) if l.starts_with('[') || l.starts_with('{') => Detected::Json,
        _ => Detected::Yaml,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection() {
        assert_eq!(detect("NodeName=n1 State=IDLE\n"), Detected::SlurmText);
        assert_eq!(
            detect("# saved\n\nPartitionName=batch Nodes=n1\n"),
            Detected::SlurmText
        );
        assert_eq!(
            detect("No reservations in the system\nNodeName=n1\n"),
            Detected::SlurmText
        );
        assert_eq!(detect("  [ {\"name\": \"n1\"} ]"), Detected::Json);
        assert_eq!(detect("{\"nodes\": []}"), Detected::Json);
        assert_eq!(detect("# nodes\n- name: n1\n"), Detected::Yaml);
        assert_eq!(detect("nodes:\n  - name: n1\n"), Detected::Yaml);
        assert_eq!(detect(""), Detected::Yaml);
    }
}
