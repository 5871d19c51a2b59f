//! TestState's request (AWS's `TestStateInput`) as a type: the page builds one, the CLI and
//! the conformance cases read one from AWS's JSON. JSON-text fields stay text, as AWS takes
//! them: they are parsed, and their errors reported, when the request runs.

use crate::syntax::json::{Map, Value};
use std::rc::Rc;

/// How much of the data flow the answer shows (`inspectionLevel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InspectionLevel {
    #[default]
    Info,
    Debug,
    Trace,
}

/// How a mocked Task result is checked against the integration's output (`fieldValidationMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldValidationMode {
    /// Every field known and of the right type, the required ones present.
    #[default]
    Strict,
    /// The fields present of the right type.
    Present,
    None,
}

/// A mocked error (`mock.errorOutput`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MockedError {
    pub error: String,
    pub cause: Option<String>,
}

/// `mock`: the tested state's result (JSON text) or error, instead of calling the service (a
/// Task) or running the children (a Map or Parallel).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TestMock {
    pub result: Option<String>,
    pub error_output: Option<MockedError>,
    pub field_validation_mode: FieldValidationMode,
}

/// `stateConfiguration`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StateConfiguration {
    /// Attempts the state's retriers already made.
    pub retrier_retry_count: Option<i64>,
    /// Map iterations that failed, weighed against the Map's tolerated failures.
    pub map_iteration_failure_count: Option<i64>,
    /// The child state a mocked Map or Parallel error came from (accepted; the answer does not
    /// depend on it).
    pub error_caused_by_state: Option<String>,
    /// The items an ItemReader would read (JSON text).
    pub map_item_reader_data: Option<String>,
}

/// One TestState call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TestStateRequest {
    /// The state alone, or (with `state_name`) the whole machine; JSON or YAML text.
    pub definition: String,
    pub state_name: Option<String>,
    /// JSON text; `{}` without one.
    pub input: Option<String>,
    pub inspection_level: InspectionLevel,
    pub role_arn: Option<String>,
    pub reveal_secrets: bool,
    pub mock: Option<TestMock>,
    pub state_configuration: StateConfiguration,
    /// JSON text of the variables the state can read.
    pub variables: Option<String>,
    /// JSON text of a context object whose fields replace the generated ones.
    pub context: Option<String>,
}

/// AWS's error for a request it refuses (`error_code` + `message` in the recordings).
#[derive(Debug, Clone, PartialEq)]
pub struct TestStateError {
    pub code: TestStateErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestStateErrorCode {
    ValidationException,
    InvalidDefinition,
}

impl TestStateErrorCode {
    pub fn name(self) -> &'static str {
        match self {
            TestStateErrorCode::ValidationException => "ValidationException",
            TestStateErrorCode::InvalidDefinition => "InvalidDefinition",
        }
    }
}

impl TestStateError {
    pub(crate) fn validation(message: impl Into<String>) -> TestStateError {
        TestStateError {
            code: TestStateErrorCode::ValidationException,
            message: message.into(),
        }
    }

    pub(crate) fn invalid_definition(message: impl Into<String>) -> TestStateError {
        TestStateError {
            code: TestStateErrorCode::InvalidDefinition,
            message: message.into(),
        }
    }

    pub fn to_json(&self) -> Value {
        crate::obj! { "error_code" => self.code.name(), "message" => self.message.as_str() }
    }

    pub fn from_json(v: &Value) -> Option<TestStateError> {
        let code = match v.get("error_code")?.as_str()? {
            "ValidationException" => TestStateErrorCode::ValidationException,
            "InvalidDefinition" => TestStateErrorCode::InvalidDefinition,
            _ => return None,
        };
        let message = v.get("message").and_then(Value::as_str).unwrap_or("");
        Some(TestStateError {
            code,
            message: message.to_string(),
        })
    }
}

