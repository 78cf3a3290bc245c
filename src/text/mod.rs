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

#[cfg(test)]
mod differential;
mod fold;
#[cfg(test)]
mod golden;
mod kana;
mod kanji;
mod lean;
mod marks;
mod table;

pub use kanji::{kanji_variant, kanji_variants};
pub use marks::{has_substitute, is_substitute_mark, substitute_positions};

use fold::{Key, Mode, Stream, fold_into, stream_equals, streams_equal};
use lean::Lean;
use std::fmt;
use table::{Mask, profile};

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
    with_scratch(|keys| {
        compare_lean(registered, returned, kind, keys)
            .unwrap_or_else(|| compare_with(registered, returned, kind, keys))
    })
}

/// The keys [`compare`] folds into, kept from one call to the next so that comparing does not
/// allocate.
struct Scratch {
    /// The full keys of `registered` and `returned`.
    a: Key,
    b: Key,
    /// The keys under a reduced mask while the reasons are worked out.
    ta: Key,
    tb: Key,
    /// The full key on the lean path.
    lean: Vec<char>,
    /// The full keys and reduced keys of a substitution on the lean path.
    units: lean::MarkedKey,
    wild: lean::MarkedKey,
    units_test: lean::MarkedKey,
    wild_test: lean::MarkedKey,
}

impl Scratch {
    const EMPTY: Scratch = Scratch {
        a: Key::EMPTY,
        b: Key::EMPTY,
        ta: Key::EMPTY,
        tb: Key::EMPTY,
        lean: Vec::new(),
        units: lean::MarkedKey::EMPTY,
        wild: lean::MarkedKey::EMPTY,
        units_test: lean::MarkedKey::EMPTY,
        wild_test: lean::MarkedKey::EMPTY,
    };
}

/// Runs `f` with this thread's scratch keys (or fresh ones when they are taken, e.g. while the
/// thread is being torn down).
fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    thread_local! {
        static SCRATCH: std::cell::Cell<Option<Box<Scratch>>> = const { std::cell::Cell::new(None) };
    }
    let mut keys = SCRATCH
        .try_with(|s| s.take())
        .ok()
        .flatten()
        .unwrap_or_else(|| Box::new(Scratch::EMPTY));
    let r = f(&mut keys);
    for k in [&mut keys.a, &mut keys.b, &mut keys.ta, &mut keys.tb] {
        k.trim();
    }
    if keys.lean.capacity() > 1024 {
        keys.lean = Vec::new();
    }
    for k in [
        &mut keys.units,
        &mut keys.wild,
        &mut keys.units_test,
        &mut keys.wild_test,
    ] {
        k.trim();
    }
    let _ = SCRATCH.try_with(|s| s.set(Some(keys)));
    r
}

/// [`compare`] on the [lean path](lean): `None` when a text holds a character it does not
/// handle.
fn compare_lean(
    registered: &str,
    returned: &str,
    kind: FieldKind,
    keys: &mut Scratch,
) -> Option<TextMatch> {
    let full = profile(kind).mask;
    let key = &mut keys.lean;
    key.clear();
    let (mut first_a, mut first_b) = (lean::FirstFired::NONE, lean::FirstFired::NONE);
    let (verdict, fa, fb) = {
        let mut a = Lean::noting(registered, kind, full, &mut first_a);
        let mut b = Lean::noting(returned, kind, full, &mut first_b);
        let verdict = lean::equal_noting(&mut a, &mut b, key);
        (verdict, a.applied(), b.applied())
    };
    match verdict {
        lean::Verdict::Equal => {}
        lean::Verdict::Different if !has_substitute(returned) => return Some(TextMatch::Different),
        lean::Verdict::Different => return substitution_lean(registered, returned, kind, keys),
        lean::Verdict::Complex => return None,
    }
    let key = &*key;
    let mut complex = false;
    let mut reasons = minimal(full, fa.union(fb), |m| {
        // As in `compare_with`: only a side that used a folding switched off is folded again,
        // and only from the first character at which such a folding fired.
        let again = |s, first: &lean::FirstFired, applied| {
            Lean::resume(s, kind, m, &first.resume_point(applied, m))
        };
        let verdict = match (m.contains(fa), m.contains(fb)) {
            (true, true) => lean::Verdict::Equal,
            (false, true) => lean::equals_key(&mut again(registered, &first_a, fa), key),
            (true, false) => lean::equals_key(&mut again(returned, &first_b, fb), key),
            (false, false) => lean::equal_resumed(
                &mut again(registered, &first_a, fa),
                &mut again(returned, &first_b, fb),
                key,
            ),
        };
        complex |= verdict == lean::Verdict::Complex;
        verdict == lean::Verdict::Equal
    });
    if complex {
        return None; // cannot happen: both texts were read to the end above
    }
    if reasons.is_empty() {
        reasons.push(Reason::Unicode);
    }
    Some(TextMatch::Equivalent(reasons))
}

