//! Data flow in the state's query language: the context object `$$`, InputPath/Parameters/
//! ResultSelector/ResultPath/OutputPath in JSONPath, Arguments/Output/Assign in JSONata.

use super::*;

impl Execution {
    /// The context object for the current state.
    pub(crate) fn context_value(
        &self,
        frame: &Frame,
        token: Option<&Rc<str>>,
        map_item: Option<(usize, &Value)>,
    ) -> Value {
        let (execution, state_machine) = self.context_fixed.get_or_init(|| {
            let c = &self.cfg.context;
            let mut execution = crate::obj! {
                "Id" => c.execution_id.clone(),
                "Input" => self.input.clone(),
                "StartTime" => format_rfc3339_millis(self.cfg.start_time_ms),
                "Name" => c.execution_name.clone(),
                "RoleArn" => c.role_arn.clone(),
            };
            // AWS-recorded: a synchronous Express execution (StartSyncExecution) has no
            // RedriveCount; asynchronous ones, Standard or Express, have it.
            if !self.cfg.synchronous {
                if let Value::Object(m) = &mut execution {
                    Rc::make_mut(m).insert(Rc::from("RedriveCount"), Value::from(0i64));
                }
            }
            (execution, crate::obj! { "Id" => c.state_machine_id.clone(), "Name" => c.state_machine_name.clone() })
        });
        let state = &frame.graph.states[frame.state];
        let mut st = Map::with_capacity_and_hasher(3, Default::default());
        st.insert(
            Rc::from("EnteredTime"),
            Value::from(format_rfc3339_millis(frame.entered_time)),
        );
        st.insert(Rc::from("Name"), Value::String(state.name.clone()));
        if matches!(
            state.kind,
            Kind::Task(_) | Kind::Parallel { .. } | Kind::Map(_)
        ) {
            st.insert(
                Rc::from("RetryCount"),
                Value::from(frame.retry_counts.iter().sum::<u64>() as i64),
            );
        }
        let mut m = Map::with_capacity_and_hasher(5, Default::default());
        m.insert(Rc::from("Execution"), execution.clone());
        m.insert(Rc::from("StateMachine"), state_machine.clone());
        m.insert(Rc::from("State"), Value::from(st));
        if let Some(t) = token {
            m.insert(
                Rc::from("Task"),
                crate::obj! { "Token" => Value::String(t.clone()) },
            );
        }
        if let Some((index, value)) = map_item {
            m.insert(Rc::from("Map"), crate::obj! { "Item" => crate::obj! { "Index" => index as i64, "Value" => value.clone() } });
        }
        let mut out = Value::from(m);
        if let (Some(t), 0) = (&self.cfg.test_state, frame.depth) {
            // AWS-recorded: TestState names the state "StateName" and shows the request's role.
            if let Value::Object(o) = &mut out {
                let o = Rc::make_mut(o);
                if let Some(Value::Object(s)) = o.get_mut("State") {
                    Rc::make_mut(s).insert(Rc::from("Name"), Value::from("StateName"));
                }
                if let Some(Value::Object(e)) = o.get_mut("Execution") {
                    Rc::make_mut(e).insert(Rc::from("RoleArn"), t.role_arn.clone());
                }
            }
        }
        if let Some(over) = self
            .cfg
            .test_state
            .as_ref()
            .and_then(|t| t.context.as_ref())
            .filter(|_| frame.depth == 0)
        {
            // AWS-recorded: a given context object is the context object (nothing generated).
            out = over.clone();
        }
        out
    }

    /// The state's effective input: JSONata states see their input as is; JSONPath states apply
    /// InputPath.
    pub(crate) fn effective_input(&self, frame: &Frame, state: &State) -> Result<Value, Failure> {
        match state.query_language {
            QueryLanguage::Jsonata => Ok(frame.input.clone()),
            QueryLanguage::JsonPath => self.apply_io(&state.input_path, &frame.input, frame),
        }
    }

    pub(crate) fn apply_io(
        &self,
        path: &IoPath,
        doc: &Value,
        frame: &Frame,
    ) -> Result<Value, Failure> {
        match path {
            IoPath::Identity => Ok(doc.clone()),
            IoPath::Null => Ok(Value::object()),
            IoPath::Path(p) => {
                let make = || self.context_value(frame, None, None);
                let ctx = Lazy::new(&make);
                let env = Env {
                    input: doc,
                    context: &ctx,
                    vars: Some(&frame.vars),
                    rng: &self.rng,
                };
                env.eval_path(p).map_err(|e| io_failure(p, &e))
            }
        }
    }

