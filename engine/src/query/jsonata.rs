//! The JSONata query language, as Step Functions runs it. This module is the only one that
//! knows the JSONata library (jsonata-core, chosen by measurement: see ARCHITECTURE.md), so the
//! library can be swapped.
//!
//! AWS's additions are registered here: `$partition`, `$range`, `$hash`, `$random([seed])`,
//! `$uuid`, `$parse`; `$eval` is unavailable; `$now` and `$millis` read the virtual clock and
//! `$random` the seeded generator, so runs stay reproducible.

use crate::query::env::{Rng, VarScope};
use crate::query::failure::{errors, Failure};
use crate::query::template::MAX_REPORTED;
#[cfg(feature = "jsonata")]
use crate::syntax::json::Number;
use crate::syntax::json::{self, Map, Value};
#[cfg(feature = "jsonata")]
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError};
#[cfg(feature = "jsonata")]
use jsonata_core::value::JValue;
use std::fmt::Write as _;
use std::rc::Rc;

/// A parsed `{% ... %}` expression.
#[derive(Debug, Clone)]
pub struct Expr {
    /// The whole field text, `{% ... %}` included (AWS quotes it in causes).
    pub source: Rc<str>,
    #[cfg(feature = "jsonata")]
    ast: Rc<jsonata_core::ast::AstNode>,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// A syntax error, located within the expression text (between the `{%` and `%}`).
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    /// Byte offset inside the inner expression text.
    pub offset: usize,
}

/// The inner text of a `{% ... %}` string, and where it starts in the string.
pub fn inner(text: &str) -> Option<(&str, usize)> {
    let body = text.strip_prefix("{%")?.strip_suffix("%}")?;
    Some((body, 2))
}

#[cfg(feature = "jsonata")]
fn is_end_error(msg: &str) -> bool {
    msg.contains("S0207")
        || msg.contains("before end of expression")
        || msg.contains("S0101")
        || msg.contains("S0105")
}

/// Parses the text of a `{% %}` string. The library reports no positions, so the offset is
/// found by parsing prefixes: the shortest prefix that fails with anything but "unexpected
/// end" ends at the offending character. A longer prefix holds that character too, so the
/// property is monotonic and a binary search finds it in O(log n) parses (parsing every
/// prefix was quadratic: 50 s for a 50 KB expression).
#[cfg(not(feature = "jsonata"))]
pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
    match inner(text) {
        Some((body, _)) if !body.trim().is_empty() => {
            if let Some(answer) = host::call(&crate::obj! { "op" => "parse", "text" => text }) {
                if let Some(message) = answer.get("message").and_then(Value::as_str) {
                    return Err(SyntaxError {
                        message: message.to_string(),
                        offset: answer
                            .get("offset")
                            .and_then(Value::as_number)
                            .and_then(crate::syntax::json::Number::as_i64)
                            .map_or(0, |o| usize::try_from(o).unwrap_or(0)),
                    });
                }
            }
            Ok(Expr {
                source: Rc::from(text),
            })
        }
        Some(_) => Err(SyntaxError {
            message: "the JSONata expression is empty".into(),
            offset: 0,
        }),
        None => Err(SyntaxError {
            message: "a JSONata expression must be written as {% expression %}".into(),
            offset: 0,
        }),
    }
}

#[cfg(feature = "jsonata")]
pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
    let Some((body, _)) = inner(text) else {
        return Err(SyntaxError {
            message: "a JSONata expression must be written as {% expression %}".into(),
            offset: 0,
        });
    };
    if body.trim().is_empty() {
        return Err(SyntaxError {
            message: "the JSONata expression is empty".into(),
            offset: 0,
        });
    }
    match guarded(|| jsonata_core::parser::parse(body)) {
        Some(Ok(ast)) => Ok(Expr {
            source: Rc::from(text),
            ast: Rc::new(ast),
        }),
        Some(Err(e)) => {
            let message = e.to_string();
            let offset = if is_end_error(&message) {
                body.trim_end().len()
            } else {
                let chars: Vec<(usize, usize)> = body
                    .char_indices()
                    .map(|(i, c)| (i, i + c.len_utf8()))
                    .collect();
                let fails_before_its_end = |end: usize| {
                    matches!(guarded(|| jsonata_core::parser::parse(&body[..end])),
                        Some(Err(pe)) if !is_end_error(&pe.to_string()))
                };
                let first = chars.partition_point(|&(_, end)| !fails_before_its_end(end));
                chars.get(first).map_or(body.len(), |&(start, _)| start)
            };
            Err(SyntaxError { message, offset })
        }
        None => Err(SyntaxError {
            message: "the JSONata expression could not be parsed".into(),
            offset: 0,
        }),
    }
}

