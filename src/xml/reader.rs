//! The safe event loop under every parser: quick-xml's reader over decoded text, with the
//! limits and refusals of the interface, and locations for every error.
//!
//! * Refused: `<!DOCTYPE …>` (so no entity can be declared), references to entities other
//!   than the five predefined ones, processing instructions, an XML declaration anywhere but
//!   at the start, characters XML does not allow (raw or as `&#…;`), invalid element names.
//! * Limits: nesting depth ([`Limits::max_depth`](super::Limits), and never more than
//!   [`HARD_MAX_DEPTH`]); the size limit is applied before decoding.
//! * Locations: the element path is the stack of open elements; a sibling index (`[2]`) is
//!   computed only when an error is reported, by rescanning the parent, so the hot path does
//!   no bookkeeping beyond a push and a pop.

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
    /// Its name.
    pub name: &'a str,
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
        /// The element name.
        name: &'a str,
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

/// A pull parser over decoded text.
pub(crate) struct Cursor<'a> {
    src: &'a str,
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

/// Checks text for characters XML does not allow: `Err(offset)` of the first; otherwise
/// whether it holds a carriage return (to normalize). One pass over the bytes.
fn scan_text(s: &str) -> Result<bool, usize> {
    let b = s.as_bytes();
    let mut cr = false;
    // Whole chunks without a control byte or 0xEF (the lead byte of U+FFFE/U+FFFF) are
    // skipped with one branch; the test vectorizes.
    let mut start = 0;
    for chunk in b.chunks(32) {
        let suspect = chunk
            .iter()
            .fold(false, |a, &x| a | (x < 0x20) | (x == 0xEF));
        if suspect {
            for (j, &x) in chunk.iter().enumerate() {
                let i = start + j;
                if x < 0x20 {
                    match x {
                        b'\t' | b'\n' => {}
                        b'\r' => cr = true,
                        _ => return Err(i),
                    }
                } else if x == 0xEF
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

impl<'a> Cursor<'a> {
    /// A cursor at the start of `src`.
    pub(crate) fn new(src: &'a str, max_depth: usize) -> Cursor<'a> {
        Cursor::resume(src, 0, Vec::new(), max_depth)
    }

    /// A cursor reading `src` from `offset`, inside the open elements `stack` (used to
    /// continue a document piece by piece).
    pub(crate) fn resume(
        src: &'a str,
        offset: usize,
        stack: Vec<Frame<'a>>,
        max_depth: usize,
    ) -> Cursor<'a> {
        let offset = offset.min(src.len());
        let mut reader = Reader::from_str(&src[offset..]);
        let cfg = reader.config_mut();
        // End names are checked here (also when resuming inside a document).
        cfg.check_end_names = false;
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
        cfg.allow_unmatched_ends = offset > 0;
        Cursor {
            src,
            reader,
            base: offset,
            stack,
            max_depth: max_depth.clamp(1, HARD_MAX_DEPTH),
            pending_end: false,
            started: offset > 0,
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
    pub(crate) fn current_name(&self) -> &'a str {
        self.stack.last().map_or("", |f| f.name)
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

    /// Offset just after the last event read.
    pub(crate) fn position(&self) -> usize {
        self.base + self.reader.buffer_position() as usize
    }

    /// The element path of the open elements, plus `child` (name, offset) if given.
    #[cold]
    #[inline(never)]
    pub(crate) fn path(&self, child: Option<(&str, usize)>) -> String {
        let mut out = String::new();
        let frames: Vec<(&str, usize)> = self
            .stack
            .iter()
            .map(|f| (f.name, f.start))
            .chain(child)
            .collect();
        for (i, (name, start)) in frames.iter().enumerate() {
            out.push('/');
            out.push_str(name);
            if i > 0 {
                let parent = frames[i - 1].1;
                let n = sibling_index(self.src, parent, *start, name);
                if n > 1 || REPEATABLE.contains(name) {
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
        Location::at(self.src, offset, self.path(child))
    }

    #[cold]
    #[inline(never)]
    fn syntax(&self, offset: usize, message: impl Into<String>) -> XmlError {
        XmlError::Syntax {
            message: message.into(),
            location: self.location(offset, None),
        }
    }

    /// The text of `raw` if it lies inside the source (always so for events of the slice
    /// reader): a borrow, with no UTF-8 check to repeat.
    fn borrow(&self, raw: &[u8]) -> Option<&'a str> {
        let base = self.src.as_ptr() as usize;
        let p = raw.as_ptr() as usize;
        let off = p.checked_sub(base)?;
        self.src.get(off..off.checked_add(raw.len())?)
    }

    fn name_of(&self, el: &BytesStart<'_>, start: usize) -> Result<&'a str, XmlError> {
        let name = self
            .borrow(el.name().into_inner())
            .ok_or_else(|| self.syntax(start, "element name is not text"))?;
        Ok(name)
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

    /// The text of a text or CDATA event, checked, line ends normalized.
    fn text_of(
        &self,
        raw: &[u8],
        fallback: impl FnOnce() -> Option<Cow<'a, str>>,
        at: usize,
    ) -> Result<Cow<'a, str>, XmlError> {
        let s = match self.borrow(raw) {
            Some(s) => Cow::Borrowed(s),
            None => fallback().ok_or_else(|| self.syntax(at, "text is not UTF-8"))?,
        };
        match scan_text(&s) {
            Ok(false) => Ok(s),
            Ok(true) => Ok(normalize_eol(s)),
            Err(i) => Err(self.syntax(
                at + i,
                "a character that XML does not allow (control character)",
            )),
        }
    }

    #[cold]
    #[inline(never)]
    fn qx_error(&self, e: quick_xml::Error) -> XmlError {
        let at = self.base + self.reader.error_position() as usize;
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

    /// The next token.
    pub(crate) fn next(&mut self) -> Result<Tok<'a>, XmlError> {
        if self.pending_end {
            self.pending_end = false;
            self.stack.pop();
            return Ok(Tok::End);
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
                Event::Comment(_) => continue,
                Event::Start(el) | Event::Empty(el) if self.stack.len() >= self.max_depth => {
                    let name = self.name_of(&el, at).unwrap_or("?");
                    return Err(XmlError::TooDeep {
                        max: self.max_depth,
                        location: self.location(at, Some((name, at))),
                    });
                }
                Event::Start(el) => {
                    let name = self.name_of(&el, at)?;
                    self.stack.push(Frame { name, start: at });
                    self.last_tag = Some(el);
                    return Ok(Tok::Start {
                        name,
                        el: StartTag,
                        start: at,
                    });
                }
                Event::Empty(el) => {
                    let name = self.name_of(&el, at)?;
                    self.stack.push(Frame { name, start: at });
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
                        Some(f) if f.name.as_bytes() == e.name().as_ref() => {}
                        Some(f) => {
                            let name = f.name;
                            return Err(self.syntax(at, format!("expected </{name}>")));
                        }
                        None => return Err(self.syntax(at, "end tag without a start tag")),
                    }
                    self.stack.pop();
                    return Ok(Tok::End);
                }
                Event::Text(t) => {
                    return self.text_of(&t, || t.decode().ok(), at).map(Tok::Text);
                }
                Event::CData(t) => {
                    return self.text_of(&t, || t.decode().ok(), at).map(Tok::Text);
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
                        let name = f.name;
                        return Err(
                            self.syntax(self.src.len(), format!("the file ends before </{name}>"))
                        );
                    }
                    return Ok(Tok::Eof);
                }
            }
        }
    }

    /// Reads the children of the element just started, calling `f(cursor, name, start_tag,
    /// offset)` for each child element; `f` must consume the child through its end. Text
    /// other than white space is an error.
    pub(crate) fn children<F>(&mut self, mut f: F) -> Result<(), XmlError>
    where
        F: FnMut(&mut Self, &'a str, StartTag, usize) -> Result<(), XmlError>,
    {
        loop {
            self.skip_blank();
            match self.next()? {
                Tok::Start { name, el, start } => f(self, name, el, start)?,
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
                        name: name.to_string(),
                        location: self.location(start, None),
                    });
                }
                Tok::Eof => return Err(self.syntax(self.last, "unexpected end of file")),
            }
        }
    }

    /// Moves the reader past white space between elements (a text event the caller would
    /// ignore anyway).
    fn skip_blank(&mut self) {
        if self.pending_end {
            return;
        }
        let r = self.reader.get_mut();
        let k = r
            .iter()
            .position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(r.len());
        if k > 0 {
            *r = &r[k..];
            self.base += k;
        }
    }

    /// The common leaf `plain text</name>` read in one step: the text is borrowed and the
    /// reader is moved past the end tag, skipping two events. Anything else (an entity, a
    /// control or carriage-return character, a comment, CDATA, a child, white space in the
    /// end tag) returns `None` and is read event by event.
    fn plain_leaf(&mut self) -> Option<Option<Cow<'a, str>>> {
        let name = self.stack.last()?.name;
        let pos = self.position();
        let rest = self.src.get(pos..)?;
        // The reader must be exactly here (it always is after a start tag).
        if self.reader.get_ref().as_ptr() != rest.as_ptr() {
            return None;
        }
        let lt = rest.find('<')?;
        let (text, after) = rest.split_at(lt);
        let after = after.as_bytes();
        let n = name.len();
        if after.len() < n + 3
            || after[1] != b'/'
            || after[n + 2] != b'>'
            || &after[2..n + 2] != name.as_bytes()
        {
            return None;
        }
        let plain = !text
            .as_bytes()
            .iter()
            .fold(false, |a, &x| a | (x < 0x20) | (x == b'&') | (x == 0xEF));
        if !plain {
            return None;
        }
        let consumed = lt + n + 3;
        let r = self.reader.get_mut();
        *r = r.get(consumed..)?;
        self.base += consumed;
        self.stack.pop();
        self.last = pos + lt;
        Some((!text.is_empty()).then_some(Cow::Borrowed(text)))
    }

    /// Reads the element just started (`name`, `el`) as an [`UnknownElement`], through its
    /// end. Text next to child elements is kept only when it is not all white space.
    pub(crate) fn unknown(
        &mut self,
        name: &'a str,
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
                    out.children.push(self.unknown(name, &el, start)?);
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
                .borrow(raw_key)
                .filter(|k| is_xml_name(k))
                .ok_or_else(|| self.syntax(start, "invalid attribute name"))?;
            if !seen.insert(key.as_bytes()) {
                return Err(self.syntax(start, format!("attribute `{key}` appears twice")));
            }
            if a.value.contains(&b'<') {
                return Err(self.syntax(start, "`<` in an attribute value"));
            }
            let value = a.unescape_value().map_err(|e| self.qx_error_at(e, start))?;
            if value.chars().any(|c| !is_xml_char(c)) {
                return Err(
                    self.syntax(start, "a character that XML does not allow in an attribute")
                );
            }
            out.push((key.to_string(), value.into_owned()));
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

/// 1-based index of the child starting at `child` among the same-named children of the
/// element starting at `parent`. Rescans `src[parent..child]`.
fn sibling_index(src: &str, parent: usize, child: usize, name: &str) -> usize {
    let Some(slice) = src.get(parent..child.max(parent)) else {
        return 1;
    };
    let mut r = Reader::from_str(slice);
    r.config_mut().check_end_names = false;
    let mut depth = 0usize;
    let mut count = 1;
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) => {
                if depth == 1 && e.name().as_ref() == name.as_bytes() {
                    count += 1;
                }
                depth += 1;
            }
            Ok(Event::Empty(e)) => {
                if depth == 1 && e.name().as_ref() == name.as_bytes() {
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

    fn first_error(x: &str) -> XmlError {
        let mut c = Cursor::new(x, 32);
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
        let mut c = Cursor::new("<a>x &amp; &#x3042;\r\ny</a>", 8);
        assert!(matches!(c.next().unwrap(), Tok::Start { name: "a", .. }));
        assert_eq!(c.leaf_text().unwrap().unwrap(), "x & あ\ny");
    }
}
