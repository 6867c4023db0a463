//! The rules that read an article: for every paragraph, the reporting cues (a verb with a
//! speaker before it: "X表示", "据X介绍", "在X看来", "“…”X告诉记者", "X said"), the words each
//! cue governs (a quotation, or the reported statement up to the sentence's end, with the
//! quotations that close it as the speaker's own words), quotations that are someone's stated
//! view (“…”的观点), quotations with no speaker, and the article's own narration in between.
//! Speakers are names the segmenter tags as people (checked against the family names), an
//! unnamed speaker's description ("一位…的分析师"), a publication cited ("据 The Information
//! 报道"), or a pronoun standing for the nearest person named before it.

use std::ops::Range;

use jieba_rs::Tag;

use crate::bounds::{
    is_end, narration_runs, sentence_ends, skip_english_that, trim, trim_end_mark,
};
use crate::ids::{Taken, default_id, free_person_ids, free_prefix};
use crate::lexicon::*;
use crate::names::{english_names, person_name, role_and_org, role_start};
use crate::people::People;
use crate::quotes::{self, Quote};
use crate::{Draft, Excerpt, Given, Kind, PersonKind, Refusal, input, metadata, quiz, script};

/// Drafts everything for the article in `bytes`. Pure: nothing is read or written.
pub fn read(bytes: &[u8], given: &Given, taken: &Taken) -> Result<Draft, Refusal> {
    let text = input::text(bytes).map_err(Refusal::Input)?;
    if let Some(id) = &given.id
        && debate_core::vocab::ArticleId::new(id).is_none()
    {
        return Err(Refusal::Id(id.clone()));
    }
    let paragraphs = debate_core::corpus::paragraphs(text);
    let twins: Vec<String> = paragraphs.iter().map(|p| script::twin(p)).collect();
    let english = is_english(text);
    let (source, furniture) = metadata::read(
        &paragraphs,
        &twins,
        given,
        if english { "en" } else { "zh" },
    )?;
    let id = given
        .id
        .clone()
        .unwrap_or_else(|| default_id(&source.published, &source.title));
    let used = taken.except(&id);
    let prefix = free_prefix(&id, &used.ids);

    let mut reader = Reader {
        people: People::default(),
        excerpts: Vec::new(),
        last_person: None,
        english,
    };
    let mut continuation = false;
    for (i, (original, twin)) in paragraphs.iter().zip(&twins).enumerate() {
        if i == 0 || furniture.contains(&i) {
            continue;
        }
        let before = reader.excerpts.len();
        let ends_reported = reader.paragraph(i + 1, original, twin, continuation);
        continuation = ends_reported;
        let mut n = 0;
        for excerpt in &mut reader.excerpts[before..] {
            n += 1;
            excerpt.id = format!("{prefix}-p{}-{n}", i + 1);
        }
    }

    let mut notes = Vec::new();
    let speech = reader
        .excerpts
        .iter()
        .filter(|e| e.kind != Kind::Narration)
        .count();
    if speech == 0 {
        notes.push(
            "no quotation and no reported statement found: every excerpt is the article's own \
             narration, and there is no who-said question"
                .to_owned(),
        );
    }
    let mut people = reader.people.list;
    free_person_ids(&mut people, &used.people);
    let style = quiz::Style::of(&source);
    let questions = quiz::questions(&reader.excerpts, &people, &paragraphs, style);
    if speech > 0 && questions.is_empty() {
        notes.push(
            "no who-said question: a question needs an attribution the article settles and at \
             least two speakers to choose from"
                .to_owned(),
        );
    }
    let motion = quiz::motion(&reader.excerpts, &people, &prefix, style);
    let topic = quiz::topic(&id, &source, &used.commands);
    Ok(Draft {
        id,
        source,
        excerpts: reader.excerpts,
        people,
        questions,
        topic,
        motion,
        notes,
    })
}

/// More Latin letters than CJK characters.
fn is_english(text: &str) -> bool {
    let han = text.chars().filter(|&c| is_han(c)).count();
    let latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    latin > han * 2
}

/// Someone a cue names, found before (or, in English, after) its verb.
#[derive(Debug, Clone)]
struct Mention {
    range: Range<usize>,
    /// Index into the people, once resolved.
    person: usize,
    /// A pronoun stood for the person.
    pronoun: bool,
}