    pub(crate) fn eval_template(
        &self,
        t: &crate::template::Template,
        input: &Value,
        frame: &Frame,
        token: Option<&Rc<str>>,
        item: Option<(usize, &Value)>,
    ) -> Result<Value, Failure> {
        let make = || self.context_value(frame, token, item);
        let ctx = Lazy::new(&make);
        let env = Env {
            input,
            context: &ctx,
            vars: Some(&frame.vars),
            rng: &self.rng,
        };
        t.eval(&env)
    }

    pub(crate) fn eval_path_on(
        &self,
        p: &JsonPath,
        input: &Value,
        frame: &Frame,
    ) -> Result<Value, crate::path::PathError> {
        let make = || self.context_value(frame, None, None);
        let ctx = Lazy::new(&make);
        let env = Env {
            input,
            context: &ctx,
            vars: Some(&frame.vars),
            rng: &self.rng,
        };
        env.eval_path(p)
    }

    pub(crate) fn apply_result_path(
        rp: &ResultPath,
        raw: &Value,
        result: Value,
    ) -> Result<Value, Failure> {
        match rp {
            ResultPath::Replace => Ok(result),
            ResultPath::Discard => Ok(raw.clone()),
            ResultPath::Path(p) => set_at(raw.clone(), p, result)
                .map_err(|e| Failure::new(errors::RESULT_PATH_MATCH_FAILURE, e.message)),
        }
    }

    pub(crate) fn run_jsonata_simple(
        &mut self,
        frame: &mut Frame,
        state: &State,
        wait_until: Option<i64>,
    ) -> Handled {
        if let Some(t) = wait_until {
            frame.clock = frame.clock.max(t);
        }
        let states_now = self.states_value(frame, None, None);
        let input = frame.input.clone();
        self.jsonata_finish(frame, state, states_now, input)
    }

    /// The JSONata tail of a state: Output (default: `default_output`) and Assign, both
    /// evaluated with the same `$states` and the variables from before the state, then the
    /// state's transition.
    pub(crate) fn jsonata_finish(
        &mut self,
        frame: &mut Frame,
        state: &State,
        states_now: Value,
        default_output: Value,
    ) -> Handled {
        let output = match &state.compiled.output {
            Some(t) => self.jsonata_eval(frame, t, states_now.clone(), "Output"),
            None => Ok(default_output.clone()),
        };
        let assigned = self.assign(
            frame,
            state.compiled.assign.as_ref(),
            &default_output,
            || states_now,
        );
        let output = match (output, assigned) {
            (Ok(o), Ok(())) => o,
            (Err(f), _) | (_, Err(f)) => return Err(f),
        };
        Ok(Step::Exit {
            output,
            next: state.next_id(),
        })
    }

    /// Assign (against the result), ResultPath, OutputPath, then leave the state along its
    /// transition.
    pub(crate) fn finish_data_flow(
        &mut self,
        frame: &mut Frame,
        state: &State,
        result: Value,
    ) -> Handled {
        self.assign(frame, state.compiled.assign.as_ref(), &result, || {
            Value::Null
        })?;
        let after_rp = Self::apply_result_path(&state.result_path, &frame.input, result)?;
        let output = self.apply_io(&state.output_path, &after_rp, frame)?;
        if let Some(v) = self.visit_mut(frame) {
            v.after_result_path = Some(after_rp);
        }
        Ok(Step::Exit {
            output,
            next: state.next_id(),
        })
    }

    /// `$states` for a JSONata expression: the state's input and the context object, plus
    /// `result` or `errorOutput` where AWS allows them.
    pub(crate) fn states_value(
        &self,
        frame: &Frame,
        extra: Option<(&str, Value)>,
        item: Option<(usize, &Value)>,
    ) -> Value {
        let mut m = Map::with_capacity_and_hasher(3, Default::default());
        m.insert(Rc::from("input"), frame.input.clone());
        m.insert(Rc::from("context"), self.context_value(frame, None, item));
        if let Some((k, v)) = extra {
            m.insert(Rc::from(k), v);
        }
        Value::from(m)
    }

