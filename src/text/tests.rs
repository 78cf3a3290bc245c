//! Behaviour of `compare` and `normalize`: the seed cases, the foldings, and properties.

use super::*;
use proptest::prelude::*;

fn eq(reasons: &[Reason]) -> TextMatch {
    TextMatch::Equivalent(reasons.to_vec())
}

use FieldKind::{Address, Kana, Name, Number, Text};
use Reason::{Case, Dash, KanaForm, KanjiVariant, Space, Unicode, Width};

// ---- seed cases (seed rows 7, 11, 15) ----

#[test]
fn seed_address_differing_in_case_width_spaces_is_equivalent() {
    let registered = "東京都千代田区霞が関1-2-3 ABCビル101";
    assert_eq!(
        compare(registered, "東京都千代田区霞が関1-2-3 abcビル101", Address),
        eq(&[Case])
    );
    assert_eq!(
        compare(
            registered,
            "東京都千代田区霞が関１－２－３ ＡＢＣビル１０１",
            Address
        ),
        eq(&[Width])
    );
    assert_eq!(
        compare(registered, "東京都千代田区霞が関1-2-3　ABCビル101", Address),
        eq(&[Space])
    );
    assert_eq!(
        compare(registered, "東京都千代田区霞が関1-2-3ABCビル101", Address),
        eq(&[Space])
    );
    assert_eq!(
        compare(
            registered,
            " 東京都千代田区霞が関１－２－３　ａｂｃビル１０１　",
            Address
        ),
        eq(&[Width, Case, Space])
    );
}

#[test]
fn seed_kanji_variant_and_space_in_name() {
    assert_eq!(
        compare("髙橋　一郎", "高橋 一郎", Name),
        eq(&[Space, KanjiVariant])
    );
}

#[test]
fn seed_substitute_mark_for_a_kanji_the_system_cannot_show() {
    assert_eq!(
        compare("髙橋　一郎", "●橋　一郎", Name),
        TextMatch::Substituted {
            positions: vec![0],
            reasons: vec![]
        }
    );
}

#[test]
fn seed_mark_that_does_not_match_otherwise_is_different() {
    assert_eq!(compare("高橋", "●田", Name), TextMatch::Different);
}

#[test]
fn seed_half_width_kana_with_half_width_space() {
    assert_eq!(
        compare("ｼﾝﾘｮｳ ﾀﾛｳ", "シンリョウ　タロウ", Kana),
        eq(&[Width, Space])
    );
}

#[test]
fn seed_hiragana_against_half_width_katakana() {
    assert_eq!(
        compare("しんりょう たろう", "ｼﾝﾘｮｳ ﾀﾛｳ", Kana),
        eq(&[Width, KanaForm])
    );
}

// ---- Same / Different ----

#[test]
fn same_only_for_byte_equality() {
    assert_eq!(compare("見本　花子", "見本　花子", Name), TextMatch::Same);
    assert_eq!(compare("", "", Text), TextMatch::Same);
    assert_ne!(compare("見本　花子", "見本 花子", Name), TextMatch::Same);
}

#[test]
fn different_names_stay_different() {
    assert_eq!(
        compare("見本　花子", "見本　太郎", Name),
        TextMatch::Different
    );
    assert_eq!(compare("高橋", "髙田", Name), TextMatch::Different);
    assert_eq!(compare("", "高橋", Name), TextMatch::Different);
}

// ---- spaces ----

#[test]
fn name_space_forms_are_equivalent() {
    for other in [
        "見本 花子",
        "見本花子",
        "見本\u{00A0}花子",
        "見本\t花子",
        " 見本  花子 ",
        "見本　　花子",
    ] {
        assert_eq!(
            compare("見本　花子", other, Name),
            eq(&[Space]),
            "{other:?}"
        );
    }
}

#[test]
fn address_keeps_a_space_between_digits() {
    assert_eq!(
        compare("1-2-3 101", "1-2-3101", Address),
        TextMatch::Different
    );
    assert_eq!(compare("1-2-3 101", "1-2-3　　101", Address), eq(&[Space]));
    assert_eq!(compare("12 34", "1234", Number), TextMatch::Different);
}

