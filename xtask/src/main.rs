//! `cargo xtask setup | test | serve [--port N] | bench | budgets | conformance | fuzz [--seconds N]`
//!
//! `test` and `serve` first install whatever is missing, by name, from the package registries
//! (rustup target, Trunk, wasm-bindgen-cli, npm packages, Debian's Chromium), skipping what is
//! present. Nothing is downloaded from anywhere else.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const TRUNK_VERSION: &str = "0.21.14";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn run(cmd: &mut Command) -> Result<(), String> {
    eprintln!("$ {}", describe(cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("{}: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(cmd)))
    }
}

fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program().to_string_lossy().to_string())
        .chain(cmd.get_args().map(|a| a.to_string_lossy().to_string()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn output(cmd: &mut Command) -> Option<String> {
    cmd.output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

/// The wasm-bindgen version Cargo.lock pins (the CLI must match it exactly).
fn wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|v| v.strip_prefix("version = \""))
                .and_then(|v| v.strip_suffix('"'))
            {
                return Ok(v.to_string());
            }
        }
    }
    Err("Cargo.lock pins no wasm-bindgen".into())
}

fn ensure_rust_tools() -> Result<(), String> {
    let targets =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !targets
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let trunk = output(Command::new("trunk").arg("--version")).unwrap_or_default();
    if !trunk.contains(TRUNK_VERSION) {
        // 0.22 needs a newer rustc than this toolchain; --locked keeps its dependencies as tested.
        run(cargo().args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))?;
    }
    let want = wasm_bindgen_version()?;
    let have = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if !have.contains(&want) {
        // Without --locked: its lockfile pins a crate release the registry does not serve.
        run(cargo().args(["install", "wasm-bindgen-cli", "--version", &want]))?;
    }
    Ok(())
}

fn ensure_npm() -> Result<(), String> {
    let web = root().join("web");
    // What the build and the tests use: wasm-opt (Trunk), esbuild and CodeMirror (the editor
    // bundle), playwright-core (end-to-end tests).
    let needed = [
        "node_modules/.bin/wasm-opt",
        "node_modules/.bin/esbuild",
        "node_modules/codemirror",
        "node_modules/@codemirror/lint",
        "node_modules/playwright-core",
    ];
    if needed.iter().any(|p| !web.join(p).exists()) {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&web))?;
    }
    Ok(())
}

fn ensure_chromium() -> Result<(), String> {
    if Path::new("/usr/bin/chromium").exists() {
        return Ok(());
    }
    let sudo = |args: &[&str]| {
        let mut c = if output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0") {
            let mut c = Command::new(args[0]);
            c.args(&args[1..]);
            c
        } else {
            let mut c = Command::new("sudo");
            c.args(args);
            c
        };
        c.env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run(&mut sudo(&["apt-get", "update"]))?;
    run(&mut sudo(&[
        "apt-get",
        "install",
        "-y",
        "chromium",
        "chromium-driver",
    ]))
}

