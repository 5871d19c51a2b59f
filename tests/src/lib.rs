//! Check helpers for the fixture tests: each renders a stable text that is compared with an
//! expected file beside the fixture; `UPDATE_EXPECT=1` rewrites them. (The tests that step an
//! execution or replay the bench's workloads drive the engine directly.)

use engine::api::{self, RunOptions};
use engine::model::WorkflowType;
use engine::run::Status;
use engine::syntax::json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

pub fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

/// Fixture stems (`NAME` of `NAME.asl.json` or `NAME.asl.yaml`) in a folder, sorted.
pub fn fixtures(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter_map(|p| {
                    let name = p.to_string_lossy().to_string();
                    name.strip_suffix(".asl.json")
                        .or_else(|| name.strip_suffix(".asl.yaml"))
                        .map(PathBuf::from)
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// A fixture's definition: `NAME.asl.json` or `NAME.asl.yaml`.
fn definition(stem: &Path) -> Option<String> {
    read_opt(&sibling(stem, "asl.json")).or_else(|| read_opt(&sibling(stem, "asl.yaml")))
}

/// A fixture's values for its placeholders (`NAME.substitutions.json`), if any.
fn substitutions(stem: &Path) -> api::Substitutions {
    read_opt(&sibling(stem, "substitutions.json"))
        .and_then(|t| engine::syntax::read_substitutions(&t).ok())
        .unwrap_or_default()
}

fn sibling(stem: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}.{suffix}", stem.display()))
}

fn read_opt(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// Compares `actual` with the expected file, or rewrites it under `UPDATE_EXPECT=1`.
/// Returns a description of the mismatch.
pub fn expect_file(path: &Path, actual: &str) -> Result<(), String> {
    if std::env::var("UPDATE_EXPECT").is_ok_and(|v| v == "1") {
        std::fs::write(path, actual)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        return Ok(());
    }
    let expected = read_opt(path).ok_or_else(|| {
        format!(
            "{} is missing (run with UPDATE_EXPECT=1 to create it)",
            path.display()
        )
    })?;
    if expected == actual {
        Ok(())
    } else {
        Err(format!(
            "{} differs:\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        ))
    }
}

/// Options a fixture may set in `NAME.options.json`: `{"type": "EXPRESS", "testCase": "...",
/// "machineName": "...", "seed": 1, "maxTransitions": 100, "startTime": "...",
/// "synchronous": true}`; `NAME.s3.json` holds the mocked S3 buckets.
fn options_for(stem: &Path) -> Result<RunOptions, String> {
    let mocks = read_opt(&sibling(stem, "mocks.json"))
        .map(|t| api::parse_json(&t))
        .transpose()?;
    let opts = read_opt(&sibling(stem, "options.json"))
        .map(|t| api::parse_json(&t))
        .transpose()?
        .unwrap_or_default();
    let s = |k: &str| opts.get(k).and_then(Value::as_str).map(str::to_string);
    Ok(RunOptions {
        workflow_type: s("type")
            .and_then(|t| WorkflowType::parse(&t))
            .unwrap_or_default(),
        mocks,
        machine_name: s("machineName"),
        test_case: s("testCase"),
        context: None,
        start_time_ms: Some(
            s("startTime")
                .and_then(|t| engine::syntax::time::parse_rfc3339(&t))
                .unwrap_or(1_700_000_000_000),
        ),
        seed: opts
            .get("seed")
            .and_then(Value::as_number)
            .and_then(|n| n.as_i64())
            .unwrap_or(0) as u64,
        max_transitions: opts
            .get("maxTransitions")
            .and_then(Value::as_number)
            .and_then(|n| n.as_i64())
            .map(|n| n as u64),
        record_inspection: true,
        synchronous: opts
            .get("synchronous")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        s3: read_opt(&sibling(stem, "s3.json"))
            .map(|t| api::parse_json(&t))
            .transpose()?,
        machines: read_opt(&sibling(stem, "machines.json"))
            .map(|t| api::parse_json(&t))
            .transpose()?,
        at_least_once: opts
            .get("atLeastOnce")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        test_state: None,
        substitutions: substitutions(stem),
    })
}

/// Runs an execution fixture (`NAME.asl.json`, optional `NAME.input.json`, `NAME.mocks.json`,
/// `NAME.options.json`, `NAME.callbacks.json`) and renders its trace: status, output,
/// counters, then every event with its state and virtual time.
pub fn run_trace(stem: &Path) -> Result<String, String> {
    let def = definition(stem).ok_or("no definition")?;
    let input = read_opt(&sibling(stem, "input.json"))
        .map(|t| api::parse_json(&t))
        .transpose()?
        .unwrap_or_else(Value::object);
    let options = options_for(stem)?;
    let mut callbacks: Vec<Value> = read_opt(&sibling(stem, "callbacks.json"))
        .map(|t| api::parse_json(&t))
        .transpose()?
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    callbacks.reverse();
    let mut out = String::new();
    let mut ex = match api::start(&def, input, &options) {
        Ok(ex) => ex,
        Err(e) => return Ok(format!("did not start: {e}\n")),
    };
    loop {
        ex.run();
        let Status::WaitingForCallback { token, state } = ex.status().clone() else {
            break;
        };
        let Some(action) = callbacks.pop() else {
            let _ = writeln!(
                out,
                "waiting for a callback in '{state}' (no more callbacks scripted)"
            );
            break;
        };
        let _ = writeln!(out, "callback to '{state}': {}", action.to_json());
        if let Err(e) = api::answer_callback(&mut ex, &token, &action) {
            let _ = writeln!(out, "  rejected: {e}");
        }
    }
    let summary = api::summary(&ex);
    for key in [
        "status",
        "output",
        "error",
        "cause",
        "transitions",
        "durationMs",
    ] {
        let v = summary.get(key).cloned().unwrap_or_default();
        if !v.is_null() {
            let _ = writeln!(
                out,
                "{key}: {}",
                v.as_str().map_or_else(|| v.to_json(), str::to_string)
            );
        }
    }
    let start = options.start_time_ms.unwrap_or(0);
    let _ = writeln!(out, "events:");
    for e in ex.history() {
        let name = e
            .kind
            .state_name()
            .map(|n| format!(" {n}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:>3} <{:<3} {:<28}{name} +{}ms",
            e.id,
            e.previous_event_id,
            e.kind.type_name(),
            e.timestamp_ms - start
        );
    }
    for d in ex.duplicates() {
        let _ = writeln!(
            out,
            "at-least-once: {} invocation #{}{}{}",
            d.state,
            d.invocation,
            if d.redelivered {
                " delivered twice"
            } else {
                ""
            },
            if d.changes_result {
                "; NOT IDEMPOTENT: a second delivery answers differently"
            } else {
                ""
            }
        );
    }
    for n in ex.nested() {
        let child = n.execution.borrow();
        let s = api::summary(&child);
        let _ = writeln!(
            out,
            "child {} ({}) started by {}: {}{}, transitions {}, duration {} ms, events {}",
            n.machine,
            child.config().workflow_type.as_str(),
            n.state,
            s.get("status").and_then(Value::as_str).unwrap_or(""),
            s.get("output")
                .filter(|o| !o.is_null())
                .map(|o| format!(" {}", o.to_json()))
                .unwrap_or_default(),
            child.transitions(),
            child.duration_ms(),
            child.history().len()
        );
    }
    for r in ex.map_runs() {
        let _ = writeln!(
            out,
            "map run {} ({}, {}): {} items in {} children; succeeded {} items / {} children, failed {} items / {} children; child transitions {}, child duration {} ms, billed {} ms; {} sampled",
            r.state,
            r.execution_type.as_str(),
            r.status,
            r.items,
            r.children,
            r.succeeded_items,
            r.succeeded_children,
            r.failed_items,
            r.failed_children,
            r.child_transitions,
            r.child_duration_ms,
            r.child_billed_ms,
            r.samples.len()
        );
        for s in r
            .samples
            .iter()
            .filter(|s| !matches!(s.status, Status::Succeeded { .. }))
        {
            let child = s.execution.borrow();
            let _ = writeln!(
                out,
                "  failed child #{} input {}: {} events, last {}",
                s.index,
                s.input.to_json(),
                child.history().len(),
                child
                    .history()
                    .last()
                    .map_or("-".into(), |e| e.kind.type_name())
            );
        }
        for (key, text) in &r.written {
            let _ = writeln!(out, "  wrote {key}:\n    {}", text.replace('\n', "\n    "));
        }
    }
    Ok(out)
}

/// Validates a definition and renders each diagnostic as `line:col-line:col SEVERITY CODE
/// location: message`.
pub fn diagnostics_text(stem: &Path) -> Result<String, String> {
    let def = definition(stem).ok_or("no definition")?;
    let ty = read_opt(&sibling(stem, "options.json"))
        .and_then(|t| api::parse_json(&t).ok())
        .and_then(|o| {
            o.get("type")
                .and_then(Value::as_str)
                .and_then(WorkflowType::parse)
        })
        .unwrap_or_default();
    let v = api::validate_with(&def, ty, &substitutions(stem));
    let mut out = String::new();
    for d in &v.diagnostics {
        let _ = writeln!(
            out,
            "{}:{}-{}:{} {} {} {}: {}",
            d.start.0,
            d.start.1,
            d.end.0,
            d.end.1,
            d.severity.as_str(),
            d.code,
            d.location.as_deref().unwrap_or("-"),
            d.message
        );
    }
    Ok(out)
}

/// Runs an advisor fixture (`NAME.asl.json`, input, mocks, `NAME.advice.json` =
/// `{"move": [...], "executions": N, "freeTier": bool}`) and renders the three prices.
pub fn advice_text(stem: &Path) -> Result<String, String> {
    let def = definition(stem).ok_or("no definition")?;
    let input = read_opt(&sibling(stem, "input.json"))
        .map(|t| api::parse_json(&t))
        .transpose()?
        .unwrap_or_else(Value::object);
    let request =
        api::parse_json(&read_opt(&sibling(stem, "advice.json")).ok_or("no advice.json")?)?;
    let options = options_for(stem)?;
    let mut ex = api::start(&def, input, &options).map_err(|e| e.to_string())?;
    ex.run();
    let moved: Vec<&str> = request
        .get("move")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let executions = request
        .get("executions")
        .and_then(Value::as_number)
        .map_or(1.0, |n| n.as_f64());
    let pricing = engine::aws::cost::Pricing {
        free_tier: request
            .get("freeTier")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        ..Default::default()
    };
    let a = engine::aws::advisor::advise(&ex, &moved, executions, pricing);
    let money = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("${x:.4}"));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "run: {}, {} transitions, {} ms",
        ex.status().name(),
        ex.transitions(),
        ex.duration_ms()
    );
    let _ = writeln!(
        out,
        "move: {}",
        a.moved
            .iter()
            .map(|m| m.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(out, "executions per month: {}", a.executions);
    let _ = writeln!(out, "as Standard: {}", money(Some(a.standard)));
    let _ = writeln!(
        out,
        "as Express: {}{}",
        money(a.express),
        a.express_refused
            .as_ref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default()
    );
    match &a.refused {
        Some(r) => {
            let _ = writeln!(out, "nested Express child: refused: {r}");
        }
        None => {
            let _ = writeln!(
                out,
                "nested Express child: {} ({} of the run's transitions move, {} child run(s), {} ms in the child); saving per month: {}",
                money(a.nested),
                a.moved_transitions,
                a.child_runs,
                a.child_duration_ms,
                money(a.saving)
            );
        }
    }
    Ok(out)
}
