//! A look at a file's first bytes before parsing it: is it XML at all?
//!
//! The terminal's link program can encrypt `res/` and `face/` files per file prefix
//! (`encrypt.conf`, `encrypt_face.conf` on the 資格確認端末; oqs-2026 §1.1). Such a file is
//! ciphertext, and a parser would call it "malformed XML": [`sniff`] tells it apart first.
//! After an optional byte order mark and white space, the first byte of an XML file is `<`.

/// What the first bytes of a file say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniff {
    /// After an optional BOM and white space, the first byte is `<`.
    Xml,
    /// Nothing but a BOM and white space (yet): an empty or just-created file.
    Empty,
    /// Something else: not XML (encrypted by the terminal, or another kind of file).
    NotXml,
}

/// Looks at the start of `bytes` (a UTF-8 or UTF-16 byte order mark is skipped, then
/// spaces, tabs and line ends).
///
/// ```
/// use onshi::xml::{Sniff, sniff};
/// assert_eq!(sniff(b"\xEF\xBB\xBF\r\n <?xml version=\"1.0\"?><XmlMsg/>"), Sniff::Xml);
/// assert_eq!(sniff(b"  \n"), Sniff::Empty);
/// assert_eq!(sniff(b"\x8f\x03U2FsdGVkX1"), Sniff::NotXml);
/// ```
pub fn sniff(bytes: &[u8]) -> Sniff {
    let rest = if let Some(r) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        r
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        // UTF-16: `<` is one of the next two bytes; the parser says what it makes of it.
        return match bytes.get(2..4) {
            Some([b'<', 0] | [0, b'<']) => Sniff::Xml,
            Some(_) => Sniff::NotXml,
            None => Sniff::Empty,
        };
    } else {
        bytes
    };
    match rest
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
    {
        Some(b'<') => Sniff::Xml,
        Some(_) => Sniff::NotXml,
        None => Sniff::Empty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_empty_and_not_xml() {
        assert_eq!(sniff(b"<XmlMsg/>"), Sniff::Xml);
        assert_eq!(sniff(b"\t\r\n<a/>"), Sniff::Xml);
        assert_eq!(sniff(b"\xEF\xBB\xBF<a/>"), Sniff::Xml);
        assert_eq!(sniff(b"\xFF\xFE<\0a\0"), Sniff::Xml);
        assert_eq!(sniff(b""), Sniff::Empty);
        assert_eq!(sniff(b"\xEF\xBB\xBF"), Sniff::Empty);
        assert_eq!(sniff(b"PK\x03\x04"), Sniff::NotXml);
        assert_eq!(sniff(b"%PDF-1.4"), Sniff::NotXml);
        assert_eq!(sniff(b" x<a/>"), Sniff::NotXml);
        // Shift_JIS or UTF-8 text without markup is not XML either.
        assert_eq!(sniff("見本".as_bytes()), Sniff::NotXml);
    }
}
