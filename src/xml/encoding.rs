//! Character encodings of terminal files: UTF-8 and Shift_JIS (CP932, as Windows writes it).
//!
//! Reading honours, in this order: a byte-order mark, the XML declaration's `encoding`
//! (names compared case-insensitively: `UTF-8`, `utf8`, `Shift_JIS`, `SJIS`, `windows-31j`,
//! `cp932`, `MS932`, `x-sjis` …), and otherwise the bytes themselves (valid UTF-8 is UTF-8,
//! else Shift_JIS if it decodes cleanly). A declaration that contradicts the bytes is an
//! error with the byte offset: `Shift_JIS` declared with a UTF-8 BOM, bytes invalid in the
//! declared encoding, or `Shift_JIS` declared over text that is plainly UTF-8.
//!
//! Shift_JIS is decoded with encoding_rs's `SHIFT_JIS` (the WHATWG definition, compatible
//! with Windows CP932 including NEC and IBM extensions). Writing refuses any character that
//! does not survive a Shift_JIS round trip (emoji, 𠮷, `¥` …) instead of writing `?` or a
//! numeric character reference.

use super::error::{Location, XmlError};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::OnceLock;

/// The character encoding of a terminal file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// UTF-8 (文字コード識別 `0`).
    Utf8,
    /// Shift_JIS / CP932 (文字コード識別 `1`).
    ShiftJis,
}

impl Encoding {
    /// The name written in the XML declaration.
    pub fn xml_name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::ShiftJis => "Shift_JIS",
        }
    }

    /// Reads an encoding name as found in a declaration or typed by a user
    /// (case-insensitive; `utf-8`, `utf8`, `shift_jis`, `sjis`, `windows-31j`, `cp932` …).
    ///
    /// ```
    /// use onshi::xml::Encoding;
    /// assert_eq!(Encoding::from_label("MS932"), Some(Encoding::ShiftJis));
    /// assert_eq!(Encoding::from_label("utf-8"), Some(Encoding::Utf8));
    /// assert_eq!(Encoding::from_label("EUC-JP"), None);
    /// ```
    pub fn from_label(label: &str) -> Option<Encoding> {
        let l = label.trim().to_ascii_lowercase();
        match l.as_str() {
            "utf-8" | "utf8" | "unicode-1-1-utf-8" => Some(Encoding::Utf8),
            "shift_jis" | "shift-jis" | "shiftjis" | "sjis" | "s-jis" | "x-sjis"
            | "windows-31j" | "cp932" | "ms932" | "ms_kanji" | "csshiftjis" | "cswindows31j"
            | "windows-932" => Some(Encoding::ShiftJis),
            _ => None,
        }
    }

    /// The 文字コード識別 code for this encoding.
    pub fn character_code(self) -> crate::codes::CharacterCodeIdentifier {
        match self {
            Encoding::Utf8 => crate::codes::CharacterCodeIdentifier::Utf8,
            Encoding::ShiftJis => crate::codes::CharacterCodeIdentifier::ShiftJis,
        }
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// What the start of a file declares.
struct Declared<'a> {
    /// The `encoding` pseudo-attribute, if any.
    label: Option<&'a str>,
    /// Byte offset of the label (for error locations).
    label_offset: usize,
}

/// Reads `<?xml version="…" encoding="…" standalone="…"?>` at the very start of `bytes`
/// (ASCII in both encodings; either quote). `Ok(None)`: no declaration. `Err(offset)`: a
/// declaration that is not well formed (unknown or repeated pseudo-attribute, missing quote,
/// a character that does not belong), so the encoding cannot be trusted.
fn sniff_declaration(bytes: &[u8]) -> Result<Option<Declared<'_>>, usize> {
    if !bytes.starts_with(b"<?xml") {
        return Ok(None);
    }
    match bytes.get(5) {
        Some(b' ' | b'\t' | b'\r' | b'\n') => {}
        // `<?xml-stylesheet …?>` and the like are processing instructions, refused later.
        _ => return Ok(None),
    }
    let head = &bytes[..bytes.len().min(1024)];
    let end = head.windows(2).position(|w| w == b"?>").ok_or(0usize)?;
    let decl = &head[..end];
    let ws = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut seen: Vec<&[u8]> = Vec::new();
    let mut label = None;
    let mut i = 5;
    loop {
        while i < decl.len() && ws(decl[i]) {
            i += 1;
        }
        if i >= decl.len() {
            break;
        }
        let name_start = i;
        while i < decl.len() && decl[i].is_ascii_alphabetic() {
            i += 1;
        }
        let name = &decl[name_start..i];
        if !matches!(name, b"version" | b"encoding" | b"standalone") || seen.contains(&name) {
            return Err(name_start);
        }
        seen.push(name);
        while i < decl.len() && ws(decl[i]) {
            i += 1;
        }
        if decl.get(i) != Some(&b'=') {
            return Err(i);
        }
        i += 1;
        while i < decl.len() && ws(decl[i]) {
            i += 1;
        }
        let quote = match decl.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return Err(i),
        };
        i += 1;
        let value_start = i;
        while i < decl.len() && decl[i] != quote {
            let c = decl[i];
            if !(c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-')) {
                return Err(i);
            }
            i += 1;
        }
        if i >= decl.len() {
            return Err(i);
        }
        if name == b"encoding" {
            label = Some((value_start, &decl[value_start..i]));
        }
        i += 1;
        if i < decl.len() && !ws(decl[i]) {
            return Err(i);
        }
    }
    if !seen.contains(&&b"version"[..]) {
        return Err(5);
    }
    Ok(Some(Declared {
        label: label.and_then(|(_, v)| std::str::from_utf8(v).ok()),
        label_offset: label.map_or(0, |(o, _)| o),
    }))
}

