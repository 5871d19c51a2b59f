//! Task states: the resource (an integration, a Lambda function, an activity), timeouts and
//! heartbeats, credentials.

use super::*;

impl Builder<'_> {
    pub(crate) fn task(
        &mut self,
        obj: &json::Map,
        pointer: &str,
        language: QueryLanguage,
    ) -> TaskSpec {
        required(&mut self.sink, obj, &["Resource"], pointer);
        let resource_text: Rc<str> = match obj.get("Resource") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                // Say what it is rather than name an empty resource.
                let mut shown = other.to_json();
                if shown.len() > 80 {
                    shown.truncate(json::floor_char_boundary(&shown, 77));
                    shown.push_str("...");
                }
                self.sink.schema(
                    format!(
                        "The value for the field 'Resource' must be a string (an ARN), not {shown}"
                    ),
                    &format!("{pointer}/Resource"),
                );
                Rc::from("")
            }
            None => Rc::from(""),
        };
        let resource = self.resource(
            &resource_text,
            &format!("{pointer}/Resource"),
            matches!(obj.get("Resource"), Some(Value::String(_))),
        );
        let as_u64 = |d: Option<Dyn<i64>>| {
            d.map(|d| match d {
                Dyn::Const(v) => Dyn::Const(v as u64),
                Dyn::Path(p) => Dyn::Path(p),
                Dyn::Jsonata(e) => Dyn::Jsonata(e),
            })
        };
        let timeout = as_u64(self.dyn_int(obj, "TimeoutSeconds", pointer, 1, language));
        let heartbeat = as_u64(self.dyn_int(obj, "HeartbeatSeconds", pointer, 1, language));
        if let (Some(Dyn::Const(t)), Some(Dyn::Const(h))) = (&timeout, &heartbeat) {
            if h >= t {
                self.sink.schema("The value for the field 'HeartbeatSeconds' must be smaller than the value for the field 'TimeoutSeconds'", &format!("{pointer}/HeartbeatSeconds"));
            }
        }
        if let Some(c) = obj.get("Credentials") {
            match c.as_object() {
                Some(m) if m.contains_key("RoleArn") || m.contains_key("RoleArn.$") => {}
                _ => self.sink.schema(
                    "The field 'RoleArn' is required but was missing",
                    &format!("{pointer}/Credentials"),
                ),
            }
        }
        TaskSpec {
            resource,
            resource_text,
            timeout,
            heartbeat,
            credentials: obj.get("Credentials").cloned(),
        }
    }

    pub(crate) fn resource(&mut self, text: &Rc<str>, pointer: &str, present: bool) -> Resource {
        if !present {
            return Resource::Other(text.clone());
        }
        let resource = classify_resource(text);
        let not_recognized = || {
            format!("The resource provided {text} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.")
        };
        match &resource {
            Resource::Other(t) if is_jsonata_expr(t) => {}
            Resource::Other(_) => self.sink.schema(not_recognized(), pointer),
            Resource::Service {
                service,
                action,
                pattern,
            } if !service.starts_with("aws-sdk:")
                && !optimized_integration_known(service, action, *pattern) =>
            {
                self.sink.schema(not_recognized(), pointer)
            }
            _ => {}
        }
        if self.workflow_type == WorkflowType::Express {
            match &resource {
                Resource::Activity(_) => self.sink.schema("Express state machine does not support Activity ARN", pointer),
                Resource::Service { pattern: Pattern::WaitForTaskToken, .. } => {
                    self.sink.schema("Express state machine does not support '.waitForTaskToken' service integration ", pointer)
                }
                Resource::Service { pattern: Pattern::Sync | Pattern::Sync2, .. } => {
                    self.sink.schema("Express state machine does not support '.sync' service integration ", pointer)
                }
                _ => {}
            }
        }
        resource
    }
}

