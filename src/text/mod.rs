//! Japanese normalization for **comparison only** (表記ゆれの吸収).
//!
//! The clinic's record and the terminal's answer spell the same person in different ways:
//! 全角 and 半角, 見本　花子 and 見本 花子, ｼﾝﾘｮｳ and シンリョウ, 髙橋 and 高橋, or 高橋 with the
//! first character replaced by ● because the national system cannot show it. [`compare`] tells
//! which case it is and why; [`normalize`] gives the comparison key. Stored values are never
//! rewritten: the key is for comparing and indexing, not for saving.
//!
//! ```
//! use onshi::text::{compare, FieldKind, Reason, TextMatch};
//! assert_eq!(
//!     compare("髙橋　一郎", "高橋 一郎", FieldKind::Name),
//!     TextMatch::Equivalent(vec![Reason::Space, Reason::KanjiVariant]),
//! );
//! assert_eq!(
//!     compare("髙橋　一郎", "●橋　一郎", FieldKind::Name),
//!     TextMatch::Substituted { positions: vec![0], reasons: vec![] },
//! );
//! assert_eq!(compare("高橋", "●田", FieldKind::Name), TextMatch::Different);
//! ```
//!
//! # Foldings per field
//!
//! | folding ([`Reason`]) | `Name` 氏名 | `Kana` カナ氏名 | `Address` 住所 | `Number` 番号・記号 | `Text` その他 |
//! |---|---|---|---|---|---|
//! | [`Width`](Reason::Width) 全角/半角: ＡＢＣ１２３ → ABC123, ｼﾝﾘｮｳ → シンリョウ, ｶﾞ ﾊﾟ → ガ パ, ｰ → ー, ￥ → ¥ | ✓ | ✓ | ✓ | ✓ | ✓ |
//! | [`Case`](Reason::Case) 大文字/小文字: ASCII (and full-width) letters to lower case, accented Latin through its decomposition | ✓ | ✓ | ✓ | ✓ | ✓ |
//! | [`Space`](Reason::Space) 空白: every Unicode space (U+0020, U+3000, tab, NBSP, …), runs and edges | removed | removed | removed, but one space kept between two digits | removed, but one kept between two digits | edges trimmed, runs → one U+0020 |
//! | [`Dash`](Reason::Dash) ハイフン: - ‐ ‑ ‒ – — ― − ﹘ ﹣ ─ ー (and ｰ －, through width) | ✓ | ✓ | ✓ | ✓ | — |
//! | [`KanaForm`](Reason::KanaForm) かなの表記: ひらがな → カタカナ, small → large (ｼﾖｳｺ = ショウコ), ウ゛ = ヴ, ヰ ヱ → イ エ | ✓ | ✓ | only ヶ ヵ → ケ カ (霞ヶ関 = 霞ケ関) | — | — |
//! | [`KanjiVariant`](Reason::KanjiVariant) 異体字: the [table](kanji_variants) (髙 → 高, 﨑 → 崎 …), CJK compatibility ideographs, ideographic variation selectors | ✓ | — | ✓ | — | ✓ |
//! | [`Unicode`](Reason::Unicode) 文字コード: the rest of NFKC (①→1, ㈱→(株), ㍻→平成, ⼭→山), composed vs decomposed (が = か+゙), zero-width characters, 〜 U+301C = ～ U+FF5E | ✓ | ✓ | ✓ | ✓ | ✓ |
//!
//! Details that matter when reading a result:
//!
//! * **Dashes and the long-vowel mark.** Within the dash family the character written in the
//!   key depends on what precedes it: after kana it is ー (a long vowel: ジョ-ジ = ジョージ),
//!   anywhere else it is `-` (1ー2ー3 = 1-2-3). Nothing else is ever folded into ー or out of
//!   it: ｼﾝﾘｮｰ is *not* ｼﾝﾘｮｳ, and 丁目 / 番地 / の are not hyphens.
//! * **Names in kana.** `Name` folds kana like `Kana` does, so a name written in kana (foreign
//!   residents, given names in ひらがな) compares across scripts with the reason
//!   [`KanaForm`](Reason::KanaForm); kanji are untouched by it.
//! * **Not folded on purpose:** 龍/竜 and 斎/斉 (see [`kanji_variant`]); ヲ/オ; ー/ウ (long vowel
//!   spelled as a vowel); ヂ/ジ and ヅ/ズ; 丁目/番地/-; hentaigana (変体仮名).
//! * **Substitute marks** ([`is_substitute_mark`]: ● ⚫ 〓) in the *returned* text stand for
//!   exactly one character of the registered text: [`TextMatch::Substituted`]. A mark in the
//!   registered text is the clinic's own data and is compared like any character.
//! * **Reasons are the minimum needed.** A folding that both sides went through the same way is
//!   not a reason: ｼﾝﾘｮｳ ﾀﾛｳ vs ｼﾝﾘｮｳ　ﾀﾛｳ is [`Space`](Reason::Space) only.

mod fold;
mod kana;
mod kanji;
mod marks;

