use super::*;

fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

fn one(list: &[(&str, &str)]) -> Imported {
    let all = files(list);
    import(&all[..1], &all)
}

const ASL: &str = r#"{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "${OrderFnArn}", "Next": "Child"},
  "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "Parameters": {"StateMachineArn": "${ChildArn}"}, "End": true}}}"#;

#[test]
fn sam_with_definition_uri_and_substitutions() {
    let sam = "Transform: AWS::Serverless-2016-10-31\nParameters:\n  Stage:\n    Type: String\n    Default: prod\nResources:\n  OrderFn:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: !Sub orders-${Stage}\n  Child:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Name: ChildFlow\n      Type: EXPRESS\n      Definition:\n        # the child\n        StartAt: Done\n        States:\n          Done:\n            Type: Succeed\n  Main:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachine/main.asl.json\n      DefinitionSubstitutions:\n        OrderFnArn: !GetAtt OrderFn.Arn\n        ChildArn: !Ref Child\n";
    let got = one(&[
        ("proj/template.yaml", sam),
        ("proj/statemachine/main.asl.json", ASL),
    ]);
    assert!(got.warnings.is_empty(), "{:?}", got.warnings);
    let [child, main] = &got.machines[..] else {
        panic!("{got:?}")
    };
    assert_eq!(
        (child.name.as_str(), child.workflow_type, child.format),
        ("ChildFlow", WorkflowType::Express, Format::Yaml)
    );
    assert_eq!(
        child.definition,
        "# the child\nStartAt: Done\nStates:\n  Done:\n    Type: Succeed\n"
    );
    assert_eq!(main.name, "Main");
    assert_eq!(main.definition, ASL);
    assert_eq!(
        main.substitutions.get("OrderFnArn").and_then(Value::as_str),
        Some("arn:aws:lambda:us-east-1:123456789012:function:orders-prod")
    );
    // The child is started by the name its tab has.
    assert_eq!(
        main.substitutions.get("ChildArn").and_then(Value::as_str),
        Some("arn:aws:states:us-east-1:123456789012:stateMachine:ChildFlow")
    );
    // The definition file is not opened a second time as a machine of its own.
    assert_eq!(got.machines.len(), 2);
}

#[test]
fn cdk_definition_string_join_becomes_placeholders() {
    let cfn = r#"{"Resources": {"Fn1": {"Type": "AWS::Lambda::Function", "Properties": {}},
      "Flow": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"StateMachineType": "STANDARD",
        "DefinitionString": {"Fn::Join": ["", ["{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":\"", {"Fn::GetAtt": ["Fn1", "Arn"]}, "\",\"End\":true}}}"]]}}}}}"#;
    let got = one(&[("cdk.out/Stack.template.json", cfn)]);
    let m = &got.machines[0];
    assert!(
        m.definition.contains("\"Resource\": \"${Fn1.Arn}\""),
        "{}",
        m.definition
    );
    assert_eq!(
        m.substitutions.get("Fn1.Arn").and_then(Value::as_str),
        Some("arn:aws:lambda:us-east-1:123456789012:function:Fn1")
    );
    assert!(crate::api::validate_with(&m.definition, m.workflow_type, &m.substitutions).is_valid());
}

#[test]
fn s3_locations_are_said_to_be_unreadable() {
    let cfn = "Resources:\n  F:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionS3Location:\n        Bucket: b\n        Key: k\n";
    let got = one(&[("t.yaml", cfn)]);
    assert!(got.machines.is_empty());
    assert!(
        got.warnings[0].contains("cannot be read here"),
        "{:?}",
        got.warnings
    );
}

