//! The character table: what each character is and what each folding does to it, for both
//! folding engines, the general engine of [`fold`](super::fold) and the lean path of
//! [`lean`](super::lean).
//!
//! * The columns of the [module table](super#foldings-per-field): which foldings each kind of
//!   field gets ([`Profile`], [`profile`]), as a [`Mask`] of [`Reason`]s.
//! * The classes of characters the rules look at ([`Prev`], [`classify`], spaces, dashes,
//!   format characters, variation selectors, combining classes, unit boundaries) and the
//!   tables of the kana block and the half-width forms ([`kana_decomposition`],
//!   [`kana_composition`], [`half_width_kana`]); the kana-form and kanji-variant tables are
//!   in [`kana`](mod@kana) and [`kanji`].
//! * The rules for the characters records are written in, the *common alphabet* ([`fold_common`]):
//!   ASCII, hiragana and katakana with their voiced marks, CJK unified ideographs, full-width
//!   ASCII, half-width katakana, U+3000 and the substitute marks. They are written once,
//!   against a [`Sink`] that each engine implements, so the two engines write the same key
//!   and note the same foldings for these characters by construction. The general engine
//!   sends every character here first and handles only the others itself (compatibility
//!   forms, other spaces and dashes, combining marks …, with [`space`], [`dash`] and
//!   [`width_off`] from here where the rule is the same); the lean path gives up on them.
//!
//! Every rule calls [`Sink::fired`] before it writes anything for the character, so that the
//! lean path can note the state before the first character at which a folding fires.

use super::kana::{self, KanaFolding};
use super::kanji;
use super::{FieldKind, Reason};
use unicode_normalization::char::canonical_combining_class as ccc;

/// A set of [`Reason`]s (foldings switched on, or foldings that fired).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Mask(u8);

impl Mask {
    pub(crate) const EMPTY: Mask = Mask(0);

    const fn bit(r: Reason) -> u8 {
        1 << (r as u8)
    }

    pub(crate) const fn of(reasons: &[Reason]) -> Mask {
        let mut m = 0;
        let mut i = 0;
        while i < reasons.len() {
            m |= Self::bit(reasons[i]);
            i += 1;
        }
        Mask(m)
    }

    pub(crate) fn has(self, r: Reason) -> bool {
        self.0 & Self::bit(r) != 0
    }

    pub(crate) fn with(self, r: Reason) -> Mask {
        Mask(self.0 | Self::bit(r))
    }

    pub(crate) fn without(self, r: Reason) -> Mask {
        Mask(self.0 & !Self::bit(r))
    }

    /// Whether every reason of `other` is in `self`.
    pub(crate) fn contains(self, other: Mask) -> bool {
        self.0 & other.0 == other.0
    }

    pub(crate) fn union(self, other: Mask) -> Mask {
        Mask(self.0 | other.0)
    }

    /// The reasons of `self` that are not in `other`, as bits in `Reason` order (bit `r as
    /// u8` for reason `r`).
    pub(crate) fn bits_without(self, other: Mask) -> u8 {
        self.0 & !other.0
    }

    /// The reasons in the set, in `Reason` order (sorted, no duplicates).
    pub(crate) fn reasons(self) -> Vec<Reason> {
        Reason::ALL
            .iter()
            .copied()
            .filter(|&r| self.has(r))
            .collect()
    }
}

/// What happens to spaces when [`Reason::Space`] is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SpaceRule {
    /// Every space goes (names, kana): 見本　花子 = 見本 花子 = 見本花子.
    Remove,
    /// Spaces go, except one space between two digits (addresses, numbers): 1-2-3 101 stays
    /// apart from 1-2-3101.
    KeepBetweenDigits,
    /// Edges trimmed, runs collapsed to one U+0020 (free text).
    Collapse,
}

