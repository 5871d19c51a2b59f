//! Builds the model from definition text and reports every problem AWS would report (never
//! only the first), with AWS's codes, AWS-style messages and JSON-pointer locations, each
//! located in the source text.

pub mod diagnostic;

use crate::choice::{self, Condition, Operand};
use crate::diagnostic::{codes, Diagnostic, Severity, Sink};
use crate::env::errors;
use crate::json::{self, line_col, Span, Value};
use crate::model::*;
use crate::path::JsonPath;
use crate::syntax::{self, Format, Origin, Substitutions, Use};
use crate::template;
use crate::time::parse_rfc3339;
use rustc_hash::FxHashMap;
use std::rc::Rc;

pub const MAX_STATE_NAME: usize = 80;
const MAX_SECONDS: i64 = 99_999_999;

/// The outcome of checking a definition: the model (when the text was a JSON object) and every
/// diagnostic. `machine` is usable for drawing even with errors; run it only when
/// `is_valid()`.
#[derive(Debug, Clone)]
pub struct Validation {
    pub machine: Option<Rc<StateMachine>>,
    pub diagnostics: Vec<Diagnostic>,
    /// How the definition is written.
    pub format: Format,
    /// Every placeholder met, with the value used, in reading order.
    pub substitutions: Vec<Use>,
}

impl Validation {
    pub fn is_valid(&self) -> bool {
        self.machine.is_some()
            && !self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
    }
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
}

pub fn validate(text: &str, workflow_type: WorkflowType) -> Validation {
    validate_with(text, workflow_type, &Substitutions::default())
}

/// Validates a definition (JSON or YAML) after substituting its placeholders with `given` (and
/// plausible values for the others, each reported as a warning at its place).
pub fn validate_with(text: &str, workflow_type: WorkflowType, given: &Substitutions) -> Validation {
    let read = match syntax::read_definition(text, given) {
        Ok(x) => x,
        Err(e) => {
            let format = syntax::detect(text);
            let (code, message) = if text.trim().is_empty() {
                (
                    codes::SCHEMA_VALIDATION_FAILED,
                    "Definition must be a valid JSON object".to_string(),
                )
            } else if format == Format::Yaml && e.message == syntax::yaml::UNAVAILABLE {
                (codes::YAML_UNAVAILABLE, e.message)
            } else if format == Format::Yaml {
                (codes::INVALID_YAML, e.message)
            } else {
                (codes::INVALID_JSON_DESCRIPTION, e.message)
            };
            let offset = json::floor_char_boundary(text, e.offset);
            let end = text[offset..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            let span = Span { start: offset, end };
            return Validation {
                machine: None,
                diagnostics: vec![Diagnostic {
                    severity: Severity::Error,
                    code,
                    message,
                    location: None,
                    span,
                    start: line_col(text, span.start),
                    end: line_col(text, span.end),
                }],
                format,
                substitutions: Vec::new(),
            };
        }
    };
    let (value, spans) = (read.value, read.spans);
    let mut sink = Sink::new(text, &spans);
    if value.as_object().is_none() {
        sink.schema("Definition must be a valid JSON object", "");
        let mut d = sink.items;
        d[0].location = None;
        return Validation {
            machine: None,
            diagnostics: d,
            format: read.format,
            substitutions: read.uses,
        };
    }
    for u in read.uses.iter().filter(|u| u.origin == Origin::Guessed) {
        sink.push_at(
            Severity::Warning,
            codes::SUBSTITUTION_NOT_SET,
            format!(
                "No value is set for ${{{}}}; the playground uses {} (set it under Substitutions)",
                u.name,
                u.value
                    .as_str()
                    .map_or_else(|| u.value.to_json(), |s| format!("'{s}'"))
            ),
            &u.pointer,
            u.span,
        );
    }
    for (pointer, span) in &spans.duplicate_keys {
        let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        let key = key.replace("~1", "/").replace("~0", "~");
        if parent.ends_with("/States") || parent == "/States" {
            sink.push_at(
                Severity::Error,
                codes::DUPLICATE_STATE_NAME,
                format!("Duplicate State name: {key}"),
                pointer,
                *span,
            );
        } else {
            sink.push_at(
                Severity::Error,
                codes::SCHEMA_VALIDATION_FAILED,
                format!("Duplicate field '{key}'"),
                pointer,
                *span,
            );
        }
    }
    let mut b = Builder {
        sink,
        workflow_type,
        all_names: FxHashMap::default(),
        top_language: QueryLanguage::JsonPath,
    };
    let machine = b.machine(&value, text.len());
    let mut diagnostics = b.sink.items;
    // In reading order, as an editor lists them.
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    Validation {
        machine: Some(Rc::new(machine)),
        diagnostics,
        format: read.format,
        substitutions: read.uses,
    }
}

struct Builder<'a> {
    sink: Sink<'a>,
    workflow_type: WorkflowType,
    /// Every state name in the machine, for uniqueness across nesting.
    all_names: FxHashMap<Rc<str>, String>,
    top_language: QueryLanguage,
}

fn esc(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn required(sink: &mut Sink, obj: &json::Map, names: &[&str], pointer: &str) -> bool {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !obj.contains_key(*n))
        .collect();
    if !missing.is_empty() {
        sink.schema(
            format!("These fields are required: [{}]", missing.join(", ")),
            pointer,
        );
    }
    missing.is_empty()
}

/// Fields a retrier accepts.
pub const RETRIER_FIELDS: &[&str] = &[
    "ErrorEquals",
    "IntervalSeconds",
    "MaxAttempts",
    "BackoffRate",
    "MaxDelaySeconds",
    "JitterStrategy",
    "Comment",
];
/// Fields a catcher accepts, by query language.
pub const CATCHER_FIELDS_JSONPATH: &[&str] =
    &["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"];
pub const CATCHER_FIELDS_JSONATA: &[&str] = &["ErrorEquals", "Next", "Output", "Assign", "Comment"];

/// Fields each state type accepts (both query languages; the language check is separate).
pub fn allowed_fields(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "Pass" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "Result",
            "ResultPath",
            "Assign",
            "Output",
        ],
        "Task" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
            "Resource",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Credentials",
            "Arguments",
            "Output",
            "Assign",
        ],
        "Choice" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Choices",
            "Default",
            "InputPath",
            "OutputPath",
            "Assign",
            "Output",
        ],
        "Wait" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Next",
            "End",
            "Seconds",
            "SecondsPath",
            "Timestamp",
            "TimestampPath",
            "InputPath",
            "OutputPath",
            "Assign",
            "Output",
        ],
        "Succeed" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "InputPath",
            "OutputPath",
            "Output",
        ],
        "Fail" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Error",
            "ErrorPath",
            "Cause",
            "CausePath",
        ],
        "Parallel" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Next",
            "End",
            "Branches",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
            "Arguments",
            "Output",
            "Assign",
        ],
        "Map" => &[
            "Type",
            "Comment",
            "QueryLanguage",
            "Next",
            "End",
            "ItemProcessor",
            "Iterator",
            "ItemsPath",
            "Items",
            "ItemSelector",
            "Parameters",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "Label",
            "InputPath",
            "OutputPath",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
            "Output",
            "Assign",
            "Arguments",
        ],
        _ => &[],
    }
}

/// Fields that belong to one query language only.
pub const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "SecondsPath",
    "TimestampPath",
    "ErrorPath",
    "CausePath",
    "ItemsPath",
    "MaxConcurrencyPath",
    "ToleratedFailurePercentagePath",
    "ToleratedFailureCountPath",
    "Iterator",
];
pub const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items"];

pub fn is_jsonata_expr(s: &str) -> bool {
    s.starts_with("{%") && s.ends_with("%}") && s.len() >= 4
}

