//! Replays AWS-recorded executions (`../shared/conformance/cases.jsonl`) and compares the
//! outcome: status, then output (or error and cause), object keys in any order; a pointer in
//! `expected.loose` must exist but its value is not compared.

use crate::api::{self, RunOptions};
use crate::model::WorkflowType;
use crate::run::Status;
use crate::syntax::json::{self, unescape_pointer, Map, Value};
use crate::syntax::time::parse_rfc3339;
use std::collections::BTreeMap;
use std::rc::Rc;

#[derive(Debug, Clone)]
pub struct CaseResult {
    pub id: String,
    pub tags: Vec<String>,
    pub passed: bool,
    /// Why it failed.
    pub reason: String,
}

/// A JSON array of strings (tags, loose pointers) as a list.
fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Compares an answer with AWS's, key by key (a key AWS did not send must be absent too);
/// `loose` pointers (into the expected object) must exist, their values are not compared.
fn compare_answer(got: &Value, want: &Value, loose: &[String]) -> Result<(), String> {
    let (mut got, mut want) = (got.clone(), want.clone());
    for pointer in loose {
        if got.pointer(pointer).is_none() {
            return Err(format!("{pointer} is missing (loose, but it must exist)"));
        }
        blank(&mut got, pointer);
        blank(&mut want, pointer);
    }
    if got == want {
        return Ok(());
    }
    let keys: std::collections::BTreeSet<String> = [&got, &want]
        .iter()
        .filter_map(|v| v.as_object())
        .flat_map(|m| m.keys().map(|k| k.to_string()))
        .collect();
    for k in keys {
        let (g, w) = (got.get(&k), want.get(&k));
        if g != w {
            return Err(format!(
                "{k}: {} != expected {}",
                g.map_or("(absent)".into(), |g| clip(&g.to_json())),
                w.map_or("(absent)".into(), |w| clip(&w.to_json()))
            ));
        }
    }
    Err(format!(
        "{} != expected {}",
        clip(&got.to_json()),
        clip(&want.to_json())
    ))
}

/// A TestState case: the request goes to `teststate::test_state` as AWS received it.
fn run_teststate_case(case: &Value, result: impl Fn(bool, String) -> CaseResult) -> CaseResult {
    let request = case.get("request").cloned().unwrap_or_default();
    let got = crate::aws::teststate::answer_json(&request, &Default::default());
    let want = case.get("expected").cloned().unwrap_or_default();
    match compare_answer(&got, &want, &strings(case.get("loose"))) {
        Ok(()) => result(true, String::new()),
        Err(e) => result(false, e),
    }
}

/// A validation case: ValidateStateMachineDefinition's answer (result, and each diagnostic's
/// code, location and message), or CreateStateMachine's InvalidDefinition message.
fn run_validation_case(case: &Value, result: impl Fn(bool, String) -> CaseResult) -> CaseResult {
    let text = case.get("definition").and_then(Value::as_str).unwrap_or("");
    let ty = case
        .get("type")
        .and_then(Value::as_str)
        .and_then(WorkflowType::parse)
        .unwrap_or_default();
    let v = api::validate(text, ty);
    let want = case.get("expected").cloned().unwrap_or_default();
    let errors: Vec<&crate::check::diagnostic::Diagnostic> = v
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::check::diagnostic::Severity::Error)
        .collect();
    if let Some(message) = want.get("message").and_then(Value::as_str) {
        let got = errors
            .first()
            .map(|d| format!("Invalid State Machine Definition: '{}'", d.aws_text()));
        return match got {
            Some(g) if g == message => result(true, String::new()),
            g => result(false, format!("{g:?} != expected {message:?}")),
        };
    }
    let got_result = if errors.is_empty() { "OK" } else { "FAIL" };
    let want_result = want.get("result").and_then(Value::as_str).unwrap_or("");
    if got_result != want_result {
        return result(
            false,
            format!("result {got_result} != expected {want_result}"),
        );
    }
    let mine: Vec<Value> = v
        .diagnostics
        .iter()
        .map(|d| {
            let mut m = Map::default();
            m.insert(Rc::from("code"), Value::from(d.code));
            if let Some(l) = &d.location {
                m.insert(Rc::from("location"), Value::from(l.as_str()));
            }
            m.insert(Rc::from("message"), Value::from(d.message.as_str()));
            m.insert(Rc::from("severity"), Value::from(d.severity.as_str()));
            Value::from(m)
        })
        .collect();
    let theirs = want.get("diagnostics").cloned().unwrap_or_default();
    if Value::from(mine.clone()) == theirs {
        result(true, String::new())
    } else {
        result(
            false,
            format!(
                "diagnostics {} != expected {}",
                clip(&Value::from(mine).to_json()),
                clip(&theirs.to_json())
            ),
        )
    }
}