#[cfg(feature = "jsonata")]
/// Runs library code that must not take the page down: deep nesting is refused before it can
/// exhaust the stack.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    Some(f())
}

#[cfg(feature = "jsonata")]
pub(crate) fn to_jvalue(v: &Value) -> JValue {
    match v {
        Value::Null => JValue::Null,
        Value::Bool(b) => JValue::Bool(*b),
        Value::Number(n) => JValue::Number(n.as_f64()),
        Value::String(s) => JValue::String(s.clone()),
        Value::Array(a) => JValue::array(a.iter().map(to_jvalue).collect()),
        Value::Object(m) => {
            let mut out = indexmap::IndexMap::with_capacity(m.len());
            for (k, v) in m.iter() {
                out.insert(k.to_string(), to_jvalue(v));
            }
            JValue::object(out)
        }
    }
}

/// The largest JSONata result the playground takes, measured as JSON text. AWS's payloads
/// are at most 256 KiB, so a larger result fails its state anyway (States.DataLimitExceeded);
/// this bound is for results that would not fit in memory once converted (a list doubled
/// sixty times shares its halves inside the library, but not once it is JSON).
#[cfg(feature = "jsonata")]
pub(crate) const MAX_RESULT_BYTES: usize = 16 << 20;

/// Limits on one evaluation, all deterministic: `max_sequence_length` bounds ranges, maps and
/// filters; `timeout_ms` is a step budget (the vendored library's one patch counts evaluation
/// steps, 1,000 per "millisecond", instead of reading a clock: vendor/jsonata-core/src/fuel.rs),
/// so an expression that never ends stops at the same point in the CLI, the tests and the page.
#[cfg(feature = "jsonata")]
fn evaluator_options() -> jsonata_core::evaluator::EvaluatorOptions {
    jsonata_core::evaluator::EvaluatorOptions {
        max_sequence_length: Some(MAX_SEQUENCE),
        timeout_ms: Some(EVALUATION_STEPS / 1_000),
        ..Default::default()
    }
}

/// At most this many items in one sequence (a range, map or filter): far above what a
/// 256 KiB payload holds.
#[cfg(feature = "jsonata")]
pub(crate) const MAX_SEQUENCE: usize = 1_000_000;

/// Evaluation steps one expression may take (nodes evaluated, callback calls, tail-call
/// passes). What AWS allows is not documented; its runaway expressions end with
/// States.QueryEvaluationError. Far above what a 256 KiB payload needs: `$map` over 10,000
/// items with a ten-node body is about 100,000 steps.
#[cfg(feature = "jsonata")]
pub(crate) const EVALUATION_STEPS: u64 = 5_000_000;

#[cfg(feature = "jsonata")]
/// Why a result cannot be taken: nested deeper than `MAX_DEPTH`, or larger than
/// `MAX_RESULT_BYTES` as JSON. Looked at without recursion, and the walk stops at the bound, so
/// it costs at most `MAX_RESULT_BYTES` steps however much the library shares.
fn too_big(v: &JValue) -> Option<String> {
    let limit = crate::syntax::json::MAX_DEPTH;
    let mut bytes = 0usize;
    let mut stack = vec![(v, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        if depth > limit {
            return Some(format!(
                "The result is nested deeper than {limit} levels, more than the playground holds"
            ));
        }
        bytes += match v {
            JValue::Array(a) => {
                stack.extend(a.iter().map(|x| (x, depth + 1)));
                2 + a.len()
            }
            JValue::Object(m) => {
                stack.extend(m.iter().map(|(_, x)| (x, depth + 1)));
                m.iter().map(|(k, _)| k.len() + 4).sum::<usize>() + 2
            }
            JValue::String(s) => s.len() + 2,
            _ => 8,
        };
        if bytes > MAX_RESULT_BYTES {
            return Some(format!(
                "The result is larger than {} MB as JSON, more than the playground holds",
                MAX_RESULT_BYTES >> 20
            ));
        }
    }
    None
}

#[cfg(feature = "jsonata")]
/// Converts back; `None` for undefined (and for functions, which have no JSON form).
pub(crate) fn from_jvalue(v: &JValue) -> Option<Value> {
    Some(match v {
        JValue::Null => Value::Null,
        JValue::Bool(b) => Value::Bool(*b),
        JValue::Number(f) => {
            if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
                Value::Number(Number::Int(*f as i64))
            } else {
                Value::Number(Number::Float(*f))
            }
        }
        JValue::String(s) => Value::String(s.clone()),
        JValue::Array(a) => Value::from(a.iter().filter_map(from_jvalue).collect::<Vec<_>>()),
        JValue::Object(m) => {
            let mut out = Map::with_capacity_and_hasher(m.len(), Default::default());
            for (k, v) in m.iter() {
                if let Some(v) = from_jvalue(v) {
                    out.insert(Rc::from(k.as_ref()), v);
                }
            }
            Value::from(out)
        }
        _ => return None,
    })
}