#[test]
fn space_padded_numbers_from_the_terminal_are_equivalent() {
    // 6-digit insurer numbers travel space-padded to 8 ("  138057").
    assert_eq!(compare("138057", "  138057", Number), eq(&[Space]));
    assert_eq!(
        compare("138057", "　　１３８０５７", Number),
        eq(&[Width, Space])
    );
}

#[test]
fn a_folding_both_sides_share_is_not_a_reason() {
    // Both sides are half-width: only the space differs.
    assert_eq!(compare("ｼﾝﾘｮｳ ﾀﾛｳ", "ｼﾝﾘｮｳ　ﾀﾛｳ", Kana), eq(&[Space]));
    // Both sides use 髙: only the width of the digits differs.
    assert_eq!(compare("髙橋1", "髙橋１", Name), eq(&[Width]));
}

#[test]
fn text_collapses_spaces_but_keeps_word_boundaries() {
    assert_eq!(compare("abc def", "  abc　　def ", Text), eq(&[Space]));
    assert_eq!(compare("abc def", "abcdef", Text), TextMatch::Different);
}

// ---- width and case ----

#[test]
fn full_width_digits_and_letters_in_numbers() {
    assert_eq!(compare("12345", "１２３４５", Number), eq(&[Width]));
    assert_eq!(compare("AB-12", "ａｂ－１２", Number), eq(&[Width, Case]));
    assert_eq!(compare("ab", "ＡＢ", Number), eq(&[Width, Case]));
    // Case alone between two full-width spellings.
    assert_eq!(compare("ＡＢ", "ａｂ", Text), eq(&[Case]));
}

#[test]
fn romaji_names_fold_case() {
    assert_eq!(compare("YAMADA TARO", "Yamada Taro", Name), eq(&[Case]));
}

#[test]
fn half_width_voiced_marks_compose() {
    assert_eq!(normalize("ｶﾞｷﾞﾊﾟﾋﾟｳﾞ", Kana), "ガギパピヴ");
    assert_eq!(compare("ｶﾞｯｺｳ", "ガッコウ", Address), eq(&[Width]));
    assert_eq!(compare("ﾊﾟﾝ", "パン", Kana), eq(&[Width]));
    // A stray half-width voiced mark stays a spacing mark.
    assert_eq!(normalize("ﾞA", Kana), "゛a");
}

#[test]
fn half_width_kana_in_every_kind_is_width() {
    for kind in FieldKind::ALL {
        assert_eq!(compare("ｱｲｳ", "アイウ", kind), eq(&[Width]), "{kind:?}");
    }
}

// ---- dashes and the long-vowel mark ----

#[test]
fn dash_forms_fold_in_numbers_and_addresses() {
    for d in [
        "-", "‐", "‑", "‒", "–", "—", "―", "−", "﹣", "－", "ー", "ｰ", "─",
    ] {
        let other = format!("1{d}2{d}3");
        let m = compare("1-2-3", &other, Address);
        assert!(
            m == TextMatch::Same || m.reasons().contains(&Dash) || m.reasons().contains(&Width),
            "{d}: {m:?}"
        );
        assert!(m.is_match(), "{d}");
        assert!(
            compare("123-4567", &format!("123{d}4567"), Number).is_match(),
            "{d}"
        );
    }
    assert_eq!(compare("1-2-3", "1ー2ー3", Address), eq(&[Dash]));
    assert_eq!(compare("1-2-3", "1－2－3", Address), eq(&[Width]));
}

#[test]
fn block_and_lot_words_are_not_dashes() {
    assert_eq!(
        compare("1-2-3", "1丁目2番3号", Address),
        TextMatch::Different
    );
    assert_eq!(compare("1-2", "12", Address), TextMatch::Different);
}