fn encoding_error(bytes: &[u8], offset: usize, message: String) -> XmlError {
    XmlError::Encoding {
        message,
        location: Location::at_bytes(bytes, offset),
    }
}

/// A terminal file ready to be read: its bytes, its encoding, and for UTF-8 the same bytes
/// as text (validated once, never copied). Shift_JIS is never decoded whole: the reader
/// tokenizes the raw bytes and decodes each text, name or attribute token on its own. That is
/// sound because every byte of markup (`<`, `>`, `/`, `=`, `&`, `;`, quotes, white space, …)
/// is below 0x40, and a Shift_JIS trail byte never is; the one exception, `]` in the end of a
/// CDATA section, is handled by [`sjis_cdata_end`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Source<'a> {
    bytes: &'a [u8],
    /// The input after the byte-order mark as text, for a UTF-8 file.
    text: Option<&'a str>,
    /// Where the content starts: after a UTF-8 byte-order mark.
    body: usize,
}

impl<'a> Source<'a> {
    /// The input.
    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The input's length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The input after the byte-order mark ([`Source::body`] on) as text, when it is UTF-8.
    pub(crate) fn text(&self) -> Option<&'a str> {
        self.text
    }

    /// Offset of the content (after a byte-order mark).
    pub(crate) fn body(&self) -> usize {
        self.body
    }

    /// The file's encoding.
    pub(crate) fn encoding(&self) -> Encoding {
        if self.text.is_some() {
            Encoding::Utf8
        } else {
            Encoding::ShiftJis
        }
    }
}

/// Works out the encoding of a terminal XML file, with the checks of the module documentation,
/// without decoding it: UTF-8 is validated in place, Shift_JIS is left to the reader (a file
/// whose encoding is not declared is checked to be Shift_JIS first, without a copy).
pub(crate) fn source(bytes: &[u8]) -> Result<Source<'_>, XmlError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(XmlError::UnsupportedEncoding {
            name: "UTF-16".into(),
            location: Location::start(),
        });
    }
    let bom = bytes.starts_with(UTF8_BOM);
    let body = if bom { &bytes[3..] } else { bytes };
    let base = if bom { 3 } else { 0 };
    let declared = sniff_declaration(body).map_err(|at| XmlError::Syntax {
        message: "malformed XML declaration".into(),
        location: Location::at_bytes(bytes, base + at),
    })?;
    let declared_encoding = match &declared {
        Some(Declared {
            label: Some(label),
            label_offset,
        }) => match Encoding::from_label(label) {
            Some(e) => Some(e),
            None => {
                return Err(XmlError::UnsupportedEncoding {
                    name: label.chars().take(40).collect(),
                    location: Location::at_bytes(bytes, base + label_offset),
                });
            }
        },
        _ => None,
    };
    let utf8 = |text| Source {
        bytes,
        text: Some(text),
        body: base,
    };
    let sjis = Source {
        bytes,
        text: None,
        body: 0,
    };
    match (bom, declared_encoding) {
        (true, Some(Encoding::ShiftJis)) => Err(encoding_error(
            bytes,
            0,
            "the declaration says Shift_JIS but the file starts with a UTF-8 byte-order mark"
                .into(),
        )),
        (true, _) | (false, Some(Encoding::Utf8)) => decode_utf8(bytes, base).map(utf8),
        (false, Some(Encoding::ShiftJis)) => {
            if let Ok(t) = std::str::from_utf8(body)
                && let Some(p) = t.bytes().position(|b| b >= 0x80)
            {
                return Err(encoding_error(
                    bytes,
                    p,
                    "the declaration says Shift_JIS but the bytes are UTF-8".into(),
                ));
            }
            Ok(sjis)
        }
        (false, None) => match std::str::from_utf8(body) {
            Ok(t) => Ok(utf8(t)),
            Err(e) => match sjis_valid(bytes) {
                Ok(()) => Ok(sjis),
                Err(_) => Err(encoding_error(
                    bytes,
                    e.valid_up_to(),
                    "bytes are neither UTF-8 nor Shift_JIS".into(),
                )),
            },
        },
    }
}

