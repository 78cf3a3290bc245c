//! A lenient BER-TLV reader for the card's data.
//!
//! The card's files use private-class tags with multi-byte tag numbers (`DF 22`, `FF 20`) and
//! lengths in short form or `81`/`82`/`83` long form. Strict DER readers reject what the card
//! sends, so this reader checks only what it needs to stay in bounds: no minimal-length or
//! ordering checks, and nesting is limited to [`MAX_DEPTH`] levels. It never panics.
//!
//! ```
//! use onshi::card::tlv::{self, Tag};
//! let bytes = [0xFF, 0x20, 0x82, 0x00, 0x04, 0xDF, 0x25, 0x01, b'2'];
//! let outer = tlv::parse_one(&bytes, 0).unwrap();
//! assert_eq!(outer.tag, Tag::from_bytes(&[0xFF, 0x20]).unwrap());
//! assert!(outer.tag.is_constructed());
//! let children = outer.children().unwrap();
//! assert_eq!(children[0].tag.number(), 0x25);
//! assert_eq!(children[0].value, b"2");
//! ```

use super::CardError;
use std::fmt;

/// How deep [`Tlv::children`] and [`walk`] descend into constructed elements.
pub const MAX_DEPTH: usize = 8;

/// A BER tag: up to 4 bytes as they appear on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag {
    bytes: [u8; 4],
    len: u8,
}

/// The class of a tag (the top two bits of its first byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TagClass {
    /// `00`: universal.
    Universal,
    /// `01`: application.
    Application,
    /// `10`: context-specific.
    Context,
    /// `11`: private (the card's own tags).
    Private,
}

impl Tag {
    /// A tag from its wire bytes (1–4 bytes, well-formed). `None` otherwise.
    pub fn from_bytes(bytes: &[u8]) -> Option<Tag> {
        let (tag, used) = read_tag(bytes, 0).ok()?;
        (used == bytes.len()).then_some(tag)
    }

    /// The wire bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len).min(4)]
    }

    /// The class.
    pub fn class(&self) -> TagClass {
        match self.bytes[0] >> 6 {
            0 => TagClass::Universal,
            1 => TagClass::Application,
            2 => TagClass::Context,
            _ => TagClass::Private,
        }
    }

    /// `true` when the element holds other elements.
    pub fn is_constructed(&self) -> bool {
        self.bytes[0] & 0x20 != 0
    }

    /// The tag number (e.g. `0x22` for `DF 22`).
    pub fn number(&self) -> u32 {
        let first = self.bytes[0] & 0x1F;
        if first != 0x1F {
            return u32::from(first);
        }
        self.as_bytes()
            .iter()
            .skip(1)
            .fold(0u32, |n, b| (n << 7) | u32::from(b & 0x7F))
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tag(")?;
        for (i, b) in self.as_bytes().iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{b:02X}")?;
        }
        f.write_str(")")
    }
}

/// One element: its tag, its value bytes and where it starts in the parsed buffer.
/// `Debug` shows the value's length, not its bytes (they may be personal data).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag.
    pub tag: Tag,
    /// The value bytes.
    pub value: &'a [u8],
    /// Offset of the tag's first byte in the buffer given to the parser.
    pub offset: usize,
    /// Offset of the first value byte in that buffer.
    pub value_offset: usize,
}

impl fmt::Debug for Tlv<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Tlv({:?}, {} bytes at {})",
            self.tag,
            self.value.len(),
            self.offset
        )
    }
}

impl<'a> Tlv<'a> {
    /// The elements inside this one's value (one level), parsed as a sequence.
    pub fn children(&self) -> Result<Vec<Tlv<'a>>, CardError> {
        parse_all_at(self.value, self.value_offset)
    }
}

fn malformed(offset: usize, what: &'static str) -> CardError {
    CardError::MalformedData { offset, what }
}