/// Runs one case given as a JSON object: an execution, a TestState call (`request`), or a
/// validation (`definition` as text).
pub(crate) fn run_case(case: &Value) -> CaseResult {
    let id = case
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string();
    let tags = strings(case.get("tags"));
    let result = |passed: bool, reason: String| CaseResult {
        id: id.clone(),
        tags: tags.clone(),
        passed,
        reason,
    };
    if case.get("request").is_some() {
        return run_teststate_case(case, result);
    }
    if matches!(case.get("definition"), Some(Value::String(_))) {
        return run_validation_case(case, result);
    }
    let Some(definition) = case.get("definition") else {
        return result(false, "the case has no definition".into());
    };
    let workflow_type = case
        .pointer("/provenance/state_machine_type")
        .and_then(Value::as_str)
        .and_then(WorkflowType::parse)
        .unwrap_or_default();
    let machine_name = case
        .pointer("/context/StateMachine/Name")
        .and_then(Value::as_str)
        .map(str::to_string);
    let options = RunOptions {
        workflow_type,
        mocks: case.get("mocks").cloned(),
        machine_name,
        test_case: None,
        context: case.get("context").cloned(),
        start_time_ms: case
            .get("now")
            .and_then(Value::as_str)
            .and_then(parse_rfc3339),
        seed: 0,
        max_transitions: Some(100_000),
        record_inspection: false,
        synchronous: case
            .pointer("/provenance/recorded_key")
            .and_then(Value::as_str)
            == Some("start_execution_sync_response"),
        s3: None,
        machines: None,
        at_least_once: false,
        test_state: None,
        substitutions: Default::default(),
    };
    let input = case.get("input").cloned().unwrap_or_default();
    let mut ex = match api::start(&definition.to_json(), input, &options) {
        Ok(ex) => ex,
        Err(e) => return result(false, format!("did not start: {e}")),
    };
    ex.run();
    let expected = case.get("expected").cloned().unwrap_or_default();
    let want_status = expected.get("status").and_then(Value::as_str).unwrap_or("");
    let got_status = ex.status().name();
    if want_status != got_status {
        let detail = match ex.status() {
            Status::Failed { error, cause } => format!(
                " ({}: {})",
                error.as_deref().unwrap_or("-"),
                cause.as_deref().unwrap_or("-")
            ),
            Status::WaitingForCallback { state, .. } => {
                format!(" (waiting for a callback in '{state}')")
            }
            _ => String::new(),
        };
        return result(
            false,
            format!("status {got_status}{detail}, expected {want_status}"),
        );
    }
    match ex.status() {
        Status::Succeeded { output } => {
            let want = expected.get("output").cloned().unwrap_or_default();
            let loose = strings(expected.get("loose"));
            let mut got = output.clone();
            let mut want = want;
            for pointer in &loose {
                let Some(inner) = pointer.strip_prefix("/output") else {
                    continue;
                };
                if got.pointer(inner).is_none() {
                    return result(
                        false,
                        format!("output lacks {inner} (loose, but it must exist)"),
                    );
                }
                blank(&mut got, inner);
                blank(&mut want, inner);
            }
            if got == want {
                result(true, String::new())
            } else {
                result(
                    false,
                    format!(
                        "output {} != expected {}",
                        clip(&got.to_json()),
                        clip(&want.to_json())
                    ),
                )
            }
        }
        Status::Failed { error, cause } | Status::TimedOut { error, cause } => {
            let want_error = expected.get("error").and_then(Value::as_str);
            let want_cause = expected.get("cause").and_then(Value::as_str);
            if error.as_deref() != want_error {
                return result(
                    false,
                    format!("error {:?} != expected {:?}", error.as_deref(), want_error),
                );
            }
            if cause.as_deref() != want_cause {
                return result(
                    false,
                    format!(
                        "cause {:?} != expected {:?}",
                        cause.as_deref().map(clip),
                        want_cause.map(clip)
                    ),
                );
            }
            result(true, String::new())
        }
        other => result(false, format!("ended {}", other.name())),
    }
}

fn clip(s: &str) -> String {
    if s.len() > 300 {
        format!("{}…", &s[..json::floor_char_boundary(s, 300)])
    } else {
        s.to_string()
    }
}

/// Replaces the value at a pointer with null (used for loose fields).
fn blank(v: &mut Value, pointer: &str) {
    let Some(rest) = pointer.strip_prefix('/') else {
        *v = Value::Null;
        return;
    };
    let (head, tail) = match rest.split_once('/') {
        Some((h, t)) => (unescape_pointer(h), Some(t)),
        None => (unescape_pointer(rest), None),
    };
    let child = match v {
        Value::Object(m) => Rc::make_mut(m).get_mut(head.as_str()),
        Value::Array(a) => head
            .parse::<usize>()
            .ok()
            .and_then(|i| Rc::make_mut(a).get_mut(i)),
        _ => None,
    };
    if let Some(c) = child {
        match tail {
            Some(t) => blank(c, &format!("/{t}")),
            None => *c = Value::Null,
        }
    }
}

/// Results of a whole file, with a per-tag table.
pub struct Report {
    pub results: Vec<CaseResult>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed).count()
    }
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }

    /// `tag  passed/total` lines, then `N passed, N failed`.
    pub fn table(&self) -> String {
        let mut by_tag: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for r in &self.results {
            for t in &r.tags {
                let e = by_tag.entry(t.as_str()).or_default();
                e.1 += 1;
                if r.passed {
                    e.0 += 1;
                }
            }
        }
        let mut out = format!(
            "{:<22} {:>7} {:>7} {:>8}\n",
            "tag", "passed", "total", "rate"
        );
        for (tag, (p, t)) in by_tag {
            out.push_str(&format!(
                "{:<22} {:>7} {:>7} {:>7.1}%\n",
                tag,
                p,
                t,
                100.0 * p as f64 / t.max(1) as f64
            ));
        }
        out.push_str(&format!(
            "{} passed, {} failed\n",
            self.passed(),
            self.failed()
        ));
        out
    }
}

/// Parses a JSONL file's text and runs every case whose tags pass the filter.
pub fn run_file(text: &str, include: &dyn Fn(&[String]) -> bool) -> Result<Report, String> {
    let mut results = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let case = json::parse(line).map_err(|e| format!("line {}: {}", i + 1, e.message))?;
        let tags = strings(case.get("tags"));
        if include(&tags) {
            results.push(run_case(&case));
        }
    }
    Ok(Report { results })
}
