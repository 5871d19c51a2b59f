//! The extras module (web/extras: YAML, the project import and export, TestState, Markdown),
//! loaded on demand as a second wasm module, as JSONata is: pages with JSON definitions never
//! download it. The page loads it to read YAML (`engine::syntax::yaml::host`, synchronous);
//! everything else is asked of the copy in the page's Web Worker (`ask`).

use crate::bindings;
use engine::api::{Format, Substitutions};
use engine::aws::import::Imported;
use engine::aws::teststate::{TestStateAnswer, TestStateError, TestStateRequest};
use engine::syntax::json::Value;

/// Does this definition need the module (it is YAML)?
pub fn needed_for(definition: &str) -> bool {
    engine::syntax::detect(definition) == Format::Yaml
}

/// Is the module loaded (and the engine reading YAML through it)?
pub fn ready() -> bool {
    engine::syntax::yaml::available()
}

/// Starts loading; `done` gets `Ok` once the module answers, or the reason.
pub fn load(done: super::Loaded) {
    if ready() {
        return done(Ok(()));
    }
    super::load_module(
        bindings::extras_load(),
        || {
            engine::syntax::yaml::host::set(|request| {
                bindings::module_call(request).unwrap_or_else(|e| {
                    engine::obj! { "error" => format!("the extras module failed: {}", bindings::describe(&e)), "offset" => 0 }
                        .to_json()
                })
            })
        },
        done,
    );
}

/// Asks the module one request, in the page's Web Worker: TestState, exercise Markdown, a
/// project's import or export may take long or fail badly, and the page must not.
pub fn ask(request: Value, done: impl FnOnce(Result<Value, String>) + 'static) {
    let what = match request.get("op").and_then(Value::as_str) {
        Some("teststate") => "testing the state",
        Some("markdown") => "reading the exercise's instructions",
        Some("import") => "opening the project",
        Some("export") => "exporting the project",
        Some("convert") => "converting the definition",
        _ => "answering the page",
    };
    super::worker::ask(&request, false, move |r| {
        done(match r {
            Ok(a) => match a.get("error").and_then(Value::as_str) {
                Some(e) => Err(e.to_string()),
                None => Ok(a),
            },
            Err(e) => Err(e.describe(what)),
        })
    });
}

/// What "Test this state" gets back.
#[derive(Debug, Clone, PartialEq)]
pub enum TestReply {
    Answered(TestStateAnswer),
    /// AWS would refuse the request (its error code and message).
    Refused(TestStateError),
    /// The module could not answer (not loaded, or a broken reply).
    Unavailable(String),
}

/// Runs one TestState request in the module.
pub fn test_state(
    request: &TestStateRequest,
    substitutions: &Substitutions,
    done: impl FnOnce(TestReply) + 'static,
) {
    let request = engine::obj! {
        "op" => "teststate",
        "request" => request.to_json(),
        "substitutions" => Value::from(substitutions.clone()),
    };
    ask(request, move |r| {
        let answer = r.map(|v| v.get("answer").cloned().unwrap_or(Value::Null));
        done(match answer {
            Err(e) => TestReply::Unavailable(e),
            Ok(a) => match (
                TestStateAnswer::from_json(&a),
                TestStateError::from_json(&a),
            ) {
                (Some(answer), _) => TestReply::Answered(answer),
                (None, Some(e)) => TestReply::Refused(e),
                (None, None) => {
                    TestReply::Unavailable(format!("an unexpected answer: {}", a.to_json()))
                }
            },
        })
    });
}

/// A project's files → its machines.
pub fn import(files: Vec<(String, String)>, done: impl FnOnce(Result<Imported, String>) + 'static) {
    let files: Vec<Value> = files
        .into_iter()
        .map(|(p, t)| engine::obj! { "path" => p, "text" => t })
        .collect();
    ask(
        engine::obj! { "op" => "import", "files" => files },
        move |r| done(r.map(|v| Imported::from_value(&v))),
    );
}

/// A definition in the other format (`Err`: why it cannot be read).
pub fn convert(text: &str, to: Format, done: impl FnOnce(Result<String, String>) + 'static) {
    ask(
        engine::obj! { "op" => "convert", "text" => text, "to" => to.as_str() },
        move |r| {
            done(r.map(|v| {
                v.get("text")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            }))
        },
    );
}

/// Reads the files a picker or a drop handed over: `[(path, text)]`.
pub fn read_files(
    promise: Result<js_sys::Promise, wasm_bindgen::JsValue>,
    done: impl FnOnce(Result<Vec<(String, String)>, String>) + 'static,
) {
    let promise = match promise {
        Ok(p) => p,
        Err(e) => return done(Err(bindings::describe(&e))),
    };
    wasm_bindgen_futures::spawn_local(async move {
        let text = match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(v) => v.as_string().unwrap_or_default(),
            Err(e) => return done(Err(bindings::describe(&e))),
        };
        let files = engine::syntax::json::parse(&text)
            .map(|v| {
                v.as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| {
                        let s =
                            |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                        (s("path"), s("text"))
                    })
                    .collect()
            })
            .map_err(|e| e.message);
        done(files)
    });
}
