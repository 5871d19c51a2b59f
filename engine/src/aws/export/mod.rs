//! The way to real AWS: what a user takes from the playground to Step Functions. The mocks as
//! AWS Step Functions Local's `MockConfigFile.json`, a SAM and a CloudFormation snippet, and
//! the AWS CLI commands (`validate-state-machine-definition`, `create-state-machine`,
//! `start-execution`, `test-state` with a mock). Pure text from the workspace's parts.

use crate::model::WorkflowType;
use crate::syntax::json::{Map, Value};
use std::rc::Rc;

mod project;
#[cfg(feature = "zip")]
pub use project::zip;
pub use project::{project, Project, ProjectMachine, Target};

/// A name AWS accepts for resources: letters, digits, `-` and `_` (others become `-`).
pub fn resource_name(name: &str) -> String {
    let n: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(80)
        .collect();
    if n.is_empty() {
        "Playground".into()
    } else {
        n
    }
}

/// The playground's mocks as a `MockConfigFile.json`: a MockConfigFile is returned as it is;
/// per-state lists become one test case (`PlaygroundRun`) whose responses are numbered by
/// invocation, `DurationMs` (the playground's extension) left out.
pub fn mock_config(mocks: &Value, machine: &str) -> Value {
    if mocks.get("StateMachines").is_some() || mocks.get("MockedResponses").is_some() {
        return mocks.clone();
    }
    let mut case = Map::default();
    let mut responses = Map::default();
    for (state, list) in mocks.as_object().into_iter().flat_map(|m| m.iter()) {
        let Some(list) = list.as_array() else {
            continue;
        };
        let name = format!("{}Responses", resource_name(state));
        let mut numbered = Map::default();
        for (i, r) in list.iter().enumerate() {
            let mut r = r.as_object().cloned().unwrap_or_default();
            r.shift_remove("DurationMs");
            numbered.insert(Rc::from(i.to_string().as_str()), Value::from(r));
        }
        case.insert(state.clone(), Value::from(name.as_str()));
        responses.insert(Rc::from(name.as_str()), Value::from(numbered));
    }
    crate::obj! {
        "StateMachines" => crate::obj! {
            machine => crate::obj! { "TestCases" => crate::obj! { "PlaygroundRun" => Value::from(case) } },
        },
        "MockedResponses" => Value::from(responses),
    }
}

fn indent(text: &str, spaces: usize) -> String {
    let pad = " ".repeat(spaces);
    text.lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An AWS SAM resource for the machine (the definition inline).
pub fn sam(name: &str, definition: &Value, ty: WorkflowType) -> String {
    let id = resource_name(name).replace(['-', '_'], "");
    format!(
        "Resources:\n  {id}:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Name: {}\n      Type: {}\n      Policies:\n        - LambdaInvokePolicy:\n            FunctionName: \"*\"   # narrow to the functions it calls\n      Definition:\n{}\n",
        resource_name(name),
        ty.as_str(),
        indent(&definition.to_json_pretty(), 8)
    )
}

/// A CloudFormation resource for the machine (`DefinitionString` from the definition).
pub fn cloudformation(name: &str, definition: &Value, ty: WorkflowType) -> String {
    let id = resource_name(name).replace(['-', '_'], "");
    format!(
        "Resources:\n  {id}:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      StateMachineName: {}\n      StateMachineType: {}\n      RoleArn: !GetAtt {id}Role.Arn   # a role Step Functions can assume\n      Definition:\n{}\n",
        resource_name(name),
        ty.as_str(),
        indent(&definition.to_json_pretty(), 8)
    )
}

/// The AWS CLI commands, from validation to a TestState call with a mock.
pub fn cli(name: &str, ty: WorkflowType, first_task: Option<(&str, &Value)>) -> String {
    let n = resource_name(name);
    let mut out = format!(
        "# The definition is in definition.asl.json, the input in input.json.\n\
         aws stepfunctions validate-state-machine-definition --definition file://definition.asl.json --type {ty}\n\
         aws stepfunctions create-state-machine --name {n} --type {ty} \\\n  --definition file://definition.asl.json \\\n  --role-arn arn:aws:iam::ACCOUNT_ID:role/YOUR_STEP_FUNCTIONS_ROLE\n\
         aws stepfunctions start-execution \\\n  --state-machine-arn arn:aws:states:REGION:ACCOUNT_ID:stateMachine:{n} \\\n  --input file://input.json\n",
        ty = ty.as_str()
    );
    if let Some((state, mock)) = first_task {
        let mock = crate::obj! { "result" => mock.to_json() };
        out.push_str(&format!(
            "# Test one state with a mocked result (TestState):\n\
             aws stepfunctions test-state --definition file://definition.asl.json --state-name '{}' \\\n  --input file://input.json --inspection-level DEBUG \\\n  --role-arn arn:aws:iam::ACCOUNT_ID:role/YOUR_STEP_FUNCTIONS_ROLE \\\n  --mock '{}'\n",
            state.replace('\'', "'\\''"),
            mock.to_json().replace('\'', "'\\''")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_state_mocks_become_a_mock_config_file() {
        let mocks = crate::syntax::json::parse(
            r#"{"Charge": [{"Throw": {"Error": "E", "Cause": "c"}}, {"Return": {"ok": 1}, "DurationMs": 5}]}"#,
        )
        .unwrap();
        let cfg = mock_config(&mocks, "Orders");
        assert_eq!(
            cfg.to_json(),
            r#"{"StateMachines":{"Orders":{"TestCases":{"PlaygroundRun":{"Charge":"ChargeResponses"}}}},"MockedResponses":{"ChargeResponses":{"0":{"Throw":{"Error":"E","Cause":"c"}},"1":{"Return":{"ok":1}}}}}"#
        );
        // The result reads back as the same mocks.
        let m = crate::run::mocks::Mocks::from_value(&cfg, Some("Orders"), Some("PlaygroundRun"));
        assert!(m.is_ok());
    }

    #[test]
    fn snippets_name_the_machine_and_hold_the_definition() {
        let def =
            crate::syntax::json::parse(r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#)
                .unwrap();
        let s = sam("My flow!", &def, WorkflowType::Express);
        assert!(
            s.contains("Name: My-flow-")
                && s.contains("Type: EXPRESS")
                && s.contains("\"StartAt\": \"A\""),
            "{s}"
        );
        let c = cloudformation("orders", &def, WorkflowType::Standard);
        assert!(
            c.contains("AWS::StepFunctions::StateMachine")
                && c.contains("StateMachineType: STANDARD"),
            "{c}"
        );
        let cmds = cli(
            "orders",
            WorkflowType::Standard,
            Some(("Charge", &crate::obj! { "ok" => 1 })),
        );
        assert!(
            cmds.contains("create-state-machine --name orders")
                && cmds.contains("test-state")
                && cmds.contains(r#"--mock '{"result":"{\"ok\":1}"}'"#),
            "{cmds}"
        );
    }
}
