//! The field tables: which fields each state type, retrier and catcher accepts, and which
//! are JSONPath or JSONata only, and which language applies to a state. Validation and the
//! page's completion read the same tables and the same rule.

use crate::model::QueryLanguage;
use crate::syntax::json::{escape_pointer, Value};

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

pub(crate) fn is_jsonata_expr(s: &str) -> bool {
    s.starts_with("{%") && s.ends_with("%}") && s.len() >= 4
}

/// `"JSONata"` or `"JSONPath"` as a language (anything else: none).
pub(crate) fn parse_query_language(v: Option<&Value>) -> Option<QueryLanguage> {
    match v?.as_str()? {
        "JSONata" => Some(QueryLanguage::Jsonata),
        "JSONPath" => Some(QueryLanguage::JsonPath),
        _ => None,
    }
}

/// The one query-language rule, for validation, its passes and the page's completion. AWS:
/// "If the state does not contain a QueryLanguage field, then it will use the query language
/// specified in the top-level QueryLanguage field": a state inside a Parallel branch or a Map
/// processor does not take the language of the Parallel or Map around it. A state's own field
/// decides; else its graph's (`graph`: the branch's or processor's own field, else the top
/// level's).
pub(crate) fn state_language(state: &Value, graph: QueryLanguage) -> QueryLanguage {
    parse_query_language(state.get("QueryLanguage")).unwrap_or(graph)
}

/// The language a nested graph's states inherit: its own `QueryLanguage` (if it has one),
/// else the state machine's top level (never the enclosing state's).
pub(crate) fn graph_language(graph: &Value, top: QueryLanguage) -> QueryLanguage {
    parse_query_language(graph.get("QueryLanguage")).unwrap_or(top)
}

/// What `walk_definition` shows: the graphs of a definition's JSON (the machine, each Parallel
/// branch, each Map processor) and their states, in definition order, each state before the
/// graphs inside it, each with its JSON pointer and the query language the one rule gives it.
pub trait DefinitionVisitor<'a> {
    /// A graph begins (`pointer`: `""` for the machine).
    fn enter_graph(&mut self, _graph: &'a Value, _pointer: &str) {}
    /// A state of the graph that began last.
    fn state(&mut self, name: &'a str, state: &'a Value, pointer: &str, language: QueryLanguage);
    /// The graph that began last ends.
    fn leave_graph(&mut self) {}
}

/// The one walk over a definition's nested graphs in its raw JSON (validation's passes read
/// fields the model does not keep, and the text may not build a model at all).
pub fn walk_definition<'a>(definition: &'a Value, visitor: &mut impl DefinitionVisitor<'a>) {
    let top = parse_query_language(definition.get("QueryLanguage")).unwrap_or_default();
    walk_graph(definition, "", top, top, visitor);
}

fn walk_graph<'a>(
    graph: &'a Value,
    pointer: &str,
    language: QueryLanguage,
    top: QueryLanguage,
    visitor: &mut impl DefinitionVisitor<'a>,
) {
    visitor.enter_graph(graph, pointer);
    for (name, state) in graph
        .get("States")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.iter())
    {
        let at = format!("{pointer}/States/{}", escape_pointer(name));
        visitor.state(name, state, &at, state_language(state, language));
        for (inner, inner_at) in sub_graphs(state, &at) {
            walk_graph(inner, &inner_at, graph_language(inner, top), top, visitor);
        }
    }
    visitor.leave_graph();
}

/// The graphs inside a state's JSON, with their pointers: its `Branches`, then its
/// `ItemProcessor` (or the older `Iterator`).
pub fn sub_graphs<'a>(state: &'a Value, pointer: &str) -> Vec<(&'a Value, String)> {
    let branches = state
        .get("Branches")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, b)| (b, format!("{pointer}/Branches/{i}")));
    let processors = ["ItemProcessor", "Iterator"]
        .into_iter()
        .filter_map(|k| state.get(k).map(|p| (p, format!("{pointer}/{k}"))));
    branches.chain(processors).collect()
}

/// The query language at `path` (object keys and array indexes from the definition's root),
/// by the one rule: the innermost state on the path, else the innermost graph. For the page's
/// completion, which works on raw JSON while the text is being typed.
pub fn language_at(definition: &Value, path: &[Value]) -> QueryLanguage {
    let top = parse_query_language(definition.get("QueryLanguage")).unwrap_or_default();
    let (mut graph, mut state) = (top, None);
    let mut here = definition;
    for (i, step) in path.iter().enumerate() {
        let next = match (here, step) {
            (Value::Object(m), Value::String(k)) => m.get(&**k),
            (Value::Array(a), Value::Number(n)) => n.as_i64().and_then(|n| a.get(n as usize)),
            _ => None,
        };
        let Some(next) = next else { break };
        let parent = i.checked_sub(1).and_then(|p| path[p].as_str());
        let enters_graph = matches!(step.as_str(), Some("ItemProcessor" | "Iterator"))
            || parent == Some("Branches");
        if enters_graph {
            graph = graph_language(next, top);
            state = None;
        } else if parent == Some("States") {
            state = Some(state_language(next, graph));
        }
        here = next;
    }
    state.unwrap_or(graph)
}
