//! What the Telegram Bot API allows, as the texts the core makes must keep to it: every limit
//! in one place, each as the Bot API documentation states it (Bot API 10.1). The adapter
//! carries what the core made; the core makes nothing that would be refused.

/// A message's text after entity parsing (sendMessage, editMessageText): 1-4,096 characters,
/// counted here in UTF-16 code units, which is never fewer than characters.
pub const MESSAGE_LIMIT: usize = 4096;

/// A button's callback data: 1-64 bytes.
pub const CALLBACK_DATA_LIMIT: usize = 64;

/// A poll's question (sendPoll): 1-300 characters.
pub const POLL_QUESTION_LIMIT: usize = 300;

/// The bot's command menu (setMyCommands): at most 100 commands.
pub const MENU_LIMIT: usize = 100;

/// A poll's options (sendPoll): a list of 1-12.
pub const POLL_OPTIONS_LIMIT: usize = 12;

/// A poll's option (InputPollOption's text): 1-100 characters.
pub const POLL_OPTION_LIMIT: usize = 100;

/// A quiz's explanation: 0-200 characters, with at most 2 line feeds.
pub const QUIZ_EXPLANATION_LIMIT: usize = 200;

/// A poll's description (Bot API 9.6): 0-1,024 characters.
pub const POLL_DESCRIPTION_LIMIT: usize = 1024;

/// A photo's caption (sendPhoto): 0-1,024 characters after entity parsing, counted here in
/// UTF-16 code units.
pub const CAPTION_LIMIT: usize = 1024;
