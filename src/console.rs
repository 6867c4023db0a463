//! The terminal adapter: the same core as on Telegram, as one private chat, with no token and
//! no network. Replies are printed as plain text; a reply's buttons are listed as `#1`, `#2`,
//! ... and typing `#1` presses the first one.

use std::io::{IsTerminal, Write};

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::app::{App, Button, ChatKind, Press, Reply, Request};
use crate::i18n::Lang;

/// Reads lines from `input` until EOF, answering each on `out`.
pub async fn run(
    app: &App,
    lang: Lang,
    input: impl AsyncBufRead + Unpin,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let language_code = Some(lang.code());
    let ui = app.view(lang).ui;
    writeln!(out, "{}", ui.console_banner)?;
    let prompt = std::io::stdin().is_terminal();
    let mut buttons: Vec<Button> = Vec::new();
    let mut lines = input.lines();
    loop {
        if prompt {
            write!(out, "> ")?;
            out.flush()?;
        }
        let Some(line) = lines.next_line().await? else {
            break;
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let reply = if let Some(number) = line.strip_prefix('#') {
            let pressed = number
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|n| buttons.get(n));
            match pressed {
                Some(button) => match app.press(&button.data, language_code, &mut rand::rng()) {
                    Press::Edit(reply) => Some(reply),
                    Press::Notice(notice) => {
                        writeln!(out, "{notice}\n")?;
                        None
                    }
                },
                None => {
                    writeln!(out, "{}\n", ui.button_stale)?;
                    None
                }
            }
        } else {
            let request = Request {
                chat: ChatKind::Private,
                language_code,
                text: line,
                bot_username: None,
            };
            app.handle(&request, &mut rand::rng()).map(|h| h.reply)
        };
        if let Some(reply) = reply {
            buttons = reply.buttons.iter().flatten().cloned().collect();
            write_reply(out, &reply)?;
        }
    }
    Ok(())
}

fn write_reply(out: &mut impl Write, reply: &Reply) -> std::io::Result<()> {
    writeln!(out, "{}", reply.doc.to_plain())?;
    let labels: Vec<String> = reply
        .buttons
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, b)| format!("[#{} {}]", i + 1, b.label))
        .collect();
    if !labels.is_empty() {
        writeln!(out, "{}", labels.join("  "))?;
    }
    writeln!(out)?;
    out.flush()
}
