//! The safe event loop under every parser: quick-xml's reader over the file's bytes, with the
//! limits and refusals of the interface, and locations for every error.
//!
//! * Text: a UTF-8 file is validated once and every token borrows from it; a Shift_JIS file
//!   is never decoded whole — each text, name or attribute token is decoded on its own
//!   (borrowed when it is ASCII), see [`Source`].
//! * Speed: the common shapes — `<Name>`, `</Name>`, `<Name>plain text</Name>` and white
//!   space between elements — are read directly from the bytes; anything else (attributes,
//!   `<empty/>`, comments, CDATA, references, PIs, …) goes through quick-xml. The fast paths
//!   accept exactly what quick-xml and the checks below would accept for those shapes.
//! * Refused: `<!DOCTYPE …>` (so no entity can be declared), references to entities other
//!   than the five predefined ones, processing instructions, an XML declaration anywhere but
//!   at the start, characters XML does not allow (raw or as `&#…;`), invalid element names.
//! * Limits: nesting depth ([`Limits::max_depth`](super::Limits), and never more than
//!   [`HARD_MAX_DEPTH`]); the size limit is applied before decoding.
//! * Locations: the element path is the stack of open elements; a sibling index (`[2]`) is
//!   computed only when an error is reported, by rescanning the parent, so the hot path does
//!   no bookkeeping beyond a push and a pop.

use super::encoding::{Source, decode_sjis_token, sjis_cdata_end, sjis_valid};
use super::error::{Forbidden, Location, XmlError};
use crate::model::UnknownElement;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;
use std::collections::HashSet;

/// No document may nest deeper than this, whatever the limits say (recursion guard).
pub const HARD_MAX_DEPTH: usize = 256;

pub(crate) use super::generated::REPEATABLE;

/// An open element.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame<'a> {
    /// Its name, as the file spells it (bytes of the file's encoding).
    pub name: &'a [u8],
    /// Offset of its `<` in the text.
    pub start: usize,
}

/// Stands for the start tag just read. Its attributes stay in the cursor until the next
/// token is read ([`Cursor::unknown`] takes them); keeping them out of [`Tok`] keeps the
/// token small on the hot path.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StartTag;

/// What the cursor yields.
pub(crate) enum Tok<'a> {
    /// An element starts (also for `<empty/>`, which is followed by [`Tok::End`]).
    Start {
        /// The element name (borrowed unless it is a non-ASCII name in a Shift_JIS file).
        name: Cow<'a, str>,
        /// The start tag (its attributes are in the cursor).
        el: StartTag,
        /// Offset of its `<`.
        start: usize,
    },
    /// The element last started ends.
    End,
    /// A piece of text (entities resolved).
    Text(Cow<'a, str>),
    /// End of input (only outside the root).
    Eof,
}

/// A pull parser over a file's bytes.
pub(crate) struct Cursor<'a> {
    src: Source<'a>,
    reader: Reader<&'a [u8]>,
    base: usize,
    stack: Vec<Frame<'a>>,
    max_depth: usize,
    pending_end: bool,
    started: bool,
    last: usize,
    last_tag: Option<BytesStart<'a>>,
    /// How many more unmodelled elements (and attributes) may be kept.
    unknown_left: usize,
    /// What reading tolerated so far (paths resolved after the read).
    pending: Vec<super::warning::Pending>,
}

/// Unmodelled elements (and their attributes) a document may hold: a fixed allowance plus
/// one per [`UNKNOWN_BYTES_PER_ELEMENT`] bytes of input. Each kept element costs far more
/// memory than its few bytes of markup (`<a/>` is 4 bytes), so without this bound 7 MB of
/// tiny unknown elements took more than a gigabyte.
pub const UNKNOWN_ELEMENT_ALLOWANCE: usize = 10_000;

/// See [`UNKNOWN_ELEMENT_ALLOWANCE`].
pub const UNKNOWN_BYTES_PER_ELEMENT: usize = 64;

/// The number of unmodelled elements and attributes a text of `len` bytes may hold.
pub(crate) fn unknown_budget(len: usize) -> usize {
    UNKNOWN_ELEMENT_ALLOWANCE + len / UNKNOWN_BYTES_PER_ELEMENT
}

/// `true` for a character XML 1.0 allows in text.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// ASCII bytes allowed anywhere in a name (the fast path of [`is_xml_name`]).
static NAME_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.' || c == b':';
        i += 1;
    }
    t
};