/// What an expression sees: `$states` and the workflow variables.
pub(crate) struct Scope<'a> {
    pub states: Value,
    pub vars: Option<&'a VarScope>,
    pub now_ms: i64,
    pub rng: &'a Rng,
}

#[cfg(feature = "jsonata")]
fn arg(args: &[JValue], i: usize) -> Option<&JValue> {
    args.get(i).filter(|v| !v.is_undefined())
}

#[cfg(feature = "jsonata")]
fn eval_error(msg: impl Into<String>) -> EvaluatorError {
    EvaluatorError::EvaluationError(msg.into())
}

#[cfg(feature = "jsonata")]
fn register_aws_functions(ev: &mut Evaluator, now_ms: i64, seed: u64) {
    let uuid_rng = Rc::new(Rng::new(seed));
    let random_rng = Rc::new(Rng::new(seed ^ 0x5EED));
    let _ = ev.register_fn("partition", |args: &[JValue]| {
        let (Some(JValue::Array(a)), Some(JValue::Number(n))) = (arg(args, 0), arg(args, 1)) else {
            return Err(eval_error(
                "$partition(array, size) takes an array and a positive integer",
            ));
        };
        if *n < 1.0 || n.fract() != 0.0 {
            return Err(eval_error(
                "$partition: the size must be a positive integer",
            ));
        }
        let items: Vec<JValue> = a.iter().cloned().collect();
        Ok(JValue::array(
            items
                .chunks(*n as usize)
                .map(|c| JValue::array(c.to_vec()))
                .collect(),
        ))
    });
    let _ = ev.register_fn("range", |args: &[JValue]| {
        let (Some(JValue::Number(start)), Some(JValue::Number(end)), Some(JValue::Number(step))) =
            (arg(args, 0), arg(args, 1), arg(args, 2))
        else {
            return Err(eval_error("$range(start, end, step) takes three integers"));
        };
        if *step == 0.0 {
            return Err(eval_error("$range: the step must not be 0"));
        }
        let count = ((end - start) / step).floor() + 1.0;
        if count > 1000.0 {
            return Err(eval_error("$range: at most 1,000 items"));
        }
        Ok(JValue::array(
            (0..count.max(0.0) as i64)
                .map(|i| JValue::Number(start + i as f64 * step))
                .collect(),
        ))
    });
    let _ = ev.register_fn("hash", |args: &[JValue]| {
        let data = match arg(args, 0) {
            Some(JValue::String(s)) => s.to_string(),
            Some(v) => v.to_json_string().unwrap_or_default(),
            None => return Err(eval_error("$hash(value, algorithm) needs a value")),
        };
        let alg = match arg(args, 1) {
            Some(JValue::String(s)) => s.to_string(),
            _ => "SHA-256".into(),
        };
        crate::query::intrinsics::hash(data.as_bytes(), &alg)
            .map(JValue::string)
            .ok_or_else(|| {
                eval_error(format!(
                    "$hash: unsupported algorithm '{alg}' (MD5, SHA-1, SHA-256, SHA-384, SHA-512)"
                ))
            })
    });
    let r = random_rng.clone();
    let _ = ev.register_fn_override("random", move |args: &[JValue]| {
        Ok(JValue::Number(match arg(args, 0) {
            Some(JValue::Number(seed)) => Rng::new(seed.to_bits()).next_f64(),
            _ => r.next_f64(),
        }))
    });
    let u = uuid_rng.clone();
    let _ = ev.register_fn("uuid", move |_: &[JValue]| Ok(JValue::string(u.uuid())));
    let _ = ev.register_fn("parse", |args: &[JValue]| match arg(args, 0) {
        Some(JValue::String(s)) => {
            JValue::from_json_str(s).map_err(|e| eval_error(format!("$parse: {e}")))
        }
        _ => Err(eval_error("$parse takes a JSON string")),
    });
    let _ = ev.register_fn_override("eval", |_: &[JValue]| {
        Err(eval_error("$eval is not available in Step Functions"))
    });
    let _ = ev.register_fn_override("now", move |_: &[JValue]| {
        Ok(JValue::string(crate::syntax::time::format_rfc3339_millis(
            now_ms,
        )))
    });
    let _ = ev.register_fn_override("millis", move |_: &[JValue]| {
        Ok(JValue::Number(now_ms as f64))
    });
}