#[test]
fn serverless_inline_and_file_definitions() {
    let sls = "service: shop\nprovider:\n  name: aws\ncustom:\n  table: orders-table\nstepFunctions:\n  stateMachines:\n    orders:\n      name: OrderFlow\n      type: EXPRESS\n      definition:\n        StartAt: Put\n        States:\n          Put:\n            Type: Task\n            Resource: arn:aws:states:::dynamodb:putItem\n            Parameters:\n              TableName: ${self:custom.table}\n              Item: {}\n            End: true\n    other:\n      definition: ${file(./flows/other.asl.yml)}\n";
    let other = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n";
    let got = one(&[("serverless.yml", sls), ("flows/other.asl.yml", other)]);
    let [orders, o] = &got.machines[..] else {
        panic!("{got:?}")
    };
    assert_eq!(
        (orders.name.as_str(), orders.workflow_type),
        ("OrderFlow", WorkflowType::Express)
    );
    assert_eq!(
        orders
            .substitutions
            .get("self:custom.table")
            .and_then(Value::as_str),
        Some("orders-table")
    );
    assert_eq!((o.name.as_str(), o.definition.as_str()), ("other", other));
}

#[test]
fn terraform_templatefile_jsonencode_and_heredoc() {
    let tf = r#"
resource "aws_lambda_function" "check" { function_name = "check-price" }
resource "aws_sqs_queue" "q" { name = "approvals" }
resource "aws_sfn_state_machine" "a" {
  name = "from-file"
  definition = templatefile("${path.module}/sm.asl.json", { OrderFnArn = aws_lambda_function.check.arn, ChildArn = "arn:aws:states:us-east-1:123456789012:stateMachine:x" })
}
resource "aws_sfn_state_machine" "b" {
  name = "encoded"
  type = "EXPRESS"
  definition = jsonencode({
    StartAt = "Send"
    States = { Send = { Type = "Task", Resource = "arn:aws:states:::sqs:sendMessage", Parameters = { QueueUrl = aws_sqs_queue.q.url, MessageBody = "hi" }, End = true } }
  })
}
resource "aws_sfn_state_machine" "c" {
  definition = <<EOF
{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}}
EOF
}
"#;
    let got = one(&[("infra/main.tf", tf), ("infra/sm.asl.json", ASL)]);
    assert!(got.warnings.is_empty(), "{:?}", got.warnings);
    let [a, b, c] = &got.machines[..] else {
        panic!("{got:?}")
    };
    assert_eq!(a.name, "from-file");
    assert_eq!(
        a.substitutions.get("OrderFnArn").and_then(Value::as_str),
        Some("arn:aws:lambda:us-east-1:123456789012:function:check-price")
    );
    assert_eq!(
        (b.name.as_str(), b.workflow_type),
        ("encoded", WorkflowType::Express)
    );
    assert_eq!(
        b.substitutions
            .get("aws_sqs_queue.q.url")
            .and_then(Value::as_str),
        Some("https://sqs.us-east-1.amazonaws.com/123456789012/approvals")
    );
    assert_eq!(c.name, "c");
    for m in [a, b, c] {
        let v = crate::api::validate_with(&m.definition, m.workflow_type, &m.substitutions);
        assert!(
            v.is_valid(),
            "{}: {:?} {:?}",
            m.name,
            v.diagnostics,
            m.definition
        );
    }
}

#[test]
fn plain_definitions_and_nothing_found() {
    let got = one(&[(
        "flows/order.asl.yaml",
        "StartAt: A\nStates:\n  A: {Type: Succeed}\n",
    )]);
    assert_eq!(got.machines[0].name, "order");
    assert_eq!(got.machines[0].format, Format::Yaml);
    let got = one(&[("package.json", "{\"name\": \"x\"}")]);
    assert!(got.machines.is_empty() && got.warnings[0].starts_with("No state machine found"));
    assert_eq!(
        beside("a/b/template.yaml", "./sm/../sm/x.json"),
        "a/b/sm/x.json"
    );
}