impl SpaceRule {
    /// Whether a pending run of spaces is written as one U+0020 when the next character comes:
    /// `prev` is the class of the last starter written, `emitted` whether anything was.
    #[inline]
    pub(super) fn keeps(self, prev: Prev, next_is_digit: bool, emitted: bool) -> bool {
        match self {
            SpaceRule::Remove => false,
            SpaceRule::KeepBetweenDigits => prev == Prev::Digit && next_is_digit,
            SpaceRule::Collapse => emitted,
        }
    }
}

/// Per-field configuration of the engines: the columns of the
/// [module table](super#foldings-per-field).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Profile {
    pub(crate) mask: Mask,
    pub(crate) space: SpaceRule,
    pub(crate) dash: bool,
    pub(crate) kana: KanaFolding,
    pub(crate) kanji: bool,
}

/// The configuration of a kind of field.
pub(crate) fn profile(kind: FieldKind) -> Profile {
    use Reason::*;
    match kind {
        FieldKind::Name => Profile {
            mask: Mask::of(&[Width, Case, Space, Dash, KanaForm, KanjiVariant, Unicode]),
            space: SpaceRule::Remove,
            dash: true,
            kana: KanaFolding::Full,
            kanji: true,
        },
        FieldKind::Kana => Profile {
            mask: Mask::of(&[Width, Case, Space, Dash, KanaForm, Unicode]),
            space: SpaceRule::Remove,
            dash: true,
            kana: KanaFolding::Full,
            kanji: false,
        },
        FieldKind::Address => Profile {
            mask: Mask::of(&[Width, Case, Space, Dash, KanaForm, KanjiVariant, Unicode]),
            space: SpaceRule::KeepBetweenDigits,
            dash: true,
            kana: KanaFolding::PlaceNames,
            kanji: true,
        },
        FieldKind::Number => Profile {
            mask: Mask::of(&[Width, Case, Space, Dash, Unicode]),
            space: SpaceRule::KeepBetweenDigits,
            dash: true,
            kana: KanaFolding::Off,
            kanji: false,
        },
        FieldKind::Text => Profile {
            mask: Mask::of(&[Width, Case, Space, KanjiVariant, Unicode]),
            space: SpaceRule::Collapse,
            dash: false,
            kana: KanaFolding::Off,
            kanji: true,
        },
    }
}

/// The class of the last starter written, for context rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Prev {
    None,
    Kana,
    Digit,
    Ideograph,
    Other,
}

/// The class of a starter, as the context rules see it once it is written.
pub(super) fn classify(c: char) -> Prev {
    if is_digit(c) {
        Prev::Digit
    } else if kana::is_kana(c) {
        Prev::Kana
    } else if is_ideograph(c) {
        Prev::Ideograph
    } else {
        Prev::Other
    }
}

/// ASCII and full-width digits.
pub(super) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// Ideographs of every block, radicals and ideographic signs (々 〆 〇 …): the class
/// [`Prev::Ideograph`].
pub(crate) fn is_ideograph(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'
        | '\u{3005}'..='\u{3007}'
        | '\u{3021}'..='\u{3029}'
        | '\u{3038}'..='\u{303B}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// CJK unified ideographs (not the compatibility blocks): no decomposition, class 0.
pub(super) fn is_unified_ideograph(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{20000}'..='\u{2F7FF}'
        | '\u{30000}'..='\u{3FFFF}')
}

/// Canonical combining class, without a table lookup for the common cases.
pub(super) fn combining_class(c: char) -> u8 {
    let cp = c as u32;
    if cp == 0x3099 || cp == 0x309A {
        return 8; // the kana voiced marks
    }
    if cp < 0x300
        || is_unified_ideograph(c)
        || (0x3041..=0x3096).contains(&cp)
        || (0x309B..=0x30FF).contains(&cp)
        || (0xFF00..=0xFFEF).contains(&cp)
    {
        0
    } else {
        ccc(c)
    }
}

/// Whether a starter may compose with the starter before it (Hangul jamo, some Indic vowel
/// signs); never for ASCII, kana or ideographs, which spares a lookup per character.
pub(super) fn may_follow_in_composition(c: char) -> bool {
    let cp = c as u32;
    !(cp < 0x300 || is_unified_ideograph(c) || (0x3000..=0x30FF).contains(&cp))
}