pub use kanji::{kanji_variant, kanji_variants};
pub use marks::{has_substitute, is_substitute_mark, substitute_positions};

use fold::{Key, Mask, Mode, fold_into, profile, wild_match};
use std::fmt;

/// What kind of field is compared; decides which foldings apply (see the
/// [module table](self#foldings-per-field)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// 氏名 (kanji name, or a name written in kana or romaji), 通称.
    Name,
    /// カナ氏名 (usually half-width katakana from the terminal).
    Kana,
    /// 住所 and other place names.
    Address,
    /// Number-like values: 記号, 番号, 枝番, 郵便番号, 電話番号.
    Number,
    /// Any other text (保険者名称, 事業所名 …): the conservative set.
    Text,
}

impl FieldKind {
    /// Every kind.
    pub const ALL: [FieldKind; 5] = [
        FieldKind::Name,
        FieldKind::Kana,
        FieldKind::Address,
        FieldKind::Number,
        FieldKind::Text,
    ];

    /// Japanese name of the kind of field.
    pub fn label(self) -> &'static str {
        match self {
            FieldKind::Name => "氏名",
            FieldKind::Kana => "カナ氏名",
            FieldKind::Address => "住所",
            FieldKind::Number => "番号",
            FieldKind::Text => "文字列",
        }
    }

    /// The foldings applied to this kind, in [`Reason`] order: the only reasons [`compare`]
    /// can report for it.
    ///
    /// ```
    /// use onshi::text::{FieldKind, Reason};
    /// assert!(FieldKind::Name.foldings().contains(&Reason::KanjiVariant));
    /// assert!(!FieldKind::Number.foldings().contains(&Reason::KanaForm));
    /// ```
    pub fn foldings(self) -> Vec<Reason> {
        profile(self).mask.reasons()
    }
}

/// Why two texts are equivalent. serde: snake_case names (`"width"`, `"case"`, `"space"`,
/// `"dash"`, `"kana_form"`, `"kanji_variant"`, `"unicode"`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// 全角/半角: full-width vs half-width letters, digits, symbols and katakana.
    Width,
    /// 大文字/小文字: upper vs lower case.
    Case,
    /// 空白: space forms, runs of spaces, leading/trailing spaces, or spaces only on one side.
    Space,
    /// ハイフン: hyphen, dash, minus and long-vowel-mark forms.
    Dash,
    /// かなの表記: hiragana vs katakana, small vs large kana, ウ゛ vs ヴ, ヰ ヱ vs イ エ.
    KanaForm,
    /// 異体字: a variant kanji (髙/高), a compatibility ideograph, or an ideographic variation
    /// selector.
    KanjiVariant,
    /// 文字コード: a different encoding of the same text (NFKC compatibility forms,
    /// composed vs decomposed, invisible format characters).
    Unicode,
}

impl Reason {
    /// Every reason, in order.
    pub const ALL: [Reason; 7] = [
        Reason::Width,
        Reason::Case,
        Reason::Space,
        Reason::Dash,
        Reason::KanaForm,
        Reason::KanjiVariant,
        Reason::Unicode,
    ];

    /// Japanese label for staff, e.g. to show 「全角/半角の違いのみ」.
    ///
    /// ```
    /// assert_eq!(onshi::text::Reason::KanjiVariant.label(), "異体字");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Reason::Width => "全角/半角",
            Reason::Case => "大文字/小文字",
            Reason::Space => "空白",
            Reason::Dash => "ハイフン",
            Reason::KanaForm => "かなの表記",
            Reason::KanjiVariant => "異体字",
            Reason::Unicode => "文字コード",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How a returned text relates to a registered one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextMatch {
    /// Byte-identical.
    Same,
    /// Equal after folding; the reasons are sorted, without duplicates, and never empty.
    Equivalent(Vec<Reason>),
    /// `returned` holds substitute marks (●…) and matches `registered` when each mark stands
    /// for exactly one (non-space) character of it.
    Substituted {
        /// Character indexes of the marks in `returned` ([`substitute_positions`]).
        positions: Vec<usize>,
        /// Foldings needed besides the marks (sorted, possibly empty).
        reasons: Vec<Reason>,
    },
    /// Different text.
    Different,
}

impl TextMatch {
    /// Anything but [`TextMatch::Different`].
    pub fn is_match(&self) -> bool {
        !matches!(self, TextMatch::Different)
    }