    pub(crate) fn jsonata_eval(
        &self,
        frame: &Frame,
        t: &crate::jsonata::Template,
        states: Value,
        field: &str,
    ) -> Result<Value, Failure> {
        let scope = crate::jsonata::Scope {
            states,
            vars: Some(&frame.vars),
            now_ms: frame.clock,
            rng: &self.rng,
        };
        t.eval(&scope, field)
    }

    /// Evaluates a `{% %}` field given as text (`Seconds`, `TimeoutSeconds`, `Error`...).
    pub(crate) fn jsonata_text(
        &self,
        frame: &Frame,
        text: &str,
        field: &str,
    ) -> Result<Value, Failure> {
        let expr = crate::jsonata::parse(text)
            .map_err(|e| Failure::new(errors::QUERY_EVALUATION_ERROR, e.message))?;
        self.jsonata_eval(
            frame,
            &crate::jsonata::Template::Expr(expr),
            self.states_value(frame, None, None),
            field,
        )
    }

    /// Computes a state's `Assign` (either language) into `frame.pending_assign`. JSONPath
    /// Assign reads `$` as `doc` (the result, or the input for Choice and Wait).
    pub(crate) fn assign(
        &self,
        frame: &mut Frame,
        spec: Option<&AssignSpec>,
        doc: &Value,
        states: impl FnOnce() -> Value,
    ) -> Result<(), Failure> {
        let Some(spec) = spec else { return Ok(()) };
        let value = match spec {
            AssignSpec::JsonPath(t) => self.eval_template(t, doc, frame, None, None)?,
            AssignSpec::Jsonata(t) => self.jsonata_eval(frame, t, states(), "Assign")?,
        };
        match value {
            Value::Object(m) => {
                // AWS: at most 256 KiB of variables assigned by one state.
                let size = Value::Object(m.clone()).json_size();
                if size > MAX_PAYLOAD_BYTES {
                    return Err(Failure::new(errors::DATA_LIMIT_EXCEEDED, format!("The variables assigned by this state take {size} bytes, over the 256 KiB limit.")));
                }
                frame.pending_assign = Some(m);
                Ok(())
            }
            other => Err(Failure::new(
                errors::QUERY_EVALUATION_ERROR,
                format!("Assign must produce an object, not {}", other.type_name()),
            )),
        }
    }

    /// ResultSelector (JSONPath) or Output (JSONata), then the common tail.
    pub(crate) fn after_result(
        &mut self,
        frame: &mut Frame,
        state: &State,
        result: Value,
    ) -> Handled {
        if state.query_language == QueryLanguage::Jsonata {
            if let Some(v) = self.visit_mut(frame) {
                v.result = Some(result.clone());
            }
            let states_now = self.states_value(frame, Some(("result", result.clone())), None);
            return self.jsonata_finish(frame, state, states_now, result);
        }
        let selected = match &state.result_selector {
            Some(t) => self.eval_template(t, &result, frame, None, None)?,
            None => result.clone(),
        };
        if let Some(v) = self.visit_mut(frame) {
            v.result = Some(result);
            if state.result_selector.is_some() {
                v.after_result_selector = Some(selected.clone());
            }
        }
        self.finish_data_flow(frame, state, selected)
    }

    /// Evaluates a payload template given as raw JSON (ItemReader, ItemBatcher and
    /// ResultWriter parameters) in the state's query language.
    pub(crate) fn eval_raw_template(
        &self,
        frame: &Frame,
        state: &State,
        raw: &Value,
        input: &Value,
        field: &str,
    ) -> Result<Value, Failure> {
        if state.query_language == QueryLanguage::Jsonata {
            let t = crate::jsonata::compile(raw).map_err(|e| {
                let message = e
                    .first()
                    .map(|(_, s)| s.message.clone())
                    .unwrap_or_default();
                Failure::new(errors::QUERY_EVALUATION_ERROR, message)
            })?;
            self.jsonata_eval(frame, &t, self.states_value(frame, None, None), field)
        } else {
            let t = crate::template::compile(raw).map_err(|_| {
                Failure::runtime(format!(
                    "The field '{field}' holds an invalid payload template"
                ))
            })?;
            self.eval_template(&t, input, frame, None, None)
        }
    }
}