#[test]
fn long_vowel_mark_is_kana_and_never_a_vowel() {
    assert_eq!(compare("ｼﾝﾘｮｰ", "シンリョー", Kana), eq(&[Width]));
    assert_eq!(compare("ｼﾝﾘｮｳ", "ｼﾝﾘｮｰ", Kana), TextMatch::Different);
    assert_eq!(compare("ｼﾝﾘｮｳ", "ｼﾝﾘｮ-", Kana), TextMatch::Different);
    assert_eq!(compare("ｼﾝﾘｮｳ", "ｼﾝﾘｮ", Kana), TextMatch::Different);
    // A hyphen typed for a long vowel after kana is the long vowel.
    assert_eq!(compare("ジョージ", "ジョ−ジ", Name), eq(&[Dash]));
    assert_eq!(compare("ｼﾞｮｰｼﾞ", "ｼﾞｮ-ｼﾞ", Kana), eq(&[Width, Dash]));
    assert_eq!(normalize("ｼﾞｮｰｼﾞ", Kana), "ジヨージ");
    // …while in an address after a digit it is a hyphen.
    assert_eq!(normalize("パーク1ー2", Address), "パーク1-2");
}

#[test]
fn text_does_not_fold_dashes() {
    assert_eq!(compare("a-b", "a―b", Text), TextMatch::Different);
}

// ---- kana forms ----

#[test]
fn old_systems_store_small_kana_large() {
    assert_eq!(compare("ｼｮｳｺ", "ｼﾖｳｺ", Kana), eq(&[KanaForm]));
    assert_eq!(compare("ｷｯﾄ", "ｷﾂﾄ", Kana), eq(&[KanaForm]));
    assert_eq!(compare("ﾌｧﾝ", "ファン", Kana), eq(&[Width]));
    assert_eq!(compare("ﾌｧﾝ", "フアン", Kana), eq(&[Width, KanaForm]));
}

#[test]
fn vu_spellings_are_one() {
    assert_eq!(compare("ヴィクトル", "ウ゛ィクトル", Kana), eq(&[KanaForm]));
    assert_eq!(compare("ヴィクトル", "ｳﾞｨｸﾄﾙ", Kana), eq(&[Width]));
    assert_eq!(compare("ゔ", "ヴ", Kana), eq(&[KanaForm]));
}

#[test]
fn historical_kana_wi_we() {
    assert_eq!(compare("スヱ", "スエ", Kana), eq(&[KanaForm]));
    assert_eq!(compare("すゑ", "スエ", Name), eq(&[KanaForm]));
    assert_eq!(compare("ヲ", "オ", Kana), TextMatch::Different);
}

#[test]
fn names_in_kana_fold_across_scripts() {
    assert_eq!(
        compare("山田　さくら", "山田 サクラ", Name),
        eq(&[Space, KanaForm])
    );
}

#[test]
fn place_names_fold_only_small_ke() {
    assert_eq!(compare("霞ヶ関", "霞ケ関", Address), eq(&[KanaForm]));
    assert_eq!(compare("霞ヶ関", "霞が関", Address), TextMatch::Different);
    assert_eq!(
        compare("つつじヶ丘", "ツツジヶ丘", Address),
        TextMatch::Different
    );
    assert_eq!(compare("ｼｮｳ", "ｼﾖｳ", Number), TextMatch::Different);
}

#[test]
fn decomposed_kana_is_unicode() {
    assert_eq!(compare("が", "か\u{3099}", Kana), eq(&[Unicode]));
    assert_eq!(compare("が", "か\u{3099}", Text), eq(&[Unicode]));
}

// ---- kanji variants ----

#[test]
fn kanji_variants_in_names_and_addresses() {
    assert_eq!(compare("渡邊", "渡辺", Name), eq(&[KanjiVariant]));
    assert_eq!(compare("渡邉", "渡邊", Name), eq(&[KanjiVariant]));
    assert_eq!(compare("山﨑", "山崎", Name), eq(&[KanjiVariant]));
    assert_eq!(compare("𠮷田", "吉田", Name), eq(&[KanjiVariant]));
    assert_eq!(compare("大澤", "大沢", Name), eq(&[KanjiVariant]));
    assert_eq!(compare("横濱市", "横浜市", Address), eq(&[KanjiVariant]));
    assert_eq!(compare("\u{FA10}本", "塚本", Name), eq(&[KanjiVariant]));
}

