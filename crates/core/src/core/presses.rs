//! Button presses: homework's Start button begins a student's attempt, a settings button
//! changes the chat's settings (an admin's, in a group), the button under `/top reset` starts
//! the chat's new leaderboard period (likewise), any other is the app's; the press is answered,
//! and its message edited within the chat's budget.

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::{Core, Handled, Platform, Pressed};
use crate::app::{Press, Reply};
use crate::effect::Effect;
use crate::i18n::{Lang, fill};
use crate::settings::{SettingChange, TopReset};
use crate::vocab::ChatKind;

impl Core {
    /// A button press: the press is answered (with a short notice, or none) and, when the
    /// button changes its message, the message is replaced, within the chat's budget (over
    /// it, the presser is told to slow down and the message stays).
    pub(super) async fn on_press(&self, press: &Pressed<'_>, platform: &dyn Platform) -> Handled {
        if crate::homework::is_start_data(press.data) {
            let mut rng = StdRng::from_rng(&mut rand::rng());
            let started = self
                .homework
                .press(
                    press.data, press.from, press.chat, platform, press.now, &mut rng,
                )
                .await;
            return match started {
                // The introduction is replaced within the chat's budget, as any pressed
                // message is (the platform makes the edit it allowed).
                Ok(effects) => Handled::effects(
                    effects
                        .into_iter()
                        .filter(|e| match e {
                            Effect::EditPressed { reply } => platform.may_edit(reply),
                            _ => true,
                        })
                        .collect(),
                ),
                Err(e) => {
                    tracing::error!(error = %e, "cannot begin an attempt at homework");
                    let lang = self.app.lang(press.from.language_code.as_deref());
                    let notice = self.app.view(lang).ui.store_error.clone();
                    Handled {
                        effects: vec![Effect::AnswerPress {
                            notice: Some(notice),
                        }],
                        failed: true,
                        ..Handled::default()
                    }
                }
            };
        }
        let decided = self.press(press, platform).await;
        let effects = match decided {
            Press::Notice(text) => vec![Effect::AnswerPress { notice: Some(text) }],
            Press::Edit(reply) if platform.may_edit(&reply) => vec![
                Effect::AnswerPress { notice: None },
                Effect::EditPressed { reply },
            ],
            Press::Edit(_) => {
                let lang = self.app.lang(press.from.language_code.as_deref());
                let notice = self.app.slow_down(lang, platform.replies_per_minute());
                vec![Effect::AnswerPress {
                    notice: Some(notice),
                }]
            }
        };
        Handled::effects(effects)
    }

    /// What a press does. A settings button changes the chat's settings (an admin's press, in
    /// a group) and shows them anew; forged data or a member's press gets a notice and changes
    /// nothing. Every other button is the app's, decided without waiting for anything.
    async fn press(&self, press: &Pressed<'_>, platform: &dyn Platform) -> Press {
        let language_code = press.from.language_code.as_deref();
        let mut rng = StdRng::from_rng(&mut rand::rng());
        if let Some(shown_in) = TopReset::decode(press.data) {
            return self.reset_top(press, shown_in, platform).await;
        }
        if !SettingChange::is_settings_data(press.data) {
            return self.app.press(press.data, language_code, &mut rng);
        }
        let ui = self.app.view(self.app.lang(language_code)).ui;
        let (Some((chat, kind)), Some((shown_in, change))) =
            (press.chat, SettingChange::decode(press.data))
        else {
            return Press::Notice(ui.button_stale.clone());
        };
        // Telegram is asked only for a settings button pressed in a group.
        if kind == ChatKind::Group && !platform.sender_is_admin().await {
            return Press::Notice(ui.settings_press_only_admins.clone());
        }
        match self
            .store()
            .change_chat_settings(chat, change, press.now)
            .await
        {
            // In the chat's language once it has one (a press of "English" shows it at once).
            Ok(settings) => Press::Edit(self.app.settings_reply(
                settings.lang(shown_in),
                &settings,
                self.defaults(),
            )),
            Err(e) => {
                tracing::error!(error = %e, "cannot store a chat's settings");
                Press::Notice(ui.store_error.clone())
            }
        }
    }

    /// The button under `/top reset`'s question, shown in `shown_in`: an admin's press (anyone's,
    /// in a private chat) starts the chat's new leaderboard period now, and the question
    /// becomes the line that says so; a member's press gets a notice and changes nothing.
    async fn reset_top(
        &self,
        press: &Pressed<'_>,
        shown_in: Lang,
        platform: &dyn Platform,
    ) -> Press {
        let ui = self
            .app
            .view(self.app.lang(press.from.language_code.as_deref()))
            .ui;
        let Some((chat, kind)) = press.chat else {
            return Press::Notice(ui.button_stale.clone());
        };
        if kind == ChatKind::Group && !platform.sender_is_admin().await {
            return Press::Notice(ui.top_reset_only_admins.clone());
        }
        match self.store().reset_top(chat, press.now).await {
            Ok(settings) => {
                let shown = self.app.view(settings.lang(shown_in)).ui;
                let zone = self.app.zone();
                Press::Edit(Reply::plain(fill(
                    &shown.top_reset_done,
                    &[("date", &zone.local(press.now)), ("zone", &zone.name)],
                )))
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot start a chat's new leaderboard period");
                Press::Notice(ui.store_error.clone())
            }
        }
    }
}