/// Decodes a terminal XML file to text. Returns the text (borrowed when the input is UTF-8;
/// without a byte-order mark) and the encoding. Parsing does not use this (see [`Source`]).
pub(crate) fn decode_xml(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), XmlError> {
    let src = source(bytes)?;
    match src.text {
        Some(t) => Ok((Cow::Borrowed(t), Encoding::Utf8)),
        None => decode_sjis(bytes)
            .map(|t| (Cow::Owned(t), Encoding::ShiftJis))
            .map_err(|at| encoding_error(bytes, at, "invalid Shift_JIS (CP932) bytes".into())),
    }
}

fn decode_utf8(bytes: &[u8], start: usize) -> Result<&str, XmlError> {
    std::str::from_utf8(&bytes[start..]).map_err(|e| {
        let hint = if sjis_valid(&bytes[start..]).is_ok() {
            " (the bytes look like Shift_JIS: declare encoding=\"Shift_JIS\")"
        } else {
            ""
        };
        encoding_error(
            bytes,
            start + e.valid_up_to(),
            format!("invalid UTF-8{hint}"),
        )
    })
}

/// `true` for a byte that starts a two-byte Shift_JIS (CP932) character.
pub(crate) fn sjis_lead(b: u8) -> bool {
    matches!(b, 0x81..=0x9F | 0xE0..=0xFC)
}

/// Decodes Shift_JIS bytes; `Err(offset)` of the first invalid sequence.
fn decode_sjis(src: &[u8]) -> Result<String, usize> {
    // Sized for kanji and ASCII (a two-byte character becomes three bytes, ASCII stays), the
    // usual text, so a kept string has no slack; half-width kana (one byte → three) grows it.
    let mut decoder = encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(src.len() + src.len() / 2 + 1);
    let mut read_total = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&src[read_total..], &mut out, true);
        read_total += read;
        match result {
            encoding_rs::DecoderResult::InputEmpty => return Ok(out),
            encoding_rs::DecoderResult::OutputFull => {
                let left = src.len() - read_total;
                out.reserve(
                    decoder
                        .max_utf8_buffer_length_without_replacement(left)
                        .unwrap_or(3 * left + 16),
                );
            }
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                return Err(read_total.saturating_sub(usize::from(bad) + usize::from(after)));
            }
        }
    }
}

/// Decodes one token of a Shift_JIS file: borrowed when it is ASCII (the same bytes in
/// UTF-8), else decoded into a string of its own. `Err(offset)` of the first invalid sequence.
pub(crate) fn decode_sjis_token(raw: &[u8]) -> Result<Cow<'_, str>, usize> {
    if raw.is_ascii() {
        return std::str::from_utf8(raw)
            .map(Cow::Borrowed)
            .map_err(|e| e.valid_up_to());
    }
    decode_sjis(raw).map(Cow::Owned)
}

/// Checks that `src` is valid Shift_JIS without keeping its text (decoded through a small
/// buffer); `Err(offset)` of the first invalid sequence.
pub(crate) fn sjis_valid(src: &[u8]) -> Result<(), usize> {
    if src.is_ascii() {
        return Ok(());
    }
    let mut decoder = encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling();
    let mut buf = [0u8; 4096];
    let mut read_total = 0;
    loop {
        let (result, read, _) =
            decoder.decode_to_utf8_without_replacement(&src[read_total..], &mut buf, true);
        read_total += read;
        match result {
            encoding_rs::DecoderResult::InputEmpty => return Ok(()),
            encoding_rs::DecoderResult::OutputFull => {}
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                return Err(read_total.saturating_sub(usize::from(bad) + usize::from(after)));
            }
        }
    }
}

/// Offset of the `]]>` that ends a CDATA section whose content starts `src`, reading
/// Shift_JIS characters whole (a trail byte may be `]`, so a byte search can stop inside a
/// character). `None` when the section does not end.
pub(crate) fn sjis_cdata_end(src: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i + 2 < src.len() {
        if &src[i..i + 3] == b"]]>" {
            return Some(i);
        }
        i += if sjis_lead(src[i]) { 2 } else { 1 };
    }
    None
}

