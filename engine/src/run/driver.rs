//! The driver: `advance` performs one action; entering a state, running its handler, leaving
//! it, delivering a finished branch or iteration to its parent, finishing the execution, and
//! what an error does (Retry, then Catch, then failing the frame).

use super::*;

impl Execution {
    /// Performs one action of the innermost frame.
    pub(crate) fn advance(&mut self) {
        if self.status != Status::Running {
            return;
        }
        if let Some(done) = self.pending_child.take() {
            self.deliver_child(done);
            return;
        }
        let Some(mut frame) = self.frames.pop() else {
            return;
        };
        if let Some(limit) = self.history_limit.filter(|l| self.events.len() >= *l) {
            // AWS's quota; the exact error AWS raises here is not recorded.
            let f = Failure::runtime(format!(
                "The execution reached the maximum number of history events ({limit})."
            ));
            let t = frame.clock;
            let last = frame.last_event;
            self.frames.clear();
            return self.finish(Err(f), t, last);
        }
        if let Some(deadline) = self.deadline {
            if frame.clock > deadline {
                let last = frame.last_event;
                self.frames.clear();
                self.status = Status::TimedOut {
                    error: Some(Rc::from(errors::TIMEOUT)),
                    cause: None,
                };
                self.push_event(
                    last,
                    deadline,
                    EventKind::ExecutionTimedOut {
                        error: Some(Rc::from(errors::TIMEOUT)),
                        cause: None,
                    },
                );
                return;
            }
        }
        match std::mem::replace(&mut frame.phase, Phase::Run) {
            Phase::Enter => self.enter(frame),
            Phase::Run => self.run_state(frame),
            Phase::AwaitCallback { call } => {
                frame.phase = Phase::AwaitCallback { call };
                self.frames.push(frame);
            }
            Phase::Container(run) => {
                let handled = self.container_next(&mut frame, run);
                self.apply(frame, handled);
            }
            Phase::MapRun(run) => {
                let handled = self.map_run_next(&mut frame, run);
                self.apply(frame, handled);
            }
        }
    }

    pub(crate) fn enter(&mut self, mut frame: Frame) {
        let graph = frame.graph.clone();
        let state = &graph.states[frame.state];
        self.states_entered += 1;
        self.transitions += 1;
        if self.states_entered > self.cfg.max_transitions {
            let f = Failure::new(
                errors::TRANSITION_BUDGET,
                format!(
                    "The run entered more than {} states (the playground's budget); the state machine probably loops without end. Last state: '{}'.",
                    self.cfg.max_transitions, state.name
                ),
            );
            let (t, last) = (frame.clock, frame.last_event);
            self.frames.clear();
            return self.finish(Err(f), t, last);
        }
        frame.retry_counts.clear();
        // TestState's `retrierRetryCount`: the attempts already made.
        let preset = self.tested(&frame).map_or(0, |t| t.retry_count);
        frame.retry_counts.resize(state.retry.len(), preset);
        frame.entered_time = frame.clock;
        let input = frame.input.clone();
        let id = self.emit(
            &mut frame,
            EventKind::StateEntered {
                state_type: state.kind.type_name(),
                name: state.name.clone(),
                input,
            },
        );
        frame.entered_event = id;
        if self.cfg.record_inspection {
            frame.visit = Some(self.visits.len());
            self.visits.push(Visit {
                state: state.name.clone(),
                state_type: state.kind.type_name(),
                depth: frame.depth,
                iteration: match frame.origin {
                    Origin::Root => None,
                    Origin::Branch(i) | Origin::Iteration(i) => Some(i),
                },
                entered_event: id,
                input: frame.input.clone(),
                jsonata: Self::uses_jsonata(state),
                ..Default::default()
            });
        }
        frame.phase = Phase::Run;
        self.frames.push(frame);
    }

    pub(crate) fn run_state(&mut self, mut frame: Frame) {
        let graph = frame.graph.clone();
        let state = &graph.states[frame.state];
        let f = &mut frame;
        let handled = match &state.kind {
            Kind::Pass { result } => self.run_pass(f, state, result.as_ref()),
            Kind::Succeed => self.run_succeed(f, state),
            Kind::Fail(spec) => self.run_fail(f, spec),
            Kind::Choice { rules, default } => self.run_choice(f, state, rules, default.as_ref()),
            Kind::Wait(spec) => self.run_wait(f, state, spec),
            Kind::Task(spec) => self.run_task(f, state, spec),
            Kind::Parallel { .. } | Kind::Map(_) => self.start_container(f, state),
        };
        self.apply(frame, handled);
    }