/// A reporting cue: its verb, who it names, and the words it governs.
#[derive(Debug)]
struct Cue {
    /// From the cue's first word (据, the speaker) to the end of its verb.
    range: Range<usize>,
    verb: Range<usize>,
    mention: Mention,
    /// Only fillers between the speaker and the verb ("对电厂记者", "同时还").
    adjacent: bool,
}

struct Reader {
    people: People,
    excerpts: Vec<Excerpt>,
    /// The person most recently named, for a pronoun: (index into people, or the name not
    /// yet a speaker).
    last_person: Option<String>,
    english: bool,
}

/// A paragraph's words with their tags, positions being bytes of the twin (and the original).
pub(crate) struct Words<'a> {
    pub(crate) tags: Vec<Tag<'a>>,
}

impl Reader {
    /// Drafts one paragraph; whether it ends in a reported statement that may go on in the
    /// next paragraph.
    fn paragraph(&mut self, number: usize, original: &str, twin: &str, continuation: bool) -> bool {
        let jieba = crate::jieba();
        let words = Words {
            tags: jieba.tag(twin, true),
        };
        let quotes = quotes::find(twin);
        let ends = sentence_ends(twin, &quotes, self.english);
        // Ranges claimed by speech (speaker through words), so narration keeps out of them.
        let mut claimed: Vec<Range<usize>> = Vec::new();
        let mut claimed_quotes: Vec<usize> = Vec::new();
        let mut drafts: Vec<(Range<usize>, Excerpt)> = Vec::new();
        let mut ends_reported = false;

        // Every person named, in order, for pronouns.
        let names: Vec<(Range<usize>, String)> = if self.english {
            english_names(twin, &words)
        } else {
            words
                .tags
                .iter()
                .filter_map(|t| person_name(t).map(|r| (r.clone(), original[r].to_owned())))
                .collect()
        };

        let cues = self.cues(twin, original, &words, &quotes, &ends, &names);
        for cue in cues {
            if claimed.iter().any(|r| r.contains(&cue.verb.start)) {
                continue;
            }
            let sentence_end = ends
                .iter()
                .copied()
                .find(|&e| e > cue.verb.end)
                .unwrap_or(twin.len());
            let certain = cue.adjacent && !cue.mention.pronoun;
            let confidence = match (certain, cue.mention.pronoun) {
                (true, _) => 0.95,
                (false, true) => 0.6,
                (false, false) => 0.7,
            };
            let cue_text = if cue.adjacent {
                original[cue.range.clone()].to_owned()
            } else {
                format!(
                    "{}…{}",
                    &original[cue.range.start..cue.mention.range.end.max(cue.range.start)],
                    &original[cue.verb.clone()]
                )
            };
            let speaker = cue.mention.person;
            // Words after the verb, or (a cue that closes its sentence) the quotation before.
            let mut after = cue.verb.end;
            after += twin[after..]
                .chars()
                .take_while(|c| {
                    matches!(
                        c,
                        ':' | '\u{FF1A}' | ',' | '\u{FF0C}' | ' ' | '道' | '\u{3000}'
                    )
                })
                .map(char::len_utf8)
                .sum::<usize>();
            if self.english {
                after = skip_english_that(twin, after);
            }
            let closes = twin[after..]
                .chars()
                .next()
                .is_none_or(|c| is_end(c) || c == '.');
            if closes || (self.english && cue.mention.range.start >= cue.verb.end) {
                // "“…”X表示。", "\"…,\" she said." : the quotation just before the cue.
                let before = cue
                    .range
                    .start
                    .min(cue.mention.range.start)
                    .min(cue.verb.start);
                let Some(q) = quotes.iter().position(|q| {
                    q.outer.end <= before
                        && twin[q.outer.end..before]
                            .chars()
                            .all(|c| matches!(c, ',' | '\u{FF0C}' | ' ' | '\u{3000}'))
                }) else {
                    continue;
                };
                let quote = &quotes[q];
                claimed_quotes.push(q);
                let end = (cue.verb.end
                    + twin[cue.verb.end..]
                        .chars()
                        .next()
                        .map_or(0, char::len_utf8))
                .min(twin.len());
                claimed.push(quote.outer.start..end.max(cue.mention.range.end));
                drafts.push((
                    quote.inner.clone(),
                    self.speech(
                        number,
                        original,
                        quote.inner.clone(),
                        Kind::Direct,
                        speaker,
                        &cue_text,
                        confidence,
                    ),
                ));
                continue;
            }
            if let Some(q) = quotes.iter().position(|q| q.outer.start == after) {
                // "X表示“…”": the quotation is the speaker's.
                let quote = &quotes[q];
                claimed_quotes.push(q);
                claimed.push(cue.range.start..quote.outer.end);
                drafts.push((
                    quote.inner.clone(),
                    self.speech(
                        number,
                        original,
                        quote.inner.clone(),
                        Kind::Direct,
                        speaker,
                        &cue_text,
                        confidence,
                    ),
                ));
                continue;
            }
            // Reported: to the sentence's end, quotations that close it being the speaker's own.
            let mut end = sentence_end;
            let mut closing: Vec<usize> = Vec::new();
            loop {
                let body_end = trim_end_mark(twin, after, end);
                match quotes
                    .iter()
                    .position(|q| q.outer.end == body_end && q.outer.start > after)
                {
                    Some(q) => {
                        closing.push(q);
                        end = quotes[q].outer.start;
                    }
                    None => break,
                }
            }
            let span = trim(
                twin,
                after..if closing.is_empty() {
                    end
                } else {
                    trim_end_mark(twin, after, end)
                },
            );
            if span.len() >= 6 {
                drafts.push((
                    span.clone(),
                    self.speech(
                        number,
                        original,
                        span.clone(),
                        Kind::Reported,
                        speaker,
                        &cue_text,
                        confidence,
                    ),
                ));
                ends_reported = sentence_end >= twin.len() && closing.is_empty();
            }
            for q in closing.into_iter().rev() {
                claimed_quotes.push(q);
                let quote = &quotes[q];
                drafts.push((
                    quote.inner.clone(),
                    self.speech(
                        number,
                        original,
                        quote.inner.clone(),
                        Kind::Direct,
                        speaker,
                        &cue_text,
                        confidence.min(0.7),
                    ),
                ));
            }
            claimed.push(cue.range.start.min(cue.mention.range.start)..sentence_end);
        }

        // Quotations no cue took: a stated view (“…”的观点), or words with no speaker.
        for (q, quote) in quotes.iter().enumerate() {
            if claimed_quotes.contains(&q) || claimed.iter().any(|r| r.contains(&quote.outer.start))
            {
                continue;
            }
            let inner = &twin[quote.inner.clone()];
            let sentence_start = ends
                .iter()
                .copied()
                .rfind(|&e| e <= quote.outer.start)
                .unwrap_or(0);
            let after = &twin[quote.outer.end..];
            let view = VIEW_NOUNS.iter().find(|n| {
                after
                    .strip_prefix('的')
                    .is_some_and(|rest| rest.starts_with(*n))
            });
            if let Some(noun) = view {
                let named = names
                    .iter()
                    .rfind(|(r, _)| r.start >= sentence_start && r.end <= quote.outer.start);
                if let Some((range, name)) = named {
                    let person = self.people.add(PersonKind::Person, name, "", "");
                    let cue_text = format!("{name}…“…”的{noun}");
                    let end = quote.outer.end + '的'.len_utf8() + noun.len();
                    claimed.push(range.start..end);
                    drafts.push((
                        quote.inner.clone(),
                        self.speech(
                            number,
                            original,
                            quote.inner.clone(),
                            Kind::Reported,
                            person,
                            &cue_text,
                            0.6,
                        ),
                    ));
                    continue;
                }
            }
            let stands_alone = quote.outer.start == sentence_start
                || twin[sentence_start..quote.outer.start].trim().is_empty();
            let long = inner
                .chars()
                .filter(|&c| is_han(c) || c.is_alphanumeric())
                .count()
                >= 8
                && (inner.contains([',', '\u{FF0C}', '。', '.']) || inner.chars().count() >= 12);
            if stands_alone && long {
                claimed.push(quote.outer.clone());
                drafts.push((
                    quote.inner.clone(),
                    Excerpt {
                        id: String::new(),
                        paragraph: number,
                        text: original[quote.inner.clone()].to_owned(),
                        kind: Kind::Unattributed,
                        speaker: None,
                        cue: None,
                        confidence: 0.5,
                        review: true,
                    },
                ));
            }
        }

        // The article's own voice: the runs no speech claims, whole sentences only.
        for run in narration_runs(twin, &quotes, &ends, &claimed) {
            let text = &twin[run.clone()];
            let speaks = names.iter().any(|(r, _)| run.contains(&r.start))
                && (SPEECH_VERBS
                    .iter()
                    .chain(VIEW_NOUNS)
                    .any(|v| text.contains(v))
                    || ["发表", "观点"].iter().any(|v| text.contains(v)));
            let review = speaks || (continuation && drafts.is_empty() && run.start == 0);
            drafts.push((
                run.clone(),
                Excerpt {
                    id: String::new(),
                    paragraph: number,
                    text: original[run].to_owned(),
                    kind: Kind::Narration,
                    speaker: None,
                    cue: None,
                    confidence: if review { 0.6 } else { 0.9 },
                    review,
                },
            ));
        }

        if let Some((_, name)) = names.last() {
            self.last_person = Some(name.clone());
        }
        drafts.sort_by_key(|(r, _)| r.start);
        self.excerpts.extend(drafts.into_iter().map(|(_, e)| e));
        ends_reported
    }

