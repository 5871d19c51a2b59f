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
        if let Some(t) = self.tested(frame) {
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
        if let Some(over) = self.tested(frame).and_then(|t| t.context.as_ref()) {
            // AWS-recorded: a given context object is the context object (nothing generated).
            out = over.clone();
        }
        out
    }

    // The stages of a state's data flow. These are the only functions of the interpreter that
    // ask which query language a state uses; the handlers call them and never ask.

    /// The state's input: as it is (JSONata), or after InputPath (JSONPath).
    pub(crate) fn state_input(&self, frame: &Frame, state: &State) -> Result<Value, Failure> {
        match state.query_language {
            QueryLanguage::Jsonata => Ok(frame.input.clone()),
            QueryLanguage::JsonPath => self.apply_io(&state.input_path, &frame.input, frame),
        }
    }

    /// What the state works on: `Arguments` (JSONata, `$states.context.Task.Token` set for a
    /// callback) or `Parameters` over `input` (JSONPath, `$$.Task.Token`); without them, the
    /// input.
    pub(crate) fn arguments(
        &self,
        frame: &Frame,
        state: &State,
        input: &Value,
        token: Option<&Rc<str>>,
    ) -> Result<Value, Failure> {
        match state.query_language {
            QueryLanguage::Jsonata => match &state.compiled.arguments {
                Some(t) => {
                    let mut st = self.states_value(frame, None, None);
                    if let (Some(tok), Value::Object(m)) = (token, &mut st) {
                        if let Some(Value::Object(c)) = Rc::make_mut(m).get_mut("context") {
                            Rc::make_mut(c).insert(
                                Rc::from("Task"),
                                crate::obj! { "Token" => Value::String(tok.clone()) },
                            );
                        }
                    }
                    self.jsonata_eval(frame, t, st, "Arguments")
                }
                None => Ok(input.clone()),
            },
            QueryLanguage::JsonPath => match &state.parameters {
                Some(p) => self.eval_template(p, input, frame, token, None),
                None => Ok(input.clone()),
            },
        }
    }

    /// A Pass state's result: `Result`, or `Parameters` over its input (JSONPath). A JSONata
    /// Pass has none: it leaves with `Output` and `Assign`.
    pub(crate) fn pass_result(
        &self,
        frame: &Frame,
        state: &State,
        result: Option<&Value>,
        effective: &Value,
    ) -> Result<Option<Value>, Failure> {
        match (state.query_language, result) {
            (QueryLanguage::Jsonata, _) => Ok(None),
            (QueryLanguage::JsonPath, Some(r)) => Ok(Some(r.clone())),
            (QueryLanguage::JsonPath, None) => {
                self.arguments(frame, state, effective, None).map(Some)
            }
        }
    }

    /// A Map iteration's input: `ItemSelector` (either language) over item `index`, or the item.
    pub(crate) fn item_input(
        &self,
        frame: &Frame,
        state: &State,
        spec: &MapSpec,
        effective: &Value,
        index: usize,
        item: Value,
    ) -> Result<Value, Failure> {
        match (
            state.query_language,
            &spec.item_selector,
            &state.compiled.item_selector,
        ) {
            (QueryLanguage::Jsonata, _, Some(t)) => {
                let st = self.states_value(frame, None, Some((index, &item)));
                self.jsonata_eval(frame, t, st, "ItemSelector")
            }
            (_, Some(sel), _) => {
                self.eval_template(sel, effective, frame, None, Some((index, &item)))
            }
            _ => Ok(item),
        }
    }

    /// A Map's items: read by `ItemReader`, `Items` (JSONata) or `ItemsPath` (JSONPath), which
    /// must give an array.
    pub(crate) fn map_items(
        &mut self,
        frame: &Frame,
        state: &State,
        spec: &MapSpec,
        effective: &Value,
    ) -> Result<Rc<Vec<Value>>, Failure> {
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let effective = effective.clone();
        let test_items = self
            .tested(frame)
            .and_then(|t| t.item_reader_data.clone())
            .filter(|_| spec.item_reader.is_some());
        let read = match test_items {
            Some(Value::Array(a)) => Some(Ok(a.as_ref().clone())),
            Some(other) => Some(Ok(vec![other])),
            None => spec
                .item_reader
                .as_ref()
                .map(|r| self.read_items(frame, state, r, &effective)),
        };
        let items = match (&spec.items_path, &state.compiled.items) {
            _ if read.is_some() => match read {
                Some(Ok(items)) => Value::from(items),
                Some(Err(f)) => return Err(f),
                None => Value::Null,
            },
            (_, Some(t)) if jsonata => {
                match self.jsonata_eval(frame, t, self.states_value(frame, None, None), "Items") {
                    Ok(v @ Value::Array(_)) => v,
                    Ok(other) => {
                        let q = t.single().map_or(String::new(), |e| {
                            crate::query::jsonata::quoted(e).to_string()
                        });
                        let f = Failure::new(errors::QUERY_EVALUATION_ERROR, format!("The JSONata expression '{q}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '{}' for value: {}", other.type_name(), other.to_json())).at("Items");
                        return Err(f);
                    }
                    Err(f) => return Err(f),
                }
            }
            (Some(p), _) => match self.eval_path_on(p, &effective, frame) {
                Ok(v) => v,
                Err(e) => return Err(io_failure(p, &e)),
            },
            _ => effective.clone(),
        };
        let Value::Array(items) = items else {
            // AWS-recorded wording (JSONata: States.QueryEvaluationError).
            let message = match (&spec.items_path, self.tested(frame)) {
                // AWS-recorded: TestState words it after the path (`$$` shown as `$`).
                (Some(p), Some(_)) => format!(
                    "Reference path \"{}\" must point to array.",
                    p.source.replacen("$$", "$", 1)
                ),
                _ => format!(
                    "Map state input must be an array but was: {}",
                    items.to_json()
                ),
            };
            // AWS-recorded: JSONata's EvaluationFailed here carries no location.
            let f = if jsonata {
                Failure::new(errors::QUERY_EVALUATION_ERROR, message).at("")
            } else {
                Failure::runtime(message)
            };
            return Err(f);
        };
        Ok(items)
    }

    /// Leaving a state that has no result (Pass, Succeed, Wait, Choice) along `next`: `Output`
    /// (default: the input) and `Assign` with `$states` (JSONata), or OutputPath and `Assign` over
    /// the effective input (JSONPath). A Choice rule may bring its own `output` and `assign`.
    pub(crate) fn leave(
        &mut self,
        frame: &mut Frame,
        state: &State,
        effective: Value,
        own: Option<(
            Option<&crate::query::jsonata::Template>,
            Option<&AssignSpec>,
        )>,
        next: Option<StateId>,
    ) -> Handled {
        let (output_t, assign) = own.unwrap_or((
            state.compiled.output.as_ref(),
            state.compiled.assign.as_ref(),
        ));
        let (output, assigned) = match state.query_language {
            QueryLanguage::Jsonata => {
                let st = self.states_value(frame, None, None);
                let output = match output_t {
                    Some(t) => self.jsonata_eval(frame, t, st.clone(), "Output"),
                    None => Ok(frame.input.clone()),
                };
                let input = frame.input.clone();
                (output, self.assign(frame, assign, &input, || st))
            }
            QueryLanguage::JsonPath => {
                let output = self.apply_io(&state.output_path, &effective, frame);
                let assigned = self.assign(frame, assign, &effective, || Value::Null);
                if let Some(v) = self.visit_mut(frame) {
                    v.after_input_path = Some(effective);
                }
                (output, assigned)
            }
        };
        let output = match (output, assigned) {
            (Ok(o), Ok(())) => o,
            (Err(f), _) | (_, Err(f)) => return Err(f),
        };
        Ok(Step::Exit { output, next })
    }

    /// What a catcher hands on: `Output` (default: the error output) and `Assign` with
    /// `$states.errorOutput` (JSONata), or `Assign` and the error output at `ResultPath`
    /// (JSONPath).
    pub(crate) fn catch_output(
        &self,
        frame: &mut Frame,
        state: &State,
        catcher: &Catcher,
        error_out: Value,
    ) -> Result<Value, Failure> {
        match state.query_language {
            QueryLanguage::Jsonata => {
                let st = self.states_value(frame, Some(("errorOutput", error_out.clone())), None);
                let output = match &catcher.compiled.output {
                    Some(t) => self.jsonata_eval(frame, t, st.clone(), "Output"),
                    None => Ok(error_out.clone()),
                }?;
                self.assign(frame, catcher.compiled.assign.as_ref(), &error_out, || st)?;
                Ok(output)
            }
            QueryLanguage::JsonPath => {
                self.assign(frame, catcher.compiled.assign.as_ref(), &error_out, || {
                    Value::Null
                })?;
                Self::apply_result_path(&catcher.result_path, &frame.input, error_out)
            }
        }
    }

    /// Does the state evaluate JSONata (its visit says so, for the inspector and TestState)?
    pub(crate) fn uses_jsonata(state: &State) -> bool {
        state.query_language == QueryLanguage::Jsonata
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
        t: &crate::query::template::Template,
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
    ) -> Result<Value, crate::query::path::PathError> {
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
        t: &crate::query::jsonata::Template,
        states: Value,
        field: &str,
    ) -> Result<Value, Failure> {
        let scope = crate::query::jsonata::Scope {
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
        let expr = crate::query::jsonata::parse(text)
            .map_err(|e| Failure::new(errors::QUERY_EVALUATION_ERROR, e.message))?;
        self.jsonata_eval(
            frame,
            &crate::query::jsonata::Template::Expr(expr),
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
                let Some(measure) = Value::Object(m.clone()).measure() else {
                    return Err(Failure::new(errors::NESTED_TOO_DEEP, format!("The variables assigned by this state are nested deeper than {} levels, more than the playground holds", crate::syntax::json::MAX_DEPTH)));
                };
                let size = measure.size;
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
            let t = crate::query::jsonata::compile(raw).map_err(|e| {
                let message = e
                    .first()
                    .map(|(_, s)| s.message.clone())
                    .unwrap_or_default();
                Failure::new(errors::QUERY_EVALUATION_ERROR, message)
            })?;
            self.jsonata_eval(frame, &t, self.states_value(frame, None, None), field)
        } else {
            let t = crate::query::template::compile(raw).map_err(|_| {
                Failure::runtime(format!(
                    "The field '{field}' holds an invalid payload template"
                ))
            })?;
            self.eval_template(&t, input, frame, None, None)
        }
    }
}
