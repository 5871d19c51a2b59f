//! Native figures for the ../shared/bench workloads: median ms and transitions/s per workload.
//! `cargo run --release -p bench --bin bench-native [-- --runs N] [--dir PATH]`

use bench::Workload;
use std::time::Instant;

const ORDER: [&str; 6] = [
    "pass-chain",
    "map-10k",
    "choice-loop",
    "retry-heavy",
    "parallel-fanout",
    "payload-heavy",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let runs: usize = flag("--runs").and_then(|r| r.parse().ok()).unwrap_or(15);
    if let Some(n) = flag("--dmap").and_then(|n| n.parse::<usize>().ok()) {
        std::process::exit(i32::from(!dmap(n, runs.min(5))));
    }
    let dir = flag("--dir").unwrap_or_else(|| "../shared/bench/workloads".to_string());
    println!("# engine {} native, runs={runs}", engine::VERSION);
    println!("workload          median_ms    min_ms  states  transitions/s");
    let mut failed = false;
    for name in ORDER {
        let read = |suffix: &str| std::fs::read_to_string(format!("{dir}/{name}.{suffix}")).ok();
        let (Some(def), Some(input), Some(expected)) =
            (read("asl.json"), read("input.json"), read("expected.json"))
        else {
            println!("{name:<16} MISSING workload files in {dir}");
            failed = true;
            continue;
        };
        // map-10k exceeds Standard's 25,000-event quota: it runs as EXPRESS.
        let w = match Workload::prepare(
            &def,
            &input,
            read("mocks.json").as_deref(),
            name == "map-10k",
            true,
        ) {
            Ok(w) => w,
            Err(e) => {
                println!("{name:<16} FAILED: {e}");
                failed = true;
                continue;
            }
        };
        let expected = engine::api::parse_json(&expected).unwrap_or_default();
        let mut times = Vec::new();
        let mut entered = 0;
        for i in 0..runs + 2 {
            let t0 = Instant::now();
            let r = w.run();
            let ms = t0.elapsed().as_secs_f64() * 1000.0;
            match r {
                Ok((status, output, n, _)) if status == "SUCCEEDED" && output == expected => {
                    entered = n
                }
                other => {
                    println!("{name:<16} FAILED: {:?}", other.map(|o| o.0));
                    failed = true;
                    break;
                }
            }
            if i >= 2 {
                times.push(ms);
            }
        }
        if times.is_empty() {
            continue;
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let median = times[times.len() / 2];
        println!(
            "{name:<16} {median:>10.2} {:>9.2} {entered:>7} {:>14.0}",
            times[0],
            entered as f64 / (median / 1000.0)
        );
    }
    std::process::exit(i32::from(failed));
}

/// Peak resident memory of this process (Linux `VmHWM`), in MB.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The Distributed Map scale workload: `n` items, one Express child each.
fn dmap(n: usize, runs: usize) -> bool {
    let t0 = Instant::now();
    let w = match Workload::prepare(
        bench::DMAP_DEFINITION,
        &bench::dmap_input(n),
        None,
        false,
        false,
    ) {
        Ok(w) => w,
        Err(e) => {
            println!("dmap FAILED: {e}");
            return false;
        }
    };
    let prepare_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let expected = engine::api::parse_json(&bench::dmap_expected(n)).unwrap_or_default();
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let t0 = Instant::now();
        let ex = match w.execute() {
            Ok(ex) => ex,
            Err(e) => {
                println!("dmap FAILED: {e}");
                return false;
            }
        };
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
        let (status, output, _, events) = bench::summary(&ex);
        let run = &ex.map_runs()[0];
        if status != "SUCCEEDED" || output != expected || run.succeeded_children != n as u64 {
            println!("dmap FAILED: {status} {}", output.to_json());
            return false;
        }
        if times.len() == 1 {
            println!(
                "# Distributed Map, {n} items, one Express child each: parent history {events} events, {} children kept as samples, {} child transitions",
                run.samples.len(),
                run.child_transitions
            );
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "dmap-{n}: median {:.0} ms, min {:.0} ms over {} runs (input parse and validation {prepare_ms:.0} ms, untimed); peak RSS {}",
        times[times.len() / 2],
        times[0],
        times.len(),
        peak_rss_mb().map_or("n/a".into(), |m| format!("{m:.0} MB"))
    );
    true
}