    #[allow(clippy::too_many_arguments)]
    fn speech(
        &self,
        number: usize,
        original: &str,
        mut span: Range<usize>,
        kind: Kind,
        speaker: usize,
        cue: &str,
        confidence: f32,
    ) -> Excerpt {
        let review = confidence < 0.9;
        // A comma or colon that leads on to the next words is not part of them.
        while let Some(c) = original[span.clone()].chars().last()
            && matches!(c, ',' | '\u{FF0C}' | ':' | '\u{FF1A}' | ' ')
        {
            span.end -= c.len_utf8();
        }
        Excerpt {
            id: String::new(),
            paragraph: number,
            text: original[span].to_owned(),
            kind,
            speaker: Some(speaker),
            cue: Some(cue.to_owned()),
            confidence,
            review,
        }
    }

    /// The reporting cues of a paragraph, in order.
    fn cues(
        &mut self,
        twin: &str,
        original: &str,
        words: &Words,
        quotes: &[Quote],
        ends: &[usize],
        names: &[(Range<usize>, String)],
    ) -> Vec<Cue> {
        let inside_quote = |at: usize| quotes.iter().any(|q| q.inner.contains(&at));
        let mut cues = Vec::new();
        let boundaries: Vec<usize> = words.tags.iter().map(|t| t.byte_end).collect();
        for (i, tag) in words.tags.iter().enumerate() {
            let at = tag.byte_start;
            if inside_quote(at) {
                continue;
            }
            let sentence_start = ends.iter().copied().rfind(|&e| e <= at).unwrap_or(0);
            let verb = if self.english {
                let lower = tag.word.to_ascii_lowercase();
                EN_SPEECH_VERBS
                    .contains(&lower.as_str())
                    .then_some(at..tag.byte_end)
            } else {
                SPEECH_VERBS
                    .iter()
                    .find(|v| twin[at..].starts_with(*v) && boundaries.contains(&(at + v.len())))
                    .map(|v| at..at + v.len())
                    .or_else(|| (tag.word == "看来").then_some(at..tag.byte_end))
            };
            let Some(verb) = verb else { continue };
            let found = if self.english {
                self.english_speaker(twin, original, words, i, sentence_start, names)
            } else {
                self.chinese_speaker(twin, original, &verb, sentence_start, quotes, names)
            };
            if let Some(cue) = found {
                cues.push(cue);
            }
        }
        cues
    }

