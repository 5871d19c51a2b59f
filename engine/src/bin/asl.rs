//! `asl`: the engine on the command line (validate, run, cost, test-state, conformance, import,
//! export; `asl --help` lists them with their flags).
//! Bad input gets one clear line on stderr and exit code 2; never a panic.

use engine::api::{self, RunOptions};
use engine::model::WorkflowType;
use engine::playground::conformance;
use engine::syntax::json::Value;
use std::process::ExitCode;

/// The CLI's memory budget: an expression can ask for more than any machine has in one call
/// (`$pad('', 2000000000, 'a')`, a string doubled forty times), which no evaluation step can
/// refuse before the library allocates. Past the budget the CLI stops with one clear line and
/// exit code 2 instead of an allocator abort (the page's engine runs in a worker the page
/// replaces).
mod memory_budget {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    pub const BUDGET_BYTES: usize = 768 << 20;
    static LIVE: AtomicUsize = AtomicUsize::new(0);

    pub struct Budgeted;

    fn reserve(bytes: usize) {
        let before = LIVE.fetch_add(bytes, Relaxed);
        if before.saturating_add(bytes) > BUDGET_BYTES {
            use std::io::Write as _;
            // No formatting: nothing here may allocate.
            let _ = std::io::stderr().write_all(
                b"asl: out of memory: this needed more than the CLI's 768 MiB (an expression or a value that grows without bound?)\n",
            );
            std::process::exit(2);
        }
    }

    unsafe impl GlobalAlloc for Budgeted {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            reserve(layout.size());
            System.alloc(layout)
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            reserve(layout.size());
            System.alloc_zeroed(layout)
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            LIVE.fetch_sub(layout.size(), Relaxed);
            System.dealloc(ptr, layout)
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            if new_size > layout.size() {
                reserve(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
            System.realloc(ptr, layout, new_size)
        }
    }
}

#[global_allocator]
static ALLOCATOR: memory_budget::Budgeted = memory_budget::Budgeted;

const USAGE: &str = "usage:
  asl validate DEF [--type STANDARD|EXPRESS] [--substitutions FILE]
  asl run DEF [--input FILE] [--mocks FILE] [--test-case NAME] [--machine-name NAME]
              [--context FILE] [--start-time RFC3339] [--type STANDARD|EXPRESS]
              [--seed N] [--max-transitions N] [--history FILE] [--s3 FILE] [--sync]
              [--machines FILE] [--at-least-once] [--substitutions FILE]
  (DEF is JSON or YAML; --substitutions is a JSON or YAML map of NAME: value for its ${...})
  asl cost [--type STANDARD|EXPRESS] [--executions N] [--transitions-per-execution N]
           [--duration-ms N] [--memory-mb N] [--region R] [--free-tier] [--basis gb-hour|gb-second]
  asl test-state REQUEST.json [--substitutions FILE]   (AWS's TestState request: definition, input, mock, ...)
  asl import FILE|FOLDER...     (SAM, CloudFormation, CDK, Serverless, Terraform, or definitions: the state machines in them)
  asl export DEF|WORKSPACE.json --to sam|cdk|terraform|serverless [--name NAME] [--type T]
             [--substitutions FILE] [--mocks FILE] [--input FILE] [--format json|yaml]
             (--out DIR | --zip FILE)   (the project the way it deploys)
  asl conformance CASES.jsonl [--exclude-tags a,b] [--only-tags a,b] [--failures FILE] [--verbose]";

struct Args {
    positional: Vec<String>,
    flags: Vec<(String, Option<String>)>,
}

fn parse_args(raw: &[String], value_flags: &[&str], bool_flags: &[&str]) -> Result<Args, String> {
    let mut positional = Vec::new();
    let mut flags = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let a = &raw[i];
        if let Some(name) = a.strip_prefix("--") {
            let (name, inline) = match name.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (name, None),
            };
            if value_flags.contains(&name) {
                let v = match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        raw.get(i)
                            .cloned()
                            .ok_or_else(|| format!("--{name} needs a value"))?
                    }
                };
                flags.push((name.to_string(), Some(v)));
            } else if bool_flags.contains(&name) {
                flags.push((name.to_string(), None));
            } else {
                return Err(format!("unknown flag --{name}"));
            }
        } else {
            positional.push(a.clone());
        }
        i += 1;
    }
    Ok(Args { positional, flags })
}

