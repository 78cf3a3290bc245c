//! The lean path: the folding engine of [`fold`](super::fold) restricted to the characters
//! records are written in, so that comparing them costs a few instructions a character
//! instead of the general engine's decomposition lookups and bookkeeping. It covers the
//! engine's `Mode::Plain` ([`Lean`], [`equal`]), `Mode::Compose` ([`normalize`]) and
//! `Mode::Units` / `Mode::Wild` ([`fold_units`], [`fold_wild`],
//! [`MarkedKey::matches_wild`]).
//!
//! The rules for these characters are not written here: both engines take them from the
//! [character table](super::table) ([`fold_common`](table::fold_common)), the lean path as a
//! [`Sink`] that writes characters into a small buffer. What is the lean path's own is the
//! streaming: reading the key a character at a time, noting where each folding first fired,
//! folding again from there.
//!
//! It writes exactly the key the engine writes (as characters; unit boundaries and wildcards
//! as character indexes) and records exactly the foldings that fire, for every input made only
//! of:
//!
//! * ASCII (letters, digits, spaces, `-`, punctuation, control characters);
//! * hiragana and katakana other than ー (the kana [`is_plain_kana`](table::is_plain_kana)
//!   accepts), the long-vowel
//!   mark ー and the combining voiced marks U+3099 / U+309A;
//! * CJK unified ideographs (the variant table applies to them);
//! * full-width ASCII (U+FF01–U+FF5E), half-width katakana and voiced marks (U+FF66–U+FF9F,
//!   and ･ U+FF65), and the ideographic space U+3000;
//! * the substitute marks ● ⚫ 〓 (wildcards in `Mode::Wild`, where a variation selector
//!   right after one belongs to it).
//!
//! Any other character (compatibility forms, combining marks other than the kana ones,
//! variation selectors, format characters, other dashes and spaces, ｡ ｢ ｣ ､ …) makes the lean
//! path give up ([`Next::Complex`], or `None` / `false`) and the caller starts again with the
//! engine. The tests in `differential.rs` check the lean path against the engine on every
//! character of these ranges in every context it looks at, and on random text; `golden.rs`
//! checks both against the answers recorded from the original engine.
//!
//! Why the restriction keeps it simple: for these characters every output is either a starter
//! that never composes with what precedes it, or one of the kana voiced marks (combining class
//! 8, all equal, so a run of them is never reordered). The key is therefore final as soon as
//! it is written and can be compared a character at a time.

use super::marks::{is_substitute_mark, wild_match as match_wild};
use super::table::{
    self, Mask, Prev, Profile, Sink, common_extender, is_variation_selector, kana_composition,
    may_follow_in_composition, profile,
};
use super::{FieldKind, Reason};

/// What the lean path produces next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// The next character of the key.
    Char(char),
    /// The key is complete.
    End,
    /// The input holds a character the lean path does not handle.
    Complex,
}

/// A key being folded on the lean path, read a character at a time. `NOTE`: whether it notes
/// where each folding first fires ([`Lean::noting`]); compiled out otherwise.
pub(super) struct Lean<'s, const NOTE: bool = false> {
    chars: std::str::Chars<'s>,
    p: Profile,
    mask: Mask,
    prev: Prev,
    pending_space: bool,
    emitted: bool,
    applied: Mask,
    /// Characters written by the last input character and not read yet (at most three: a
    /// kept space, a base letter and its voiced mark).
    out: [char; 3],
    head: u8,
    len: u8,
    /// Whether the last input character wrote a kept space first (for unit boundaries).
    flushed: bool,
    /// Bytes of the input from the character being folded on (kept when `NOTE`).
    rest: usize,
    /// Characters of the key read so far.
    read: usize,
    /// Where each folding first fired, when that is being noted (see [`FirstFired`]).
    first: Option<&'s mut FirstFired>,
}

/// Where a fold stood before an input character: enough to fold the rest of the input again
/// from there.
#[derive(Debug, Clone, Copy)]
pub(super) struct Snapshot {
    /// Bytes of the input from the character on.
    rest: usize,
    /// Characters of the key written before it.
    written: usize,
    prev: Prev,
    pending_space: bool,
    emitted: bool,
}

impl Snapshot {
    /// The start of the input.
    const START: Snapshot = Snapshot {
        rest: usize::MAX, // the whole input
        written: 0,
        prev: Prev::None,
        pending_space: false,
        emitted: false,
    };
}

