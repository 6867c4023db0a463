//! The import's quality, measured: the shipped article's text imported as a new article and
//! its drafts compared with the hand-made excerpts.toml and people.toml; and the same rules on
//! the fixture article of tests/fixtures (simplified, traditional, English). Each test prints
//! its figures (`cargo test -p debate-import --test measure -- --nocapture`); docs/import.md
//! quotes them.

use std::path::{Path, PathBuf};

// The hand-made files read in the loader's own shapes.
use debate_core::corpus::files::{
    ExcerptEntry as HandExcerpt, ExcerptsFile as HandExcerpts, PeopleFile as HandPeople, Speech,
};
use debate_import::ids::Taken;
use debate_import::{Draft, Given, Kind, PersonKind};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const SHIPPED: &str = "responses/dianchang-2024-07-12-open-vs-closed";

fn given() -> Given {
    Given {
        outlet: Some("电厂".into()),
        id: Some("shipped-reimported".into()),
        ..Given::default()
    }
}

fn import(path: &Path, given: &Given) -> Draft {
    let bytes = std::fs::read(path).unwrap();
    debate_import::read(&bytes, given, &Taken::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The draft's speaker's name for an excerpt, if any.
fn speaker(draft: &Draft, e: &debate_import::Excerpt) -> Option<String> {
    e.speaker.map(|s| draft.people[s].name.clone())
}

fn overlaps(a: &str, b: &str) -> bool {
    a.contains(b) || b.contains(a)
}

/// Every who-said question is answerable from the article: its evidence is verbatim in its
/// paragraph and holds the answer's name (an unnamed speaker: the noun that describes them)
/// and the words asked about. The number of questions.
fn questions_answerable(draft: &Draft, paragraphs: &[String]) -> usize {
    for q in &draft.questions {
        let paragraph = &paragraphs[q.paragraph - 1];
        assert!(paragraph.contains(&q.evidence), "{q:?}");
        let excerpt = draft.excerpts.iter().find(|e| e.id == q.excerpt).unwrap();
        assert!(
            !excerpt.review,
            "a question about a draft still to review: {q:?}"
        );
        let person = &draft.people[excerpt.speaker.unwrap()];
        assert_eq!(q.options[q.answer], person.name, "{q:?}");
        // An unnamed speaker's name is the role alone ("分析师"), the noun the article describes
        // them by.
        if person.kind == PersonKind::Unnamed {
            assert!(
                !["一位", "一名", "某"]
                    .iter()
                    .any(|o| person.name.starts_with(o)),
                "{person:?}"
            );
        }
        let noun: String = person
            .name
            .chars()
            .rev()
            .take(2)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        assert!(
            q.evidence.contains(&noun),
            "{q:?} does not name {}",
            person.name
        );
        assert!(
            q.evidence.contains(&excerpt.text) || excerpt.text.contains(&q.evidence),
            "{q:?}"
        );
        let mut options = q.options.clone();
        options.sort();
        options.dedup();
        assert_eq!(options.len(), q.options.len(), "{q:?}");
        assert!(q.options.len() >= 2);
    }
    draft.questions.len()
}

/// Drafts with a speaker that no hand-made attribution bears out: each must be marked for
/// review. The number of such drafts.
fn unconfirmed_attributions_are_marked(
    draft: &Draft,
    confirmed: impl Fn(&debate_import::Excerpt, &str) -> bool,
) -> usize {
    let mut n = 0;
    for e in &draft.excerpts {
        if let Some(name) = speaker(draft, e)
            && !confirmed(e, &name)
        {
            n += 1;
            assert!(
                e.review,
                "attributed without review, not borne out: {e:?} to {name}"
            );
        }
    }
    n
}

#[test]
fn the_shipped_article_reimported_matches_the_hand_made_attributions() {
    let root = repo();
    let draft = import(&root.join(SHIPPED).join("article.txt"), &given());
    let hand: HandExcerpts =
        toml::from_str(&std::fs::read_to_string(root.join(SHIPPED).join("excerpts.toml")).unwrap())
            .unwrap();
    let people: HandPeople =
        toml::from_str(&std::fs::read_to_string(root.join("responses/people.toml")).unwrap())
            .unwrap();
    let paragraphs: Vec<String> = std::fs::read_to_string(root.join(SHIPPED).join("article.txt"))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let is = |id: &str, name: &str| {
        let p = people.person.iter().find(|p| p.id == id).unwrap();
        p.name == name || p.aliases.iter().any(|a| a == name)
    };

    // Quotations in quotation marks with a cue: found verbatim, the right speaker.
    let direct: Vec<&HandExcerpt> = hand
        .excerpt
        .iter()
        .filter(|e| e.speech == Some(Speech::Direct))
        .collect();
    let direct_right = direct
        .iter()
        .filter(|h| {
            draft.excerpts.iter().any(|d| {
                d.kind == Kind::Direct
                    && d.paragraph == h.paragraph
                    && d.text == h.text
                    && speaker(&draft, d).is_some_and(|n| is(h.speaker.as_deref().unwrap(), &n))
            })
        })
        .count();
    println!(
        "direct quotations with a cue: {direct_right} of {} verbatim with the right speaker",
        direct.len()
    );
    assert_eq!(direct_right, direct.len());
    assert_eq!(direct.len(), 3);

    // Reported speech with a cue (¶5-7, ¶13, ¶18, ¶26): the right speaker.
    let reported: Vec<&HandExcerpt> = hand
        .excerpt
        .iter()
        .filter(|e| e.speech == Some(Speech::Reported))
        .collect();
    let reported_right = reported
        .iter()
        .filter(|h| {
            draft.excerpts.iter().any(|d| {
                d.kind == Kind::Reported
                    && d.paragraph == h.paragraph
                    && overlaps(&d.text, &h.text)
                    && speaker(&draft, d).is_some_and(|n| is(h.speaker.as_deref().unwrap(), &n))
            })
        })
        .count();
    let reported_verbatim = reported
        .iter()
        .filter(|h| {
            draft
                .excerpts
                .iter()
                .any(|d| d.paragraph == h.paragraph && d.text == h.text)
        })
        .count();
    println!(
        "reported speech with a cue: {reported_right} of {} with the right speaker ({reported_verbatim} with the same span)",
        reported.len()
    );
    assert_eq!(reported.len(), 6);
    assert!(reported_right >= 5);

    // No narration attributed to a person without review.
    let unconfirmed = unconfirmed_attributions_are_marked(&draft, |d, name| {
        hand.excerpt.iter().any(|h| {
            h.paragraph == d.paragraph
                && overlaps(&h.text, &d.text)
                && h.speaker.as_deref().is_some_and(|id| is(id, name))
        })
    });
    println!(
        "attributions the hand-made file does not make: {unconfirmed}, all marked review = true"
    );

    // ¶33's quotation has no speaker.
    let p33 = hand
        .excerpt
        .iter()
        .find(|h| h.speech == Some(Speech::Unattributed))
        .unwrap();
    assert!(
        draft.excerpts.iter().any(|d| d.paragraph == 33
            && d.kind == Kind::Unattributed
            && d.text == p33.text
            && d.speaker.is_none()),
        "¶33 not drafted as a quotation with no speaker"
    );
    println!("¶33's quotation: drafted unattributed, no speaker");

    // Every who-said question answerable from the article, and right by the hand-made file.
    let n = questions_answerable(&draft, &paragraphs);
    for q in &draft.questions {
        let e = draft.excerpts.iter().find(|e| e.id == q.excerpt).unwrap();
        assert!(
            hand.excerpt.iter().any(|h| h.paragraph == e.paragraph
                && overlaps(&h.text, &e.text)
                && h.speaker
                    .as_deref()
                    .is_some_and(|id| is(id, &q.options[q.answer]))),
            "{q:?}"
        );
    }
    println!("who-said questions: {n}, every one answerable from its evidence");
    let review = draft.excerpts.iter().filter(|e| e.review).count();
    println!("drafts: {}, to review: {review}", draft.excerpts.len());
    assert!(n >= 4);
    assert!(draft.motion.is_ok(), "{:?}", draft.motion);
}

/// What the fixture article says, speaker by speaker, in the script of one version.
struct Expected {
    file: &'static str,
    /// (paragraph, kind, speaker, words in the span, by a pronoun)
    speech: &'static [(usize, Kind, &'static str, &'static str, bool)],
    unattributed: (usize, &'static str),
}

const SIMPLIFIED: Expected = Expected {
    file: "classroom-ai.txt",
    speech: &[
        (
            6,
            Kind::Direct,
            "赵明",
            "人工智能可以帮老师批改作业,但不能代替老师上课。",
            false,
        ),
        (
            7,
            Kind::Reported,
            "赵明",
            "学校会先在数学课上试用三个月。",
            true,
        ),
        (
            8,
            Kind::Reported,
            "孙丽",
            "目前已有两百所学校使用这套系统。",
            false,
        ),
        (
            9,
            Kind::Reported,
            "周红",
            "孩子过度依赖人工智能会失去独立思考的能力。",
            false,
        ),
        (
            10,
            Kind::Direct,
            "周红",
            "我反对让人工智能代替老师,孩子需要真正的老师。",
            false,
        ),
        (
            11,
            Kind::Reported,
            "周红",
            "学校应该先征求家长的意见。",
            true,
        ),
        (
            12,
            Kind::Reported,
            "赵明",
            "支持新技术并不等于放弃老师",
            false,
        ),
        (
            12,
            Kind::Direct,
            "赵明",
            "我支持谨慎地使用人工智能,老师的作用只会更重要。",
            false,
        ),
    ],
    unattributed: (13, "技术再好,也只是工具。"),
};

const TRADITIONAL: Expected = Expected {
    file: "classroom-ai.hant.txt",
    speech: &[
        (
            6,
            Kind::Direct,
            "趙明",
            "人工智慧可以幫老師批改作業\u{FF0C}但不能代替老師上課。",
            false,
        ),
        (
            7,
            Kind::Reported,
            "趙明",
            "學校會先在數學課上試用三個月。",
            true,
        ),
        (
            8,
            Kind::Reported,
            "孫麗",
            "目前已有兩百所學校使用這套系統。",
            false,
        ),
        (
            9,
            Kind::Reported,
            "周紅",
            "孩子過度依賴人工智慧會失去獨立思考的能力。",
            false,
        ),
        (
            10,
            Kind::Direct,
            "周紅",
            "我反對讓人工智慧代替老師\u{FF0C}孩子需要真正的老師。",
            false,
        ),
        (
            11,
            Kind::Reported,
            "周紅",
            "學校應該先徵求家長的意見。",
            true,
        ),
        (
            12,
            Kind::Reported,
            "趙明",
            "支持新技術並不等於放棄老師",
            false,
        ),
        (
            12,
            Kind::Direct,
            "趙明",
            "我支持謹慎地使用人工智慧\u{FF0C}老師的作用只會更重要。",
            false,
        ),
    ],
    unattributed: (13, "技術再好\u{FF0C}也只是工具。"),
};

const ENGLISH: Expected = Expected {
    file: "classroom-ai.en.txt",
    speech: &[
        (
            5,
            Kind::Direct,
            "Zhao Ming",
            "AI can help teachers mark homework, but it cannot replace them in class",
            false,
        ),
        (
            6,
            Kind::Reported,
            "Zhao Ming",
            "the school would first try the system in maths classes for three months.",
            true,
        ),
        (
            7,
            Kind::Reported,
            "Sun Li",
            "two hundred schools already use the system.",
            false,
        ),
        (
            8,
            Kind::Direct,
            "Zhou Hong",
            "I oppose letting AI replace teachers. Children need real teachers.",
            false,
        ),
        (
            9,
            Kind::Reported,
            "Zhou Hong",
            "schools should ask parents first.",
            true,
        ),
        (
            10,
            Kind::Reported,
            "Zhao Ming",
            "supporting new technology does not mean giving up on teachers.",
            false,
        ),
    ],
    unattributed: (11, "Technology is only a tool, however good it is."),
};

fn fixture_holds_the_rules(expected: &Expected) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(expected.file);
    let draft = import(
        &path,
        &Given {
            outlet: Some("课堂周报".into()),
            ..Given::default()
        },
    );
    let paragraphs: Vec<String> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let mut right = [0, 0];
    let mut total = [0, 0];
    for &(paragraph, kind, name, text, pronoun) in expected.speech {
        let k = usize::from(kind == Kind::Reported);
        total[k] += 1;
        let found = draft
            .excerpts
            .iter()
            .find(|d| d.paragraph == paragraph && d.kind == kind && d.text == text);
        let Some(d) = found else {
            println!("  missed ¶{paragraph} {kind:?} {text}");
            continue;
        };
        if speaker(&draft, d).as_deref() == Some(name) {
            right[k] += 1;
        }
        if pronoun {
            assert!(
                d.review,
                "a speaker found through a pronoun is reviewed: {d:?}"
            );
        }
    }
    println!(
        "{}: direct {} of {}, reported {} of {} verbatim with the right speaker",
        expected.file, right[0], total[0], right[1], total[1]
    );
    assert_eq!(right, total, "{}", expected.file);
    let (paragraph, text) = expected.unattributed;
    assert!(draft.excerpts.iter().any(|d| d.paragraph == paragraph
        && d.kind == Kind::Unattributed
        && d.text == text
        && d.speaker.is_none()));
    let unconfirmed = unconfirmed_attributions_are_marked(&draft, |d, name| {
        expected
            .speech
            .iter()
            .any(|&(p, _, n, t, _)| p == d.paragraph && n == name && overlaps(t, &d.text))
    });
    assert_eq!(unconfirmed, 0);
    // Narration stays the article's.
    for d in draft.excerpts.iter().filter(|d| d.kind == Kind::Narration) {
        assert!(d.speaker.is_none());
    }
    let n = questions_answerable(&draft, &paragraphs);
    println!(
        "{}: {n} who-said questions, all answerable; motion: {:?}",
        expected.file,
        draft.motion.as_ref().map(|m| &m.motion)
    );
    assert!(n >= 4);
    assert!(draft.motion.is_ok());
    // The people: role and organisation only as the article words them.
    for p in &draft.people {
        for value in [&p.role, &p.org] {
            assert!(
                value.is_empty() || paragraphs.iter().any(|para| para.contains(value.as_str())),
                "{p:?}"
            );
        }
    }
}

#[test]
fn the_fixture_article_in_simplified_chinese() {
    fixture_holds_the_rules(&SIMPLIFIED);
}

#[test]
fn the_fixture_article_in_traditional_chinese() {
    fixture_holds_the_rules(&TRADITIONAL);
}

#[test]
fn the_fixture_article_in_english() {
    fixture_holds_the_rules(&ENGLISH);
}

#[test]
fn an_article_with_no_quotation_imports_and_says_so() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/no-quotes.txt");
    let draft = import(
        &path,
        &Given {
            outlet: Some("晚报".into()),
            ..Given::default()
        },
    );
    assert!(
        draft
            .excerpts
            .iter()
            .all(|e| e.kind == Kind::Narration && e.speaker.is_none())
    );
    assert!(!draft.excerpts.is_empty());
    assert!(draft.questions.is_empty());
    assert!(
        draft.notes.iter().any(|n| n.contains("no quotation")),
        "{:?}",
        draft.notes
    );
    assert!(draft.motion.is_err());
}

#[test]
fn the_shipped_article_reimported_and_accepted_loads() {
    let root = repo();
    let bytes = std::fs::read(root.join(SHIPPED).join("article.txt")).unwrap();
    let mut draft = debate_import::read(&bytes, &given(), &Taken::default()).unwrap();
    for e in &mut draft.excerpts {
        e.review = false;
    }
    let temp = std::env::temp_dir().join(format!("debate-import-shipped-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&temp);
    std::fs::create_dir_all(&temp).unwrap();
    let folder = debate_import::folder::create(&temp, &draft, &bytes, false).unwrap();
    let loaded = debate_core::corpus::load_folder(&folder);
    let _ = std::fs::remove_dir_all(&temp);
    let corpus = loaded.unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(corpus.articles[0].paragraphs.len(), 40);
    assert_eq!(corpus.excerpts.len(), draft.excerpts.len());
    assert_eq!(corpus.questions.len(), draft.questions.len());
    assert_eq!(corpus.motions.len(), 1);
    let lin = corpus
        .people
        .iter()
        .find(|p| p.name.original == "林吕强")
        .unwrap();
    assert_eq!(
        (
            lin.id.as_str(),
            lin.role.original.as_str(),
            lin.org.original.as_str()
        ),
        ("lin-lvqiang", "开源业务负责人", "零一万物")
    );
}