    /// The reasons of an equivalence or substitution; empty otherwise.
    pub fn reasons(&self) -> &[Reason] {
        match self {
            TextMatch::Equivalent(r) | TextMatch::Substituted { reasons: r, .. } => r,
            TextMatch::Same | TextMatch::Different => &[],
        }
    }
}

/// Compares the clinic's value (`registered`) with the terminal's (`returned`).
///
/// `Same` only for byte equality; `Equivalent` with the foldings that are needed to make them
/// equal; `Substituted` when `returned` holds substitute marks and otherwise matches; else
/// `Different` (including a `returned` with marks that does not match otherwise).
///
/// ```
/// use onshi::text::{compare, FieldKind, Reason, TextMatch};
/// assert_eq!(
///     compare("ｼﾝﾘｮｳ ﾀﾛｳ", "シンリョウ　タロウ", FieldKind::Kana),
///     TextMatch::Equivalent(vec![Reason::Width, Reason::Space]),
/// );
/// assert_eq!(
///     compare("東京都千代田区霞が関1-2-3 ABCビル", "東京都千代田区霞が関１－２－３　ａｂｃビル", FieldKind::Address),
///     TextMatch::Equivalent(vec![Reason::Width, Reason::Case, Reason::Space]),
/// );
/// assert_eq!(compare("ｼﾝﾘｮｰ", "ｼﾝﾘｮｳ", FieldKind::Kana), TextMatch::Different);
/// ```
pub fn compare(registered: &str, returned: &str, kind: FieldKind) -> TextMatch {
    if registered == returned {
        return TextMatch::Same;
    }
    let full = profile(kind).mask;
    let mut a = Key::default();
    let mut b = Key::default();
    fold_into(registered, kind, full, Mode::Plain, &mut a);
    fold_into(returned, kind, full, Mode::Plain, &mut b);
    // Scratch keys for the reason tests. A side whose fired foldings are all still on keeps
    // its full key (switching off a folding that never fired changes nothing), so only the
    // side that used a folding is folded again.
    let mut ta = Key::default();
    let mut tb = Key::default();
    if a.text == b.text {
        let mut reasons = minimal(full, a.applied.union(b.applied), |m| {
            let ka = refold(registered, kind, m, Mode::Plain, &a, &mut ta);
            let kb = refold(returned, kind, m, Mode::Plain, &b, &mut tb);
            ka.text == kb.text
        });
        if reasons.is_empty() {
            // Canonically equivalent only (composed vs decomposed, mark order).
            reasons.push(Reason::Unicode);
        }
        return TextMatch::Equivalent(reasons);
    }
    if !has_substitute(returned) {
        return TextMatch::Different;
    }
    fold_into(registered, kind, full, Mode::Units, &mut a);
    fold_into(returned, kind, full, Mode::Wild, &mut b);
    if !wild_match(&a, &b) {
        return TextMatch::Different;
    }
    let reasons = minimal(full, a.applied.union(b.applied), |m| {
        let ka = refold(registered, kind, m, Mode::Units, &a, &mut ta);
        let kb = refold(returned, kind, m, Mode::Wild, &b, &mut tb);
        wild_match(ka, kb)
    });
    TextMatch::Substituted {
        positions: substitute_positions(returned),
        reasons,
    }
}

/// The key of `s` under `mask`: `full` itself when every folding that fired for it is still
/// on, else a fresh fold into `scratch`.
fn refold<'k>(
    s: &str,
    kind: FieldKind,
    mask: Mask,
    mode: Mode,
    full: &'k Key,
    scratch: &'k mut Key,
) -> &'k Key {
    if mask.contains(full.applied) {
        full
    } else {
        fold_into(s, kind, mask, mode, scratch);
        scratch
    }
}

/// Removes, one at a time, every folding that is not needed for `equal` to hold. Foldings that
/// never fired are dropped without a test. The vaguest reason ([`Reason::Unicode`]) is tried
/// first, so a more telling one is kept when two could explain the same difference.
fn minimal(full: Mask, applied: Mask, mut equal: impl FnMut(Mask) -> bool) -> Vec<Reason> {
    let mut set = full;
    for r in Reason::ALL {
        if !applied.has(r) {
            set = set.without(r);
        }
    }
    let order = [
        Reason::Unicode,
        Reason::Width,
        Reason::Case,
        Reason::Space,
        Reason::Dash,
        Reason::KanaForm,
        Reason::KanjiVariant,
    ];
    for r in order {
        if set.has(r) && equal(set.without(r)) {
            set = set.without(r);
        }
    }
    set.reasons()
}

/// The comparison key of `s` for a kind of field: every folding of the
/// [module table](self#foldings-per-field) applied, recomposed (ｶﾞ → ガ). Idempotent:
/// `normalize(&normalize(x, k), k) == normalize(x, k)`. Two texts are equivalent exactly when
/// their keys are equal. Never store the key in place of the value.
///
/// ```
/// use onshi::text::{normalize, FieldKind};
/// assert_eq!(normalize("ｼﾝﾘｮｳ ﾀﾛｳ", FieldKind::Kana), "シンリヨウタロウ");
/// assert_eq!(normalize("しんりょう　たろう", FieldKind::Kana), "シンリヨウタロウ");
/// assert_eq!(normalize("髙橋　一郎", FieldKind::Name), "高橋一郎");
/// assert_eq!(normalize("霞が関１ー２ー３　１０１", FieldKind::Address), "霞が関1-2-3 101");
/// assert_eq!(normalize("  Ａｂｃ　　ｄｅｆ ", FieldKind::Text), "abc def");
/// ```
pub fn normalize(s: &str, kind: FieldKind) -> String {
    let mut key = Key::default();
    fold_into(s, kind, profile(kind).mask, Mode::Compose, &mut key);
    key.text
}

#[cfg(test)]
mod tests;