/// For each folding, where it first fired in a text (under the full mask of its kind).
///
/// Every rule of the lean path calls `fired` before it writes anything or changes any state
/// for the character, so the state at that moment is the state before the character.
///
/// Folding with fewer foldings on changes nothing before the first character at which a
/// folding that was switched off fires: every rule of the engine that tests whether a folding
/// is on either fires it or writes what it would have written with the folding off (a dash
/// that is already the right one). So a text can be folded again under a reduced mask from
/// the snapshot taken before that character, and the key written before it is the full
/// key's.
#[derive(Debug, Clone, Copy)]
pub(super) struct FirstFired([Option<Snapshot>; 7]);

impl FirstFired {
    pub(super) const NONE: FirstFired = FirstFired([None; 7]);

    /// Where to start folding again when the foldings that fired are `applied` and the mask is
    /// `mask`: before the first character at which a folding of `applied` missing from `mask`
    /// fired.
    pub(super) fn resume_point(&self, applied: Mask, mask: Mask) -> Snapshot {
        let mut point: Option<Snapshot> = None;
        let mut off = applied.bits_without(mask);
        while off != 0 {
            if let Some(Some(s)) = self.0.get(off.trailing_zeros() as usize) {
                if point.is_none_or(|p| s.rest > p.rest) {
                    point = Some(*s);
                }
            }
            off &= off - 1;
        }
        point.unwrap_or(Snapshot::START)
    }
}

impl<'s> Lean<'s, true> {
    /// [`new`](Self::new), noting in `first` where each folding fires for the first time.
    pub(super) fn noting(
        s: &'s str,
        kind: FieldKind,
        mask: Mask,
        first: &'s mut FirstFired,
    ) -> Self {
        let mut lean = Lean::start(s, kind, mask);
        lean.first = Some(first);
        lean
    }
}

impl<'s, const NOTE: bool> Lean<'s, NOTE> {
    fn start(s: &'s str, kind: FieldKind, mask: Mask) -> Self {
        Lean {
            chars: s.chars(),
            p: profile(kind),
            mask,
            prev: Prev::None,
            pending_space: false,
            emitted: false,
            applied: Mask::EMPTY,
            out: ['\0'; 3],
            head: 0,
            len: 0,
            flushed: false,
            rest: 0,
            read: 0,
            first: None,
        }
    }
}

impl<'s> Lean<'s> {
    pub(super) fn new(s: &'s str, kind: FieldKind, mask: Mask) -> Self {
        Lean::start(s, kind, mask)
    }

    /// Folds `s` under `mask` from a [`Snapshot`] taken while folding it (under a mask whose
    /// extra foldings do not fire before it, see [`FirstFired`]): the characters of the key
    /// before the snapshot are not produced again.
    pub(super) fn resume(s: &'s str, kind: FieldKind, mask: Mask, from: &Snapshot) -> Self {
        let mut lean = Lean::new(s, kind, mask);
        let at = s.len().saturating_sub(from.rest);
        lean.chars = s.get(at..).unwrap_or_default().chars();
        lean.read = from.written;
        lean.prev = from.prev;
        lean.pending_space = from.pending_space;
        lean.emitted = from.emitted;
        lean
    }
}

impl<'s, const NOTE: bool> Lean<'s, NOTE> {
    /// Characters of the key read so far (including those before a [`resume`](Lean::resume)).
    pub(super) fn read(&self) -> usize {
        self.read
    }

    /// The characters the last input character wrote.
    fn written(&self) -> &[char] {
        self.out.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// The foldings that fired so far (all of them once [`Next::End`] was read).
    pub(super) fn applied(&self) -> Mask {
        self.applied
    }

    /// The next character of the key.
    #[inline(always)]
    pub(super) fn next(&mut self) -> Next {
        if self.head < self.len {
            let c = self.out[usize::from(self.head) % 3];
            self.head += 1;
            self.read += 1;
            return Next::Char(c);
        }
        loop {
            self.len = 0;
            if NOTE {
                self.rest = self.chars.as_str().len();
            }
            let Some(c) = self.chars.next() else {
                return Next::End;
            };
            if !self.fold(c) {
                return Next::Complex;
            }
            if self.len > 0 {
                self.head = 1;
                self.read += 1;
                return Next::Char(self.out[0]);
            }
        }
    }

    #[inline(always)]
    fn put(&mut self, c: char) {
        // At most three characters per input character (see `out`).
        self.out[usize::from(self.len) % 3] = c;
        self.len += 1;
    }

    /// A pending run of spaces meets the next character (the engine's `flush_space`).
    fn flush_space(&mut self, next_is_digit: bool) {
        self.pending_space = false;
        if self.p.space.keeps(self.prev, next_is_digit, self.emitted) {
            self.emitted = true;
            self.prev = Prev::Other;
            self.flushed = true;
            self.put(' ');
        }
    }

    /// Folds one input character; `false` when it is not one the lean path handles.
    #[inline]
    fn fold(&mut self, c: char) -> bool {
        table::fold_common(self, c)
    }
}

/// The lean path as the [`Sink`] of the shared rules: every character it is given is a starter
/// that composes with nothing before it, or a kana voiced mark.
impl<const NOTE: bool> Sink for Lean<'_, NOTE> {
    #[inline(always)]
    fn profile(&self) -> &Profile {
        &self.p
    }