    /// Does what a handler asked: the only place frames move after a state ran.
    pub(crate) fn apply(&mut self, mut frame: Frame, handled: Handled) {
        match handled {
            Ok(Step::Exit { output, next }) => {
                let (graph, at) = (frame.graph.clone(), frame.state);
                let state = &graph.states[at];
                // Every state's output is a payload: over 256 KiB it fails here, whatever made
                // it (a JSONata Output, a ResultPath merging a large result into the input).
                if let Some(f) = self.payload_failure(&output, &state.name) {
                    return self.handle_error(frame, f);
                }
                self.exit_state(frame, state, output, next)
            }
            Ok(Step::Stay(phase)) => {
                frame.phase = phase;
                self.frames.push(frame);
            }
            Ok(Step::Child { phase, child }) => {
                frame.phase = phase;
                self.frames.push(frame);
                self.frames.push(child);
            }
            Ok(Step::Fail(failure)) => self.fail_state(frame, failure),
            Err(failure) => self.handle_error(frame, failure),
        }
    }

    /// A payload AWS would not take (over 256 KiB) or the playground cannot hold (nested
    /// deeper than 512 levels), as the failure of the state or task `name`.
    pub(crate) fn payload_failure(&mut self, value: &Value, name: &str) -> Option<Failure> {
        match value.measure_with(&mut self.sizes) {
            None => Some(Failure::new(errors::NESTED_TOO_DEEP, format!("The state/task '{name}' returned a result nested deeper than {} levels, more than the playground holds (states that wrap their input in new objects build one level more each time)", crate::syntax::json::MAX_DEPTH))),
            Some(m) if m.size > MAX_PAYLOAD_BYTES => Some(Failure::new(errors::DATA_LIMIT_EXCEEDED, format!("The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit."))),
            Some(_) => None,
        }
    }

    pub(crate) fn exit_state(
        &mut self,
        mut frame: Frame,
        state: &State,
        output: Value,
        next: Option<StateId>,
    ) {
        let assigned = frame.pending_assign.take();
        if let Some(a) = &assigned {
            // New values are visible from the next state on, in this frame's scope.
            let mut scope = (*frame.vars).clone();
            for (k, v) in a.iter() {
                scope.vars.insert(k.clone(), v.clone());
            }
            frame.vars = Rc::new(scope);
        }
        let id = self.emit(
            &mut frame,
            EventKind::StateExited {
                state_type: state.kind.type_name(),
                name: state.name.clone(),
                output: output.clone(),
                assigned: assigned.clone(),
            },
        );
        let next_name = next.map(|n| frame.graph.states[n].name.clone());
        if let Some(v) = self.visit_mut(&frame) {
            v.exited_event = Some(id);
            v.output = Some(output.clone());
            v.next = next_name.clone();
            v.assigned = assigned;
        }
        if self.tested(&frame).is_some() {
            // TestState: the tested state is done; so is the run.
            self.test_outcome = Some(match self.test_caught {
                Some(catch_index) => TestOutcome::Caught {
                    catch_index,
                    next: next_name,
                },
                None => TestOutcome::Exited { next: next_name },
            });
            return self.finish(Ok(output), frame.clock, id);
        }
        match next {
            Some(n) => {
                frame.state = n;
                frame.input = output;
                frame.phase = Phase::Enter;
                frame.visit = None;
                self.frames.push(frame);
            }
            None => self.frame_done(frame, Ok(output)),
        }
    }

    /// A child frame (branch or iteration) finished: record its result in the container.
    pub(crate) fn deliver_child(&mut self, done: ChildDone) {
        let ChildDone {
            index,
            result,
            end,
            last_event: last,
        } = done;
        let Some(mut frame) = self.frames.pop() else {
            return;
        };
        let Phase::Container(mut run) = std::mem::replace(&mut frame.phase, Phase::Run) else {
            self.frames.push(frame);
            return;
        };
        let name = frame.graph.states[frame.state].name.clone();
        // The slot this child held frees at its end.
        if let Some(slot) = run.slots.iter_mut().min_by_key(|t| **t) {
            *slot = end;
        }
        run.end_time = run.end_time.max(end);
        frame.last_event = frame.last_event.max(last);
        match result {
            Ok(output) => {
                if run.is_map {
                    let t = frame.clock;
                    frame.clock = end;
                    self.emit(&mut frame, EventKind::MapIterationSucceeded { name, index });
                    frame.clock = t;
                }
                run.results.push(output);
                frame.phase = Phase::Container(run);
                self.frames.push(frame);
            }
            Err(f) => {
                frame.clock = end.max(frame.clock);
                if run.is_map {
                    self.emit(&mut frame, EventKind::MapIterationFailed { name, index });
                    self.emit(&mut frame, EventKind::MapStateFailed);
                } else {
                    self.emit(&mut frame, EventKind::ParallelStateFailed);
                }
                self.handle_error(frame, f);
            }
        }
    }

    /// A frame reached its end: hand the result to the container, or end the execution.
    pub(crate) fn frame_done(&mut self, frame: Frame, result: Result<Value, Failure>) {
        match frame.origin {
            Origin::Root => self.finish(result, frame.clock, frame.last_event),
            Origin::Branch(i) | Origin::Iteration(i) => {
                self.pending_child = Some(ChildDone {
                    index: i,
                    result,
                    end: frame.clock,
                    last_event: frame.last_event,
                });
            }
        }
    }