/// Variation selectors: standardized (U+FE00–U+FE0F) and ideographic (IVS, U+E0100–U+E01EF).
pub(crate) fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Every space form: Unicode White_Space (tab, line breaks, NBSP, the typographic spaces,
/// U+3000 IDEOGRAPHIC SPACE …).
pub(super) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Invisible format characters that carry no text: ZWSP, ZWNJ, ZWJ, WORD JOINER, BOM, SHY.
pub(super) fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Hyphen, dash and long-vowel forms that are one thing in names, kana, addresses and numbers:
/// - ‐ ‑ ‒ – — ― − ﹘ ﹣ ─ ー (after width folding ｰ is ー and － is -).
pub(super) fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            ..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{2500}' | '\u{30FC}'
    )
}

/// Characters that never start a unit of the registered text: they belong to the character
/// before them (a combining mark, a variation selector, a voiced sound mark).
pub(super) fn is_extender(c: char) -> bool {
    is_variation_selector(c)
        || matches!(c, '\u{FF9E}' | '\u{FF9F}' | '\u{309B}' | '\u{309C}')
        || combining_class(c) != 0
}

/// [`is_extender`] for a character of the common alphabet ([`fold_common`]), where only the
/// kana voiced marks extend: the same answer there (checked for every character in the tests)
/// without the checks the other characters need.
#[inline(always)]
pub(super) fn common_extender(c: char) -> bool {
    matches!(c, '\u{3099}' | '\u{309A}' | '\u{FF9E}' | '\u{FF9F}')
}

/// Plain kana letters and signs: the characters [`kana()`] folds. None of them is a space, a
/// dash (ー U+30FC is left out), a variation selector, a format character, in the U+FF00
/// block or a spacing voiced mark, so no other rule applies to them.
pub(super) fn is_plain_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309E}' | '\u{30A1}'..='\u{30FB}' | '\u{30FD}'..='\u{30FE}')
}

/// Canonical decompositions of the voiced kana, U+3040–U+30FF: the base letter, with bit 15
/// set for the semi-voiced mark U+309A (ぱ = は + U+309A) and clear for the voiced mark U+3099
/// (が = か + U+3099); 0 for a character without a decomposition. Checked against Unicode in
/// the tests.
static KANA_DECOMPOSITION: [u16; 0xC0] = {
    const SEMI: u16 = 0x8000;
    let mut t = [0u16; 0xC0];
    // Hiragana bases that take ゛ (か…と, は…ほ, ゝ); katakana are 0x60 above.
    let voiced: [u16; 21] = [
        0x304B, 0x304D, 0x304F, 0x3051, 0x3053, 0x3055, 0x3057, 0x3059, 0x305B, 0x305D, 0x305F,
        0x3061, 0x3064, 0x3066, 0x3068, 0x306F, 0x3072, 0x3075, 0x3078, 0x307B, 0x309D,
    ];
    let mut i = 0;
    while i < voiced.len() {
        let b = voiced[i];
        t[(b + 1 - 0x3040) as usize] = b;
        t[(b + 0x60 + 1 - 0x3040) as usize] = b + 0x60;
        i += 1;
    }
    // は ひ ふ へ ほ take ゜ too (ぱ = は + 2).
    let mut b = 0x306F;
    while b <= 0x307B {
        t[(b + 2 - 0x3040) as usize] = b | SEMI;
        t[(b + 0x60 + 2 - 0x3040) as usize] = (b + 0x60) | SEMI;
        b += 3;
    }
    t[0x3094 - 0x3040] = 0x3046; // ゔ = う + ゛
    t[0x30F4 - 0x3040] = 0x30A6; // ヴ = ウ + ゛
    let mut k = 0;
    while k < 4 {
        t[0x30F7 - 0x3040 + k] = 0x30EF + k as u16; // ヷ ヸ ヹ ヺ = ワ ヰ ヱ ヲ + ゛
        k += 1;
    }
    t
};

