//! Differential tests: the lean path (`lean.rs`) must write exactly the key the general engine
//! (`fold.rs`) writes and note the same foldings, under every mask and in every mode, and
//! `compare` / `normalize` (which take the lean path when they can) must answer as the engine
//! alone does: on random text drawn from the alphabets the records really use, and on every
//! character of the ranges the lean path handles, in every context it looks at.
//!
//! Both engines take their rules for those characters from the same
//! [character table](super::table), so these tests mostly guard what each adds on its own: the
//! engine's bookkeeping (segments, unit boundaries, wildcards, recomposition) and the lean
//! path's streaming (noting where a folding first fired and folding again from there). What
//! both answer is pinned to the original behaviour by the golden file (`golden.rs`).

use super::fold::{self, Key, Mode, fold_into};
use super::lean::{self, FirstFired, Lean, MarkedKey, Next};
use super::table::{self, Mask, profile};
use super::{FieldKind, Reason, TextMatch, compare, kanji_variants, normalize};
use proptest::prelude::*;

/// `compare` on the general engine alone.
pub(super) fn compare_engine(a: &str, b: &str, kind: FieldKind) -> TextMatch {
    if a == b {
        return TextMatch::Same;
    }
    super::with_scratch(|keys| super::compare_with(a, b, kind, keys))
}

/// `compare` on the lean path alone: `None` when it gives up.
pub(super) fn compare_lean(a: &str, b: &str, kind: FieldKind) -> Option<TextMatch> {
    if a == b {
        return Some(TextMatch::Same);
    }
    super::with_scratch(|keys| super::compare_lean(a, b, kind, keys))
}

/// `normalize` on the general engine alone.
pub(super) fn normalize_engine(s: &str, kind: FieldKind) -> String {
    let mut key = Key::default();
    fold_into(s, kind, profile(kind).mask, Mode::Compose, &mut key);
    key.text
}

/// One random "character" of a record, from the alphabets that matter here.
fn piece() -> impl Strategy<Value = String> {
    // Kanji from the variant table, both sides of each pair.
    let variants: Vec<String> = kanji_variants()
        .flat_map(|(v, c)| [v.to_string(), c.to_string()])
        .collect();
    prop_oneof![
        // Half-width katakana, voiced marks, small forms and punctuation (U+FF61–U+FF9F).
        4 => (0xFF61u32..=0xFF9F).prop_map(ch),
        // Hiragana and katakana, with the combining and spacing voiced marks.
        4 => (0x3041u32..=0x30FF).prop_map(ch),
        // CJK symbols and punctuation: U+3000, 〜, 〓, ヶ's neighbours …
        1 => (0x3000u32..=0x303F).prop_map(ch),
        // The small katakana extension (Ainu) and kana supplement.
        1 => prop::sample::select(vec![0x31F0u32, 0x31F5, 0x31FF, 0x1B000, 0x1B001]).prop_map(ch),
        // Kanji: common, the variant table, compatibility ideographs, IVS, non-BMP.
        3 => (0x4E00u32..=0x9FFF).prop_map(ch),
        3 => prop::sample::select(variants),
        1 => (0xF900u32..=0xFAFF).prop_map(ch),
        1 => prop::sample::select(vec![
            "葛\u{E0100}", "辻\u{E0101}", "𠮷", "\u{2F800}", "⼭", "\u{E0100}", "\u{FE0F}",
        ])
        .prop_map(String::from),
        // Full-width ASCII and the rest of the U+FF00 block.
        3 => (0xFF01u32..=0xFFEF).prop_map(ch),
        // ASCII.
        4 => (0x20u32..=0x7E).prop_map(ch),
        // Spaces, dashes, marks, substitute marks and other troublemakers.
        4 => prop::sample::select(vec![
            " ", "　", "\t", "\u{00A0}", "\u{2003}", "\n", "-", "‐", "‑", "‒", "–", "—", "―", "−",
            "﹘", "﹣", "─", "ー", "ｰ", "－", "●", "⚫", "⚫\u{FE0E}", "⚫\u{FE0F}", "〓", "①",
            "㈱", "㍻", "\u{200B}", "\u{FEFF}", "\u{00AD}", "〜", "～", "‖", "∥", "é", "e\u{0301}",
            "\u{0301}", "\u{0316}", "\u{3099}", "\u{309A}", "゛", "゜", "ﾞ", "ﾟ", "ヶ", "ヵ",
            "丁目", "番地", "\u{FDFA}", "\u{D55C}", "ᄀ", "ᅡ", "Å", "ﬁ", "½", "²", "Ⅻ",
        ])
        .prop_map(String::from),
        // Anything at all.
        1 => any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn ch(cp: u32) -> String {
    char::from_u32(cp).map(String::from).unwrap_or_default()
}

pub(super) fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..14).prop_map(|v| v.concat())
}

