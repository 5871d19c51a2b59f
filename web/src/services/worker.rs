//! The page's Web Worker (web/js/engine-worker.js): the extras and JSONata modules, off the
//! page's thread. It answers what may take long (TestState, exercise Markdown, project import
//! and export) and makes a JSONata run before the page does (`state::Ahead`). Cancel
//! terminates it; a trap in it (out of memory, a stack overflow) ends it, the page says what
//! it was doing, and the next request starts a fresh one.

use crate::bindings;
use engine::syntax::json::Value;

/// Why the worker gave no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerError {
    /// It stopped in the middle: the JavaScript error, and the JSONata expression it was
    /// evaluating last (empty when none).
    Crashed { error: String, expression: String },
    /// The page terminated it (Cancel, or a newer job replaced this one).
    Stopped,
    /// It could not start or load its modules: why.
    Unavailable(String),
}

/// At most this much of an expression is quoted in a message.
const QUOTED_CHARS: usize = 120;

impl WorkerError {
    fn from_js(e: &wasm_bindgen::JsValue) -> WorkerError {
        let text = bindings::describe(e);
        let Ok(v) = engine::syntax::json::parse(&text) else {
            return WorkerError::Unavailable(text);
        };
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        if v.get("stopped").is_some() {
            WorkerError::Stopped
        } else if let Some(error) = s("crashed") {
            WorkerError::Crashed {
                error,
                expression: s("expression").unwrap_or_default(),
            }
        } else {
            WorkerError::Unavailable(s("failed").unwrap_or(text))
        }
    }

    /// For the user: what stopped, while doing `what` ("running the execution").
    pub fn describe(&self, what: &str) -> String {
        match self {
            WorkerError::Crashed { error, expression } => {
                let quoted: String = expression.chars().take(QUOTED_CHARS).collect();
                let ellipsis = if expression.chars().count() > QUOTED_CHARS {
                    "…"
                } else {
                    ""
                };
                let evaluating = if expression.is_empty() {
                    String::new()
                } else {
                    format!(", evaluating the JSONata expression {quoted}{ellipsis}")
                };
                format!(
                    "The engine stopped while {what}{evaluating} ({error}): most likely it ran \
                     out of memory or recursed too deeply. A fresh engine takes the next run; \
                     your work is unchanged."
                )
            }
            WorkerError::Stopped => format!("Stopped while {what}."),
            WorkerError::Unavailable(why) => format!("The engine worker could not start: {why}."),
        }
    }
}

/// Asks the worker one extras-module request; `done` gets the answer (JSON).
pub fn ask(request: &Value, record: bool, done: impl FnOnce(Result<Value, WorkerError>) + 'static) {
    // The worker loads the JSONata module when the page has needed it (a JSONata definition).
    let needs_jsonata = engine::query::jsonata::available();
    let promise = match bindings::worker_ask(&request.to_json(), needs_jsonata, record) {
        Ok(p) => p,
        Err(e) => return done(Err(WorkerError::Unavailable(bindings::describe(&e)))),
    };
    wasm_bindgen_futures::spawn_local(async move {
        let answer = match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(text) => engine::syntax::json::parse(&text.as_string().unwrap_or_default())
                .map_err(|e| WorkerError::Unavailable(format!("a broken answer ({})", e.message))),
            Err(e) => Err(WorkerError::from_js(&e)),
        };
        done(answer)
    });
}

/// Terminates the worker (what it does is dropped, its callers told `Stopped`).
pub fn stop() {
    let _ = bindings::worker_stop();
}