#[test]
fn sai_and_ryu_stay_apart() {
    assert_eq!(compare("齋藤", "斎藤", Name), eq(&[KanjiVariant]));
    assert_eq!(compare("齊藤", "斉藤", Name), eq(&[KanjiVariant]));
    assert_eq!(compare("斎藤", "斉藤", Name), TextMatch::Different);
    assert_eq!(compare("齋藤", "齊藤", Name), TextMatch::Different);
    assert_eq!(compare("龍之介", "竜之介", Name), TextMatch::Different);
}

#[test]
fn ideographic_variation_selectors_are_kanji_variants() {
    assert_eq!(compare("葛\u{E0100}飾", "葛飾", Name), eq(&[KanjiVariant]));
    assert_eq!(compare("辻\u{E0101}", "辻", Address), eq(&[KanjiVariant]));
    assert_eq!(normalize("葛\u{E0100}飾", Name), "葛飾");
}

#[test]
fn kana_and_number_fields_do_not_fold_kanji() {
    assert_eq!(compare("髙", "高", Kana), TextMatch::Different);
    assert_eq!(compare("髙", "高", Number), TextMatch::Different);
    assert_eq!(compare("\u{FA11}", "崎", Number), TextMatch::Different);
}

#[test]
fn variants_fold_under_substitution_too() {
    assert_eq!(
        compare("髙﨑　ヱミ", "●崎 エミ", Name),
        TextMatch::Substituted {
            positions: vec![0],
            reasons: vec![Space, KanaForm, KanjiVariant]
        }
    );
}

// ---- NFKC leftovers ----

#[test]
fn compatibility_forms_are_unicode() {
    assert_eq!(compare("1丁目", "①丁目", Address), eq(&[Unicode]));
    assert_eq!(compare("(株)見本", "㈱見本", Text), eq(&[Unicode]));
    assert_eq!(compare("平成", "㍻", Text), eq(&[Unicode]));
    assert_eq!(compare("山田", "⼭田", Name), eq(&[Unicode]));
    assert_eq!(
        compare("見本\u{200B}花子", "見本花子", Name),
        eq(&[Unicode])
    );
    assert_eq!(compare("1〜3", "1～3", Address), eq(&[Unicode]));
}

#[test]
fn spacing_voiced_mark_is_not_split_into_a_space() {
    // NFKC would turn ゛ into a space and a combining mark.
    assert_eq!(normalize("゛", Text), "゛");
    assert_eq!(normalize("ウ゛", Kana), "ヴ");
    assert_eq!(normalize("ウ゛", Text), "ウ゛");
}

// ---- substitution ----

#[test]
fn each_mark_stands_for_exactly_one_character() {
    assert_eq!(
        compare("髙﨑　一郎", "●●　一郎", Name),
        TextMatch::Substituted {
            positions: vec![0, 1],
            reasons: vec![]
        }
    );
    assert_eq!(compare("髙﨑　一郎", "●　一郎", Name), TextMatch::Different);
    assert_eq!(compare("高橋", "●●●", Name), TextMatch::Different);
    // A non-BMP character is one character.
    assert_eq!(
        compare("𠮷田", "●田", Name),
        TextMatch::Substituted {
            positions: vec![0],
            reasons: vec![]
        }
    );
    // A kanji with its IVS is one character.
    assert_eq!(
        compare("葛\u{E0100}飾", "●飾", Name),
        TextMatch::Substituted {
            positions: vec![0],
            reasons: vec![]
        }
    );
}