/// The canonical decomposition of a kana (base letter and mark), if it has one.
pub(super) fn kana_decomposition(c: char) -> Option<(char, char)> {
    let e = *KANA_DECOMPOSITION.get((c as u32).wrapping_sub(0x3040) as usize)?;
    if e == 0 {
        return None;
    }
    let base = char::from_u32(u32::from(e & 0x7FFF))?;
    let mark = if e & 0x8000 != 0 {
        '\u{309A}'
    } else {
        '\u{3099}'
    };
    Some((base, mark))
}

/// The composition of a kana base letter with U+3099 (`voiced`) or U+309A, the inverse of
/// [`kana_decomposition`]: `compose(base, mark)` for every base letter, `None` for any other
/// character (checked against Unicode for every code point in the tests).
pub(super) fn kana_composition(base: char, mark: char) -> Option<char> {
    // The composed letters follow their base at +1 (voiced) or +2 (semi-voiced), except
    // ゔ ヴ ヷ ヸ ヹ ヺ: look them up in the decomposition table around the base.
    let cp = base as u32;
    if !(0x3040..0x3100).contains(&cp) {
        return None;
    }
    let (semi, candidates): (bool, &[u32]) = match mark {
        '\u{3099}' => (
            false,
            &[cp + 1, 0x3094, 0x30F4, 0x30F7, 0x30F8, 0x30F9, 0x30FA],
        ),
        '\u{309A}' => (true, &[cp + 2]),
        _ => return None,
    };
    candidates.iter().find_map(|&x| {
        let (b, m) = kana_decomposition(char::from_u32(x)?)?;
        (b == base && (m == '\u{309A}') == semi).then(|| char::from_u32(x))?
    })
}

/// The compatibility decompositions (full-width forms) of the half-width katakana and CJK
/// punctuation U+FF61–U+FF9D (｡ → 。, ｦ → ヲ, ｧ → ァ, ｰ → ー, ｶ → カ …). U+FF9E and U+FF9F, the
/// voiced marks, are handled by their own rule. Checked against Unicode in the tests.
static HALF_WIDTH_KANA: [char; 61] = [
    '。', '「', '」', '、', '・', 'ヲ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ッ', 'ー',
    'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ', 'ソ', 'タ',
    'チ', 'ツ', 'テ', 'ト', 'ナ', 'ニ', 'ヌ', 'ネ', 'ノ', 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ', 'マ', 'ミ',
    'ム', 'メ', 'モ', 'ヤ', 'ユ', 'ヨ', 'ラ', 'リ', 'ル', 'レ', 'ロ', 'ワ', 'ン',
];

/// The full-width form of a half-width katakana or punctuation mark (U+FF61–U+FF9D).
pub(super) fn half_width_kana(c: char) -> Option<char> {
    HALF_WIDTH_KANA
        .get((c as u32).wrapping_sub(0xFF61) as usize)
        .copied()
}

/// Where a fold writes: the general engine's folder and the lean path each implement it, and
/// the rules of this module drive it.
pub(super) trait Sink {
    /// The configuration of the kind of field being folded.
    fn profile(&self) -> &Profile;

    /// Whether a folding is switched on.
    fn on(&self, r: Reason) -> bool;

    /// Notes that a folding fired for the character being folded, before anything is written
    /// for it.
    fn fired(&mut self, r: Reason);

    /// The class of the last starter written.
    fn prev(&self) -> Prev;

    /// Holds a run of spaces back until the next character: the space rule of the profile
    /// then decides whether one U+0020 is written ([`SpaceRule::keeps`]).
    fn hold_space(&mut self);

    /// Writes `c`, a starter of class `class` (`classify(c) == class`, combining class 0)
    /// that composes with nothing before it: ASCII, kana, an ideograph.
    fn starter(&mut self, c: char, class: Prev);

    /// Writes a kana voiced mark, U+3099 or U+309A (combining class 8).
    fn mark(&mut self, c: char);