/// Decodes any text file of the interface (the `.err` companion of a rejected request, logs):
/// a BOM or an XML declaration decides; otherwise valid UTF-8 is UTF-8, and anything else
/// must be valid Shift_JIS (CP932). The BOM is not part of the returned text.
///
/// ```
/// use onshi::xml::{decode_text, Encoding};
/// let (t, e) = decode_text(b"\x82\xa0 error").unwrap(); // "あ error" in Shift_JIS
/// assert_eq!((t.as_str(), e), ("あ error", Encoding::ShiftJis));
/// let (t, e) = decode_text("エラー".as_bytes()).unwrap();
/// assert_eq!((t.as_str(), e), ("エラー", Encoding::Utf8));
/// ```
pub fn decode_text(bytes: &[u8]) -> Result<(String, Encoding), XmlError> {
    decode_xml(bytes).map(|(t, e)| (t.into_owned(), e))
}

/// `true` when `c` can be written in Shift_JIS and reads back as itself.
pub(crate) fn sjis_representable(c: char) -> bool {
    if c.is_ascii() {
        return true;
    }
    let cp = u32::from(c);
    if cp > 0xFFFF {
        return false;
    }
    let table = SJIS_TABLE.get_or_init(build_sjis_table);
    table[(cp >> 6) as usize] & (1u64 << (cp & 63)) != 0
}

static SJIS_TABLE: OnceLock<Vec<u64>> = OnceLock::new();

fn build_sjis_table() -> Vec<u64> {
    let mut table = vec![0u64; 0x10000 / 64];
    let mut buf = [0u8; 4];
    for cp in 0x80u32..0x10000 {
        let Some(c) = char::from_u32(cp) else {
            continue;
        };
        let s = c.encode_utf8(&mut buf);
        let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(s);
        if unmappable {
            continue;
        }
        let back =
            encoding_rs::SHIFT_JIS.decode_without_bom_handling_and_without_replacement(&bytes);
        if back.as_deref() == Some(&*s) {
            table[(cp >> 6) as usize] |= 1u64 << (cp & 63);
        }
    }
    table
}

/// Encodes written text. The caller has checked every character with
/// [`sjis_representable`] for Shift_JIS.
pub(crate) fn encode(text: String, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.into_bytes(),
        Encoding::ShiftJis => {
            let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
            bytes.into_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sjis(s: &str) -> Vec<u8> {
        encoding_rs::SHIFT_JIS.encode(s).0.into_owned()
    }

    #[test]
    fn labels() {
        for l in [
            "UTF-8",
            "utf-8",
            "UTF8",
            "Shift_JIS",
            "shift_jis",
            "SJIS",
            "windows-31j",
            "cp932",
            "MS932",
            "x-sjis",
        ] {
            assert!(Encoding::from_label(l).is_some(), "{l}");
        }
    }

    #[test]
    fn declaration_with_single_quotes_and_standalone() {
        let x = "<?xml version='1.0' encoding='Shift_JIS' standalone='no'?><a>見本</a>";
        let b = sjis(x);
        let (t, e) = decode_xml(&b).unwrap();
        assert_eq!(e, Encoding::ShiftJis);
        assert_eq!(t, x);
    }

    #[test]
    fn no_declaration_detects() {
        assert_eq!(
            decode_xml("<a>見本</a>".as_bytes()).unwrap().1,
            Encoding::Utf8
        );
        assert_eq!(
            decode_xml(&sjis("<a>見本</a>")).unwrap().1,
            Encoding::ShiftJis
        );
    }

    #[test]
    fn contradictions_are_errors_with_offsets() {
        let mut b = UTF8_BOM.to_vec();
        b.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a/>");
        assert!(matches!(decode_xml(&b), Err(XmlError::Encoding { .. })));

        let x = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n<a>見本</a>";
        let e = decode_xml(x.as_bytes()).unwrap_err();
        let loc = e.location().unwrap();
        assert_eq!((loc.line, loc.column), (2, 4));

        let mut b = sjis("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>見本</a>");
        let e = decode_xml(&b).unwrap_err();
        assert!(e.to_string().contains("look like Shift_JIS"), "{e}");
        assert_eq!(e.location().unwrap().line, 2);

        // A lone lead byte at the end is invalid Shift_JIS.
        b = sjis("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n<a>");
        b.push(0x82);
        let e = decode_xml(&b).unwrap_err();
        assert_eq!(e.location().unwrap().offset, b.len() - 1);
    }

    #[test]
    fn unsupported_encodings() {
        let e = decode_xml(b"<?xml version=\"1.0\" encoding=\"EUC-JP\"?><a/>").unwrap_err();
        assert!(matches!(e, XmlError::UnsupportedEncoding { .. }));
        assert!(decode_xml(b"\xFF\xFE<\0a\0/\0>\0").is_err());
    }

    #[test]
    fn representable() {
        for c in ['A', 'あ', 'ｱ', '髙', '①', 'ⅰ', '●', '　', '～', '\u{FF0D}'] {
            assert!(sjis_representable(c), "{c}");
        }
        for c in ['𠮷', '😀', '¥', '\u{2212}', 'é', '〜'] {
            assert!(!sjis_representable(c), "{c}");
        }
    }
}
