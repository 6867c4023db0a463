//! The Prometheus side of [`super`]: the recorder, installed once per process; every series,
//! registered at start so that recording is an atomic add on a handle kept here; and the
//! `/metrics` server with its upkeep task.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::Context;
use metrics::{Counter, Gauge, Histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::*;
use crate::store::Store;

/// Every series, registered once at [`install`].
pub(super) struct Handles {
    pub(super) prometheus: PrometheusHandle,
    pub(super) updates: Labelled<Counter>,
    pub(super) commands: HashMap<String, Counter>,
    pub(super) other_command: Counter,
    pub(super) calls: HashMap<(&'static str, &'static str), Counter>,
    pub(super) retries: Labelled<Counter>,
    pub(super) dropped: Labelled<Counter>,
    pub(super) send_queue: Gauge,
    pub(super) handler: Labelled<Histogram>,
    pub(super) to_reply: Labelled<Histogram>,
    pub(super) quizzes: Gauge,
    pub(super) debates: Gauge,
    pub(super) recorded: Labelled<Counter>,
    pub(super) refused: Labelled<Counter>,
    pub(super) writes: Labelled<Histogram>,
}

/// One metric's series by the value of its one label; the last value is the fallback.
pub(super) struct Labelled<T>(Vec<(&'static str, T)>);

impl<T> Labelled<T> {
    fn new(values: &[&'static str], make: impl Fn(&'static str) -> T) -> Self {
        Labelled(values.iter().map(|&v| (v, make(v))).collect())
    }

    pub(super) fn get(&self, value: &str) -> &T {
        let (_, last) = self.0.last().expect("a label set is never empty");
        self.0
            .iter()
            .find(|(v, _)| *v == value)
            .map_or(last, |(_, t)| t)
    }
}

static HANDLES: OnceLock<Handles> = OnceLock::new();

/// The series, once [`install`] has run.
pub(super) fn handles() -> Option<&'static Handles> {
    HANDLES.get()
}

/// Installs the Prometheus recorder for this process (once; later calls answer the same
/// handle) and registers every series. `topic_commands`: the corpus' topic commands, the
/// only command names besides the built-in ones that become label values.
pub fn install<'a>(
    topic_commands: impl IntoIterator<Item = &'a str>,
) -> anyhow::Result<PrometheusHandle> {
    if let Some(handles) = HANDLES.get() {
        return Ok(handles.prometheus.clone());
    }
    let mut builder = PrometheusBuilder::new();
    for name in [HANDLER_SECONDS, UPDATE_TO_REPLY_SECONDS] {
        builder = builder.set_buckets_for_metric(Matcher::Full(name.into()), LATENCY_BUCKETS)?;
    }
    builder = builder
        .set_buckets_for_metric(Matcher::Full(SQLITE_WRITE_SECONDS.into()), WRITE_BUCKETS)?;
    let prometheus = builder
        .install_recorder()
        .context("cannot install the metrics recorder")?;
    describe();

    let counter = |name: &'static str, label: &'static str| move |value: &'static str| metrics::counter!(name, label => value);
    let histogram = |name: &'static str, label: &'static str| move |value: &'static str| metrics::histogram!(name, label => value);
    let mut commands = HashMap::new();
    let names = crate::command::BUILTIN_COMMANDS
        .iter()
        .chain(OTHER_ANSWERS)
        .map(|s| s.to_string())
        .chain(topic_commands.into_iter().map(str::to_string));
    for name in names {
        let counter = metrics::counter!(COMMANDS, "command" => name.clone());
        commands.insert(name, counter);
    }
    let mut calls = HashMap::new();
    for &method in METHODS {
        for &outcome in OUTCOMES {
            let counter = metrics::counter!(CALLS, "method" => method, "outcome" => outcome);
            calls.insert((method, outcome), counter);
        }
    }
    let handles = Handles {
        prometheus: prometheus.clone(),
        updates: Labelled::new(UPDATE_KINDS, counter(UPDATES, "kind")),
        commands,
        other_command: metrics::counter!(COMMANDS, "command" => "other"),
        calls,
        retries: Labelled::new(METHODS, counter(RETRIES, "method")),
        dropped: Labelled::new(DROP_REASONS, counter(DROPPED, "reason")),
        send_queue: metrics::gauge!(SEND_QUEUE),
        handler: Labelled::new(HANDLED_KINDS, histogram(HANDLER_SECONDS, "update")),
        to_reply: Labelled::new(
            &HANDLED_KINDS[..3],
            histogram(UPDATE_TO_REPLY_SECONDS, "update"),
        ),
        quizzes: metrics::gauge!(QUIZZES_RUNNING),
        debates: metrics::gauge!(DEBATES_RUNNING),
        recorded: Labelled::new(POLLS, counter(ANSWERS_RECORDED, "poll")),
        refused: Labelled::new(REFUSALS, counter(ANSWERS_REFUSED, "reason")),
        writes: Labelled::new(WRITES, histogram(SQLITE_WRITE_SECONDS, "op")),
    };
    let prometheus = HANDLES.get_or_init(|| handles).prometheus.clone();
    crate::store::report_writes_to(super::write);
    Ok(prometheus)
}

// ---- serving ------------------------------------------------------------------------------

/// How often the histograms' samples are folded into their buckets.
const UPKEEP: Duration = Duration::from_secs(5);

/// What a scrape needs: the recorder, and the database to count running quizzes and debates.
#[derive(Clone)]
struct Scrape {
    prometheus: PrometheusHandle,
    store: Store,
}

/// Serves `GET /metrics` (Prometheus text) and `GET /healthz` on `listen` until the returned
/// task is aborted; binds before returning, so a taken address is an error at start.
pub async fn serve(
    listen: SocketAddr,
    prometheus: PrometheusHandle,
    store: Store,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    use axum::routing::get;
    let tcp = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen} for [metrics] listen"))?;
    let upkeep = prometheus.clone();
    let router = axum::Router::new()
        .route("/metrics", get(render))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(Scrape { prometheus, store });
    tracing::info!(%listen, "serving metrics on /metrics");
    Ok(tokio::spawn(async move {
        let upkeep = async move {
            let mut every = tokio::time::interval(UPKEEP);
            loop {
                every.tick().await;
                upkeep.run_upkeep();
            }
        };
        tokio::select! {
            served = axum::serve(tcp, router) => if let Err(e) = served {
                tracing::error!(error = %e, "the metrics server stopped");
            },
            () = upkeep => {}
        }
    }))
}

async fn render(
    axum::extract::State(scrape): axum::extract::State<Scrape>,
) -> impl axum::response::IntoResponse {
    if let Some(h) = handles() {
        match scrape.store.running().await {
            Ok((quizzes, debates)) => {
                h.quizzes.set(quizzes as f64);
                h.debates.set(debates as f64);
            }
            Err(e) => tracing::warn!(error = %e, "cannot count the running quizzes and debates"),
        }
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        scrape.prometheus.render(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_outside_its_set_falls_back_to_the_last() {
        let set = Labelled::new(METHODS, |v| v.len());
        assert_eq!(*set.get("sendMessage"), "sendMessage".len());
        assert_eq!(*set.get("sendMessage; DROP TABLE"), "other".len());
        assert_eq!(*set.get(""), "other".len());
    }
}
