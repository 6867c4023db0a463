//! How long `debate-bot import` takes to read an article: `cargo bench -p debate-import
//! --bench import`. The article is the shipped one (40 paragraphs, 9,855 bytes). The first import in a process loads the segmenter's
//! dictionary (compiled in, decompressed at first use): that is what one `debate-bot import`
//! pays, and it is measured on its own ("cold", in a fresh process each sample: this binary
//! re-run with `IMPORT_BENCH_COLD=1`). Then the reading alone, dictionary loaded ("warm"): the
//! median and p95 of many samples. The target: a 40-paragraph article under 1 s, cold.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use debate_import::Given;

fn article() -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../responses/dianchang-2024-07-12-open-vs-closed/article.txt");
    std::fs::read(path).expect("the shipped article")
}

fn given() -> Given {
    Given {
        outlet: Some("电厂".into()),
        ..Given::default()
    }
}

fn import(bytes: &[u8]) -> usize {
    let draft = debate_import::read(bytes, &given(), &debate_import::ids::Taken::default())
        .expect("imports");
    draft.excerpts.len()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let bytes = article();
    if std::env::var_os("IMPORT_BENCH_COLD").is_some() {
        let start = Instant::now();
        let n = import(&bytes);
        println!("{} {n}", start.elapsed().as_micros());
        return;
    }
    // Cold: a fresh process per sample, the dictionary loaded inside the measured time.
    let exe = std::env::current_exe().expect("this bench");
    let mut cold: Vec<Duration> = (0..7)
        .map(|_| {
            let out = Command::new(&exe)
                .env("IMPORT_BENCH_COLD", "1")
                .output()
                .expect("runs");
            let line = String::from_utf8_lossy(&out.stdout).into_owned();
            let micros: u64 = line
                .split_whitespace()
                .next()
                .and_then(|m| m.parse().ok())
                .expect("a time");
            Duration::from_micros(micros)
        })
        .collect();
    cold.sort();
    // Warm: the reading alone.
    for _ in 0..5 {
        import(&bytes);
    }
    let mut warm: Vec<Duration> = (0..50)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(import(&bytes));
            start.elapsed()
        })
        .collect();
    warm.sort();
    let paragraphs = String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    println!(
        "import of the shipped article ({paragraphs} paragraphs, {} bytes):",
        bytes.len()
    );
    println!(
        "  cold (dictionary load included, 7 processes): median {:.0} ms, max {:.0} ms",
        percentile(&cold, 0.5).as_secs_f64() * 1e3,
        cold.last().unwrap().as_secs_f64() * 1e3
    );
    println!(
        "  warm (reading only, 50 samples): median {:.1} ms, p95 {:.1} ms",
        percentile(&warm, 0.5).as_secs_f64() * 1e3,
        percentile(&warm, 0.95).as_secs_f64() * 1e3
    );
    let verdict = if percentile(&cold, 0.5) < Duration::from_secs(1) {
        "PASS"
    } else {
        "MISS"
    };
    println!("  target: under 1 s cold: {verdict}");
}