    /// Writes any other character the rules of this module produce (a full-width or
    /// half-width form left as it is, a space or dash kept, a substitute mark): a starter of
    /// class `class` (`classify(c) == class`) that composes with nothing before it, though not
    /// one the engine's fast path for [`starter`](Sink::starter) accepts.
    fn other(&mut self, c: char, class: Prev);
}

/// Folds `c` when it is a character of the common alphabet (see the [module docs](self)) and
/// returns `true`; returns `false`, having written and noted nothing, for any other.
#[inline]
pub(super) fn fold_common<S: Sink>(s: &mut S, c: char) -> bool {
    match c {
        'a'..='z' => s.starter(c, Prev::Other),
        '0'..='9' => s.starter(c, Prev::Digit),
        '\0'..='\x7F' => ascii(s, c),
        '\u{3099}' | '\u{309A}' => s.mark(c),
        '\u{3000}' => space(s, c),
        '\u{30FC}' => long_vowel_or_dash(s, c),
        // Substitute marks, outside a returned text being matched: characters like any other.
        '\u{25CF}' | '\u{26AB}' | '\u{3013}' => s.other(c, Prev::Other),
        c if is_plain_kana(c) => kana(s, c),
        c if is_unified_ideograph(c) => ideograph(s, c),
        '\u{FF01}'..='\u{FF5E}' | '\u{FF65}'..='\u{FF9F}' => return width(s, c),
        _ => return false,
    }
    true
}

/// ASCII, in this order: spaces, the hyphen, upper case, anything else unchanged.
fn ascii<S: Sink>(s: &mut S, c: char) {
    if c.is_ascii_lowercase() {
        s.starter(c, Prev::Other)
    } else if c.is_ascii_digit() {
        s.starter(c, Prev::Digit)
    } else if is_space(c) {
        space(s, c)
    } else if c == '-' && s.profile().dash {
        dash(s, c)
    } else if c.is_ascii_uppercase() {
        if s.on(Reason::Case) {
            s.fired(Reason::Case);
            s.starter(c.to_ascii_lowercase(), Prev::Other)
        } else {
            s.starter(c, Prev::Other)
        }
    } else {
        s.starter(c, Prev::Other)
    }
}

/// A space ([`is_space`]): held back when [`Reason::Space`] is on (and dropped by
/// [`SpaceRule::Remove`]), else written as it is.
#[inline(always)]
pub(super) fn space<S: Sink>(s: &mut S, c: char) {
    if s.on(Reason::Space) {
        s.fired(Reason::Space);
        if s.profile().space != SpaceRule::Remove {
            s.hold_space();
        }
    } else {
        s.other(c, Prev::Other) // no space is a digit, kana or ideograph
    }
}

/// A dash ([`is_dash`]) in a kind of field that folds dashes: ー after kana, `-` elsewhere.
pub(super) fn dash<S: Sink>(s: &mut S, c: char) {
    if s.on(Reason::Dash) {
        let r = if s.prev() == Prev::Kana { 'ー' } else { '-' };
        if r != c {
            s.fired(Reason::Dash);
        }
        s.starter(r, classify(r))
    } else {
        s.other(c, classify(c))
    }
}

/// ー: a dash where dashes fold, else a kana sign that no kana folding changes.
fn long_vowel_or_dash<S: Sink>(s: &mut S, c: char) {
    if s.profile().dash {
        dash(s, c)
    } else {
        s.starter(c, Prev::Kana)
    }
}

/// A plain kana ([`is_plain_kana`]): its canonical decomposition (が = か + U+3099), then kana
/// folding. No compatibility mapping, not in the kanji table.
#[inline(always)]
fn kana<S: Sink>(s: &mut S, c: char) {
    if let Some((base, mark)) = kana_decomposition(c) {
        // The base letters have no decomposition themselves.
        kana_letter(s, base);
        return s.mark(mark);
    }
    kana_letter(s, c)
}

