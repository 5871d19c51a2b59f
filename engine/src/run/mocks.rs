//! Task results come from mocks. Three shapes are read:
//!
//! 1. AWS Step Functions Local's `MockConfigFile.json`, as is: `StateMachines.<name>.TestCases.
//!    <case>.<TaskState> = <MockedResponseName>`, `MockedResponses.<name>."0"|"1-2" =
//!    {Return | Throw: {Error, Cause}}`, chosen by state machine name and test case.
//! 2. Per Task state, a list in invocation order: `{"State": [{"Return": ...}, {"Throw": ...}]}`
//!    (the conformance cases' form; the list's index is the invocation number).
//! 3. Per Task state, a sequence per distinct input key: `{"State": {"keyPath": "$.id",
//!    "sequence": [...]}}` (the benchmark workloads' form; the n-th call for one key gets
//!    `sequence[min(n, last)]`).
//!
//! This project's extension: a response may carry `"DurationMs"`, the simulated time the
//! call takes (for `TimeoutSeconds`, `HeartbeatSeconds` and Express billing). Default 0.

use crate::query::path::JsonPath;
use crate::syntax::json::Value;
use rustc_hash::FxHashMap;
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Return(Value),
    Throw {
        error: Rc<str>,
        cause: Option<Rc<str>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MockResponse {
    pub outcome: Outcome,
    pub duration_ms: u64,
}

#[derive(Debug, Clone)]
enum StateMocks {
    /// Inclusive invocation ranges.
    Ranges(Vec<(u64, u64, MockResponse)>),
    Keyed {
        key_path: JsonPath,
        sequence: Vec<MockResponse>,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Mocks {
    states: FxHashMap<Rc<str>, StateMocks>,
    /// For messages: which test case was chosen (MockConfigFile only).
    pub test_case: Option<String>,
}

fn response(v: &Value, at: &str) -> Result<MockResponse, String> {
    let duration_ms = match v.get("DurationMs") {
        None => 0,
        Some(d) => d
            .as_number()
            .and_then(|n| n.as_i64())
            .filter(|d| *d >= 0)
            .ok_or_else(|| format!("{at}: \"DurationMs\" must be a non-negative integer"))?
            as u64,
    };
    match (v.get("Return"), v.get("Throw")) {
        (Some(r), None) => Ok(MockResponse {
            outcome: Outcome::Return(r.clone()),
            duration_ms,
        }),
        (None, Some(t)) => {
            // AWS Step Functions Local requires Error; recorded callbacks can fail without one.
            let error = match t.get("Error") {
                None | Some(Value::Null) => "",
                Some(Value::String(s)) => s,
                Some(_) => return Err(format!("{at}: \"Error\" must be a string")),
            };
            let cause = match t.get("Cause") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(_) => return Err(format!("{at}: \"Cause\" must be a string")),
            };
            Ok(MockResponse {
                outcome: Outcome::Throw {
                    error: Rc::from(error),
                    cause,
                },
                duration_ms,
            })
        }
        _ => Err(format!(
            "{at}: a mocked response holds exactly one of \"Return\" or \"Throw\""
        )),
    }
}

fn parse_range(key: &str) -> Option<(u64, u64)> {
    match key.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => key.trim().parse().ok().map(|a| (a, a)),
    }
}

fn ranges(obj: &crate::syntax::json::Map, at: &str) -> Result<StateMocks, String> {
    let mut out = Vec::new();
    for (k, v) in obj.iter() {
        let (lo, hi) = parse_range(k).ok_or_else(|| {
            format!("{at}: \"{k}\" is not an invocation number (\"0\") or range (\"1-2\")")
        })?;
        out.push((lo, hi, response(v, &format!("{at}.\"{k}\""))?));
    }
    out.sort_by_key(|(lo, _, _)| *lo);
    Ok(StateMocks::Ranges(out))
}

impl Mocks {
    pub fn none() -> Mocks {
        Mocks::default()
    }

    /// One answer for the first call of `state` (TestState's mock).
    pub fn one(state: &str, outcome: Outcome) -> Mocks {
        let response = MockResponse {
            outcome,
            duration_ms: 0,
        };
        let mut states = FxHashMap::default();
        states.insert(Rc::from(state), StateMocks::Ranges(vec![(0, 0, response)]));
        Mocks {
            states,
            test_case: None,
        }
    }

    /// Reads any of the three shapes. `machine` and `test_case` choose inside a
    /// MockConfigFile; when the file has only one of either, it is taken.
    pub fn from_value(
        v: &Value,
        machine: Option<&str>,
        test_case: Option<&str>,
    ) -> Result<Mocks, String> {
        let Some(obj) = v.as_object() else {
            return Err("mocks must be a JSON object".into());
        };
        if obj.contains_key("StateMachines") || obj.contains_key("MockedResponses") {
            return Self::from_mock_config(obj, machine, test_case);
        }
        let mut states = FxHashMap::default();
        for (state, spec) in obj.iter() {
            let at = format!("mocks.\"{state}\"");
            let m = match spec {
                Value::Array(list) => StateMocks::Ranges(
                    list.iter()
                        .enumerate()
                        .map(|(i, r)| {
                            response(r, &format!("{at}[{i}]")).map(|r| (i as u64, i as u64, r))
                        })
                        .collect::<Result<_, _>>()?,
                ),
                Value::Object(o) if o.contains_key("sequence") => {
                    let key_path = o
                        .get("keyPath")
                        .and_then(Value::as_str)
                        .and_then(|p| JsonPath::parse(p).ok())
                        .ok_or_else(|| format!("{at}: \"keyPath\" must be a JSONPath"))?;
                    let seq = o
                        .get("sequence")
                        .and_then(Value::as_array)
                        .ok_or_else(|| format!("{at}: \"sequence\" must be an array"))?;
                    if seq.is_empty() {
                        return Err(format!("{at}: \"sequence\" must not be empty"));
                    }
                    let sequence = seq
                        .iter()
                        .enumerate()
                        .map(|(i, r)| response(r, &format!("{at}.sequence[{i}]")))
                        .collect::<Result<_, _>>()?;
                    StateMocks::Keyed { key_path, sequence }
                }
                Value::Object(o) => ranges(o, &at)?,
                _ => return Err(format!("{at}: expected a list of responses")),
            };
            states.insert(state.clone(), m);
        }
        Ok(Mocks {
            states,
            test_case: None,
        })
    }

    fn from_mock_config(
        obj: &crate::syntax::json::Map,
        machine: Option<&str>,
        test_case: Option<&str>,
    ) -> Result<Mocks, String> {
        let machines = obj
            .get("StateMachines")
            .and_then(Value::as_object)
            .ok_or("MockConfigFile: \"StateMachines\" must be an object")?;
        let responses = obj
            .get("MockedResponses")
            .and_then(Value::as_object)
            .ok_or("MockConfigFile: \"MockedResponses\" must be an object")?;
        let names: Vec<&str> = machines.keys().map(|k| &**k).collect();
        let machine_name = match machine {
            Some(m) if machines.contains_key(m) => m.to_string(),
            _ if names.len() == 1 => names[0].to_string(),
            Some(m) => {
                return Err(format!(
                    "MockConfigFile has no state machine \"{m}\" (it has: {})",
                    names.join(", ")
                ))
            }
            None => {
                return Err(format!(
                    "MockConfigFile has several state machines; name one ({})",
                    names.join(", ")
                ))
            }
        };
        let cases = machines
            .get(machine_name.as_str())
            .and_then(|m| m.get("TestCases"))
            .and_then(Value::as_object)
            .ok_or_else(|| {
                format!("MockConfigFile: state machine \"{machine_name}\" needs \"TestCases\"")
            })?;
        let case_names: Vec<&str> = cases.keys().map(|k| &**k).collect();
        let case = match test_case {
            Some(c) if cases.contains_key(c) => c.to_string(),
            Some(c) => return Err(format!("MockConfigFile: state machine \"{machine_name}\" has no test case \"{c}\" (it has: {})", case_names.join(", "))),
            None if case_names.len() == 1 => case_names[0].to_string(),
            None if case_names.is_empty() => return Err(format!("MockConfigFile: state machine \"{machine_name}\" has no test cases (\"TestCases\" is empty)")),
            None => return Err(format!("MockConfigFile: choose a test case of \"{machine_name}\" ({})", case_names.join(", "))),
        };
        let mut states = FxHashMap::default();
        if let Some(mapping) = cases.get(case.as_str()).and_then(Value::as_object) {
            for (state, response_name) in mapping.iter() {
                let name = response_name.as_str().ok_or_else(|| format!("test case \"{case}\": the mock for \"{state}\" must name a mocked response"))?;
                let r = match responses.get(name) {
                    Some(Value::Object(r)) => r,
                    Some(other) => return Err(format!("MockedResponses.\"{name}\" (used by \"{state}\") must be an object of invocation numbers, such as {{\"0\": {{\"Return\": …}}}}, not {}", other.type_name())),
                    None => return Err(format!("MockedResponses has no \"{name}\" (used by \"{state}\")")),
                };
                states.insert(
                    state.clone(),
                    ranges(r, &format!("MockedResponses.\"{name}\""))?,
                );
            }
        }
        Ok(Mocks {
            states,
            test_case: Some(case),
        })
    }

    pub fn has(&self, state: &str) -> bool {
        self.states.contains_key(state)
    }

    /// The response for the `invocation`-th call (0-based, counted per state over the whole
    /// execution) whose effective input is `input`; `keyed_counts` keeps the per-key call
    /// numbers of keyed sequences.
    pub(crate) fn response(
        &self,
        state: &str,
        invocation: u64,
        input: &Value,
        keyed_counts: &mut FxHashMap<(Rc<str>, String), u64>,
    ) -> Option<MockResponse> {
        match self.states.get(state)? {
            StateMocks::Ranges(r) => r
                .iter()
                .find(|(lo, hi, _)| (*lo..=*hi).contains(&invocation))
                .map(|(_, _, r)| r.clone()),
            StateMocks::Keyed { key_path, sequence } => {
                let key = key_path.eval_on(input).ok()?.to_json();
                let n = keyed_counts.entry((Rc::from(state), key)).or_insert(0);
                let r = sequence.get((*n as usize).min(sequence.len() - 1)).cloned();
                *n += 1;
                r
            }
        }
    }
}

/// How far a run has read its mocks: the calls made per Task state and per (state, input key).
/// A parent and its child executions share one cursor (`Execution::start_child`), so answers
/// are consumed in one order across the whole run, children included.
#[derive(Debug, Default, Clone)]
pub(crate) struct MockCursor {
    invocations: FxHashMap<Rc<str>, u64>,
    keyed_counts: FxHashMap<(Rc<str>, String), u64>,
}

impl MockCursor {
    /// The next call of `state` with effective input `input`: its invocation number (0-based)
    /// and the mocked answer, if any.
    pub(crate) fn next(
        &mut self,
        mocks: &Mocks,
        state: &Rc<str>,
        input: &Value,
    ) -> (u64, Option<MockResponse>) {
        let calls = self.invocations.entry(state.clone()).or_insert(0);
        let invocation = *calls;
        *calls += 1;
        let response = mocks.response(state, invocation, input, &mut self.keyed_counts);
        (invocation, response)
    }
}
