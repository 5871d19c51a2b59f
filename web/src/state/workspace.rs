//! What the user works on: the machines of the workspace (shown as tabs, one of them open)
//! and the run's inputs. Saved in localStorage, carried in share links and workspace files,
//! always through `to_value` / `from_value`.

use crate::examples::EXAMPLES;
use engine::api::{self, Substitutions};
use engine::model::WorkflowType;
use engine::syntax::json::Value;
use std::rc::Rc;

/// One named state machine of the workspace.
#[derive(Clone, PartialEq, Debug)]
pub struct MachineDoc {
    pub name: Rc<str>,
    pub definition: Rc<str>,
    pub workflow_type: WorkflowType,
    /// Values for the definition's `${…}` placeholders.
    pub substitutions: Rc<Substitutions>,
}

fn substitutions_from(v: Option<&Value>) -> Rc<Substitutions> {
    Rc::new(v.and_then(Value::as_object).cloned().unwrap_or_default())
}

/// Several named machines in tab order, `open` the one shown and run (its
/// `states:startExecution` Tasks can start the others), and what a run takes.
#[derive(Clone, PartialEq, Debug)]
pub struct Workspace {
    /// Never empty, and `open` always indexes it: only this file's methods change them.
    machines: Rc<Vec<MachineDoc>>,
    open: usize,
    pub input: Rc<str>,
    pub mocks: Rc<str>,
    pub test_case: Rc<str>,
    pub machine_name: Rc<str>,
    /// Mocked S3 buckets for Distributed Map's ItemReader (JSON text).
    pub s3: Rc<str>,
    /// Simulate asynchronous Express's at-least-once delivery.
    pub at_least_once: bool,
    /// The open exercise (its whole JSON text, so that it travels in share links).
    pub exercise: Option<Rc<str>>,
}

fn machines_from(v: &Value) -> Vec<MachineDoc> {
    v.as_object()
        .into_iter()
        .flat_map(|m| m.iter())
        .map(|(name, spec)| MachineDoc {
            name: name.clone(),
            definition: match spec.get("definition") {
                Some(Value::String(s)) => Rc::from(&**s),
                Some(d) => Rc::from(d.to_json_pretty().as_str()),
                None => Rc::from(""),
            },
            workflow_type: type_of(spec),
            substitutions: substitutions_from(spec.get("substitutions")),
        })
        .collect()
}

fn type_of(v: &Value) -> WorkflowType {
    v.get("type")
        .and_then(Value::as_str)
        .and_then(WorkflowType::parse)
        .unwrap_or_default()
}

fn main_machine(
    definition: Rc<str>,
    workflow_type: WorkflowType,
    subs: Rc<Substitutions>,
) -> MachineDoc {
    MachineDoc {
        name: Rc::from("Main"),
        definition,
        workflow_type,
        substitutions: subs,
    }
}

impl Workspace {
    pub fn from_example(i: usize) -> Workspace {
        let e = &EXAMPLES[i.min(EXAMPLES.len() - 1)];
        let mut machines = vec![main_machine(
            Rc::from(e.definition),
            WorkflowType::Standard,
            Rc::default(),
        )];
        machines.extend(
            api::parse_json(e.machines)
                .map(|v| machines_from(&v))
                .unwrap_or_default(),
        );
        Workspace {
            machines: Rc::new(machines),
            open: 0,
            input: Rc::from(e.input),
            mocks: Rc::from(e.mocks),
            test_case: Rc::from(e.test_case),
            machine_name: Rc::from(e.machine_name),
            s3: Rc::from(e.s3),
            at_least_once: false,
            exercise: None,
        }
    }

    /// Every machine, in tab order.
    pub fn machines(&self) -> &Rc<Vec<MachineDoc>> {
        &self.machines
    }

    /// The open machine's place among the tabs.
    pub fn open_index(&self) -> usize {
        self.open
    }

