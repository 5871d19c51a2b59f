//! `states:startExecution` Tasks that start the workspace's other machines as child executions.

use super::*;

impl Execution {
    /// A `states:startExecution` Task with no mock: starts the named workspace machine as a
    /// child execution and answers as AWS does (`.sync`: DescribeExecution with `Input` and
    /// `Output` as JSON text; `.sync:2`: as JSON; a failed child is `States.TaskFailed` whose
    /// cause is that description; no suffix: `{ExecutionArn, StartDate}`). `None` when the
    /// workspace has no machines (the Task then needs a mock) or for `.waitForTaskToken`,
    /// whose parent waits for the callback after starting the child.
    pub(crate) fn start_nested(
        &mut self,
        frame: &Frame,
        state: &State,
        spec: &TaskSpec,
        params: &Value,
    ) -> Option<crate::run::mocks::MockResponse> {
        let Resource::Service {
            service,
            action,
            pattern,
        } = &spec.resource
        else {
            return None;
        };
        if &**service != "states" || &**action != "startExecution" || self.cfg.machines.is_empty() {
            return None;
        }
        let arn = params
            .get("StateMachineArn")
            .and_then(Value::as_str)
            .unwrap_or("");
        let name = arn.rsplit(':').next().unwrap_or(arn);
        let (region, account, _) = self.arn_parts();
        let throw = |error: &str, cause: String| crate::run::mocks::MockResponse {
            outcome: Outcome::Throw {
                error: Rc::from(error),
                cause: Some(Rc::from(cause)),
            },
            duration_ms: 0,
        };
        let Some(RegisteredMachine {
            machine,
            workflow_type,
        }) = self.cfg.machines.get(name).cloned()
        else {
            // AWS's error for an unknown machine (recorded wording, request id ours).
            return Some(throw("StepFunctions.StateMachineDoesNotExistException", format!("State Machine Does Not Exist: '{arn}' (Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist; Request ID: {}; Proxy: null)", self.rng.uuid())));
        };
        if self.cfg.nesting >= MAX_NESTING {
            return Some(throw(
                errors::NESTING_LIMIT,
                format!("'{name}' would start a child execution {} levels deep: executions that start executions stop at {MAX_NESTING} levels in the playground (do two machines start each other?)", self.cfg.nesting + 1),
            ));
        }
        let exec_name = params
            .get("Name")
            .and_then(Value::as_str)
            .map_or_else(|| self.rng.uuid(), str::to_string);
        let machine_arn = format!("arn:aws:states:{region}:{account}:stateMachine:{name}");
        let exec_arn = match workflow_type {
            WorkflowType::Standard => {
                format!("arn:aws:states:{region}:{account}:execution:{name}:{exec_name}")
            }
            WorkflowType::Express => format!(
                "arn:aws:states:{region}:{account}:express:{name}:{exec_name}:{}",
                self.rng.uuid()
            ),
        };
        let input = match params.get("Input") {
            Some(Value::String(s)) => {
                crate::syntax::json::parse(s).unwrap_or_else(|_| Value::String(s.clone()))
            }
            Some(v) => v.clone(),
            None => Value::object(),
        };
        let cfg = self.cfg.child(
            workflow_type,
            frame.clock,
            self.rng.next_u64(),
            ExecutionContext {
                execution_id: Value::from(exec_arn.as_str()),
                execution_name: Value::from(exec_name.as_str()),
                role_arn: self.cfg.context.role_arn.clone(),
                state_machine_id: Value::from(machine_arn.as_str()),
                state_machine_name: Value::from(name),
            },
            true,
        );
        let mut child = self.start_child(machine, input.clone(), cfg);
        if *pattern != Pattern::WaitForTaskToken {
            child.run();
        }
        if matches!(child.status, Status::WaitingForCallback { .. }) {
            child.abort();
        }
        let response = match pattern {
            Pattern::WaitForTaskToken => None,
            Pattern::RequestResponse => Some(crate::run::mocks::MockResponse {
                outcome: Outcome::Return(crate::obj! {
                    "ExecutionArn" => exec_arn.as_str(),
                    "StartDate" => crate::syntax::time::format_rfc3339_millis(frame.clock),
                }),
                duration_ms: 0,
            }),
            Pattern::Sync | Pattern::Sync2 => {
                let ids = [exec_arn.as_str(), exec_name.as_str(), machine_arn.as_str()];
                Some(describe_execution(
                    &child,
                    frame.clock,
                    &input,
                    ids,
                    *pattern,
                ))
            }
        };
        self.nested.push(NestedExecution {
            state: state.name.clone(),
            machine: Rc::from(name),
            execution: Rc::new(std::cell::RefCell::new(child)),
        });
        response
    }
}

/// AWS caps a failure's cause at 32,768 characters (`TaskFailedEventDetails`,
/// `ExecutionFailedEventDetails`). A `.sync` parent's cause holds its child's description as
/// JSON text, escaped once more at every level, so a chain of failing children doubles it per
/// level; past the cap it is cut there (what AWS does past it is not recorded).
const MAX_CAUSE_CHARS: usize = 32_768;

fn clip_cause(cause: String) -> String {
    match cause.char_indices().nth(MAX_CAUSE_CHARS) {
        Some((end, _)) => cause[..end].to_string(),
        None => cause,
    }
}

/// AWS's answer for a `.sync` (`Input` and `Output` as JSON text) or `.sync:2` child that
/// ran to its end (or was aborted waiting for a callback): its DescribeExecution, or, for a
/// failed or timed-out child, `States.TaskFailed` with that description as the cause
/// (AWS-recorded).
fn describe_execution(
    child: &Execution,
    started: i64,
    input: &Value,
    [exec_arn, exec_name, machine_arn]: [&str; 3],
    pattern: Pattern,
) -> crate::run::mocks::MockResponse {
    let as_field = |v: &Value| {
        if pattern == Pattern::Sync {
            Value::from(v.to_json())
        } else {
            v.clone()
        }
    };
    let status = &child.status;
    let mut describe = Map::default();
    let mut put = |k: &str, v: Value| {
        describe.insert(Rc::from(k), v);
    };
    if let Status::Failed { error, cause } | Status::TimedOut { error, cause } = status {
        if let Some(c) = cause {
            put("Cause", Value::String(c.clone()));
        }
        if let Some(e) = error {
            put("Error", Value::String(e.clone()));
        }
    }
    put("ExecutionArn", Value::from(exec_arn));
    put("Input", as_field(input));
    put("InputDetails", crate::obj! { "Included" => true });
    put("Name", Value::from(exec_name));
    if let Status::Succeeded { output } = status {
        put("Output", as_field(output));
        put("OutputDetails", crate::obj! { "Included" => true });
    }
    let time = crate::syntax::time::format_rfc3339_millis;
    put("StartDate", Value::from(time(started)));
    put("StateMachineArn", Value::from(machine_arn));
    put("Status", Value::from(status.name()));
    put("StopDate", Value::from(time(started + child.duration_ms())));
    let describe = Value::from(describe);
    crate::run::mocks::MockResponse {
        outcome: if matches!(status, Status::Succeeded { .. }) {
            Outcome::Return(describe)
        } else {
            Outcome::Throw {
                error: Rc::from(errors::TASK_FAILED),
                cause: Some(Rc::from(clip_cause(describe.to_json()))),
            }
        },
        duration_ms: child.duration_ms().max(0) as u64,
    }
}