/// The expression as AWS quotes it in causes: the text inside `{% %}`, trimmed.
pub fn quoted(expr: &Expr) -> &str {
    inner(&expr.source).map_or(&*expr.source, |(b, _)| b).trim()
}

#[cfg(feature = "jsonata")]
/// The library's message in jsonata-js's words: `CODE: message` without the library's
/// category prefix or trailing detail where jsonata-js has none.
fn js_message(e: &EvaluatorError) -> String {
    let text = e.to_string();
    let text = ["Type error: ", "Reference error: ", "Evaluation error: "]
        .iter()
        .fold(text, |t, p| {
            t.strip_prefix(p).map(str::to_string).unwrap_or(t)
        });
    if text.starts_with("T1006") {
        return "T1006: Attempted to invoke a non-function".into();
    }
    if text.starts_with("D1012") {
        // The library's text speaks of milliseconds; its budget here counts steps.
        return format!("D1012: Evaluation stopped after {EVALUATION_STEPS} steps (the playground's budget per expression). Check for infinite loop");
    }
    text
}

/// What the JSONata library answered for one evaluation.
enum Outcome {
    Value(Value),
    Undefined,
    Unsupported,
    Threw(String),
    /// This build has no JSONata library and the host has not given one (yet).
    #[cfg_attr(feature = "jsonata", allow(dead_code))]
    Unavailable,
}

/// Evaluates an expression for `field`; undefined is an error, as AWS has it. Causes are
/// AWS's (recorded) texts.
pub(crate) fn eval_field(expr: &Expr, scope: &Scope, field: &str) -> Result<Value, Failure> {
    // One draw per evaluation in every build, so the page and the CLI make the same run.
    let seed = scope.rng.next_u64();
    let q = quoted(expr);
    let cause = match library_eval(expr, scope, seed) {
        Outcome::Value(v) => return Ok(v),
        Outcome::Undefined => format!("The JSONata expression '{q}' specified for the field '{field}' returned nothing (undefined)."),
        Outcome::Unsupported => format!("The JSONata expression '{q}' specified for the field '{field}' returned an unsupported result type."),
        Outcome::Threw(m) => format!("The JSONata expression '{q}' specified for the field '{field}' threw an error during evaluation. {m}"),
        Outcome::Unavailable => format!("The JSONata expression '{q}' specified for the field '{field}' cannot run: the JSONata library is not loaded."),
    };
    Err(Failure::new(errors::QUERY_EVALUATION_ERROR, cause).at(field))
}

/// The variables an expression sees, outer scopes first so inner ones win.
fn visible_variables(vars: Option<&VarScope>) -> Vec<(&Rc<str>, &Value)> {
    let mut chain = Vec::new();
    let mut s = vars;
    while let Some(v) = s {
        chain.push(v);
        s = v.parent.as_deref();
    }
    chain
        .into_iter()
        .rev()
        .flat_map(|scope| scope.vars.iter())
        .collect()
}

#[cfg(feature = "jsonata")]
fn library_eval(expr: &Expr, scope: &Scope, seed: u64) -> Outcome {
    evaluate_ast(
        &expr.ast,
        &scope.states,
        visible_variables(scope.vars),
        scope.now_ms,
        seed,
    )
}