impl Builder<'_> {
    fn machine(&mut self, root: &Value, size: usize) -> StateMachine {
        let obj = root.as_object().cloned().unwrap_or_default();
        required(&mut self.sink, &obj, &["States", "StartAt"], "");
        for key in obj.keys() {
            if ![
                "StartAt",
                "States",
                "Comment",
                "Version",
                "TimeoutSeconds",
                "QueryLanguage",
            ]
            .contains(&key.as_ref())
            {
                self.sink.schema(
                    format!("Field '{key}' is not supported"),
                    &format!("/{}", esc(key)),
                );
            }
        }
        let query_language = self
            .query_language(obj.get("QueryLanguage"), "/QueryLanguage")
            .unwrap_or_default();
        self.top_language = query_language;
        let timeout_seconds = obj
            .get("TimeoutSeconds")
            .and_then(|v| self.int_field(v, "/TimeoutSeconds", "TimeoutSeconds", 1, MAX_SECONDS))
            .map(|v| v as u64);
        let comment = obj
            .get("Comment")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let graph = self.graph(&obj, "", query_language);
        let mut scopes = Vec::new();
        self.jsonata_and_variable_checks(root, "", query_language, &mut scopes);
        self.aws_warnings(root, "", query_language);
        StateMachine {
            graph: Rc::new(graph),
            comment,
            timeout_seconds,
            query_language,
            definition_size: size,
        }
    }

    fn query_language(&mut self, v: Option<&Value>, pointer: &str) -> Option<QueryLanguage> {
        match v?.as_str() {
            Some("JSONPath") => Some(QueryLanguage::JsonPath),
            Some("JSONata") => Some(QueryLanguage::Jsonata),
            _ => {
                self.sink.schema(
                    "The value for the field 'QueryLanguage' must be one of [JSONPath, JSONata]",
                    pointer,
                );
                None
            }
        }
    }

    fn int_field(
        &mut self,
        v: &Value,
        pointer: &str,
        name: &str,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        match v
            .as_number()
            .and_then(|n| if n.is_int() { n.as_i64() } else { None })
        {
            Some(i) if i >= min && i <= max => Some(i),
            Some(_) => {
                self.sink.schema(
                    format!("The value for the field '{name}' must be between {min} and {max}"),
                    pointer,
                );
                None
            }
            None => {
                self.sink.schema(
                    format!("The value for the field '{name}' must be an integer"),
                    pointer,
                );
                None
            }
        }
    }

    fn graph(&mut self, obj: &json::Map, base: &str, inherited: QueryLanguage) -> Graph {
        let start_name: Rc<str> = match obj.get("StartAt") {
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                self.sink.schema(
                    "The value for the field 'StartAt' must be a string",
                    &format!("{base}/StartAt"),
                );
                Rc::from("")
            }
            None => Rc::from(""),
        };
        let mut graph = Graph {
            start_name: start_name.clone(),
            pointer: base.to_string(),
            ..Default::default()
        };
        let Some(states_value) = obj.get("States") else {
            return graph;
        };
        let Some(states) = states_value.as_object() else {
            self.sink.schema(
                "The value for the field 'States' must be an object",
                &format!("{base}/States"),
            );
            return graph;
        };
        if states.is_empty() {
            self.sink.schema(
                "The field 'States' must hold at least one state",
                &format!("{base}/States"),
            );
        }
        for (name, def) in states.iter() {
            let pointer = format!("{base}/States/{}", esc(name));
            if name.chars().count() > MAX_STATE_NAME {
                self.sink.error(
                    codes::INVALID_STATE_NAME,
                    format!(
                        "State name is too long: {} characters (at most {MAX_STATE_NAME})",
                        name.chars().count()
                    ),
                    &pointer,
                );
            }
            if name.is_empty() {
                self.sink.error(
                    codes::INVALID_STATE_NAME,
                    "State name must not be empty",
                    &pointer,
                );
            }
            if let Some(first) = self.all_names.get(name) {
                if first != &pointer {
                    self.sink.error(
                        codes::DUPLICATE_STATE_NAME,
                        format!("Duplicate State name: {name}"),
                        &pointer,
                    );
                }
            } else {
                self.all_names.insert(name.clone(), pointer.clone());
            }
            let state = self.state(name, def, &pointer, inherited);
            graph
                .by_name
                .entry(name.clone())
                .or_insert(graph.states.len());
            graph.states.push(state);
        }
        graph.start = graph.id(&start_name);
        if graph.start.is_none() && obj.contains_key("StartAt") && !start_name.is_empty()
            || (start_name.is_empty() && obj.contains_key("StartAt"))
        {
            self.sink.error(
                codes::MISSING_TRANSITION_TARGET,
                format!("Missing 'Next' target: {start_name}"),
                &format!("{base}/StartAt"),
            );
        }
        self.resolve(&mut graph);
        self.check_reachability(&graph);
        graph
    }

    fn resolve(&mut self, graph: &mut Graph) {
        let ids = graph.by_name.clone();
        let mut missing = Vec::new();
        for state in graph.states.iter_mut() {
            if let Transition::Next(id, name) = &mut state.transition {
                *id = ids.get(name).copied();
                if id.is_none() {
                    missing.push((name.clone(), format!("{}/Next", state.pointer)));
                }
            }
            if let Kind::Choice { rules, default } = &mut state.kind {
                for (i, r) in rules.iter_mut().enumerate() {
                    r.next = ids.get(&r.next_name).copied();
                    if r.next.is_none() && !r.next_name.is_empty() {
                        missing.push((
                            r.next_name.clone(),
                            format!("{}/Choices/{i}/Next", state.pointer),
                        ));
                    }
                }
                if let Some((id, name)) = default {
                    *id = ids.get(name).copied();
                    if id.is_none() {
                        missing.push((name.clone(), format!("{}/Default", state.pointer)));
                    }
                }
            }
            for (i, c) in state.catch.iter_mut().enumerate() {
                c.next = ids.get(&c.next_name).copied();
                if c.next.is_none() && !c.next_name.is_empty() {
                    missing.push((
                        c.next_name.clone(),
                        format!("{}/Catch/{i}/Next", state.pointer),
                    ));
                }
            }
        }
        for (name, pointer) in missing {
            self.sink.error(
                codes::MISSING_TRANSITION_TARGET,
                format!("Missing 'Next' target: {name}"),
                &pointer,
            );
        }
    }

    fn check_reachability(&mut self, graph: &Graph) {
        let Some(start) = graph.start else { return };
        let mut seen = vec![false; graph.states.len()];
        let mut stack = vec![start];
        let mut terminal_reachable = false;
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id], true) {
                continue;
            }
            let s = &graph.states[id];
            if matches!(s.transition, Transition::End)
                || matches!(s.kind, Kind::Succeed | Kind::Fail(_))
            {
                terminal_reachable = true;
            }
            for (name, _) in s.successors() {
                if let Some(next) = graph.id(&name) {
                    stack.push(next);
                }
            }
        }
        for (id, s) in graph.states.iter().enumerate() {
            if !seen[id] {
                self.sink.error(
                    codes::MISSING_TRANSITION_TARGET,
                    format!("State \"{}\" is not reachable.", s.name),
                    &s.pointer,
                );
            }
        }
        if !terminal_reachable {
            self.sink.error(
                codes::MISSING_END_STATE,
                "No terminal state is reachable: add a state with \"End\": true, a Succeed or a Fail state",
                &format!("{}/States", graph.pointer),
            );
        }
    }

    fn state(
        &mut self,
        name: &Rc<str>,
        def: &Value,
        pointer: &str,
        inherited: QueryLanguage,
    ) -> State {
        let span = self
            .sink
            .spans
            .keys
            .get(pointer)
            .copied()
            .unwrap_or_default();
        let body = self.sink.spans.values.get(pointer).copied().unwrap_or(span);
        let empty = json::Map::default();
        let obj = match def.as_object() {
            Some(o) => o,
            None => {
                self.sink.schema("A state must be a JSON object", pointer);
                &empty
            }
        };
        let type_name = obj.get("Type").and_then(Value::as_str).unwrap_or("");
        if !obj.contains_key("Type") && def.as_object().is_some() {
            self.sink
                .schema("These fields are required: [Type]", pointer);
        } else if allowed_fields(type_name).is_empty() && def.as_object().is_some() {
            self.sink.schema(
                format!("The value for the field 'Type' must be one of [Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map], not '{}'", obj.get("Type").map_or(String::new(), |t| t.as_str().map_or_else(|| t.to_json(), str::to_string))),
                &format!("{pointer}/Type"),
            );
        }
        let own_language = self.query_language(
            obj.get("QueryLanguage"),
            &format!("{pointer}/QueryLanguage"),
        );
        if self.top_language == QueryLanguage::Jsonata
            && own_language == Some(QueryLanguage::JsonPath)
        {
            self.sink.schema(
                "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
                pointer,
            );
        }
        let language = own_language.unwrap_or(inherited);
        let allowed = allowed_fields(type_name);
        if !allowed.is_empty() {
            for key in obj.keys() {
                let key_ptr = format!("{pointer}/{}", esc(key));
                if !allowed.contains(&key.as_ref()) {
                    self.sink
                        .schema(format!("Field '{key}' is not supported"), &key_ptr);
                } else if language == QueryLanguage::Jsonata
                    && JSONPATH_ONLY.contains(&key.as_ref())
                {
                    self.sink.schema(format!("The field '{key}' is not supported for the JSONata query language: use Arguments, Output or Assign"), &key_ptr);
                } else if language == QueryLanguage::JsonPath
                    && JSONATA_ONLY.contains(&key.as_ref())
                {
                    self.sink.schema(
                        format!(
                            "The field '{key}' is only supported for the JSONata query language"
                        ),
                        &key_ptr,
                    );
                }
            }
        }
        let transition = self.transition(type_name, obj, pointer);
        let io = |b: &mut Self, field: &str| -> IoPath {
            match obj.get(field) {
                None => IoPath::Identity,
                Some(Value::Null) => IoPath::Null,
                Some(v) => match b.path_field(v, &format!("{pointer}/{field}"), field) {
                    Some(p) if p.is_identity() => IoPath::Identity,
                    Some(p) => IoPath::Path(p),
                    None => IoPath::Identity,
                },
            }
        };
        let input_path = io(self, "InputPath");
        let output_path = io(self, "OutputPath");
        let result_path = self.result_path(obj.get("ResultPath"), &format!("{pointer}/ResultPath"));
        let parameters = if type_name == "Map" {
            None
        } else {
            self.template_field(obj, "Parameters", pointer, language)
        };
        let result_selector = self.template_field(obj, "ResultSelector", pointer, language);
        let retry = self.retriers(obj.get("Retry"), pointer);
        let catch = self.catchers(obj.get("Catch"), pointer, language);
        let kind = match type_name {
            "Pass" => Kind::Pass {
                result: obj.get("Result").cloned(),
            },
            "Task" => Kind::Task(self.task(obj, pointer, language)),
            "Choice" => self.choice(obj, pointer, language),
            "Wait" => Kind::Wait(self.wait(obj, pointer, language)),
            "Succeed" => Kind::Succeed,
            "Fail" => Kind::Fail(self.fail(obj, pointer, language)),
            "Parallel" => self.parallel(obj, pointer),
            "Map" => self.map(obj, pointer, language),
            _ => Kind::Pass { result: None },
        };
        State {
            name: name.clone(),
            pointer: pointer.to_string(),
            span,
            body,
            kind,
            transition,
            query_language: language,
            comment: obj
                .get("Comment")
                .and_then(Value::as_str)
                .map(str::to_string),
            input_path,
            output_path,
            parameters,
            result_selector,
            result_path,
            retry,
            catch,
            arguments: obj.get("Arguments").cloned(),
            output: obj.get("Output").cloned(),
            assign: self.assign(obj.get("Assign"), &format!("{pointer}/Assign")),
            compiled: self.compiled(obj, pointer, language),
        }
    }

    /// Compiles a JSONata template, reporting each syntax error at its place in the string.
    fn jsonata_template(
        &mut self,
        v: Option<&Value>,
        pointer: &str,
    ) -> Option<crate::jsonata::Template> {
        let v = v?;
        match crate::jsonata::compile(v) {
            Ok(t) => Some(t),
            Err(errs) => {
                for (rel, e) in errs {
                    self.jsonata_error(&format!("{pointer}{rel}"), &e);
                }
                None
            }
        }
    }

    fn jsonata_error(&mut self, pointer: &str, e: &crate::jsonata::SyntaxError) {
        // The expression starts after `{%`.
        self.at_string_offset(
            Severity::Error,
            format!("JSONata syntax error: {}", e.message),
            pointer,
            2 + e.offset,
            1,
        );
    }

    /// `Assign` in the state's query language.
    fn assign_spec(
        &mut self,
        v: Option<&Value>,
        pointer: &str,
        language: QueryLanguage,
    ) -> Option<AssignSpec> {
        let v = v?;
        match language {
            QueryLanguage::Jsonata => self
                .jsonata_template(Some(v), pointer)
                .map(AssignSpec::Jsonata),
            QueryLanguage::JsonPath => match template::compile(v) {
                Ok(t) => Some(AssignSpec::JsonPath(t)),
                Err(errs) => {
                    for e in errs {
                        self.sink.schema(format!("The value for the field '{}' must be a valid JSONPath or a valid intrinsic function call", e.field), pointer);
                    }
                    None
                }
            },
        }
    }

    fn compiled(&mut self, obj: &json::Map, pointer: &str, language: QueryLanguage) -> Compiled {
        let jsonata = |b: &mut Self, field: &str| match language {
            QueryLanguage::Jsonata => {
                b.jsonata_template(obj.get(field), &format!("{pointer}/{field}"))
            }
            QueryLanguage::JsonPath => None,
        };
        Compiled {
            arguments: jsonata(self, "Arguments"),
            output: jsonata(self, "Output"),
            items: jsonata(self, "Items"),
            item_selector: jsonata(self, "ItemSelector"),
            assign: self.assign_spec(obj.get("Assign"), &format!("{pointer}/Assign"), language),
        }
    }

    /// Marks `len` bytes at `offset` in the decoded text of the string value at `pointer`
    /// (exact through JSON escapes, and in YAML strings that map one to one; never inside a
    /// character).
    fn at_string_offset(
        &mut self,
        severity: Severity,
        message: String,
        pointer: &str,
        offset: usize,
        len: usize,
    ) {
        let span = self
            .sink
            .spans
            .string_range(self.sink.text, pointer, offset, len)
            .unwrap_or_else(|| self.sink.span_of(pointer));
        let text = self.sink.text;
        let start = json::floor_char_boundary(text, span.start);
        // At least the whole character at `start`.
        let first_char_end = text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        let end = json::floor_char_boundary(text, span.end).max(first_char_end);
        self.sink.push_at(
            severity,
            codes::SCHEMA_VALIDATION_FAILED,
            message,
            pointer,
            Span {
                start,
                end: end.max(start),
            },
        );
    }

    /// Checks AWS's JSONata rules (where `$states.result` and `$states.errorOutput` may be
    /// used, no intrinsic functions inside `{% %}`) and variable references (warnings for a
    /// variable no state assigns, or assigns only in a nested scope), graph by graph.
    fn jsonata_and_variable_checks(
        &mut self,
        graph: &Value,
        base: &str,
        inherited: QueryLanguage,
        scopes: &mut Vec<Vec<String>>,
    ) {
        let Some(states) = graph.get("States").and_then(Value::as_object) else {
            return;
        };
        // Names assigned in this graph (Assign of states, choice rules, catchers).
        let mut assigned = Vec::new();
        let mut collect = |v: Option<&Value>| {
            if let Some(m) = v.and_then(Value::as_object) {
                assigned.extend(
                    m.keys()
                        .map(|k| k.strip_suffix(".$").unwrap_or(k).to_string()),
                );
            }
        };
        for s in states.values() {
            collect(s.get("Assign"));
            for key in ["Choices", "Catch"] {
                for r in s.get(key).and_then(Value::as_array).into_iter().flatten() {
                    collect(r.get("Assign"));
                }
            }
        }
        scopes.push(assigned);
        let nested_assigned = |s: &Value| -> Vec<String> {
            fn all(v: &Value, out: &mut Vec<String>) {
                match v {
                    Value::Object(m) => {
                        for (k, x) in m.iter() {
                            if &**k == "Assign" {
                                if let Some(a) = x.as_object() {
                                    out.extend(
                                        a.keys()
                                            .map(|k| k.strip_suffix(".$").unwrap_or(k).to_string()),
                                    );
                                }
                            }
                            all(x, out);
                        }
                    }
                    Value::Array(a) => a.iter().for_each(|x| all(x, out)),
                    _ => {}
                }
            }
            let mut out = Vec::new();
            for key in ["Branches", "ItemProcessor", "Iterator"] {
                if let Some(x) = s.get(key) {
                    all(x, &mut out);
                }
            }
            out
        };
        let mut everything_nested = Vec::new();
        for s in states.values() {
            everything_nested.extend(nested_assigned(s));
        }
        for (name, s) in states.iter() {
            let sp = format!("{base}/States/{}", esc(name));
            let language = match s.get("QueryLanguage").and_then(Value::as_str) {
                Some("JSONata") => QueryLanguage::Jsonata,
                Some("JSONPath") => QueryLanguage::JsonPath,
                _ => inherited,
            };
            let type_name = s.get("Type").and_then(Value::as_str).unwrap_or("");
            for (field, must) in [("Type", "Type"), ("Resource", "Resource")] {
                if s.get(field)
                    .and_then(Value::as_str)
                    .is_some_and(is_jsonata_expr)
                {
                    self.sink.schema(format!("The field '{must}' must be a constant; it cannot be a JSONata expression"), &format!("{sp}/{field}"));
                }
            }
            let has_result = matches!(type_name, "Task" | "Map" | "Parallel");
            // Every string in the state, with the field it belongs to and whether it sits in a catcher.
            let mut strings: Vec<(String, String, bool)> = Vec::new();
            fn walk(
                v: &Value,
                ptr: &str,
                field: &str,
                in_catch: bool,
                out: &mut Vec<(String, String, bool)>,
            ) {
                match v {
                    Value::String(_) => out.push((ptr.to_string(), field.to_string(), in_catch)),
                    Value::Array(a) => a
                        .iter()
                        .enumerate()
                        .for_each(|(i, x)| walk(x, &format!("{ptr}/{i}"), field, in_catch, out)),
                    Value::Object(m) => {
                        for (k, x) in m.iter() {
                            walk(x, &format!("{ptr}/{}", esc(k)), field, in_catch, out);
                        }
                    }
                    _ => {}
                }
            }
            if let Some(m) = s.as_object() {
                for (k, v) in m.iter() {
                    if matches!(
                        &**k,
                        "Branches" | "ItemProcessor" | "Iterator" | "Comment" | "Type"
                    ) {
                        continue;
                    }
                    if &**k == "Catch" {
                        for (i, c) in v.as_array().into_iter().flatten().enumerate() {
                            for (ck, cv) in c.as_object().into_iter().flat_map(|o| o.iter()) {
                                walk(
                                    cv,
                                    &format!("{sp}/Catch/{i}/{}", esc(ck)),
                                    ck,
                                    true,
                                    &mut strings,
                                );
                            }
                        }
                        continue;
                    }
                    walk(v, &format!("{sp}/{}", esc(k)), k, false, &mut strings);
                }
            }
            let visible: Vec<String> = scopes.iter().flatten().cloned().collect();
            for (ptr, field, in_catch) in strings {
                let Some(text) = self.sink_value_str(s, &ptr, &sp) else {
                    continue;
                };
                // `{% %}` is an expression only in a JSONata state.
                let is_expr = is_jsonata_expr(&text) && language == QueryLanguage::Jsonata;
                if is_expr && language == QueryLanguage::Jsonata {
                    let top = field.as_str();
                    for (needle, allowed, rule) in [
                        ("$states.result", has_result && !in_catch && matches!(top, "Output" | "Assign"), "$states.result is available only in the Output and Assign fields of Task, Map and Parallel states"),
                        ("$states.errorOutput", in_catch && matches!(top, "Output" | "Assign"), "$states.errorOutput is available only in the Output and Assign fields of a Catch"),
                    ] {
                        if let Some(i) = text.find(needle) {
                            if !allowed {
                                self.at_string_offset(Severity::Error, rule.to_string(), &ptr, i, needle.len());
                            }
                        }
                    }
                    if let Some(i) = find_intrinsic(&text) {
                        self.at_string_offset(Severity::Error, "Intrinsic functions (States.*) are not available in JSONata; use JSONata functions such as $string, $merge or $uuid".into(), &ptr, i, "States.".len());
                    }
                }
                // Variable references.
                let refs: Vec<(usize, String)> = if is_expr {
                    jsonata_variable_refs(&text)
                } else if ptr.ends_with(".$") || field.ends_with("Path") || field == "Variable" {
                    jsonpath_variable_ref(&text).into_iter().collect()
                } else {
                    Vec::new()
                };
                for (i, name) in refs {
                    if visible.contains(&name) {
                        continue;
                    }
                    let message = if everything_nested.contains(&name) {
                        format!("The variable '${name}' is assigned only inside a Parallel branch or Map iteration, whose variables are not visible here")
                    } else {
                        format!("No state assigns the variable '${name}' before it is read")
                    };
                    self.at_string_offset(Severity::Warning, message, &ptr, i, name.len() + 1);
                }
            }
            // Nested graphs.
            for (k, sub) in [("Branches", s.get("Branches"))] {
                for (i, b) in sub
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    self.jsonata_and_variable_checks(b, &format!("{sp}/{k}/{i}"), language, scopes);
                }
            }
            for k in ["ItemProcessor", "Iterator"] {
                if let Some(p) = s.get(k) {
                    self.jsonata_and_variable_checks(p, &format!("{sp}/{k}"), language, scopes);
                }
            }
        }
        scopes.pop();
    }

    /// AWS's three warnings, for JSONPath states: NO_DOLLAR (a payload field holds a path or an
    /// intrinsic call but its name lacks `.$`, so it stays a literal string), NO_PATH (a field
    /// that has a `...Path` twin holds a path), PASS_RESULT_IS_STATIC (a Pass state's `Result`
    /// holds a path, which Pass never evaluates).
    fn aws_warnings(&mut self, graph: &Value, base: &str, inherited: QueryLanguage) {
        fn looks_like_path(s: &str) -> bool {
            s == "$" || s.starts_with("$.") || s.starts_with("$[") || s.starts_with("$$")
        }
        fn looks_dynamic(s: &str) -> bool {
            looks_like_path(s) || (s.starts_with("States.") && s.contains('(') && s.ends_with(')'))
        }
        fn no_dollar(b: &mut Builder, v: &Value, ptr: &str) {
            match v {
                Value::Object(m) => {
                    for (k, x) in m.iter() {
                        let p = format!("{ptr}/{}", esc(k));
                        match x {
                            Value::String(s) if !k.ends_with(".$") && looks_dynamic(s) => {
                                b.sink.push(Severity::Warning, codes::NO_DOLLAR, format!("The field '{k}' holds a JSONPath or an intrinsic function call, but its name does not end with '.$': it is passed on as the literal string \"{s}\""), &p);
                            }
                            _ => no_dollar(b, x, &p),
                        }
                    }
                }
                Value::Array(a) => {
                    for (i, x) in a.iter().enumerate() {
                        no_dollar(b, x, &format!("{ptr}/{i}"));
                    }
                }
                _ => {}
            }
        }
        fn static_result(v: &Value) -> bool {
            match v {
                Value::Object(m) => m.iter().any(|(k, x)| k.ends_with(".$") || static_result(x)),
                Value::Array(a) => a.iter().any(static_result),
                Value::String(s) => looks_like_path(s),
                _ => false,
            }
        }
        let Some(states) = graph.get("States").and_then(Value::as_object) else {
            return;
        };
        for (name, s) in states.iter() {
            let sp = format!("{base}/States/{}", esc(name));
            let language = match s.get("QueryLanguage").and_then(Value::as_str) {
                Some("JSONata") => QueryLanguage::Jsonata,
                Some("JSONPath") => QueryLanguage::JsonPath,
                _ => inherited,
            };
            if language == QueryLanguage::JsonPath {
                for field in ["Parameters", "ResultSelector", "ItemSelector"] {
                    if let Some(v) = s.get(field) {
                        no_dollar(self, v, &format!("{sp}/{field}"));
                    }
                }
                for field in ["Timestamp", "Error", "Cause"] {
                    if let Some(Value::String(v)) = s.get(field) {
                        if looks_like_path(v) {
                            self.sink.push(Severity::Warning, codes::NO_PATH, format!("The value of '{field}' looks like a path, but '{field}' takes a constant: use '{field}Path' to read it from the input"), &format!("{sp}/{field}"));
                        }
                    }
                }
                if s.get("Type").and_then(Value::as_str) == Some("Pass")
                    && s.get("Result").is_some_and(static_result)
                {
                    self.sink.push(Severity::Warning, codes::PASS_RESULT_IS_STATIC, "A Pass state's Result is static: the paths in it are not evaluated (use Parameters to read the input)", &format!("{sp}/Result"));
                }
            }
            for (i, b) in s
                .get("Branches")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                self.aws_warnings(b, &format!("{sp}/Branches/{i}"), language);
            }
            for k in ["ItemProcessor", "Iterator"] {
                if let Some(p) = s.get(k) {
                    self.aws_warnings(p, &format!("{sp}/{k}"), language);
                }
            }
        }
    }

    /// The string at `ptr` (a pointer below the state at `state_ptr`).
    fn sink_value_str(&self, state: &Value, ptr: &str, state_ptr: &str) -> Option<String> {
        let rel = ptr.strip_prefix(state_ptr)?;
        state
            .pointer(rel)
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    fn assign(&mut self, v: Option<&Value>, pointer: &str) -> Option<Value> {
        let v = v?;
        match v.as_object() {
            Some(m) => {
                for k in m.keys() {
                    let name = k.strip_suffix(".$").unwrap_or(k);
                    if name == "states" {
                        self.sink.schema(
                            "The variable name 'states' is reserved",
                            &format!("{pointer}/{}", esc(k)),
                        );
                    } else if name.chars().count() > 80 {
                        self.sink.schema(
                            format!("The variable name '{name}' is longer than 80 characters"),
                            &format!("{pointer}/{}", esc(k)),
                        );
                    }
                }
            }
            None => self.sink.schema(
                "The value for the field 'Assign' must be an object",
                pointer,
            ),
        }
        Some(v.clone())
    }

    fn transition(&mut self, type_name: &str, obj: &json::Map, pointer: &str) -> Transition {
        if matches!(type_name, "Choice" | "Succeed" | "Fail" | "") {
            return Transition::None;
        }
        let next = obj.get("Next");
        let end = obj.get("End");
        match (next, end) {
            (Some(_), Some(Value::Bool(true))) => {
                self.sink.schema(
                    "A state can have either 'Next' or 'End': true, not both",
                    pointer,
                );
                Transition::End
            }
            (Some(Value::String(n)), _) => Transition::Next(None, n.clone()),
            (Some(_), _) => {
                self.sink.schema(
                    "The value for the field 'Next' must be a state name",
                    &format!("{pointer}/Next"),
                );
                Transition::End
            }
            (None, Some(Value::Bool(true))) => Transition::End,
            (None, Some(Value::Bool(false)) | None) => {
                self.sink
                    .schema("These fields are required: [Next or End]", pointer);
                Transition::End
            }
            (None, Some(_)) => {
                self.sink.schema(
                    "The value for the field 'End' must be a boolean",
                    &format!("{pointer}/End"),
                );
                Transition::End
            }
        }
    }

    fn path_field(&mut self, v: &Value, pointer: &str, field: &str) -> Option<JsonPath> {
        let text = v.as_str();
        match text.map(JsonPath::parse) {
            Some(Ok(p)) => Some(p),
            _ => {
                self.sink.schema(
                    format!("The value for the field '{field}' must be a valid JSONPath"),
                    pointer,
                );
                None
            }
        }
    }

    fn result_path(&mut self, v: Option<&Value>, pointer: &str) -> ResultPath {
        match v {
            None => ResultPath::Replace,
            Some(Value::Null) => ResultPath::Discard,
            Some(v) => match v.as_str().map(JsonPath::parse) {
                Some(Ok(p)) if p.is_identity() => ResultPath::Replace,
                Some(Ok(p)) if p.is_reference() && p.root == crate::path::Root::Input => {
                    ResultPath::Path(p)
                }
                _ => {
                    self.sink.schema(
                        "The value for the field 'ResultPath' must be a valid ReferencePath",
                        pointer,
                    );
                    ResultPath::Replace
                }
            },
        }
    }

    fn template_field(
        &mut self,
        obj: &json::Map,
        field: &str,
        pointer: &str,
        language: QueryLanguage,
    ) -> Option<template::Template> {
        let v = obj.get(field)?;
        if language == QueryLanguage::Jsonata {
            return None;
        }
        let field_ptr = format!("{pointer}/{field}");
        match template::compile(v) {
            Ok(t) => Some(t),
            Err(errs) => {
                for e in errs {
                    let span = self
                        .sink
                        .spans
                        .keys
                        .get(&format!("{field_ptr}{}", e.pointer))
                        .copied()
                        .unwrap_or_else(|| self.sink.span_of(&field_ptr));
                    self.sink.push_at(
                        Severity::Error,
                        codes::SCHEMA_VALIDATION_FAILED,
                        format!("The value for the field '{}' must be a valid JSONPath or a valid intrinsic function call", e.field),
                        &field_ptr,
                        span,
                    );
                }
                None
            }
        }
    }

    fn error_equals(&mut self, v: Option<&Value>, pointer: &str, is_last: bool) -> Vec<Rc<str>> {
        let ptr = format!("{pointer}/ErrorEquals");
        let Some(arr) = v.and_then(Value::as_array) else {
            if v.is_some() {
                self.sink.schema(
                    "The value for the field 'ErrorEquals' must be an array of error names",
                    &ptr,
                );
            }
            return Vec::new();
        };
        if arr.is_empty() {
            self.sink
                .schema("The field 'ErrorEquals' must name at least one error", &ptr);
        }
        let names: Vec<Rc<str>> = arr
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match e {
                Value::String(s) => Some(s.clone()),
                _ => {
                    self.sink
                        .schema("An error name must be a string", &format!("{ptr}/{i}"));
                    None
                }
            })
            .collect();
        if names.iter().any(|n| &**n == errors::ALL) {
            if names.len() > 1 {
                self.sink
                    .schema("'States.ALL' must appear alone in 'ErrorEquals'", &ptr);
            }
            if !is_last {
                self.sink.schema(
                    "The retrier or catcher with 'States.ALL' must be the last one",
                    &ptr,
                );
            }
        }
        for (i, n) in names.iter().enumerate() {
            if n.starts_with("States.") && !errors::PREDEFINED.contains(&&**n) {
                self.sink.push(Severity::Warning, codes::SCHEMA_VALIDATION_FAILED, format!("'{n}' is not a predefined error name; names starting with 'States.' are reserved"), &format!("{ptr}/{i}"));
            }
        }
        names
    }

    fn retriers(&mut self, v: Option<&Value>, pointer: &str) -> Vec<Retrier> {
        let Some(v) = v else { return Vec::new() };
        let ptr = format!("{pointer}/Retry");
        let Some(arr) = v.as_array() else {
            self.sink
                .schema("The value for the field 'Retry' must be an array", &ptr);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, r) in arr.iter().enumerate() {
            let rp = format!("{ptr}/{i}");
            let Some(o) = r.as_object() else {
                self.sink.schema("A retrier must be an object", &rp);
                continue;
            };
            required(&mut self.sink, o, &["ErrorEquals"], &rp);
            for k in o.keys() {
                if !RETRIER_FIELDS.contains(&k.as_ref()) {
                    self.sink.schema(
                        format!("Field '{k}' is not supported"),
                        &format!("{rp}/{}", esc(k)),
                    );
                }
            }
            let error_equals = self.error_equals(o.get("ErrorEquals"), &rp, i + 1 == arr.len());
            let interval_seconds = o
                .get("IntervalSeconds")
                .and_then(|v| {
                    self.int_field(
                        v,
                        &format!("{rp}/IntervalSeconds"),
                        "IntervalSeconds",
                        1,
                        MAX_SECONDS,
                    )
                })
                .unwrap_or(1) as f64;
            let max_attempts = o
                .get("MaxAttempts")
                .and_then(|v| {
                    self.int_field(
                        v,
                        &format!("{rp}/MaxAttempts"),
                        "MaxAttempts",
                        0,
                        MAX_SECONDS,
                    )
                })
                .unwrap_or(3) as u64;
            let backoff_rate = match o.get("BackoffRate") {
                None => 2.0,
                Some(v) => match v.as_number().map(|n| n.as_f64()) {
                    Some(b) if b >= 1.0 => b,
                    _ => {
                        self.sink.schema("The value for the field 'BackoffRate' must be a number greater than or equal to 1.0", &format!("{rp}/BackoffRate"));
                        2.0
                    }
                },
            };
            let max_delay_seconds = o
                .get("MaxDelaySeconds")
                .and_then(|v| {
                    self.int_field(
                        v,
                        &format!("{rp}/MaxDelaySeconds"),
                        "MaxDelaySeconds",
                        1,
                        31_622_400,
                    )
                })
                .map(|v| v as f64);
            let jitter_full = match o.get("JitterStrategy") {
                None => false,
                Some(v) => {
                    match v.as_str() {
                        Some("FULL") => true,
                        Some("NONE") => false,
                        _ => {
                            self.sink.schema("The value for the field 'JitterStrategy' must be one of [FULL, NONE]", &format!("{rp}/JitterStrategy"));
                            false
                        }
                    }
                }
            };
            out.push(Retrier {
                error_equals,
                interval_seconds,
                max_attempts,
                backoff_rate,
                max_delay_seconds,
                jitter_full,
            });
        }
        out
    }

    fn catchers(
        &mut self,
        v: Option<&Value>,
        pointer: &str,
        language: QueryLanguage,
    ) -> Vec<Catcher> {
        let Some(v) = v else { return Vec::new() };
        let ptr = format!("{pointer}/Catch");
        let Some(arr) = v.as_array() else {
            self.sink
                .schema("The value for the field 'Catch' must be an array", &ptr);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, c) in arr.iter().enumerate() {
            let cp = format!("{ptr}/{i}");
            let Some(o) = c.as_object() else {
                self.sink.schema("A catcher must be an object", &cp);
                continue;
            };
            required(&mut self.sink, o, &["ErrorEquals", "Next"], &cp);
            for k in o.keys() {
                let ok = match language {
                    QueryLanguage::JsonPath => CATCHER_FIELDS_JSONPATH,
                    QueryLanguage::Jsonata => CATCHER_FIELDS_JSONATA,
                }
                .contains(&k.as_ref());
                if !ok {
                    self.sink.schema(
                        format!("Field '{k}' is not supported"),
                        &format!("{cp}/{}", esc(k)),
                    );
                }
            }
            let error_equals = self.error_equals(o.get("ErrorEquals"), &cp, i + 1 == arr.len());
            let next_name = o
                .get("Next")
                .and_then(Value::as_str)
                .map(Rc::from)
                .unwrap_or_else(|| Rc::from(""));
            let result_path = self.result_path(o.get("ResultPath"), &format!("{cp}/ResultPath"));
            let assign = self.assign(o.get("Assign"), &format!("{cp}/Assign"));
            let compiled = self.compiled(o, &cp, language);
            out.push(Catcher {
                error_equals,
                next: None,
                next_name,
                result_path,
                assign,
                output: o.get("Output").cloned(),
                compiled,
            });
        }
        out
    }

    /// A number given as a constant, a `*Path`, or (JSONata) an expression string.
    fn dyn_int(
        &mut self,
        obj: &json::Map,
        field: &str,
        pointer: &str,
        min: i64,
        language: QueryLanguage,
    ) -> Option<Dyn<i64>> {
        let path_field = format!("{field}Path");
        match (obj.get(field), obj.get(path_field.as_str())) {
            (Some(_), Some(_)) => {
                self.sink.schema(
                    format!("Only one of '{field}' and '{path_field}' may be given"),
                    pointer,
                );
                None
            }
            (Some(Value::String(s)), None)
                if language == QueryLanguage::Jsonata && is_jsonata_expr(s) =>
            {
                Some(Dyn::Jsonata(s.clone()))
            }
            (Some(v), None) => self
                .int_field(v, &format!("{pointer}/{field}"), field, min, MAX_SECONDS)
                .map(Dyn::Const),
            (None, Some(v)) => self
                .path_field(v, &format!("{pointer}/{path_field}"), &path_field)
                .map(Dyn::Path),
            (None, None) => None,
        }
    }

    fn task(&mut self, obj: &json::Map, pointer: &str, language: QueryLanguage) -> TaskSpec {
        required(&mut self.sink, obj, &["Resource"], pointer);
        let resource_text: Rc<str> = match obj.get("Resource") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                // Say what it is rather than name an empty resource.
                let mut shown = other.to_json();
                if shown.len() > 80 {
                    shown.truncate(json::floor_char_boundary(&shown, 77));
                    shown.push_str("...");
                }
                self.sink.schema(
                    format!(
                        "The value for the field 'Resource' must be a string (an ARN), not {shown}"
                    ),
                    &format!("{pointer}/Resource"),
                );
                Rc::from("")
            }
            None => Rc::from(""),
        };
        let resource = self.resource(
            &resource_text,
            &format!("{pointer}/Resource"),
            matches!(obj.get("Resource"), Some(Value::String(_))),
        );
        let as_u64 = |d: Option<Dyn<i64>>| {
            d.map(|d| match d {
                Dyn::Const(v) => Dyn::Const(v as u64),
                Dyn::Path(p) => Dyn::Path(p),
                Dyn::Jsonata(e) => Dyn::Jsonata(e),
            })
        };
        let timeout = as_u64(self.dyn_int(obj, "TimeoutSeconds", pointer, 1, language));
        let heartbeat = as_u64(self.dyn_int(obj, "HeartbeatSeconds", pointer, 1, language));
        if let (Some(Dyn::Const(t)), Some(Dyn::Const(h))) = (&timeout, &heartbeat) {
            if h >= t {
                self.sink.schema("The value for the field 'HeartbeatSeconds' must be smaller than the value for the field 'TimeoutSeconds'", &format!("{pointer}/HeartbeatSeconds"));
            }
        }
        if let Some(c) = obj.get("Credentials") {
            match c.as_object() {
                Some(m) if m.contains_key("RoleArn") || m.contains_key("RoleArn.$") => {}
                _ => self.sink.schema(
                    "The field 'RoleArn' is required but was missing",
                    &format!("{pointer}/Credentials"),
                ),
            }
        }
        TaskSpec {
            resource,
            resource_text,
            timeout,
            heartbeat,
            credentials: obj.get("Credentials").cloned(),
        }
    }

    fn resource(&mut self, text: &Rc<str>, pointer: &str, present: bool) -> Resource {
        if !present {
            return Resource::Other(text.clone());
        }
        let resource = classify_resource(text);
        let not_recognized = || {
            format!("The resource provided {text} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.")
        };
        match &resource {
            Resource::Other(t) if is_jsonata_expr(t) => {}
            Resource::Other(_) => self.sink.schema(not_recognized(), pointer),
            Resource::Service {
                service,
                action,
                pattern,
            } if !service.starts_with("aws-sdk:")
                && !optimized_integration_known(service, action, *pattern) =>
            {
                self.sink.schema(not_recognized(), pointer)
            }
            _ => {}
        }
        if self.workflow_type == WorkflowType::Express {
            match &resource {
                Resource::Activity(_) => self.sink.schema("Express state machine does not support Activity ARN", pointer),
                Resource::Service { pattern: Pattern::WaitForTaskToken, .. } => {
                    self.sink.schema("Express state machine does not support '.waitForTaskToken' service integration ", pointer)
                }
                Resource::Service { pattern: Pattern::Sync | Pattern::Sync2, .. } => {
                    self.sink.schema("Express state machine does not support '.sync' service integration ", pointer)
                }
                _ => {}
            }
        }
        resource
    }

    fn choice(&mut self, obj: &json::Map, pointer: &str, language: QueryLanguage) -> Kind {
        required(&mut self.sink, obj, &["Choices"], pointer);
        let mut rules = Vec::new();
        match obj.get("Choices").map(|c| c.as_array()) {
            Some(Some(arr)) => {
                if arr.is_empty() {
                    self.sink.schema(
                        "The field 'Choices' must hold at least one rule",
                        &format!("{pointer}/Choices"),
                    );
                }
                for (i, r) in arr.iter().enumerate() {
                    let rp = format!("{pointer}/Choices/{i}");
                    let Some(o) = r.as_object() else {
                        self.sink.schema("A choice rule must be an object", &rp);
                        continue;
                    };
                    if !o.contains_key("Next") {
                        self.sink.schema("These fields are required: [Next]", &rp);
                    }
                    let condition = self.condition(o, &rp, language, true);
                    rules.push(ChoiceRule {
                        condition: condition.unwrap_or(Condition::And(Vec::new())),
                        next: None,
                        next_name: o
                            .get("Next")
                            .and_then(Value::as_str)
                            .map(Rc::from)
                            .unwrap_or_else(|| Rc::from("")),
                        assign: self.assign(o.get("Assign"), &format!("{rp}/Assign")),
                        output: o.get("Output").cloned(),
                        compiled: self.compiled(o, &rp, language),
                    });
                }
            }
            Some(None) => self.sink.schema(
                "The value for the field 'Choices' must be an array",
                &format!("{pointer}/Choices"),
            ),
            None => {}
        }
        let default = obj
            .get("Default")
            .and_then(Value::as_str)
            .map(|d| (None, Rc::from(d)));
        Kind::Choice { rules, default }
    }

    fn condition(
        &mut self,
        o: &json::Map,
        pointer: &str,
        language: QueryLanguage,
        top: bool,
    ) -> Option<Condition> {
        if !top && o.contains_key("Next") {
            self.sink.schema(
                "Field 'Next' is not supported inside a nested rule",
                &format!("{pointer}/Next"),
            );
        }
        if language == QueryLanguage::Jsonata {
            return match o.get("Condition") {
                Some(Value::String(s)) if is_jsonata_expr(s) => match crate::jsonata::parse(s) {
                    Ok(e) => Some(Condition::Jsonata(Rc::new(e))),
                    Err(e) => {
                        self.jsonata_error(&format!("{pointer}/Condition"), &e);
                        None
                    }
                },
                Some(Value::Bool(b)) => Some(if *b {
                    Condition::And(Vec::new())
                } else {
                    Condition::Or(Vec::new())
                }),
                Some(_) => {
                    self.sink.schema(
                        "The value for the field 'Condition' must be a JSONata expression",
                        &format!("{pointer}/Condition"),
                    );
                    None
                }
                None => {
                    self.sink
                        .schema("These fields are required: [Condition]", pointer);
                    None
                }
            };
        }
        let ops: Vec<String> = choice::operator_names()
            .filter(|n| o.contains_key(n.as_str()))
            .collect();
        let combinators: Vec<&str> = ["And", "Or", "Not"]
            .into_iter()
            .filter(|n| o.contains_key(*n))
            .collect();
        for k in o.keys() {
            let known = ["Variable", "Next", "Comment", "And", "Or", "Not", "Assign"]
                .contains(&k.as_ref())
                || choice::operator_names().any(|n| n == **k);
            if !known {
                self.sink.schema(
                    format!("Field '{k}' is not supported"),
                    &format!("{pointer}/{}", esc(k)),
                );
            }
        }
        if ops.len() + combinators.len() != 1 {
            self.sink.schema(
                "A choice rule must have exactly one comparison operator, or one of And, Or, Not",
                pointer,
            );
            return None;
        }
        if let Some(c) = combinators.first() {
            let cp = format!("{pointer}/{c}");
            return match (*c, o.get(*c)) {
                ("Not", Some(Value::Object(inner))) => self
                    .condition(inner, &cp, language, false)
                    .map(|c| Condition::Not(Box::new(c))),
                ("And" | "Or", Some(Value::Array(items))) if !items.is_empty() => {
                    let mut subs = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        match item.as_object() {
                            Some(io) => subs.extend(self.condition(
                                io,
                                &format!("{cp}/{i}"),
                                language,
                                false,
                            )),
                            None => self
                                .sink
                                .schema("A choice rule must be an object", &format!("{cp}/{i}")),
                        }
                    }
                    Some(if *c == "And" {
                        Condition::And(subs)
                    } else {
                        Condition::Or(subs)
                    })
                }
                _ => {
                    self.sink.schema(
                        format!(
                            "The value for the field '{c}' must be {}",
                            if *c == "Not" {
                                "a choice rule"
                            } else {
                                "a non-empty array of choice rules"
                            }
                        ),
                        &cp,
                    );
                    None
                }
            };
        }
        let op = ops[0].clone();
        let variable = match o.get("Variable") {
            None => {
                self.sink
                    .schema("These fields are required: [Variable]", pointer);
                return None;
            }
            Some(v) => self.path_field(v, &format!("{pointer}/Variable"), "Variable")?,
        };
        let value = o.get(op.as_str()).cloned().unwrap_or_default();
        let op_ptr = format!("{pointer}/{op}");
        if let Some((_, test)) = choice::TYPE_TESTS.iter().find(|(n, _)| *n == op) {
            let Some(expected) = value.as_bool() else {
                self.sink.schema(
                    format!("The value for the field '{op}' must be a boolean"),
                    &op_ptr,
                );
                return None;
            };
            return Some(Condition::Test {
                variable,
                test: *test,
                expected,
            });
        }
        if op == "StringMatches" {
            let Some(p) = value.as_str() else {
                self.sink.schema(
                    "The value for the field 'StringMatches' must be a string",
                    &op_ptr,
                );
                return None;
            };
            return Some(Condition::Matches {
                variable,
                pattern: choice::compile_pattern(p),
            });
        }
        let (base, is_path) = match op.strip_suffix("Path") {
            Some(b) => (b.to_string(), true),
            None => (op.clone(), false),
        };
        let (_, kind, cmp) = *choice::COMPARISONS.iter().find(|(n, _, _)| *n == base)?;
        let operand = if is_path {
            Operand::Path(self.path_field(&value, &op_ptr, &op)?)
        } else {
            let ok = match kind {
                choice::Kind::String => value.as_str().is_some(),
                choice::Kind::Numeric => value.as_number().is_some(),
                choice::Kind::Boolean => value.as_bool().is_some(),
                choice::Kind::Timestamp => value.as_str().and_then(parse_rfc3339).is_some(),
            };
            if !ok {
                let what = match kind {
                    choice::Kind::String => "a string",
                    choice::Kind::Numeric => "a number",
                    choice::Kind::Boolean => "a boolean",
                    choice::Kind::Timestamp => "an RFC3339 timestamp",
                };
                self.sink.schema(
                    format!("The value for the field '{op}' must be {what}"),
                    &op_ptr,
                );
                return None;
            }
            Operand::Literal(value)
        };
        Some(Condition::Compare {
            variable,
            kind,
            cmp,
            operand,
        })
    }

    fn wait(&mut self, obj: &json::Map, pointer: &str, language: QueryLanguage) -> WaitSpec {
        let given: Vec<&str> = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
            .into_iter()
            .filter(|k| obj.contains_key(*k))
            .collect();
        if given.len() != 1 {
            self.sink.schema("A Wait state must have exactly one of 'Seconds', 'Timestamp', 'SecondsPath' or 'TimestampPath'", pointer);
        }
        let field = given.first().copied().unwrap_or("Seconds");
        let fp = format!("{pointer}/{field}");
        let v = obj.get(field).cloned().unwrap_or(Value::from(0));
        match field {
            "Seconds" => match &v {
                Value::String(s) if language == QueryLanguage::Jsonata && is_jsonata_expr(s) => {
                    WaitSpec::Seconds(Dyn::Jsonata(s.clone()))
                }
                _ => WaitSpec::Seconds(Dyn::Const(
                    self.int_field(&v, &fp, "Seconds", 0, MAX_SECONDS)
                        .unwrap_or(0),
                )),
            },
            "Timestamp" => match v.as_str() {
                Some(s) if language == QueryLanguage::Jsonata && is_jsonata_expr(s) => {
                    WaitSpec::Timestamp(Dyn::Jsonata(Rc::from(s)))
                }
                Some(s) => match parse_rfc3339(s) {
                    Some(t) => WaitSpec::Timestamp(Dyn::Const(t)),
                    None => {
                        self.sink
                            .schema("String does not match RFC3339 timestamp", &fp);
                        WaitSpec::Timestamp(Dyn::Const(0))
                    }
                },
                None => {
                    self.sink
                        .schema("String does not match RFC3339 timestamp", &fp);
                    WaitSpec::Timestamp(Dyn::Const(0))
                }
            },
            "SecondsPath" => WaitSpec::Seconds(
                self.path_field(&v, &fp, field)
                    .map_or(Dyn::Const(0), Dyn::Path),
            ),
            _ => WaitSpec::Timestamp(
                self.path_field(&v, &fp, field)
                    .map_or(Dyn::Const(0), Dyn::Path),
            ),
        }
    }

    fn fail(&mut self, obj: &json::Map, pointer: &str, language: QueryLanguage) -> FailSpec {
        let one = |b: &mut Self, field: &str| -> Option<FailField> {
            let path_field = format!("{field}Path");
            match (obj.get(field), obj.get(path_field.as_str())) {
                (Some(_), Some(_)) => {
                    b.sink.schema(
                        format!("Only one of '{field}' and '{path_field}' may be given"),
                        pointer,
                    );
                    None
                }
                (Some(Value::String(s)), None)
                    if language == QueryLanguage::Jsonata && is_jsonata_expr(s) =>
                {
                    Some(FailField::Jsonata(s.clone()))
                }
                (Some(Value::String(s)), None) => Some(FailField::Const(s.clone())),
                (Some(_), None) => {
                    b.sink.schema(
                        format!("The value for the field '{field}' must be a string"),
                        &format!("{pointer}/{field}"),
                    );
                    None
                }
                // A path or (AWS allows it here) an intrinsic function call.
                (None, Some(v)) => match template::compile_dynamic(&path_field, v) {
                    Ok(t) => Some(FailField::Dynamic(t)),
                    Err(_) => {
                        let fp = format!("{pointer}/{path_field}");
                        b.sink.schema(format!("The value for the field '{path_field}' must be a valid JSONPath or a valid intrinsic function call"), &fp);
                        None
                    }
                },
                (None, None) => None,
            }
        };
        let error = one(self, "Error");
        let cause = one(self, "Cause");
        FailSpec { error, cause }
    }

    fn parallel(&mut self, obj: &json::Map, pointer: &str) -> Kind {
        required(&mut self.sink, obj, &["Branches"], pointer);
        let mut branches = Vec::new();
        match obj.get("Branches").map(|b| b.as_array()) {
            Some(Some(arr)) => {
                if arr.is_empty() {
                    self.sink.schema(
                        // AWS-recorded wording.
                        "Value cannot be empty",
                        &format!("{pointer}/Branches"),
                    );
                }
                for (i, b) in arr.iter().enumerate() {
                    let bp = format!("{pointer}/Branches/{i}");
                    match b.as_object() {
                        Some(bo) => {
                            required(&mut self.sink, bo, &["States", "StartAt"], &bp);
                            let language = self
                                .query_language(
                                    bo.get("QueryLanguage"),
                                    &format!("{bp}/QueryLanguage"),
                                )
                                .unwrap_or(self.top_language);
                            branches.push(Rc::new(self.graph(bo, &bp, language)));
                        }
                        None => self.sink.schema("A branch must be an object", &bp),
                    }
                }
            }
            Some(None) => self.sink.schema(
                "The value for the field 'Branches' must be an array",
                &format!("{pointer}/Branches"),
            ),
            None => {}
        }
        Kind::Parallel { branches }
    }

    fn map(&mut self, obj: &json::Map, pointer: &str, language: QueryLanguage) -> Kind {
        let (proc_field, processor) = match (obj.get("ItemProcessor"), obj.get("Iterator")) {
            (Some(p), None) => ("ItemProcessor", Some(p)),
            (None, Some(p)) => ("Iterator", Some(p)),
            (Some(_), Some(_)) => {
                self.sink.schema(
                    "Only one of 'ItemProcessor' and 'Iterator' may be given",
                    pointer,
                );
                ("ItemProcessor", obj.get("ItemProcessor"))
            }
            (None, None) => {
                self.sink
                    .schema("These fields are required: [ItemProcessor]", pointer);
                ("ItemProcessor", None)
            }
        };
        let pp = format!("{pointer}/{proc_field}");
        let mut mode = MapMode::Inline;
        let mut execution_type = WorkflowType::Standard;
        let processor_graph = match processor.and_then(Value::as_object) {
            Some(po) => {
                required(&mut self.sink, po, &["States", "StartAt"], &pp);
                if let Some(cfg) = po.get("ProcessorConfig") {
                    match cfg.get("Mode").and_then(Value::as_str) {
                        Some("DISTRIBUTED") => mode = MapMode::Distributed,
                        Some("INLINE") | None => {}
                        Some(_) => self.sink.schema(
                            "The value for the field 'Mode' must be one of [INLINE, DISTRIBUTED]",
                            &format!("{pp}/ProcessorConfig/Mode"),
                        ),
                    }
                    match cfg.get("ExecutionType").and_then(Value::as_str) {
                        Some("EXPRESS") => execution_type = WorkflowType::Express,
                        Some("STANDARD") | None => {}
                        Some(_) => self.sink.schema("The value for the field 'ExecutionType' must be one of [STANDARD, EXPRESS]", &format!("{pp}/ProcessorConfig/ExecutionType")),
                    }
                }
                if mode == MapMode::Distributed && self.workflow_type == WorkflowType::Express {
                    self.sink.schema(
                        "Express state machine does not support Distributed Map",
                        &format!("{pp}/ProcessorConfig/Mode"),
                    );
                }
                let inner_language = self
                    .query_language(po.get("QueryLanguage"), &format!("{pp}/QueryLanguage"))
                    .unwrap_or(self.top_language);
                let _ = language;
                self.graph(po, &pp, inner_language)
            }
            None => {
                if processor.is_some() {
                    self.sink.schema(
                        format!("The value for the field '{proc_field}' must be an object"),
                        &pp,
                    );
                }
                Graph::default()
            }
        };
        let items_path = obj
            .get("ItemsPath")
            .and_then(|v| self.path_field(v, &format!("{pointer}/ItemsPath"), "ItemsPath"));
        let (selector_field, selector) = match (obj.get("ItemSelector"), obj.get("Parameters")) {
            (Some(s), None) => ("ItemSelector", Some(s)),
            (None, Some(s)) => ("Parameters", Some(s)),
            (Some(_), Some(_)) => {
                self.sink.schema(
                    "Only one of 'ItemSelector' and 'Parameters' may be given",
                    pointer,
                );
                ("ItemSelector", obj.get("ItemSelector"))
            }
            (None, None) => ("ItemSelector", None),
        };
        let item_selector = if selector.is_some() {
            self.template_field(obj, selector_field, pointer, language)
        } else {
            None
        };
        let max_concurrency = match self.dyn_int(obj, "MaxConcurrency", pointer, 0, language) {
            Some(Dyn::Const(v)) => Dyn::Const(v as u64),
            Some(Dyn::Path(p)) => Dyn::Path(p),
            Some(Dyn::Jsonata(e)) => Dyn::Jsonata(e),
            None => Dyn::Const(0),
        };
        let tolerated_failure_percentage = match (
            obj.get("ToleratedFailurePercentage"),
            obj.get("ToleratedFailurePercentagePath"),
        ) {
            (Some(Value::String(s)), _) if is_jsonata_expr(s) => Some(Dyn::Jsonata(s.clone())),
            (Some(v), _) => match v.as_number().map(|n| n.as_f64()) {
                Some(p) if (0.0..=100.0).contains(&p) => Some(Dyn::Const(p)),
                _ => {
                    self.sink.schema("The value for the field 'ToleratedFailurePercentage' must be a number between 0 and 100", &format!("{pointer}/ToleratedFailurePercentage"));
                    None
                }
            },
            (None, Some(v)) => self
                .path_field(
                    v,
                    &format!("{pointer}/ToleratedFailurePercentagePath"),
                    "ToleratedFailurePercentagePath",
                )
                .map(Dyn::Path),
            (None, None) => None,
        };
        let tolerated_failure_count = self
            .dyn_int(obj, "ToleratedFailureCount", pointer, 0, language)
            .map(|d| match d {
                Dyn::Const(v) => Dyn::Const(v as u64),
                Dyn::Path(p) => Dyn::Path(p),
                Dyn::Jsonata(e) => Dyn::Jsonata(e),
            });
        let label: Option<Rc<str>> = obj.get("Label").and_then(Value::as_str).map(Rc::from);
        if let Some(l) = &label {
            if l.chars().count() > 40 {
                self.sink.error(
                    codes::INVALID_LABEL_NAME,
                    "A Map Label must be at most 40 characters",
                    &format!("{pointer}/Label"),
                );
            }
        }
        Kind::Map(Box::new(MapSpec {
            processor: Rc::new(processor_graph),
            mode,
            execution_type,
            items_path,
            items: obj.get("Items").cloned(),
            item_selector,
            item_selector_raw: selector.cloned(),
            max_concurrency,
            tolerated_failure_percentage,
            tolerated_failure_count,
            item_reader: obj.get("ItemReader").cloned(),
            item_batcher: obj.get("ItemBatcher").cloned(),
            result_writer: obj.get("ResultWriter").cloned(),
            label,
        }))
    }
}

