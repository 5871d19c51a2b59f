//! Every fixture under data/ is a test: exec/ runs and compares traces, invalid/ compares
//! diagnostics (with line:column), valid/ must have no error.

use tests::{advice_text, data_dir, diagnostics_text, expect_file, fixtures, run_trace};

fn check_all(dir: &str, check: impl Fn(&std::path::Path) -> Result<(), String>) {
    let stems = fixtures(&data_dir().join(dir));
    assert!(!stems.is_empty(), "no fixtures in data/{dir}");
    let failures: Vec<String> = stems
        .iter()
        .filter_map(|s| check(s).err().map(|e| format!("{}: {e}", s.display())))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        stems.len(),
        failures.join("\n\n")
    );
}

#[test]
fn exec_fixtures_match_their_traces() {
    check_all("exec", |stem| {
        expect_file(&stem.with_extension("trace.txt"), &run_trace(stem)?)
    });
}

#[test]
fn invalid_fixtures_report_located_diagnostics() {
    check_all("invalid", |stem| {
        let text = diagnostics_text(stem)?;
        if text.is_empty() {
            return Err("expected diagnostics, got none".into());
        }
        expect_file(&stem.with_extension("diagnostics.txt"), &text)
    });
}

#[test]
fn valid_fixtures_have_no_errors() {
    check_all("valid", |stem| {
        let text = diagnostics_text(stem)?;
        if text.lines().any(|l| l.contains(" ERROR ")) {
            Err(format!("unexpected errors:\n{text}"))
        } else {
            Ok(())
        }
    });
}

#[test]
fn advice_fixtures_price_the_move_to_express() {
    check_all("advice", |stem| {
        expect_file(&stem.with_extension("advice.txt"), &advice_text(stem)?)
    });
}
