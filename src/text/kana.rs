//! Kana classes and kana-form folding (かなの表記).

/// How much kana folding a field gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KanaFolding {
    /// None at all (番号, free text).
    Off,
    /// Only the small ヶ / ヵ of place names (霞ヶ関 = 霞ケ関).
    PlaceNames,
    /// Hiragana → katakana, small → large, ヰ ヱ → イ エ, ゛ ゜ after kana → combining marks.
    Full,
}

/// Whether `c` is a kana letter or kana sign (hiragana, katakana incl. ー, half-width katakana,
/// the small katakana extension, and the spacing voiced marks ゛ ゜).
pub(crate) fn is_kana(c: char) -> bool {
    matches!(c,
        '\u{3041}'..='\u{3096}'
        | '\u{3099}'..='\u{309F}'
        | '\u{30A1}'..='\u{30FF}'
        | '\u{31F0}'..='\u{31FF}'
        | '\u{FF66}'..='\u{FF9F}'
        | '\u{1B000}'..='\u{1B16F}')
}

/// The folded kana for a single (already canonically decomposed) character, or `None` when the
/// character is not changed by this level of folding.
pub(crate) fn fold(c: char, level: KanaFolding) -> Option<char> {
    match level {
        KanaFolding::Off => None,
        KanaFolding::PlaceNames => match c {
            'ヶ' => Some('ケ'),
            'ヵ' => Some('カ'),
            _ => None,
        },
        KanaFolding::Full => {
            let k = match c {
                // ぁ..ゖ → ァ..ヶ (same layout, 0x60 apart); ゝ → ヽ.
                '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
                '\u{309D}' => '\u{30FD}',
                _ => c,
            };
            let large = match k {
                'ァ' => 'ア',
                'ィ' => 'イ',
                'ゥ' => 'ウ',
                'ェ' => 'エ',
                'ォ' => 'オ',
                'ッ' => 'ツ',
                'ャ' => 'ヤ',
                'ュ' => 'ユ',
                'ョ' => 'ヨ',
                'ヮ' => 'ワ',
                'ヵ' => 'カ',
                'ヶ' => 'ケ',
                // Historical kana: ゐ/ヰ and ゑ/ヱ are read イ and エ today (すゑ = スエ).
                'ヰ' => 'イ',
                'ヱ' => 'エ',
                // Small katakana extension (Ainu): ㇰ ㇱ ㇲ ㇳ ㇴ ㇵ ㇶ ㇷ ㇸ ㇹ ㇺ ㇻ ㇼ ㇽ ㇾ ㇿ.
                'ㇰ' => 'ク',
                'ㇱ' => 'シ',
                'ㇲ' => 'ス',
                'ㇳ' => 'ト',
                'ㇴ' => 'ヌ',
                'ㇵ' => 'ハ',
                'ㇶ' => 'ヒ',
                'ㇷ' => 'フ',
                'ㇸ' => 'ヘ',
                'ㇹ' => 'ホ',
                'ㇺ' => 'ム',
                'ㇻ' => 'ラ',
                'ㇼ' => 'リ',
                'ㇽ' => 'ル',
                'ㇾ' => 'レ',
                'ㇿ' => 'ロ',
                k => k,
            };
            (large != c).then_some(large)
        }
    }
}

/// The large half-width katakana for a small half-width one (ｧ → ｱ, ｯ → ﾂ, ｮ → ﾖ).
pub(crate) fn half_width_large(c: char) -> Option<char> {
    Some(match c {
        'ｧ' => 'ｱ',
        'ｨ' => 'ｲ',
        'ｩ' => 'ｳ',
        'ｪ' => 'ｴ',
        'ｫ' => 'ｵ',
        'ｬ' => 'ﾔ',
        'ｭ' => 'ﾕ',
        'ｮ' => 'ﾖ',
        'ｯ' => 'ﾂ',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hiragana_becomes_large_katakana() {
        assert_eq!(fold('し', KanaFolding::Full), Some('シ'));
        assert_eq!(fold('ょ', KanaFolding::Full), Some('ヨ'));
        assert_eq!(fold('ゖ', KanaFolding::Full), Some('ケ'));
        assert_eq!(fold('ゝ', KanaFolding::Full), Some('ヽ'));
        assert_eq!(fold('ゐ', KanaFolding::Full), Some('イ'));
        assert_eq!(fold('ゑ', KanaFolding::Full), Some('エ'));
    }

    #[test]
    fn folded_forms_are_fixed_points() {
        for cp in 0x3041..=0x31FF {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            if let Some(f) = fold(c, KanaFolding::Full) {
                assert_eq!(fold(f, KanaFolding::Full), None, "{c} → {f} folds again");
            }
        }
    }

    #[test]
    fn wo_and_long_vowel_mark_are_kept() {
        // ヲ is not オ in names, and ー is never turned into a vowel.
        assert_eq!(fold('ヲ', KanaFolding::Full), None);
        assert_eq!(fold('ー', KanaFolding::Full), None);
        assert_eq!(fold('シ', KanaFolding::Full), None);
    }

    #[test]
    fn place_names_fold_only_small_ke_and_ka() {
        assert_eq!(fold('ヶ', KanaFolding::PlaceNames), Some('ケ'));
        assert_eq!(fold('ヵ', KanaFolding::PlaceNames), Some('カ'));
        assert_eq!(fold('が', KanaFolding::PlaceNames), None);
        assert_eq!(fold('ョ', KanaFolding::PlaceNames), None);
        assert_eq!(fold('ヶ', KanaFolding::Off), None);
    }

    #[test]
    fn half_width_small_kana_agree_with_full_width() {
        for c in ['ｧ', 'ｨ', 'ｩ', 'ｪ', 'ｫ', 'ｬ', 'ｭ', 'ｮ', 'ｯ'] {
            // Through full width: the compatibility mapping, then small → large.
            let mut full = None;
            unicode_normalization::char::decompose_compatible(c, |d| full = Some(d));
            let via_full = full.and_then(|f| fold(f, KanaFolding::Full));
            let mut large_full = None;
            if let Some(l) = half_width_large(c) {
                unicode_normalization::char::decompose_compatible(l, |d| large_full = Some(d));
            }
            assert!(large_full.is_some(), "{c}");
            assert_eq!(via_full, large_full, "{c}");
        }
        assert_eq!(half_width_large('ｱ'), None);
    }

    #[test]
    fn kana_class() {
        assert!(is_kana('ｼ'));
        assert!(is_kana('ー'));
        assert!(is_kana('゛'));
        assert!(!is_kana('高'));
        assert!(!is_kana('-'));
    }
}
