//! Building the model: the machine, its graphs (the machine, Parallel branches, Map
//! processors), names, transitions and reachability, one state at a time (each kind's fields
//! in the sibling files).

pub(crate) mod choice_state;
pub(crate) mod retry_catch;
pub(crate) mod shared;
pub(crate) mod task;
pub(crate) mod wait_fail;

use super::*;

impl Builder<'_> {
    pub(crate) fn machine(&mut self, root: &Value, size: usize) -> StateMachine {
        let obj = root.as_object().cloned().unwrap_or_default();
        required(&mut self.sink, &obj, &["States", "StartAt"], "");
        for key in obj.keys() {
            if ![
                "StartAt",
                "States",
                "Comment",
                "Version",
                "TimeoutSeconds",
                "QueryLanguage",
            ]
            .contains(&key.as_ref())
            {
                self.sink.schema(
                    format!("Field '{key}' is not supported"),
                    &format!("/{}", esc(key)),
                );
            }
        }
        let query_language = self
            .query_language(obj.get("QueryLanguage"), "/QueryLanguage")
            .unwrap_or_default();
        self.top_language = query_language;
        let timeout_seconds = obj
            .get("TimeoutSeconds")
            .and_then(|v| self.int_field(v, "/TimeoutSeconds", "TimeoutSeconds", 1, MAX_SECONDS))
            .map(|v| v as u64);
        let comment = obj
            .get("Comment")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let graph = self.graph(&obj, "", query_language);
        StateMachine {
            graph: Rc::new(graph),
            comment,
            timeout_seconds,
            query_language,
            definition_size: size,
        }
    }

    pub(crate) fn query_language(
        &mut self,
        v: Option<&Value>,
        pointer: &str,
    ) -> Option<QueryLanguage> {
        match v?.as_str() {
            Some("JSONPath") => Some(QueryLanguage::JsonPath),
            Some("JSONata") => Some(QueryLanguage::Jsonata),
            _ => {
                self.sink.schema(
                    "The value for the field 'QueryLanguage' must be one of [JSONPath, JSONata]",
                    pointer,
                );
                None
            }
        }
    }

    pub(crate) fn graph(&mut self, obj: &json::Map, base: &str, inherited: QueryLanguage) -> Graph {
        let start_name: Rc<str> = match obj.get("StartAt") {
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                self.sink.schema(
                    "The value for the field 'StartAt' must be a string",
                    &format!("{base}/StartAt"),
                );
                Rc::from("")
            }
            None => Rc::from(""),
        };
        let mut graph = Graph {
            start_name: start_name.clone(),
            pointer: base.to_string(),
            ..Default::default()
        };
        let Some(states_value) = obj.get("States") else {
            return graph;
        };
        let Some(states) = states_value.as_object() else {
            self.sink.schema(
                "The value for the field 'States' must be an object",
                &format!("{base}/States"),
            );
            return graph;
        };
        if states.is_empty() {
            self.sink.schema(
                "The field 'States' must hold at least one state",
                &format!("{base}/States"),
            );
        }
        for (name, def) in states.iter() {
            let pointer = format!("{base}/States/{}", esc(name));
            if name.chars().count() > MAX_STATE_NAME {
                self.sink.error(
                    codes::INVALID_STATE_NAME,
                    format!(
                        "State name is too long: {} characters (at most {MAX_STATE_NAME})",
                        name.chars().count()
                    ),
                    &pointer,
                );
            }
            if name.is_empty() {
                self.sink.error(
                    codes::INVALID_STATE_NAME,
                    "State name must not be empty",
                    &pointer,
                );
            }
            if let Some(first) = self.all_names.get(name) {
                if first != &pointer {
                    self.sink.error(
                        codes::DUPLICATE_STATE_NAME,
                        format!("Duplicate State name: {name}"),
                        &pointer,
                    );
                }
            } else {
                self.all_names.insert(name.clone(), pointer.clone());
            }
            let state = self.state(name, def, &pointer, inherited);
            graph
                .by_name
                .entry(name.clone())
                .or_insert(graph.states.len());
            graph.states.push(state);
        }
        graph.start = graph.id(&start_name);
        if graph.start.is_none() && obj.contains_key("StartAt") && !start_name.is_empty()
            || (start_name.is_empty() && obj.contains_key("StartAt"))
        {
            self.sink.error(
                codes::MISSING_TRANSITION_TARGET,
                format!("Missing 'Next' target: {start_name}"),
                &format!("{base}/StartAt"),
            );
        }
        self.resolve(&mut graph);
        self.check_reachability(&graph);
        graph
    }

    pub(crate) fn resolve(&mut self, graph: &mut Graph) {
        let ids = graph.by_name.clone();
        let mut missing = Vec::new();
        for state in graph.states.iter_mut() {
            if let Transition::Next(id, name) = &mut state.transition {
                *id = ids.get(name).copied();
                if id.is_none() {
                    missing.push((name.clone(), format!("{}/Next", state.pointer)));
                }
            }
            if let Kind::Choice { rules, default } = &mut state.kind {
                for (i, r) in rules.iter_mut().enumerate() {
                    r.next = ids.get(&r.next_name).copied();
                    if r.next.is_none() && !r.next_name.is_empty() {
                        missing.push((
                            r.next_name.clone(),
                            format!("{}/Choices/{i}/Next", state.pointer),
                        ));
                    }
                }
                if let Some((id, name)) = default {
                    *id = ids.get(name).copied();
                    if id.is_none() {
                        missing.push((name.clone(), format!("{}/Default", state.pointer)));
                    }
                }
            }
            for (i, c) in state.catch.iter_mut().enumerate() {
                c.next = ids.get(&c.next_name).copied();
                if c.next.is_none() && !c.next_name.is_empty() {
                    missing.push((
                        c.next_name.clone(),
                        format!("{}/Catch/{i}/Next", state.pointer),
                    ));
                }
            }
        }
        for (name, pointer) in missing {
            self.sink.error(
                codes::MISSING_TRANSITION_TARGET,
                format!("Missing 'Next' target: {name}"),
                &pointer,
            );
        }
    }

    pub(crate) fn check_reachability(&mut self, graph: &Graph) {
        let Some(start) = graph.start else { return };
        let mut seen = vec![false; graph.states.len()];
        let mut stack = vec![start];
        let mut terminal_reachable = false;
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id], true) {
                continue;
            }
            let s = &graph.states[id];
            if matches!(s.transition, Transition::End)
                || matches!(s.kind, Kind::Succeed | Kind::Fail(_))
            {
                terminal_reachable = true;
            }
            for (name, _) in s.successors() {
                if let Some(next) = graph.id(&name) {
                    stack.push(next);
                }
            }
        }
        for (id, s) in graph.states.iter().enumerate() {
            if !seen[id] {
                self.sink.error(
                    codes::MISSING_TRANSITION_TARGET,
                    format!("State \"{}\" is not reachable.", s.name),
                    &s.pointer,
                );
            }
        }
        if !terminal_reachable {
            self.sink.error(
                codes::MISSING_END_STATE,
                "No terminal state is reachable: add a state with \"End\": true, a Succeed or a Fail state",
                &format!("{}/States", graph.pointer),
            );
        }
    }

    pub(crate) fn state(
        &mut self,
        name: &Rc<str>,
        def: &Value,
        pointer: &str,
        inherited: QueryLanguage,
    ) -> State {
        let span = self.sink.spans.key(pointer).unwrap_or_default();
        let body = self.sink.spans.value(pointer).unwrap_or(span);
        let empty = json::Map::default();
        let obj = match def.as_object() {
            Some(o) => o,
            None => {
                self.sink.schema("A state must be a JSON object", pointer);
                &empty
            }
        };
        let type_name = obj.get("Type").and_then(Value::as_str).unwrap_or("");
        if !obj.contains_key("Type") && def.as_object().is_some() {
            self.sink
                .schema("These fields are required: [Type]", pointer);
        } else if allowed_fields(type_name).is_empty() && def.as_object().is_some() {
            self.sink.schema(
                format!("The value for the field 'Type' must be one of [Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map], not '{}'", obj.get("Type").map_or(String::new(), |t| t.as_str().map_or_else(|| t.to_json(), str::to_string))),
                &format!("{pointer}/Type"),
            );
        }
        let own_language = self.query_language(
            obj.get("QueryLanguage"),
            &format!("{pointer}/QueryLanguage"),
        );
        if self.top_language == QueryLanguage::Jsonata
            && own_language == Some(QueryLanguage::JsonPath)
        {
            self.sink.schema(
                "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
                pointer,
            );
        }
        let language = own_language.unwrap_or(inherited);
        let allowed = allowed_fields(type_name);
        if !allowed.is_empty() {
            for key in obj.keys() {
                let key_ptr = format!("{pointer}/{}", esc(key));
                if !allowed.contains(&key.as_ref()) {
                    self.sink
                        .schema(format!("Field '{key}' is not supported"), &key_ptr);
                } else if language == QueryLanguage::Jsonata
                    && JSONPATH_ONLY.contains(&key.as_ref())
                {
                    self.sink.schema(format!("The field '{key}' is not supported for the JSONata query language: use Arguments, Output or Assign"), &key_ptr);
                } else if language == QueryLanguage::JsonPath
                    && JSONATA_ONLY.contains(&key.as_ref())
                {
                    self.sink.schema(
                        format!(
                            "The field '{key}' is only supported for the JSONata query language"
                        ),
                        &key_ptr,
                    );
                }
            }
        }
        let transition = self.transition(type_name, obj, pointer);
        let io = |b: &mut Self, field: &str| -> IoPath {
            match obj.get(field) {
                None => IoPath::Identity,
                Some(Value::Null) => IoPath::Null,
                Some(v) => match b.path_field(v, &format!("{pointer}/{field}"), field) {
                    Some(p) if p.is_identity() => IoPath::Identity,
                    Some(p) => IoPath::Path(p),
                    None => IoPath::Identity,
                },
            }
        };
        let input_path = io(self, "InputPath");
        let output_path = io(self, "OutputPath");
        let result_path = self.result_path(obj.get("ResultPath"), &format!("{pointer}/ResultPath"));
        let parameters = if type_name == "Map" {
            None
        } else {
            self.template_field(obj, "Parameters", pointer, language)
        };
        let result_selector = self.template_field(obj, "ResultSelector", pointer, language);
        let retry = self.retriers(obj.get("Retry"), pointer);
        let catch = self.catchers(obj.get("Catch"), pointer, language);
        let kind = match type_name {
            "Pass" => Kind::Pass {
                result: obj.get("Result").cloned(),
            },
            "Task" => Kind::Task(self.task(obj, pointer, language)),
            "Choice" => self.choice(obj, pointer, language),
            "Wait" => Kind::Wait(self.wait(obj, pointer, language)),
            "Succeed" => Kind::Succeed,
            "Fail" => Kind::Fail(self.fail(obj, pointer, language)),
            "Parallel" => self.parallel(obj, pointer),
            "Map" => self.map(obj, pointer, language),
            _ => Kind::Pass { result: None },
        };
        State {
            name: name.clone(),
            pointer: pointer.to_string(),
            span,
            body,
            kind,
            transition,
            query_language: language,
            comment: obj
                .get("Comment")
                .and_then(Value::as_str)
                .map(str::to_string),
            input_path,
            output_path,
            parameters,
            result_selector,
            result_path,
            retry,
            catch,
            arguments: obj.get("Arguments").cloned(),
            output: obj.get("Output").cloned(),
            assign: self.assign(obj.get("Assign"), &format!("{pointer}/Assign")),
            compiled: self.compiled(obj, pointer, language),
        }
    }

    pub(crate) fn parallel(&mut self, obj: &json::Map, pointer: &str) -> Kind {
        required(&mut self.sink, obj, &["Branches"], pointer);
        let mut branches = Vec::new();
        match obj.get("Branches").map(|b| b.as_array()) {
            Some(Some(arr)) => {
                if arr.is_empty() {
                    self.sink.schema(
                        // AWS-recorded wording.
                        "Value cannot be empty",
                        &format!("{pointer}/Branches"),
                    );
                }
                for (i, b) in arr.iter().enumerate() {
                    let bp = format!("{pointer}/Branches/{i}");
                    match b.as_object() {
                        Some(bo) => {
                            required(&mut self.sink, bo, &["States", "StartAt"], &bp);
                            let language = self
                                .query_language(
                                    bo.get("QueryLanguage"),
                                    &format!("{bp}/QueryLanguage"),
                                )
                                .unwrap_or(self.top_language);
                            branches.push(Rc::new(self.graph(bo, &bp, language)));
                        }
                        None => self.sink.schema("A branch must be an object", &bp),
                    }
                }
            }
            Some(None) => self.sink.schema(
                "The value for the field 'Branches' must be an array",
                &format!("{pointer}/Branches"),
            ),
            None => {}
        }
        Kind::Parallel { branches }
    }

    pub(crate) fn map(&mut self, obj: &json::Map, pointer: &str, language: QueryLanguage) -> Kind {
        let (proc_field, processor) = match (obj.get("ItemProcessor"), obj.get("Iterator")) {
            (Some(p), None) => ("ItemProcessor", Some(p)),
            (None, Some(p)) => ("Iterator", Some(p)),
            (Some(_), Some(_)) => {
                self.sink.schema(
                    "Only one of 'ItemProcessor' and 'Iterator' may be given",
                    pointer,
                );
                ("ItemProcessor", obj.get("ItemProcessor"))
            }
            (None, None) => {
                self.sink
                    .schema("These fields are required: [ItemProcessor]", pointer);
                ("ItemProcessor", None)
            }
        };
        let pp = format!("{pointer}/{proc_field}");
        let mut mode = MapMode::Inline;
        let mut execution_type = WorkflowType::Standard;
        let processor_graph = match processor.and_then(Value::as_object) {
            Some(po) => {
                required(&mut self.sink, po, &["States", "StartAt"], &pp);
                if let Some(cfg) = po.get("ProcessorConfig") {
                    match cfg.get("Mode").and_then(Value::as_str) {
                        Some("DISTRIBUTED") => mode = MapMode::Distributed,
                        Some("INLINE") | None => {}
                        Some(_) => self.sink.schema(
                            "The value for the field 'Mode' must be one of [INLINE, DISTRIBUTED]",
                            &format!("{pp}/ProcessorConfig/Mode"),
                        ),
                    }
                    match cfg.get("ExecutionType").and_then(Value::as_str) {
                        Some("EXPRESS") => execution_type = WorkflowType::Express,
                        Some("STANDARD") | None => {}
                        Some(_) => self.sink.schema("The value for the field 'ExecutionType' must be one of [STANDARD, EXPRESS]", &format!("{pp}/ProcessorConfig/ExecutionType")),
                    }
                }
                if mode == MapMode::Distributed && self.workflow_type == WorkflowType::Express {
                    self.sink.schema(
                        "Express state machine does not support Distributed Map",
                        &format!("{pp}/ProcessorConfig/Mode"),
                    );
                }
                let inner_language = self
                    .query_language(po.get("QueryLanguage"), &format!("{pp}/QueryLanguage"))
                    .unwrap_or(self.top_language);
                self.graph(po, &pp, inner_language)
            }
            None => {
                if processor.is_some() {
                    self.sink.schema(
                        format!("The value for the field '{proc_field}' must be an object"),
                        &pp,
                    );
                }
                Graph::default()
            }
        };
        let items_path = obj
            .get("ItemsPath")
            .and_then(|v| self.path_field(v, &format!("{pointer}/ItemsPath"), "ItemsPath"));
        let (selector_field, selector) = match (obj.get("ItemSelector"), obj.get("Parameters")) {
            (Some(s), None) => ("ItemSelector", Some(s)),
            (None, Some(s)) => ("Parameters", Some(s)),
            (Some(_), Some(_)) => {
                self.sink.schema(
                    "Only one of 'ItemSelector' and 'Parameters' may be given",
                    pointer,
                );
                ("ItemSelector", obj.get("ItemSelector"))
            }
            (None, None) => ("ItemSelector", None),
        };
        let item_selector = if selector.is_some() {
            self.template_field(obj, selector_field, pointer, language)
        } else {
            None
        };
        let max_concurrency = match self.dyn_int(obj, "MaxConcurrency", pointer, 0, language) {
            Some(Dyn::Const(v)) => Dyn::Const(v as u64),
            Some(Dyn::Path(p)) => Dyn::Path(p),
            Some(Dyn::Jsonata(e)) => Dyn::Jsonata(e),
            None => Dyn::Const(0),
        };
        let tolerated_failure_percentage = match (
            obj.get("ToleratedFailurePercentage"),
            obj.get("ToleratedFailurePercentagePath"),
        ) {
            (Some(Value::String(s)), _) if is_jsonata_expr(s) => Some(Dyn::Jsonata(s.clone())),
            (Some(v), _) => match v.as_number().map(|n| n.as_f64()) {
                Some(p) if (0.0..=100.0).contains(&p) => Some(Dyn::Const(p)),
                _ => {
                    self.sink.schema("The value for the field 'ToleratedFailurePercentage' must be a number between 0 and 100", &format!("{pointer}/ToleratedFailurePercentage"));
                    None
                }
            },
            (None, Some(v)) => self
                .path_field(
                    v,
                    &format!("{pointer}/ToleratedFailurePercentagePath"),
                    "ToleratedFailurePercentagePath",
                )
                .map(Dyn::Path),
            (None, None) => None,
        };
        let tolerated_failure_count = self
            .dyn_int(obj, "ToleratedFailureCount", pointer, 0, language)
            .map(|d| match d {
                Dyn::Const(v) => Dyn::Const(v as u64),
                Dyn::Path(p) => Dyn::Path(p),
                Dyn::Jsonata(e) => Dyn::Jsonata(e),
            });
        let label: Option<Rc<str>> = obj.get("Label").and_then(Value::as_str).map(Rc::from);
        if let Some(l) = &label {
            if l.chars().count() > 40 {
                self.sink.error(
                    codes::INVALID_LABEL_NAME,
                    "A Map Label must be at most 40 characters",
                    &format!("{pointer}/Label"),
                );
            }
        }
        Kind::Map(Box::new(MapSpec {
            processor: Rc::new(processor_graph),
            mode,
            execution_type,
            items_path,
            items: obj.get("Items").cloned(),
            item_selector,
            item_selector_raw: selector.cloned(),
            max_concurrency,
            tolerated_failure_percentage,
            tolerated_failure_count,
            item_reader: obj.get("ItemReader").cloned(),
            item_batcher: obj.get("ItemBatcher").cloned(),
            result_writer: obj.get("ResultWriter").cloned(),
            label,
        }))
    }
}
