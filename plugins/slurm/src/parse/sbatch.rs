//! `sbatch --parsable` output (SCHEDULING.md §6.4): `<id>` or `<id>;<cluster>`.

/// The job id and the cluster (when printed), from the last non-empty line of stdout (site
/// submit filters sometimes print notes before it). `None` when that line is not `<digits>` or
/// `<digits>;<cluster>`.
pub fn parse_parsable(stdout: &str) -> Option<(String, Option<String>)> {
    let line = stdout.lines().map(str::trim).rfind(|l| !l.is_empty())?;
    let (id, cluster) = match line.split_once(';') {
        Some((id, c)) => (id.trim(), Some(c.trim())),
        None => (line, None),
    };
    if id.is_empty() || id.len() > 20 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let cluster = cluster.filter(|c| !c.is_empty()).map(str::to_string);
    Some((id.to_string(), cluster))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = include_str!("../../testdata/slurm-22.05/sbatch-parsable-ok.out");
    const KICKOFF: &str = include_str!("../../testdata/slurm-22.05/sbatch-kickoff-ok.out");

    #[test]
    fn captures() {
        assert_eq!(parse_parsable(OK), Some(("23".into(), None)));
        assert_eq!(parse_parsable(KICKOFF), Some(("24".into(), None)));
    }

    #[test]
    fn forms() {
        assert_eq!(
            parse_parsable("4711;alpha\n"),
            Some(("4711".into(), Some("alpha".into())))
        );
        assert_eq!(
            parse_parsable("note: hi\n42\n\n"),
            Some(("42".into(), None))
        );
        assert_eq!(parse_parsable("42;"), Some(("42".into(), None)));
        for bad in [
            "",
            "\n",
            "abc",
            "4 2",
            ";x",
            "-1",
            "99999999999999999999999",
        ] {
            assert_eq!(parse_parsable(bad), None, "{bad:?}");
        }
    }
}
