//! Traditional and simplified Chinese: the rules are written once, in simplified characters,
//! and a traditional paragraph is read through its simplified twin. The conversion is
//! character for character and keeps every character's length in bytes, so a position found in
//! the twin is the same position in the original, and every span is cut from the original.

/// The simplified twin of `paragraph`, with the same byte positions; the paragraph itself when
/// a conversion would move them.
pub fn twin(paragraph: &str) -> String {
    let converted = fast2s::convert(paragraph);
    let same_shape = converted.len() == paragraph.len()
        && converted
            .char_indices()
            .map(|(i, _)| i)
            .eq(paragraph.char_indices().map(|(i, _)| i));
    if same_shape {
        converted
    } else {
        paragraph.to_owned()
    }
}

/// Whether the text is mostly in traditional characters (more characters change when
/// converted than a simplified text would ever change).
pub fn is_traditional(text: &str) -> bool {
    let converted = fast2s::convert(text);
    let changed = converted
        .chars()
        .zip(text.chars())
        .filter(|(a, b)| a != b)
        .count();
    let han = text.chars().filter(|&c| crate::lexicon::is_han(c)).count();
    han > 0 && changed * 20 > han
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_twin_keeps_every_position() {
        let original = "據林呂強介紹:開源是最高效的方式。";
        let twin = twin(original);
        assert_eq!(twin, "据林吕强介绍:开源是最高效的方式。");
        assert_eq!(twin.len(), original.len());
        assert!(is_traditional(original));
        assert!(!is_traditional("据林吕强介绍:开源是最高效的方式。"));
    }
}
