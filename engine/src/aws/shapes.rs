//! Output shapes of the service integrations people mock most, for TestState's mock
//! validation (`fieldValidationMode` STRICT or PRESENT), with AWS's messages. A curated
//! subset of the AWS API models (types, bounds, enums, required fields); a resource not
//! listed here is not checked, as AWS does not check fields outside an API's output either.

use crate::syntax::json::Value;

enum Shape {
    Str,
    /// A string with a minimum length (blobs are base64 strings).
    MinLen(usize),
    Enum(&'static [&'static str]),
    /// A number; integers have bounds where the API sets them.
    Num {
        min: Option<f64>,
        max: Option<f64>,
    },
    /// A timestamp: an ISO 8601 string in Step Functions' JSON.
    Timestamp,
    List(&'static Shape),
    /// Fields: name, shape, required.
    Struct(&'static [(&'static str, Shape, bool)]),
    Any,
}

const NUM: Shape = Shape::Num {
    min: None,
    max: None,
};

const EVENT_ENTRY: Shape = Shape::Struct(&[
    ("EventId", Shape::Str, false),
    ("ErrorCode", Shape::Str, false),
    ("ErrorMessage", Shape::Str, false),
]);

const CONSUMED_CAPACITY: Shape = Shape::Struct(&[
    ("TableName", Shape::Str, false),
    ("CapacityUnits", NUM, false),
    ("ReadCapacityUnits", NUM, false),
    ("WriteCapacityUnits", NUM, false),
    ("Table", Shape::Any, false),
    ("LocalSecondaryIndexes", Shape::Any, false),
    ("GlobalSecondaryIndexes", Shape::Any, false),
]);

const DYNAMODB_WRITE: Shape = Shape::Struct(&[
    ("Attributes", Shape::Any, false),
    ("ConsumedCapacity", CONSUMED_CAPACITY, false),
    ("ItemCollectionMetrics", Shape::Any, false),
]);

/// `service:action` (as in the resource ARN, `aws-sdk:` and the pattern suffix removed).
fn output_shape(action: &str) -> Option<&'static Shape> {
    const LAMBDA_INVOKE: Shape = Shape::Struct(&[
        ("StatusCode", NUM, false),
        ("FunctionError", Shape::Str, false),
        ("LogResult", Shape::Str, false),
        ("ExecutedVersion", Shape::Str, false),
        ("Payload", Shape::Any, false),
    ]);
    const LAMBDA_GET_FUNCTION: Shape = Shape::Struct(&[
        (
            "Configuration",
            Shape::Struct(&[
                ("FunctionName", Shape::Str, false),
                ("FunctionArn", Shape::Str, false),
                ("Runtime", Shape::Str, false),
                ("Role", Shape::Str, false),
                ("Handler", Shape::Str, false),
                ("CodeSize", NUM, false),
                (
                    "Timeout",
                    Shape::Num {
                        min: Some(1.0),
                        max: None,
                    },
                    false,
                ),
                (
                    "MemorySize",
                    Shape::Num {
                        min: Some(128.0),
                        max: Some(10240.0),
                    },
                    false,
                ),
                ("LastModified", Shape::Str, false),
                ("Version", Shape::Str, false),
            ]),
            false,
        ),
        ("Code", Shape::Any, false),
        ("Tags", Shape::Any, false),
        ("Concurrency", Shape::Any, false),
    ]);
    const KMS_ENCRYPT: Shape = Shape::Struct(&[
        ("CiphertextBlob", Shape::MinLen(1), false),
        ("KeyId", Shape::MinLen(1), false),
        (
            "EncryptionAlgorithm",
            Shape::Enum(&[
                "SYMMETRIC_DEFAULT",
                "RSAES_OAEP_SHA_1",
                "RSAES_OAEP_SHA_256",
                "SM2PKE",
            ]),
            false,
        ),
    ]);
    const S3_GET_OBJECT: Shape = Shape::Struct(&[
        ("Body", Shape::Any, false),
        ("ContentLength", NUM, false),
        ("ContentType", Shape::Str, false),
        ("ETag", Shape::Str, false),
        ("LastModified", Shape::Timestamp, false),
        ("VersionId", Shape::Str, false),
        (
            "StorageClass",
            Shape::Enum(&[
                "STANDARD",
                "REDUCED_REDUNDANCY",
                "STANDARD_IA",
                "ONEZONE_IA",
                "INTELLIGENT_TIERING",
                "GLACIER",
                "DEEP_ARCHIVE",
                "OUTPOSTS",
                "GLACIER_IR",
                "SNOW",
                "EXPRESS_ONEZONE",
            ]),
            false,
        ),
    ]);
    const PUT_EVENTS: Shape = Shape::Struct(&[
        ("FailedEntryCount", NUM, false),
        ("Entries", Shape::List(&EVENT_ENTRY), false),
    ]);
    const START_EXECUTION: Shape = Shape::Struct(&[
        ("ExecutionArn", Shape::Str, true),
        ("StartDate", Shape::Timestamp, true),
    ]);
    const SQS_SEND: Shape = Shape::Struct(&[
        ("MessageId", Shape::Str, false),
        ("MD5OfMessageBody", Shape::Str, false),
        ("MD5OfMessageAttributes", Shape::Str, false),
        ("SequenceNumber", Shape::Str, false),
    ]);
    const SNS_PUBLISH: Shape = Shape::Struct(&[
        ("MessageId", Shape::Str, false),
        ("SequenceNumber", Shape::Str, false),
    ]);
    Some(match action {
        "lambda:invoke" => &LAMBDA_INVOKE,
        "lambda:getFunction" => &LAMBDA_GET_FUNCTION,
        "kms:encrypt" => &KMS_ENCRYPT,
        "s3:getObject" => &S3_GET_OBJECT,
        "dynamodb:putItem" | "dynamodb:updateItem" | "dynamodb:deleteItem" => &DYNAMODB_WRITE,
        "events:putEvents" | "eventbridge:putEvents" => &PUT_EVENTS,
        "states:startExecution" => &START_EXECUTION,
        "sqs:sendMessage" => &SQS_SEND,
        "sns:publish" => &SNS_PUBLISH,
        _ => return None,
    })
}