/// Reads a Task's `Resource` ARN.
pub fn classify_resource(text: &str) -> Resource {
    // arn:PARTITION:SERVICE:REGION:ACCOUNT:REST. A service integration leaves region and account
    // empty (`arn:aws:states:::lambda:invoke`) or fills them in (SAM's
    // `arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:…`); AWS's syntax is
    // `arn:partition:service:region:account:task_type:name` either way.
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    let [arn, partition, service, _region, _account, rest] = parts[..] else {
        return Resource::Other(Rc::from(text));
    };
    if arn != "arn" || !matches!(partition, "aws" | "aws-cn" | "aws-us-gov") {
        return Resource::Other(Rc::from(text));
    }
    match service {
        "states" if rest.starts_with("activity:") => Resource::Activity(Rc::from(text)),
        "states" if !rest.starts_with("stateMachine:") => {
            let (base, pattern) = if let Some(b) = rest.strip_suffix(".waitForTaskToken") {
                (b, Pattern::WaitForTaskToken)
            } else if let Some(b) = rest.strip_suffix(".sync:2") {
                (b, Pattern::Sync2)
            } else if let Some(b) = rest.strip_suffix(".sync") {
                (b, Pattern::Sync)
            } else {
                (rest, Pattern::RequestResponse)
            };
            match base.rsplit_once(':') {
                Some((service, action)) if !service.is_empty() && !action.is_empty() => {
                    Resource::Service {
                        service: Rc::from(service),
                        action: Rc::from(action),
                        pattern,
                    }
                }
                _ => Resource::Other(Rc::from(text)),
            }
        }
        "lambda" if rest.starts_with("function:") => Resource::LambdaFunction(Rc::from(text)),
        _ => Resource::Other(Rc::from(text)),
    }
}

/// AWS's optimized integrations (the `arn:aws:states:::SERVICE:ACTION` forms) and the
/// patterns each supports. Anything else must go through `aws-sdk:`.
pub(crate) fn optimized_integration_known(service: &str, action: &str, pattern: Pattern) -> bool {
    use Pattern::*;
    let rr_sync = &[RequestResponse, Sync][..];
    let rr_wait = &[RequestResponse, WaitForTaskToken][..];
    let all3 = &[RequestResponse, Sync, WaitForTaskToken][..];
    let table: &[(&str, &[&str], &[Pattern])] = &[
        ("lambda", &["invoke"], rr_wait),
        ("sns", &["publish"], rr_wait),
        ("sqs", &["sendMessage"], rr_wait),
        (
            "dynamodb",
            &["getItem", "putItem", "updateItem", "deleteItem"],
            &[RequestResponse],
        ),
        (
            "states",
            &["startExecution"],
            &[RequestResponse, Sync, Sync2, WaitForTaskToken],
        ),
        ("events", &["putEvents"], rr_wait),
        ("apigateway", &["invoke"], rr_wait),
        ("http", &["invoke"], &[RequestResponse]),
        ("batch", &["submitJob"], all3),
        ("ecs", &["runTask"], all3),
        ("glue", &["startJobRun"], all3),
        ("databrew", &["startJobRun"], rr_sync),
        (
            "codebuild",
            &[
                "startBuild",
                "stopBuild",
                "batchDeleteBuilds",
                "batchGetReports",
                "startBuildBatch",
            ],
            rr_sync,
        ),
        (
            "athena",
            &[
                "startQueryExecution",
                "stopQueryExecution",
                "getQueryExecution",
                "getQueryResults",
                "startQueryExecution",
            ],
            rr_sync,
        ),
        (
            "elasticmapreduce",
            &[
                "createCluster",
                "terminateCluster",
                "addStep",
                "cancelStep",
                "setClusterTerminationProtection",
                "modifyInstanceFleetByName",
                "modifyInstanceGroupByName",
            ],
            rr_sync,
        ),
        (
            "emr-containers",
            &[
                "startJobRun",
                "createVirtualCluster",
                "deleteVirtualCluster",
            ],
            rr_sync,
        ),
        (
            "emr-serverless",
            &[
                "createApplication",
                "startApplication",
                "stopApplication",
                "deleteApplication",
                "startJobRun",
                "cancelJobRun",
            ],
            rr_sync,
        ),
        (
            "eks",
            &[
                "createCluster",
                "deleteCluster",
                "createNodegroup",
                "deleteNodegroup",
                "runJob",
                "call",
            ],
            rr_sync,
        ),
        (
            "sagemaker",
            &[
                "createTrainingJob",
                "createTransformJob",
                "createHyperParameterTuningJob",
                "createLabelingJob",
                "createProcessingJob",
                "createModel",
                "createEndpoint",
                "createEndpointConfig",
                "updateEndpoint",
            ],
            rr_sync,
        ),
        ("mediaconvert", &["createJob"], rr_sync),
        (
            "bedrock",
            &["invokeModel", "createModelCustomizationJob"],
            rr_sync,
        ),
        (
            "s3",
            &["getObject", "listObjectsV2", "putObject"],
            &[RequestResponse],
        ),
    ];
    table.iter().any(|(s, actions, patterns)| {
        *s == service && actions.contains(&action) && patterns.contains(&pattern)
    })
}