#[test]
fn mark_with_variation_selector_is_one_mark() {
    assert_eq!(
        compare("髙橋", "\u{26AB}\u{FE0F}橋", Name),
        TextMatch::Substituted {
            positions: vec![0],
            reasons: vec![]
        }
    );
    assert_eq!(
        compare("髙橋　一郎", "\u{26AB}\u{FE0E}橋 一郎", Name),
        TextMatch::Substituted {
            positions: vec![0],
            reasons: vec![Space]
        }
    );
    assert_eq!(
        compare("髙橋", "〓橋", Name),
        TextMatch::Substituted {
            positions: vec![0],
            reasons: vec![]
        }
    );
}

#[test]
fn a_mark_never_stands_for_a_space() {
    assert_eq!(
        compare("高橋　一郎", "高橋●一郎", Name),
        TextMatch::Different
    );
    assert_eq!(compare("ab cd", "ab●cd", Text), TextMatch::Different);
}

#[test]
fn a_mark_in_registered_is_not_a_substitution() {
    assert_eq!(compare("●橋", "髙橋", Name), TextMatch::Different);
    // The same mark on both sides, spaced differently, is plain equivalence.
    assert_eq!(compare("●橋　一郎", "●橋 一郎", Name), eq(&[Space]));
}

#[test]
fn substitution_positions_are_in_returned_chars() {
    assert_eq!(
        compare("山田　髙子", "山田 ●子", Name),
        TextMatch::Substituted {
            positions: vec![3],
            reasons: vec![Space]
        }
    );
}

// ---- serde and labels ----

#[test]
fn reasons_serialize_snake_case() {
    let names: Vec<String> = Reason::ALL
        .iter()
        .map(|r| serde_json::to_string(r).unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        [
            "\"width\"",
            "\"case\"",
            "\"space\"",
            "\"dash\"",
            "\"kana_form\"",
            "\"kanji_variant\"",
            "\"unicode\""
        ]
    );
    let back: Reason = serde_json::from_str("\"kanji_variant\"").unwrap_or(Reason::Width);
    assert_eq!(back, KanjiVariant);
}

#[test]
fn labels_are_japanese() {
    let labels: Vec<&str> = Reason::ALL.iter().map(|r| r.label()).collect();
    assert_eq!(
        labels,
        [
            "全角/半角",
            "大文字/小文字",
            "空白",
            "ハイフン",
            "かなの表記",
            "異体字",
            "文字コード"
        ]
    );
    assert_eq!(Reason::Width.to_string(), "全角/半角");
    assert_eq!(FieldKind::Kana.label(), "カナ氏名");
}

#[test]
fn foldings_per_kind_match_the_documented_table() {
    assert_eq!(Name.foldings(), Reason::ALL.to_vec());
    assert_eq!(
        Kana.foldings(),
        vec![Width, Case, Space, Dash, KanaForm, Unicode]
    );
    assert_eq!(Address.foldings(), Reason::ALL.to_vec());
    assert_eq!(Number.foldings(), vec![Width, Case, Space, Dash, Unicode]);
    assert_eq!(
        Text.foldings(),
        vec![Width, Case, Space, KanjiVariant, Unicode]
    );
}

#[test]
fn text_match_helpers() {
    assert!(TextMatch::Same.is_match());
    assert!(!TextMatch::Different.is_match());
    assert_eq!(compare("ｱ", "ア", Kana).reasons(), &[Width]);
    assert!(TextMatch::Same.reasons().is_empty());
}

// ---- robustness ----