    #[inline(always)]
    fn on(&self, r: Reason) -> bool {
        self.mask.has(r)
    }

    #[inline(always)]
    fn fired(&mut self, r: Reason) {
        if NOTE && !self.applied.has(r) {
            let at = Snapshot {
                rest: self.rest,
                written: self.read,
                prev: self.prev,
                pending_space: self.pending_space,
                emitted: self.emitted,
            };
            if let Some(slot) = self
                .first
                .as_deref_mut()
                .and_then(|first| first.0.get_mut(r as usize))
            {
                *slot = Some(at);
            }
        }
        self.applied = self.applied.with(r);
    }

    #[inline(always)]
    fn prev(&self) -> Prev {
        self.prev
    }

    #[inline(always)]
    fn hold_space(&mut self) {
        self.pending_space = true;
    }

    /// Writes a starter of class `class` (the engine's `emit` and `push` for it).
    #[inline(always)]
    fn starter(&mut self, c: char, class: Prev) {
        if self.pending_space {
            self.flush_space(class == Prev::Digit);
        }
        self.emitted = true;
        self.prev = class;
        self.put(c);
    }

    /// Writes a kana voiced mark U+3099 / U+309A (a non-starter: the context is unchanged).
    #[inline(always)]
    fn mark(&mut self, c: char) {
        if self.pending_space {
            self.flush_space(false);
        }
        self.emitted = true;
        self.put(c);
    }

    #[inline(always)]
    fn other(&mut self, c: char, class: Prev) {
        self.starter(c, class)
    }
}

/// [`normalize`](super::normalize) on the lean path: the key of `s` under every folding of
/// `kind`, recomposed as the engine's [`Mode::Compose`](super::fold::Mode::Compose) does it;
/// `None` when `s` holds a character the lean path does not handle.
pub(super) fn normalize(s: &str, kind: FieldKind) -> Option<String> {
    let mut lean = Lean::new(s, kind, profile(kind).mask);
    let mut out = String::with_capacity(s.len());
    // The last starter written and where, while the marks after it may still compose with it.
    let mut open: Option<(usize, char)> = None;
    loop {
        match lean.next() {
            Next::Char(m @ ('\u{3099}' | '\u{309A}')) => {
                // As the engine's `compose_segment`: the first mark that does not compose
                // blocks every later one (they are all of class 8).
                if let Some((at, starter)) = open {
                    if let Some(x) = kana_composition(starter, m) {
                        out.truncate(at);
                        out.push(x);
                        open = Some((at, x));
                        continue;
                    }
                }
                open = None;
                out.push(m);
            }
            Next::Char(c) => {
                // Every starter of the lean path is ASCII, kana or an ideograph, none of which
                // composes with the character before it.
                if may_follow_in_composition(c) {
                    return None;
                }
                open = Some((out.len(), c));
                out.push(c);
            }
            Next::End => return Some(out),
            Next::Complex => return None,
        }
    }
}

/// A key folded on the lean path in [`Mode::Units`](super::fold::Mode::Units) or
/// [`Mode::Wild`](super::fold::Mode::Wild): the engine's [`Key`](super::fold::Key), with
/// character indexes in place of byte offsets.
#[derive(Debug, Default)]
pub(super) struct MarkedKey {
    pub(super) chars: Vec<char>,
    /// Where each unit starts (registered side) or where each wildcard stands (returned side).
    pub(super) marks: Vec<usize>,
    pub(super) applied: Mask,
}

impl MarkedKey {
    pub(super) const EMPTY: MarkedKey = MarkedKey {
        chars: Vec::new(),
        marks: Vec::new(),
        applied: Mask::EMPTY,
    };

    /// Lets go of buffers grown by an unusually long input.
    pub(super) fn trim(&mut self) {
        if self.chars.capacity() > 1024 {
            self.chars = Vec::new();
        }
        if self.marks.capacity() > 1024 {
            self.marks = Vec::new();
        }
    }

    /// Whether this registered key matches the `returned` key when each wildcard of
    /// `returned` stands for exactly one non-space unit of this one ([`match_wild`]).
    pub(super) fn matches_wild(&self, returned: &MarkedKey) -> bool {
        match_wild(
            &self.chars,
            &self.marks,
            &returned.chars,
            &returned.marks,
            &' ',
        )
    }
}

