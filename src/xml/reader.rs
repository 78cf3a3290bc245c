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

/// No document may nest deeper than this, whatever the limits say (recursion guard).
pub const HARD_MAX_DEPTH: usize = 256;

/// Elements that repeat by design: paths always show their index (`[1]`, `[2]` …).
pub(crate) const REPEATABLE: &[&str] = &[
    "ResultOfQualificationConfirmation",
    "BulkConfirmUnit",
    "QualificationConfirmSearchInfo",
    "ReferenceNumberRegistrationInfo",
    "SpecificDiseasesCertificateInfo",
    "MedicalTicketInfo",
];

/// An open element.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame<'a> {
    /// Its name.
    pub name: &'a str,
    /// Offset of its `<` in the text.
    pub start: usize,
}

/// What the cursor yields.
pub(crate) enum Tok<'a> {
    /// An element starts (also for `<empty/>`, which is followed by [`Tok::End`]).
    Start {
        /// The element name.
        name: &'a str,
        /// The start tag (for attributes).
        el: BytesStart<'a>,
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
}

/// `true` for a character XML 1.0 allows in text.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

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
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// Finds the first character XML does not allow; fast on bytes.
fn first_bad_char(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x < 0x20 && x != b'\t' && x != b'\n' && x != b'\r' {
            return Some(i);
        }
        if x == 0xEF
            && i + 2 < b.len()
            && b[i + 1] == 0xBF
            && (b[i + 2] == 0xBE || b[i + 2] == 0xBF)
        {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// XML end-of-line handling: `\r\n` and a lone `\r` become `\n`.
fn normalize_eol(s: Cow<'_, str>) -> Cow<'_, str> {
    if !s.as_bytes().contains(&b'\r') {
        return s;
    }
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
        cfg.check_end_names = true;
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
        }
    }

    /// Offset where the token last returned by [`Cursor::next`] starts (for a text token:
    /// its first character that is not white space).
    pub(crate) fn last_start(&self) -> usize {
        self.last
    }

    /// Offset just after the last event read.
    pub(crate) fn position(&self) -> usize {
        self.base + self.reader.buffer_position() as usize
    }

    /// The element path of the open elements, plus `child` (name, offset) if given.
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
    pub(crate) fn location(&self, offset: usize, child: Option<(&str, usize)>) -> Location {
        Location::at(self.src, offset, self.path(child))
    }

    fn syntax(&self, offset: usize, message: impl Into<String>) -> XmlError {
        XmlError::Syntax {
            message: message.into(),
            location: self.location(offset, None),
        }
    }

    fn name_of(&self, el: &BytesStart<'_>, start: usize) -> Result<&'a str, XmlError> {
        let raw = el.name().into_inner();
        let off = (raw.as_ptr() as usize).wrapping_sub(self.src.as_ptr() as usize);
        let name = off
            .checked_add(raw.len())
            .filter(|&end| end <= self.src.len())
            .and_then(|end| self.src.get(off..end))
            .filter(|s| s.as_bytes() == raw)
            .ok_or_else(|| self.syntax(start, "element name is not text"))?;
        if !is_xml_name(name) {
            return Err(self.syntax(
                start,
                format!(
                    "invalid element name <{}>",
                    name.chars().take(40).collect::<String>()
                ),
            ));
        }
        Ok(name)
    }

    fn check_text(&self, s: &str, offset: usize) -> Result<(), XmlError> {
        match first_bad_char(s) {
            None => Ok(()),
            Some(i) => Err(self.syntax(
                offset + i,
                "a character that XML does not allow (control character)",
            )),
        }
    }

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
                    return Ok(Tok::Start {
                        name,
                        el,
                        start: at,
                    });
                }
                Event::Empty(el) => {
                    let name = self.name_of(&el, at)?;
                    self.stack.push(Frame { name, start: at });
                    self.pending_end = true;
                    return Ok(Tok::Start {
                        name,
                        el,
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
                    let s = t.decode().map_err(|e| self.syntax(at, e.to_string()))?;
                    self.check_text(&s, at)?;
                    self.last = at + (s.len() - s.trim_start().len());
                    return Ok(Tok::Text(normalize_eol(s)));
                }
                Event::CData(t) => {
                    let s = t.decode().map_err(|e| self.syntax(at, e.to_string()))?;
                    self.check_text(&s, at)?;
                    return Ok(Tok::Text(normalize_eol(s)));
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
        F: FnMut(&mut Self, &'a str, BytesStart<'a>, usize) -> Result<(), XmlError>,
    {
        loop {
            match self.next()? {
                Tok::Start { name, el, start } => f(self, name, el, start)?,
                Tok::End => return Ok(()),
                Tok::Text(t) => {
                    if !is_blank(&t) {
                        return Err(XmlError::UnexpectedText {
                            location: self.location(self.last, None),
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

    /// Reads the element just started (`name`, `el`) as an [`UnknownElement`], through its
    /// end. Text next to child elements is kept only when it is not all white space.
    pub(crate) fn unknown(
        &mut self,
        name: &'a str,
        el: &BytesStart<'a>,
        start: usize,
    ) -> Result<UnknownElement, XmlError> {
        let mut out = UnknownElement {
            name: name.to_string(),
            attributes: self.attributes(el, start)?,
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
        for a in el.attributes() {
            let a = a.map_err(|e| self.syntax(start, format!("attribute: {e}")))?;
            let key = std::str::from_utf8(a.key.into_inner())
                .ok()
                .filter(|k| is_xml_name(k))
                .ok_or_else(|| self.syntax(start, "invalid attribute name"))?;
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
    fn text_pieces_and_entities() {
        let mut c = Cursor::new("<a>x &amp; &#x3042;\r\ny</a>", 8);
        assert!(matches!(c.next().unwrap(), Tok::Start { name: "a", .. }));
        assert_eq!(c.leaf_text().unwrap().unwrap(), "x & あ\ny");
    }
}