#[test]
fn odd_inputs_do_not_panic_and_stay_idempotent() {
    let long_marks = "\u{0301}".repeat(5000);
    let mixed_marks: String = (0..3000)
        .map(|i| if i % 2 == 0 { '\u{0301}' } else { '\u{0316}' })
        .collect();
    let inputs = [
        "",
        "\u{3099}",
        "\u{FE0F}",
        "\u{E0100}",
        "ﾞﾞﾞ",
        "゛゜",
        "●",
        "\u{26AB}\u{FE0F}\u{FE0F}",
        " ",
        "\u{3000}\u{3000}",
        "ー",
        "-ー-",
        "\u{FDFA}",
        "\u{1F468}\u{200D}\u{1F469}",
        "\u{D55C}\u{AE00}",
        "ﾍﾞ\u{FF9E}\u{0301}",
        "a\u{0301} \u{0316}",
        "1 \u{0301}2",
        &long_marks,
        &mixed_marks,
    ];
    for s in inputs {
        for kind in FieldKind::ALL {
            let n = normalize(s, kind);
            assert_eq!(normalize(&n, kind), n, "{s:?} {kind:?}");
            assert_eq!(compare(s, s, kind), TextMatch::Same);
            let _ = compare(s, &n, kind);
            let _ = compare(&n, s, kind);
            let _ = compare("髙橋", s, kind);
            let _ = compare(s, "●", kind);
        }
    }
}

#[test]
fn huge_input_is_linear_enough() {
    let s = "髙橋　一郎ｼﾝﾘｮｳ1-2-3 ".repeat(20_000);
    let n = normalize(&s, Name);
    assert!(n.len() < s.len());
    assert!(compare(&s, &n, Name).is_match());
}

// ---- properties ----

/// Text drawn from the characters that matter here, plus anything.
fn japanese_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "髙",
        "高",
        "橋",
        "﨑",
        "崎",
        "𠮷",
        "吉",
        "邊",
        "辺",
        "澤",
        "葛\u{E0100}",
        "\u{FA10}",
        "見本",
        "花子",
        "ｼﾝﾘｮｳ",
        "シンリョウ",
        "しんりょう",
        "ｶﾞ",
        "ﾊﾟ",
        "ﾞ",
        "ﾟ",
        "゛",
        "ウ゛",
        "ヴ",
        "ャ",
        "ｮ",
        "ー",
        "ｰ",
        "-",
        "−",
        "―",
        "－",
        "1",
        "２",
        "A",
        "ｂ",
        "Ｃ",
        " ",
        "　",
        "\t",
        "\u{00A0}",
        "●",
        "⚫\u{FE0F}",
        "〓",
        "①",
        "㈱",
        "が",
        "か\u{3099}",
        "\u{0301}",
        "\u{0316}",
        "ヶ",
        "丁目",
        "〜",
        "\u{200B}",
        "é",
        "e\u{0301}",
        "ヰ",
        "ゐ",
    ]);
    prop::collection::vec(
        prop_oneof![
            pieces.prop_map(String::from),
            any::<char>().prop_map(String::from)
        ],
        0..12,
    )
    .prop_map(|v| v.concat())
}

fn to_full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

fn to_half_width_spaces(s: &str) -> String {
    s.chars()
        .map(|c| if c == '\u{3000}' { ' ' } else { c })
        .collect()
}

/// Half-width spelling: full-width ASCII to ASCII, U+3000 to U+0020, katakana to half-width
/// katakana (voiced ones as two characters, ガ → ｶﾞ), built from Unicode's own mappings.
fn to_half_width(s: &str) -> String {
    use std::collections::HashMap;
    use unicode_normalization::char::{decompose_canonical, decompose_compatible};
    let mut half: HashMap<char, char> = HashMap::new();
    for cp in 0xFF61..=0xFF9F {
        let Some(h) = char::from_u32(cp) else {
            continue;
        };
        let mut full = Vec::new();
        decompose_compatible(h, |d| full.push(d));
        if let [f] = full[..] {
            half.entry(f).or_insert(h);
        }
    }
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\u{FF01}'..='\u{FF5E}' => out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)),
            '\u{3000}' => out.push(' '),
            _ => {
                let mut parts = Vec::new();
                decompose_canonical(c, |d| parts.push(d));
                let mapped: Option<String> = parts
                    .iter()
                    .map(|p| half.get(p).copied())
                    .collect::<Option<String>>();
                match mapped {
                    Some(m) if half.contains_key(&parts[0]) => out.push_str(&m),
                    _ => out.push(c),
                }
            }
        }
    }
    out
}

