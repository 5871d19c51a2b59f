//! Execution history: AWS GetExecutionHistory events. Stored compactly (values are shared, not
//! copied) and turned into AWS's JSON shape only when asked, so a 10,000-iteration Map's
//! 80,000 events cost little.

use crate::obj;
use crate::syntax::json::{Map, Value};
use crate::syntax::time::format_rfc3339_millis;
use std::rc::Rc;

#[derive(Debug, Clone)]
pub struct Event {
    pub id: u64,
    pub previous_event_id: u64,
    /// Virtual clock, epoch milliseconds.
    pub timestamp_ms: i64,
    pub kind: EventKind,
}

/// Which family of task events a Task state produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskFamily {
    /// `arn:aws:states:::...` integrations: Task* events.
    Service,
    /// A bare Lambda function ARN: LambdaFunction* events.
    Lambda,
    /// An activity ARN: Activity* events.
    Activity,
}

#[derive(Debug, Clone)]
pub enum EventKind {
    ExecutionStarted {
        input: Value,
        role_arn: Rc<str>,
    },
    ExecutionSucceeded {
        output: Value,
    },
    ExecutionFailed {
        error: Option<Rc<str>>,
        cause: Option<Rc<str>>,
    },
    ExecutionTimedOut {
        error: Option<Rc<str>>,
        cause: Option<Rc<str>>,
    },
    ExecutionAborted,
    StateEntered {
        state_type: &'static str,
        name: Rc<str>,
        input: Value,
    },
    StateExited {
        state_type: &'static str,
        name: Rc<str>,
        output: Value,
        assigned: Option<Rc<Map>>,
    },
    TaskScheduled {
        family: TaskFamily,
        resource_type: Rc<str>,
        resource: Rc<str>,
        parameters: Value,
        timeout: Option<u64>,
        heartbeat: Option<u64>,
    },
    TaskStarted {
        family: TaskFamily,
        resource_type: Rc<str>,
        resource: Rc<str>,
    },
    TaskSubmitted {
        resource_type: Rc<str>,
        resource: Rc<str>,
        output: Value,
    },
    TaskSucceeded {
        family: TaskFamily,
        resource_type: Rc<str>,
        resource: Rc<str>,
        output: Value,
    },
    TaskFailed {
        family: TaskFamily,
        resource_type: Rc<str>,
        resource: Rc<str>,
        error: Option<Rc<str>>,
        cause: Option<Rc<str>>,
    },
    TaskTimedOut {
        family: TaskFamily,
        resource_type: Rc<str>,
        resource: Rc<str>,
        error: Option<Rc<str>>,
        cause: Option<Rc<str>>,
    },
    MapStateStarted {
        length: usize,
    },
    MapStateSucceeded,
    MapStateFailed,
    MapStateAborted,
    /// A Distributed Map's run of child executions (their events are in their own histories).
    MapRunStarted {
        map_run_arn: Rc<str>,
    },
    MapRunSucceeded,
    MapRunFailed {
        error: Option<Rc<str>>,
        cause: Option<Rc<str>>,
    },
    MapIterationStarted {
        name: Rc<str>,
        index: usize,
    },
    MapIterationSucceeded {
        name: Rc<str>,
        index: usize,
    },
    MapIterationFailed {
        name: Rc<str>,
        index: usize,
    },
    MapIterationAborted {
        name: Rc<str>,
        index: usize,
    },
    ParallelStateStarted,
    ParallelStateSucceeded,
    ParallelStateFailed,
    ParallelStateAborted,
    EvaluationFailed {
        error: Rc<str>,
        cause: Rc<str>,
        location: Option<Rc<str>>,
        state: Rc<str>,
    },
}

impl EventKind {
    /// AWS's event type name.
    pub fn type_name(&self) -> String {
        use EventKind::*;
        let family_name = |f: &TaskFamily, suffix: &str| match f {
            TaskFamily::Service => format!("Task{suffix}"),
            TaskFamily::Lambda => format!("LambdaFunction{suffix}"),
            TaskFamily::Activity => format!("Activity{suffix}"),
        };
        match self {
            ExecutionStarted { .. } => "ExecutionStarted".into(),
            ExecutionSucceeded { .. } => "ExecutionSucceeded".into(),
            ExecutionFailed { .. } => "ExecutionFailed".into(),
            ExecutionTimedOut { .. } => "ExecutionTimedOut".into(),
            ExecutionAborted => "ExecutionAborted".into(),
            StateEntered { state_type, .. } => {
                if *state_type == "Fail" {
                    "FailStateEntered".into()
                } else {
                    format!("{state_type}StateEntered")
                }
            }
            StateExited { state_type, .. } => format!("{state_type}StateExited"),
            TaskScheduled { family, .. } => family_name(family, "Scheduled"),
            TaskStarted { family, .. } => family_name(family, "Started"),
            TaskSubmitted { .. } => "TaskSubmitted".into(),
            TaskSucceeded { family, .. } => family_name(family, "Succeeded"),
            TaskFailed { family, .. } => family_name(family, "Failed"),
            TaskTimedOut { family, .. } => family_name(family, "TimedOut"),
            MapStateStarted { .. } => "MapStateStarted".into(),
            MapStateSucceeded => "MapStateSucceeded".into(),
            MapStateFailed => "MapStateFailed".into(),
            MapStateAborted => "MapStateAborted".into(),
            MapRunStarted { .. } => "MapRunStarted".into(),
            MapRunSucceeded => "MapRunSucceeded".into(),
            MapRunFailed { .. } => "MapRunFailed".into(),
            MapIterationStarted { .. } => "MapIterationStarted".into(),
            MapIterationSucceeded { .. } => "MapIterationSucceeded".into(),
            MapIterationFailed { .. } => "MapIterationFailed".into(),
            MapIterationAborted { .. } => "MapIterationAborted".into(),
            ParallelStateStarted => "ParallelStateStarted".into(),
            ParallelStateSucceeded => "ParallelStateSucceeded".into(),
            ParallelStateFailed => "ParallelStateFailed".into(),
            ParallelStateAborted => "ParallelStateAborted".into(),
            EvaluationFailed { .. } => "EvaluationFailed".into(),
        }
    }

