//! Substitute marks (代替文字): what the national system writes in place of a character it
//! cannot show.

/// Whether `c` is a substitute mark the national system (中間サーバー / 資格確認端末) writes in
/// place of a character it cannot represent.
///
/// | mark | code point | why it is included |
/// |---|---|---|
/// | ● | U+25CF BLACK CIRCLE | the documented mark (e.g. 髙 → ●); the most reported trouble |
/// | ⚫ | U+26AB MEDIUM BLACK CIRCLE | the same mark as clinic software shows it, often followed by U+FE0E / U+FE0F (the selector is part of the mark) |
/// | 〓 | U+3013 GETA MARK | the traditional JIS substitute for a character a system cannot print (ゲタ) |
///
/// Not marks: ■ and ○ (no source shows the national system using them, and they occur in
/// real text); `?` / `？` (real punctuation, and a lossy conversion cannot be told apart from
/// it); U+FFFD REPLACEMENT CHARACTER (it records a decoding error on *our* side: the bytes were
/// damaged or decoded with the wrong encoding, which must be reported, not hidden as a ●);
/// private-use characters (外字: a real character of someone's private font).
///
/// ```
/// use onshi::text::is_substitute_mark;
/// assert!(is_substitute_mark('●'));
/// assert!(is_substitute_mark('\u{26AB}'));
/// assert!(is_substitute_mark('〓'));
/// assert!(!is_substitute_mark('■'));
/// assert!(!is_substitute_mark('\u{FFFD}'));
/// ```
pub fn is_substitute_mark(c: char) -> bool {
    matches!(c, '\u{25CF}' | '\u{26AB}' | '\u{3013}')
}

/// Whether `s` holds at least one substitute mark ([`is_substitute_mark`]).
///
/// ```
/// assert!(onshi::text::has_substitute("●橋　一郎"));
/// assert!(!onshi::text::has_substitute("高橋　一郎"));
/// ```
pub fn has_substitute(s: &str) -> bool {
    s.chars().any(is_substitute_mark)
}

/// The character indexes (not byte offsets) of the substitute marks in `s`. A variation
/// selector after a mark belongs to the mark and is counted as a character of `s`, not as a
/// mark.
///
/// ```
/// use onshi::text::substitute_positions;
/// assert_eq!(substitute_positions("●橋　●郎"), vec![0, 3]);
/// assert_eq!(substitute_positions("\u{26AB}\u{FE0E}田"), vec![0]);
/// assert!(substitute_positions("高橋").is_empty());
/// ```
pub fn substitute_positions(s: &str) -> Vec<usize> {
    s.chars()
        .enumerate()
        .filter(|&(_, c)| is_substitute_mark(c))
        .map(|(i, _)| i)
        .collect()
}

/// Whether a registered key matches a returned key in which each wildcard stands for exactly
/// one unit of the registered text that is not a kept space.
///
/// The keys are folded texts as units of any kind (bytes with byte offsets for the general
/// engine, characters with character indexes for the lean path): `units` are where each unit
/// of `registered` starts (one input character and what extends it, see `Mode::Units`),
/// `wilds` where each wildcard stands in `returned` (see `Mode::Wild`), `space` the unit of a
/// kept space.
pub(super) fn wild_match<T: PartialEq>(
    registered: &[T],
    units: &[usize],
    returned: &[T],
    wilds: &[usize],
    space: &T,
) -> bool {
    let (r, t) = (registered, returned);
    let mut pos = 0usize;
    let mut tpos = 0usize;
    for &w in wilds {
        let Some(seg) = t.get(tpos..w) else {
            return false;
        };
        if !r.get(pos..).is_some_and(|rest| rest.starts_with(seg)) {
            return false;
        }
        pos += seg.len();
        tpos = w;
        if units.binary_search(&pos).is_err() {
            return false;
        }
        let next = units.partition_point(|&u| u <= pos);
        let end = units.get(next).copied().unwrap_or(r.len());
        if end <= pos || r.get(pos..end) == Some(std::slice::from_ref(space)) {
            return false;
        }
        pos = end;
    }
    r.get(pos..) == t.get(tpos..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_mark_with_text_presentation_selector_is_found() {
        // The help article writes the mark as U+26AB U+FE0E.
        let s = "\u{26AB}\u{FE0E}橋";
        assert!(has_substitute(s));
        assert_eq!(substitute_positions(s), vec![0]);
    }

    #[test]
    fn positions_are_char_indexes_not_bytes() {
        assert_eq!(substitute_positions("𠮷田●"), vec![2]);
        assert_eq!(substitute_positions("ab〓"), vec![2]);
    }

    #[test]
    fn empty_has_none() {
        assert!(!has_substitute(""));
        assert!(substitute_positions("").is_empty());
    }
}