/// Reads a Task's `Resource` ARN.
pub fn classify_resource(text: &str) -> Resource {
    // arn:PARTITION:SERVICE:REGION:ACCOUNT:REST. A service integration leaves region and account
    // empty (`arn:aws:states:::lambda:invoke`) or fills them in (SAM's
    // `arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:…`); AWS's syntax is
    // `arn:partition:service:region:account:task_type:name` either way.
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let [arn, partition, service, _region, _account, rest] = parts[..] else {
        return Resource::Other(Rc::from(text));
    };
    if arn != "arn" || !matches!(partition, "aws" | "aws-cn" | "aws-us-gov") {
        return Resource::Other(Rc::from(text));
    }
    match service {
        "states" if rest.starts_with("activity:") => Resource::Activity(Rc::from(text)),
        "states" if !rest.starts_with("stateMachine:") => {
            let (base, pattern) = if let Some(b) = rest.strip_suffix(".waitForTaskToken") {
                (b, Pattern::WaitForTaskToken)
            } else if let Some(b) = rest.strip_suffix(".sync:2") {
                (b, Pattern::Sync2)
            } else if let Some(b) = rest.strip_suffix(".sync") {
                (b, Pattern::Sync)
            } else {
                (rest, Pattern::RequestResponse)
            };
            match base.rsplit_once(':') {
                Some((service, action)) if !service.is_empty() && !action.is_empty() => {
                    Resource::Service {
                        service: Rc::from(service),
                        action: Rc::from(action),
                        pattern,
                    }
                }
                _ => Resource::Other(Rc::from(text)),
            }
        }
        "lambda" if rest.starts_with("function:") => Resource::LambdaFunction(Rc::from(text)),
        _ => Resource::Other(Rc::from(text)),
    }
}