    /// The open machine.
    pub fn machine(&self) -> &MachineDoc {
        &self.machines[self.open.min(self.machines.len() - 1)]
    }

    /// The open machine, to change it.
    pub fn machine_mut(&mut self) -> &mut MachineDoc {
        let open = self.open.min(self.machines.len() - 1);
        &mut Rc::make_mut(&mut self.machines)[open]
    }

    /// The machines that are not open (those the open one can start).
    pub fn others(&self) -> impl Iterator<Item = &MachineDoc> {
        let open = self.open;
        self.machines
            .iter()
            .enumerate()
            .filter(move |(i, _)| *i != open)
            .map(|(_, m)| m)
    }

    /// Opens another tab.
    pub fn open_tab(&mut self, index: usize) {
        self.open = index.min(self.machines.len() - 1);
    }

    /// Adds a machine (a one-state starter) and opens it.
    pub fn add(&mut self) {
        let taken = |name: &str| self.machines.iter().any(|t| &*t.name == name);
        let mut n = self.machines.len() + 1;
        while taken(&format!("Machine{n}")) {
            n += 1;
        }
        Rc::make_mut(&mut self.machines).push(MachineDoc {
            name: Rc::from(format!("Machine{n}").as_str()),
            definition: Rc::from("{\n  \"StartAt\": \"Done\",\n  \"States\": {\n    \"Done\": { \"Type\": \"Succeed\" }\n  }\n}"),
            workflow_type: WorkflowType::Express,
            substitutions: Rc::default(),
        });
        self.open = self.machines.len() - 1;
    }

    /// Renames the open machine (names are unique; empty or taken names are refused).
    pub fn rename(&mut self, name: &str) -> Result<(), String> {
        let name = name.trim();
        if name.is_empty() || name.len() > 80 || name.contains(':') || name.contains('/') {
            return Err("A machine name has 1 to 80 characters, without ':' or '/'.".into());
        }
        if self.others().any(|m| &*m.name == name) {
            return Err(format!("Another machine is named '{name}'."));
        }
        self.machine_mut().name = Rc::from(name);
        Ok(())
    }

    /// Removes the open machine (the last one stays) and opens the one after it (or before,
    /// at the end).
    pub fn remove_open(&mut self) {
        if self.machines.len() < 2 {
            return;
        }
        let open = self.open.min(self.machines.len() - 1);
        Rc::make_mut(&mut self.machines).remove(open);
        self.open = open.min(self.machines.len() - 1);
    }

    /// An exercise's `start` or `solution` as a workspace (the exercise stays open).
    pub fn from_attempt(attempt: &Value, exercise: Rc<str>) -> Workspace {
        let text = |k: &str| match attempt.get(k) {
            Some(Value::String(s)) => Rc::from(&**s),
            Some(x) => Rc::from(x.to_json_pretty().as_str()),
            None => Rc::from(""),
        };
        let mut machines = vec![main_machine(
            text("definition"),
            type_of(attempt),
            substitutions_from(attempt.get("substitutions")),
        )];
        machines.extend(
            attempt
                .get("machines")
                .map(machines_from)
                .unwrap_or_default(),
        );
        Workspace {
            machines: Rc::new(machines),
            open: 0,
            input: text("input"),
            mocks: text("mocks"),
            test_case: Rc::from(""),
            machine_name: Rc::from(""),
            s3: Rc::from(""),
            at_least_once: false,
            exercise: Some(exercise),
        }
    }

    /// The machines of an imported project, with the rest of the work (input, mocks, S3
    /// data) kept. The machine no other one starts (the parent) opens, else the first.
    pub fn with_machines(&self, machines: Vec<MachineDoc>) -> Workspace {
        if machines.is_empty() {
            return self.clone();
        }
        let started = |name: &str| {
            machines.iter().any(|m| {
                m.substitutions.values().any(|v| {
                    v.as_str()
                        .is_some_and(|s| s.ends_with(&format!(":stateMachine:{name}")))
                })
            })
        };
        let open = machines.iter().position(|m| !started(&m.name)).unwrap_or(0);
        Workspace {
            machines: Rc::new(machines),
            open,
            exercise: None,
            ..self.clone()
        }
    }

