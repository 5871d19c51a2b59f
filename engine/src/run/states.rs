//! The simple states: Pass, Succeed, Fail, Choice, Wait.

use super::*;

impl Execution {
    pub(crate) fn run_pass(
        &mut self,
        frame: &mut Frame,
        state: &State,
        result: Option<&Value>,
    ) -> Handled {
        let effective = self.state_input(frame, state)?;
        let Some(produced) = self.pass_result(frame, state, result, &effective)? else {
            return self.leave(frame, state, effective, None, state.next_id());
        };
        if let Some(f) = self.payload_failure(&produced, &state.name) {
            return Err(f);
        }
        if let Some(v) = self.visit_mut(frame) {
            v.after_input_path = Some(effective);
            v.after_parameters = state.parameters.as_ref().map(|_| produced.clone());
            v.result = Some(produced.clone());
        }
        self.finish_data_flow(frame, state, produced)
    }

    pub(crate) fn run_succeed(&mut self, frame: &mut Frame, state: &State) -> Handled {
        let effective = self.state_input(frame, state)?;
        self.leave(frame, state, effective, None, None)
    }

    pub(crate) fn run_fail(&mut self, frame: &mut Frame, spec: &FailSpec) -> Handled {
        let field = |f: &Option<FailField>, name: &str| -> Result<Option<Rc<str>>, Failure> {
            match f {
                None => Ok(None),
                Some(FailField::Const(s)) => Ok(Some(s.clone())),
                Some(FailField::Jsonata(text)) => match self.jsonata_text(frame, text, name)? {
                    Value::String(s) => Ok(Some(s)),
                    other => Ok(Some(Rc::from(other.to_json()))),
                },
                Some(FailField::Dynamic(t)) => {
                    let v = match t {
                        crate::query::template::Template::Path { path, .. } => self.eval_path_on(path, &frame.input, frame).map_err(|_| {
                            Failure::runtime(format!(
                                "The JSONPath '{}' specified for the field '{name}Path' could not be found in the input '{}'",
                                path.source,
                                frame.input.to_json()
                            ))
                        })?,
                        other => self.eval_template(other, &frame.input, frame, None, None)?,
                    };
                    Ok(Some(match v {
                        Value::String(s) => s,
                        other => Rc::from(other.to_json()),
                    }))
                }
            }
        };
        let error = field(&spec.error, "Error");
        let cause = error.clone().and_then(|_| field(&spec.cause, "Cause"));
        match (error, cause) {
            (Ok(error), Ok(cause)) => {
                // A Fail state raises its error; it has no Retry or Catch.
                let f = Failure::thrown(error.unwrap_or_else(|| Rc::from("")), cause);
                Ok(Step::Fail(f))
            }
            (Err(f), _) | (_, Err(f)) => Err(f),
        }
    }

    pub(crate) fn run_choice(
        &mut self,
        frame: &mut Frame,
        state: &State,
        rules: &[ChoiceRule],
        default: Option<&(Option<StateId>, Rc<str>)>,
    ) -> Handled {
        let effective = self.state_input(frame, state)?;
        let mut chosen: Option<&ChoiceRule> = None;
        {
            let make = || self.context_value(frame, None, None);
            let ctx = Lazy::new(&make);
            let env = Env {
                input: &effective,
                context: &ctx,
                vars: Some(&frame.vars),
                rng: &self.rng,
            };
            // `$states` is built only if a JSONata condition asks for it.
            let states_now = std::cell::OnceCell::new();
            let mut condition = |e: &crate::query::jsonata::Expr| -> Result<bool, Failure> {
                match self.jsonata_eval(
                    frame,
                    &crate::query::jsonata::Template::Expr(e.clone()),
                    states_now
                        .get_or_init(|| self.states_value(frame, None, None))
                        .clone(),
                    "Condition",
                )? {
                    Value::Bool(b) => Ok(b),
                    other => Err(Failure::new(
                        errors::QUERY_EVALUATION_ERROR,
                        format!(
                            "The Condition field must evaluate to a boolean, but it returned {}",
                            other.to_json()
                        ),
                    )),
                }
            };
            for rule in rules {
                match rule.condition.eval(&env, &mut condition) {
                    Ok(true) => {
                        chosen = Some(rule);
                        break;
                    }
                    Ok(false) => {}
                    Err(f) => return Err(f),
                }
            }
        }
        let next = match (chosen, default) {
            (Some(r), _) => r.next,
            (None, Some((n, _))) => *n,
            (None, None) => {
                return Err(Failure::new(
                    errors::NO_CHOICE_MATCHED,
                    format!(
                        "No Choice Rules matched and no Default was specified in state '{}'",
                        state.name
                    ),
                ))
            }
        };
        // A matched rule's own Assign/Output replace the state's.
        let own = chosen
            .filter(|r| r.compiled.assign.is_some() || r.compiled.output.is_some())
            .map(|r| (r.compiled.output.as_ref(), r.compiled.assign.as_ref()));
        self.leave(frame, state, effective, own, next)
    }

