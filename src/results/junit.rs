//! JUnit XML for CI (quick-junit): one test suite per loggia suite, one test case per test run;
//! FAIL is a failure, ERROR an error, with the result errors as the message.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;
use std::time::Duration;

/// One finished (or unfinished) test as the report needs it.
#[derive(Debug, Clone)]
pub struct Case {
    pub full_id: String,
    pub name: String,
    pub result: Option<String>,
    pub duration: Option<f64>,
    pub errors: Vec<String>,
    pub state: String,
}

/// The JUnit XML text for `cases`.
pub fn render(cases: &[Case]) -> Result<String, String> {
    let mut report = Report::new("loggia");
    let mut suites: BTreeMap<String, Vec<&Case>> = BTreeMap::new();
    for c in cases {
        let suite = c.name.split('.').next().unwrap_or("loggia").to_string();
        suites.entry(suite).or_default().push(c);
    }
    for (name, cs) in suites {
        let mut suite = TestSuite::new(name);
        for c in cs {
            let status = match c.result.as_deref() {
                Some("PASS") => TestCaseStatus::success(),
                Some("FAIL") => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    s.set_message(
                        c.errors
                            .first()
                            .cloned()
                            .unwrap_or_else(|| "result: FAIL".to_string()),
                    );
                    s
                }
                Some(_) => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                    s.set_message(c.errors.join("; "));
                    s
                }
                None => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                    s.set_message(format!("not complete (state {})", c.state));
                    s
                }
            };
            let mut tc = TestCase::new(format!("{} ({})", c.name, c.full_id), status);
            if let Some(d) = c.duration.filter(|d| d.is_finite() && *d >= 0.0) {
                tc.set_time(Duration::from_secs_f64(d));
            }
            suite.add_test_case(tc);
        }
        report.add_test_suite(suite);
    }
    report.to_string().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_and_errors_are_marked() {
        let c = |r: Option<&str>| Case {
            full_id: "main.1".into(),
            name: "hello.world".into(),
            result: r.map(str::to_string),
            duration: Some(0.5),
            errors: vec!["boom".into()],
            state: "RUNNING".into(),
        };
        let xml = render(&[c(Some("PASS")), c(Some("FAIL")), c(Some("ERROR")), c(None)]).unwrap();
        assert!(xml.contains("tests=\"4\""), "{xml}");
        assert!(xml.contains("failures=\"1\""), "{xml}");
        assert!(xml.contains("errors=\"2\""), "{xml}");
        assert!(xml.contains("not complete (state RUNNING)"), "{xml}");
    }
}
