//! The folding engine: one pass over the input that writes the comparison key.
//!
//! Every folding belongs to exactly one [`Reason`]; a [`Mask`] says which ones are on. The key
//! is canonically decomposed (NFD-like, combining marks in canonical order) so that two keys are
//! equal exactly when the texts are equal after the enabled foldings; [`Mode::Compose`]
//! recomposes the output for people to read (ｶﾞ → ガ, not カ + U+3099).
//!
//! Context rules look at the last *starter* written (a character of canonical combining class
//! 0), never at the input, so that folding the output again sees the same context: this is what
//! keeps [`normalize`](super::normalize) idempotent.

use super::kana::{self, KanaFolding};
use super::kanji;
use super::marks::{is_substitute_mark, wild_match};
use super::table::{
    self, Mask, Prev, Profile, Sink, classify, combining_class, half_width_kana, is_dash, is_digit,
    is_extender, is_ideograph, is_ignorable, is_space, is_variation_selector,
    may_follow_in_composition, profile,
};
use super::{FieldKind, Reason};
use unicode_normalization::char::{
    canonical_combining_class as ccc, compose, decompose_canonical, decompose_compatible,
};

/// What the key is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A decomposed key, for equality.
    Plain,
    /// A recomposed key, for people ([`normalize`](super::normalize)).
    Compose,
    /// A decomposed key that records where each input character's output starts (the
    /// registered side of a substitution match).
    Units,
    /// A decomposed key in which substitute marks are wildcards (the returned side).
    Wild,
}

/// A folded text.
#[derive(Debug, Default)]
pub(crate) struct Key {
    pub(crate) text: String,
    /// Byte offsets in `text` where a unit (one input character and its marks) starts
    /// ([`Mode::Units`] only); non-decreasing, empty units repeat an offset.
    pub(crate) units: Vec<usize>,
    /// Byte offsets in `text` where a wildcard stands ([`Mode::Wild`] only).
    pub(crate) wilds: Vec<usize>,
    /// The foldings that fired.
    pub(crate) applied: Mask,
}

impl Key {
    /// An empty key (no allocation).
    pub(crate) const EMPTY: Key = Key {
        text: String::new(),
        units: Vec::new(),
        wilds: Vec::new(),
        applied: Mask::EMPTY,
    };

    /// Lets go of buffers grown by an unusually long input, so that a reused key does not
    /// keep its memory for ever.
    pub(crate) fn trim(&mut self) {
        const KEEP: usize = 4096;
        if self.text.capacity() > KEEP {
            self.text = String::new();
        }
        if self.units.capacity() > KEEP {
            self.units = Vec::new();
        }
        if self.wilds.capacity() > KEEP {
            self.wilds = Vec::new();
        }
    }

    /// Whether this registered key ([`Mode::Units`]) matches the `returned` key
    /// ([`Mode::Wild`]) when each wildcard of `returned` stands for exactly one non-space unit
    /// of this one ([`wild_match`]).
    pub(crate) fn matches_wild(&self, returned: &Key) -> bool {
        let (r, t) = (self.text.as_bytes(), returned.text.as_bytes());
        wild_match(r, &self.units, t, &returned.wilds, &b' ')
    }
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