    /// These machines as the tabs, `open` the open one (the rest of the work kept).
    #[cfg(test)]
    pub fn with_tabs(&self, machines: Vec<MachineDoc>, open: usize) -> Workspace {
        let mut ws = self.with_machines(machines);
        ws.open_tab(open);
        ws
    }

    /// The other machines as `RunOptions::machines`.
    pub fn registry(&self) -> Option<Value> {
        let mut m = engine::syntax::json::Map::default();
        for o in self.others() {
            m.insert(
                o.name.clone(),
                engine::obj! { "definition" => o.definition.clone(), "type" => o.workflow_type.as_str(), "substitutions" => Value::from(o.substitutions.as_ref().clone()) },
            );
        }
        (!m.is_empty()).then(|| Value::from(m))
    }

    /// A run of the open machine as `engine::api::start_request` reads it: the page's own
    /// execution and its worker's are made from the same request.
    pub fn run_request(&self) -> Value {
        let machine = self.machine();
        engine::obj! {
            "definition" => machine.definition.clone(),
            "workflowType" => machine.workflow_type.as_str(),
            "input" => self.input.clone(),
            "mocks" => self.mocks.clone(),
            "s3" => self.s3.clone(),
            "machineName" => self.machine_name.clone(),
            "testCase" => self.test_case.clone(),
            "machines" => self.registry().unwrap_or_default(),
            "atLeastOnce" => self.at_least_once,
            "substitutions" => Value::from(machine.substitutions.as_ref().clone()),
        }
    }

    /// Does a run of this workspace evaluate JSONata (the open machine or one it may start)?
    /// A test on the text: a false positive only runs the worker first.
    pub fn uses_jsonata(&self) -> bool {
        self.machines
            .iter()
            .any(|m| crate::services::jsonata::used_in(&m.definition))
    }

    /// The same work, whichever machine's tab is open (looking at another tab is no edit).
    pub fn same_work(&self, other: &Workspace) -> bool {
        let mut a = self.clone();
        a.open = other.open;
        a == *other
    }

    pub fn to_value(&self) -> Value {
        let machines: Vec<Value> = self
            .machines
            .iter()
            .map(|m| {
                let mut v = engine::obj! { "name" => m.name.clone(), "definition" => m.definition.clone(), "type" => m.workflow_type.as_str() };
                // Left out when empty: most workspaces have none, and links stay short.
                if let (false, Value::Object(o)) = (m.substitutions.is_empty(), &mut v) {
                    Rc::make_mut(o).insert(Rc::from("substitutions"), Value::from(m.substitutions.as_ref().clone()));
                }
                v
            })
            .collect();
        engine::obj! {
            "machines" => Value::from(machines),
            "open" => self.open as i64,
            "input" => self.input.clone(),
            "mocks" => self.mocks.clone(),
            "testCase" => self.test_case.clone(),
            "machineName" => self.machine_name.clone(),
            "s3" => self.s3.clone(),
            "atLeastOnce" => self.at_least_once,
            "exercise" => self.exercise.clone().map_or(Value::Null, Value::String),
        }
    }