    pub(crate) fn finish(&mut self, result: Result<Value, Failure>, t: i64, last: u64) {
        match result {
            Ok(output) => {
                self.push_event(
                    last,
                    t,
                    EventKind::ExecutionSucceeded {
                        output: output.clone(),
                    },
                );
                self.status = Status::Succeeded { output };
            }
            Err(f) => {
                let error = Some(f.error.clone()).filter(|e| !e.is_empty());
                let cause = f.cause.clone();
                self.push_event(
                    last,
                    t,
                    EventKind::ExecutionFailed {
                        error: error.clone(),
                        cause: cause.clone(),
                    },
                );
                self.status = Status::Failed { error, cause };
            }
        }
    }

    /// The state fails for good (no retrier or catcher applies).
    pub(crate) fn fail_state(&mut self, frame: Frame, failure: Failure) {
        if let Some(v) = self.visit_mut(&frame) {
            v.error = Some(VisitError {
                error: failure.error.clone(),
                cause: failure.cause.clone(),
            });
        }
        self.frame_done(frame, Err(failure));
    }

    /// Retry, then Catch, then fail.
    pub(crate) fn handle_error(&mut self, mut frame: Frame, mut failure: Failure) {
        let graph = frame.graph.clone();
        let state = &graph.states[frame.state];
        // TestState has no history: its causes do not name an event (AWS-recorded).
        let in_test = self.tested(&frame).is_some();
        if !in_test
            && (&*failure.error == errors::RUNTIME
                || &*failure.error == errors::QUERY_EVALUATION_ERROR)
        {
            // AWS-recorded: runtime errors name the state and its StateEntered event id.
            let cause = failure.cause.take().unwrap_or_else(|| Rc::from(""));
            failure.cause = Some(
                if cause.starts_with("An error occurred while executing the state") {
                    cause
                } else {
                    Rc::from(format!("An error occurred while executing the state '{}' (entered at the event id #{}). {cause}", state.name, frame.entered_event))
                },
            );
        }
        if let Some(location) = failure.location.take() {
            // AWS-recorded: a failed JSONata evaluation is its own history event (once: the
            // failure may go on to fail an enclosing Map), and a Map whose own expression
            // failed records MapStateFailed after it.
            let (error, cause) = (
                failure.error.clone(),
                failure.cause.clone().unwrap_or_else(|| Rc::from("")),
            );
            let location = Some(location).filter(|l| !l.is_empty());
            self.emit(
                &mut frame,
                EventKind::EvaluationFailed {
                    error,
                    cause,
                    location,
                    state: state.name.clone(),
                },
            );
            if matches!(state.kind, Kind::Map(_)) {
                self.emit(&mut frame, EventKind::MapStateFailed);
            }
        }
        if let Some(v) = self.visit_mut(&frame) {
            v.error = Some(VisitError {
                error: failure.error.clone(),
                cause: failure.cause.clone(),
            });
        }
        for (i, r) in state.retry.iter().enumerate() {
            if !error_matches(&r.error_equals, &failure.error) {
                continue;
            }
            let attempt = frame.retry_counts.get(i).copied().unwrap_or(0);
            if attempt < r.max_attempts {
                let mut delay = r.interval_seconds * r.backoff_rate.powi(attempt.min(1000) as i32);
                if let Some(max) = r.max_delay_seconds {
                    delay = delay.min(max);
                }
                if r.jitter_full {
                    delay *= self.rng.next_f64();
                }
                if self.tested(&frame).is_some() {
                    // TestState reports the retry instead of making it.
                    self.test_outcome = Some(TestOutcome::Retriable {
                        retry_index: i,
                        interval_seconds: delay,
                    });
                    return self.fail_state(frame, failure);
                }
                if let Some(c) = frame.retry_counts.get_mut(i) {
                    *c += 1;
                }
                self.transitions += 1;
                if let Some(v) = self.visit_mut(&frame) {
                    v.retries += 1;
                    v.error = None;
                }
                frame.clock = frame
                    .clock
                    .saturating_add((delay.min(1e12) * 1000.0) as i64);
                frame.phase = Phase::Run;
                self.frames.push(frame);
                return;
            }
            // The first matching retrier decides; when it is spent, go to the catchers.
            if self.tested(&frame).is_some() {
                self.test_outcome = Some(TestOutcome::Failed {
                    retry_index: Some(i),
                });
            }
            break;
        }
        for c in &state.catch {
            if !error_matches(&c.error_equals, &failure.error) {
                continue;
            }
            let error_out = error_output(&failure);
            if self.tested(&frame).is_some() {
                self.test_caught = state.catch.iter().position(|x| std::ptr::eq(x, c));
            }
            let output = match self.catch_output(&mut frame, state, c, error_out) {
                Ok(v) => v,
                Err(f) => return self.fail_state(frame, f),
            };
            // A caught error's output is a payload like any other (a 300 KB Cause).
            if let Some(f) = self.payload_failure(&output, &state.name) {
                return self.fail_state(frame, f);
            }
            return self.exit_state(frame, state, output, c.next);
        }
        self.fail_state(frame, failure);
    }
}
