//! Parallel branches and inline Map iterations: starting them, scheduling them on the virtual
//! clock, collecting their results.

use super::*;

impl Execution {
    pub(crate) fn start_container(&mut self, frame: &mut Frame, state: &State) -> Handled {
        let effective = self.state_input(frame, state)?;
        if let Some(v) = self.visit_mut(frame) {
            v.after_input_path = Some(effective.clone());
        }
        match &state.kind {
            Kind::Parallel { branches } => {
                self.start_parallel(frame, state, branches.len(), effective)
            }
            Kind::Map(spec) => self.start_map(frame, state, spec, effective),
            _ => Err(Failure::runtime("not a Map or Parallel state")),
        }
    }

    fn start_parallel(
        &mut self,
        frame: &mut Frame,
        state: &State,
        count: usize,
        effective: Value,
    ) -> Handled {
        let branch_input = self.arguments(frame, state, &effective, None)?;
        if let Some(v) = self.visit_mut(frame) {
            v.after_parameters = state.parameters.as_ref().map(|_| branch_input.clone());
        }
        let id = self.emit(frame, EventKind::ParallelStateStarted);
        if let Some(outcome) = self.test_container_mock(frame) {
            return self.mocked_container(frame, state, outcome, false);
        }
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

    fn start_map(
        &mut self,
        frame: &mut Frame,
        state: &State,
        spec: &MapSpec,
        effective: Value,
    ) -> Handled {
        let items = self.map_items(frame, state, spec, &effective)?;
        let max_concurrency = self.max_concurrency(frame, spec, &effective)?;
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
        if let Some(outcome) = self.test_container_mock(frame) {
            let outcome = self.tested_map_outcome(frame, spec, &effective, count, outcome)?;
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

    /// `MaxConcurrency`, `MaxConcurrencyPath` or a JSONata `MaxConcurrency`.
    fn max_concurrency(
        &self,
        frame: &Frame,
        spec: &MapSpec,
        effective: &Value,
    ) -> Result<u64, Failure> {
        Ok(match &spec.max_concurrency {
            Dyn::Const(c) => *c,
            Dyn::Path(p) => match self.eval_path_on(p, effective, frame) {
                Ok(v) => match v.as_number().and_then(|n| n.as_i64()).filter(|n| *n >= 0) {
                    Some(n) => n as u64,
                    None => {
                        return Err(Failure::runtime(format!("The MaxConcurrencyPath field refers to value {} which is not a valid integer: {}", v.to_json(), p.source)))
                    }
                },
                Err(e) => return Err(io_failure(p, &e)),
            },
            Dyn::Jsonata(text) => match self.jsonata_text(frame, text, "MaxConcurrency")? {
                Value::Number(n) if n.as_i64().is_some_and(|c| c >= 0) => n.as_i64().unwrap_or(0) as u64,
                other => return Err(Failure::new(errors::QUERY_EVALUATION_ERROR, format!("MaxConcurrency must evaluate to a non-negative integer, but it returned {}", other.to_json()))),
            },
        })
    }

    /// A Map or Parallel has its result: over AWS's 256 KiB it fails at this state with
    /// States.DataLimitExceeded (the next state was blamed before), else the data flow goes on.
    pub(crate) fn container_succeeded(
        &mut self,
        frame: &mut Frame,
        state: &State,
        map: bool,
        result: Value,
    ) -> Handled {
        let (succeeded, failed) = if map {
            (EventKind::MapStateSucceeded, EventKind::MapStateFailed)
        } else {
            (
                EventKind::ParallelStateSucceeded,
                EventKind::ParallelStateFailed,
            )
        };
        if let Some(f) = self.payload_failure(&result, &state.name) {
            self.emit(frame, failed);
            return Err(f);
        }
        self.emit(frame, succeeded);
        self.after_result(frame, state, result)
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
                self.container_succeeded(frame, state, map, v)
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
                    cause,
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
        let path = crate::query::path::JsonPath::parse(src)
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
            let is_map = run.is_map;
            return self.container_succeeded(frame, state, is_map, results);
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
                let input = self.item_input(frame, state, spec, &run.effective, index, item);
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
            self.pending_child = Some(ChildDone {
                index,
                result: Err(Failure::runtime("The branch has no start state")),
                end: start,
                last_event: last,
            });
            return Ok(Step::Stay(Phase::Container(run)));
        };
        let vars = Rc::new(VarScope {
            vars: Map::default(),
            parent: Some(frame.vars.clone()),
        });
        let depth = frame.depth + 1;
        let child = Frame {
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
        };
        Ok(Step::Child {
            phase: Phase::Container(run),
            child,
        })
    }
}
