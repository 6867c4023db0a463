//! Prints the drafts for an article file: `cargo run -p debate-import --example draft -- FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("an article file");
    let bytes = std::fs::read(&path).expect("readable");
    let given = debate_import::Given {
        outlet: Some("outlet".into()),
        reporter: Some("reporter".into()),
        date: Some("2024-01-01".into()),
        ..Default::default()
    };
    let draft = debate_import::read(&bytes, &given, &debate_import::ids::Taken::default())
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    for e in &draft.excerpts {
        let who = e
            .speaker
            .map_or("-".to_owned(), |s| draft.people[s].name.clone());
        println!(
            "¶{:<3}{:?} {:<12} review={} conf={} cue={:?}\n      {}",
            e.paragraph, e.kind, who, e.review, e.confidence, e.cue, e.text
        );
    }
    for p in &draft.people {
        println!("{p:?}");
    }
    for q in &draft.questions {
        println!("{q:?}");
    }
    println!("{:?}\n{:?}\n{:?}", draft.topic, draft.motion, draft.notes);
}
