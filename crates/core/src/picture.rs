//! What a picture is sent as: drawn to a PNG (`debate_picture`), then carried with the text
//! it illustrates, which is never lost: as its caption where it fits Telegram's 1,024
//! characters, else as a message of its own after it; and alone when the picture cannot be
//! made (logged). The layouts themselves are their engines' (`quiz::picture`,
//! `debate::picture`).

use debate_picture::Scene;

use crate::app::Reply;
use crate::effect::Effect;
use crate::render::Doc;
use crate::vocab::Place;

/// Why a picture was not made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Draw(#[from] debate_picture::Error),
    /// A fault injected in tests (tests/faults.rs).
    #[error("injected")]
    Injected,
}

/// `scene` drawn as a PNG.
pub fn png(scene: &Scene) -> Result<Vec<u8>, Error> {
    // A fault injected in tests; nothing unless the failpoints feature is on.
    fail::fail_point!("picture", |_| Err(Error::Injected));
    Ok(debate_picture::png(scene)?)
}

/// A picture (`png`, titled `title`) with the text `doc`: the picture with `doc` as its
/// caption where it fits, else the picture captioned with its title and then `doc` as a
/// message; should the picture not have been drawn (logged), `doc` alone, as a message.
pub fn with_text(place: Place, png: Result<Vec<u8>, Error>, title: &str, doc: Doc) -> Vec<Effect> {
    let text = Reply {
        doc,
        buttons: Vec::new(),
    };
    let png = match png {
        Ok(png) => png,
        Err(e) => {
            tracing::error!(error = %e, "cannot draw a picture; sending its text alone");
            return vec![Effect::Send { place, reply: text }];
        }
    };
    let fits = crate::render::utf16_len(&text.doc.to_visible()) <= crate::bot_api::CAPTION_LIMIT;
    if fits {
        vec![Effect::Photo {
            place,
            png,
            caption: text.clone(),
            otherwise: Some(text),
        }]
    } else {
        vec![
            Effect::Photo {
                place,
                png,
                caption: Reply::plain(title),
                otherwise: None,
            },
            Effect::Send { place, reply: text },
        ]
    }
}