    /// The state name this event belongs to, where it names one.
    pub fn state_name(&self) -> Option<&Rc<str>> {
        match self {
            EventKind::StateEntered { name, .. } | EventKind::StateExited { name, .. } => {
                Some(name)
            }
            EventKind::EvaluationFailed { state, .. } => Some(state),
            _ => None,
        }
    }
}

fn truncated() -> Value {
    obj! { "truncated" => false }
}

fn set(m: &mut Map, k: &str, v: Value) {
    m.insert(Rc::from(k), v);
}

fn opt_str(m: &mut Map, k: &str, v: &Option<Rc<str>>) {
    if let Some(s) = v {
        set(m, k, Value::String(s.clone()));
    }
}

impl Event {
    /// The event as AWS's GetExecutionHistory returns it (input/output fields as JSON text).
    pub fn to_value(&self) -> Value {
        use EventKind::*;
        let mut m = Map::default();
        set(
            &mut m,
            "timestamp",
            Value::from(format_rfc3339_millis(self.timestamp_ms)),
        );
        set(&mut m, "type", Value::from(self.kind.type_name()));
        set(&mut m, "id", Value::from(self.id as i64));
        set(
            &mut m,
            "previousEventId",
            Value::from(self.previous_event_id as i64),
        );
        let text = |v: &Value| Value::from(v.to_json());
        let mut d = Map::default();
        let details_key: Option<String> = match &self.kind {
            ExecutionStarted { input, role_arn } => {
                set(&mut d, "input", text(input));
                set(&mut d, "inputDetails", truncated());
                set(&mut d, "roleArn", Value::String(role_arn.clone()));
                Some("executionStartedEventDetails".into())
            }
            ExecutionSucceeded { output } => {
                set(&mut d, "output", text(output));
                set(&mut d, "outputDetails", truncated());
                Some("executionSucceededEventDetails".into())
            }
            ExecutionFailed { error, cause } => {
                opt_str(&mut d, "error", error);
                opt_str(&mut d, "cause", cause);
                Some("executionFailedEventDetails".into())
            }
            ExecutionTimedOut { error, cause } => {
                opt_str(&mut d, "error", error);
                opt_str(&mut d, "cause", cause);
                Some("executionTimedOutEventDetails".into())
            }
            ExecutionAborted => None,
            StateEntered { name, input, .. } => {
                set(&mut d, "name", Value::String(name.clone()));
                set(&mut d, "input", text(input));
                set(&mut d, "inputDetails", truncated());
                Some("stateEnteredEventDetails".into())
            }
            StateExited {
                name,
                output,
                assigned,
                ..
            } => {
                set(&mut d, "name", Value::String(name.clone()));
                set(&mut d, "output", text(output));
                set(&mut d, "outputDetails", truncated());
                if let Some(a) = assigned {
                    let mut vars = Map::default();
                    for (k, v) in a.iter() {
                        vars.insert(k.clone(), text(v));
                    }
                    set(&mut d, "assignedVariables", Value::from(vars));
                    set(&mut d, "assignedVariablesDetails", truncated());
                }
                Some("stateExitedEventDetails".into())
            }
            TaskScheduled { .. }
            | TaskStarted { .. }
            | TaskSubmitted { .. }
            | TaskSucceeded { .. }
            | TaskFailed { .. }
            | TaskTimedOut { .. } => task_details(&self.kind, &mut d),
            MapStateStarted { length } => {
                set(&mut d, "length", Value::from(*length as i64));
                Some("mapStateStartedEventDetails".into())
            }
            MapRunStarted { map_run_arn } => {
                set(&mut d, "mapRunArn", Value::String(map_run_arn.clone()));
                Some("mapRunStartedEventDetails".into())
            }
            MapRunFailed { error, cause } => {
                opt_str(&mut d, "error", error);
                opt_str(&mut d, "cause", cause);
                Some("mapRunFailedEventDetails".into())
            }
            MapIterationStarted { name, index }
            | MapIterationSucceeded { name, index }
            | MapIterationFailed { name, index }
            | MapIterationAborted { name, index } => {
                set(&mut d, "name", Value::String(name.clone()));
                set(&mut d, "index", Value::from(*index as i64));
                let t = self.kind.type_name();
                Some(format!("{}{}EventDetails", t[..1].to_lowercase(), &t[1..]))
            }
            EvaluationFailed {
                error,
                cause,
                location,
                state,
            } => {
                set(&mut d, "error", Value::String(error.clone()));
                set(&mut d, "cause", Value::String(cause.clone()));
                opt_str(&mut d, "location", location);
                set(&mut d, "state", Value::String(state.clone()));
                Some("evaluationFailedEventDetails".into())
            }
            MapStateSucceeded
            | MapStateFailed
            | MapStateAborted
            | MapRunSucceeded
            | ParallelStateStarted
            | ParallelStateSucceeded
            | ParallelStateFailed
            | ParallelStateAborted => None,
        };
        if let Some(k) = details_key {
            m.insert(Rc::from(k), Value::from(d));
        }
        Value::from(m)
    }
}

