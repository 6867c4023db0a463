//! `responses/` for the running bot: loaded and checked into the [`App`] (in the config's time
//! zone), the report `debate-bot check` prints of what was loaded, and the same loading again
//! on each SIGHUP, as a stream of apps the adapter answers with from then on. An imported
//! article not yet reviewed is logged each time: it is not live.

use std::path::PathBuf;

use crate::app::App;
use crate::config::Config;
use crate::i18n::Lang;

/// `debate-bot check`: what was loaded, on stdout. A reader that stops early (`| head`) ends
/// the printing, never the process with a panic.
pub fn report(config: &Config, app: &App) {
    use std::fmt::Write as _;
    let mut out = String::new();
    let corpus = app.corpus();
    writeln!(out, "config: ok").ok();
    writeln!(out, "corpus: {}", config.corpus.dir.display()).ok();
    for article in &corpus.articles {
        let excerpts = corpus
            .excerpts
            .iter()
            .filter(|e| corpus.articles[e.article].id == article.id)
            .count();
        writeln!(
            out,
            "  article {}: {} ({}, {}), {} paragraphs, {} excerpts",
            article.id,
            article.title.original,
            article.outlet.original,
            article.published,
            article.paragraphs.len(),
            excerpts
        )
        .ok();
    }
    writeln!(
        out,
        "  excerpts: {} (every one verbatim in its paragraph)",
        corpus.excerpts.len()
    )
    .ok();
    writeln!(out, "  people: {}", corpus.people.len()).ok();
    let commands: Vec<String> = corpus
        .topics
        .iter()
        .map(|t| format!("/{}", t.command))
        .collect();
    writeln!(
        out,
        "  topics: {} ({})",
        corpus.topics.len(),
        commands.join(" ")
    )
    .ok();
    let who_said = crate::quiz::questions::pool(corpus, None).len() - corpus.questions.len();
    writeln!(
        out,
        "  quiz questions: {} ({who_said} who-said, {} facts)",
        who_said + corpus.questions.len(),
        corpus.questions.len()
    )
    .ok();
    writeln!(out, "  debate motions: {}", corpus.motions.len()).ok();
    writeln!(out, "  languages: {}", Lang::ALL.map(Lang::code).join(", ")).ok();
    for waiting in &corpus.waiting {
        writeln!(
            out,
            "  not live: {}: {} draft(s) still to review (debate-bot review {})",
            waiting.folder.display(),
            waiting.drafts,
            waiting.folder.display()
        )
        .ok();
    }
    writeln!(out, "ok").ok();
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}

/// Loads and checks `responses/` (`[corpus] dir`) into the app, in the config's time zone.
pub fn load(config: &Config) -> Result<App, Vec<crate::data::Problem>> {
    Source::of(config).load()
}

/// Where the app comes from: `responses/`, the default language, the time zone.
#[derive(Clone)]
pub struct Source {
    dir: PathBuf,
    lang: Lang,
    zone: crate::settings::Zone,
}

impl Source {
    pub fn of(config: &Config) -> Source {
        Source {
            dir: config.corpus.dir.clone(),
            lang: config.ui.default_language,
            zone: config
                .homework
                .zone()
                .expect("checked when the config was loaded"),
        }
    }

    fn load(&self) -> Result<App, Vec<crate::data::Problem>> {
        let mut app = App::load(&self.dir, self.lang)?;
        for waiting in &app.corpus().waiting {
            tracing::warn!(
                folder = %waiting.folder.display(),
                drafts = waiting.drafts,
                "an imported article not live: drafts still to review (debate-bot review)"
            );
        }
        app.set_zone(self.zone.clone());
        Ok(app)
    }
}

/// On each SIGHUP, `responses/` loaded and checked again: the app to answer with from then
/// on. A corpus with a problem is refused, each problem logged, and the running app stays.
pub fn reloads(source: Source) -> futures::stream::BoxStream<'static, App> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let hangups = match signal(SignalKind::hangup()) {
            Ok(hangups) => Some(hangups),
            Err(e) => {
                tracing::warn!("cannot listen for SIGHUP: {e}");
                None
            }
        };
        Box::pin(futures::stream::unfold(hangups, move |hangups| {
            let source = source.clone();
            async move {
                let mut hangups = hangups?;
                loop {
                    hangups.recv().await?;
                    let from = source.clone();
                    match tokio::task::spawn_blocking(move || from.load()).await {
                        Ok(Ok(app)) => return Some((app, Some(hangups))),
                        Ok(Err(problems)) => {
                            for problem in &problems {
                                tracing::error!(%problem, "a problem in the responses");
                            }
                            tracing::error!(
                                dir = %source.dir.display(),
                                problems = problems.len(),
                                "responses not reloaded: the running ones stay"
                            );
                        }
                        Err(e) => tracing::error!(error = %e, "responses not reloaded"),
                    }
                }
            }
        }))
    }
    #[cfg(not(unix))]
    {
        let _ = source;
        Box::pin(futures::stream::pending())
    }
}
