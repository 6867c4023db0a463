//! Many articles in one bot: `cargo bench --bench articles`.
//!
//! The shipped article and 49 more, each a self-contained folder (as `debate-bot import`
//! writes one, reviewed): a copy of the shipped article's 40 paragraphs, excerpts, people,
//! topics (their commands numbered), quiz and motions, every id its own. Measured against the
//! shipped article alone, in the same run (this machine's speed drifts):
//! - loading and checking `responses/` into the app (what the bot does before it polls, and
//!   again on SIGHUP), the median of 7 loads each;
//! - `/search` in a chat that works with every article, through the app (search and
//!   rendering to HTML), and in one that chose an article: the median per call over the same
//!   queries as `cargo bench --bench search`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use debate_bot::app::{App, Request};
use debate_bot::i18n::Lang;
use debate_bot::vocab::ChatKind;
use timing::show;
use toml::Value;

mod timing;

const ARTICLES: usize = 50;

const QUERIES: &[&str] = &[
    "私有化部署",
    "大模型私有化部署",
    "Robin Li",
    "開源意味著打破壟斷",
    "Llama 2",
    "700 million",
    "开源",
    "世界人工智能大会",
    "周鸿祎",
];

fn main() {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("responses");
    let many = std::env::temp_dir().join(format!("debate-bot-articles-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&many);
    make_corpus(&shipped, &many, ARTICLES);

    println!("load and check responses/ (median of 7, alternating):");
    let mut loads = ([Vec::new(), Vec::new()], None, None);
    for _ in 0..7 {
        for (i, dir) in [&shipped, &many].into_iter().enumerate() {
            let start = Instant::now();
            let app = App::load(dir, Lang::Zh).unwrap_or_else(|p| panic!("{p:#?}"));
            loads.0[i].push(start.elapsed());
            if i == 0 {
                loads.1 = Some(app);
            } else {
                loads.2 = Some(app);
            }
        }
    }
    let (one, fifty) = (loads.1.unwrap(), loads.2.unwrap());
    assert_eq!(fifty.corpus().articles.len(), ARTICLES);
    for (name, mut samples) in ["1 article", "50 articles"].into_iter().zip(loads.0) {
        samples.sort();
        println!(
            "  {name:<48} median {:>10}",
            show(samples[samples.len() / 2])
        );
    }
    println!(
        "  (50 articles: {} excerpts, {} sentences, {} topics, {} motions)",
        fifty.corpus().excerpts.len(),
        fifty.corpus().sentences.len(),
        fifty.corpus().topics.len(),
        fifty.corpus().motions.len()
    );

    println!(
        "/search through the app (+ HTML), median per call over {} queries:",
        QUERIES.len()
    );
    let mut medians = [Vec::new(), Vec::new(), Vec::new()];
    for query in QUERIES {
        let text = format!("/search {query}");
        let command = debate_bot::command::parse(&text);
        let request = |scope| Request {
            chat: ChatKind::Group,
            language_code: None,
            text: &text,
            command: command.as_ref(),
            bot_username: Some("debate_bot"),
            scope,
        };
        for (i, (app, scope)) in [(&one, None), (&fifty, None), (&fifty, Some(ARTICLES - 1))]
            .into_iter()
            .enumerate()
        {
            let request = request(scope);
            let mut rng = rand::rng();
            medians[i].push(bench(|| {
                let handled = app.handle(black_box(&request), &mut rng).unwrap();
                black_box(handled.reply.doc.to_html());
            }));
        }
    }
    for (name, mut samples) in [
        "1 article",
        "50 articles, a chat using all",
        "50 articles, a chat using one",
    ]
    .into_iter()
    .zip(medians)
    {
        samples.sort();
        println!(
            "  {name:<48} median {:>10}   slowest query {:>10}",
            show(samples[samples.len() / 2]),
            show(*samples.last().unwrap())
        );
    }
    let _ = std::fs::remove_dir_all(&many);
}

/// `responses/` as shipped, plus `count - 1` self-contained copies of its article.
fn make_corpus(shipped: &Path, to: &Path, count: usize) {
    copy_dir(shipped, to);
    let article = shipped.join("dianchang-2024-07-12-open-vs-closed");
    for n in 2..=count {
        let folder = to.join(format!("copy-{n:02}"));
        std::fs::create_dir_all(&folder).unwrap();
        for file in ["article.txt", "source.toml"] {
            std::fs::copy(article.join(file), folder.join(file)).unwrap();
        }
        std::fs::copy(shipped.join("people.toml"), folder.join("people.toml")).unwrap();
        let prefix = format!("c{n:02}-");
        let renamed = |v: &Value| Value::String(format!("{prefix}{}", v.as_str().unwrap()));
        rewrite(
            &article.join("excerpts.toml"),
            &folder.join("excerpts.toml"),
            "excerpt",
            |e| {
                e["id"] = renamed(&e["id"]);
            },
        );
        rewrite(
            &article.join("quiz.toml"),
            &folder.join("quiz.toml"),
            "question",
            |q| {
                q["id"] = renamed(&q["id"]);
            },
        );
        rewrite(
            &shipped.join("topics.toml"),
            &folder.join("topics.toml"),
            "topic",
            |t| {
                let command = format!("{}_{n:02}", t["command"].as_str().unwrap());
                t["command"] = Value::String(command);
                if let Some(table) = t.as_table_mut() {
                    table.remove("aliases");
                }
                let excerpts = t["excerpts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(renamed)
                    .collect();
                t["excerpts"] = Value::Array(excerpts);
            },
        );
        rewrite(
            &shipped.join("debates.toml"),
            &folder.join("debates.toml"),
            "motion",
            |m| {
                m["id"] = renamed(&m["id"]);
                for side in ["for", "against"] {
                    let ids = m[side].as_array().unwrap().iter().map(renamed).collect();
                    m[side] = Value::Array(ids);
                }
            },
        );
    }
}

/// Writes `from`'s `[[key]]` entries to `to`, each changed by `change`.
fn rewrite(from: &Path, to: &Path, key: &str, change: impl Fn(&mut Value)) {
    let mut file: Value = toml::from_str(&std::fs::read_to_string(from).unwrap()).unwrap();
    for entry in file[key].as_array_mut().unwrap() {
        change(entry);
    }
    std::fs::write(to, toml::to_string(&file).unwrap()).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target: PathBuf = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The median per call of `f`.
fn bench(f: impl FnMut()) -> Duration {
    let timings = timing::per_call(100, f);
    timings[timings.len() / 2]
}