fn is_name_start(c: char) -> bool {
    matches!(c, ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// `true` for a valid XML name (element or attribute).
pub(crate) fn is_xml_name(s: &str) -> bool {
    let b = s.as_bytes();
    if let Some(&first) = b.first()
        && first.is_ascii_alphabetic()
        && b.iter().all(|&c| NAME_BYTE[usize::from(c)])
    {
        return true;
    }
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// Checks the bytes of a text token for characters XML does not allow: `Err(offset)` of the
/// first; otherwise whether it holds a carriage return (to normalize). One pass over the
/// bytes, before decoding: a control character is the same byte in both encodings (never a
/// Shift_JIS trail byte), and U+FFFE/U+FFFF (`EF BF BE`/`EF BF BF`, looked for in UTF-8 only)
/// cannot come out of Shift_JIS.
fn scan_text(b: &[u8], utf8: bool) -> Result<bool, usize> {
    let mut cr = false;
    // Whole chunks without a control byte or 0xEF (the lead byte of U+FFFE/U+FFFF) are
    // skipped with one branch; the test vectorizes.
    let ef = if utf8 { 0xEF } else { 0x00 };
    let mut start = 0;
    for chunk in b.chunks(32) {
        let suspect = chunk.iter().fold(false, |a, &x| a | (x < 0x20) | (x == ef));
        if suspect {
            for (j, &x) in chunk.iter().enumerate() {
                let i = start + j;
                if x < 0x20 {
                    match x {
                        b'\t' | b'\n' => {}
                        b'\r' => cr = true,
                        _ => return Err(i),
                    }
                } else if utf8
                    && x == 0xEF
                    && i + 2 < b.len()
                    && b[i + 1] == 0xBF
                    && (b[i + 2] == 0xBE || b[i + 2] == 0xBF)
                {
                    return Err(i);
                }
            }
        }
        start += chunk.len();
    }
    Ok(cr)
}

/// XML end-of-line handling: `\r\n` and a lone `\r` become `\n`.
fn normalize_eol(s: Cow<'_, str>) -> Cow<'_, str> {
    Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
}

/// `true` when the text is only XML white space.
pub(crate) fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

#[cfg(test)]
thread_local! {
    /// Set by tests to read everything through quick-xml, to check that the fast paths read
    /// exactly what it reads.
    static SLOW_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `false` while a test reads without the fast paths.
#[inline]
fn fast_paths() -> bool {
    #[cfg(test)]
    {
        !SLOW_ONLY.with(|s| s.get())
    }
    #[cfg(not(test))]
    {
        true
    }
}

/// The location of byte `offset` of a file, with element path `path`.
#[cold]
#[inline(never)]
pub(crate) fn location_in(src: &Source<'_>, offset: usize, path: String) -> Location {
    match src.text() {
        Some(text) => {
            let body = src.body();
            let mut l = Location::at(text, offset.saturating_sub(body), path);
            l.offset += body;
            l
        }
        None => Location::at_sjis(src.bytes(), offset, path),
    }
}

/// quick-xml reads a made-up start tag of this length before the file (see [`primed`]).
const PRIME: usize = 3;

/// A reader over `rest` that has already left its initial state, by reading a made-up `<_>`
/// first: in that state quick-xml drops a byte-order mark, which must happen only at the
/// start of a file (where [`Source`] has done it), never where reading resumes, and never at
/// the first token the fast paths leave to quick-xml. Its positions count [`PRIME`] bytes
/// more than were read from `rest`.
fn primed(rest: &[u8]) -> Reader<&[u8]> {
    let mut reader = Reader::from_reader(&b"<_>"[..]);
    let cfg = reader.config_mut();
    // End names are checked here; elements read by the fast paths are unknown to quick-xml,
    // so it must not check them either.
    cfg.check_end_names = false;
    cfg.allow_unmatched_ends = true;
    cfg.expand_empty_elements = false;
    cfg.trim_text(false);
    let _ = reader.read_event();
    *reader.get_mut() = rest;
    reader
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of a file (after its byte-order mark).
    pub(crate) fn new(src: Source<'a>, max_depth: usize) -> Cursor<'a> {
        let mut c = Cursor::resume(src, src.body(), Vec::new(), max_depth);
        c.started = false;
        c
    }

    /// A cursor reading `src` from `offset`, inside the open elements `stack` (used to
    /// continue a document piece by piece).
    pub(crate) fn resume(
        src: Source<'a>,
        offset: usize,
        stack: Vec<Frame<'a>>,
        max_depth: usize,
    ) -> Cursor<'a> {
        let offset = offset.min(src.len());
        Cursor {
            src,
            reader: primed(&src.bytes()[offset..]),
            base: offset,
            stack,
            max_depth: max_depth.clamp(1, HARD_MAX_DEPTH),
            pending_end: false,
            started: true,
            last: offset,
            last_tag: None,
            unknown_left: unknown_budget(src.len()),
            pending: Vec::new(),
        }
    }

    /// Notes a warning about the element starting at `start`. Each counts against the
    /// unmodelled-content budget (its value is kept as an unmodelled element), so a hostile
    /// file of odd values is refused like one of unknown elements.
    #[cold]
    #[inline(never)]
    pub(crate) fn warn(
        &mut self,
        kind: super::warning::WarningKind,
        start: usize,
        value: Option<&str>,
        expected: &str,
    ) -> Result<(), XmlError> {
        self.spend_unknown(1, start)?;
        self.pending.push(super::warning::Pending {
            kind,
            offset: start,
            value: value.map(str::to_string),
            expected: expected.to_string(),
        });
        Ok(())
    }

    /// The warnings noted so far (taken: the cursor's list is emptied).
    pub(crate) fn take_pending(&mut self) -> Vec<super::warning::Pending> {
        std::mem::take(&mut self.pending)
    }

    /// The name of the element being read (the innermost open one).
    pub(crate) fn current_name(&self) -> Cow<'a, str> {
        self.stack
            .last()
            .map_or(Cow::Borrowed(""), |f| self.name_text(f.name))
    }

    /// Offset where the token last returned by [`Cursor::next`] starts (for a text token:
    /// its first character that is not white space).
    pub(crate) fn last_start(&self) -> usize {
        self.last
    }

    /// The location of the first character of text token `t` that is not white space.
    #[cold]
    #[inline(never)]
    pub(crate) fn text_location(&self, t: &str) -> Location {
        let skip = t.len() - t.trim_start().len();
        self.location(self.last + skip, None)
    }

    /// Offset just after the last token read.
    pub(crate) fn position(&self) -> usize {
        self.base + self.reader.buffer_position() as usize - PRIME
    }

    /// The unread bytes, when quick-xml stands exactly at [`Cursor::position`] (between two
    /// tokens). After a text token it has already taken the `<` that follows: then `None`,
    /// and the next token is quick-xml's.
    #[inline]
    fn rest(&self) -> Option<&'a [u8]> {
        let rest: &'a [u8] = self.reader.get_ref();
        (rest.len() + self.position() == self.src.len()).then_some(rest)
    }

    /// Moves past `n` bytes the cursor has read itself (quick-xml's state stays "between
    /// tokens").
    #[inline]
    fn consume(&mut self, n: usize) {
        let r = self.reader.get_mut();
        *r = &r[n..];
        self.base += n;
    }

    /// The element path of the open elements, plus `child` (name, offset) if given.
    #[cold]
    #[inline(never)]
    pub(crate) fn path(&self, child: Option<(&str, usize)>) -> String {
        let mut out = String::new();
        let frames: Vec<(Cow<'_, str>, usize)> = self
            .stack
            .iter()
            .map(|f| (self.name_text(f.name), f.start))
            .chain(child.map(|(n, s)| (Cow::Borrowed(n), s)))
            .collect();
        for (i, (name, start)) in frames.iter().enumerate() {
            out.push('/');
            out.push_str(name);
            if i > 0 {
                let parent = frames[i - 1].1;
                let n = sibling_index(&self.src, parent, *start, name);
                if n > 1 || REPEATABLE.contains(&&**name) {
                    out.push_str(&format!("[{n}]"));
                }
            }
        }
        out
    }

    /// A location at `offset` with the current path (plus `child`).
    #[cold]
    #[inline(never)]
    pub(crate) fn location(&self, offset: usize, child: Option<(&str, usize)>) -> Location {
        location_in(&self.src, offset, self.path(child))
    }

    #[cold]
    #[inline(never)]
    fn syntax(&self, offset: usize, message: impl Into<String>) -> XmlError {
        XmlError::Syntax {
            message: message.into(),
            location: self.location(offset, None),
        }
    }

    #[cold]
    #[inline(never)]
    fn bad_sjis(&self, offset: usize) -> XmlError {
        let mut location = Location::at_bytes(self.src.bytes(), offset);
        location.path = self.path(None);
        XmlError::Encoding {
            message: "invalid Shift_JIS (CP932) bytes".into(),
            location,
        }
    }

    /// `raw` as a slice of the source with the source's lifetime, and its offset (always
    /// inside for the tokens of the slice reader).
    fn slice_of(&self, raw: &[u8]) -> Option<(usize, &'a [u8])> {
        let bytes = self.src.bytes();
        let off = (raw.as_ptr() as usize).checked_sub(bytes.as_ptr() as usize)?;
        Some((off, bytes.get(off..off.checked_add(raw.len())?)?))
    }

    /// The text of token `raw` (at offset `off`): a borrow of the validated text for UTF-8
    /// (no check to repeat); decoded on its own for Shift_JIS (borrowed when ASCII).
    fn decode(&self, off: usize, raw: &'a [u8]) -> Result<Cow<'a, str>, XmlError> {
        match self.src.text() {
            Some(text) => {
                let body = self.src.body();
                off.checked_sub(body)
                    .and_then(|o| text.get(o..o + raw.len()))
                    .map(Cow::Borrowed)
                    .ok_or_else(|| self.syntax(off, "text is not UTF-8"))
            }
            None => decode_sjis_token(raw).map_err(|i| self.bad_sjis(off + i)),
        }
    }

    /// Bytes of the file's encoding that need not come from the source (attribute parts) as
    /// text.
    fn decode_any<'b>(&self, raw: &'b [u8], at: usize) -> Result<Cow<'b, str>, XmlError> {
        match self.src.text() {
            Some(_) => std::str::from_utf8(raw)
                .map(Cow::Borrowed)
                .map_err(|_| self.syntax(at, "text is not UTF-8")),
            None => decode_sjis_token(raw).map_err(|_| self.bad_sjis(at)),
        }
    }

    /// An element name (already checked when it was read) as text, for messages and paths.
    fn name_text(&self, raw: &'a [u8]) -> Cow<'a, str> {
        match self.src.text() {
            Some(_) => String::from_utf8_lossy(raw),
            None => decode_sjis_token(raw).unwrap_or_else(|_| String::from_utf8_lossy(raw)),
        }
    }

    /// The name of a start tag: its bytes in the source, and its text.
    fn name_of(
        &self,
        el: &BytesStart<'_>,
        start: usize,
    ) -> Result<(&'a [u8], Cow<'a, str>), XmlError> {
        let (off, raw) = self
            .slice_of(el.name().into_inner())
            .ok_or_else(|| self.syntax(start, "element name is not text"))?;
        Ok((raw, self.decode(off, raw)?))
    }

    /// In a Shift_JIS file, the attributes of a start tag must be valid Shift_JIS even when
    /// they are not kept (a UTF-8 file was validated whole).
    fn check_attribute_bytes(&self, el: &BytesStart<'_>) -> Result<(), XmlError> {
        let raw = el.attributes_raw();
        if self.src.text().is_some() || raw.is_ascii() {
            return Ok(());
        }
        let off = self.slice_of(raw).map_or(self.last, |(o, _)| o);
        sjis_valid(raw).map_err(|i| self.bad_sjis(off + i))
    }

    /// Checks an element name; modelled elements are matched against literal names, so only
    /// the names of elements kept as unmodelled (and the root) need this.
    pub(crate) fn check_name(&self, name: &str, start: usize) -> Result<(), XmlError> {
        if is_xml_name(name) {
            return Ok(());
        }
        Err(self.syntax(
            start,
            format!(
                "invalid element name <{}>",
                name.chars().take(40).collect::<String>()
            ),
        ))
    }

    /// The text of a text or CDATA token (`raw` at offset `off`), checked, line ends
    /// normalized.
    fn text_of(&self, off: usize, raw: &'a [u8]) -> Result<Cow<'a, str>, XmlError> {
        let cr = scan_text(raw, self.src.text().is_some()).map_err(|i| {
            self.syntax(
                off + i,
                "a character that XML does not allow (control character)",
            )
        })?;
        let s = self.decode(off, raw)?;
        Ok(if cr { normalize_eol(s) } else { s })
    }

    #[cold]
    #[inline(never)]
    fn qx_error(&self, e: quick_xml::Error) -> XmlError {
        let at = (self.base + self.reader.error_position() as usize).saturating_sub(PRIME);
        self.qx_error_at(e, at)
    }

    /// `<Name>` or `</Name>` (of the innermost open element) read straight from the bytes;
    /// `None` leaves the token to quick-xml.
    #[inline]
    fn fast_tag(&mut self) -> Option<Tok<'a>> {
        if !self.started || !fast_paths() {
            return None;
        }
        let rest = self.rest()?;
        if rest.first() != Some(&b'<') {
            return None;
        }
        let at = self.position();
        let second = *rest.get(1)?;
        if second == b'/' {
            let name = self.stack.last()?.name;
            let n = name.len();
            if rest.len() < n + 3 || &rest[2..n + 2] != name || rest[n + 2] != b'>' {
                return None;
            }
            self.consume(n + 3);
            self.stack.pop();
            self.last = at;
            return Some(Tok::End);
        }
        if !(second.is_ascii_alphabetic() || second == b'_' || second == b':')
            || self.stack.len() >= self.max_depth
        {
            return None;
        }
        let len = rest[1..].iter().position(|&b| !NAME_BYTE[usize::from(b)])?;
        if rest[1 + len] != b'>' {
            return None;
        }
        let raw = &rest[1..1 + len];
        // Name bytes are ASCII: the same text in both encodings; a UTF-8 file's text is
        // sliced (checked already), a Shift_JIS file's bytes are checked again (short).
        let name = match self.src.text() {
            Some(text) => {
                let o = at + 1 - self.src.body();
                text.get(o..o + len)?
            }
            None => std::str::from_utf8(raw).ok()?,
        };
        self.consume(len + 2);
        self.stack.push(Frame {
            name: raw,
            start: at,
        });
        self.last_tag = None;
        self.last = at;
        Some(Tok::Start {
            name: Cow::Borrowed(name),
            el: StartTag,
            start: at,
        })
    }

    /// The next token.
    pub(crate) fn next(&mut self) -> Result<Tok<'a>, XmlError> {
        if self.pending_end {
            self.pending_end = false;
            self.stack.pop();
            return Ok(Tok::End);
        }
        if let Some(t) = self.fast_tag() {
            return Ok(t);
        }
        loop {
            let at = self.position();
            self.last = at;
            let ev = self.reader.read_event().map_err(|e| self.qx_error(e))?;
            let first = !self.started;
            self.started = true;
            match ev {
                Event::Decl(_) if first => continue,
                Event::Decl(_) | Event::PI(_) => {
                    return Err(XmlError::Forbidden {
                        what: Forbidden::ProcessingInstruction,
                        location: self.location(at, None),
                    });
                }
                Event::DocType(_) => {
                    return Err(XmlError::Forbidden {
                        what: Forbidden::Doctype,
                        location: self.location(at, None),
                    });
                }
                Event::Comment(c) => {
                    if self.src.text().is_none() {
                        let off = self.slice_of(&c).map_or(at, |(o, _)| o);
                        sjis_valid(&c).map_err(|i| self.bad_sjis(off + i))?;
                    }
                    continue;
                }
                Event::Start(el) | Event::Empty(el) if self.stack.len() >= self.max_depth => {
                    let name = self.name_of(&el, at).map_or(Cow::Borrowed("?"), |(_, n)| n);
                    return Err(XmlError::TooDeep {
                        max: self.max_depth,
                        location: self.location(at, Some((&name, at))),
                    });
                }
                Event::Start(el) => {
                    let (raw, name) = self.name_of(&el, at)?;
                    self.check_attribute_bytes(&el)?;
                    self.stack.push(Frame {
                        name: raw,
                        start: at,
                    });
                    self.last_tag = Some(el);
                    return Ok(Tok::Start {
                        name,
                        el: StartTag,
                        start: at,
                    });
                }
                Event::Empty(el) => {
                    let (raw, name) = self.name_of(&el, at)?;
                    self.check_attribute_bytes(&el)?;
                    self.stack.push(Frame {
                        name: raw,
                        start: at,
                    });
                    self.pending_end = true;
                    self.last_tag = Some(el);
                    return Ok(Tok::Start {
                        name,
                        el: StartTag,
                        start: at,
                    });
                }
                Event::End(e) => {
                    match self.stack.last() {
                        Some(f) if f.name == e.name().as_ref() => {}
                        Some(f) => {
                            let name = self.name_text(f.name);
                            return Err(self.syntax(at, format!("expected </{name}>")));
                        }
                        None => return Err(self.syntax(at, "end tag without a start tag")),
                    }
                    self.stack.pop();
                    return Ok(Tok::End);
                }
                Event::Text(t) => {
                    let (off, raw) = self
                        .slice_of(&t)
                        .ok_or_else(|| self.syntax(at, "text outside the file"))?;
                    return self.text_of(off, raw).map(Tok::Text);
                }
                Event::CData(t) => {
                    let (off, mut raw) = self
                        .slice_of(&t)
                        .ok_or_else(|| self.syntax(at, "text outside the file"))?;
                    if self.src.text().is_none() {
                        raw = self.sjis_cdata(off, raw)?;
                    }
                    return self.text_of(off, raw).map(Tok::Text);
                }
                Event::GeneralRef(r) => {
                    let c = if r.is_char_ref() {
                        match r.resolve_char_ref() {
                            Ok(Some(c)) if is_xml_char(c) => c,
                            _ => {
                                return Err(self.syntax(
                                    at,
                                    "character reference to a character XML does not allow",
                                ));
                            }
                        }
                    } else {
                        match &*r {
                            b"lt" => '<',
                            b"gt" => '>',
                            b"amp" => '&',
                            b"apos" => '\'',
                            b"quot" => '"',
                            _ => {
                                return Err(XmlError::Forbidden {
                                    what: Forbidden::EntityReference,
                                    location: self.location(at, None),
                                });
                            }
                        }
                    };
                    return Ok(Tok::Text(Cow::Owned(c.to_string())));
                }
                Event::Eof => {
                    self.last = self.src.len();
                    if let Some(f) = self.stack.last() {
                        let name = self.name_text(f.name);
                        return Err(
                            self.syntax(self.src.len(), format!("the file ends before </{name}>"))
                        );
                    }
                    return Ok(Tok::Eof);
                }
            }
        }
    }

    /// The content of a Shift_JIS CDATA section quick-xml ended at `raw`'s end: quick-xml
    /// looks for the bytes `]]>`, and `]` may be the trail byte of a two-byte character, so
    /// the real end may lie further. Then the reader moves there.
    #[cold]
    #[inline(never)]
    fn sjis_cdata(&mut self, off: usize, raw: &'a [u8]) -> Result<&'a [u8], XmlError> {
        let bytes = self.src.bytes();
        let end = sjis_cdata_end(&bytes[off..])
            .ok_or_else(|| self.syntax(self.last, "the CDATA section does not end"))?;
        if end > raw.len() {
            let to = off + end + 3;
            let from = self.position();
            if let Some(n) = to.checked_sub(from) {
                self.consume(n);
            }
        }
        Ok(&bytes[off..off + end])
    }

    /// Reads the children of the element just started, calling `f(cursor, name, start_tag,
    /// offset)` for each child element; `f` must consume the child through its end. Text
    /// other than white space is an error.
    pub(crate) fn children<F>(&mut self, mut f: F) -> Result<(), XmlError>
    where
        F: FnMut(&mut Self, &str, StartTag, usize) -> Result<(), XmlError>,
    {
        loop {
            self.skip_blank();
            match self.next()? {
                Tok::Start { name, el, start } => f(self, &name, el, start)?,
                Tok::End => return Ok(()),
                Tok::Text(t) => {
                    if !is_blank(&t) {
                        return Err(XmlError::UnexpectedText {
                            location: self.text_location(&t),
                        });
                    }
                }
                Tok::Eof => return Err(self.syntax(self.last, "unexpected end of file")),
            }
        }
    }

    /// Reads the text of the element just started, through its end; `None` when empty.
    /// A child element is an error.
    pub(crate) fn leaf_text(&mut self) -> Result<Option<Cow<'a, str>>, XmlError> {
        if !self.pending_end
            && fast_paths()
            && let Some(fast) = self.plain_leaf()
        {
            return Ok(fast);
        }
        let mut text: Option<Cow<'a, str>> = None;
        loop {
            match self.next()? {
                Tok::Text(t) => match &mut text {
                    None => text = Some(t),
                    Some(acc) => acc.to_mut().push_str(&t),
                },
                Tok::End => return Ok(text.filter(|t| !t.is_empty())),
                Tok::Start { name, start, .. } => {
                    return Err(XmlError::UnexpectedElement {
                        name: name.into_owned(),
                        location: self.location(start, None),
                    });
                }
                Tok::Eof => return Err(self.syntax(self.last, "unexpected end of file")),
            }
        }
    }

    /// Moves the reader past white space between elements (a text token the caller would
    /// ignore anyway).
    fn skip_blank(&mut self) {
        if self.pending_end || !fast_paths() {
            return;
        }
        let Some(r) = self.rest() else {
            return;
        };
        let k = r
            .iter()
            .position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(r.len());
        if k > 0 {
            self.consume(k);
        }
    }

    /// The common leaf `plain text</name>` read in one step: the text is borrowed (or, in a
    /// Shift_JIS file, decoded on its own) and the reader is moved past the end tag, skipping
    /// two tokens. Anything else (an entity, a control or carriage-return character, a
    /// comment, CDATA, a child, white space in the end tag, bytes that do not decode) returns
    /// `None` and is read token by token.
    fn plain_leaf(&mut self) -> Option<Option<Cow<'a, str>>> {
        let name = self.stack.last()?.name;
        let rest = self.rest()?;
        let lt = memchr::memchr(b'<', rest)?;
        let (text, after) = rest.split_at(lt);
        let n = name.len();
        if after.len() < n + 3
            || after[1] != b'/'
            || after[n + 2] != b'>'
            || &after[2..n + 2] != name
        {
            return None;
        }
        // 0xEF starts U+FFFE/U+FFFF in UTF-8; in Shift_JIS it is an ordinary lead byte.
        let ef = if self.src.text().is_some() { 0xEF } else { 0 };
        let plain = !text
            .iter()
            .fold(false, |a, &x| a | (x < 0x20) | (x == b'&') | (x == ef));
        if !plain {
            return None;
        }
        let pos = self.position();
        let value = if text.is_empty() {
            None
        } else {
            Some(self.decode(pos, text).ok()?)
        };
        self.consume(lt + n + 3);
        self.stack.pop();
        self.last = pos + lt;
        Some(value)
    }

    /// Reads the element just started (`name`, `el`) as an [`UnknownElement`], through its
    /// end. Text next to child elements is kept only when it is not all white space.
    pub(crate) fn unknown(
        &mut self,
        name: &str,
        _el: &StartTag,
        start: usize,
    ) -> Result<UnknownElement, XmlError> {
        self.check_name(name, start)?;
        self.spend_unknown(1, start)?;
        let attributes = match self.last_tag.take() {
            Some(el) => self.attributes(&el, start)?,
            None => Vec::new(),
        };
        self.spend_unknown(attributes.len(), start)?;
        let mut out = UnknownElement {
            name: name.to_string(),
            attributes,
            text: None,
            children: Vec::new(),
        };
        let mut text = String::new();
        loop {
            match self.next()? {
                Tok::Text(t) => text.push_str(&t),
                Tok::Start { name, el, start } => {
                    out.children.push(self.unknown(&name, &el, start)?);
                }
                Tok::End => break,
                Tok::Eof => return Err(self.syntax(self.last, "unexpected end of file")),
            }
        }
        if !text.is_empty() && (out.children.is_empty() || !is_blank(&text)) {
            out.text = Some(text);
        }
        Ok(out)
    }

    /// Counts `n` more unmodelled elements or attributes against the document's budget.
    fn spend_unknown(&mut self, n: usize, start: usize) -> Result<(), XmlError> {
        match self.unknown_left.checked_sub(n) {
            Some(left) => {
                self.unknown_left = left;
                Ok(())
            }
            None => Err(XmlError::TooManyUnknown {
                max: unknown_budget(self.src.len()),
                location: self.location(start, None),
            }),
        }
    }

    /// Skips the element just started, through its end.
    pub(crate) fn skip(&mut self) -> Result<(), XmlError> {
        let depth = self.stack.len();
        while self.stack.len() >= depth {
            if let Tok::Eof = self.next()? {
                return Err(self.syntax(self.last, "unexpected end of file"));
            }
        }
        Ok(())
    }

    /// The attributes of a start tag, unescaped, in document order.
    pub(crate) fn attributes(
        &self,
        el: &BytesStart<'a>,
        start: usize,
    ) -> Result<Vec<(String, String)>, XmlError> {
        let mut out = Vec::new();
        // quick-xml's own duplicate check compares each attribute with every earlier one
        // (quadratic: 50,000 attributes took seconds); a hash set keeps it linear.
        let mut seen: HashSet<&[u8]> = HashSet::new();
        for a in el.attributes().with_checks(false) {
            let a = a.map_err(|e| self.syntax(start, format!("attribute: {e}")))?;
            let raw_key: &[u8] = a.key.into_inner();
            let key = self
                .decode_any(raw_key, start)
                .ok()
                .filter(|k| is_xml_name(k))
                .ok_or_else(|| self.syntax(start, "invalid attribute name"))?;
            if !seen.insert(raw_key) {
                return Err(self.syntax(start, format!("attribute `{key}` appears twice")));
            }
            if a.value.contains(&b'<') {
                return Err(self.syntax(start, "`<` in an attribute value"));
            }
            let value = self.decode_any(&a.value, start)?;
            let value = quick_xml::escape::unescape(&value)
                .map_err(|e| self.qx_error_at(quick_xml::Error::Escape(e), start))?;
            if value.chars().any(|c| !is_xml_char(c)) {
                return Err(
                    self.syntax(start, "a character that XML does not allow in an attribute")
                );
            }
            out.push((key.into_owned(), value.into_owned()));
        }
        Ok(out)
    }

    #[cold]
    #[inline(never)]
    fn qx_error_at(&self, e: quick_xml::Error, at: usize) -> XmlError {
        match e {
            quick_xml::Error::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(..)) => {
                XmlError::Forbidden {
                    what: Forbidden::EntityReference,
                    location: self.location(at, None),
                }
            }
            e => self.syntax(at, e.to_string()),
        }
    }
}

/// 1-based index of the child starting at `child` among the children named `name` of the
/// element starting at `parent`. Rescans the source from `parent` to `child`.
fn sibling_index(src: &Source<'_>, parent: usize, child: usize, name: &str) -> usize {
    let Some(slice) = src.bytes().get(parent..child.max(parent)) else {
        return 1;
    };
    let same = |raw: &[u8]| {
        raw == name.as_bytes()
            || (src.text().is_none()
                && !raw.is_ascii()
                && decode_sjis_token(raw).is_ok_and(|n| n == name))
    };
    let mut r = Reader::from_reader(slice);
    r.config_mut().check_end_names = false;
    let mut depth = 0usize;
    let mut count = 1;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) => {
                if depth == 1 && same(e.name().as_ref()) {
                    count += 1;
                }
                depth += 1;
            }
            Ok(Event::Empty(e)) => {
                if depth == 1 && same(e.name().as_ref()) {
                    count += 1;
                }
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) | Err(_) => return count,
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(x: &str) -> Source<'_> {
        crate::xml::encoding::source(x.as_bytes()).unwrap()
    }

    fn first_error(x: &str) -> XmlError {
        let mut c = Cursor::new(src(x), 32);
        loop {
            match c.next() {
                Ok(Tok::Eof) => panic!("no error in {x}"),
                Ok(_) => {}
                Err(e) => return e,
            }
        }
    }

    #[test]
    fn names() {
        assert!(is_xml_name("XmlMsg"));
        assert!(is_xml_name("見本"));
        assert!(!is_xml_name("1a"));
        assert!(!is_xml_name(""));
        assert!(!is_xml_name("a\"b"));
    }

    #[test]
    fn refusals() {
        assert!(matches!(
            first_error("<!DOCTYPE x [<!ENTITY e \"x\">]><x>&e;</x>"),
            XmlError::Forbidden {
                what: Forbidden::Doctype,
                ..
            }
        ));
        assert!(matches!(
            first_error("<x>&e;</x>"),
            XmlError::Forbidden {
                what: Forbidden::EntityReference,
                ..
            }
        ));
        assert!(matches!(
            first_error("<x><?php x?></x>"),
            XmlError::Forbidden {
                what: Forbidden::ProcessingInstruction,
                ..
            }
        ));
        assert!(matches!(
            first_error("<x>&#0;</x>"),
            XmlError::Syntax { .. }
        ));
        assert!(matches!(
            first_error("<x>\u{1}</x>"),
            XmlError::Syntax { .. }
        ));
        let e = first_error("<a><b></b><b><c></b></a>");
        assert_eq!(e.location().unwrap().path, "/a/b[2]/c");
    }

    #[test]
    fn depth_limit() {
        let x = "<a>".repeat(40);
        let e = first_error(&x);
        assert!(matches!(e, XmlError::TooDeep { max: 32, .. }), "{e:?}");
    }

    fn sjis(s: &str) -> Vec<u8> {
        encoding_rs::SHIFT_JIS.encode(s).0.into_owned()
    }

    const SJIS_DECL: &str = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n";
    const HEADER: &str = "<MessageHeader><SegmentOfResult>1</SegmentOfResult></MessageHeader>";

    /// Parses `bytes` with and without the fast paths: both give the same answer (the same
    /// message, or the same error at the same place).
    fn both_ways(bytes: &[u8]) -> Result<crate::xml::Document, XmlError> {
        let fast = crate::xml::parse(bytes);
        SLOW_ONLY.with(|s| s.set(true));
        let slow = crate::xml::parse(bytes);
        SLOW_ONLY.with(|s| s.set(false));
        assert_eq!(
            format!("{fast:?}"),
            format!("{slow:?}"),
            "{}",
            String::from_utf8_lossy(bytes)
        );
        fast
    }

    #[test]
    fn fast_paths_read_what_quick_xml_reads() {
        use crate::xml::Encoding;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut files = 0;
        for dir in ["utf8", "sjis", "malformed", "fuzz"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let bytes = std::fs::read(entry.unwrap().path()).unwrap();
                // Each file, and its message written in both encodings.
                if let Ok(doc) = both_ways(&bytes) {
                    for enc in [Encoding::Utf8, Encoding::ShiftJis] {
                        if let Ok(b) = crate::xml::write(&doc.message, enc) {
                            both_ways(&b).unwrap();
                        }
                    }
                }
                files += 1;
            }
        }
        assert!(files > 100, "{files}");
        // Shapes the fixtures have few of, each on one side of a fast path or the other.
        let bodies = [
            "<QualificationValidity >1</QualificationValidity>",
            "<QualificationValidity>1</QualificationValidity >",
            "<!-- c --><QualificationValidity>1</QualificationValidity>",
            "  <!-- c -->  <QualificationValidity>1<!--x--></QualificationValidity>\n",
            "<QualificationValidity><![CDATA[1]]></QualificationValidity>",
            "<QualificationValidity>&#x31;</QualificationValidity>",
            "<QualificationValidity a=\"b\">1</QualificationValidity>",
            "<QualificationValidity/><ReferenceNumber>R</ReferenceNumber>",
            "<Vendor x=\"見本\">見<b>本</b>&amp;</Vendor>",
            "<見本>値</見本><見本/>",
            "<QualificationValidity>1</Other>",
            "<!--c-->  < b/>",
            "\r\n<QualificationValidity>1\r</QualificationValidity>",
            "<QualificationValidity>1</QualificationValidity>x",
            "<_a>1</_a><a:b>2</a:b><a-b.c>3</a-b.c>",
            "<1a>1</1a>",
            "<QualificationValidity>\u{FEFF}1</QualificationValidity>",
            "<QualificationValidity>1</QualificationValidity",
            "<a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a></a>",
        ];
        for body in bodies {
            let x = format!("<XmlMsg>{HEADER}<MessageBody>{body}</MessageBody></XmlMsg>");
            let r = both_ways(x.as_bytes());
            let s = both_ways(&sjis(&format!("{SJIS_DECL}{x}")));
            assert_eq!(r.is_ok(), s.is_ok(), "{body}");
        }
        // White space then `<` then a space is not a tag, however it is reached.
        let x = format!("<XmlMsg>{HEADER}<MessageBody><!--c-->  < b/></MessageBody></XmlMsg>");
        assert!(both_ways(x.as_bytes()).is_err());
    }

    #[test]
    fn shift_jis_is_decoded_token_by_token() {
        use crate::xml::{Encoding, Message};
        // ゾ is 83 5D: its trail byte is `]`, so the bytes `]]>` occur inside this CDATA
        // section, which does not end there.
        let x = sjis(&format!(
            "{SJIS_DECL}<XmlMsg>{HEADER}<Vendor><![CDATA[ゾ]>x]]></Vendor>\
             <見本 属性=\"値&amp;\">テキスト</見本></XmlMsg>"
        ));
        let doc = both_ways(&x).unwrap();
        assert_eq!(doc.encoding, Encoding::ShiftJis);
        let Message::QualificationResponse(r) = &doc.message else {
            panic!("{:?}", doc.message)
        };
        assert_eq!(r.extra_root[0].text.as_deref(), Some("ゾ]>x"));
        assert_eq!(r.extra_root[1].name, "見本");
        assert_eq!(
            r.extra_root[1].attributes,
            vec![("属性".to_string(), "値&".to_string())]
        );
        assert_eq!(r.extra_root[1].text.as_deref(), Some("テキスト"));

        // Bytes that are not Shift_JIS are refused wherever they are, also where nothing is
        // kept: in a comment, in an attribute of a modelled element.
        for (body, bad) in [
            (&b"<!-- \x82 -->"[..], 5),
            (&b"<SegmentOfResult a=\"\x82\">1</SegmentOfResult>"[..], 20),
            (&b"<Name>\x82</Name>"[..], 6),
        ] {
            let mut x = format!("{SJIS_DECL}<XmlMsg><MessageHeader>").into_bytes();
            let at = x.len() + bad;
            x.extend_from_slice(body);
            x.extend_from_slice(b"</MessageHeader></XmlMsg>");
            let e = both_ways(&x).unwrap_err();
            assert_eq!(e.code(), 201, "{e}");
            assert_eq!(e.location().unwrap().offset, at, "{e}");
        }
    }

    #[test]
    fn locations_are_input_offsets_and_character_columns() {
        // The same error in both encodings: the same line and column (in characters), each
        // at its own byte offset in the input.
        let line2 = "  <漢字>あ</漢字><Bad>&e;</Bad>";
        let x = format!("<XmlMsg>\n{line2}\n</XmlMsg>");
        let prefix = "  <漢字>あ</漢字><Bad>";
        let utf8 = both_ways(x.as_bytes()).unwrap_err();
        let s = sjis(&x);
        let shift = both_ways(&s).unwrap_err();
        for (e, offset) in [
            (&utf8, "<XmlMsg>\n".len() + prefix.len()),
            (&shift, "<XmlMsg>\n".len() + sjis(prefix).len()),
        ] {
            let l = e.location().unwrap();
            assert_eq!((l.line, l.column, l.offset), (2, 18, offset), "{e}");
            assert_eq!(l.path, "/XmlMsg/Bad");
        }
        // After a UTF-8 byte-order mark: offsets count it, columns do not.
        let e = both_ways("\u{FEFF}<XmlMsg>&e;</XmlMsg>".as_bytes()).unwrap_err();
        let l = e.location().unwrap();
        assert_eq!((l.line, l.column, l.offset), (1, 9, 11), "{e}");
    }

    #[test]
    fn many_attributes_are_checked_in_one_pass() {
        // Every attribute used to be compared with every earlier one (a 0.55 MB face file
        // with 50,000 attributes took seconds); a hash set finds duplicates in one pass.
        let attrs = |n: usize| -> String { (0..n).map(|i| format!(" a{i}=\"v\"")).collect() };
        let x = format!(
            "<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult></MessageHeader><Vendor{}/></XmlMsg>",
            attrs(5_000)
        );
        let doc = crate::xml::parse(x.as_bytes()).unwrap();
        let crate::xml::Message::QualificationResponse(r) = &doc.message else {
            panic!("{:?}", doc.message)
        };
        let v = r.extra_root.iter().find(|e| e.name == "Vendor").unwrap();
        assert_eq!(v.attributes.len(), 5_000);
        // A duplicate is still found, also far from its first occurrence.
        let dup = format!("<XmlMsg><Vendor{} a7=\"w\"/></XmlMsg>", attrs(5_000));
        let e = crate::xml::parse(dup.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("`a7` appears twice"), "{e}");
        // The hostile 50,000: each attribute kept costs memory, so they count against the
        // unmodelled-content budget and the file is refused (after one linear pass).
        let x = format!("<XmlMsg><Vendor{}/></XmlMsg>", attrs(50_000));
        let e = crate::xml::parse(x.as_bytes()).unwrap_err();
        assert!(matches!(e, XmlError::TooManyUnknown { .. }), "{e}");
    }

    #[test]
    fn unknown_capture_is_bounded() {
        // 7 MB of tiny unmodelled elements, nested a few levels: refused with a location
        // instead of taking gigabytes.
        let unit = "<u><v/><v/><v/><v/><v/><v/><v/><v/></u>";
        let body = unit.repeat(7_000_000 / unit.len());
        let x = format!("<XmlMsg><Vendor>{body}</Vendor></XmlMsg>");
        let e = crate::xml::parse(x.as_bytes()).unwrap_err();
        match &e {
            XmlError::TooManyUnknown { max, location } => {
                assert_eq!(*max, unknown_budget(x.len()));
                assert!(location.path.starts_with("/XmlMsg/Vendor"), "{location}");
            }
            other => panic!("{other}"),
        }
        assert_eq!(e.code(), 213);
        // A real file's few unmodelled elements are far below the budget.
        let few = "<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult><NewThing a=\"1\">x</NewThing></MessageHeader></XmlMsg>";
        assert!(crate::xml::parse(few.as_bytes()).is_ok());
        assert!(unknown_budget(0) >= UNKNOWN_ELEMENT_ALLOWANCE);
    }

    #[test]
    fn text_pieces_and_entities() {
        let mut c = Cursor::new(src("<a>x &amp; &#x3042;\r\ny</a>"), 8);
        assert!(matches!(c.next().unwrap(), Tok::Start { name, .. } if name == "a"));
        assert_eq!(c.leaf_text().unwrap().unwrap(), "x & あ\ny");
    }
}