/// Checks a mocked result against the integration's output shape. `strict`: required fields
/// must be there too (AWS's STRICT; PRESENT checks only the fields given). The error is
/// AWS's ValidationException message.
pub(crate) fn check_mock(action: &str, result: &Value, strict: bool) -> Result<(), String> {
    match output_shape(action) {
        Some(shape) => check(shape, "", result, strict),
        None => Ok(()),
    }
}

fn check(shape: &Shape, name: &str, v: &Value, strict: bool) -> Result<(), String> {
    let err = |what: &str| {
        Err(format!(
            "Mock result schema validation error: Field '{name}' {what}"
        ))
    };
    match shape {
        Shape::Any => Ok(()),
        Shape::Str | Shape::Timestamp => match v {
            Value::String(_) => Ok(()),
            _ => err("must be a string"),
        },
        Shape::MinLen(min) => match v {
            Value::String(s) if s.chars().count() < *min => {
                err("is smaller than the minimum length")
            }
            Value::String(_) => Ok(()),
            _ => err("must be a string"),
        },
        Shape::Enum(values) => match v {
            Value::String(s) if values.contains(&&**s) => Ok(()),
            Value::String(_) => err("is not an expected value"),
            _ => err("must be a string"),
        },
        Shape::Num { min, max } => match v.as_number().map(|n| n.as_f64()) {
            None => err("must be a number"),
            Some(x) if min.is_some_and(|m| x < m) => err("is less than the minimum value"),
            Some(x) if max.is_some_and(|m| x > m) => err("exceeds the maximum value"),
            Some(_) => Ok(()),
        },
        Shape::List(item) => match v {
            Value::Array(a) => a.iter().try_for_each(|x| check(item, name, x, strict)),
            _ => err("must be a list"),
        },
        Shape::Struct(fields) => {
            let Value::Object(m) = v else {
                return err("must be an object");
            };
            for (field, shape, required) in fields.iter() {
                match m.get(*field) {
                    Some(x) => check(shape, field, x, strict)?,
                    None if strict && *required => {
                        return Err(format!(
                        "Mock result schema validation error: Required field '{field}' is missing"
                    ))
                    }
                    None => {}
                }
            }
            Ok(())
        }
    }
}
