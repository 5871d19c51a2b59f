//! The field tables: which fields each state type, retrier and catcher accepts, and which
//! are JSONPath or JSONata only, and which language applies to a state. Validation and the
//! page's completion read the same tables and the same rule.

use crate::model::QueryLanguage;
use crate::syntax::json::Value;

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

/// `"JSONata"` or `"JSONPath"` as a language (anything else: none).
pub fn parse_query_language(v: Option<&Value>) -> Option<QueryLanguage> {
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
pub fn state_language(state: &Value, graph: QueryLanguage) -> QueryLanguage {
    parse_query_language(state.get("QueryLanguage")).unwrap_or(graph)
}

/// The language a nested graph's states inherit: its own `QueryLanguage` (if it has one),
/// else the state machine's top level (never the enclosing state's).
pub fn graph_language(graph: &Value, top: QueryLanguage) -> QueryLanguage {
    parse_query_language(graph.get("QueryLanguage")).unwrap_or(top)
}
