//! The fixture line format (`testdata/hostlist/slurm-<version>.txt`): what Slurm answered for
//! every case. The format is described in the file's own header, written by [`render`].

use std::fmt::Write as _;

/// What `scontrol show hostnames` did with an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expansion {
    Names(Vec<String>),
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// `scontrol show hostnames <input>`.
    Expand { input: String, slurm: Expansion },
    /// `scontrol show hostlistsorted` of the names de-duplicated (first occurrence kept), and
    /// `scontrol show hostlist` of the names as given.
    Compress {
        names: Vec<String>,
        sorted: String,
        unsorted: String,
    },
}

/// Path of the fixture for a Slurm `major.minor` version.
pub fn path(version: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/hostlist")
        .join(format!("slurm-{version}.txt"))
}

const HEADER: &str = "\
# Hostlist conformance fixture: the real answers of Slurm's scontrol for loggia's generated
# cases (SCHEDULING.md section 7.4). Checked by tests/hostlist_conformance.rs; regenerate with
#   LOGGIA_HOSTLIST_WRITE_FIXTURE=1 cargo test -p loggia-sched --test hostlist_live
# on a machine with scontrol (cases: tests/hostlist_common/cases.rs).
#
# One record per line, fields separated by one TAB:
#   E <input> ok <n> <names>     scontrol show hostnames <input> printed n names
#                                (names separated by single spaces; the field is absent when n = 0)
#   E <input> rejected           scontrol printed an error and no names
#   C <names> <sorted> <plain>   <names> comma-joined as given; <sorted> is the output of
#                                scontrol show hostlistsorted on the names de-duplicated
#                                (first occurrence kept); <plain> of scontrol show hostlist
#                                on the names as given
# Every field is escaped: backslash as \\\\, TAB \\t, newline \\n, CR \\r, space \\s, and an empty
# field is written \\e.
";

pub fn escape(s: &str) -> String {
    if s.is_empty() {
        return "\\e".to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            ' ' => out.push_str("\\s"),
            c => out.push(c),
        }
    }
    out
}

pub fn unescape(s: &str) -> Result<String, String> {
    if s == "\\e" {
        return Ok(String::new());
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next() {
            Some('\\') => '\\',
            Some('t') => '\t',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('s') => ' ',
            other => return Err(format!("bad escape \\{other:?} in {s:?}")),
        });
    }
    Ok(out)
}

/// The whole fixture file: header, the Slurm version line, one line per record.
pub fn render(version_line: &str, records: &[Record]) -> String {
    let mut out = String::from(HEADER);
    let _ = writeln!(out, "# {version_line}");
    for r in records {
        match r {
            Record::Expand {
                input,
                slurm: Expansion::Rejected,
            } => {
                let _ = writeln!(out, "E\t{}\trejected", escape(input));
            }
            Record::Expand {
                input,
                slurm: Expansion::Names(names),
            } => {
                let _ = write!(out, "E\t{}\tok\t{}", escape(input), names.len());
                if !names.is_empty() {
                    let joined: Vec<String> = names.iter().map(|n| escape(n)).collect();
                    let _ = write!(out, "\t{}", joined.join(" "));
                }
                out.push('\n');
            }
            Record::Compress {
                names,
                sorted,
                unsorted,
            } => {
                let _ = writeln!(
                    out,
                    "C\t{}\t{}\t{}",
                    escape(&names.join(",")),
                    escape(sorted),
                    escape(unsorted)
                );
            }
        }
    }
    out
}

/// Parses a fixture file; errors name the line.
pub fn parse(text: &str) -> Result<Vec<Record>, String> {
    let mut records = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let record = parse_line(line).map_err(|e| format!("fixture line {}: {e}", n + 1))?;
        records.push(record);
    }
    Ok(records)
}

fn parse_line(line: &str) -> Result<Record, String> {
    let fields: Vec<&str> = line.split('\t').collect();
    match fields.as_slice() {
        ["E", input, "rejected"] => Ok(Record::Expand {
            input: unescape(input)?,
            slurm: Expansion::Rejected,
        }),
        ["E", input, "ok", count, rest @ ..] => {
            let count: usize = count.parse().map_err(|_| format!("bad count {count:?}"))?;
            let names = match rest {
                [] => Vec::new(),
                [names] => names
                    .split(' ')
                    .map(unescape)
                    .collect::<Result<Vec<_>, _>>()?,
                _ => return Err("too many fields".to_owned()),
            };
            if names.len() != count {
                return Err(format!("{} names, count says {count}", names.len()));
            }
            Ok(Record::Expand {
                input: unescape(input)?,
                slurm: Expansion::Names(names),
            })
        }
        ["C", names, sorted, unsorted] => Ok(Record::Compress {
            names: unescape(names)?.split(',').map(str::to_owned).collect(),
            sorted: unescape(sorted)?,
            unsorted: unescape(unsorted)?,
        }),
        _ => Err(format!("unrecognised record {line:?}")),
    }
}