impl Args {
    fn get(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }
    fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| n == name)
    }
}

fn read(path: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        // Where the text stops being UTF-8, as an editor would show it.
        let at = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..at]).unwrap_or_default();
        let (line, col) = engine::syntax::json::line_col(valid, at);
        format!("cannot read {path}: invalid UTF-8 at byte {at} (line {line}, column {col})")
    })
}

fn read_json(path: &str) -> Result<Value, String> {
    api::parse_json(&read(path)?).map_err(|e| format!("{path}: {e}"))
}

fn workflow_type(args: &Args) -> Result<WorkflowType, String> {
    match args.get("type") {
        None => Ok(WorkflowType::Standard),
        Some(t) => WorkflowType::parse(t)
            .ok_or_else(|| format!("--type must be STANDARD or EXPRESS, not '{t}'")),
    }
}

/// `--substitutions FILE`: a JSON or YAML map of NAME: value for the definition's placeholders.
fn substitutions(args: &Args) -> Result<api::Substitutions, String> {
    match args.get("substitutions") {
        None => Ok(api::Substitutions::default()),
        Some(path) => {
            engine::syntax::read_substitutions(&read(path)?).map_err(|e| format!("{path}: {e}"))
        }
    }
}

fn cmd_validate(raw: &[String]) -> Result<ExitCode, String> {
    let args = parse_args(raw, &["type", "substitutions"], &[])?;
    let [def] = args.positional.as_slice() else {
        return Err("validate takes one definition file".into());
    };
    let text = read(def)?;
    let v = api::validate_with(&text, workflow_type(&args)?, &substitutions(&args)?);
    let diagnostics: Vec<Value> = v.diagnostics.iter().map(|d| d.to_value()).collect();
    let ok = v.is_valid();
    let answer = engine::obj! {
        "result" => if ok { "OK" } else { "FAIL" },
        "diagnostics" => diagnostics,
        "truncated" => false,
    };
    out(&answer.to_json_pretty());
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn cmd_run(raw: &[String]) -> Result<ExitCode, String> {
    let args = parse_args(
        raw,
        &[
            "input",
            "mocks",
            "test-case",
            "machine-name",
            "context",
            "start-time",
            "type",
            "seed",
            "max-transitions",
            "history",
            "s3",
            "machines",
            "substitutions",
        ],
        &["sync", "at-least-once"],
    )?;
    let [def] = args.positional.as_slice() else {
        return Err("run takes one definition file".into());
    };
    let text = read(def)?;
    let input = match args.get("input") {
        Some(p) => read_json(p)?,
        None => Value::object(),
    };
    let start_time_ms = match args.get("start-time") {
        Some(t) => {
            let ms = engine::syntax::time::parse_rfc3339(t).ok_or_else(|| format!("--start-time must be an RFC 3339 timestamp such as 2024-02-07T13:49:36Z, not '{t}'"))?;
            // A Standard run may last a year, and RFC 3339 years have four digits: a later
            // start would print timestamps such as "10003-03-03T09:46:38.000Z".
            let latest =
                engine::syntax::time::parse_rfc3339("9998-12-31T23:59:59.999Z").unwrap_or(i64::MAX);
            if ms > latest {
                return Err(format!("--start-time must be 9998-12-31T23:59:59.999Z or earlier (a run may last a year, and timestamps end in the year 9999), not '{t}'"));
            }
            Some(ms)
        }
        None => None,
    };
    let number = |name: &str| -> Result<Option<u64>, String> {
        args.get(name)
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| format!("--{name} must be a whole number, not '{v}'"))
            })
            .transpose()
    };
    let options = RunOptions {
        workflow_type: workflow_type(&args)?,
        mocks: args.get("mocks").map(read_json).transpose()?,
        machine_name: args.get("machine-name").map(str::to_string),
        test_case: args.get("test-case").map(str::to_string),
        context: args.get("context").map(read_json).transpose()?,
        start_time_ms,
        seed: number("seed")?.unwrap_or(0),
        max_transitions: number("max-transitions")?,
        record_inspection: false,
        synchronous: args.has("sync"),
        s3: args.get("s3").map(read_json).transpose()?,
        machines: args.get("machines").map(read_json).transpose()?,
        at_least_once: args.has("at-least-once"),
        test_state: None,
        substitutions: substitutions(&args)?,
    };
    let mut ex = match api::start(&text, input, &options) {
        Ok(ex) => ex,
        Err(api::StartError::Invalid(diags)) => {
            let diagnostics: Vec<Value> = diags.iter().map(|d| d.to_value()).collect();
            out(
                &engine::obj! { "status" => "INVALID", "diagnostics" => diagnostics }
                    .to_json_pretty(),
            );
            return Ok(ExitCode::from(1));
        }
        Err(
            e @ (api::StartError::Mocks(_)
            | api::StartError::Machine(_)
            | api::StartError::InputTooLarge(_)),
        ) => return Err(e.to_string()),
    };
    ex.run();
    if let Some(path) = args.get("history") {
        std::fs::write(path, api::history_value(&ex).to_json_pretty())
            .map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    let mut summary = api::summary(&ex);
    if let engine::syntax::json::Value::Object(m) = &mut summary {
        std::rc::Rc::make_mut(m).insert(
            std::rc::Rc::from("billing"),
            api::billing(&ex, engine::aws::cost::Pricing::default()),
        );
        if !ex.duplicates().is_empty() {
            let list: Vec<Value> = ex
                .duplicates()
                .iter()
                .map(|d| {
                    engine::obj! {
                        "state" => d.state.clone(),
                        "invocation" => d.invocation as i64,
                        "redelivered" => d.redelivered,
                        "changesResult" => d.changes_result,
                    }
                })
                .collect();
            std::rc::Rc::make_mut(m).insert(std::rc::Rc::from("atLeastOnce"), Value::from(list));
        }
    }
    out(&summary.to_json_pretty());
    Ok(
        if matches!(ex.status(), engine::run::Status::Succeeded { .. }) {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        },
    )
}

