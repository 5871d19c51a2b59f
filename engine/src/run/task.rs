//! Task states: the call (a mock, a callback, a nested execution), its completion, at-least-once
//! re-delivery.

use super::*;

impl Execution {
    pub(crate) fn run_task(
        &mut self,
        frame: &mut Frame,
        state: &State,
        spec: &TaskSpec,
    ) -> Handled {
        let effective = self.state_input(frame, state)?;
        let is_callback = matches!(
            spec.resource,
            Resource::Service {
                pattern: Pattern::WaitForTaskToken,
                ..
            }
        );
        // AWS-recorded: `.sync` integrations have a task token in `$$.Task.Token` too.
        let has_token = is_callback
            || matches!(
                spec.resource,
                Resource::Service {
                    pattern: Pattern::Sync | Pattern::Sync2,
                    ..
                }
            );
        let token: Option<Rc<str>> =
            has_token.then(|| Rc::from(format!("{}:{}", self.rng.uuid(), state.name).as_str()));
        let params = self.arguments(frame, state, &effective, token.as_ref())?;
        let (timeout, heartbeat) = match (
            self.resolve_seconds(&spec.timeout, &effective, frame),
            self.resolve_seconds(&spec.heartbeat, &effective, frame),
        ) {
            (Ok(t), Ok(h)) => (t, h),
            (Err(f), _) | (_, Err(f)) => return Err(f),
        };
        if let Some(v) = self.visit_mut(frame) {
            v.after_input_path = Some(effective);
            v.after_parameters = Some(params.clone());
        }
        let (family, (resource_type, resource)) = match &spec.resource {
            Resource::LambdaFunction(_) => (TaskFamily::Lambda, spec.resource.event_names()),
            Resource::Activity(_) => (TaskFamily::Activity, spec.resource.event_names()),
            _ => (TaskFamily::Service, spec.resource.event_names()),
        };
        let call = TaskCall {
            family,
            resource_type: Rc::from(resource_type),
            resource: Rc::from(resource),
            timeout,
            heartbeat,
            is_callback: is_callback || family == TaskFamily::Activity,
        };
        self.emit(
            frame,
            EventKind::TaskScheduled {
                family,
                resource_type: call.resource_type.clone(),
                resource: call.resource.clone(),
                parameters: params.clone(),
                timeout,
                heartbeat,
            },
        );
        self.emit(
            frame,
            EventKind::TaskStarted {
                family,
                resource_type: call.resource_type.clone(),
                resource: call.resource.clone(),
            },
        );
        let (invocation, mocked) =
            self.mock_cursor
                .borrow_mut()
                .next(&self.cfg.mocks, &state.name, &params);
        let response = mocked.or_else(|| self.start_nested(frame, state, spec, &params));
        let response = if self.cfg.at_least_once
            && self.cfg.workflow_type == WorkflowType::Express
            && !self.cfg.synchronous
        {
            // The second delivery reads the next answer; it is kept only if redelivered.
            let mut second = self.mock_cursor.borrow().clone();
            let (_, again) = second.next(&self.cfg.mocks, &state.name, &params);
            let changes_result =
                again.as_ref().map(|r| &r.outcome) != response.as_ref().map(|r| &r.outcome);
            let redelivered = self.rng.next_u64() & 1 == 1;
            self.duplicates.push(Duplicate {
                state: state.name.clone(),
                invocation,
                redelivered,
                changes_result,
            });
            if redelivered {
                *self.mock_cursor.borrow_mut() = second;
                again.or(response)
            } else {
                response
            }
        } else {
            response
        };
        if is_callback {
            self.emit(
                frame,
                EventKind::TaskSubmitted {
                    resource_type: call.resource_type.clone(),
                    resource: call.resource.clone(),
                    output: Value::object(),
                },
            );
        }
        match response {
            Some(r) => self.complete_task(frame, &call, r.outcome, r.duration_ms),
            None if is_callback => {
                let token = token.unwrap_or_else(|| Rc::from(""));
                self.status = Status::WaitingForCallback {
                    token,
                    state: state.name.clone(),
                };
                Ok(Step::Stay(Phase::AwaitCallback { call }))
            }
            None => {
                let cause = format!(
                    "No mock answers invocation #{invocation} (0-based; each retry is one more) of Task state '{}'. Add a mocked response for it (MockConfigFile: a test case mapping '{}' to a MockedResponse with key \"{invocation}\").",
                    state.name, state.name
                );
                self.complete_task(
                    frame,
                    &call,
                    Outcome::Throw {
                        error: Rc::from(errors::NO_MOCK),
                        cause: Some(Rc::from(cause)),
                    },
                    0,
                )
            }
        }
    }

    pub(crate) fn complete_task(
        &mut self,
        frame: &mut Frame,
        call: &TaskCall,
        outcome: Outcome,
        duration_ms: u64,
    ) -> Handled {
        let graph = frame.graph.clone();
        let state = &graph.states[frame.state];
        let duration = duration_ms.min(MAX_SIMULATED_MS) as i64;
        let timeout_ms = call
            .timeout
            .map(|t| (t.min(MAX_SIMULATED_MS / 1000) * 1000) as i64);
        let heartbeat_ms = call
            .heartbeat
            .filter(|_| call.is_callback)
            .map(|h| (h.min(MAX_SIMULATED_MS / 1000) * 1000) as i64);
        let limit = [timeout_ms, heartbeat_ms].into_iter().flatten().min();
        let outcome = match limit {
            Some(l) if duration > l => {
                frame.clock = frame.clock.saturating_add(l);
                Outcome::Throw {
                    error: Rc::from(errors::TIMEOUT),
                    cause: None,
                }
            }
            _ => {
                frame.clock = frame.clock.saturating_add(duration);
                outcome
            }
        };
        let (rt, res) = (call.resource_type.clone(), call.resource.clone());
        match outcome {
            Outcome::Throw { error, cause } => {
                let kind = if &*error == errors::TIMEOUT {
                    EventKind::TaskTimedOut {
                        family: call.family,
                        resource_type: rt,
                        resource: res,
                        error: Some(error.clone()),
                        cause: cause.clone(),
                    }
                } else {
                    EventKind::TaskFailed {
                        family: call.family,
                        resource_type: rt,
                        resource: res,
                        error: Some(error.clone()),
                        cause: cause.clone(),
                    }
                };
                self.emit(frame, kind);
                Err(Failure::thrown(error, cause))
            }
            Outcome::Return(value) => {
                if let Some(f) = self.payload_failure(&value, &call.resource) {
                    self.emit(
                        frame,
                        EventKind::TaskFailed {
                            family: call.family,
                            resource_type: rt,
                            resource: res,
                            error: Some(f.error.clone()),
                            cause: f.cause.clone(),
                        },
                    );
                    return Err(f);
                }
                self.emit(
                    frame,
                    EventKind::TaskSucceeded {
                        family: call.family,
                        resource_type: rt,
                        resource: res,
                        output: value.clone(),
                    },
                );
                self.after_result(frame, state, value)
            }
        }
    }
}