/// The substitution half of [`compare`] on the lean path, for texts whose keys differ while
/// `returned` holds a substitute mark.
fn substitution_lean(
    registered: &str,
    returned: &str,
    kind: FieldKind,
    keys: &mut Scratch,
) -> Option<TextMatch> {
    let full = profile(kind).mask;
    let (a, b) = (&mut keys.units, &mut keys.wild);
    if !lean::fold_units(registered, kind, full, a) || !lean::fold_wild(returned, kind, full, b) {
        return None;
    }
    if !a.matches_wild(b) {
        return Some(TextMatch::Different);
    }
    let (a, b) = (&*a, &*b);
    let (ta, tb) = (&mut keys.units_test, &mut keys.wild_test);
    let mut complex = false;
    let reasons = minimal(full, a.applied.union(b.applied), |m| {
        // As `refold` in `compare_with`: a side keeps its full key when no folding it used
        // is switched off.
        let ka = if m.contains(a.applied) {
            a
        } else {
            complex |= !lean::fold_units(registered, kind, m, ta);
            &*ta
        };
        let kb = if m.contains(b.applied) {
            b
        } else {
            complex |= !lean::fold_wild(returned, kind, m, tb);
            &*tb
        };
        ka.matches_wild(kb)
    });
    if complex {
        return None; // cannot happen: both texts were read to the end above
    }
    Some(TextMatch::Substituted {
        positions: substitute_positions(returned),
        reasons,
    })
}

/// [`compare`] with the general engine.
fn compare_with(
    registered: &str,
    returned: &str,
    kind: FieldKind,
    keys: &mut Scratch,
) -> TextMatch {
    let Scratch { a, b, ta, tb, .. } = keys;
    let full = profile(kind).mask;
    // The keys are compared while they are folded: most different texts differ early.
    let equal = streams_equal(
        &mut Stream::new(registered, kind, full, Mode::Plain, a),
        &mut Stream::new(returned, kind, full, Mode::Plain, b),
    );
    if equal {
        let (a, b) = (&*a, &*b);
        let mut reasons = minimal(full, a.applied.union(b.applied), |m| {
            // A side whose fired foldings are all still on keeps its full key (switching off
            // a folding that never fired changes nothing), so only the side that used a
            // folding is folded again, and only as far as the first difference.
            match (m.contains(a.applied), m.contains(b.applied)) {
                (true, true) => true, // both keep their full keys, which are equal
                (false, true) => stream_equals(
                    &mut Stream::new(registered, kind, m, Mode::Plain, ta),
                    &b.text,
                ),
                (true, false) => stream_equals(
                    &mut Stream::new(returned, kind, m, Mode::Plain, tb),
                    &a.text,
                ),
                (false, false) => streams_equal(
                    &mut Stream::new(registered, kind, m, Mode::Plain, ta),
                    &mut Stream::new(returned, kind, m, Mode::Plain, tb),
                ),
            }
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
    fold_into(registered, kind, full, Mode::Units, a);
    fold_into(returned, kind, full, Mode::Wild, b);
    if !a.matches_wild(b) {
        return TextMatch::Different;
    }
    let (a, b) = (&*a, &*b);
    let reasons = minimal(full, a.applied.union(b.applied), |m| {
        let ka = refold(registered, kind, m, Mode::Units, a, ta);
        let kb = refold(returned, kind, m, Mode::Wild, b, tb);
        ka.matches_wild(kb)
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
    if let Some(key) = lean::normalize(s, kind) {
        return key;
    }
    let mut key = Key::default();
    fold_into(s, kind, profile(kind).mask, Mode::Compose, &mut key);
    key.text
}

#[cfg(test)]
mod tests;