    pub(crate) fn run_wait(
        &mut self,
        frame: &mut Frame,
        state: &State,
        spec: &WaitSpec,
    ) -> Handled {
        let effective = self.state_input(frame, state)?;
        let target = self.wait_target(frame, spec, &effective)?;
        if target.saturating_sub(frame.clock) > i32::MAX as i64 * 1000 {
            return Err(Failure::runtime("Wait state delay is too long."));
        }
        if let Some(deadline) = self.deadline.filter(|d| target > *d) {
            // The execution's time runs out during the wait: it never exits; the driver times
            // the execution out at its deadline on the next step.
            frame.clock = frame.clock.max(deadline + 1);
            return Ok(Step::Stay(Phase::Run));
        }
        frame.clock = frame.clock.max(target);
        self.leave(frame, state, effective, None, state.next_id())
    }

    /// When a Wait state ends (epoch ms). Errors are worded as AWS words them.
    pub(crate) fn wait_target(
        &self,
        frame: &Frame,
        spec: &WaitSpec,
        effective: &Value,
    ) -> Result<i64, Failure> {
        match spec {
            WaitSpec::Seconds(Dyn::Const(s)) => {
                Ok(frame.clock.saturating_add(s.saturating_mul(1000)))
            }
            WaitSpec::Timestamp(Dyn::Const(t)) => Ok(*t / 1000 * 1000),
            WaitSpec::Seconds(Dyn::Path(p)) => {
                let v = self.eval_path_on(p, effective, frame).map_err(|_| {
                    Failure::runtime(format!(
                        "The SecondsPath parameter does not reference an input value: {}",
                        p.source
                    ))
                })?;
                match v.as_number() {
                    Some(n) if n.is_int() => {
                        let s = n.as_i64().unwrap_or(0);
                        if s < 0 {
                            return Err(Failure::runtime(format!(
                                "The SecondsPath parameter references a negative value: {} == {}",
                                p.source,
                                v.to_json()
                            )));
                        }
                        Ok(frame.clock.saturating_add(s.saturating_mul(1000)))
                    }
                    _ => Err(Failure::runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {} == {}",
                        p.source,
                        v.to_json()
                    ))),
                }
            }
            WaitSpec::Timestamp(Dyn::Path(p)) => {
                let v = self.eval_path_on(p, effective, frame).map_err(|_| {
                    Failure::runtime(format!(
                        "The TimestampPath parameter does not reference an input value: {}",
                        p.source
                    ))
                })?;
                match v.as_str().and_then(crate::syntax::time::parse_rfc3339) {
                    // AWS counts whole seconds and drops the milliseconds.
                    Some(t) => Ok(t.div_euclid(1000) * 1000),
                    None => Err(Failure::runtime(format!(
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                        p.source,
                        v.as_str().map_or_else(|| v.to_json(), str::to_string)
                    ))),
                }
            }
            WaitSpec::Seconds(Dyn::Jsonata(text)) => match self.jsonata_text(frame, text, "Seconds")? {
                Value::Number(n) if n.as_i64().is_some_and(|s| s >= 0) => Ok(frame.clock.saturating_add(n.as_i64().unwrap_or(0).saturating_mul(1000))),
                other => Err(Failure::new(errors::QUERY_EVALUATION_ERROR, format!("The Seconds field must evaluate to a non-negative integer, but it returned {}", other.to_json()))),
            },
            WaitSpec::Timestamp(Dyn::Jsonata(text)) => {
                let v = self.jsonata_text(frame, text, "Timestamp")?;
                match v.as_str().and_then(crate::syntax::time::parse_rfc3339) {
                    Some(t) => Ok(t.div_euclid(1000) * 1000),
                    None => Err(Failure::new(errors::QUERY_EVALUATION_ERROR, format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}", v.as_str().map_or_else(|| v.to_json(), str::to_string))).at("Timestamp")),
                }
            }
        }
    }

    pub(crate) fn resolve_seconds(
        &self,
        d: &Option<Dyn<u64>>,
        effective: &Value,
        frame: &Frame,
    ) -> Result<Option<u64>, Failure> {
        match d {
            None => Ok(None),
            Some(Dyn::Const(v)) => Ok(Some(*v)),
            Some(Dyn::Path(p)) => {
                let v = self
                    .eval_path_on(p, effective, frame)
                    .map_err(|e| io_failure(p, &e))?;
                match v.as_number().and_then(|n| n.as_i64()) {
                    Some(n) if n > 0 => Ok(Some(n as u64)),
                    _ => Err(Failure::runtime(format!(
                        "The value of '{}' must be a positive integer: {} == {}",
                        p.source,
                        p.source,
                        v.to_json()
                    ))),
                }
            }
            Some(Dyn::Jsonata(text)) => match self.jsonata_text(frame, text, "TimeoutSeconds")? {
                Value::Number(n) if n.as_i64().is_some_and(|s| s > 0) => {
                    Ok(Some(n.as_i64().unwrap_or(1) as u64))
                }
                other => Err(Failure::new(
                    errors::QUERY_EVALUATION_ERROR,
                    format!(
                        "The field must evaluate to a positive integer, but it returned {}",
                        other.to_json()
                    ),
                )),
            },
        }
    }
}