#[cfg(feature = "jsonata")]
fn evaluate_ast<'v>(
    ast: &jsonata_core::ast::AstNode,
    states: &Value,
    vars: impl IntoIterator<Item = (&'v Rc<str>, &'v Value)>,
    now_ms: i64,
    seed: u64,
) -> Outcome {
    let mut ctx = Context::new();
    for (k, v) in vars {
        ctx.bind(k.to_string(), to_jvalue(v));
    }
    ctx.bind("states".to_string(), to_jvalue(states));
    let mut ev = Evaluator::with_options(ctx, evaluator_options());
    register_aws_functions(&mut ev, now_ms, seed);
    match ev.evaluate(ast, &JValue::Undefined) {
        Ok(v) if v.is_undefined() => Outcome::Undefined,
        // The engine converts, measures and prints values recursively: a result deeper than
        // the parser would accept is refused here (a 30,000-level `$reduce` overflowed the
        // stack).
        Ok(v) => match too_big(&v) {
            Some(why) => Outcome::Threw(why),
            None => from_jvalue(&v).map_or(Outcome::Unsupported, Outcome::Value),
        },
        Err(e) => Outcome::Threw(js_message(&e)),
    }
}

/// The JSONata library for a host that runs the engine without it (the web page loads it as
/// a second wasm module on demand): one JSON request in, one JSON answer out.
/// `{"op":"parse","text"}` answers `{}` or `{"message","offset"}`;
/// `{"op":"eval","text","states","vars","now","seed"}` answers `{"value"}`, `{"undefined":true}`,
/// `{"unsupported":true}` or `{"threw"}`.
#[cfg(feature = "jsonata")]
pub fn host_call(request: &str) -> String {
    let Ok(req) = crate::syntax::json::parse(request) else {
        return crate::obj! { "threw" => "the request is not JSON" }.to_json();
    };
    let text = req.get("text").and_then(Value::as_str).unwrap_or("");
    let parsed = parse(text);
    let answer = match (req.get("op").and_then(Value::as_str), parsed) {
        (Some("parse"), Ok(_)) => Value::from(Map::default()),
        (_, Err(e)) => crate::obj! { "message" => e.message, "offset" => e.offset as i64 },
        (Some("eval"), Ok(expr)) => {
            let empty = Map::default();
            let vars = req.get("vars").and_then(Value::as_object).unwrap_or(&empty);
            let states = req.get("states").cloned().unwrap_or_default();
            let now = req
                .get("now")
                .and_then(Value::as_number)
                .and_then(crate::syntax::json::Number::as_i64)
                .unwrap_or(0);
            let seed = req
                .get("seed")
                .and_then(Value::as_str)
                .and_then(|s| u64::from_str_radix(s, 16).ok())
                .unwrap_or(0);
            match evaluate_ast(&expr.ast, &states, vars.iter(), now, seed) {
                Outcome::Value(v) => crate::obj! { "value" => v },
                Outcome::Undefined => crate::obj! { "undefined" => true },
                Outcome::Unsupported | Outcome::Unavailable => {
                    crate::obj! { "unsupported" => true }
                }
                Outcome::Threw(m) => crate::obj! { "threw" => m },
            }
        }
        (_, Ok(_)) => crate::obj! { "threw" => "unknown request" },
    };
    answer.to_json()
}

#[cfg(not(feature = "jsonata"))]
fn library_eval(expr: &Expr, scope: &Scope, seed: u64) -> Outcome {
    let mut vars = Map::default();
    for (k, v) in visible_variables(scope.vars) {
        vars.insert(k.clone(), v.clone());
    }
    let request = crate::obj! {
        "op" => "eval",
        "text" => &*expr.source,
        "states" => scope.states.clone(),
        "vars" => Value::from(vars),
        "now" => scope.now_ms,
        "seed" => format!("{seed:x}"),
    };
    let Some(answer) = host::call(&request) else {
        return Outcome::Unavailable;
    };
    if let Some(v) = answer.get("value") {
        Outcome::Value(v.clone())
    } else if answer.get("undefined").is_some() {
        Outcome::Undefined
    } else if let Some(m) = answer.get("threw").and_then(Value::as_str) {
        Outcome::Threw(m.to_string())
    } else {
        Outcome::Unsupported
    }
}

/// The JSONata library a host gives to a build of the engine without it (see `host_call`).
/// A build with the library ignores it (a workspace build may unify the feature on).
pub mod host {
    use crate::syntax::json::Value;
    use std::cell::RefCell;
    use std::rc::Rc;

