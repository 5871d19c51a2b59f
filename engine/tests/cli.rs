//! The `asl` binary: bad input gets one clear line and exit code 2, never a panic.

//! (It lives in the engine package so that Cargo builds the binary it runs; the fixtures are the
//! tests crate's.)

use std::path::PathBuf;
use std::process::Command;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data")
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_asl"))
        .args(args)
        .output()
        .expect("asl runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn bad_input_exits_2_with_one_clear_line() {
    let def = data_dir().join("exec/retry-backoff.asl.json");
    let def = def.to_str().expect("utf-8 path");
    let broken = data_dir().join("cli/broken.json");
    let broken = broken.to_str().expect("utf-8 path");
    let cases: &[(&[&str], &str)] = &[
        (
            &["run", "/no/such/file.json"],
            "cannot read /no/such/file.json",
        ),
        (&["run", def, "--input", broken], "broken.json: Unexpected"),
        (&["run", def, "--frobnicate"], "unknown flag --frobnicate"),
        (
            &["run", def, "--type", "MEDIUM"],
            "--type must be STANDARD or EXPRESS",
        ),
        (
            &["run", def, "--start-time", "yesterday"],
            "--start-time must be an RFC 3339 timestamp",
        ),
        (
            &["import", "/no/such/template.yaml"],
            "cannot read /no/such/template.yaml",
        ),
        (&["import"], "import takes one or more files or folders"),
        (&["export", def], "export needs --to"),
        (
            &["export", def, "--to", "pulumi", "--out", "/tmp/x"],
            "--to takes sam, cdk, terraform or serverless",
        ),
        (
            &["export", def, "--to", "sam"],
            "export writes to --out DIR or --zip FILE",
        ),
        (&["validate", def, "--substitutions", broken], "broken.json"),
        (&["fly"], "unknown command 'fly'"),
        (&[], "no command given"),
    ];
    for (args, needle) in cases {
        let (code, _, err) = run(args);
        assert_eq!(code, 2, "asl {args:?} should exit 2; stderr: {err}");
        assert!(
            err.lines().next().unwrap_or("").contains(needle),
            "asl {args:?}: first stderr line should mention {needle:?}, got {err:?}"
        );
        assert!(!err.contains("panicked"), "asl {args:?} panicked: {err}");
    }
}

#[test]
fn validate_reports_json_and_exit_codes() {
    let good = data_dir().join("exec/retry-backoff.asl.json");
    let (code, out, _) = run(&["validate", good.to_str().expect("path")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\"result\": \"OK\""), "{out}");
    let bad = data_dir().join("invalid/missing-targets.asl.json");
    let (code, out, _) = run(&["validate", bad.to_str().expect("path")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("MISSING_TRANSITION_TARGET"), "{out}");
}

#[test]
fn import_export_and_substitutions() {
    let project = data_dir().join("projects/sam-orders");
    let (code, out, err) = run(&["import", project.to_str().expect("path")]);
    assert_eq!(code, 0, "{err}");
    let v = engine::syntax::json::parse(&out).expect("JSON");
    let names: Vec<&str> = v
        .get("machines")
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("name").and_then(|n| n.as_str()))
        .collect();
    assert_eq!(names, ["ShipFlow", "OrderFlow"], "{out}");
    let order = v.pointer("/machines/1").expect("OrderFlow");
    assert_eq!(order.get("format").and_then(|f| f.as_str()), Some("yaml"));
    // Validate the YAML definition with the template's substitutions, from a file.
    let dir = std::env::temp_dir().join(format!("asl-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let def = dir.join("order.asl.yaml");
    std::fs::write(
        &def,
        order
            .get("definition")
            .and_then(|d| d.as_str())
            .unwrap_or(""),
    )
    .expect("write");
    let subs = dir.join("subs.yaml");
    std::fs::write(&subs, "ChargeFunctionArn: arn:aws:lambda:us-east-1:123456789012:function:c\nOrdersTableName: t\nShipFlowArn: arn:aws:states:us-east-1:123456789012:stateMachine:ShipFlow\n").expect("write");
    let (code, out, _) = run(&[
        "validate",
        def.to_str().unwrap(),
        "--substitutions",
        subs.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("SUBSTITUTION_NOT_SET"), "{out}");
    // Without them: warnings, never errors.
    let (code, out, _) = run(&["validate", def.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("SUBSTITUTION_NOT_SET").count(), 3, "{out}");
    // Export it as Terraform into a zip.
    let zip = dir.join("out.zip");
    let (code, out, err) = run(&[
        "export",
        def.to_str().unwrap(),
        "--to",
        "terraform",
        "--substitutions",
        subs.to_str().unwrap(),
        "--zip",
        zip.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("3 files"), "{out}");
    assert!(std::fs::read(&zip).expect("zip").starts_with(b"PK"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// AWS's StartExecution refuses an input over 256 KiB; one of exactly 256 KiB runs.
#[test]
fn an_input_over_256_kib_is_refused_at_start() {
    let def = data_dir().join("exec/retry-backoff.asl.json");
    let def = def.to_str().expect("utf-8 path");
    let dir = std::env::temp_dir().join(format!("asl-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // `{"s":"…"}` is 8 bytes around the string.
    for (n, refused) in [(262_144 - 8, false), (262_144 - 7, true)] {
        let path = dir.join(format!("input-{n}.json"));
        std::fs::write(&path, format!("{{\"s\":\"{}\"}}", "x".repeat(n))).expect("write");
        let (code, _, err) = run(&["run", def, "--input", path.to_str().expect("utf-8")]);
        if refused {
            assert_eq!(code, 2, "{err}");
            let first = err.lines().next().unwrap_or("");
            assert!(
                first.contains("262145 bytes as JSON, over AWS's 256 KiB"),
                "{first}"
            );
            assert!(first.contains("Member must have length less than or equal to 262144"));
        } else {
            assert_ne!(code, 2, "an input of exactly 256 KiB starts: {err}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
