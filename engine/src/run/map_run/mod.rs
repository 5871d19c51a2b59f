//! Distributed Map: the data its children read and write (`items`: ItemReader, ItemBatcher,
//! ResultWriter).

pub(crate) mod items;

use super::*;

impl Execution {
    pub(crate) fn read_items(
        &self,
        frame: &Frame,
        state: &State,
        reader: &Value,
        effective: &Value,
    ) -> Result<Vec<Value>, Failure> {
        let resource = reader.get("Resource").and_then(Value::as_str).unwrap_or("");
        let parameters = match reader.get("Parameters").or_else(|| reader.get("Arguments")) {
            Some(raw) => self.eval_raw_template(frame, state, raw, effective, "ItemReader")?,
            None => Value::object(),
        };
        let config = reader.get("ReaderConfig");
        let max_items = self.count_field(frame, config, "MaxItems", effective)?;
        crate::run::map_run::items::read_items(
            &self.cfg.s3,
            &crate::run::map_run::items::ReadRequest {
                resource,
                parameters: &parameters,
                config,
                max_items,
            },
        )
    }

    /// `ToleratedFailureCount(Path)` and `ToleratedFailurePercentage(Path)`, with AWS's errors.
    pub(crate) fn tolerated(
        &self,
        frame: &Frame,
        spec: &MapSpec,
        effective: &Value,
    ) -> Result<(Option<u64>, Option<f64>), Failure> {
        // AWS-recorded: the offending value is quoted, a string as is, anything else as JSON.
        let shown = |v: &Value| v.as_str().map_or_else(|| v.to_json(), str::to_string);
        let count = match &spec.tolerated_failure_count {
            None => None,
            Some(Dyn::Const(c)) => Some(*c),
            Some(Dyn::Path(p)) => {
                let v = self
                    .eval_path_on(p, effective, frame)
                    .map_err(|e| io_failure(p, &e))?;
                // AWS-recorded: a numeric string ("1") is accepted too.
                let n = match &v {
                    Value::String(s) => s.trim().parse::<i64>().ok(),
                    _ => v.as_number().and_then(|n| n.as_i64()),
                };
                match n {
                    Some(n) if n < 0 => {
                        return Err(Failure::runtime("ToleratedFailureCount cannot be negative."))
                    }
                    Some(n) => Some(n as u64),
                    None => return Err(Failure::runtime(format!("The ToleratedFailureCountPath field refers to value \"{}\" which is not a valid integer: {}", shown(&v), p.source))),
                }
            }
            Some(Dyn::Jsonata(text)) => match self.jsonata_text(frame, text, "ToleratedFailureCount")? {
                Value::Number(n) if n.as_i64().is_some_and(|c| c >= 0) => n.as_i64().map(|c| c as u64),
                other => return Err(Failure::new(errors::QUERY_EVALUATION_ERROR, format!("ToleratedFailureCount must evaluate to a non-negative integer, but it returned {}", other.to_json()))),
            },
        };
        let in_range = |p: f64| {
            if (0.0..=100.0).contains(&p) {
                Ok(p)
            } else {
                Err(Failure::runtime(
                    "ToleratedFailurePercentage must be between 0 and 100.",
                ))
            }
        };
        let percentage = match &spec.tolerated_failure_percentage {
            None => None,
            Some(Dyn::Const(p)) => Some(*p),
            Some(Dyn::Path(p)) => {
                let v = self
                    .eval_path_on(p, effective, frame)
                    .map_err(|e| io_failure(p, &e))?;
                let n = match &v {
                    Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
                    _ => v.as_number().map(|n| n.as_f64()),
                };
                match n {
                    Some(n) => Some(in_range(n)?),
                    None => return Err(Failure::runtime(format!("The ToleratedFailurePercentagePath field refers to value \"{}\" which is not a valid float: {}", shown(&v), p.source))),
                }
            }
            Some(Dyn::Jsonata(text)) => {
                match self.jsonata_text(frame, text, "ToleratedFailurePercentage")? {
                    Value::Number(n) => Some(in_range(n.as_f64())?),
                    other => return Err(Failure::new(errors::QUERY_EVALUATION_ERROR, format!("ToleratedFailurePercentage must evaluate to a number, but it returned {}", other.to_json()))),
                }
            }
        };
        Ok((count, percentage))
    }