#[test]
fn half_width_helper_spells_like_the_terminal() {
    assert_eq!(to_half_width("シンリョウ　タロウ"), "ｼﾝﾘｮｳ ﾀﾛｳ");
    assert_eq!(to_half_width("ガパヴー"), "ｶﾞﾊﾟｳﾞｰ");
    assert_eq!(to_half_width("ＡＢ１"), "AB1");
}

fn kind_strategy() -> impl Strategy<Value = FieldKind> {
    prop::sample::select(FieldKind::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn normalize_is_idempotent(s in japanese_text(), kind in kind_strategy()) {
        let n = normalize(&s, kind);
        prop_assert_eq!(normalize(&n, kind), n);
    }

    #[test]
    fn normalize_is_idempotent_on_any_string(s in ".*", kind in kind_strategy()) {
        let n = normalize(&s, kind);
        prop_assert_eq!(normalize(&n, kind), n);
    }

    #[test]
    fn compare_with_itself_is_same(s in japanese_text(), kind in kind_strategy()) {
        prop_assert_eq!(compare(&s, &s, kind), TextMatch::Same);
    }

    #[test]
    fn width_and_space_variants_are_equivalent(s in japanese_text(), kind in kind_strategy()) {
        for other in [
            to_full_width(&s),
            to_half_width(&s),
            to_half_width_spaces(&s),
            format!(" {s}\u{3000}"),
        ] {
            let m = compare(&s, &other, kind);
            prop_assert!(
                matches!(m, TextMatch::Same | TextMatch::Equivalent(_)),
                "{:?} vs {:?} ({:?}): {:?}", s, other, kind, m
            );
        }
    }

    #[test]
    fn equivalence_agrees_with_keys(a in japanese_text(), b in japanese_text(), kind in kind_strategy()) {
        let m = compare(&a, &b, kind);
        let keys_equal = normalize(&a, kind) == normalize(&b, kind);
        prop_assert_eq!(matches!(m, TextMatch::Same | TextMatch::Equivalent(_)), keys_equal);
        if let TextMatch::Equivalent(r) = &m {
            prop_assert!(!r.is_empty());
            prop_assert!(r.windows(2).all(|w| w[0] < w[1]));
            let allowed = kind.foldings();
            prop_assert!(r.iter().all(|x| allowed.contains(x)));
        }
        if let TextMatch::Substituted { positions, reasons } = &m {
            prop_assert_eq!(positions, &substitute_positions(&b));
            prop_assert!(!positions.is_empty());
            prop_assert!(reasons.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn folding_only_what_fired_gives_the_same_key(s in japanese_text(), kind in kind_strategy()) {
        // `minimal` drops foldings that never fired without testing them, and `compare`
        // reuses a side's full key for any mask that keeps what fired for it; this checks
        // that no such mask changes a key, in every mode.
        let full = table::profile(kind).mask;
        for mode in [fold::Mode::Plain, fold::Mode::Units, fold::Mode::Wild] {
            let k = fold::fold(&s, kind, full, mode);
            for mask in super::differential::masks(kind) {
                if mask.contains(k.applied) {
                    let other = fold::fold(&s, kind, mask, mode);
                    prop_assert_eq!(&other.text, &k.text);
                    prop_assert_eq!(&other.units, &k.units);
                    prop_assert_eq!(&other.wilds, &k.wilds);
                }
            }
            let only = fold::fold(&s, kind, k.applied, mode);
            prop_assert_eq!(only.text, k.text);
        }
    }

    #[test]
    fn a_mark_replacing_one_kanji_is_a_substitution(
        prefix in "[あ-ん一-龥]{0,3}", kanji in "[一-龥]", suffix in "[あ-ん一-龥]{0,3}"
    ) {
        let registered = format!("{prefix}{kanji}{suffix}");
        let returned = format!("{prefix}●{suffix}");
        let expected_pos = prefix.chars().count();
        prop_assert_eq!(
            compare(&registered, &returned, Name),
            TextMatch::Substituted { positions: vec![expected_pos], reasons: vec![] }
        );
    }
}
