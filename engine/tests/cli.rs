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