    /// Region, account and name of this execution's state machine, from its ARN.
    pub(crate) fn arn_parts(&self) -> (String, String, String) {
        let arn = self.cfg.context.state_machine_id.as_str().unwrap_or("");
        let parts: Vec<&str> = arn.splitn(7, ':').collect();
        let get = |i: usize, d: &str| parts.get(i).copied().unwrap_or(d).to_string();
        (
            get(3, crate::syntax::substitute::REGION),
            get(4, crate::syntax::substitute::ACCOUNT),
            get(6, "playground"),
        )
    }

    /// A Distributed Map after `MapStateStarted`: thresholds, item inputs and batches, then
    /// `MapRunStarted`; the children run one per `advance`.
    pub(crate) fn start_map_run(
        &mut self,
        frame: &mut Frame,
        state: &State,
        spec: &MapSpec,
        effective: Value,
        items: Rc<Vec<Value>>,
        width: usize,
    ) -> Handled {
        let (tolerated_count, tolerated_percentage) = self.tolerated(frame, spec, &effective)?;
        let mut inputs = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let input = self.item_input(frame, state, spec, &effective, index, item.clone());
            match input {
                Ok(v) => inputs.push(v),
                Err(f) => return Err(f),
            }
        }
        let total_items = inputs.len();
        let inputs = match &spec.item_batcher {
            Some(b) => {
                let sizes = self
                    .count_field(frame, Some(b), "MaxItemsPerBatch", &effective)
                    .and_then(|n| {
                        Ok((
                            n,
                            self.count_field(frame, Some(b), "MaxInputBytesPerBatch", &effective)?,
                        ))
                    });
                let batch_input = match b.get("BatchInput") {
                    Some(raw) => self
                        .eval_raw_template(frame, state, raw, &effective, "BatchInput")
                        .map(Some),
                    None => Ok(None),
                };
                match (sizes, batch_input) {
                    (Ok((n, bytes)), Ok(bi)) => {
                        crate::run::map_run::items::batches(inputs, n, bytes, bi.as_ref())
                    }
                    (Err(f), _) | (_, Err(f)) => return Err(f),
                }
            }
            None => inputs.into_iter().map(|v| (v, 1)).collect(),
        };
        let (region, account, machine) = self.arn_parts();
        let label = spec
            .label
            .clone()
            .unwrap_or_else(|| Rc::from(self.rng.uuid().as_str()));
        let run_id = self.rng.uuid();
        let map_run_arn: Rc<str> = Rc::from(format!(
            "arn:aws:states:{region}:{account}:mapRun:{machine}/{label}:{run_id}"
        ));
        self.map_runs.push(MapRunSummary {
            state: state.name.clone(),
            map_run_arn: map_run_arn.clone(),
            label: spec.label.clone(),
            execution_type: spec.execution_type,
            items: total_items,
            children: inputs.len(),
            succeeded_items: 0,
            failed_items: 0,
            succeeded_children: 0,
            failed_children: 0,
            tolerated_failure_count: tolerated_count,
            tolerated_failure_percentage: tolerated_percentage,
            child_transitions: 0,
            child_duration_ms: 0,
            child_billed_ms: 0,
            status: MapRunStatus::Running,
            samples: Vec::new(),
            written: Vec::new(),
        });
        self.emit(frame, EventKind::MapRunStarted { map_run_arn });
        let machine_def = Rc::new(StateMachine {
            graph: spec.processor.clone(),
            comment: None,
            timeout_seconds: None,
            query_language: state.query_language,
            definition_size: 0,
        });
        let run = MapRun {
            machine: machine_def,
            next: 0,
            slots: std::iter::repeat_n(
                std::cmp::Reverse(frame.clock),
                width.clamp(1, inputs.len().max(1)),
            )
            .collect(),
            start_time: frame.clock,
            end_time: frame.clock,
            tolerated_count,
            tolerated_percentage,
            keep_records: spec.result_writer.is_some(),
            outputs: Vec::new(),
            records: Vec::new(),
            summary_index: self.map_runs.len() - 1,
            inputs,
        };
        Ok(Step::Stay(Phase::MapRun(Box::new(run))))
    }

    /// Runs the next child execution of a Map Run, or ends the run.
    pub(crate) fn map_run_next(&mut self, frame: &mut Frame, mut run: Box<MapRun>) -> Handled {
        let graph = frame.graph.clone();
        let state = &graph.states[frame.state];
        let Kind::Map(spec) = &state.kind else {
            return Err(Failure::runtime("not a Map state"));
        };
        let summary = &self.map_runs[run.summary_index];
        let failed = summary.failed_items;
        let exceeded = test_state::exceeds_tolerance(
            run.tolerated_count,
            run.tolerated_percentage,
            failed,
            summary.items as u64,
            failed > 0,
        );
        if exceeded || run.next >= run.inputs.len() {
            return self.map_run_finish(frame, run, spec, state, exceeded);
        }
        let index = run.next;
        run.next += 1;
        let start = run.slots.pop().map_or(run.start_time, |r| r.0);
        let (input, carried) = std::mem::take(&mut run.inputs[index]);
        let (region, account, machine) = self.arn_parts();
        let label = spec.label.clone().unwrap_or_else(|| Rc::from(&*state.name));
        let name = self.rng.uuid();
        let kind = match spec.execution_type {
            WorkflowType::Express => "express",
            WorkflowType::Standard => "execution",
        };
        let context = ExecutionContext {
            execution_id: Value::from(format!(
                "arn:aws:states:{region}:{account}:{kind}:{machine}/{label}:{name}"
            )),
            execution_name: Value::from(name.as_str()),
            role_arn: self.cfg.context.role_arn.clone(),
            state_machine_id: Value::from(format!(
                "arn:aws:states:{region}:{account}:stateMachine:{machine}/{label}"
            )),
            state_machine_name: Value::from(format!("{machine}/{label}")),
        };
        let sample = index < CHILD_SAMPLE;
        let cfg = self.cfg.child(
            spec.execution_type,
            start,
            self.rng.next_u64(),
            context,
            sample,
        );
        let mut child = self.start_child(run.machine.clone(), input.clone(), cfg);
        child.run();
        if matches!(child.status, Status::WaitingForCallback { .. }) {
            child.abort();
        }
        let duration = child.duration_ms();
        let end = start.saturating_add(duration);
        run.slots.push(std::cmp::Reverse(end));
        run.end_time = run.end_time.max(end);
        let result = match &child.status {
            Status::Succeeded { output } => Ok(output.clone()),
            Status::Failed { error, cause } | Status::TimedOut { error, cause } => {
                Err((error.clone(), cause.clone()))
            }
            _ => Err((
                Some(Rc::from(errors::RUNTIME)),
                Some(Rc::from("The child execution waited for a task token; the playground does not answer callbacks inside Distributed Map children (give the Task a mock).")),
            )),
        };
        let ok = result.is_ok();
        let summary = &mut self.map_runs[run.summary_index];
        if ok {
            summary.succeeded_items += carried as u64;
            summary.succeeded_children += 1;
        } else {
            summary.failed_items += carried as u64;
            summary.failed_children += 1;
        }
        summary.child_transitions += child.transitions();
        summary.child_duration_ms += duration;
        summary.child_billed_ms += (duration.max(1) + 99) / 100 * 100;
        let failed_samples = summary
            .samples
            .iter()
            .filter(|s| !matches!(s.status, Status::Succeeded { .. }))
            .count();
        let execution_arn: Rc<str> =
            Rc::from(child.cfg.context.execution_id.as_str().unwrap_or_default());
        if sample || (!ok && failed_samples < FAILED_SAMPLE) {
            summary.samples.push(ChildSample {
                index,
                name: Rc::from(name.as_str()),
                input: input.clone(),
                status: child.status.clone(),
                execution: Rc::new(std::cell::RefCell::new(child)),
            });
        }
        if run.keep_records {
            run.records.push(crate::run::map_run::items::ChildOutcome {
                execution_arn,
                name: Rc::from(name.as_str()),
                input,
                start_ms: start,
                stop_ms: end,
                result,
            });
        } else {
            run.outputs.push(match result {
                Ok(v) => v,
                // Not recorded on AWS: a tolerated failure's place holds its error.
                Err((e, c)) => crate::obj! {
                    "Error" => e.as_deref().map_or(Value::Null, Value::from),
                    "Cause" => c.as_deref().map_or(Value::Null, Value::from),
                },
            });
        }
        Ok(Step::Stay(Phase::MapRun(run)))
    }

    pub(crate) fn map_run_finish(
        &mut self,
        frame: &mut Frame,
        run: Box<MapRun>,
        spec: &MapSpec,
        state: &State,
        exceeded: bool,
    ) -> Handled {
        frame.clock = run.end_time.max(run.start_time);
        let summary_index = run.summary_index;
        if exceeded {
            let cause = "The specified tolerated failure threshold was exceeded";
            self.map_runs[summary_index].status = MapRunStatus::Failed;
            self.emit(
                frame,
                EventKind::MapRunFailed {
                    error: Some(Rc::from(errors::EXCEED_TOLERATED_FAILURE_THRESHOLD)),
                    cause: Some(Rc::from(cause)),
                },
            );
            self.emit(frame, EventKind::MapStateFailed);
            return Err(Failure::new(
                errors::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                cause,
            ));
        }
        self.map_runs[summary_index].status = MapRunStatus::Succeeded;
        self.emit(frame, EventKind::MapRunSucceeded);
        let result = match &spec.result_writer {
            None => Ok(Value::from(run.outputs)),
            Some(writer) => self.write_results(frame, state, writer, &run, summary_index),
        };
        match result {
            Ok(result) => self.container_succeeded(frame, state, true, result),
            Err(f) => {
                self.emit(frame, EventKind::MapStateFailed);
                Err(f)
            }
        }
    }

    /// `ResultWriter`: with `WriterConfig` only, the transformed results are the output; with
    /// a `Resource`, the files are "written" to the simulated bucket (kept in the Map Run
    /// summary) and the output names the manifest, as AWS's does.
    pub(crate) fn write_results(
        &mut self,
        frame: &Frame,
        state: &State,
        writer: &Value,
        run: &MapRun,
        summary_index: usize,
    ) -> Result<Value, Failure> {
        let config = writer.get("WriterConfig");
        let has_resource = writer.get("Resource").is_some();
        let transformation = config
            .and_then(|c| c.get("Transformation"))
            .and_then(Value::as_str)
            .unwrap_or(if has_resource { "NONE" } else { "COMPACT" });
        let jsonl = config
            .and_then(|c| c.get("OutputType"))
            .and_then(Value::as_str)
            == Some("JSONL");
        let (region, account, machine) = self.arn_parts();
        let label = self.map_runs[summary_index]
            .label
            .clone()
            .unwrap_or_else(|| state.name.clone());
        let machine_arn =
            format!("arn:aws:states:{region}:{account}:stateMachine:{machine}/{label}");
        if !has_resource {
            return Ok(crate::run::map_run::items::transform(
                &run.records,
                transformation,
                &machine_arn,
            ));
        }
        let params = match writer.get("Parameters").or_else(|| writer.get("Arguments")) {
            Some(raw) => self.eval_raw_template(frame, state, raw, &frame.input, "ResultWriter")?,
            None => Value::object(),
        };
        let bucket = params
            .get("Bucket")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if bucket.is_empty() {
            return Err(Failure::new(
                errors::RESULT_WRITER_FAILED,
                "ResultWriter: the parameters name no 'Bucket'",
            ));
        }
        let prefix = params.get("Prefix").and_then(Value::as_str).unwrap_or("");
        let map_run_arn = self.map_runs[summary_index].map_run_arn.clone();
        let run_id = map_run_arn.rsplit(':').next().unwrap_or("").to_string();
        let dir = if prefix.is_empty() {
            run_id
        } else {
            format!("{}/{run_id}", prefix.trim_end_matches('/'))
        };
        let render = |records: Vec<&crate::run::map_run::items::ChildOutcome>| -> String {
            let values = crate::run::map_run::items::transform(
                &records.into_iter().cloned().collect::<Vec<_>>(),
                transformation,
                &machine_arn,
            );
            match (&values, jsonl) {
                (Value::Array(a), true) => {
                    a.iter().map(Value::to_json).collect::<Vec<_>>().join("\n")
                }
                _ => values.to_json(),
            }
        };
        let ext = if jsonl { "jsonl" } else { "json" };
        let mut written = Vec::new();
        let mut files = Map::default();
        for (status, ok) in [("SUCCEEDED", true), ("FAILED", false)] {
            let records: Vec<&crate::run::map_run::items::ChildOutcome> = run
                .records
                .iter()
                .filter(|r| r.result.is_ok() == ok)
                .collect();
            let mut list = Vec::new();
            if !records.is_empty() {
                let key = format!("{dir}/{status}_0.{ext}");
                let text = render(records);
                list.push(crate::obj! { "Key" => key.as_str(), "Size" => text.len() as i64 });
                written.push((key, text));
            }
            files.insert(Rc::from(status), Value::from(list));
        }
        files.insert(Rc::from("PENDING"), Value::from(Vec::<Value>::new()));
        let manifest_key = format!("{dir}/manifest.json");
        let manifest = crate::obj! {
            "DestinationBucket" => bucket.as_str(),
            "MapRunArn" => map_run_arn.clone(),
            "ResultFiles" => Value::from(files),
        };
        written.insert(0, (manifest_key.clone(), manifest.to_json_pretty()));
        self.map_runs[summary_index].written = written;
        Ok(crate::obj! {
            "MapRunArn" => map_run_arn,
            "ResultWriterDetails" => crate::obj! { "Bucket" => bucket.as_str(), "Key" => manifest_key.as_str() },
        })
    }
}
