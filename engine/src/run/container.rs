//! Parallel branches and inline Map iterations: starting them, scheduling them on the virtual
//! clock, collecting their results.

use super::*;

impl Execution {
    pub(crate) fn start_container(&mut self, frame: &mut Frame, state: &State) -> Handled {
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        let effective = self.effective_input(frame, state)?;
        if let Some(v) = self.visit_mut(frame) {
            v.after_input_path = Some(effective.clone());
        }
        match &state.kind {
            Kind::Parallel { branches } => {
                let branch_input = match (&state.parameters, &state.compiled.arguments) {
                    (_, Some(t)) if jsonata => self.jsonata_eval(
                        frame,
                        t,
                        self.states_value(frame, None, None),
                        "Arguments",
                    )?,
                    (Some(p), _) if !jsonata => {
                        self.eval_template(p, &effective, frame, None, None)?
                    }
                    _ => effective,
                };
                if let Some(v) = self.visit_mut(frame) {
                    v.after_parameters = state.parameters.as_ref().map(|_| branch_input.clone());
                }
                let id = self.emit(frame, EventKind::ParallelStateStarted);
                if let Some(outcome) = self.test_container_mock(frame) {
                    return self.mocked_container(frame, state, outcome, false);
                }
                let count = branches.len();
                let run = ContainerRun {
                    is_map: false,
                    effective: branch_input,
                    items: None,
                    count,
                    results: Vec::with_capacity(count),
                    next_child: 0,
                    slots: vec![frame.clock; count.max(1)],
                    start_time: frame.clock,
                    end_time: frame.clock,
                    started_event: id,
                };
                Ok(Step::Stay(Phase::Container(Box::new(run))))
            }
            Kind::Map(spec) => {
                let test_items = self
                    .cfg
                    .test_state
                    .as_ref()
                    .and_then(|t| t.item_reader_data.clone())
                    .filter(|_| frame.depth == 0 && spec.item_reader.is_some());
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
                    (_, Some(t)) if jsonata => match self.jsonata_eval(
                        frame,
                        t,
                        self.states_value(frame, None, None),
                        "Items",
                    ) {
                        Ok(v @ Value::Array(_)) => v,
                        Ok(other) => {
                            let q = t
                                .single()
                                .map_or(String::new(), |e| crate::jsonata::quoted(e).to_string());
                            let f = Failure::new(errors::QUERY_EVALUATION_ERROR, format!("The JSONata expression '{q}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '{}' for value: {}", other.type_name(), other.to_json())).at("Items");
                            return Err(f);
                        }
                        Err(f) => return Err(f),
                    },
                    (Some(p), _) => match self.eval_path_on(p, &effective, frame) {
                        Ok(v) => v,
                        Err(e) => return Err(io_failure(p, &e)),
                    },
                    _ => effective.clone(),
                };
                let Value::Array(items) = items else {
                    // AWS-recorded wording (JSONata: States.QueryEvaluationError).
                    let message = match (&spec.items_path, &self.cfg.test_state) {
                        // AWS-recorded: TestState words it after the path (`$$` shown as `$`).
                        (Some(p), Some(_)) if frame.depth == 0 => format!(
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
                let max_concurrency = match &spec.max_concurrency {
                    Dyn::Const(c) => *c,
                    Dyn::Path(p) => match self.eval_path_on(p, &effective, frame) {
                        Ok(v) => match v.as_number().and_then(|n| n.as_i64()).filter(|n| *n >= 0) {
                            Some(n) => n as u64,
                            None => {
                                return Err(Failure::runtime(format!("The MaxConcurrencyPath field refers to value {} which is not a valid integer: {}", v.to_json(), p.source)))
                            }
                        },
                        Err(e) => return Err(io_failure(p, &e)),
                    },
                    Dyn::Jsonata(text) => match self.jsonata_text(frame, text, "MaxConcurrency") {
                        Ok(Value::Number(n)) if n.as_i64().is_some_and(|c| c >= 0) => n.as_i64().unwrap_or(0) as u64,
                        Ok(other) => return Err(Failure::new(errors::QUERY_EVALUATION_ERROR, format!("MaxConcurrency must evaluate to a non-negative integer, but it returned {}", other.to_json()))),
                        Err(f) => return Err(f),
                    },
                };
                let count = items.len();
                let width = match (spec.mode, max_concurrency) {
                    (MapMode::Inline, 0) => INLINE_MAP_MAX_CONCURRENCY,
                    (MapMode::Inline, c) => (c as usize).min(INLINE_MAP_MAX_CONCURRENCY),
                    (MapMode::Distributed, 0) => 10_000,
                    (MapMode::Distributed, c) => c as usize,
                };
                let id = self.emit(frame, EventKind::MapStateStarted { length: count });
                if let Some(v) = self.visit_mut(frame) {
                    v.map = Some(Box::new(MapVisit {
                        after_items_path: Value::Array(items.clone()),
                        max_concurrency,
                        ..Default::default()
                    }));
                }
                if let Some(mut outcome) = self.test_container_mock(frame) {
                    let (c, p) = self.tolerated(frame, spec, &effective)?;
                    if let Some(v) = self.visit_mut(frame) {
                        if let Some(m) = &mut v.map {
                            m.tolerated_failure_count = c;
                            m.tolerated_failure_percentage = p;
                        }
                    }
                    let failed = self.cfg.test_state.as_ref().map_or(0, |t| t.map_failures);
                    // AWS-recorded: with no threshold set, TestState lets the failures pass.
                    let exceeded = match (c, p) {
                        (None, None) => false,
                        (c, p) => {
                            c.is_some_and(|c| failed > c)
                                || p.is_some_and(|p| failed as f64 * 100.0 > p * count as f64)
                        }
                    };
                    if exceeded && matches!(outcome, Outcome::Return(_)) {
                        outcome = Outcome::Throw {
                            error: Rc::from(errors::EXCEED_TOLERATED_FAILURE_THRESHOLD),
                            cause: Some(Rc::from(
                                "The specified tolerated failure threshold was exceeded",
                            )),
                        };
                    }
                    return self.mocked_container(frame, state, outcome, true);
                }
                if spec.mode == MapMode::Distributed {
                    return self.start_map_run(frame, state, spec, effective, items, width);
                }
                let run = ContainerRun {
                    is_map: true,
                    effective,
                    items: Some(items),
                    count,
                    results: Vec::with_capacity(count),
                    next_child: 0,
                    slots: vec![frame.clock; width.clamp(1, count.max(1))],
                    start_time: frame.clock,
                    end_time: frame.clock,
                    started_event: id,
                };
                Ok(Step::Stay(Phase::Container(Box::new(run))))
            }
            _ => Err(Failure::runtime("not a Map or Parallel state")),
        }
    }

    /// TestState's mocked result or error for the tested Map or Parallel.
    pub(crate) fn test_container_mock(&self, frame: &Frame) -> Option<Outcome> {
        (frame.depth == 0)
            .then(|| self.cfg.test_state.as_ref()?.container_mock.clone())
            .flatten()
    }

    /// A Map or Parallel whose children do not run: the mock is its result (or its error).
    pub(crate) fn mocked_container(
        &mut self,
        frame: &mut Frame,
        state: &State,
        outcome: Outcome,
        map: bool,
    ) -> Handled {
        match outcome {
            Outcome::Return(v) => {
                if let Some(visit) = self.visit_mut(frame) {
                    visit.result = Some(v.clone());
                }
                self.emit(
                    frame,
                    if map {
                        EventKind::MapStateSucceeded
                    } else {
                        EventKind::ParallelStateSucceeded
                    },
                );
                self.after_result(frame, state, v)
            }
            Outcome::Throw { error, cause } => {
                self.emit(
                    frame,
                    if map {
                        EventKind::MapStateFailed
                    } else {
                        EventKind::ParallelStateFailed
                    },
                );
                Err(Failure {
                    error,
                    cause: cause.map(|c| c.to_string()),
                    location: None,
                })
            }
        }
    }

    /// A count given as a number or by a `...Path` field into `input`.
    pub(crate) fn count_field(
        &self,
        frame: &Frame,
        obj: Option<&Value>,
        field: &str,
        input: &Value,
    ) -> Result<Option<usize>, Failure> {
        let Some(obj) = obj else { return Ok(None) };
        if let Some(n) = obj.get(field).and_then(Value::as_number) {
            return Ok(n.as_i64().map(|n| n.max(0) as usize));
        }
        let path_field = format!("{field}Path");
        let Some(src) = obj.get(&path_field).and_then(Value::as_str) else {
            return Ok(None);
        };
        let path = crate::path::JsonPath::parse(src)
            .map_err(|_| Failure::runtime(format!("Invalid path '{src}' in {path_field}")))?;
        let v = self
            .eval_path_on(&path, input, frame)
            .map_err(|e| io_failure(&path, &e))?;
        match v.as_number().and_then(|n| n.as_i64()).filter(|n| *n >= 0) {
            Some(n) => Ok(Some(n as usize)),
            None => Err(Failure::runtime(format!(
                "The {path_field} field refers to value {} which is not a valid integer: {src}",
                v.to_json()
            ))),
        }
    }

    /// Starts the next child of a container, or finishes the container.
    pub(crate) fn container_next(
        &mut self,
        frame: &mut Frame,
        mut run: Box<ContainerRun>,
    ) -> Handled {
        let graph = frame.graph.clone();
        let state = &graph.states[frame.state];
        if run.next_child >= run.count {
            frame.clock = run.end_time.max(run.start_time);
            let results = Value::from(std::mem::take(&mut run.results));
            self.emit(
                frame,
                if run.is_map {
                    EventKind::MapStateSucceeded
                } else {
                    EventKind::ParallelStateSucceeded
                },
            );
            return self.after_result(frame, state, results);
        }
        let index = run.next_child;
        run.next_child += 1;
        // The earliest free slot decides when this child starts.
        let start = run.slots.iter().copied().min().unwrap_or(run.start_time);
        let (child_graph, child_input) = match &state.kind {
            Kind::Parallel { branches } => (branches[index].clone(), Ok(run.effective.clone())),
            Kind::Map(spec) => {
                let item = run
                    .items
                    .as_ref()
                    .and_then(|i| i.get(index))
                    .cloned()
                    .unwrap_or_default();
                let input = match (&spec.item_selector, &state.compiled.item_selector) {
                    (_, Some(t)) if state.query_language == QueryLanguage::Jsonata => {
                        let st = self.states_value(frame, None, Some((index, &item)));
                        self.jsonata_eval(frame, t, st, "ItemSelector")
                    }
                    (Some(sel), _) => {
                        self.eval_template(sel, &run.effective, frame, None, Some((index, &item)))
                    }
                    _ => Ok(item),
                };
                (spec.processor.clone(), input)
            }
            _ => return Err(Failure::runtime("not a Map or Parallel state")),
        };
        let child_input = match child_input {
            Ok(v) => v,
            Err(f) => {
                self.emit(frame, EventKind::MapStateFailed);
                return Err(f);
            }
        };
        let mut last = run.started_event.max(frame.last_event);
        if run.is_map {
            let name = state.name.clone();
            let t = frame.clock;
            frame.clock = start;
            last = self.emit(frame, EventKind::MapIterationStarted { name, index });
            frame.clock = t;
        }
        let Some(start_id) = child_graph.start else {
            self.pending_child = Some((
                index,
                Err(Failure::runtime("The branch has no start state")),
                start,
                last,
            ));
            return Ok(Step::Stay(Phase::Container(run)));
        };
        let vars = Rc::new(VarScope {
            vars: Map::default(),
            parent: Some(frame.vars.clone()),
        });
        let depth = frame.depth + 1;
        let child = Box::new(Frame {
            retry_counts: vec![0; child_graph.states[start_id].retry.len()],
            graph: child_graph,
            origin: if depth > 0 && matches!(state.kind, Kind::Map(_)) {
                Origin::Iteration(index)
            } else {
                Origin::Branch(index)
            },
            state: start_id,
            input: child_input,
            phase: Phase::Enter,
            clock: start,
            last_event: last,
            entered_event: 0,
            entered_time: start,
            vars,
            visit: None,
            depth,
            pending_assign: None,
        });
        Ok(Step::Child {
            phase: Phase::Container(run),
            child,
        })
    }
}
