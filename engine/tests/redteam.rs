//! The red-team report's CLI inputs (`../shared/reference/redteam-2026-12.md`), one fixture per
//! row in `tests/data/redteam/`: each is answered within 2 s of wall time and 1 GiB of address
//! space, both enforced here (the process runs under `ulimit -v`), and says what it must print.
//!
//! A fixture: `{"row", "input", "files": {name: {"ext", "parts"}}, "args", "exit", "stdout",
//! "stderr", "stderrLacks"}`. Large inputs are described, not stored: a part is a string or `[unit, times]`.
//! `{"numbers": [from, to], "width", "separator"}` writes distinct numbers, `{"bytes": [..]}` raw
//! bytes. `{name}` in an
//! argument is that file's path, `{data}` the fixtures folder `tests/data`.

use engine::api;
use engine::syntax::json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The bound holds for an optimised build (`cargo test --release`, as `cargo xtask test` runs
/// this test); an unoptimised binary is several times slower, so there it only catches hangs.
const WALL: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(30)
} else {
    Duration::from_secs(2)
};
const ADDRESS_SPACE_KIB: u64 = 1 << 20;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/redteam")
}

fn field<'v>(v: &'v Value, name: &str) -> Option<&'v Value> {
    v.get(name)
}

fn strings(v: &Value, name: &str) -> Vec<String> {
    field(v, name)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn build_file(spec: &Value) -> Vec<u8> {
    let mut out = String::new();
    let mut bytes = Vec::new();
    for part in field(spec, "parts")
        .and_then(Value::as_array)
        .expect("parts")
    {
        match part {
            Value::String(s) => out.push_str(s),
            // `{"bytes": [255, 254]}`: raw bytes (text that is not UTF-8).
            Value::Object(_) if part.get("bytes").is_some() => {
                bytes.extend(std::mem::take(&mut out).into_bytes());
                let raw = part.get("bytes").and_then(Value::as_array).expect("bytes");
                bytes.extend(
                    raw.iter()
                        .filter_map(|b| b.as_number()?.as_i64())
                        .map(|b| b as u8),
                );
            }
            Value::Array(a) => {
                let unit = a[0].as_str().expect("unit");
                let times = a[1].as_number().and_then(|n| n.as_i64()).expect("times");
                out.push_str(&unit.repeat(times as usize));
            }
            // `{"numbers": [from, to], "width": W, "separator": S}`: distinct values.
            Value::Object(_) if part.get("numbers").is_some() => {
                let n = |v: Option<&Value>| v.and_then(Value::as_number).and_then(|n| n.as_i64());
                let range = part
                    .get("numbers")
                    .and_then(Value::as_array)
                    .expect("numbers");
                let (from, to) = (n(range.first()).unwrap(), n(range.get(1)).unwrap());
                let width = n(part.get("width")).unwrap_or(0) as usize;
                let sep = part.get("separator").and_then(Value::as_str).unwrap_or(",");
                for i in from..=to {
                    if i > from {
                        out.push_str(sep);
                    }
                    out.push_str(&format!("{i:0width$}"));
                }
            }
            other => panic!(
                "a part is a string, [unit, times] or {{numbers}}, not {}",
                other.to_json()
            ),
        }
    }
    bytes.extend(out.into_bytes());
    bytes
}

struct Outcome {
    exit: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

fn run_case(name: &str, case: &Value, scratch: &Path) -> Outcome {
    let mut paths = std::collections::BTreeMap::new();
    for (file, spec) in field(case, "files")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.iter())
    {
        let ext = field(spec, "ext").and_then(Value::as_str).unwrap_or("json");
        let path = scratch.join(format!("{name}.{file}.{ext}"));
        std::fs::write(&path, build_file(spec)).expect("scratch file");
        paths.insert(file.to_string(), path.to_string_lossy().into_owned());
    }
    let args: Vec<String> = strings(case, "args")
        .into_iter()
        .map(|mut a| {
            a = a.replace("{data}", &data_dir().join("..").to_string_lossy());
            for (file, path) in &paths {
                a = a.replace(&format!("{{{file}}}"), path);
            }
            a
        })
        .collect();
    let started = Instant::now();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_asl"))
        .args(&args)
        .output()
        .expect("asl runs");
    Outcome {
        exit: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
        took: started.elapsed(),
    }
}

#[test]
fn every_red_team_input_is_answered_within_2_s_and_1_gib() {
    let scratch = std::env::temp_dir().join(format!("asl-redteam-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(data_dir())
        .expect("tests/data/redteam")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    assert!(entries.len() >= 10, "the fixtures are there");
    let mut failures = Vec::new();
    for path in &entries {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let case = api::parse_json(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = run_case(&name, &case, &scratch);
        let mut wrong = Vec::new();
        if got.took > WALL {
            wrong.push(format!("took {:.2} s", got.took.as_secs_f64()));
        }
        let want_exit = field(&case, "exit")
            .and_then(Value::as_number)
            .and_then(|n| n.as_i64())
            .unwrap_or(0) as i32;
        if got.exit != want_exit {
            wrong.push(format!("exit {} (wanted {want_exit})", got.exit));
        }
        for (stream, text) in [("stdout", &got.stdout), ("stderr", &got.stderr)] {
            for want in strings(&case, stream) {
                if !text.contains(&want) {
                    wrong.push(format!("{stream} lacks {want:?}"));
                }
            }
        }
        for unwanted in strings(&case, "stderrLacks") {
            if got.stderr.contains(&unwanted) {
                wrong.push(format!("stderr has {unwanted:?}"));
            }
        }
        if got.stderr.contains("panicked") || got.stderr.contains("overflowed its stack") {
            wrong.push("crashed".into());
        }
        if !wrong.is_empty() {
            let head: String = got.stdout.chars().take(300).collect();
            let err: String = got.stderr.chars().take(300).collect();
            failures.push(format!(
                "{name} ({}): {}\n  stdout: {head}\n  stderr: {err}",
                field(&case, "row").and_then(Value::as_str).unwrap_or("?"),
                wrong.join("; ")
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