    /// The speaker of a Chinese cue whose verb is at `verb`.
    fn chinese_speaker(
        &mut self,
        twin: &str,
        original: &str,
        verb: &Range<usize>,
        sentence_start: usize,
        quotes: &[Quote],
        names: &[(Range<usize>, String)],
    ) -> Option<Cue> {
        let word = &twin[verb.clone()];
        let zone_start = sentence_start.max(
            // A cue after a quotation ("“…”X表示") looks no further back than the quotation.
            quotes
                .iter()
                .filter(|q| q.outer.end <= verb.start)
                .map(|q| q.outer.end)
                .next_back()
                .filter(|&end| {
                    let rest = &twin[end..verb.start];
                    !rest.contains([',', '\u{FF0C}', '。'])
                })
                .unwrap_or(0),
        );
        let zone = &twin[zone_start..verb.start];
        // 据X介绍 / 根据X报道 / 在X看来
        let opener = if word == "看来" {
            zone.rfind('在').map(|i| (zone_start + i, "在"))
        } else if ACCORDING_VERBS.contains(&word) {
            ACCORDING_OPENERS.iter().find_map(|o| {
                zone.rfind(o)
                    .filter(|&i| !zone[i..].contains([',', '\u{FF0C}', ':', '\u{FF1A}', '。']))
                    .map(|i| (zone_start + i, *o))
            })
        } else {
            None
        };
        if word == "看来" && opener.is_none() {
            return None;
        }
        let search_from = opener.map_or(zone_start, |(at, o)| at + o.len());
        let mention = self.mention(
            twin,
            original,
            search_from,
            verb.start,
            quotes,
            names,
            opener.is_some() && REPORT_VERBS.contains(&word),
        )?;
        let gap = &twin[mention.range.end..verb.start];
        let adjacent = gap.chars().count() <= 8
            && !gap.contains([',', '\u{FF0C}', ':', '\u{FF1A}', '“', '”', '「', '」', '。'])
            && opener.is_none_or(|(at, o)| {
                twin[at + o.len()..mention.range.start].chars().count() <= 24
            });
        let start = opener.map_or(mention.range.start, |(at, _)| at);
        Some(Cue {
            range: start..verb.end,
            verb: verb.clone(),
            mention,
            adjacent,
        })
    }

