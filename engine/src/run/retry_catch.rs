//! Errors in the interpreter: which Retry or Catch entry an error meets (`error_matches`), the
//! error output a catcher hands on, and the failure of a path.

use super::*;

pub(crate) fn io_failure(path: &JsonPath, e: &crate::query::path::PathError) -> Failure {
    Failure::runtime(format!(
        "Invalid path '{}' : {}",
        path.source,
        e.jayway_message()
    ))
}

/// Does `ErrorEquals` match this error? `States.ALL` matches everything but `States.Runtime`;
/// `States.TaskFailed` everything but `States.Timeout` (and `States.Runtime`). AWS's docs call
/// `States.DataLimitExceeded` terminal, not caught by `States.ALL`; the recordings (LocalStack's
/// AWS snapshot, ../shared/reference/pricing-and-quotas.md) show a `["States.ALL"]` Catch
/// catching it, and the recordings win.
pub fn error_matches(names: &[Rc<str>], error: &str) -> bool {
    if error == errors::RUNTIME || error == errors::TRANSITION_BUDGET {
        // AWS-recorded: even an explicit `["States.Runtime"]` catcher does not catch it.
        return false;
    }
    names.iter().any(|n| {
        &**n == error
            || &**n == errors::ALL
            || (&**n == errors::TASK_FAILED && error != errors::TIMEOUT)
    })
}

pub(crate) fn error_output(f: &Failure) -> Value {
    let mut m = Map::default();
    if f.error.is_empty() {
        // AWS-recorded: a callback failed with neither error nor cause gives both as null.
        m.insert(Rc::from("Error"), Value::Null);
        m.insert(
            Rc::from("Cause"),
            f.cause.clone().map_or(Value::Null, Value::String),
        );
        return Value::from(m);
    }
    m.insert(Rc::from("Error"), Value::String(f.error.clone()));
    if let Some(c) = &f.cause {
        m.insert(Rc::from("Cause"), Value::String(c.clone()));
    }
    Value::from(m)
}
