//! The reference implementation: the folding engine and `compare` / `normalize` exactly as
//! they were before the fast path (commit 4e683d6), kept for the differential tests in
//! `tests.rs` (`fast_path_agrees_with_reference_*`). Not compiled outside tests.
//!
//! Do not optimise this file: its only job is to be obviously the old behaviour.

#![allow(dead_code)]

use super::fold::{Key, Mode};
use super::kana::{self, KanaFolding};
use super::kanji;
use super::marks::{has_substitute, is_substitute_mark, substitute_positions};
use super::table::{Mask, Profile, SpaceRule, profile};
use super::{FieldKind, Reason, TextMatch};
use unicode_normalization::char::{
    canonical_combining_class as ccc, compose, decompose_canonical, decompose_compatible,
};

/// The class of the last starter written, for context rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prev {
    None,
    Kana,
    Digit,
    Ideograph,
    Other,
}

fn classify(c: char) -> Prev {
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

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

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
fn is_unified_ideograph(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{20000}'..='\u{2F7FF}'
        | '\u{30000}'..='\u{3FFFF}')
}

/// Canonical combining class, without a table lookup for the common cases.
fn combining_class(c: char) -> u8 {
    let cp = c as u32;
    if cp < 0x300
        || is_unified_ideograph(c)
        || (0x3041..=0x3096).contains(&cp)
        || (0x309B..=0x30FF).contains(&cp)
    {
        0
    } else {
        ccc(c)
    }
}

/// Whether a starter may compose with the starter before it (Hangul jamo, some Indic vowel
/// signs); never for ASCII, kana or ideographs, which spares a lookup per character.
fn may_follow_in_composition(c: char) -> bool {
    let cp = c as u32;
    !(cp < 0x300 || is_unified_ideograph(c) || (0x3000..=0x30FF).contains(&cp))
}

/// Variation selectors: standardized (U+FE00–U+FE0F) and ideographic (IVS, U+E0100–U+E01EF).
pub(crate) fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Every space form: Unicode White_Space (tab, line breaks, NBSP, the typographic spaces,
/// U+3000 IDEOGRAPHIC SPACE …).
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Invisible format characters that carry no text: ZWSP, ZWNJ, ZWJ, WORD JOINER, BOM, SHY.
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Hyphen, dash and long-vowel forms that are one thing in names, kana, addresses and numbers:
/// - ‐ ‑ ‒ – — ― − ﹘ ﹣ ─ ー (after width folding ｰ is ー and － is -).
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            ..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{2500}' | '\u{30FC}'
    )
}

/// Characters that never start a unit of the registered text: they belong to the character
/// before them (a combining mark, a variation selector, a voiced sound mark).
fn is_extender(c: char) -> bool {
    is_variation_selector(c)
        || matches!(c, '\u{FF9E}' | '\u{FF9F}' | '\u{309B}' | '\u{309C}')
        || ccc(c) != 0
}

/// Up to 18 characters (the longest compatibility decomposition of one character).
struct Small {
    buf: [char; 18],
    len: usize,
}

impl Small {
    fn new() -> Self {
        Small {
            buf: ['\0'; 18],
            len: 0,
        }
    }
    fn push(&mut self, c: char) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = c;
            self.len += 1;
        }
    }
    fn as_slice(&self) -> &[char] {
        &self.buf[..self.len]
    }
    fn is_identity(&self, c: char) -> bool {
        self.as_slice() == [c]
    }
}

fn canonical(c: char) -> Small {
    let mut s = Small::new();
    decompose_canonical(c, |d| s.push(d));
    s
}

fn compatible(c: char) -> Small {
    let mut s = Small::new();
    decompose_compatible(c, |d| s.push(d));
    s
}

/// Bound on re-entry (a decomposition's output is folded again); real data needs 3.
const MAX_DEPTH: u8 = 6;

struct Folder<'k> {
    p: Profile,
    mask: Mask,
    mode: Mode,
    key: &'k mut Key,
    applied: Mask,
    /// Byte offset of the last starter in `key.text` (start of the current segment).
    seg_start: Option<usize>,
    /// Non-starters written after that starter.
    marks: usize,
    /// Start of the current run of non-starters, whether it needs sorting, last class seen.
    run_start: Option<usize>,
    unsorted: bool,
    last_ccc: u8,
    prev: Prev,
    pending_space: bool,
    emitted: bool,
}

impl<'k> Folder<'k> {
    fn new(p: Profile, mask: Mask, mode: Mode, key: &'k mut Key) -> Self {
        Folder {
            p,
            mask,
            mode,
            key,
            applied: Mask::EMPTY,
            seg_start: None,
            marks: 0,
            run_start: None,
            unsorted: false,
            last_ccc: 0,
            prev: Prev::None,
            pending_space: false,
            emitted: false,
        }
    }

