//! Search quality on the shipped corpus: a table of what people type and the excerpt that
//! must come in the top 3, in simplified and traditional Chinese, English, names and aliases,
//! mixed scripts, with and without spaces.

use std::path::Path;

use debate_bot::corpus::{self, Corpus};
use debate_bot::search::{Rank, SearchIndex};

fn corpus() -> Corpus {
    corpus::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("responses")).unwrap()
}

/// (query, excerpt id expected among the first three results)
const TABLE: &[(&str, &str)] = &[
    // Chinese phrases, with and without the words between them
    ("私有化部署", "analyst-private-deployment"),
    ("大模型私有化部署", "analyst-private-deployment"),
    ("打破垄断", "luo-open-breaks-monopoly"),
    ("试金石", "pm-touchstone"),
    ("七亿", "article-llama2-700m"),
    ("处方", "article-beijing-medical-rule"),
    ("人工智能 处方", "article-beijing-medical-rule"),
    ("鲶鱼效应", "article-catfish-effect"),
    ("技术代差", "article-technology-gap"),
    ("数据脱敏", "article-desensitisation"),
    ("储备人才", "article-open-source-talent"),
    (
        "开源 没有未来",
        "article-no-future-claim-against-developers",
    ),
    ("大模型监管", "article-brand-accountability"),
    ("腾讯 阿里", "article-bigtech-camps"),
    ("中厂", "article-midsize-squeezed"),
    ("美国市场", "information-moonshot-us"),
    ("月之暗面", "information-moonshot-us"),
    ("微软", "article-microsoft-llama"),
    ("闭源才是行业的未来", "li-commercial-closed-future"),
    // traditional characters and full-width forms
    ("開源意味著打破壟斷", "luo-open-breaks-monopoly"),
    ("私有化部署 閉源模型", "analyst-private-deployment"),
    ("鯰魚效應", "article-catfish-effect"),
    ("ＯｐｅｎＡＩ", "article-bigtech-camps"),
    // people and organisations, in any script
    ("李彦宏", "li-commercial-closed-future"),
    ("李彥宏", "li-commercial-closed-future"),
    ("Robin Li", "li-commercial-closed-future"),
    ("robin", "li-commercial-closed-future"),
    ("Li Yanhong", "li-commercial-closed-future"),
    ("百度", "article-baidu-recoup-costs"),
    ("Baidu", "article-baidu-recoup-costs"),
    ("零一万物", "lin-most-efficient-way"),
    ("01.AI", "lin-most-efficient-way"),
    ("林吕强", "lin-most-efficient-way"),
    ("罗璇", "luo-open-breaks-monopoly"),
    ("羅璇", "luo-open-breaks-monopoly"),
    ("Luo Xuan", "luo-open-breaks-monopoly"),
    ("RWKV", "luo-open-breaks-monopoly"),
    ("产品经理", "pm-touchstone"),
    ("分析师", "analyst-private-deployment"),
    ("The Information", "information-moonshot-us"),
    ("Moonshot", "information-moonshot-us"),
    ("Microsoft", "article-microsoft-llama"),
    // Llama, every way it is written
    ("Llama2", "article-llama2-licence"),
    ("Llama 2", "article-llama2-lowered-threshold"),
    ("llama", "article-llama2-licence"),
    ("LLama 合作伙伴", "article-microsoft-llama"),
    ("LLAMA2 许可", "article-llama2-licence"),
    // English
    ("700 million", "article-llama2-700m"),
    ("prescriptions", "article-beijing-medical-rule"),
    ("catfish effect", "article-catfish-effect"),
    ("technology gap", "article-technology-gap"),
    ("data privacy", "article-closed-data-security"),
    ("touchstone", "pm-touchstone"),
    ("breaking monopolies", "luo-open-breaks-monopoly"),
    ("California", "information-moonshot-us"),
    ("licence", "article-llama2-licence"),
    ("private deployment", "analyst-private-deployment"),
    // mixed scripts
    ("Robin Li 闭源", "li-commercial-closed-future"),
    ("Meta 开源协议", "article-llama2-licence"),
    ("OpenAI 微软", "article-microsoft-llama"),
];

#[test]
fn every_query_in_the_table_finds_its_excerpt_in_the_top_three() {
    let corpus = corpus();
    let index = SearchIndex::from_corpus(&corpus);
    assert!(TABLE.len() >= 30);
    let mut failures = Vec::new();
    for (query, expected) in TABLE {
        assert!(
            corpus.excerpts.iter().any(|e| e.id == *expected),
            "{expected} is not an excerpt"
        );
        let top: Vec<&str> = index
            .search(query)
            .iter()
            .take(3)
            .map(|h| corpus.excerpts[h.doc].id.as_str())
            .collect();
        if !top.contains(expected) {
            failures.push(format!("{query:?}: expected {expected}, got {top:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} queries failed:\n{}",
        failures.len(),
        TABLE.len(),
        failures.join("\n")
    );
}

#[test]
fn an_exact_phrase_ranks_first_and_says_so() {
    let corpus = corpus();
    let index = SearchIndex::from_corpus(&corpus);
    let hits = index.search("开源意味着打破垄断");
    assert_eq!(corpus.excerpts[hits[0].doc].id, "luo-open-breaks-monopoly");
    assert_eq!(hits[0].rank, Rank::Phrase);
    let hits = index.search("Robin Li");
    assert!(hits.iter().take(4).all(|h| h.rank == Rank::Speaker));
    assert_eq!(hits.len(), 4, "Robin Li is quoted four times");
}

#[test]
fn unrelated_queries_find_nothing() {
    let index = SearchIndex::from_corpus(&corpus());
    for query in [
        "Zuckerberg",
        "量子计算机",
        "周末去哪里吃饭",
        "xyzzy",
        "",
        "   ",
        "😀",
        "!!!",
    ] {
        let hits = index.search(query);
        assert!(hits.is_empty(), "{query:?} found {} excerpts", hits.len());
    }
}
