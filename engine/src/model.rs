//! The typed ASL tree: what a definition means once parsed and checked. Built by
//! `check::validate`, which also reports every problem it finds; a tree is built even from a
//! definition with errors (the graph still draws), but only an error-free one runs.

use crate::query::choice::Condition;
use crate::query::path::JsonPath;
use crate::query::template::Template;
use crate::syntax::json::{Span, Value};
use rustc_hash::FxHashMap;
use std::rc::Rc;

pub(crate) type StateId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum QueryLanguage {
    #[default]
    JsonPath,
    Jsonata,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum WorkflowType {
    #[default]
    Standard,
    Express,
}

impl WorkflowType {
    pub fn parse(s: &str) -> Option<WorkflowType> {
        match s.to_ascii_uppercase().as_str() {
            "STANDARD" => Some(WorkflowType::Standard),
            "EXPRESS" => Some(WorkflowType::Express),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowType::Standard => "STANDARD",
            WorkflowType::Express => "EXPRESS",
        }
    }
}

/// A set of states with a start: the whole machine, a Parallel branch or a Map processor.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub start: Option<StateId>,
    pub start_name: Rc<str>,
    pub states: Vec<State>,
    pub by_name: FxHashMap<Rc<str>, StateId>,
    /// JSON pointer of this graph's object (`""` for the machine, `/States/P/Branches/0`...).
    pub pointer: String,
}

impl Graph {
    pub fn id(&self, name: &str) -> Option<StateId> {
        self.by_name.get(name).copied()
    }

    /// Every state of this graph and of the graphs nested in it, in definition order, each
    /// state before the graphs inside it, with where it sits. The one walk over nested graphs
    /// for the model (each state carries its resolved `query_language`).
    pub fn walk(&self) -> Walk<'_> {
        Walk {
            stack: vec![(
                self.states.iter(),
                Scope {
                    depth: 0,
                    in_child_execution: false,
                },
            )],
        }
    }
}

/// Where `Graph::walk` found a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// 0 for the walked graph's own states, 1 inside one of its branches or processors...
    pub depth: usize,
    /// Inside a Distributed Map's processor: each iteration is a child execution, which sees
    /// none of the outer variables.
    pub in_child_execution: bool,
}

/// The iterator of `Graph::walk`.
pub struct Walk<'a> {
    stack: Vec<(std::slice::Iter<'a, State>, Scope)>,
}

impl<'a> Iterator for Walk<'a> {
    type Item = (&'a State, Scope);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (states, scope) = self.stack.last_mut()?;
            let scope = *scope;
            let Some(state) = states.next() else {
                self.stack.pop();
                continue;
            };
            let inner = Scope {
                depth: scope.depth + 1,
                in_child_execution: scope.in_child_execution
                    || matches!(&state.kind, Kind::Map(m) if m.mode == MapMode::Distributed),
            };
            // Reversed, so the first branch is walked first.
            for g in state.sub_graphs().iter().rev() {
                self.stack.push((g.states.iter(), inner));
            }
            return Some((state, scope));
        }
    }
}

#[derive(Debug, Clone)]
pub struct StateMachine {
    pub graph: Rc<Graph>,
    pub comment: Option<String>,
    pub timeout_seconds: Option<u64>,
    pub query_language: QueryLanguage,
    /// Size of the definition text in bytes (Express memory estimate).
    pub definition_size: usize,
}