fn read_tag(buf: &[u8], pos: usize) -> Result<(Tag, usize), CardError> {
    let first = *buf.get(pos).ok_or(malformed(pos, "missing tag"))?;
    let mut bytes = [first, 0, 0, 0];
    let mut len = 1usize;
    if first & 0x1F == 0x1F {
        loop {
            let b = *buf
                .get(pos + len)
                .ok_or(malformed(pos + len, "tag runs past the end"))?;
            if len >= 4 {
                return Err(malformed(pos, "tag longer than 4 bytes"));
            }
            bytes[len] = b;
            len += 1;
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    // len ≤ 4 here.
    Ok((
        Tag {
            bytes,
            len: len as u8,
        },
        len,
    ))
}

fn read_len(buf: &[u8], pos: usize) -> Result<(usize, usize), CardError> {
    let first = *buf.get(pos).ok_or(malformed(pos, "missing length"))?;
    match first {
        0x00..=0x7F => Ok((usize::from(first), 1)),
        0x81..=0x83 => {
            let n = usize::from(first & 0x7F);
            let bytes = buf
                .get(pos + 1..pos + 1 + n)
                .ok_or(malformed(pos, "length runs past the end"))?;
            let value = bytes.iter().fold(0usize, |v, b| (v << 8) | usize::from(*b));
            Ok((value, 1 + n))
        }
        0x80 => Err(malformed(pos, "indefinite length")),
        _ => Err(malformed(pos, "length longer than 3 bytes")),
    }
}

/// Parses the element that starts at `pos` in `buf`. Bytes after it are ignored.
pub fn parse_one(buf: &[u8], pos: usize) -> Result<Tlv<'_>, CardError> {
    let (tag, tag_len) = read_tag(buf, pos)?;
    let (len, len_len) = read_len(buf, pos + tag_len)?;
    let value_offset = pos + tag_len + len_len;
    let end = value_offset
        .checked_add(len)
        .ok_or(malformed(pos, "length overflows"))?;
    let value = buf
        .get(value_offset..end)
        .ok_or(malformed(pos, "value runs past the end"))?;
    Ok(Tlv {
        tag,
        value,
        offset: pos,
        value_offset,
    })
}

/// The size of the header (tag + length bytes) and of the value of the element at the start of
/// `buf`, reading only the header: how many bytes a reader must fetch in total.
///
/// ```
/// use onshi::card::tlv::header;
/// assert_eq!(header(&[0xFF, 0x20, 0x82, 0x01, 0x00]).unwrap(), (5, 256));
/// assert_eq!(header(&[0xDF, 0x22, 0x81, 0x90]).unwrap(), (4, 0x90));
/// ```
pub fn header(buf: &[u8]) -> Result<(usize, usize), CardError> {
    let (_, tag_len) = read_tag(buf, 0)?;
    let (len, len_len) = read_len(buf, tag_len)?;
    Ok((tag_len + len_len, len))
}

/// Parses a sequence of elements filling all of `buf`. Padding bytes `00` or `FF` after the
/// last element end the sequence (cards pad files to a fixed size).
pub fn parse_all(buf: &[u8]) -> Result<Vec<Tlv<'_>>, CardError> {
    parse_all_at(buf, 0)
}

fn parse_all_at(buf: &[u8], base: usize) -> Result<Vec<Tlv<'_>>, CardError> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < buf.len() {
        if buf[pos..].iter().all(|b| *b == 0x00 || *b == 0xFF) {
            break;
        }
        let mut tlv = parse_one(buf, pos).map_err(|e| shift(e, base))?;
        pos = tlv.value_offset + tlv.value.len();
        tlv.offset += base;
        tlv.value_offset += base;
        out.push(tlv);
    }
    Ok(out)
}

fn shift(e: CardError, base: usize) -> CardError {
    match e {
        CardError::MalformedData { offset, what } => CardError::MalformedData {
            offset: offset.saturating_add(base),
            what,
        },
        other => other,
    }
}

