//! Search speed and memory: `cargo bench --bench search`.
//!
//! A plain bench binary (no harness): each case runs a warm-up, then many samples, each
//! timing a batch of calls, and prints the median and 95th percentile per call. Memory is
//! measured with a counting allocator: the bytes still allocated after building an index,
//! minus those before.
//!
//! Cases:
//! - the shipped corpus: `/search` through the core (search + rendering to HTML), and the
//!   bare index query, for a few typical queries;
//! - a synthetic corpus 1,000 times larger, generated from the real excerpts and sentences by
//!   recombining their clauses: 1,000 times the excerpts and 1,000 times the sentences that no
//!   excerpt holds whole (each tied, like the real one, to the excerpts cut from it): index
//!   build time and memory, and query time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use debate_bot::app::{App, Request};
use debate_bot::corpus::{self, Corpus};
use debate_bot::i18n::Lang;
use debate_bot::search::{Document, SearchIndex, Unit};
use debate_bot::vocab::ChatKind;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use timing::show;

mod timing;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const QUERIES: &[&str] = &[
    "私有化部署",
    "大模型私有化部署",
    "Robin Li",
    "開源意味著打破壟斷",
    "Llama 2",
    "700 million",
    "开源",
    // Found in sentences that no excerpt holds.
    "世界人工智能大会",
    "周鸿祎",
];

/// Times `f`, printing the median and p95 per call.
fn bench(name: &str, f: impl FnMut()) -> Duration {
    let samples = timing::per_call(200, f);
    let median = samples[samples.len() / 2];
    let p95 = samples[samples.len() * 95 / 100];
    println!(
        "{name:<52} median {:>10}   p95 {:>10}",
        show(median),
        show(p95)
    );
    median
}

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// A synthetic document: text, translation, speaker, and for a sentence its excerpts.
struct Synthetic {
    unit: Unit,
    text: String,
    gloss: Option<String>,
    speaker: Option<usize>,
    parts: Vec<usize>,
}

