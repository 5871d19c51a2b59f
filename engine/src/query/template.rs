//! Payload templates (`Parameters`, `ResultSelector`, `ItemSelector`, JSONPath `Assign`):
//! compiled once, so a visit only evaluates the `.$` fields and shares every constant subtree.

use crate::query::env::Env;
use crate::query::failure::Failure;
use crate::query::intrinsics::{self, Call};
use crate::query::path::{JsonPath, PathError};
use crate::syntax::json::{self, Map, Value};
use std::fmt::Write as _;
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
    let t = compile_at(value, &mut String::new(), &mut errors);
    if errors.is_empty() {
        Ok(t)
    } else {
        Err(errors)
    }
}

/// One pass over the value, one pointer buffer for the walk (a pointer is copied only into
/// an error, and at most `MAX_REPORTED` of those): linear in the value whatever its keys.
fn compile_at(value: &Value, pointer: &mut String, errors: &mut Vec<TemplateError>) -> Template {
    match value {
        Value::Object(m) => {
            let mut fields = Vec::with_capacity(m.len());
            let mut dynamic = false;
            for (k, v) in m.iter() {
                let len = pointer.len();
                pointer.push('/');
                json::escape_pointer_token(pointer, k);
                if let Some(name) = k.strip_suffix(".$") {
                    dynamic = true;
                    match compile_dynamic(k, v) {
                        Ok(t) => fields.push((Rc::from(name), t)),
                        Err(detail) if errors.len() < MAX_REPORTED => errors.push(TemplateError {
                            pointer: pointer.clone(),
                            field: k.to_string(),
                            detail,
                        }),
                        Err(_) => {}
                    }
                } else {
                    let t = compile_at(v, pointer, errors);
                    dynamic |= !matches!(t, Template::Literal(_));
                    fields.push((k.clone(), t));
                }
                pointer.truncate(len);
            }
            if dynamic {
                Template::Object(fields)
            } else {
                Template::Literal(value.clone())
            }
        }
        Value::Array(a) => {
            let mut dynamic = false;
            let items = a
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let len = pointer.len();
                    let _ = write!(pointer, "/{i}");
                    let t = compile_at(v, pointer, errors);
                    pointer.truncate(len);
                    dynamic |= !matches!(t, Template::Literal(_));
                    t
                })
                .collect();
            if dynamic {
                Template::Array(items)
            } else {
                Template::Literal(value.clone())
            }
        }
        other => Template::Literal(other.clone()),
    }
}

/// At most this many errors are kept from one template (AWS reports at most 100 diagnostics).
pub(crate) const MAX_REPORTED: usize = 100;

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
