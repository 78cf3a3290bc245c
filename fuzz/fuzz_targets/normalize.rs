//! Fuzzes `onshi::text`: normalization must never panic, must be idempotent for every kind
//! of field, and `compare` must agree with the keys.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi::text::{FieldKind, TextMatch, compare, normalize, substitute_positions};

/// A deterministic "other spelling" of `s`: full-width ASCII, U+3000 for spaces, a ● in place
/// of the first kanji, and half-width kana reversed into hiragana where possible.
fn mutate(s: &str, salt: u8) -> String {
    let mut replaced = false;
    s.chars()
        .map(|c| match (salt % 4, c) {
            (0, '!'..='~') => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            (1, ' ') => '\u{3000}',
            (2, '\u{4E00}'..='\u{9FFF}') if !replaced => {
                replaced = true;
                '●'
            }
            (3, '\u{30A1}'..='\u{30F6}') => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let salt = data.first().copied().unwrap_or(0);
    let other = mutate(s, salt);
    for kind in FieldKind::ALL {
        let n = normalize(s, kind);
        assert_eq!(normalize(&n, kind), n, "not idempotent for {kind:?}");
        assert_eq!(compare(s, s, kind), TextMatch::Same);

        let m = compare(s, &other, kind);
        let keys_equal = normalize(&other, kind) == n;
        assert_eq!(
            matches!(m, TextMatch::Same | TextMatch::Equivalent(_)),
            keys_equal,
            "compare and normalize disagree for {kind:?}: {m:?}"
        );
        match &m {
            TextMatch::Equivalent(r) => {
                assert!(!r.is_empty());
                assert!(r.windows(2).all(|w| w[0] < w[1]));
            }
            TextMatch::Substituted { positions, reasons } => {
                assert_eq!(positions, &substitute_positions(&other));
                assert!(reasons.windows(2).all(|w| w[0] < w[1]));
            }
            TextMatch::Same | TextMatch::Different => {}
        }
        // Width and space changes alone never make texts different.
        if salt % 4 < 2 {
            assert!(
                matches!(m, TextMatch::Same | TextMatch::Equivalent(_)),
                "{kind:?}: {m:?}"
            );
        }
        let _ = compare(&other, s, kind);
        let _ = compare(&n, s, kind);
    }
});