/// AWS's optimized integrations (the `arn:aws:states:::SERVICE:ACTION` forms) and the
/// patterns each supports. Anything else must go through `aws-sdk:`.
fn optimized_integration_known(service: &str, action: &str, pattern: Pattern) -> bool {
    use Pattern::*;
    let rr_sync = &[RequestResponse, Sync][..];
    let rr_wait = &[RequestResponse, WaitForTaskToken][..];
    let all3 = &[RequestResponse, Sync, WaitForTaskToken][..];
    let table: &[(&str, &[&str], &[Pattern])] = &[
        ("lambda", &["invoke"], rr_wait),
        ("sns", &["publish"], rr_wait),
        ("sqs", &["sendMessage"], rr_wait),
        (
            "dynamodb",
            &["getItem", "putItem", "updateItem", "deleteItem"],
            &[RequestResponse],
        ),
        (
            "states",
            &["startExecution"],
            &[RequestResponse, Sync, Sync2, WaitForTaskToken],
        ),
        ("events", &["putEvents"], rr_wait),
        ("apigateway", &["invoke"], rr_wait),
        ("http", &["invoke"], &[RequestResponse]),
        ("batch", &["submitJob"], all3),
        ("ecs", &["runTask"], all3),
        ("glue", &["startJobRun"], all3),
        ("databrew", &["startJobRun"], rr_sync),
        (
            "codebuild",
            &[
                "startBuild",
                "stopBuild",
                "batchDeleteBuilds",
                "batchGetReports",
                "startBuildBatch",
            ],
            rr_sync,
        ),
        (
            "athena",
            &[
                "startQueryExecution",
                "stopQueryExecution",
                "getQueryExecution",
                "getQueryResults",
                "startQueryExecution",
            ],
            rr_sync,
        ),
        (
            "elasticmapreduce",
            &[
                "createCluster",
                "terminateCluster",
                "addStep",
                "cancelStep",
                "setClusterTerminationProtection",
                "modifyInstanceFleetByName",
                "modifyInstanceGroupByName",
            ],
            rr_sync,
        ),
        (
            "emr-containers",
            &[
                "startJobRun",
                "createVirtualCluster",
                "deleteVirtualCluster",
            ],
            rr_sync,
        ),
        (
            "emr-serverless",
            &[
                "createApplication",
                "startApplication",
                "stopApplication",
                "deleteApplication",
                "startJobRun",
                "cancelJobRun",
            ],
            rr_sync,
        ),
        (
            "eks",
            &[
                "createCluster",
                "deleteCluster",
                "createNodegroup",
                "deleteNodegroup",
                "runJob",
                "call",
            ],
            rr_sync,
        ),
        (
            "sagemaker",
            &[
                "createTrainingJob",
                "createTransformJob",
                "createHyperParameterTuningJob",
                "createLabelingJob",
                "createProcessingJob",
                "createModel",
                "createEndpoint",
                "createEndpointConfig",
                "updateEndpoint",
            ],
            rr_sync,
        ),
        ("mediaconvert", &["createJob"], rr_sync),
        (
            "bedrock",
            &["invokeModel", "createModelCustomizationJob"],
            rr_sync,
        ),
        (
            "s3",
            &["getObject", "listObjectsV2", "putObject"],
            &[RequestResponse],
        ),
    ];
    table.iter().any(|(s, actions, patterns)| {
        *s == service && actions.contains(&action) && patterns.contains(&pattern)
    })
}

