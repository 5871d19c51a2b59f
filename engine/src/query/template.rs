//! Payload templates (`Parameters`, `ResultSelector`, `ItemSelector`, JSONPath `Assign`):
//! compiled once, so a visit only evaluates the `.$` fields and shares every constant subtree.

use crate::query::env::Env;
use crate::query::failure::Failure;
use crate::query::intrinsics::{self, Call};
use crate::query::path::{JsonPath, PathError};
use crate::syntax::json::{Map, Value};
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq)]
pub enum Template {
    /// A subtree without any `.$` key: used as is.
    Literal(Value),
    Object(Vec<(Rc<str>, Template)>),
    Array(Vec<Template>),
    /// `"key.$": "$.path"`; the field name is kept for error messages.
    Path {
        field: Rc<str>,
        path: JsonPath,
    },
    Call {
        field: Rc<str>,
        call: Call,
    },
}

/// A `.$` field whose value is neither a path nor an intrinsic call.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TemplateError {
    /// Pointer of the offending field, relative to the template.
    pub pointer: String,
    pub field: String,
    pub detail: String,
}

pub(crate) fn compile(value: &Value) -> Result<Template, Vec<TemplateError>> {
    let mut errors = Vec::new();
    let t = compile_at(value, "", &mut errors);
    if errors.is_empty() {
        Ok(t)
    } else {
        Err(errors)
    }
}

fn has_dynamic(value: &Value) -> bool {
    match value {
        Value::Object(m) => m.iter().any(|(k, v)| k.ends_with(".$") || has_dynamic(v)),
        Value::Array(a) => a.iter().any(has_dynamic),
        _ => false,
    }
}

fn compile_at(value: &Value, pointer: &str, errors: &mut Vec<TemplateError>) -> Template {
    if !has_dynamic(value) {
        return Template::Literal(value.clone());
    }
    match value {
        Value::Object(m) => {
            let mut fields = Vec::with_capacity(m.len());
            for (k, v) in m.iter() {
                let child_ptr = format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                if let Some(name) = k.strip_suffix(".$") {
                    match compile_dynamic(k, v) {
                        Ok(t) => fields.push((Rc::from(name), t)),
                        Err(detail) => errors.push(TemplateError {
                            pointer: child_ptr,
                            field: k.to_string(),
                            detail,
                        }),
                    }
                } else {
                    fields.push((k.clone(), compile_at(v, &child_ptr, errors)));
                }
            }
            Template::Object(fields)
        }
        Value::Array(a) => Template::Array(
            a.iter()
                .enumerate()
                .map(|(i, v)| compile_at(v, &format!("{pointer}/{i}"), errors))
                .collect(),
        ),
        other => Template::Literal(other.clone()),
    }
}

/// Compiles the value of a `.$` field: a path (`$.x`, `$$.x`, `$var`) or an intrinsic call.
pub(crate) fn compile_dynamic(field: &str, value: &Value) -> Result<Template, String> {
    let Some(text) = value.as_str() else {
        return Err(format!(
            "the value of '{field}' must be a string holding a path or an intrinsic function call"
        ));
    };
    if intrinsics::looks_like_call(text) {
        return intrinsics::parse(text)
            .map(|call| Template::Call {
                field: Rc::from(field),
                call,
            })
            .map_err(|e| e.message);
    }
    JsonPath::parse(text)
        .map(|path| Template::Path {
            field: Rc::from(field),
            path,
        })
        .map_err(|e| e.message)
}

impl Template {
    pub(crate) fn eval(&self, env: &Env) -> Result<Value, Failure> {
        match self {
            Template::Literal(v) => Ok(v.clone()),
            Template::Object(fields) => {
                let mut m = Map::with_capacity_and_hasher(fields.len(), Default::default());
                for (k, t) in fields {
                    m.insert(k.clone(), t.eval(env)?);
                }
                Ok(Value::Object(Rc::new(m)))
            }
            Template::Array(items) => Ok(Value::Array(Rc::new(
                items
                    .iter()
                    .map(|t| t.eval(env))
                    .collect::<Result<_, _>>()?,
            ))),
            Template::Path { field, path } => env
                .eval_path(path)
                .map_err(|e| path_failure(field, path, &e, env)),
            Template::Call { call, .. } => intrinsics::eval(call, env),
        }
    }
}

/// AWS's cause for a `.$` path that finds nothing (recorded: "The JSONPath '$.x' specified for
/// the field 'value.$' could not be found in the input '{...}'").
fn path_failure(field: &str, path: &JsonPath, error: &PathError, env: &Env) -> Failure {
    if let PathError::UndefinedVariable(name) = error {
        return Failure::runtime(format!(
            "The JSONPath '{}' specified for the field '{field}' could not be found: variable '{name}' is not defined",
            path.source
        ));
    }
    let document = match path.root {
        crate::query::path::Root::Context => env.context.get(),
        _ => env.input,
    };
    Failure::runtime(format!(
        "The JSONPath '{}' specified for the field '{field}' could not be found in the input '{}'",
        path.source,
        document.to_json()
    ))
}
