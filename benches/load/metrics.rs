//! What metrics cost: with `LOAD_METRICS=1` every round also runs debate-bot with
//! `[metrics] listen` on a loopback port, scraped on `GET /metrics` every [`SCRAPE_EVERY`]
//! during the loads (Prometheus' default is 15 s: this scrapes three times as often). Its CPU
//! per 1,000 updates is compared with debate-bot's without metrics in the same round; the
//! target is judged on the median of the per-round ratios. After the loads one more scrape
//! must show every command counted: `debate_bot_commands_total` summed over its labels equals
//! the commands answered.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Figures, Round, Series, Style, verdict};

/// Set (to anything but `0`) to also measure debate-bot with metrics on.
pub const ENV: &str = "LOAD_METRICS";
/// How often the bench scrapes while the loads run.
pub const SCRAPE_EVERY: Duration = Duration::from_secs(5);
/// Metrics may cost at most this much CPU per 1,000 updates (1.05: 5 % more).
pub const TARGET_CPU_RATIO: f64 = 1.05;

pub fn wanted() -> bool {
    std::env::var(ENV).is_ok_and(|v| !v.trim().is_empty() && v.trim() != "0")
}

/// A loopback port nothing listens on (yet).
pub fn free_port() -> Result<SocketAddr, String> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("a free port: {e}"))?;
    listener
        .local_addr()
        .map_err(|e| format!("a free port: {e}"))
}

/// What the bench saw of the metrics.
pub struct Seen {
    /// Scrapes during the loads, and the size of the last.
    pub scrapes: u64,
    pub bytes: u64,
    /// From the scrape after the loads.
    pub commands_counted: f64,
    pub updates_counted: f64,
}

/// `GET /metrics`: the body, if the answer is 200.
async fn scrape(addr: SocketAddr) -> Result<String, String> {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect to {addr}: {e}"))?;
    let request = format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| format!("scrape: {e}"))?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .map_err(|e| format!("scrape: {e}"))?;
    match response.split_once("\r\n\r\n") {
        Some((head, body)) if head.starts_with("HTTP/1.1 200") => Ok(body.to_string()),
        _ => Err(format!(
            "scrape: {}",
            response.lines().next().unwrap_or_default()
        )),
    }
}

/// The sum of every series of `name` (a counter with labels) in a scrape.
fn sum(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
        .sum()
}

/// Scrapes every [`SCRAPE_EVERY`] until stopped.
pub struct Scraper {
    task: tokio::task::JoinHandle<()>,
    scrapes: Arc<AtomicU64>,
    bytes: Arc<AtomicU64>,
    addr: SocketAddr,
}

impl Scraper {
    pub fn start(addr: SocketAddr) -> Scraper {
        let (scrapes, bytes) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let (count, size) = (Arc::clone(&scrapes), Arc::clone(&bytes));
        let task = tokio::spawn(async move {
            let mut every = tokio::time::interval(SCRAPE_EVERY);
            every.tick().await;
            loop {
                every.tick().await;
                if let Ok(body) = scrape(addr).await {
                    count.fetch_add(1, Ordering::Relaxed);
                    size.store(body.len() as u64, Ordering::Relaxed);
                }
            }
        });
        Scraper {
            task,
            scrapes,
            bytes,
            addr,
        }
    }

    /// Stops scraping; one last scrape reads what was counted.
    pub async fn finish(self) -> Result<Seen, String> {
        self.task.abort();
        let text = scrape(self.addr).await?;
        Ok(Seen {
            scrapes: self.scrapes.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            commands_counted: sum(&text, "debate_bot_commands_total"),
            updates_counted: sum(&text, "debate_bot_updates_total"),
        })
    }
}

/// Whether the metrics counted every command the bot answered (true without metrics).
pub fn counted_all(figures: &Figures) -> bool {
    figures.metrics.as_ref().is_none_or(|seen| {
        seen.commands_counted == figures.answered() as f64
            && seen.updates_counted == figures.answered() as f64
    })
}

/// The section of the report on metrics, when they were measured.
pub fn report(w: &mut String, rounds: &[Round], clk_tck: f64) {
    if rounds.iter().all(|r| r.with_metrics.is_none()) {
        return;
    }
    fn on(r: &Round) -> Option<&Figures> {
        r.with_metrics.as_ref()
    }
    let cpu = |f: &Figures| f.cpu_per_1000_ms(clk_tck);
    let series = [
        Series::of(
            "CPU per 1,000 updates, metrics off".into(),
            Style::Ms1,
            rounds,
            |r| cpu(&r.ours),
        ),
        Series::of(
            "CPU per 1,000 updates, metrics on".into(),
            Style::Ms1,
            rounds,
            |r| on(r).and_then(cpu),
        ),
        Series::of("CPU ratio, on / off".into(), Style::Ratio, rounds, |r| {
            Some(on(r).and_then(cpu)? / cpu(&r.ours)?)
        }),
        Series::of("peak RSS, metrics on".into(), Style::Mb, rounds, |r| {
            on(r).map(Figures::peak_rss_mb)
        }),
        Series::of("peak RSS, on - off".into(), Style::MbSigned, rounds, |r| {
            Some(on(r)?.peak_rss_mb() - r.ours.peak_rss_mb())
        }),
        Series::of("paced p99, metrics on".into(), Style::Ms2, rounds, |r| {
            on(r)?.p(99.0).map(super::ms)
        }),
    ];
    let _ = writeln!(
        w,
        "\n  metrics on ([metrics] listen, scraped every {} s) vs off, debate-bot, round by round",
        SCRAPE_EVERY.as_secs()
    );
    for s in &series {
        let values: Vec<String> = s.values.iter().map(|v| s.style.show(*v)).collect();
        let label = match s.style.unit() {
            "" => s.label.clone(),
            unit => format!("{} ({unit})", s.label),
        };
        let line = format!(
            "  {label:<42} {}   median {}   {}",
            values.join(" / "),
            s.style.show(s.median()),
            s.range()
        );
        let _ = writeln!(w, "{}", line.trim_end());
    }
    let ratio = &series[2];
    let _ = writeln!(
        w,
        "  {:<42} {:>14}   {}",
        format!("CPU with metrics <= {TARGET_CPU_RATIO}x without"),
        ratio.style.with_unit(ratio.style.show(ratio.median())),
        verdict(ratio.median() <= TARGET_CPU_RATIO)
    );
    for r in rounds {
        if let Some(seen) = on(r).and_then(|f| f.metrics.as_ref().map(|s| (f, s))) {
            let (f, seen) = seen;
            let _ = writeln!(
                w,
                "  round {}: {} scrapes during the loads, {:.1} KiB each; after: {} commands and {} updates counted, {} answered: {}",
                r.number,
                seen.scrapes,
                seen.bytes as f64 / 1024.0,
                seen.commands_counted,
                seen.updates_counted,
                f.answered(),
                super::pass_fail(counted_all(f))
            );
        }
    }
}