fn cmd_cost(raw: &[String]) -> Result<ExitCode, String> {
    let args = parse_args(
        raw,
        &[
            "type",
            "executions",
            "transitions-per-execution",
            "duration-ms",
            "memory-mb",
            "region",
            "basis",
        ],
        &["free-tier"],
    )?;
    if !args.positional.is_empty() {
        return Err("cost takes only flags".into());
    }
    let number = |name: &str, default: f64| -> Result<f64, String> {
        match args.get(name) {
            None => Ok(default),
            Some(s) => s
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .ok_or_else(|| format!("--{name} takes a non-negative number, not '{s}'")),
        }
    };
    let workflow_type = match args.get("type") {
        None => WorkflowType::Standard,
        Some(t) => WorkflowType::parse(t)
            .ok_or_else(|| format!("--type takes STANDARD or EXPRESS, not '{t}'"))?,
    };
    let region = args.get("region").unwrap_or("us-east-1");
    let transition_price = engine::aws::cost::transition_price(region).ok_or_else(|| {
        format!(
            "unknown region '{region}' (the pricing table has {})",
            engine::aws::cost::REGIONS
                .iter()
                .map(|r| r.0)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let basis = match args.get("basis") {
        None | Some("gb-hour") => engine::aws::cost::RateBasis::GbHour,
        Some("gb-second") => engine::aws::cost::RateBasis::GbSecond,
        Some(b) => return Err(format!("--basis takes gb-hour or gb-second, not '{b}'")),
    };
    let usage = engine::aws::cost::Usage {
        transitions: number("transitions-per-execution", 0.0)?,
        duration_ms: number("duration-ms", 0.0)?,
        memory_mb: number("memory-mb", 64.0)?,
    };
    let pricing = engine::aws::cost::Pricing {
        transition_price,
        free_tier: args.has("free-tier"),
        basis,
    };
    let answer = api::price_usage(workflow_type, number("executions", 1.0)?, usage, pricing);
    // JSON has no infinity: a figure that overflowed would print as null.
    if answer.to_json().contains("null") {
        return Err("the figures overflow: these numbers are too large to price".into());
    }
    out(&answer.to_json_pretty());
    Ok(ExitCode::SUCCESS)
}

fn cmd_test_state(raw: &[String]) -> Result<ExitCode, String> {
    let args = parse_args(raw, &["substitutions"], &[])?;
    let [file] = args.positional.as_slice() else {
        return Err("test-state takes one request file".into());
    };
    let request = read_json(file)?;
    let answer = engine::aws::teststate::answer_json(&request, &substitutions(&args)?);
    out(&answer.to_json_pretty());
    Ok(if answer.get("error_code").is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The files `import` may be pointed to (`DefinitionUri`, `templatefile`), read from disk.
struct Disk;

impl engine::aws::import::Files for Disk {
    fn read(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(path).ok()
    }
}

/// A folder's files that `import` reads (templates and definitions), sorted.
fn project_files(dir: &std::path::Path, out: &mut Vec<(String, String)>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if depth < 8 && !name.starts_with('.') && name != "node_modules" && name != "target" {
                project_files(&p, out, depth + 1);
            }
        } else if [".json", ".yaml", ".yml", ".tf"]
            .iter()
            .any(|x| name.ends_with(x))
        {
            if let Ok(text) = std::fs::read_to_string(&p) {
                out.push((p.to_string_lossy().into_owned(), text));
            }
        }
    }
}

fn cmd_import(raw: &[String]) -> Result<ExitCode, String> {
    let args = parse_args(raw, &[], &[])?;
    if args.positional.is_empty() {
        return Err("import takes one or more files or folders".into());
    }
    let mut opened = Vec::new();
    for p in &args.positional {
        let path = std::path::Path::new(p);
        if path.is_dir() {
            project_files(path, &mut opened, 0);
        } else {
            opened.push((p.clone(), read(p)?));
        }
    }
    let found = engine::aws::import::import(&opened, &Disk);
    out(&found.to_value().to_json_pretty());
    Ok(ExitCode::SUCCESS)
}

fn cmd_export(raw: &[String]) -> Result<ExitCode, String> {
    use engine::aws::export::{self, ProjectMachine, Target};
    let args = parse_args(
        raw,
        &[
            "to",
            "name",
            "type",
            "substitutions",
            "mocks",
            "input",
            "format",
            "out",
            "zip",
        ],
        &[],
    )?;
    let [file] = args.positional.as_slice() else {
        return Err("export takes one definition or workspace file".into());
    };
    let target = args
        .get("to")
        .ok_or("export needs --to sam|cdk|terraform|serverless")
        .and_then(|t| Target::parse(t).ok_or("--to takes sam, cdk, terraform or serverless"))?;
    let format = match args.get("format") {
        None => None,
        Some("json") => Some(api::Format::Json),
        Some("yaml") => Some(api::Format::Yaml),
        Some(f) => return Err(format!("--format takes json or yaml, not '{f}'")),
    };
    let text = read(file)?;
    // A workspace file (the page's "Save workspace") or one definition.
    let workspace = api::parse_json(&text)
        .ok()
        .filter(|v| v.get("machines").and_then(Value::as_array).is_some());
    let (machines, mut mocks, mut input) = match &workspace {
        Some(ws) => {
            let machines = ws
                .get("machines")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|m| ProjectMachine {
                    name: m
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("Main")
                        .to_string(),
                    workflow_type: m
                        .get("type")
                        .and_then(Value::as_str)
                        .and_then(WorkflowType::parse)
                        .unwrap_or_default(),
                    definition: m
                        .get("definition")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    substitutions: m
                        .get("substitutions")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default(),
                })
                .collect::<Vec<_>>();
            let mocks = ws
                .get("mocks")
                .and_then(Value::as_str)
                .and_then(|m| api::parse_json(m).ok());
            let input = ws.get("input").and_then(Value::as_str).map(str::to_string);
            (machines, mocks, input)
        }
        None => (
            vec![ProjectMachine {
                name: args.get("name").unwrap_or("Main").to_string(),
                workflow_type: workflow_type(&args)?,
                definition: text.clone(),
                substitutions: substitutions(&args)?,
            }],
            None,
            None,
        ),
    };
    if let Some(m) = args.get("mocks") {
        mocks = Some(read_json(m)?);
    }
    if let Some(i) = args.get("input") {
        input = Some(read(i)?);
    }
    // A workspace's mocks are for the machine that is open in it.
    let open = workspace
        .as_ref()
        .and_then(|ws| ws.get("open"))
        .and_then(Value::as_number)
        .and_then(|n| n.as_i64())
        .unwrap_or(0)
        .max(0) as usize;
    let project = export::project(
        &machines,
        target,
        format,
        mocks.as_ref().map(|m| (m, open)),
        input.as_deref(),
    );
    match (args.get("out"), args.get("zip")) {
        (Some(dir), None) => {
            for (path, text) in &project.files {
                let p = std::path::Path::new(dir).join(path);
                if let Some(parent) = p.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
                }
                std::fs::write(&p, text)
                    .map_err(|e| format!("cannot write {}: {e}", p.display()))?;
                out(&p.display().to_string());
            }
        }
        (None, Some(zip)) => {
            let bytes = export::zip(&project)?;
            std::fs::write(zip, &bytes).map_err(|e| format!("cannot write {zip}: {e}"))?;
            out(&format!(
                "{zip}: {} files, {} bytes",
                project.files.len(),
                bytes.len()
            ));
        }
        _ => return Err("export writes to --out DIR or --zip FILE (one of them)".into()),
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints to stdout; a closed pipe (`asl run ... | head`) is not an error worth a panic.
fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}");
}

fn tag_list(s: Option<&str>) -> Vec<String> {
    s.map(|s| {
        s.split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

fn cmd_conformance(raw: &[String]) -> Result<ExitCode, String> {
    let args = parse_args(
        raw,
        &["exclude-tags", "only-tags", "failures"],
        &["verbose"],
    )?;
    let [file] = args.positional.as_slice() else {
        return Err("conformance takes one cases file".into());
    };
    let exclude = tag_list(args.get("exclude-tags"));
    let only = tag_list(args.get("only-tags"));
    let include = |tags: &[String]| {
        !tags.iter().any(|t| exclude.contains(t))
            && (only.is_empty() || tags.iter().any(|t| only.contains(t)))
    };
    let report = conformance::run_file(&read(file)?, &include)?;
    if args.has("verbose") {
        for r in report.results.iter().filter(|r| !r.passed) {
            out(&format!("FAIL {}\n     {}", r.id, r.reason));
        }
    }
    if let Some(path) = args.get("failures") {
        let mut text = String::from("# Conformance cases still failing, with the reason.\n# Written by `asl conformance --failures`.\n\n");
        for r in report.results.iter().filter(|r| !r.passed) {
            text.push_str(&format!(
                "- `{}`\n  {}\n",
                r.id,
                r.reason.replace('\n', " ")
            ));
        }
        std::fs::write(path, text).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    out(report.table().trim_end());
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let result = match raw.first().map(String::as_str) {
        Some("validate") => cmd_validate(&raw[1..]),
        Some("run") => cmd_run(&raw[1..]),
        Some("cost") => cmd_cost(&raw[1..]),
        Some("test-state") => cmd_test_state(&raw[1..]),
        Some("conformance") => cmd_conformance(&raw[1..]),
        Some("import") => cmd_import(&raw[1..]),
        Some("export") => cmd_export(&raw[1..]),
        Some("--help" | "-h" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some("--version") => {
            println!("asl {}", engine::VERSION);
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command '{other}'")),
        None => Err("no command given".into()),
    };
    match result {
        Ok(code) => code,
        // Without a command the usage is the answer; after any other mistake, one line.
        Err(message) if raw.is_empty() || message.starts_with("unknown command") => {
            eprintln!("asl: {message}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(message) => {
            eprintln!("asl: {message}");
            ExitCode::from(2)
        }
    }
}