    /// Folds one input character (or one character of a decomposition, `depth` > 0): the
    /// common alphabet by the shared rules of [`table`], the rest here.
    fn fold_char(&mut self, c: char, depth: u8) {
        use Reason::*;
        if depth > MAX_DEPTH {
            return self.emit(c);
        }
        if table::fold_common(self, c) {
            return;
        }
        // The rest of the U+FF00 block (｟ ｠ ｡ ｢ ｣ ､, half-width hangul and symbols).
        if ('\u{FF01}'..='\u{FFEF}').contains(&c) {
            return self.fold_width(c, depth);
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
            return table::space(self, c);
        }
        if self.p.dash && is_dash(c) {
            return table::dash(self, c);
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
        if kanji::is_compat_ideograph(c) {
            if let Some(d) = kanji::compat_decomposition(c) {
                if self.p.kanji && self.on(KanjiVariant) {
                    self.fired(KanjiVariant);
                    return self.emit(kanji::lookup(d).unwrap_or(d));
                }
                return self.emit(c);
            }
        }
        // Canonical decomposition: é = e + U+0301. No reason: canonically equivalent texts are
        // the same text.
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

    /// The characters of the U+FF00 block outside the common alphabet: their compatibility
    /// form (｡ → 。, ｟ → ⦅, ﾡ → ㄱ) when [`Reason::Width`] is on.
    fn fold_width(&mut self, c: char, depth: u8) {
        if !self.on(Reason::Width) {
            return table::width_off(self, c);
        }
        if let Some(full) = half_width_kana(c) {
            self.fired(Reason::Width);
            return self.fold_char(full, depth + 1);
        }
        let compat = compatible(c);
        if compat.is_identity(c) {
            return self.emit(c);
        }
        self.fired(Reason::Width);
        for &d in compat.as_slice() {
            self.fold_char(d, depth + 1);
        }
    }

    /// Writes one folded character.
    #[inline]
    fn emit(&mut self, c: char) {
        if self.pending_space {
            self.flush_space(is_digit(c));
        }
        self.push(c);
    }

    /// [`emit`](Self::emit) for a character already known to be a starter of class `class`
    /// (`classify(c) == class`, `combining_class(c) == 0`) that never composes with the
    /// character before it (ASCII, kana, ideographs): the same effect without the lookups.
    #[inline]
    fn emit_starter(&mut self, c: char, class: Prev) {
        debug_assert_eq!(classify(c), class);
        debug_assert_eq!(combining_class(c), 0);
        debug_assert!(!may_follow_in_composition(c));
        if self.pending_space {
            self.flush_space(class == Prev::Digit);
        }
        self.emitted = true;
        if self.run_start.is_some() {
            self.end_segment();
        }
        self.prev = class;
        self.seg_start = Some(self.key.text.len());
        self.marks = 0;
        self.key.text.push(c);
    }

    #[inline]
    fn push(&mut self, c: char) {
        self.emitted = true;
        let cc = combining_class(c);
        if cc == 0 {
            if self.run_start.is_some() {
                self.end_segment();
            }
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
        if self.p.space.keeps(self.prev, next_is_digit, self.emitted) {
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

    /// Closes the last segment and records the foldings that fired in the key.
    fn finish(&mut self) {
        self.end_segment();
        self.key.applied = self.applied;
    }

    /// Bytes at the start of the key that are final: nothing written later changes them.
    /// Only the open run of combining marks may still be reordered (and, in
    /// [`Mode::Compose`], the open segment recomposed).
    fn committed(&self) -> usize {
        let end = self.run_start.unwrap_or(self.key.text.len());
        match (self.mode, self.seg_start) {
            (Mode::Compose, Some(s)) => end.min(s),
            _ => end,
        }
    }
}

/// The engine as the [`Sink`] of the shared rules: a starter known to be one goes the fast
/// way, anything else through [`emit`](Folder::emit) and its bookkeeping.
impl Sink for Folder<'_> {
    #[inline]
    fn profile(&self) -> &Profile {
        &self.p
    }

    #[inline]
    fn on(&self, r: Reason) -> bool {
        self.mask.has(r)
    }

    #[inline]
    fn fired(&mut self, r: Reason) {
        self.applied = self.applied.with(r);
    }

    #[inline]
    fn prev(&self) -> Prev {
        self.prev
    }

    #[inline]
    fn hold_space(&mut self) {
        self.pending_space = true;
    }

    #[inline]
    fn starter(&mut self, c: char, class: Prev) {
        self.emit_starter(c, class)
    }

    #[inline]
    fn mark(&mut self, c: char) {
        self.emit(c)
    }

    #[inline]
    fn other(&mut self, c: char, class: Prev) {
        debug_assert_eq!(classify(c), class);
        self.emit(c)
    }
}

/// A fold in progress: the input is folded one character at a time, so that two keys can be
/// compared while they are written and the comparison can stop at the first difference.
pub(crate) struct Stream<'s, 'k> {
    chars: std::str::Chars<'s>,
    f: Folder<'k>,
    after_mark: bool,
    done: bool,
}

impl<'s, 'k> Stream<'s, 'k> {
    /// Starts folding `s` into `key` (cleared first, allocation reused).
    pub(crate) fn new(
        s: &'s str,
        kind: FieldKind,
        mask: Mask,
        mode: Mode,
        key: &'k mut Key,
    ) -> Self {
        key.text.clear();
        key.units.clear();
        key.wilds.clear();
        key.applied = Mask::EMPTY;
        key.text.reserve(s.len());
        Stream {
            chars: s.chars(),
            f: Folder::new(profile(kind), mask, mode, key),
            after_mark: false,
            done: false,
        }
    }

    /// Folds the next input character; at the end of the input, finishes the key. Returns
    /// `false` once the key is finished.
    pub(crate) fn step(&mut self) -> bool {
        if self.done {
            return false;
        }
        let Some(c) = self.chars.next() else {
            self.f.finish();
            self.done = true;
            return false;
        };
        if self.after_mark && is_variation_selector(c) {
            return true; // ⚫︎: the selector is part of the mark
        }
        self.after_mark = false;
        if self.f.mode == Mode::Wild && is_substitute_mark(c) {
            self.f.wild();
            self.after_mark = true;
            return true;
        }
        if self.f.mode == Mode::Units && !is_extender(c) {
            self.f.begin_unit();
        }
        self.f.fold_char(c, 0);
        true
    }

    /// Folds the rest of the input.
    pub(crate) fn run(&mut self) {
        while self.step() {}
    }

    /// The final bytes of the key written so far (all of it once finished).
    fn settled(&self) -> &[u8] {
        let n = self.f.committed();
        self.f.key.text.as_bytes().get(..n).unwrap_or_default()
    }
}

/// Folds `s` into `key` (cleared first, allocation reused).
pub(crate) fn fold_into(s: &str, kind: FieldKind, mask: Mask, mode: Mode, key: &mut Key) {
    Stream::new(s, kind, mask, mode, key).run();
}

/// Whether `x[from..to]` and `y[from..to]` are equal and both exist. A plain loop: the
/// slices are a character or two, too short to be worth a call to `memcmp`.
#[inline]
fn same_bytes(x: &[u8], y: &[u8], from: usize, to: usize) -> bool {
    match (x.get(from..to), y.get(from..to)) {
        (Some(x), Some(y)) => x.iter().zip(y).all(|(p, q)| p == q),
        _ => false,
    }
}

/// Whether the key `a` is folding into equals `expected`, stopping at the first difference
/// (the key is then left unfinished).
pub(crate) fn stream_equals(a: &mut Stream<'_, '_>, expected: &str) -> bool {
    let expected = expected.as_bytes();
    let mut checked = 0;
    loop {
        let more = a.step();
        let got = a.settled();
        if got.len() > checked {
            if !same_bytes(got, expected, checked, got.len()) {
                return false;
            }
            checked = got.len();
        }
        if !more {
            return got.len() == expected.len();
        }
    }
}

/// Whether two keys being folded are equal, folding each only as far as needed to tell: the
/// side that has settled less is advanced, and the settled parts are compared as they grow.
/// Both keys are finished when they are equal.
pub(crate) fn streams_equal(a: &mut Stream<'_, '_>, b: &mut Stream<'_, '_>) -> bool {
    let mut checked = 0;
    let (mut a_more, mut b_more) = (true, true);
    loop {
        let (x, y) = (a.settled(), b.settled());
        let common = x.len().min(y.len());
        if common > checked {
            if !same_bytes(x, y, checked, common) {
                return false;
            }
            checked = common;
        }
        if !a_more && !b_more {
            return x.len() == y.len();
        }
        if (!a_more && y.len() > x.len()) || (!b_more && x.len() > y.len()) {
            return false;
        }
        if a_more && (x.len() <= y.len() || !b_more) {
            a_more = a.step();
        } else {
            b_more = b.step();
        }
    }
}

/// Folds `s` into a new key.
#[cfg(test)]
pub(crate) fn fold(s: &str, kind: FieldKind, mask: Mask, mode: Mode) -> Key {
    let mut key = Key::default();
    fold_into(s, kind, mask, mode, &mut key);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str, kind: FieldKind) -> String {
        fold(s, kind, profile(kind).mask, Mode::Plain).text
    }

    #[test]
    fn canonical_order_of_marks_is_restored() {
        // U+0301 (230) before U+0316 (220) is the same text as the other order.
        let a = key("a\u{0301}\u{0316}", FieldKind::Text);
        let b = key("a\u{0316}\u{0301}", FieldKind::Text);
        assert_eq!(a, b);
        assert_eq!(a, "a\u{0316}\u{0301}");
    }

    #[test]
    fn removed_space_does_not_split_a_run_of_marks() {
        let a = fold(
            "a\u{0301} \u{0316}",
            FieldKind::Name,
            profile(FieldKind::Name).mask,
            Mode::Compose,
        )
        .text;
        let b = fold(
            &a,
            FieldKind::Name,
            profile(FieldKind::Name).mask,
            Mode::Compose,
        )
        .text;
        assert_eq!(a, b);
    }

    #[test]
    fn units_cover_one_input_character_each() {
        let k = fold(
            "髙橋　一郎",
            FieldKind::Name,
            profile(FieldKind::Name).mask,
            Mode::Units,
        );
        assert_eq!(k.text, "高橋一郎");
        // 髙, 橋, (space: empty), 一, 郎
        assert_eq!(k.units, vec![0, 3, 6, 6, 9]);
    }

    #[test]
    fn wildcards_are_recorded_without_text() {
        let k = fold(
            "●橋\u{26AB}\u{FE0F}",
            FieldKind::Name,
            profile(FieldKind::Name).mask,
            Mode::Wild,
        );
        assert_eq!(k.text, "橋");
        assert_eq!(k.wilds, vec![0, 3]);
    }

    #[test]
    fn deep_recursion_is_bounded() {
        // U+FDFA decomposes into 18 characters, some of them spaces; nothing may panic.
        let k = key("\u{FDFA}", FieldKind::Text);
        assert!(!k.is_empty());
    }
}