/// `InputPath`/`OutputPath`: absent means `$`, `null` means "send `{}`".
#[derive(Debug, Clone, PartialEq)]
pub enum IoPath {
    Identity,
    Null,
    Path(JsonPath),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResultPath {
    /// Absent or `$`: the result replaces the input.
    Replace,
    /// `null`: the result is discarded and the input passes through.
    Discard,
    Path(JsonPath),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    Next(Option<StateId>, Rc<str>),
    End,
    /// Choice, Succeed, Fail: the state decides (or ends the graph) itself.
    None,
}

#[derive(Debug, Clone)]
pub struct Retrier {
    pub error_equals: Vec<Rc<str>>,
    pub interval_seconds: f64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<f64>,
    pub jitter_full: bool,
}

#[derive(Debug, Clone)]
pub struct Catcher {
    pub error_equals: Vec<Rc<str>>,
    pub next: Option<StateId>,
    pub next_name: Rc<str>,
    pub result_path: ResultPath,
    pub assign: Option<Value>,
    pub output: Option<Value>,
    pub compiled: Compiled,
}

/// A value given either as a constant or through a `*Path` field (or a JSONata expression).
#[derive(Debug, Clone, PartialEq)]
pub enum Dyn<T> {
    Const(T),
    Path(JsonPath),
    Jsonata(Rc<str>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    RequestResponse,
    Sync,
    Sync2,
    WaitForTaskToken,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Resource {
    /// `arn:aws:lambda:...:function:NAME` (the legacy form: Lambda* history events).
    LambdaFunction(Rc<str>),
    /// `arn:aws:states:...:activity:NAME`
    Activity(Rc<str>),
    /// `arn:aws:states:::SERVICE:ACTION[.sync|.sync:2|.waitForTaskToken]`, including
    /// `aws-sdk:SERVICE:ACTION`.
    Service {
        service: Rc<str>,
        action: Rc<str>,
        pattern: Pattern,
    },
    /// A JSONata expression or something we do not recognise (validation reports it).
    Other(Rc<str>),
}

impl Resource {
    /// `resourceType` and `resource` as AWS history events give them (`lambda`, `invoke`).
    pub(crate) fn event_names(&self) -> (String, String) {
        match self {
            Resource::Service {
                service,
                action,
                pattern,
            } => {
                let suffix = match pattern {
                    Pattern::RequestResponse => "",
                    Pattern::Sync => ".sync",
                    Pattern::Sync2 => ".sync:2",
                    Pattern::WaitForTaskToken => ".waitForTaskToken",
                };
                let service = service.strip_prefix("aws-sdk:").unwrap_or(service);
                (service.to_string(), format!("{action}{suffix}"))
            }
            Resource::LambdaFunction(arn) | Resource::Activity(arn) | Resource::Other(arn) => {
                (String::new(), arn.to_string())
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct TaskSpec {
    pub resource: Resource,
    pub resource_text: Rc<str>,
    pub timeout: Option<Dyn<u64>>,
    pub heartbeat: Option<Dyn<u64>>,
    pub credentials: Option<Value>,
}

#[derive(Debug, Clone)]
pub enum WaitSpec {
    Seconds(Dyn<i64>),
    Timestamp(Dyn<i64>),
}

#[derive(Debug, Clone)]
pub struct FailSpec {
    pub error: Option<FailField>,
    pub cause: Option<FailField>,
}

/// `Error`/`Cause` as a constant, `ErrorPath`/`CausePath` (a path or an intrinsic call), or a
/// JSONata expression.
#[derive(Debug, Clone)]
pub enum FailField {
    Const(Rc<str>),
    Dynamic(Template),
    Jsonata(Rc<str>),
}

#[derive(Debug, Clone)]
pub struct ChoiceRule {
    pub condition: Condition,
    pub next: Option<StateId>,
    pub next_name: Rc<str>,
    pub assign: Option<Value>,
    pub output: Option<Value>,
    pub compiled: Compiled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapMode {
    Inline,
    Distributed,
}

#[derive(Debug, Clone)]
pub struct MapSpec {
    pub processor: Rc<Graph>,
    pub mode: MapMode,
    pub execution_type: WorkflowType,
    pub items_path: Option<JsonPath>,
    /// JSONata `Items`.
    pub items: Option<Value>,
    /// `ItemSelector` or (legacy) `Parameters`.
    pub item_selector: Option<Template>,
    pub item_selector_raw: Option<Value>,
    pub max_concurrency: Dyn<u64>,
    pub tolerated_failure_percentage: Option<Dyn<f64>>,
    pub tolerated_failure_count: Option<Dyn<u64>>,
    pub item_reader: Option<Value>,
    pub item_batcher: Option<Value>,
    pub result_writer: Option<Value>,
    pub label: Option<Rc<str>>,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Pass {
        result: Option<Value>,
    },
    Task(TaskSpec),
    Choice {
        rules: Vec<ChoiceRule>,
        default: Option<(Option<StateId>, Rc<str>)>,
    },
    Wait(WaitSpec),
    Succeed,
    Fail(FailSpec),
    Parallel {
        branches: Vec<Rc<Graph>>,
    },
    Map(Box<MapSpec>),
}

impl Kind {
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Pass { .. } => "Pass",
            Kind::Task(_) => "Task",
            Kind::Choice { .. } => "Choice",
            Kind::Wait(_) => "Wait",
            Kind::Succeed => "Succeed",
            Kind::Fail(_) => "Fail",
            Kind::Parallel { .. } => "Parallel",
            Kind::Map(_) => "Map",
        }
    }
}

#[derive(Debug, Clone)]
pub struct State {
    pub name: Rc<str>,
    /// `/States/NAME` (inside branches: `/States/P/Branches/0/States/NAME`).
    pub pointer: String,
    /// The span of the state's key in the source, for editor navigation.
    pub span: Span,
    /// The span of the state's whole definition (its value).
    pub body: Span,
    pub kind: Kind,
    pub transition: Transition,
    pub query_language: QueryLanguage,
    pub comment: Option<String>,
    pub input_path: IoPath,
    pub output_path: IoPath,
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub result_path: ResultPath,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    /// JSONata `Arguments` / `Output`, and `Assign` (either language); raw, evaluated by the
    /// query-language layer.
    pub arguments: Option<Value>,
    pub output: Option<Value>,
    pub assign: Option<Value>,
    /// The compiled JSONata fields (JSONata states) and `Assign` (both languages).
    pub compiled: Compiled,
}

/// Fields compiled once at validation.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    pub arguments: Option<crate::query::jsonata::Template>,
    pub output: Option<crate::query::jsonata::Template>,
    pub items: Option<crate::query::jsonata::Template>,
    pub item_selector: Option<crate::query::jsonata::Template>,
    pub assign: Option<AssignSpec>,
}

/// `Assign`: a JSONPath payload template (`"x.$": "$.path"`) or a JSONata template.
#[derive(Debug, Clone)]
pub enum AssignSpec {
    JsonPath(Template),
    Jsonata(crate::query::jsonata::Template),
}

impl State {
    /// The graphs inside this state: a Parallel's branches, a Map's item processor.
    pub fn sub_graphs(&self) -> &[Rc<Graph>] {
        match &self.kind {
            Kind::Parallel { branches } => branches,
            Kind::Map(m) => std::slice::from_ref(&m.processor),
            _ => &[],
        }
    }

    /// Every state this one may go to, with a label for the graph (`Next`, a Choice rule,
    /// `Default`, or a Catch's error names).
    pub fn successors(&self) -> Vec<(Rc<str>, EdgeKind)> {
        let mut out = Vec::new();
        if let Transition::Next(_, name) = &self.transition {
            out.push((name.clone(), EdgeKind::Next));
        }
        if let Kind::Choice { rules, default } = &self.kind {
            for (i, r) in rules.iter().enumerate() {
                out.push((r.next_name.clone(), EdgeKind::Rule(i)));
            }
            if let Some((_, name)) = default {
                out.push((name.clone(), EdgeKind::Default));
            }
        }
        for (i, c) in self.catch.iter().enumerate() {
            out.push((c.next_name.clone(), EdgeKind::Catch(i)));
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    Next,
    Rule(usize),
    Default,
    Catch(usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_visits_nested_states_in_definition_order_with_their_scope() {
        let text = r#"{"StartAt":"P","States":{
            "P":{"Type":"Parallel","Next":"D","Branches":[
                {"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
                {"StartAt":"M","States":{"M":{"Type":"Map","End":true,
                    "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
                        "StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}}}}]},
            "D":{"Type":"Succeed"}}}"#;
        let v = crate::check::validate(text, WorkflowType::Standard);
        let machine = v.machine.expect("a model");
        let seen: Vec<(String, usize, bool)> = machine
            .graph
            .walk()
            .map(|(s, at)| (s.name.to_string(), at.depth, at.in_child_execution))
            .collect();
        let expected = [
            ("P", 0, false),
            ("A", 1, false),
            ("M", 1, false),
            ("I", 2, true),
            ("D", 0, false),
        ];
        let expected: Vec<(String, usize, bool)> = expected
            .iter()
            .map(|(n, d, c)| (n.to_string(), *d, *c))
            .collect();
        assert_eq!(seen, expected);
    }
}