    fn on(&self, r: Reason) -> bool {
        self.mask.has(r)
    }

    fn fired(&mut self, r: Reason) {
        self.applied = self.applied.with(r);
    }

    /// Folds one input character (or one character of a decomposition, `depth` > 0).
    fn fold_char(&mut self, c: char, depth: u8) {
        use Reason::*;
        if depth > MAX_DEPTH {
            return self.emit(c);
        }
        // The common characters first: lower-case ASCII letters and digits never change, and
        // a unified ideograph can only be a table variant.
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            return self.emit(c);
        }
        if is_unified_ideograph(c) {
            if self.p.kanji && self.on(KanjiVariant) {
                if let Some(k) = kanji::lookup(c) {
                    self.fired(KanjiVariant);
                    return self.emit(k);
                }
            }
            return self.emit(c);
        }
        // Variation selectors: an IVS after a kanji picks a glyph of the same character.
        if is_variation_selector(c) {
            let r = if self.prev == Prev::Ideograph && self.p.kanji {
                KanjiVariant
            } else {
                Unicode
            };
            if self.on(r) {
                return self.fired(r);
            }
            return self.emit(c);
        }
        if is_ignorable(c) {
            if self.on(Unicode) {
                return self.fired(Unicode);
            }
            return self.emit(c);
        }
        if is_space(c) {
            if self.on(Space) {
                self.fired(Space);
                if self.p.space != SpaceRule::Remove {
                    self.pending_space = true;
                }
                return;
            }
            return self.emit(c);
        }
        // Full-width ASCII and half-width katakana / symbols / hangul (the U+FF00 block).
        if ('\u{FF01}'..='\u{FFEF}').contains(&c) {
            return self.fold_width(c, depth);
        }
        if self.p.dash && is_dash(c) {
            if self.on(Dash) {
                let r = if self.prev == Prev::Kana { 'ー' } else { '-' };
                if r != c {
                    self.fired(Dash);
                }
                return self.emit(r);
            }
            return self.emit(c);
        }
        if c.is_ascii_uppercase() {
            if self.on(Case) {
                self.fired(Case);
                return self.emit(c.to_ascii_lowercase());
            }
            return self.emit(c);
        }
        // Spacing voiced sound marks: ウ゛ is ヴ. Never compatibility-decomposed (that would
        // give a space and a combining mark).
        if c == '\u{309B}' || c == '\u{309C}' {
            if self.p.kana == KanaFolding::Full && self.on(KanaForm) && self.prev == Prev::Kana {
                self.fired(KanaForm);
                return self.emit(if c == '\u{309B}' {
                    '\u{3099}'
                } else {
                    '\u{309A}'
                });
            }
            return self.emit(c);
        }
        if (c as u32) < 0x80 {
            return self.emit(c); // ASCII left after the rules above: nothing to fold
        }
        if matches!(c, '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309E}' | '\u{30A1}'..='\u{30FE}')
        {
            // Kana: a canonical decomposition for the voiced ones, kana folding, nothing else
            // (no compatibility mapping, not in the kanji table).
            let canon = canonical(c);
            if !canon.is_identity(c) {
                for &d in canon.as_slice() {
                    self.fold_char(d, depth + 1);
                }
                return;
            }
            if self.on(KanaForm) {
                if let Some(k) = kana::fold(c, self.p.kana) {
                    self.fired(KanaForm);
                    return self.emit(k);
                }
            }
            return self.emit(c);
        }
        if kanji::is_compat_ideograph(c) {
            if let Some(d) = kanji::compat_decomposition(c) {
                if self.p.kanji && self.on(KanjiVariant) {
                    self.fired(KanjiVariant);
                    return self.emit(kanji::lookup(d).unwrap_or(d));
                }
                return self.emit(c);
            }
        }
        // Canonical decomposition: が = か + U+3099, é = e + U+0301. No reason: canonically
        // equivalent texts are the same text.
        let canon = canonical(c);
        if !canon.is_identity(c) {
            for &d in canon.as_slice() {
                self.fold_char(d, depth + 1);
            }
            return;
        }
        if self.on(KanaForm) {
            if let Some(k) = kana::fold(c, self.p.kana) {
                self.fired(KanaForm);
                return self.emit(k);
            }
        }
        if self.p.kanji && self.on(KanjiVariant) && is_ideograph(c) {
            if let Some(k) = kanji::lookup(c) {
                self.fired(KanjiVariant);
                return self.emit(k);
            }
        }
        if self.on(Unicode) {
            // Code-mapping twins: Shift_JIS 0x8160 is U+301C in JIS tables and U+FF5E in
            // CP932, 0x8161 is U+2016 or U+2225.
            match c {
                '\u{301C}' => {
                    self.fired(Unicode);
                    return self.fold_char('\u{FF5E}', depth + 1);
                }
                '\u{2016}' => {
                    self.fired(Unicode);
                    return self.emit('\u{2225}');
                }
                _ => {}
            }
            let compat = compatible(c);
            if !compat.is_identity(c) && compat.as_slice().first() != Some(&' ') {
                self.fired(Unicode);
                for &d in compat.as_slice() {
                    self.fold_char(d, depth + 1);
                }
                return;
            }
        }
        self.emit(c)
    }

    fn fold_width(&mut self, c: char, depth: u8) {
        use Reason::*;
        if !self.on(Width) {
            // Width off (while reasons are worked out): case and kana forms still apply
            // within the full-width or half-width spelling, so that ＡＢ = ａｂ is Case only and
            // ｼｮｳｺ = ｼﾖｳｺ is KanaForm only.
            if self.on(Case) && ('Ａ'..='Ｚ').contains(&c) {
                self.fired(Case);
                return self.emit(char::from_u32(c as u32 + 0x20).unwrap_or(c));
            }
            if self.on(KanaForm) && self.p.kana == KanaFolding::Full {
                if let Some(large) = kana::half_width_large(c) {
                    self.fired(KanaForm);
                    return self.emit(large);
                }
            }
            return self.emit(c);
        }
        match c {
            '\u{FF01}'..='\u{FF5E}' => {
                self.fired(Width);
                let ascii = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
                self.fold_char(ascii, depth + 1)
            }
            // ﾞ ﾟ: a combining mark after kana (ｶﾞ = ガ), the spacing mark elsewhere.
            '\u{FF9E}' | '\u{FF9F}' => {
                self.fired(Width);
                let voiced = c == '\u{FF9E}';
                let m = match (self.prev == Prev::Kana, voiced) {
                    (true, true) => '\u{3099}',
                    (true, false) => '\u{309A}',
                    (false, true) => '\u{309B}',
                    (false, false) => '\u{309C}',
                };
                self.emit(m)
            }
            _ => {
                let compat = compatible(c);
                if compat.is_identity(c) {
                    return self.emit(c);
                }
                self.fired(Width);
                for &d in compat.as_slice() {
                    self.fold_char(d, depth + 1);
                }
            }
        }
    }

    /// Writes one folded character.
    fn emit(&mut self, c: char) {
        if self.pending_space {
            self.flush_space(is_digit(c));
        }
        self.push(c);
    }

    fn push(&mut self, c: char) {
        self.emitted = true;
        let cc = combining_class(c);
        if cc == 0 {
            self.end_segment();
            self.prev = classify(c);
            if self.mode == Mode::Compose && self.marks == 0 && may_follow_in_composition(c) {
                if let Some(s) = self.seg_start {
                    if let Some(x) = self.key.text[s..]
                        .chars()
                        .next()
                        .and_then(|st| compose(st, c))
                    {
                        self.key.text.truncate(s);
                        self.key.text.push(x);
                        return;
                    }
                }
            }
            self.seg_start = Some(self.key.text.len());
            self.marks = 0;
            self.key.text.push(c);
        } else {
            if self.run_start.is_none() {
                self.run_start = Some(self.key.text.len());
                self.last_ccc = 0;
            }
            if cc < self.last_ccc {
                self.unsorted = true;
            }
            self.last_ccc = cc;
            self.marks += 1;
            self.key.text.push(c);
        }
    }

    /// A pending run of spaces meets the next character.
    fn flush_space(&mut self, next_is_digit: bool) {
        self.pending_space = false;
        let keep = match self.p.space {
            SpaceRule::Remove => false,
            SpaceRule::KeepBetweenDigits => self.prev == Prev::Digit && next_is_digit,
            SpaceRule::Collapse => self.emitted,
        };
        if keep {
            if self.mode == Mode::Units {
                self.end_segment();
                self.key.units.push(self.key.text.len());
            }
            self.push(' ');
            if self.mode == Mode::Units {
                self.key.units.push(self.key.text.len());
            }
        }
    }

    /// Closes the current segment: sorts its combining marks into canonical order and, in
    /// [`Mode::Compose`], composes them with their starter.
    fn end_segment(&mut self) {
        let Some(run) = self.run_start.take() else {
            return;
        };
        if self.unsorted {
            let mut v: Vec<char> = self.key.text[run..].chars().collect();
            v.sort_by_key(|&c| ccc(c)); // stable: equal classes keep their order
            self.key.text.truncate(run);
            self.key.text.extend(v);
        }
        self.unsorted = false;
        self.last_ccc = 0;
        if self.mode == Mode::Compose {
            if let Some(s) = self.seg_start {
                self.compose_segment(s);
                return;
            }
        }
        self.marks = 0;
    }

    fn compose_segment(&mut self, s: usize) {
        let mut chars = self.key.text[s..].chars();
        let Some(mut starter) = chars.next() else {
            self.marks = 0;
            return;
        };
        if self.marks == 1 {
            if let Some(m) = chars.next() {
                if let Some(x) = compose(starter, m) {
                    self.key.text.truncate(s);
                    self.key.text.push(x);
                    self.marks = 0;
                }
            }
            return;
        }
        let mut kept: Vec<char> = Vec::new();
        let mut last: Option<u8> = None;
        for m in chars {
            let cc = ccc(m);
            let blocked = matches!(last, Some(l) if l == 0 || l >= cc);
            if !blocked {
                if let Some(x) = compose(starter, m) {
                    starter = x;
                    continue;
                }
            }
            last = Some(cc);
            kept.push(m);
        }
        self.key.text.truncate(s);
        self.key.text.push(starter);
        self.marks = kept.len();
        self.key.text.extend(kept);
    }

    fn begin_unit(&mut self) {
        self.end_segment();
        self.key.units.push(self.key.text.len());
    }

    fn wild(&mut self) {
        if self.pending_space {
            self.flush_space(false);
        }
        self.end_segment();
        self.key.wilds.push(self.key.text.len());
        self.prev = Prev::Other;
        self.seg_start = None;
        self.emitted = true;
    }

    fn finish(mut self) -> Mask {
        self.end_segment();
        self.applied
    }
}