/// Folds the registered text with unit boundaries ([`Mode::Units`](super::fold::Mode::Units)):
/// a unit starts at each input character that does not extend the one before it (in the lean
/// alphabet: all but the voiced marks), and a kept space is a unit of its own. `false` when
/// `s` holds a character the lean path does not handle.
pub(super) fn fold_units(s: &str, kind: FieldKind, mask: Mask, key: &mut MarkedKey) -> bool {
    key.chars.clear();
    key.marks.clear();
    let mut lean = Lean::new(s, kind, mask);
    for c in s.chars() {
        if !common_extender(c) {
            key.marks.push(key.chars.len());
        }
        lean.len = 0;
        lean.flushed = false;
        if !lean.fold(c) {
            return false;
        }
        if lean.flushed {
            key.marks.push(key.chars.len());
            key.marks.push(key.chars.len() + 1);
        }
        key.chars.extend_from_slice(lean.written());
    }
    key.applied = lean.applied;
    true
}

/// Folds the returned text with its substitute marks as wildcards
/// ([`Mode::Wild`](super::fold::Mode::Wild)); a variation selector after a mark belongs to
/// it. `false` when `s` holds a character the lean path does not handle.
pub(super) fn fold_wild(s: &str, kind: FieldKind, mask: Mask, key: &mut MarkedKey) -> bool {
    key.chars.clear();
    key.marks.clear();
    let mut lean = Lean::new(s, kind, mask);
    let mut after_mark = false;
    for c in s.chars() {
        if after_mark && is_variation_selector(c) {
            continue;
        }
        after_mark = false;
        lean.len = 0;
        if is_substitute_mark(c) {
            if lean.pending_space {
                lean.flush_space(false);
            }
            key.chars.extend_from_slice(lean.written());
            key.marks.push(key.chars.len());
            lean.prev = Prev::Other;
            lean.emitted = true;
            after_mark = true;
            continue;
        }
        if !lean.fold(c) {
            return false;
        }
        key.chars.extend_from_slice(lean.written());
    }
    key.applied = lean.applied;
    true
}

/// How two keys compare on the lean path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    Equal,
    Different,
    /// An input holds a character the lean path does not handle.
    Complex,
}

/// Compares two lean keys while they are folded, stopping at the first difference.
pub(super) fn equal(a: &mut Lean<'_>, b: &mut Lean<'_>) -> Verdict {
    loop {
        match (a.next(), b.next()) {
            (Next::Complex, _) | (_, Next::Complex) => return Verdict::Complex,
            (Next::End, Next::End) => return Verdict::Equal,
            (Next::Char(x), Next::Char(y)) if x == y => {}
            _ => return Verdict::Different,
        }
    }
}

/// [`equal`] for the first fold of two texts (made with [`Lean::noting`]): records the key in
/// `key`.
pub(super) fn equal_noting(
    a: &mut Lean<'_, true>,
    b: &mut Lean<'_, true>,
    key: &mut Vec<char>,
) -> Verdict {
    loop {
        match (a.next(), b.next()) {
            (Next::Complex, _) | (_, Next::Complex) => return Verdict::Complex,
            (Next::End, Next::End) => return Verdict::Equal,
            (Next::Char(x), Next::Char(y)) if x == y => key.push(x),
            _ => return Verdict::Different,
        }
    }
}

/// Whether two texts folded again from snapshots of their first fold (whose keys were equal,
/// to `key`) are still equal. The side resumed earlier first reads up to where the other
/// resumed, against `key`.
pub(super) fn equal_resumed<'s>(a: &mut Lean<'s>, b: &mut Lean<'s>, key: &[char]) -> Verdict {
    let (behind, ahead) = if a.read() <= b.read() {
        (&mut *a, b.read())
    } else {
        (&mut *b, a.read())
    };
    let Some(known) = key.get(behind.read()..ahead) else {
        return Verdict::Complex; // cannot happen: both resumed within the key
    };
    for &y in known {
        match behind.next() {
            Next::Char(x) if x == y => {}
            Next::Complex => return Verdict::Complex,
            _ => return Verdict::Different,
        }
    }
    equal(a, b)
}

/// Compares a lean key with a key already written (from where the lean key was resumed).
pub(super) fn equals_key(a: &mut Lean<'_>, key: &[char]) -> Verdict {
    let Some(rest) = key.get(a.read()..) else {
        return Verdict::Complex; // cannot happen: resumed within the key
    };
    let mut expected = rest.iter();
    loop {
        match (a.next(), expected.next()) {
            (Next::Complex, _) => return Verdict::Complex,
            (Next::End, None) => return Verdict::Equal,
            (Next::Char(x), Some(&y)) if x == y => {}
            _ => return Verdict::Different,
        }
    }
}