fn path_with_node_bin() -> String {
    let bin = root().join("web/node_modules/.bin");
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn build_site() -> Result<(), String> {
    run(Command::new("trunk")
        .args(["build", "--release", "--offline"])
        .current_dir(root())
        .env("PATH", path_with_node_bin()))
}

fn setup() -> Result<(), String> {
    ensure_rust_tools()?;
    ensure_npm()?;
    ensure_chromium()
}

fn test() -> Result<(), String> {
    setup()?;
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The engine must build for the browser (no wasm-bindgen, no clock, no OS randomness).
    run(cargo().args([
        "build",
        "--package",
        "engine",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    run(cargo().args([
        "clippy",
        "--package",
        "web",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The fuzz target lives outside the workspace: it must still build against the engine.
    run(cargo().args(["check", "--manifest-path", "fuzz/Cargo.toml", "--bins"]))?;
    // Engine, fixtures, conformance floor, CLI.
    run(cargo().args(["test", "--workspace"]))?;
    // The red-team inputs' 2 s bound is for the optimised CLI.
    run(cargo().args(["test", "--release", "-p", "engine", "--test", "redteam"]))?;
    conformance_summary()?;
    // The page, in headless Chromium.
    build_site()?;
    run(Command::new("node")
        .arg("web/e2e/smoke.mjs")
        .current_dir(root()))
}

/// Prints the conformance pass rates (the floor test in `cargo test` enforces them); each
/// per-tag table goes to target/conformance-<set>.txt.
fn conformance_summary() -> Result<(), String> {
    let cases = root().join("../shared/conformance/cases.jsonl");
    for (set, flag, tags) in [
        (
            "jsonpath",
            "--exclude-tags",
            "jsonata,variables,distributed-map,sync-integration,express",
        ),
        ("jsonata-and-variables", "--only-tags", "jsonata,variables"),
    ] {
        let mut cmd = cargo();
        cmd.args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "engine",
            "--bin",
            "asl",
            "--",
            "conformance",
        ])
        .arg(&cases)
        .args([flag, tags]);
        let table = output(&mut cmd).ok_or("asl conformance failed")?;
        let _ = std::fs::write(root().join(format!("target/conformance-{set}.txt")), &table);
        let last = table.lines().last().unwrap_or_default();
        let numbers: Vec<usize> = last
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        if let [passed, failed] = numbers[..] {
            eprintln!("conformance ({set} cases, table in target/conformance-{set}.txt): {passed} of {} pass", passed + failed);
        }
    }
    Ok(())
}

fn serve(port: &str) -> Result<(), String> {
    setup()?;
    build_site()?;
    eprintln!("Serving dist/ at http://127.0.0.1:{port}/ (Ctrl+C stops)");
    run(Command::new("node")
        .args(["web/e2e/serve.mjs", "dist", port])
        .current_dir(root()))
}

/// The page's budgets measured in headless Chromium (size, first render, validate + layout per
/// edit, layout of 1,000 states, longest task during a 10,000-item Map), with screenshots into
/// docs/.
fn budgets() -> Result<(), String> {
    setup()?;
    build_site()?;
    run(Command::new("node")
        .args(["web/e2e/smoke.mjs", "--budgets", "--screenshots", "docs"])
        .current_dir(root()))
}

fn bench() -> Result<(), String> {
    run(cargo().args([
        "run",
        "--release",
        "--package",
        "bench",
        "--bin",
        "bench-native",
    ]))?;
    run(cargo().args([
        "build",
        "--release",
        "--package",
        "bench",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    let bench = root().join("bench");
    if !bench.join("node_modules/aws-local-stepfunctions").exists() {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&bench))?;
    }
    run(Command::new("node")
        .args(["--expose-gc", "bench/run.mjs"])
        .current_dir(root()))?;
    // The Distributed Map scale workload: a million Express children, native then wasm.
    run(cargo().args([
        "run",
        "--release",
        "--package",
        "bench",
        "--bin",
        "bench-native",
        "--",
        "--dmap",
        "1000000",
        "--runs",
        "3",
    ]))?;
    run(Command::new("node")
        .args(["--expose-gc", "bench/dmap.mjs"])
        .current_dir(root()))
}

/// Seeds the fuzz corpus from the conformance cases and the fixtures (definition, input and
/// mocks joined by 0xFF, as the target splits them), then runs the fuzzer.
fn fuzz(seconds: &str) -> Result<(), String> {
    // cargo-fuzz from crates.io when missing (a fresh machine has none).
    if output(cargo().args(["fuzz", "--version"])).is_none_or(|v| !v.contains("cargo-fuzz")) {
        run(cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let corpus = root().join("fuzz/corpus/engine");
    std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
    let mut seeds = 0;
    let mut write = |parts: [String; 3]| {
        let mut bytes = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                bytes.push(0xFF);
            }
            bytes.extend_from_slice(p.as_bytes());
        }
        seeds += 1;
        std::fs::write(corpus.join(format!("seed-{seeds:04}")), bytes).map_err(|e| e.to_string())
    };
    if let Ok(text) = std::fs::read_to_string(root().join("../shared/conformance/cases.jsonl")) {
        for line in text.lines() {
            let Ok(case) = engine::syntax::json::parse(line) else {
                continue;
            };
            let get = |k: &str| case.get(k).map(|v| v.to_json()).unwrap_or_default();
            write([get("definition"), get("input"), get("mocks")])?;
        }
    }
    let exec = root().join("tests/data/exec");
    for entry in std::fs::read_dir(&exec)
        .map_err(|e| e.to_string())?
        .flatten()
    {
        let path = entry.path();
        let name = path.to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(".asl.json") {
            let read = |suffix: &str| {
                std::fs::read_to_string(format!("{stem}.{suffix}")).unwrap_or_default()
            };
            write([read("asl.json"), read("input.json"), read("mocks.json")])?;
        }
    }
    // Real projects as their authors keep them: YAML, placeholders, templates, Terraform.
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p
                .extension()
                .is_some_and(|x| x == "json" || x == "yaml" || x == "yml" || x == "tf")
            {
                out.push(p);
            }
        }
    }
    let mut real = Vec::new();
    walk(&root().join("../shared/realworld"), &mut real);
    real.sort();
    for p in real {
        write([
            std::fs::read_to_string(&p).unwrap_or_default(),
            String::new(),
            String::new(),
        ])?;
    }
    eprintln!("seeded {seeds} corpus entries");
    run(Command::new("cargo")
        .args([
            "fuzz",
            "run",
            "engine",
            "--",
            &format!("-max_total_time={seconds}"),
            "-max_len=65536",
            "-print_final_stats=1",
        ])
        .current_dir(root().join("fuzz"))
        // cargo-fuzz needs nightly flags; this toolchain is stable.
        .env("RUSTC_BOOTSTRAP", "1"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = args
        .iter()
        .position(|a| a == "--port")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| "8080".into());
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup(),
        Some("test") => test(),
        Some("serve") => serve(&port),
        Some("bench") => bench(),
        Some("budgets") => budgets(),
        Some("conformance") => conformance_summary(),
        Some("fuzz") => fuzz(
            &args
                .iter()
                .position(|a| a == "--seconds")
                .and_then(|i| args.get(i + 1))
                .cloned()
                .unwrap_or_else(|| "600".into()),
        ),
        _ => Err(
            "usage: cargo xtask setup | test | serve [--port N] | bench | budgets | conformance | fuzz [--seconds N]"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