/// Exported projects import back into the same machines: names, types, formats (Terraform
/// takes JSON) and, once substituted, the same definitions. Random workspaces from a fixed seed.
#[test]
fn every_export_imports_back_into_the_same_workspace() {
    use crate::aws::export::{project, ProjectMachine, Target};
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for round in 0..60 {
        let count = 1 + next(3) as usize;
        let mut machines = Vec::new();
        for i in 0..count {
            let name = format!(
                "{}-{round}-{i}",
                ["Orders", "pay_flow", "Ship"][next(3) as usize]
            );
            let fn_arn = format!(
                "arn:aws:lambda:us-east-1:123456789012:function:fn{}",
                next(50)
            );
            let mut subs = Substitutions::default();
            if next(2) == 0 {
                subs.insert(Rc::from("Table"), Value::from(format!("table-{}", next(9))));
            }
            let child = if i > 0 {
                format!(
                    "arn:aws:states:us-east-1:123456789012:stateMachine:{}",
                    machines
                        .iter()
                        .map(|m: &ProjectMachine| m.name.clone())
                        .next()
                        .unwrap_or_default()
                )
            } else {
                String::new()
            };
            let json_def = format!(
                r#"{{"Comment": "round {round} \"quoted\" ünïcode", "StartAt": "A", "States": {{
  "A": {{"Type": "Task", "Resource": "{fn_arn}", "Next": "B"}},
  "B": {{"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "Parameters": {{"TableName": "${{Table}}", "Item": {{}}}}, "Next": "C"}},
  "C": {{"Type": "Wait", "Seconds": {}, "Next": "D"}},
  "D": {{"Type": "Pass", "Result": {{"child": "{child}"}}, "End": true}}}}}}"#,
                1 + next(5)
            );
            let definition = if next(2) == 0 {
                json_def
            } else {
                crate::syntax::convert(&json_def, Format::Yaml).unwrap()
            };
            machines.push(ProjectMachine {
                name,
                workflow_type: if next(2) == 0 {
                    WorkflowType::Standard
                } else {
                    WorkflowType::Express
                },
                definition,
                substitutions: subs,
            });
        }
        for target in [Target::Sam, Target::Terraform, Target::Serverless] {
            let p = project(&machines, target, None, None, Some("{}"));
            let files: Vec<(String, String)> = p
                .files
                .iter()
                .map(|(f, t)| (format!("out/{f}"), t.clone()))
                .collect();
            let got = import(&files, &files);
            assert_eq!(
                got.machines.len(),
                machines.len(),
                "{target:?} round {round}: {:?}",
                got.warnings
            );
            for (m, back) in machines.iter().zip(&got.machines) {
                assert_eq!(
                    crate::aws::export::resource_name(&m.name),
                    back.name,
                    "{target:?}"
                );
                assert_eq!(m.workflow_type, back.workflow_type, "{target:?} {}", m.name);
                let want_format = if target == Target::Terraform {
                    Format::Json
                } else {
                    crate::syntax::detect(&m.definition)
                };
                assert_eq!(want_format, back.format, "{target:?} {}", m.name);
                let before =
                    crate::syntax::read_definition(&m.definition, &m.substitutions).unwrap();
                let after =
                    crate::syntax::read_definition(&back.definition, &back.substitutions).unwrap();
                assert_eq!(
                    before.value.to_json(),
                    after.value.to_json(),
                    "{target:?} {}:\n{}\n{:?}",
                    m.name,
                    back.definition,
                    back.substitutions
                );
            }
        }
    }
}

#[test]
fn an_export_brings_its_mocks_and_input_back() {
    use crate::aws::export::{project, ProjectMachine, Target};
    let m = ProjectMachine {
        name: "Orders".into(),
        workflow_type: WorkflowType::Standard,
        definition: ASL.into(),
        substitutions: Substitutions::default(),
    };
    let mocks = crate::syntax::json::parse(r#"{"Call": [{"Return": {"ok": 1}}]}"#).unwrap();
    let p = project(
        &[m],
        Target::Sam,
        None,
        Some((&mocks, 0)),
        Some("{\"id\": 7}"),
    );
    let got = import(&p.files, &p.files);
    let found = got.mocks.clone().expect("the MockConfigFile.json");
    assert_eq!(
        (found.machine.as_str(), found.test_case.as_str()),
        ("Orders", "PlaygroundRun")
    );
    let back = crate::run::mocks::Mocks::from_value(
        &crate::syntax::json::parse(&found.text).unwrap(),
        Some("Orders"),
        Some("PlaygroundRun"),
    );
    assert!(back.is_ok());
    assert_eq!(got.input.as_deref(), Some("{\"id\": 7}"));
    let v = Imported::from_value(&got_value(&got));
    assert_eq!(v, got);
}

fn got_value(i: &Imported) -> Value {
    crate::syntax::json::parse(&i.to_value().to_json()).unwrap()
}
