//! The people of a class on Telegram, as the group tests have them: the teacher who starts
//! quizzes and debates, and numbered students.

use super::TgUser;

/// The teacher, 王老师, whose Telegram speaks Chinese.
pub fn teacher() -> TgUser {
    TgUser::new(2_000, "王老师", Some("zh-hans"))
}

/// Student `i` (from 0): 学生01, 学生02, ..., whose Telegram speaks Chinese.
pub fn student(i: usize) -> TgUser {
    student_speaking(i, Some("zh-hans"))
}

/// Student `i` (from 0) with this Telegram `language` (`None`: Telegram tells none, and the
/// bot's default applies).
pub fn student_speaking(i: usize, language: Option<&str>) -> TgUser {
    TgUser::new(3_000 + i as i64, &format!("学生{:02}", i + 1), language)
}
