//! Timing shared by the benches that measure one call many times (`search`, `articles`).

use std::time::{Duration, Instant};

/// `samples` timings of `f` per call, sorted: each the mean over a batch of calls that takes
/// about a millisecond (found first, which also warms up), so that a call of a few
/// microseconds is not lost in the clock's resolution.
pub fn per_call(samples: usize, mut f: impl FnMut()) -> Vec<Duration> {
    let mut batch = 1u32;
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            f();
        }
        if start.elapsed() > Duration::from_millis(1) || batch >= 1 << 20 {
            break;
        }
        batch *= 2;
    }
    let mut timings: Vec<Duration> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                f();
            }
            start.elapsed() / batch
        })
        .collect();
    timings.sort();
    timings
}

/// A duration as the docs quote it: ns below 10 µs, µs below 10 ms, else ms.
pub fn show(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns < 10_000 {
        format!("{ns} ns")
    } else if ns < 10_000_000 {
        format!("{:.1} µs", ns as f64 / 1000.0)
    } else {
        format!("{:.1} ms", ns as f64 / 1e6)
    }
}