/// Where an intrinsic function call (`States.Xxx(`) starts in a string.
fn find_intrinsic(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find("States.") {
        let at = from + i;
        let rest = &text[at + 7..];
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len > 0 && rest[name_len..].starts_with('(') {
            return Some(at);
        }
        from = at + 7;
    }
    None
}

/// JSONata's own functions, which are not workflow variables.
const JSONATA_FUNCTIONS: &[&str] = &[
    "sum",
    "count",
    "max",
    "min",
    "average",
    "string",
    "substring",
    "substringBefore",
    "substringAfter",
    "lowercase",
    "uppercase",
    "length",
    "trim",
    "pad",
    "contains",
    "split",
    "join",
    "match",
    "replace",
    "now",
    "millis",
    "fromMillis",
    "toMillis",
    "formatNumber",
    "formatBase",
    "formatInteger",
    "parseInteger",
    "number",
    "abs",
    "floor",
    "ceil",
    "round",
    "power",
    "sqrt",
    "random",
    "boolean",
    "not",
    "exists",
    "append",
    "sort",
    "reverse",
    "shuffle",
    "distinct",
    "zip",
    "keys",
    "lookup",
    "spread",
    "merge",
    "sift",
    "each",
    "error",
    "assert",
    "type",
    "map",
    "filter",
    "single",
    "reduce",
    "base64encode",
    "base64decode",
    "encodeUrlComponent",
    "encodeUrl",
    "decodeUrlComponent",
    "decodeUrl",
    "eval",
    "partition",
    "range",
    "hash",
    "uuid",
    "parse",
    "states",
];