    /// The nearest speaker before `end`, after `start`: a person named, an unnamed speaker's
    /// description, a pronoun, or (after 据…报道) a publication.
    #[allow(clippy::too_many_arguments)]
    fn mention(
        &mut self,
        twin: &str,
        original: &str,
        start: usize,
        end: usize,
        quotes: &[Quote],
        names: &[(Range<usize>, String)],
        report: bool,
    ) -> Option<Mention> {
        let outside = |r: &Range<usize>| {
            !quotes
                .iter()
                .any(|q| q.outer.start < r.start && r.end <= q.outer.end)
        };
        let zone = &twin[start..end];
        // A person named in the zone, the nearest.
        let named = names
            .iter()
            .rfind(|(r, _)| r.start >= start && r.end <= end && outside(r));
        // An unnamed speaker: 一位…分析师, 业内人士.
        let unnamed = UNNAMED_NOUNS.iter().find_map(|(noun, _)| {
            let at = zone.rfind(noun)?;
            let noun_end = at + noun.len();
            let tail = &zone[noun_end..];
            if tail.chars().count() > 8 || tail.contains([',', '\u{FF0C}', '“', '”']) {
                return None;
            }
            let head = &zone[..at];
            let opener = UNNAMED_OPENERS
                .iter()
                .filter_map(|o| head.rfind(o).map(|i| (i, *o)))
                .max_by_key(|(i, _)| *i)
                .filter(|(i, _)| !head[*i..].contains([',', '\u{FF0C}', '。', ':', '\u{FF1A}']));
            match opener {
                Some((i, o)) => {
                    Some((start + i, start + i + o.len(), start + at, start + noun_end))
                }
                None if noun.ends_with("人士") => {
                    Some((start + at, start + at, start + at, start + noun_end))
                }
                None => None,
            }
        });
        let pronoun = PRONOUNS.iter().find_map(|p| {
            let at = zone.rfind(p)?;
            let rest = &zone[at + p.len()..];
            (rest.chars().count() <= 6
                && !rest.contains([',', '\u{FF0C}'])
                && !rest.starts_with('们'))
            .then_some(start + at..start + at + p.len())
        });
        // The candidate nearest the verb wins.
        let named_at = named.map(|(r, _)| r.end);
        let unnamed_at = unnamed.map(|u| u.3);
        let pronoun_at = pronoun.as_ref().map(|r| r.end);
        let best = [named_at, unnamed_at, pronoun_at]
            .into_iter()
            .flatten()
            .max();
        if best.is_some() && best == unnamed_at && unnamed_at >= named_at {
            let (open, open_end, noun_at, noun_end) = unnamed?;
            // The name is the role alone, without the opener (一位…): "一位长期观察大模型落地
            // 案例的分析师" is named "分析师", the words before 的 its role (verbatim).
            let desc = &twin[open_end..noun_at];
            let (name, role) = match desc.rfind('的') {
                Some(de) => (
                    &original[open_end + de + '的'.len_utf8()..noun_end],
                    original[open_end..open_end + de].to_owned(),
                ),
                None => (&original[open_end..noun_end], String::new()),
            };
            let person = self.people.add(PersonKind::Unnamed, name, &role, "");
            return Some(Mention {
                range: open..noun_end,
                person,
                pronoun: false,
            });
        }
        if best.is_some() && best == named_at {
            let (range, name) = named?;
            let (role, org) = role_and_org(twin, original, range.start, start);
            let person = self.people.add(PersonKind::Person, name, &role, &org);
            return Some(Mention {
                range: role_start(twin, range.start, start, &role, &org)..range.end,
                person,
                pronoun: false,
            });
        }
        if best.is_some() && best == pronoun_at {
            let range = pronoun?;
            let before = names
                .iter()
                .rfind(|(r, _)| r.end <= range.start)
                .map(|(_, n)| n.clone());
            let name = before.or_else(|| self.last_person.clone())?;
            let person = self.people.add(PersonKind::Person, &name, "", "");
            return Some(Mention {
                range,
                person,
                pronoun: true,
            });
        }
        if report {
            // 据 The Information 报道: the publication, as written.
            let name = original[start..end].trim();
            let plausible = !name.is_empty()
                && name.chars().count() <= 30
                && !name.contains([',', '\u{FF0C}', '。', ':', '\u{FF1A}'])
                && (name.chars().any(|c| c.is_ascii_uppercase())
                    || name.contains(['《', '》'])
                    || ["报", "网", "社", "媒体", "日报", "时报", "新闻", "电视台"]
                        .iter()
                        .any(|s| twin[start..end].trim().ends_with(s)));
            if plausible {
                let lead = original[start..end].len() - original[start..end].trim_start().len();
                let person = self.people.add(PersonKind::Report, name, "", "");
                return Some(Mention {
                    range: start + lead..start + lead + name.len(),
                    person,
                    pronoun: false,
                });
            }
        }
        None
    }