/// A kana without a decomposition: kana folding.
#[inline(always)]
fn kana_letter<S: Sink>(s: &mut S, c: char) {
    if s.on(Reason::KanaForm) {
        if let Some(k) = kana::fold_block(c, s.profile().kana) {
            s.fired(Reason::KanaForm);
            return s.starter(k, Prev::Kana);
        }
    }
    s.starter(c, Prev::Kana)
}

/// A CJK unified ideograph: the kanji-variant table.
#[inline(always)]
fn ideograph<S: Sink>(s: &mut S, c: char) {
    if s.profile().kanji && s.on(Reason::KanjiVariant) {
        if let Some(k) = kanji::lookup(c) {
            s.fired(Reason::KanjiVariant);
            // The canonical forms of the table are unified ideographs themselves.
            return s.starter(k, classify(k));
        }
    }
    s.starter(c, Prev::Ideograph)
}

/// Full-width ASCII and half-width katakana with their voiced marks; `false` (nothing written
/// or noted) for the rest of the U+FF00 block.
fn width<S: Sink>(s: &mut S, c: char) -> bool {
    if !s.on(Reason::Width) {
        width_off(s, c);
        return true;
    }
    match c {
        '\u{FF01}'..='\u{FF5E}' => {
            s.fired(Reason::Width);
            ascii(s, char::from_u32(c as u32 - 0xFEE0).unwrap_or(c));
        }
        // ﾞ ﾟ: a combining mark after kana (ｶﾞ = ガ), the spacing mark elsewhere.
        '\u{FF9E}' | '\u{FF9F}' => {
            s.fired(Reason::Width);
            let voiced = c == '\u{FF9E}';
            match (s.prev() == Prev::Kana, voiced) {
                (true, true) => s.mark('\u{3099}'),
                (true, false) => s.mark('\u{309A}'),
                (false, true) => s.starter('\u{309B}', Prev::Kana),
                (false, false) => s.starter('\u{309C}', Prev::Kana),
            }
        }
        _ => match half_width_kana(c) {
            Some('ー') => {
                s.fired(Reason::Width);
                long_vowel_or_dash(s, 'ー');
            }
            Some(full) if is_plain_kana(full) => {
                s.fired(Reason::Width);
                kana(s, full);
            }
            _ => return false,
        },
    }
    true
}