/// A returned spelling of `s`: each character kept, or written another way (width, script,
/// size, dash, space, a substitute mark), so that most pairs are equivalent or substituted.
pub(super) fn respell(s: &str, choices: &[u8]) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        let pick = choices.get(i % choices.len().max(1)).copied().unwrap_or(0);
        let cp = c as u32;
        match pick % 12 {
            1 if ('!'..='~').contains(&c) => out.extend(char::from_u32(cp + 0xFEE0)),
            2 if ('\u{FF01}'..='\u{FF5E}').contains(&c) => out.extend(char::from_u32(cp - 0xFEE0)),
            3 if ('\u{30A1}'..='\u{30F6}').contains(&c) => out.extend(char::from_u32(cp - 0x60)),
            4 if ('\u{3041}'..='\u{3096}').contains(&c) => out.extend(char::from_u32(cp + 0x60)),
            5 if c == ' ' => out.push('\u{3000}'),
            6 if c == '\u{3000}' => out.push(' '),
            7 => out.push('●'),
            8 if c == '-' => out.push('ー'),
            9 if c.is_ascii_alphabetic() => out.push(if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }),
            10 => {
                out.push(c);
                out.push(' ');
            }
            11 => {
                if let Some(k) = super::kanji_variant(c) {
                    out.push(k);
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn kind() -> impl Strategy<Value = FieldKind> {
    prop::sample::select(FieldKind::ALL.to_vec())
}

/// Every subset of the foldings of `kind`.
pub(super) fn masks(kind: FieldKind) -> Vec<Mask> {
    let full = profile(kind).mask;
    (0u32..1 << Reason::ALL.len())
        .map(|bits| {
            let set: Vec<Reason> = Reason::ALL
                .iter()
                .enumerate()
                .filter(|(i, _)| bits >> i & 1 == 1)
                .map(|(_, r)| *r)
                .collect();
            Mask::of(&set)
        })
        .filter(|m| full.contains(*m))
        .collect()
}

/// The key and fired foldings of the lean path, or `None` when it gives up.
fn lean_fold(s: &str, kind: FieldKind, mask: Mask) -> Option<(String, Mask)> {
    let mut lean = Lean::new(s, kind, mask);
    let mut text = String::new();
    loop {
        match lean.next() {
            Next::Char(c) => text.push(c),
            Next::End => return Some((text, lean.applied())),
            Next::Complex => return None,
        }
    }
}

/// The lean path, when it does not give up, writes the engine's key in `Mode::Plain` and
/// fires the same foldings.
fn same_lean(s: &str, kind: FieldKind, mask: Mask) -> Result<bool, TestCaseError> {
    let Some((text, applied)) = lean_fold(s, kind, mask) else {
        return Ok(false);
    };
    let engine = fold::fold(s, kind, mask, Mode::Plain);
    prop_assert_eq!(&text, &engine.text, "{:?} {:?} {:?}", s, kind, mask);
    prop_assert_eq!(applied, engine.applied, "{:?} {:?} {:?}", s, kind, mask);
    Ok(true)
}

/// The lean path in `Mode::Units` and `Mode::Wild`, when it does not give up, writes the
/// engine's key with the same unit boundaries / wildcards (as character indexes) and fires
/// the same foldings.
fn same_lean_marked(s: &str, kind: FieldKind, mask: Mask) -> Result<bool, TestCaseError> {
    let mut handled = false;
    for mode in [Mode::Units, Mode::Wild] {
        let mut key = MarkedKey::default();
        let ok = if mode == Mode::Units {
            lean::fold_units(s, kind, mask, &mut key)
        } else {
            lean::fold_wild(s, kind, mask, &mut key)
        };
        if !ok {
            continue;
        }
        handled = true;
        let engine = fold::fold(s, kind, mask, mode);
        let at = format!("{s:?} {kind:?} {mask:?} {mode:?}");
        let text: String = key.chars.iter().collect();
        prop_assert_eq!(&text, &engine.text, "{}", at);
        let to_chars = |bytes: &[usize]| -> Vec<usize> {
            bytes
                .iter()
                .map(|&b| engine.text[..b].chars().count())
                .collect()
        };
        let marks = if mode == Mode::Units {
            &engine.units
        } else {
            &engine.wilds
        };
        prop_assert_eq!(&key.marks, &to_chars(marks), "{}", at);
        prop_assert_eq!(key.applied, engine.applied, "{}", at);
    }
    Ok(handled)
}

/// Folding again from where a switched-off folding first fired gives the engine's key under
/// the reduced mask: the characters before the resume point are the full key's, the rest is
/// what the resumed fold reads.
fn same_resumed(s: &str, kind: FieldKind) -> Result<(), TestCaseError> {
    let full = profile(kind).mask;
    let mut first = FirstFired::NONE;
    let mut full_key = String::new();
    let applied = {
        let mut noted = Lean::noting(s, kind, full, &mut first);
        loop {
            match noted.next() {
                Next::Char(c) => full_key.push(c),
                Next::End => break noted.applied(),
                Next::Complex => return Ok(()),
            }
        }
    };
    for mask in masks(kind) {
        let mut again = Lean::resume(s, kind, mask, &first.resume_point(applied, mask));
        let mut key: String = full_key.chars().take(again.read()).collect();
        prop_assert_eq!(key.chars().count(), again.read());
        loop {
            match again.next() {
                Next::Char(c) => key.push(c),
                Next::End => break,
                Next::Complex => prop_assert!(false, "{:?} gave up after resuming", s),
            }
        }
        let engine = fold::fold(s, kind, mask, Mode::Plain);
        prop_assert_eq!(&key, &engine.text, "{:?} {:?} {:?}", s, kind, mask);
    }
    Ok(())
}

/// `compare` both ways and `normalize` of both sides answer as the engine alone does.
fn same_answers(a: &str, b: &str, kind: FieldKind) -> Result<(), TestCaseError> {
    let at = format!("{a:?} {b:?} {kind:?}");
    prop_assert_eq!(compare(a, b, kind), compare_engine(a, b, kind), "{}", at);
    prop_assert_eq!(compare(b, a, kind), compare_engine(b, a, kind), "{}", at);
    prop_assert_eq!(normalize(a, kind), normalize_engine(a, kind), "{}", at);
    prop_assert_eq!(normalize(b, kind), normalize_engine(b, kind), "{}", at);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn resuming_where_a_folding_first_fired_agrees_with_engine(s in text(), k in kind()) {
        same_resumed(&s, k)?;
    }

    #[test]
    fn resuming_agrees_with_engine_on_respelled_text(
        a in text(), choices in prop::collection::vec(any::<u8>(), 1..16), k in kind()
    ) {
        same_resumed(&respell(&a, &choices), k)?;
    }

    #[test]
    fn lean_path_agrees_with_engine_for_every_mask(s in text(), k in kind()) {
        for mask in masks(k) {
            same_lean(&s, k, mask)?;
            same_lean_marked(&s, k, mask)?;
        }
    }

    #[test]
    fn compare_agrees_with_engine_on_random_pairs(a in text(), b in text(), k in kind()) {
        same_answers(&a, &b, k)?;
    }

    #[test]
    fn compare_agrees_with_engine_on_respelled_pairs(
        a in text(), choices in prop::collection::vec(any::<u8>(), 1..16), k in kind()
    ) {
        let b = respell(&a, &choices);
        same_answers(&a, &b, k)?;
        let n = normalize(&a, k);
        same_answers(&a, &n, k)?;
        same_answers(&n, &b, k)?;
    }
}

/// Every character of `chars`, after each kind of context the rules look at and before a
/// voiced mark, a long-vowel mark or a digit: the lean path writes the engine's keys under
/// every mask for the bare character, and under the full mask and each single folding off in
/// context; `normalize` answers as the engine does; the lean path handles exactly the
/// characters it documents.
fn agree_on_every_character(
    chars: impl Iterator<Item = u32>,
    contexts: &[&str],
    suffixes: &[&str],
) {
    for cp in chars {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        let mut lean_handled = false;
        for kind in FieldKind::ALL {
            let all = masks(kind);
            let full = profile(kind).mask;
            let few: Vec<Mask> = std::iter::once(full)
                .chain(Reason::ALL.iter().map(|&r| full.without(r)))
                .collect();
            for before in contexts {
                for after in suffixes {
                    let s = format!("{before}{c}{after}");
                    assert_eq!(normalize(&s, kind), normalize_engine(&s, kind), "{s:?}");
                    let tried = if before.is_empty() && after.is_empty() {
                        &all
                    } else {
                        &few
                    };
                    for &mask in tried {
                        match same_lean(&s, kind, mask) {
                            Err(e) => panic!("{e}"),
                            Ok(handled) => lean_handled |= handled && before.is_empty(),
                        }
                        if let Err(e) = same_lean_marked(&s, kind, mask) {
                            panic!("{e}");
                        }
                    }
                }
            }
        }
        let documented = cp < 0x80
            || matches!(
                cp,
                0x3000 | 0x3099 | 0x309A | 0x30FC | 0xFF01..=0xFF5E | 0xFF65..=0xFF9F
                    | 0x25CF | 0x26AB | 0x3013
            )
            || table::is_plain_kana(c)
            || table::is_unified_ideograph(c);
        assert_eq!(lean_handled, documented, "{c:?}");
    }
}

const CONTEXTS: [&str; 9] = ["", "カ", "ｶ", "1", "1 ", "高", "a", "●", " "];
const SUFFIXES: [&str; 5] = ["", "ﾞ", "\u{3099}", "ー", "2"];

#[test]
fn agree_on_every_ascii_and_kana_block_character() {
    agree_on_every_character((0x00..=0x7F).chain(0x3000..=0x30FF), &CONTEXTS, &SUFFIXES);
}

#[test]
fn agree_on_every_half_and_full_width_character() {
    agree_on_every_character(
        (0xFF00..=0xFFEF).chain(0x31F0..=0x31FF),
        &CONTEXTS,
        &SUFFIXES,
    );
}

#[test]
fn agree_on_every_variant_kanji_and_block_edge() {
    // Both sides of the variant table, the edges of the ideograph blocks, compatibility
    // ideographs, the substitute marks outside U+3000-30FF. Kanji all behave alike, so fewer
    // contexts.
    let chars = kanji_variants()
        .flat_map(|(v, c)| [v as u32, c as u32])
        .chain([
            0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xF900, 0xFA10, 0xFA11, 0x20000, 0x20BB7, 0x2F800,
            0x2FA1F, 0x30000, 0x3FFFF, 0x25CF, 0x26AB,
        ]);
    agree_on_every_character(
        chars,
        &["", "カ", "高", "1 ", "●"],
        &["", "ー", "\u{E0100}"],
    );
}