/// Folds `s` into `key` (cleared first, allocation reused).
pub(crate) fn fold_into(s: &str, kind: FieldKind, mask: Mask, mode: Mode, key: &mut Key) {
    key.text.clear();
    key.units.clear();
    key.wilds.clear();
    key.text.reserve(s.len());
    let p = profile(kind);
    let mut f = Folder::new(p, mask, mode, key);
    let mut after_mark = false;
    for c in s.chars() {
        if after_mark && is_variation_selector(c) {
            continue; // ⚫︎: the selector is part of the mark
        }
        after_mark = false;
        if mode == Mode::Wild && is_substitute_mark(c) {
            f.wild();
            after_mark = true;
            continue;
        }
        if mode == Mode::Units && !is_extender(c) {
            f.begin_unit();
        }
        f.fold_char(c, 0);
    }
    let applied = f.finish();
    key.applied = applied;
}

/// Folds `s` into a new key.
/// Whether the registered key matches the returned key when each wildcard of `returned`
/// stands for exactly one non-space unit of `registered`.
pub(crate) fn wild_match(registered: &Key, returned: &Key) -> bool {
    let r = registered.text.as_bytes();
    let t = returned.text.as_bytes();
    let units = &registered.units;
    let mut pos = 0usize;
    let mut tpos = 0usize;
    for &w in &returned.wilds {
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
        if end <= pos || r.get(pos..end) == Some(b" ".as_slice()) {
            return false;
        }
        pos = end;
    }
    r.get(pos..) == t.get(tpos..)
}

