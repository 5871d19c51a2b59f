//! The starting examples. Every one is a fixture in tests/data/exec, run by `cargo test`, so
//! the examples cannot go stale.

pub struct Example {
    pub title: &'static str,
    pub definition: &'static str,
    pub input: &'static str,
    pub mocks: &'static str,
    pub test_case: &'static str,
    pub machine_name: &'static str,
    /// The workspace's other machines (`NAME.machines.json`: `{NAME: {definition, type}}`).
    pub machines: &'static str,
    /// Mocked S3 buckets (`NAME.s3.json`).
    pub s3: &'static str,
}

macro_rules! fixture {
    ($title:expr, $name:literal) => {
        fixture!(
            $title,
            $name,
            mocks = "{}",
            test_case = "",
            machine_name = ""
        )
    };
    ($title:expr, $name:literal, mocks = $mocks:expr, test_case = $tc:expr, machine_name = $mn:expr) => {
        Example {
            title: $title,
            definition: include_str!(concat!("../../tests/data/exec/", $name, ".asl.json")),
            input: include_str!(concat!("../../tests/data/exec/", $name, ".input.json")),
            mocks: $mocks,
            test_case: $tc,
            machine_name: $mn,
            machines: "",
            s3: "",
        }
    };
}

pub const EXAMPLES: &[Example] = &[
    fixture!(
        "Order processing (review, line items)",
        "order-processing",
        mocks = include_str!("../../tests/data/exec/order-processing.mocks.json"),
        test_case = "",
        machine_name = ""
    ),
    fixture!(
        "Saga (compensate in reverse)",
        "saga",
        mocks = include_str!("../../tests/data/exec/saga.mocks.json"),
        test_case = "",
        machine_name = ""
    ),
    fixture!(
        "Retries done right (split retriers, jitter)",
        "retries-done-right",
        mocks = include_str!("../../tests/data/exec/retries-done-right.mocks.json"),
        test_case = "",
        machine_name = ""
    ),
    fixture!(
        "Parallel fan-out and aggregation",
        "parallel-aggregation",
        mocks = include_str!("../../tests/data/exec/parallel-aggregation.mocks.json"),
        test_case = "",
        machine_name = ""
    ),
    fixture!(
        "Retry with backoff",
        "retry-backoff",
        mocks = include_str!("../../tests/data/exec/retry-backoff.mocks.json"),
        test_case = "",
        machine_name = ""
    ),
    fixture!(
        "Catch and compensate",
        "catch-result-path",
        mocks = include_str!("../../tests/data/exec/catch-result-path.mocks.json"),
        test_case = "",
        machine_name = ""
    ),
    fixture!(
        "Human approval with heartbeat (callback)",
        "callback-approval"
    ),
    fixture!("Parallel fan-out", "parallel-makespan"),
    fixture!("Map with MaxConcurrency", "map-concurrency"),
    fixture!("Choice rules", "choice-operators"),
    fixture!("Intrinsic functions", "intrinsics-tour"),
    fixture!(
        "JSONata and variables",
        "order-jsonata-variables",
        mocks = include_str!("../../tests/data/exec/order-jsonata-variables.mocks.json"),
        test_case = "",
        machine_name = ""
    ),
    Example {
        machines: include_str!("../../tests/data/exec/nested-express-child.machines.json"),
        ..fixture!(
            "Nested Express child (cost compared)",
            "nested-express-child",
            mocks = include_str!("../../tests/data/exec/nested-express-child.mocks.json"),
            test_case = "",
            machine_name = ""
        )
    },
    Example {
        s3: include_str!("../../tests/data/exec/dmap-transcode.s3.json"),
        ..fixture!(
            "Distributed Map over S3 (batches, tolerated failures)",
            "dmap-transcode",
            mocks = include_str!("../../tests/data/exec/dmap-transcode.mocks.json"),
            test_case = "",
            machine_name = ""
        )
    },
];