/// A corpus `factor` times the size of the real one, in `factor` copies. Each copy holds one
/// document per real excerpt, joining two to four clauses drawn from the real excerpts, with a
/// translation made the same way and a speaker drawn like the real ones; then one per real
/// sentence that no excerpt holds whole, with as many clauses as it has, drawn from the real
/// sentences, tied to its copy's excerpts as the real sentence is to the real excerpts.
fn synthetic(corpus: &Corpus, factor: usize, rng: &mut StdRng) -> Vec<Synthetic> {
    let split = |t: &'_ str| -> Vec<String> {
        t.split([',', '。', ':', '“', '”'])
            .filter(|c| c.chars().count() >= 4)
            .map(str::to_owned)
            .collect()
    };
    let clauses: Vec<String> = corpus
        .excerpts
        .iter()
        .flat_map(|e| split(&e.text.original))
        .collect();
    let sentence_clauses: Vec<String> = corpus
        .sentences
        .iter()
        .flat_map(|s| split(&s.text))
        .collect();
    let glosses: Vec<&str> = corpus
        .excerpts
        .iter()
        .filter_map(|e| e.text.en.as_deref())
        .flat_map(|t| t.split([',', '.', ';', ':']))
        .filter(|s| s.len() >= 8)
        .collect();
    let speakers: Vec<Option<usize>> = corpus.excerpts.iter().map(|e| e.voice.speaker()).collect();
    let bare: Vec<_> = corpus
        .sentences
        .iter()
        .filter(|s| s.within.is_none())
        .collect();
    let excerpts = corpus.excerpts.len();
    let mut docs = Vec::new();
    for copy in 0..factor {
        for _ in 0..excerpts {
            let parts = rng.random_range(2..=4);
            let text: Vec<&str> = (0..parts)
                .map(|_| clauses.choose(rng).unwrap().as_str())
                .collect();
            let gloss: Vec<&str> = (0..parts).map(|_| *glosses.choose(rng).unwrap()).collect();
            docs.push(Synthetic {
                unit: Unit::Excerpt(docs.len()),
                text: text.join(","),
                gloss: Some(gloss.join(", ")),
                speaker: *speakers.choose(rng).unwrap(),
                parts: Vec::new(),
            });
        }
        for (i, sentence) in bare.iter().enumerate() {
            let count = split(&sentence.text).len().max(1);
            let text: Vec<&str> = (0..count)
                .map(|_| sentence_clauses.choose(rng).unwrap().as_str())
                .collect();
            docs.push(Synthetic {
                unit: Unit::Sentence(copy * bare.len() + i),
                text: text.join(",") + "。",
                gloss: None,
                speaker: None,
                parts: sentence
                    .overlaps
                    .iter()
                    .map(|&e| copy * (excerpts + bare.len()) + e)
                    .collect(),
            });
        }
    }
    docs
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("responses");
    let corpus = corpus::load(&dir).expect("the shipped corpus");
    println!(
        "debate-bot search benchmark ({} excerpts, {} sentences of which {} no excerpt holds whole, shipped)\n",
        corpus.excerpts.len(),
        corpus.sentences.len(),
        corpus
            .sentences
            .iter()
            .filter(|s| s.within.is_none())
            .count()
    );

    // ---- the shipped corpus ----
    let app = App::load(&dir, Lang::Zh).expect("the shipped corpus");
    let mut rng = rand::rng();
    let mut medians = Vec::new();
    for query in QUERIES {
        let text = format!("/search {query}");
        let command = debate_bot::command::parse(&text);
        let request = Request {
            chat: ChatKind::Group,
            language_code: None,
            text: &text,
            command: command.as_ref(),
            bot_username: Some("debate_bot"),
            scope: None,
        };
        medians.push(bench(&format!("shipped: /search {query} (+ HTML)"), || {
            let handled = app.handle(black_box(&request), &mut rng).unwrap();
            black_box(handled.reply.doc.to_html());
        }));
    }
    let before = LIVE.load(Ordering::Relaxed);
    let shipped = SearchIndex::from_corpus(&corpus);
    println!(
        "shipped: index of {} documents holds {:.0} KiB (counting allocator; estimate from capacities {:.0} KiB)",
        shipped.len(),
        (LIVE.load(Ordering::Relaxed) - before) as f64 / 1024.0,
        shipped.heap_bytes() as f64 / 1024.0
    );
    for query in QUERIES {
        bench(&format!("shipped: index.search({query:?})"), || {
            black_box(shipped.search(black_box(query)));
        });
    }
    medians.sort();
    println!(
        "shipped: slowest /search median {}\n",
        show(*medians.last().unwrap())
    );

    // ---- 1,000 times larger ----
    let factor = 1000;
    let docs = synthetic(&corpus, factor, &mut StdRng::seed_from_u64(1));
    let names: Vec<(String, usize)> = corpus
        .people
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            p.aliases
                .iter()
                .chain([&p.name.original])
                .map(move |a| (a.clone(), i))
        })
        .collect();
    let documents = || {
        docs.iter().enumerate().map(|(i, d)| Document {
            unit: d.unit,
            text: &d.text,
            translation: d.gloss.as_deref(),
            speaker: d.speaker,
            priority: match d.unit {
                Unit::Excerpt(_) => i as u32,
                Unit::Sentence(_) => 0,
            },
            parts: &d.parts,
        })
    };
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let start = Instant::now();
    let big = SearchIndex::build(documents(), names.iter().map(|(n, i)| (n.as_str(), *i)));
    let build = start.elapsed();
    let held = LIVE.load(Ordering::Relaxed) - before;
    let peak = PEAK.load(Ordering::Relaxed) - before;
    let text_bytes: usize = docs
        .iter()
        .map(|d| d.text.len() + d.gloss.as_ref().map_or(0, String::len))
        .sum();
    let sentences = docs
        .iter()
        .filter(|d| matches!(d.unit, Unit::Sentence(_)))
        .count();
    println!(
        "synthetic x{factor}: {} documents ({} excerpts, {sentences} sentences), {} of text; index built in {:.0} ms, holds {} (estimate from capacities {}), peak during build {}",
        big.len(),
        big.len() - sentences,
        mib(text_bytes),
        build.as_secs_f64() * 1000.0,
        mib(held),
        mib(big.heap_bytes()),
        mib(peak)
    );
    let mut builds: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            black_box(SearchIndex::build(
                documents(),
                names.iter().map(|(n, i)| (n.as_str(), *i)),
            ));
            start.elapsed()
        })
        .collect();
    builds.sort();
    println!(
        "synthetic x{factor}: index build median of 5: {:.0} ms",
        builds[2].as_secs_f64() * 1000.0
    );
    // What /search runs: the first page of three, with the total count.
    let mut medians = Vec::new();
    for query in QUERIES {
        let hits = big.search_page(query, 0, 3).total;
        medians.push(bench(
            &format!("x{factor}: first page of {query:?} [{hits} hits]"),
            || {
                black_box(big.search_page(black_box(query), 0, 3));
            },
        ));
    }
    medians.sort();
    println!(
        "synthetic x{factor}: slowest /search page median {}",
        show(*medians.last().unwrap())
    );
    for query in ["开源", "Llama 2"] {
        bench(
            &format!("x{factor}: every result of {query:?}, sorted"),
            || {
                black_box(big.search(black_box(query)));
            },
        );
    }
}