/// `compare` as it was: the reference for the fast path.
pub(crate) fn compare(registered: &str, returned: &str, kind: FieldKind) -> TextMatch {
    if registered == returned {
        return TextMatch::Same;
    }
    let full = profile(kind).mask;
    let mut a = Key::default();
    let mut b = Key::default();
    fold_into(registered, kind, full, Mode::Plain, &mut a);
    fold_into(returned, kind, full, Mode::Plain, &mut b);
    let mut ta = Key::default();
    let mut tb = Key::default();
    if a.text == b.text {
        let mut reasons = minimal(full, a.applied.union(b.applied), |m| {
            let ka = refold(registered, kind, m, Mode::Plain, &a, &mut ta);
            let kb = refold(returned, kind, m, Mode::Plain, &b, &mut tb);
            ka.text == kb.text
        });
        if reasons.is_empty() {
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

/// `normalize` as it was.
pub(crate) fn normalize(s: &str, kind: FieldKind) -> String {
    let mut key = Key::default();
    fold_into(s, kind, profile(kind).mask, Mode::Compose, &mut key);
    key.text
}

/// Folds `s` into a new key, the old way.
pub(crate) fn fold(s: &str, kind: FieldKind, mask: Mask, mode: Mode) -> Key {
    let mut key = Key::default();
    fold_into(s, kind, mask, mode, &mut key);
    key
}