/// `$name` references in a `{% %}` expression that are workflow variables: not `$states`, not
/// functions (followed by `(` or JSONata's), not bound in the expression itself (`$x :=`), not
/// inside string literals.
fn jsonata_variable_refs(text: &str) -> Vec<(usize, String)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut local: Vec<String> = Vec::new();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    // Locally bound names first (`$x :=` and lambda parameters `function($a, $b)`).
    for (j, _) in text.match_indices('$') {
        let name: String = text[j + 1..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let after = text[j + 1 + name.len()..].trim_start();
        if !name.is_empty() && after.starts_with(":=") {
            local.push(name);
        }
    }
    for (j, _) in text.match_indices("function") {
        if let Some(close) = text[j..].find(')') {
            for p in text[j..j + close].split(['(', ',']).skip(1) {
                local.push(p.trim().trim_start_matches('$').to_string());
            }
        }
    }
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'$' => {
                let name: String = text[i + 1..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let after = text[i + 1 + name.len()..].trim_start();
                if !name.is_empty()
                    && !after.starts_with('(')
                    && !JSONATA_FUNCTIONS.contains(&name.as_str())
                    && !local.contains(&name)
                {
                    out.push((i, name.clone()));
                }
                i += name.len();
            }
            None => {}
        }
        i += 1;
    }
    out
}

/// A JSONPath value that reads a variable (`$name`, `$name.field`).
fn jsonpath_variable_ref(text: &str) -> Option<(usize, String)> {
    let rest = text.strip_prefix('$')?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some((0, name))
}
