//! Button presses. A press's data is read back once ([`crate::callback_data`]), then: homework's
//! Start button begins a student's attempt; a settings button changes the chat's settings (an
//! admin's, in a group); the button under `/top reset` starts the chat's new leaderboard
//! period (likewise); any other is the app's. The press is answered, and its message edited
//! within the chat's budget.

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::{Engines, Handled, Platform, Pressed};
use crate::app::{Press, Reply};
use crate::callback_data::{self, Action};
use crate::effect::Effect;
use crate::i18n::{Lang, fill};
use crate::settings::SettingChange;
use crate::vocab::ChatKind;

impl Engines {
    /// A button press: the press is answered (with a short notice, or none) and, when the
    /// button changes its message, the message is replaced, within the chat's budget (over
    /// it, the presser is told to slow down and the message stays).
    pub(super) async fn on_press(&self, press: &Pressed<'_>, platform: &dyn Platform) -> Handled {
        let action = callback_data::decode(press.data, self.app.corpus());
        if let Some(Action::Homework { code }) = &action {
            return self.begin_homework(press, platform, code).await;
        }
        let decided = match action {
            Some(action) => self.press(press, platform, action).await,
            None => self.stale(press),
        };
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

    /// Homework's Start button: the homework engine begins the attempt (or says why not). The
    /// introduction is replaced within the chat's budget, as any pressed message is (the
    /// platform makes the edit it allowed).
    async fn begin_homework(
        &self,
        press: &Pressed<'_>,
        platform: &dyn Platform,
        code: &str,
    ) -> Handled {
        let mut rng = StdRng::from_rng(&mut rand::rng());
        let started = self
            .homework
            .press(code, press.from, press.chat, platform, press.now, &mut rng)
            .await;
        match started {
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
        }
    }

    /// What a press does, by its data read back: a settings button changes the chat's settings
    /// (see [`Engines::change_setting`]), `/top reset`'s button starts a new leaderboard period
    /// ([`Engines::reset_top`]); every other button is the app's, decided without waiting for
    /// anything.
    async fn press(&self, press: &Pressed<'_>, platform: &dyn Platform, action: Action) -> Press {
        match action {
            Action::Setting { lang, change } => {
                self.change_setting(press, platform, lang, change).await
            }
            Action::TopReset { lang } => self.reset_top(press, lang, platform).await,
            action => {
                // The articles of the chat the message is in (a search's pages stay within
                // them); a message sent through inline mode takes in all.
                let scope = match press.chat {
                    Some((chat, _)) => self.app.scope(&self.settings_or_defaults(chat).await),
                    None => None,
                };
                let mut rng = StdRng::from_rng(&mut rand::rng());
                let language_code = press.from.language_code.as_deref();
                self.app.press(action, language_code, scope, &mut rng)
            }
        }
    }

    /// A settings button on a message shown in `shown_in`: changes the chat's settings (an
    /// admin's press, in a group) and shows them anew; a member's press gets a notice and
    /// changes nothing.
    async fn change_setting(
        &self,
        press: &Pressed<'_>,
        platform: &dyn Platform,
        shown_in: Lang,
        change: SettingChange,
    ) -> Press {
        // A message sent through inline mode has no chat, and no settings button.
        let Some((chat, kind)) = press.chat else {
            return self.stale(press);
        };
        let ui = self
            .app
            .view(self.app.lang(press.from.language_code.as_deref()))
            .ui;
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
            return self.stale(press);
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

    /// The notice for a button that does nothing (any more), in the presser's language.
    fn stale(&self, press: &Pressed<'_>) -> Press {
        let lang = self.app.lang(press.from.language_code.as_deref());
        Press::Notice(self.app.view(lang).ui.button_stale.clone())
    }
}