    type Library = Rc<dyn Fn(&str) -> String>;

    thread_local! {
        static LIBRARY: RefCell<Option<Library>> = const { RefCell::new(None) };
    }

    /// Gives the engine a JSONata library: a function from a `host_call` request to its answer.
    pub fn set(library: impl Fn(&str) -> String + 'static) {
        LIBRARY.with(|l| *l.borrow_mut() = Some(Rc::new(library)));
    }

    pub fn is_set() -> bool {
        LIBRARY.with(|l| l.borrow().is_some())
    }

    #[cfg_attr(feature = "jsonata", allow(dead_code))]
    pub(super) fn call(request: &Value) -> Option<Value> {
        let library = LIBRARY.with(|l| l.borrow().clone())?;
        crate::syntax::json::parse(&library(&request.to_json())).ok()
    }
}

/// Whether this build can evaluate JSONata now.
pub fn available() -> bool {
    #[cfg(feature = "jsonata")]
    return true;
    #[cfg(not(feature = "jsonata"))]
    return host::is_set();
}

/// `eval_field` for a field named "expression".
#[cfg(test)]
fn eval(expr: &Expr, scope: &Scope) -> Result<Value, Failure> {
    eval_field(expr, scope, "expression")
}

/// A JSONata template: any JSON whose strings may be `{% %}` expressions, at any depth.
#[derive(Debug, Clone)]
pub enum Template {
    Literal(Value),
    Expr(Expr),
    Object(Vec<(Rc<str>, Template)>),
    Array(Vec<Template>),
}

/// Compiles a template; errors carry the JSON pointer (relative) and the syntax error.
pub(crate) fn compile(v: &Value) -> Result<Template, Vec<(String, SyntaxError)>> {
    let mut errors = Vec::new();
    let t = compile_at(v, &mut String::new(), &mut errors);
    if errors.is_empty() {
        Ok(t)
    } else {
        Err(errors)
    }
}

/// One pass, one pointer buffer (copied only into at most `MAX_REPORTED` errors): linear in
/// the value whatever its keys. A container with no expression below stays one literal.
fn compile_at(
    v: &Value,
    pointer: &mut String,
    errors: &mut Vec<(String, SyntaxError)>,
) -> Template {
    let literal = |t: &Template| matches!(t, Template::Literal(_));
    match v {
        Value::String(s) if s.starts_with("{%") && s.ends_with("%}") => match parse(s) {
            Ok(e) => Template::Expr(e),
            Err(e) => {
                if errors.len() < MAX_REPORTED {
                    errors.push((pointer.clone(), e));
                }
                // Not a literal: the container holding it must not collapse into one.
                Template::Array(Vec::new())
            }
        },
        Value::Array(a) => {
            let items: Vec<Template> = a
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let len = pointer.len();
                    let _ = write!(pointer, "/{i}");
                    let t = compile_at(x, pointer, errors);
                    pointer.truncate(len);
                    t
                })
                .collect();
            if items.iter().all(literal) {
                Template::Literal(v.clone())
            } else {
                Template::Array(items)
            }
        }
        Value::Object(m) => {
            let fields: Vec<(Rc<str>, Template)> = m
                .iter()
                .map(|(k, x)| {
                    let len = pointer.len();
                    pointer.push('/');
                    json::escape_pointer_token(pointer, k);
                    let t = compile_at(x, pointer, errors);
                    pointer.truncate(len);
                    (k.clone(), t)
                })
                .collect();
            if fields.iter().all(|(_, t)| literal(t)) {
                Template::Literal(v.clone())
            } else {
                Template::Object(fields)
            }
        }
        other => Template::Literal(other.clone()),
    }
}