/// Visits every element of `buf` depth-first, descending into constructed elements up to
/// [`MAX_DEPTH`] levels; `visit` gets each element and its depth (0 for the top level).
/// A constructed element whose value does not parse as elements is visited but not entered.
pub fn walk<'a>(buf: &'a [u8], visit: &mut dyn FnMut(&Tlv<'a>, usize)) -> Result<(), CardError> {
    fn go<'a>(items: Vec<Tlv<'a>>, depth: usize, visit: &mut dyn FnMut(&Tlv<'a>, usize)) {
        for t in items {
            visit(&t, depth);
            if t.tag.is_constructed() && depth + 1 < MAX_DEPTH {
                if let Ok(children) = t.children() {
                    go(children, depth + 1, visit);
                }
            }
        }
    }
    let top = parse_all(buf)?;
    go(top, 0, visit);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        let t = Tag::from_bytes(&[0xDF, 0x22]).unwrap();
        assert_eq!(t.class(), TagClass::Private);
        assert!(!t.is_constructed());
        assert_eq!(t.number(), 0x22);
        assert_eq!(format!("{t:?}"), "Tag(DF 22)");
        let t = Tag::from_bytes(&[0x5F, 0x81, 0x01]).unwrap();
        assert_eq!(t.class(), TagClass::Application);
        assert_eq!(t.number(), 0x81);
        assert_eq!(Tag::from_bytes(&[0x04]).unwrap().number(), 4);
        assert!(Tag::from_bytes(&[0xDF]).is_none());
        assert!(Tag::from_bytes(&[0xDF, 0x81, 0x81, 0x81, 0x01]).is_none());
        assert!(Tag::from_bytes(&[0x04, 0x00]).is_none());
    }

    #[test]
    fn lengths() {
        for (bytes, expected) in [
            (&[0xDF, 0x22, 0x03, 1, 2, 3][..], 3usize),
            (&[0xDF, 0x22, 0x81, 0x03, 1, 2, 3][..], 3),
            (&[0xDF, 0x22, 0x82, 0x00, 0x03, 1, 2, 3][..], 3),
            (&[0xDF, 0x22, 0x83, 0x00, 0x00, 0x03, 1, 2, 3][..], 3),
        ] {
            let t = parse_one(bytes, 0).unwrap();
            assert_eq!(t.value, &[1, 2, 3][..expected]);
        }
        assert!(matches!(
            parse_one(&[0x04, 0x80, 0, 0], 0),
            Err(CardError::MalformedData { .. })
        ));
        assert!(parse_one(&[0x04, 0x84, 0, 0, 0, 1, 0], 0).is_err());
        assert!(parse_one(&[0x04, 0x82, 0xFF], 0).is_err());
        assert!(parse_one(&[0x04, 0x05, 1, 2], 0).is_err());
    }

    #[test]
    fn offsets_of_nested_errors_are_absolute() {
        // FF 20 04 { DF 22 05 … } : the child claims more than its parent holds.
        let bytes = [0xFF, 0x20, 0x04, 0xDF, 0x22, 0x05, 0x41];
        let outer = parse_one(&bytes, 0).unwrap();
        assert_eq!(
            outer.children().unwrap_err(),
            CardError::MalformedData {
                offset: 3,
                what: "value runs past the end"
            }
        );
    }

    #[test]
    fn padding_ends_a_sequence() {
        let bytes = [0x04, 0x01, 0x41, 0xFF, 0xFF, 0x00];
        assert_eq!(parse_all(&bytes).unwrap().len(), 1);
        assert!(parse_all(&[]).unwrap().is_empty());
    }

    #[test]
    fn walk_is_bounded() {
        // 20 levels of FF 01 nesting.
        let mut bytes = vec![0x04, 0x00];
        for _ in 0..20 {
            let mut outer = vec![0xFF, 0x01, bytes.len() as u8];
            outer.extend_from_slice(&bytes);
            bytes = outer;
        }
        let mut deepest = 0;
        walk(&bytes, &mut |_, d| deepest = deepest.max(d)).unwrap();
        assert_eq!(deepest, MAX_DEPTH - 1);
    }

    #[test]
    fn never_panics_on_short_inputs() {
        for a in 0..=255u8 {
            for b in [0x00, 0x01, 0x7F, 0x80, 0x81, 0x82, 0x83, 0x84, 0xFF] {
                let _ = parse_all(&[a, b]);
                let _ = parse_all(&[a, 0x81, b]);
                let _ = header(&[a, b, b]);
                let _ = walk(&[a, b, a], &mut |_, _| {});
            }
        }
    }
}