/// A character of the U+FF00 block while [`Reason::Width`] is off (as reasons are worked out):
/// case and kana size still fold within the full-width or half-width spelling, so that ＡＢ =
/// ａｂ is [`Reason::Case`] only and ｼｮｳｺ = ｼﾖｳｺ is [`Reason::KanaForm`] only.
#[inline]
pub(super) fn width_off<S: Sink>(s: &mut S, c: char) {
    if s.on(Reason::Case) && ('Ａ'..='Ｚ').contains(&c) {
        s.fired(Reason::Case);
        return s.other(char::from_u32(c as u32 + 0x20).unwrap_or(c), Prev::Other);
    }
    if s.on(Reason::KanaForm) && s.profile().kana == KanaFolding::Full {
        if let Some(large) = kana::half_width_large(c) {
            s.fired(Reason::KanaForm);
            return s.other(large, Prev::Kana);
        }
    }
    s.other(c, classify(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::char::{compose, decompose_canonical, decompose_compatible};

    fn canonical(c: char) -> Vec<char> {
        let mut v = Vec::new();
        decompose_canonical(c, |d| v.push(d));
        v
    }

    fn compatible(c: char) -> Vec<char> {
        let mut v = Vec::new();
        decompose_compatible(c, |d| v.push(d));
        v
    }

    #[test]
    fn mask_reasons_are_sorted() {
        let m = Mask::EMPTY
            .with(Reason::Unicode)
            .with(Reason::Width)
            .with(Reason::Space);
        assert_eq!(
            m.reasons(),
            vec![Reason::Width, Reason::Space, Reason::Unicode]
        );
        assert_eq!(
            m.without(Reason::Width)
                .union(Mask::EMPTY.with(Reason::Width)),
            m
        );
        assert!(m.contains(Mask::EMPTY.with(Reason::Space)));
        assert!(!m.contains(Mask::EMPTY.with(Reason::Case)));
        assert!(m.contains(Mask::EMPTY));
    }

    #[test]
    fn kana_decompositions_agree_with_unicode() {
        for cp in 0x3000..=0x3100 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let unicode = canonical(c);
            let table = kana_decomposition(c).map(|(b, m)| vec![b, m]);
            if unicode == [c] {
                assert_eq!(table, None, "{c}");
            } else {
                assert_eq!(table, Some(unicode), "{c}");
            }
        }
    }

    #[test]
    fn kana_compositions_agree_with_unicode() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for m in ['\u{3099}', '\u{309A}'] {
                assert_eq!(kana_composition(c, m), compose(c, m), "{c:?} {m:?}");
            }
        }
        assert_eq!(kana_composition('カ', 'a'), None);
    }

    #[test]
    fn half_width_kana_agree_with_unicode() {
        for cp in 0xFF00..=0xFFEF {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            match half_width_kana(c) {
                Some(full) => assert_eq!(compatible(c), [full], "{c}"),
                None => assert!(!(0xFF61..=0xFF9D).contains(&cp), "{c}"),
            }
        }
    }

    #[test]
    fn no_other_rule_applies_to_plain_kana() {
        for cp in 0x3000..=0x3100 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            if is_plain_kana(c) {
                assert!(kana::is_kana(c), "{c}");
                assert!(!is_space(c) && !is_dash(c) && !is_ignorable(c), "{c}");
                assert!(!is_variation_selector(c) && !is_unified_ideograph(c), "{c}");
                assert_eq!(ccc(c), 0, "{c}");
            }
        }
    }

    /// A sink that writes nothing, to ask [`fold_common`] which characters it takes.
    struct Probe(Profile, Mask);

    impl Sink for Probe {
        fn profile(&self) -> &Profile {
            &self.0
        }
        fn on(&self, r: Reason) -> bool {
            self.1.has(r)
        }
        fn fired(&mut self, _: Reason) {}
        fn prev(&self) -> Prev {
            Prev::Kana
        }
        fn hold_space(&mut self) {}
        fn starter(&mut self, _: char, _: Prev) {}
        fn mark(&mut self, _: char) {}
        fn other(&mut self, _: char, _: Prev) {}
    }

    /// Whether [`fold_common`] takes `c`, with every folding of `kind` on or all off.
    fn common(c: char, kind: FieldKind, all_on: bool) -> bool {
        let p = profile(kind);
        let mask = if all_on { p.mask } else { Mask::EMPTY };
        fold_common(&mut Probe(p, mask), c)
    }

    #[test]
    fn common_alphabet_is_the_documented_one_for_every_kind_and_mask() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let documented = (c as u32) < 0x80
                || matches!(c,
                    '\u{3000}' | '\u{3099}' | '\u{309A}' | '\u{30FC}' | '\u{25CF}' | '\u{26AB}'
                    | '\u{3013}' | '\u{FF01}'..='\u{FF5E}' | '\u{FF65}'..='\u{FF9F}')
                || is_plain_kana(c)
                || is_unified_ideograph(c);
            for kind in FieldKind::ALL {
                for all_on in [true, false] {
                    assert_eq!(common(c, kind, all_on), documented, "{c:?} {kind:?}");
                }
            }
            if documented {
                assert_eq!(common_extender(c), is_extender(c), "{c:?}");
            }
        }
    }

    #[test]
    fn extenders_are_marks_selectors_and_voiced_marks() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let by_definition = is_variation_selector(c)
                || matches!(c, '\u{FF9E}' | '\u{FF9F}' | '\u{309B}' | '\u{309C}')
                || ccc(c) != 0;
            assert_eq!(is_extender(c), by_definition, "{c:?}");
        }
    }

    #[test]
    fn combining_class_agrees_with_unicode() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(combining_class(c), ccc(c), "{c:?}");
        }
    }
}