impl Template {
    /// Evaluates; `field` names the field for AWS's error text (`Output`, `Output/total`).
    pub(crate) fn eval(&self, scope: &Scope, field: &str) -> Result<Value, Failure> {
        match self {
            Template::Literal(v) => Ok(v.clone()),
            Template::Expr(e) => eval_field(e, scope, field),
            Template::Object(fields) => {
                let mut m = Map::with_capacity_and_hasher(fields.len(), Default::default());
                for (k, t) in fields {
                    m.insert(k.clone(), t.eval(scope, &format!("{field}/{k}"))?);
                }
                Ok(Value::from(m))
            }
            Template::Array(items) => Ok(Value::from(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, t)| t.eval(scope, &format!("{field}/{i}")))
                    .collect::<Result<Vec<_>, _>>()?,
            )),
        }
    }

    /// The expression when the whole template is one `{% %}` string.
    pub fn single(&self) -> Option<&Expr> {
        match self {
            Template::Expr(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(all(test, feature = "jsonata"))]
mod tests {
    use super::*;

    fn run(expr: &str, input: &str) -> Result<String, String> {
        let e = parse(expr).map_err(|e| format!("{} @{}", e.message, e.offset))?;
        let rng = Rng::new(1);
        let scope = Scope {
            states: crate::obj! { "input" => crate::syntax::json::parse(input).unwrap() },
            vars: None,
            now_ms: 0,
            rng: &rng,
        };
        eval(&e, &scope)
            .map(|v| v.to_json())
            .map_err(|f| f.cause.as_deref().unwrap_or_default().to_string())
    }

    #[test]
    fn evaluates_with_states_and_aws_functions() {
        assert_eq!(
            run("{% $states.input.a + 1 %}", r#"{"a":1}"#),
            Ok("2".into())
        );
        assert_eq!(
            run("{% $partition([1,2,3], 2) %}", "{}"),
            Ok("[[1,2],[3]]".into())
        );
        assert_eq!(run("{% $range(0, 10, 5) %}", "{}"), Ok("[0,5,10]".into()));
        assert_eq!(
            run("{% $hash('abc', 'MD5') %}", "{}"),
            Ok("\"900150983cd24fb0d6963f7d28e17f72\"".into())
        );
        assert_eq!(run("{% $parse('{\"x\":1}').x %}", "{}"), Ok("1".into()));
        assert!(run("{% $eval('1') %}", "{}").is_err());
        assert!(run("{% $states.input.nope %}", "{}")
            .unwrap_err()
            .contains("returned nothing"));
    }

    /// The page's engine has no library and asks the JSONata module through `host_call`: the
    /// answers must be the ones the engine gets in-process (same seed, same values).
    #[test]
    fn host_call_answers_as_the_in_process_library() {
        let call = |req: Value| crate::syntax::json::parse(&host_call(&req.to_json())).unwrap();
        let ok = call(crate::obj! { "op" => "parse", "text" => "{% $states.input.a %}" });
        assert!(ok.get("message").is_none(), "{}", ok.to_json());
        let bad = call(crate::obj! { "op" => "parse", "text" => "{% $states.input.a +* 2 %}" });
        assert_eq!(
            bad.get("offset")
                .and_then(Value::as_number)
                .and_then(crate::syntax::json::Number::as_i64),
            Some(" $states.input.a +* ".len() as i64)
        );
        let states = crate::obj! { "input" => crate::syntax::json::parse(r#"{"a":2}"#).unwrap() };
        let mut vars = Map::default();
        vars.insert(Rc::from("k"), Value::from(40));
        let eval = |text: &str, seed: u64| {
            call(crate::obj! {
                "op" => "eval", "text" => text, "states" => states.clone(),
                "vars" => Value::from(vars.clone()), "now" => 0, "seed" => format!("{seed:x}"),
            })
        };
        assert_eq!(
            eval("{% $states.input.a + $k %}", 1)
                .get("value")
                .map(Value::to_json),
            Some("42".into())
        );
        assert!(eval("{% $states.input.nope %}", 1)
            .get("undefined")
            .is_some());
        assert!(eval("{% $eval('1') %}", 1).get("threw").is_some());
        // $uuid with the seed the engine would draw gives the in-process answer.
        let rng = Rng::new(7);
        let seed = Rng::new(7).next_u64();
        let scope = Scope {
            states: states.clone(),
            vars: None,
            now_ms: 0,
            rng: &rng,
        };
        let local = eval_field(&parse("{% $uuid() %}").unwrap(), &scope, "x").unwrap();
        assert_eq!(eval("{% $uuid() %}", seed).get("value"), Some(&local));
    }

    #[test]
    fn syntax_errors_are_located() {
        // `*` after `+` is a wildcard step; the `2` after it is the error.
        let e = parse("{% $states.input.a +* 2 %}").unwrap_err();
        assert_eq!(e.offset, " $states.input.a +* ".len(), "{}", e.message);
        let e = parse("{% $states.input.a + %}").unwrap_err();
        assert_eq!(e.offset, " $states.input.a +".len());
    }
}