    /// The speaker of an English cue (token `i` its verb): "X said", "said X", "according to X",
    /// "he said".
    fn english_speaker(
        &mut self,
        twin: &str,
        original: &str,
        words: &Words,
        i: usize,
        sentence_start: usize,
        names: &[(Range<usize>, String)],
    ) -> Option<Cue> {
        let verb_tag = &words.tags[i];
        let verb = verb_tag.byte_start..verb_tag.byte_end;
        if verb_tag.word.eq_ignore_ascii_case("according") {
            // "According to X, …"
            let rest = &twin[verb.end..];
            let to = rest.strip_prefix(" to ")?;
            let from = verb.end + 4;
            let comma = to.find(',')?;
            let name = to[..comma].trim();
            let range = from..from + name.len();
            let person = match names
                .iter()
                .find(|(r, _)| r.start >= range.start && r.end <= range.end)
            {
                Some((_, n)) => self.people.add(PersonKind::Person, n, "", ""),
                None => self
                    .people
                    .add(PersonKind::Report, &original[range.clone()], "", ""),
            };
            let end = from + comma;
            return Some(Cue {
                range: verb.start..end,
                verb: verb.start..end,
                mention: Mention {
                    range,
                    person,
                    pronoun: false,
                },
                adjacent: true,
            });
        }
        // A name or pronoun just before the verb ("Li said"), or just after ("said Li").
        let before = names
            .iter()
            .rfind(|(r, _)| r.end <= verb.start && r.start >= sentence_start)
            .filter(|(r, _)| twin[r.end..verb.start].split_whitespace().count() <= 1);
        let after = names
            .iter()
            .find(|(r, _)| r.start >= verb.end)
            .filter(|(r, _)| twin[verb.end..r.start].trim().is_empty());
        // "He added", "She also warned": a pronoun among the last three words before the verb.
        let pronoun = {
            let head = &twin[sentence_start..verb.start];
            let mut words: Vec<Range<usize>> = Vec::new();
            let mut start = None;
            for (i, c) in head
                .char_indices()
                .chain(std::iter::once((head.len(), ' ')))
            {
                match (c.is_ascii_alphabetic(), start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        words.push(sentence_start + s..sentence_start + i);
                        start = None;
                    }
                    _ => {}
                }
            }
            words
                .into_iter()
                .rev()
                .take(3)
                .find(|w| EN_PRONOUNS.contains(&&twin[w.clone()]))
        };
        let (range, name, pronoun) = if let Some((r, n)) = before.or(after) {
            (r.clone(), n.clone(), false)
        } else if let Some(r) = pronoun {
            let n = names
                .iter()
                .rfind(|(nr, _)| nr.end <= r.start)
                .map(|(_, n)| n.clone())
                .or_else(|| self.last_person.clone())?;
            (r, n, true)
        } else {
            return None;
        };
        let person = self.people.add(PersonKind::Person, &name, "", "");
        Some(Cue {
            range: range.start.min(verb.start)..verb.end.max(range.end),
            verb,
            mention: Mention {
                range,
                person,
                pronoun,
            },
            adjacent: true,
        })
    }
}