    /// Reads a saved workspace (this format, or the single-machine one before it); missing
    /// fields keep the first example's.
    pub fn from_value(v: &Value) -> Workspace {
        let base = Workspace::from_example(0);
        let s = |k: &str, d: &Rc<str>| {
            v.get(k)
                .and_then(Value::as_str)
                .map_or_else(|| d.clone(), Rc::from)
        };
        let tabs: Vec<MachineDoc> = v
            .get("machines")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| {
                Some(MachineDoc {
                    name: Rc::from(m.get("name")?.as_str()?),
                    definition: Rc::from(m.get("definition")?.as_str()?),
                    workflow_type: type_of(m),
                    substitutions: substitutions_from(m.get("substitutions")),
                })
            })
            .collect();
        let (machines, open) = if tabs.is_empty() {
            let definition = s("definition", &base.machine().definition);
            (vec![main_machine(definition, type_of(v), Rc::default())], 0)
        } else {
            let open = v
                .get("open")
                .and_then(Value::as_number)
                .and_then(|n| n.as_i64())
                .map_or(0, |n| n.max(0) as usize);
            let open = open.min(tabs.len() - 1);
            (tabs, open)
        };
        Workspace {
            machines: Rc::new(machines),
            open,
            input: s("input", &base.input),
            mocks: s("mocks", &base.mocks),
            test_case: s("testCase", &base.test_case),
            machine_name: s("machineName", &base.machine_name),
            s3: s("s3", &Rc::from("")),
            at_least_once: v
                .get("atLeastOnce")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            exercise: v.get("exercise").and_then(Value::as_str).map(Rc::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(ws: &Workspace) -> Vec<String> {
        ws.machines.iter().map(|m| m.name.to_string()).collect()
    }

    #[test]
    fn tabs_open_add_rename_remove_and_round_trip() {
        let mut ws = Workspace::from_example(0);
        ws.add();
        assert_eq!(names(&ws), ["Main", "Machine2"]);
        assert_eq!((&*ws.machine().name, ws.open_index()), ("Machine2", 1));
        ws.machine_mut().definition = Rc::from("{\"edited\": true}");
        assert!(ws.rename("Main").is_err(), "a taken name is refused");
        ws.rename("Child").unwrap();
        ws.open_tab(0);
        assert_eq!(&*ws.machine().name, "Main");
        let registry = ws.registry().unwrap();
        assert_eq!(
            registry
                .get("Child")
                .and_then(|c| c.get("definition"))
                .and_then(Value::as_str),
            Some("{\"edited\": true}"),
            "the edit of the tab left behind is kept"
        );
        let back =
            Workspace::from_value(&engine::syntax::json::parse(&ws.to_value().to_json()).unwrap());
        assert!(back == ws, "save and load give the same workspace");
        ws.open_tab(1);
        ws.remove_open();
        assert_eq!(names(&ws), ["Main"]);
        ws.remove_open();
        assert_eq!(names(&ws), ["Main"], "the last machine stays");
    }

    #[test]
    fn reads_the_single_machine_format_saved_before_tabs() {
        let old = engine::syntax::json::parse(
            r#"{"definition": "{\"StartAt\": \"A\"}", "type": "EXPRESS", "input": "{}"}"#,
        )
        .unwrap();
        let ws = Workspace::from_value(&old);
        assert_eq!(names(&ws), ["Main"]);
        assert_eq!(&*ws.machine().definition, "{\"StartAt\": \"A\"}");
        assert_eq!(ws.machine().workflow_type, WorkflowType::Express);
    }

    #[test]
    fn a_workspace_saved_before_machines_and_open_reads_and_writes_the_same_bytes() {
        // Written by the page before `Workspace` held `machines + open` (the open machine was
        // kept apart from `others` at `position`): the second tab open, one with substitutions.
        let saved = r#"{"machines":[{"name":"Main","definition":"{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}}","type":"STANDARD"},{"name":"Child","definition":"{}","type":"EXPRESS","substitutions":{"Arn":"arn:aws:lambda:us-east-1:123456789012:function:f","N":3}}],"open":1,"input":"{}","mocks":"","testCase":"","machineName":"","s3":"","atLeastOnce":true,"exercise":null}"#;
        let ws = Workspace::from_value(&engine::syntax::json::parse(saved).unwrap());
        assert_eq!(&*ws.machine().name, "Child");
        assert_eq!(ws.others().map(|m| &*m.name).collect::<Vec<_>>(), ["Main"]);
        assert_eq!(ws.to_value().to_json(), saved);
    }
}