/// The details of a Task event (their keys and fields depend on the Task's family) and
/// their key.
fn task_details(kind: &EventKind, d: &mut Map) -> Option<String> {
    use EventKind::*;
    let text = |v: &Value| Value::from(v.to_json());
    let d = &mut *d;
    match kind {
        TaskScheduled {
            family,
            resource_type,
            resource,
            parameters,
            timeout,
            heartbeat,
        } => match family {
            TaskFamily::Service => {
                set(d, "resourceType", Value::String(resource_type.clone()));
                set(d, "resource", Value::String(resource.clone()));
                set(d, "region", Value::from(crate::syntax::substitute::REGION));
                set(d, "parameters", text(parameters));
                if let Some(t) = timeout {
                    set(d, "timeoutInSeconds", Value::from(*t as i64));
                }
                if let Some(h) = heartbeat {
                    set(d, "heartbeatInSeconds", Value::from(*h as i64));
                }
                Some("taskScheduledEventDetails".into())
            }
            TaskFamily::Lambda | TaskFamily::Activity => {
                set(d, "resource", Value::String(resource.clone()));
                set(d, "input", text(parameters));
                set(d, "inputDetails", truncated());
                if let Some(t) = timeout {
                    set(d, "timeoutInSeconds", Value::from(*t as i64));
                }
                if let (TaskFamily::Activity, Some(h)) = (family, heartbeat) {
                    set(d, "heartbeatInSeconds", Value::from(*h as i64));
                }
                Some(
                    if *family == TaskFamily::Lambda {
                        "lambdaFunctionScheduledEventDetails"
                    } else {
                        "activityScheduledEventDetails"
                    }
                    .into(),
                )
            }
        },
        TaskStarted {
            family,
            resource_type,
            resource,
        } => match family {
            TaskFamily::Service => {
                set(d, "resourceType", Value::String(resource_type.clone()));
                set(d, "resource", Value::String(resource.clone()));
                Some("taskStartedEventDetails".into())
            }
            TaskFamily::Activity => {
                set(d, "workerName", Value::from("playground-worker"));
                Some("activityStartedEventDetails".into())
            }
            TaskFamily::Lambda => None,
        },
        TaskSubmitted {
            resource_type,
            resource,
            output,
        } => {
            set(d, "resourceType", Value::String(resource_type.clone()));
            set(d, "resource", Value::String(resource.clone()));
            set(d, "output", text(output));
            set(d, "outputDetails", truncated());
            Some("taskSubmittedEventDetails".into())
        }
        TaskSucceeded {
            family,
            resource_type,
            resource,
            output,
        } => {
            if *family == TaskFamily::Service {
                set(d, "resourceType", Value::String(resource_type.clone()));
                set(d, "resource", Value::String(resource.clone()));
            }
            set(d, "output", text(output));
            set(d, "outputDetails", truncated());
            Some(family_key(*family, "Succeeded"))
        }
        TaskFailed {
            family,
            resource_type,
            resource,
            error,
            cause,
        }
        | TaskTimedOut {
            family,
            resource_type,
            resource,
            error,
            cause,
        } => {
            if *family == TaskFamily::Service {
                set(d, "resourceType", Value::String(resource_type.clone()));
                set(d, "resource", Value::String(resource.clone()));
            }
            opt_str(d, "error", error);
            opt_str(d, "cause", cause);
            Some(family_key(
                *family,
                if matches!(kind, TaskFailed { .. }) {
                    "Failed"
                } else {
                    "TimedOut"
                },
            ))
        }
        _ => None,
    }
}

fn family_key(family: TaskFamily, suffix: &str) -> String {
    match family {
        TaskFamily::Service => format!("task{suffix}EventDetails"),
        TaskFamily::Lambda => format!("lambdaFunction{suffix}EventDetails"),
        TaskFamily::Activity => format!("activity{suffix}EventDetails"),
    }
}
