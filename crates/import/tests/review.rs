//! `debate-bot review` driven by a script on its standard input: every key, the files written
//! back, and the check it ends with.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use debate_core::corpus::files::{PersonKindEntry, Speech};
use debate_import::folder::{self, Folder};
use debate_import::{Given, review};

/// A fresh folder under the temp folder, removed on drop.
struct Temp(PathBuf);

impl Temp {
    fn new(tag: &str) -> Temp {
        let path = std::env::temp_dir().join(format!("debate-import-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Temp(path)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The fixture article imported into `responses`; the folder.
fn imported(responses: &Path) -> PathBuf {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/classroom-ai.txt"),
    )
    .unwrap();
    let given = Given {
        outlet: Some("课堂周报".into()),
        id: Some("classroom-ai".into()),
        ..Given::default()
    };
    let draft = debate_import::read(&bytes, &given, &debate_import::ids::Taken::default()).unwrap();
    folder::create(responses, &draft, &bytes, false).unwrap()
}

fn walk(path: &Path, script: &str) -> (review::Outcome, String) {
    let mut out = Vec::new();
    let outcome = review::run(path, &mut Cursor::new(script.as_bytes()), &mut out).unwrap();
    (outcome, String::from_utf8(out).unwrap())
}

#[test]
fn every_key_settles_a_draft_and_the_folder_then_loads() {
    let temp = Temp::new("keys");
    let path = imported(&temp.0);
    // Before the review the check refuses the drafts still marked.
    let mut out = Vec::new();
    let problems = review::check(&path, &mut out).unwrap();
    // One line per draft, and nothing else: the topic and motion naming a draft do not also
    // call it unknown.
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert!(
        problems.iter().all(|p| p.contains("draft still to review")),
        "{problems:?}"
    );

    let before = Folder::open(&path).unwrap();
    let marked: Vec<(usize, Option<Speech>)> = before
        .excerpts
        .iter()
        .filter(|e| e.review)
        .map(|e| (e.paragraph, e.speech))
        .collect();
    // ¶7 and ¶11 (a pronoun), ¶12's closing quotation, ¶13's quotation with no speaker.
    assert_eq!(
        marked,
        [
            (7, Some(Speech::Reported)),
            (11, Some(Speech::Reported)),
            (12, Some(Speech::Direct)),
            (13, Some(Speech::Unattributed)),
        ]
    );
    let people: Vec<&str> = before.people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(people, ["赵明", "孙丽", "周红"]);

    // ¶7: a key it does not know, then accept; ¶11: the speaker by number (周红);
    // ¶12: cut to the first clause, then accept; ¶13: drop.
    let (outcome, shown) = walk(&path, "x\na\ns\n3\nc\n我支持谨慎地使用人工智能\na\nd\n");
    assert_eq!(outcome.left, 0, "{shown}");
    assert_eq!(outcome.problems, Vec::<String>::new(), "{shown}");
    assert_eq!(outcome.settled, 4);
    assert!(shown.contains("4 of 12 drafts need a look"), "{shown}");
    assert!(shown.contains("[1/4] ¶7"), "{shown}");
    assert!(
        shown.contains("【学校会先在数学课上试用三个月。】"),
        "{shown}"
    );
    assert!(shown.contains("cue: 他同时表示"), "{shown}");
    assert!(shown.contains("Type one of the letters"), "{shown}");
    assert!(shown.trim_end().ends_with("ok"), "{shown}");

    let after = Folder::open(&path).unwrap();
    assert!(after.excerpts.iter().all(|e| !e.review));
    assert!(
        !after
            .excerpts
            .iter()
            .any(|e| e.paragraph == 13 && e.speech == Some(Speech::Unattributed))
    );
    let p11 = after
        .excerpts
        .iter()
        .find(|e| e.paragraph == 11 && e.speech.is_some())
        .unwrap();
    assert_eq!(p11.speaker.as_deref(), Some("zhou-hong"));
    assert!(
        after
            .excerpts
            .iter()
            .any(|e| e.paragraph == 12 && e.text == "我支持谨慎地使用人工智能")
    );
    // The quiz is made anew: the settled drafts now have questions too.
    let quiz = std::fs::read_to_string(path.join("quiz.toml")).unwrap();
    assert!(quiz.contains("said-classroom-ai-p7-1"), "{quiz}");
    assert!(quiz.contains("said-classroom-ai-p11-1"), "{quiz}");
    // What the bot's loader makes of it.
    let corpus = debate_core::corpus::load_folder(&path).unwrap();
    assert_eq!(corpus.questions.len(), 8);
    assert_eq!(corpus.motions.len(), 1);
}

#[test]
fn narration_a_new_speaker_and_quitting_early() {
    let temp = Temp::new("quit");
    let path = imported(&temp.0);
    // ¶7 is the article's narration after all; ¶11 is someone new; then quit.
    let (outcome, shown) = walk(&path, "n\ns\n一位家长\nq\n");
    assert_eq!(outcome.settled, 2);
    assert_eq!(outcome.left, 2, "{shown}");
    assert!(shown.contains("2 drafts still need a look"), "{shown}");
    assert!(
        outcome
            .problems
            .iter()
            .any(|p| p.contains("draft still to review"))
    );
    let after = Folder::open(&path).unwrap();
    let p7 = after.excerpts.iter().find(|e| e.paragraph == 7).unwrap();
    assert_eq!(
        (p7.speaker.as_deref(), p7.speech, p7.review),
        (None, None, false)
    );
    // Typed as the article describes them; named by the role alone.
    let newcomer = after.people.iter().find(|p| p.name == "家长").unwrap();
    assert_eq!(newcomer.kind, PersonKindEntry::Unnamed);
    let p11 = after.excerpts.iter().find(|e| e.paragraph == 11).unwrap();
    assert_eq!(p11.speaker.as_deref(), Some(newcomer.id.as_str()));

    // The walk goes on where it stopped; the end of the input is a quit too.
    let (outcome, _) = walk(&path, "a\n");
    assert_eq!(outcome.left, 1);
    let (outcome, shown) = walk(&path, "a\n");
    assert_eq!((outcome.left, outcome.problems.len()), (0, 0), "{shown}");
}

#[test]
fn what_an_editor_added_by_hand_survives_a_review() {
    let temp = Temp::new("hand");
    let path = imported(&temp.0);
    // An editor translates a role and an excerpt, and gives a person an alias, before the review.
    let people = std::fs::read_to_string(path.join("people.toml")).unwrap();
    let people = people.replacen(
        "id = \"zhou-hong\"\n",
        "id = \"zhou-hong\"\nrole_en = \"teacher\"\naliases = [\"周老师\"]\n",
        1,
    );
    std::fs::write(path.join("people.toml"), people).unwrap();
    let mut before = Folder::open(&path).unwrap();
    let first = before.excerpts.iter_mut().find(|e| !e.review).unwrap();
    first.en = Some("In English.".into());
    let first = first.id.clone();
    before.save().unwrap();

    walk(&path, &"a\n".repeat(10));
    let after = Folder::open(&path).unwrap();
    let zhou = after.people.iter().find(|p| p.id == "zhou-hong").unwrap();
    assert_eq!(
        (zhou.role_en.as_deref(), zhou.aliases.as_slice()),
        (Some("teacher"), ["周老师".to_owned()].as_slice())
    );
    let excerpt = after.excerpts.iter().find(|e| e.id == first).unwrap();
    assert_eq!(excerpt.en.as_deref(), Some("In English."));
    // A key the loader does not know is refused by the review as by the loader.
    let people = std::fs::read_to_string(path.join("people.toml")).unwrap();
    std::fs::write(
        path.join("people.toml"),
        people + "\n[[person]]\nid = \"x\"\nkind = \"person\"\nname = \"X\"\nnmae_en = \"typo\"\n",
    )
    .unwrap();
    let refused = Folder::open(&path).err().unwrap();
    assert!(
        refused.contains("people.toml") && refused.contains("nmae_en"),
        "{refused}"
    );
}

#[test]
fn a_write_that_fails_leaves_the_file_as_it_was() {
    let temp = Temp::new("write");
    let path = imported(&temp.0);
    let before = std::fs::read_to_string(path.join("excerpts.toml")).unwrap();
    // The temporary file beside it cannot be made (a folder is in its place), as on a full
    // disk: the review stops with the file named, and excerpts.toml is whole, as it was.
    std::fs::create_dir(path.join("excerpts.toml.new")).unwrap();
    let mut out = Vec::new();
    let error = review::run(&path, &mut Cursor::new("a\n"), &mut out).unwrap_err();
    assert!(error.to_string().contains("excerpts.toml"), "{error}");
    assert_eq!(
        std::fs::read_to_string(path.join("excerpts.toml")).unwrap(),
        before
    );
}
