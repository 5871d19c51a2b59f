//! AWS's JSONata rules (where `$states.result` and `$states.errorOutput` may be used, no
//! intrinsic functions inside `{% %}`) and variable references (a variable no state assigns, or
//! assigns only in a nested scope), graph by graph.

use super::*;
use std::fmt::Write as _;

/// AWS's JSONata rules (where `$states.result` and `$states.errorOutput` may be used, no
/// intrinsic functions inside `{% %}`) and variable references (warnings for a variable no
/// state assigns, or assigns only in a nested scope), graph by graph.
pub(crate) struct JsonataAndVariables<'b, 's> {
    pub(crate) b: &'b mut Builder<'s>,
    /// Per enclosing graph: the variables its states assign.
    scopes: Vec<Vec<String>>,
    /// Per enclosing graph: the variables assigned inside its states' nested graphs.
    nested: Vec<Vec<String>>,
}

impl<'b, 's> JsonataAndVariables<'b, 's> {
    pub(crate) fn new(b: &'b mut Builder<'s>) -> Self {
        JsonataAndVariables {
            b,
            scopes: Vec::new(),
            nested: Vec::new(),
        }
    }
}

impl<'a> DefinitionVisitor<'a> for JsonataAndVariables<'_, '_> {
    fn enter_graph(&mut self, graph: &'a Value, _pointer: &str) {
        let none = json::Map::default();
        let states = graph
            .get("States")
            .and_then(Value::as_object)
            .unwrap_or(&none);
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
        self.scopes.push(assigned);
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
        let mut nested = Vec::new();
        for s in states.values() {
            nested.extend(nested_assigned(s));
        }
        self.nested.push(nested);
    }

    fn leave_graph(&mut self) {
        self.scopes.pop();
        self.nested.pop();
    }

    fn state(&mut self, _name: &'a str, s: &'a Value, sp: &str, language: QueryLanguage) {
        let sp = sp.to_string();
        let type_name = s.get("Type").and_then(Value::as_str).unwrap_or("");
        for (field, must) in [("Type", "Type"), ("Resource", "Resource")] {
            if s.get(field)
                .and_then(Value::as_str)
                .is_some_and(is_jsonata_expr)
            {
                self.b.sink.schema(
                    format!(
                        "The field '{must}' must be a constant; it cannot be a JSONata expression"
                    ),
                    &format!("{sp}/{field}"),
                );
            }
        }
        let rules = StringRules {
            has_result: matches!(type_name, "Task" | "Map" | "Parallel"),
            language,
            visible: self.scopes.iter().flatten().cloned().collect(),
        };
        // Every string in the state, with the field it belongs to and whether it sits in a
        // catcher; one pointer buffer for the walk (a pointer is copied only into a message).
        let mut ptr = sp;
        if let Some(m) = s.as_object() {
            for (k, v) in m.iter() {
                if matches!(
                    &**k,
                    "Branches" | "ItemProcessor" | "Iterator" | "Comment" | "Type"
                ) {
                    continue;
                }
                let len = ptr.len();
                ptr.push('/');
                json::escape_pointer_token(&mut ptr, k);
                if &**k == "Catch" {
                    for (i, c) in v.as_array().into_iter().flatten().enumerate() {
                        for (ck, cv) in c.as_object().into_iter().flat_map(|o| o.iter()) {
                            let len = ptr.len();
                            let _ = write!(ptr, "/{i}/");
                            json::escape_pointer_token(&mut ptr, ck);
                            self.strings(cv, &mut ptr, ck, true, &rules);
                            ptr.truncate(len);
                        }
                    }
                } else {
                    self.strings(v, &mut ptr, k, false, &rules);
                }
                ptr.truncate(len);
            }
        }
    }
}

/// What a state's strings are checked against.
struct StringRules {
    has_result: bool,
    language: QueryLanguage,
    visible: Vec<String>,
}

impl JsonataAndVariables<'_, '_> {
    /// Checks every string under `v` (at `ptr`, in top-level field `field`).
    fn strings(
        &mut self,
        v: &Value,
        ptr: &mut String,
        field: &str,
        in_catch: bool,
        rules: &StringRules,
    ) {
        match v {
            Value::String(text) => self.string(text, ptr, field, in_catch, rules),
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    let len = ptr.len();
                    let _ = write!(ptr, "/{i}");
                    self.strings(x, ptr, field, in_catch, rules);
                    ptr.truncate(len);
                }
            }
            Value::Object(m) => {
                for (k, x) in m.iter() {
                    let len = ptr.len();
                    ptr.push('/');
                    json::escape_pointer_token(ptr, k);
                    self.strings(x, ptr, field, in_catch, rules);
                    ptr.truncate(len);
                }
            }
            _ => {}
        }
    }

    fn string(&mut self, text: &str, ptr: &str, field: &str, in_catch: bool, rules: &StringRules) {
        // `{% %}` is an expression only in a JSONata state.
        let is_expr = is_jsonata_expr(text) && rules.language == QueryLanguage::Jsonata;
        if is_expr {
            let has_result = rules.has_result;
            for (needle, allowed, rule) in [
                ("$states.result", has_result && !in_catch && matches!(field, "Output" | "Assign"), "$states.result is available only in the Output and Assign fields of Task, Map and Parallel states"),
                ("$states.errorOutput", in_catch && matches!(field, "Output" | "Assign"), "$states.errorOutput is available only in the Output and Assign fields of a Catch"),
            ] {
                if let Some(i) = text.find(needle) {
                    if !allowed {
                        self.b.at_string_offset(Severity::Error, rule.to_string(), ptr, i, needle.len());
                    }
                }
            }
            if let Some(i) = find_intrinsic(text) {
                self.b.at_string_offset(Severity::Error, "Intrinsic functions (States.*) are not available in JSONata; use JSONata functions such as $string, $merge or $uuid".into(), ptr, i, "States.".len());
            }
        }
        // Variable references.
        let refs: Vec<(usize, String)> = if is_expr {
            jsonata_variable_refs(text)
        } else if ptr.ends_with(".$") || field.ends_with("Path") || field == "Variable" {
            jsonpath_variable_ref(text).into_iter().collect()
        } else {
            Vec::new()
        };
        for (i, name) in refs {
            if rules.visible.contains(&name) {
                continue;
            }
            let message = if self.nested.last().is_some_and(|n| n.contains(&name)) {
                format!("The variable '${name}' is assigned only inside a Parallel branch or Map iteration, whose variables are not visible here")
            } else {
                format!("No state assigns the variable '${name}' before it is read")
            };
            self.b
                .at_string_offset(Severity::Warning, message, ptr, i, name.len() + 1);
        }
    }
}

/// Where an intrinsic function call (`States.Xxx(`) starts in a string.
pub(crate) fn find_intrinsic(text: &str) -> Option<usize> {
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
pub(crate) const JSONATA_FUNCTIONS: &[&str] = &[
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
pub(crate) fn jsonata_variable_refs(text: &str) -> Vec<(usize, String)> {
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
pub(crate) fn jsonpath_variable_ref(text: &str) -> Option<(usize, String)> {
    let rest = text.strip_prefix('$')?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some((0, name))
}
