//! What a picture is sent as: its scene, for the adapter to draw (as it renders a reply's
//! HTML), carried with the text it illustrates, which is never lost: as its caption where it
//! fits Telegram's 1,024 characters, else as a message of its own after it; and alone when
//! the picture cannot be drawn or sent. The layouts themselves are their engines'
//! (`quiz::picture`, `debate::picture`).

use debate_picture::Scene;

use crate::app::Reply;
use crate::effect::Effect;
use crate::render::Doc;
use crate::vocab::Place;

/// A picture (`scene`, titled `title`) with the text `doc`: the picture with `doc` as its
/// caption where it fits, else the picture captioned with its title and then `doc` as a
/// message. The adapter draws the scene; should it not be drawn or sent, the caption's text
/// goes as a message instead.
pub fn with_text(place: Place, scene: Scene, title: &str, doc: Doc) -> Vec<Effect> {
    let text = Reply {
        doc,
        buttons: Vec::new(),
    };
    let scene = Box::new(scene);
    let fits = crate::render::utf16_len(&text.doc.to_visible()) <= crate::bot_api::CAPTION_LIMIT;
    if fits {
        vec![Effect::Photo {
            place,
            scene,
            caption: text.clone(),
            otherwise: Some(text),
        }]
    } else {
        vec![
            Effect::Photo {
                place,
                scene,
                caption: Reply::plain(title),
                otherwise: None,
            },
            Effect::Send { place, reply: text },
        ]
    }
}