/// AWS's message for a value outside an enum (its generic request validation).
fn not_in_enum(value: &str, field: &str, allowed: &[&str]) -> TestStateError {
    TestStateError::validation(format!(
        "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
        allowed.join(", ")
    ))
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn int(v: &Value, key: &str) -> Option<i64> {
    v.get(key)
        .and_then(Value::as_number)
        .and_then(|n| n.as_i64())
}

impl TestStateRequest {
    /// Reads AWS's request JSON. A field of the wrong JSON type counts as absent.
    pub fn from_json(request: &Value) -> Result<TestStateRequest, TestStateError> {
        let Some(definition) = text(request, "definition") else {
            return Err(TestStateError::validation("definition is required"));
        };
        let inspection_level = match request.get("inspectionLevel").and_then(Value::as_str) {
            None | Some("INFO") => InspectionLevel::Info,
            Some("DEBUG") => InspectionLevel::Debug,
            Some("TRACE") => InspectionLevel::Trace,
            Some(other) => {
                return Err(not_in_enum(
                    other,
                    "inspectionLevel",
                    &["INFO", "DEBUG", "TRACE"],
                ))
            }
        };
        let mock = match request.get("mock") {
            None => None,
            Some(m) => Some(TestMock {
                result: text(m, "result"),
                error_output: m.get("errorOutput").map(|e| MockedError {
                    error: text(e, "error").unwrap_or_default(),
                    cause: text(e, "cause"),
                }),
                field_validation_mode: match m.get("fieldValidationMode").and_then(Value::as_str) {
                    None | Some("STRICT") => FieldValidationMode::Strict,
                    Some("PRESENT") => FieldValidationMode::Present,
                    Some("NONE") => FieldValidationMode::None,
                    Some(other) => {
                        return Err(not_in_enum(
                            other,
                            "mock.fieldValidationMode",
                            &["STRICT", "PRESENT", "NONE"],
                        ))
                    }
                },
            }),
        };
        let config = request.get("stateConfiguration").unwrap_or(&Value::Null);
        Ok(TestStateRequest {
            definition,
            state_name: text(request, "stateName"),
            input: text(request, "input"),
            inspection_level,
            role_arn: text(request, "roleArn"),
            reveal_secrets: request.get("revealSecrets").and_then(Value::as_bool) == Some(true),
            mock,
            state_configuration: StateConfiguration {
                retrier_retry_count: int(config, "retrierRetryCount"),
                map_iteration_failure_count: int(config, "mapIterationFailureCount"),
                error_caused_by_state: text(config, "errorCausedByState"),
                map_item_reader_data: text(config, "mapItemReaderData"),
            },
            variables: text(request, "variables"),
            context: text(request, "context"),
        })
    }

    /// AWS's request JSON (what `from_json` reads back).
    pub fn to_json(&self) -> Value {
        let mut out = Map::default();
        let mut put = |k: &str, v: Value| {
            out.insert(Rc::from(k), v);
        };
        let opt = |s: &Option<String>| s.as_deref().map(Value::from);
        put("definition", Value::from(self.definition.as_str()));
        for (k, v) in [
            ("stateName", opt(&self.state_name)),
            ("input", opt(&self.input)),
            ("roleArn", opt(&self.role_arn)),
            ("variables", opt(&self.variables)),
            ("context", opt(&self.context)),
        ] {
            if let Some(v) = v {
                put(k, v);
            }
        }
        put(
            "inspectionLevel",
            Value::from(match self.inspection_level {
                InspectionLevel::Info => "INFO",
                InspectionLevel::Debug => "DEBUG",
                InspectionLevel::Trace => "TRACE",
            }),
        );
        if self.reveal_secrets {
            put("revealSecrets", Value::Bool(true));
        }
        if let Some(m) = &self.mock {
            let mut mock = Map::default();
            if let Some(r) = &m.result {
                mock.insert(Rc::from("result"), Value::from(r.as_str()));
            }
            if let Some(e) = &m.error_output {
                let mut error = crate::obj! { "error" => e.error.as_str() };
                if let (Some(c), Value::Object(o)) = (&e.cause, &mut error) {
                    Rc::make_mut(o).insert(Rc::from("cause"), Value::from(c.as_str()));
                }
                mock.insert(Rc::from("errorOutput"), error);
            }
            let mode = match m.field_validation_mode {
                FieldValidationMode::Strict => "STRICT",
                FieldValidationMode::Present => "PRESENT",
                FieldValidationMode::None => "NONE",
            };
            mock.insert(Rc::from("fieldValidationMode"), Value::from(mode));
            put("mock", Value::from(mock));
        }
        let c = &self.state_configuration;
        let mut config = Map::default();
        let mut set = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                config.insert(Rc::from(k), v);
            }
        };
        set("retrierRetryCount", c.retrier_retry_count.map(Value::from));
        set(
            "mapIterationFailureCount",
            c.map_iteration_failure_count.map(Value::from),
        );
        set("errorCausedByState", opt(&c.error_caused_by_state));
        set("mapItemReaderData", opt(&c.map_item_reader_data));
        if !config.is_empty() {
            put("stateConfiguration", Value::from(config));
        }
        Value::from(out)
    }
}
