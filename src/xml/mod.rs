//! The terminal's XML files: reading and writing every message family.
//!
//! * [`parse`] / [`parse_with`] — bytes (UTF-8 or Shift_JIS) to a [`Document`]; the message
//!   kind is inferred from the content's shape ([`parse_file`] also uses the file name when
//!   the content alone cannot tell, e.g. a 処理中 answer with an empty body);
//! * [`read_file`] / [`parse_path`] — from disk: a regular file only, opened without
//!   blocking, no symbolic link followed, never more than [`Limits::max_bytes`] read;
//! * [`write()`] — a [`Message`] to bytes, deterministic and in spec order;
//! * [`bulk_units`] — the units of a large bulk result one by one;
//! * [`decode_text`] — the text of a `.err` companion or any other text file;
//! * [`sniff`] — is it XML at all? A file the terminal encrypted is
//!   [`XmlError::Encrypted`], not a syntax error;
//! * [`validate`] — strict checks (check digits, codes, dates, lengths, required fields);
//! * [`FileName`] — what a file is from its name, and req ↔ res pairing.
//!
//! # Reading
//!
//! Reading is tolerant where real terminals vary and strict where safety is at stake:
//!
//! * element order does not matter; empty and omitted optional elements both read as
//!   absent; unmodelled elements are kept (with attributes, text and children) in the
//!   `extra` vectors and written back, so a round trip loses nothing;
//! * insurer numbers may be space- or zero-padded (`"  138057"`, `"00138057"`); identifiers
//!   are read leniently (check digits are [`validate`]'s job);
//! * an unknown code value is kept (`Unknown("08")`);
//! * **one odd value never fails the file**: a leaf whose text is not what its field holds (a
//!   date `99999999`, a date-time with separators, a ratio `1割`, a count with a unit) is kept
//!   as it came — an unmodelled element of its record, written back unchanged — and a
//!   [`Warning`] in [`Document::warnings`] says where, what came and what was expected
//!   ([`validate`] reports it too); a list in its flat form (the item's fields directly in the
//!   list element) is read, with a warning, and written nested;
//! * DOCTYPEs, entity declarations, custom entity references and processing instructions
//!   are refused; input size and nesting depth are limited ([`Limits`]); structure and
//!   encoding errors stay errors ([`XmlError`]).
//!
//! Attributes of modelled elements are not kept (the interface uses none); comments are
//! dropped.
//!
//! # Example
//!
//! ```
//! use onshi::xml::{self, Encoding, Message};
//! let res = "<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult></MessageHeader>\
//!   <MessageBody><ResultList><ResultOfQualificationConfirmation><Name>見本　花子</Name>\
//!   <InsurerNumber>  138057</InsurerNumber></ResultOfQualificationConfirmation></ResultList>\
//!   <QualificationValidity>1</QualificationValidity></MessageBody></XmlMsg>";
//! let doc = xml::parse(res.as_bytes()).unwrap();
//! let Message::QualificationResponse(r) = &doc.message else { panic!() };
//! assert_eq!(r.body.results[0].card.insurer_number.as_ref().unwrap().as_str(), "138057");
//! let sjis = xml::write(&doc.message, Encoding::ShiftJis).unwrap();
//! assert_eq!(xml::parse(&sjis).unwrap().message, doc.message);
//! ```

mod build;
mod bulk;
mod codec;
mod encoding;
mod error;
mod fields;
mod file;
mod filename;
mod generated;
mod header;
mod locate;
mod message;
mod messages;
mod qualification;
mod reader;
mod result;
mod sniff;
mod validate;
mod warning;
mod writer;

pub use build::IndividualQuery;
pub use bulk::{BulkUnits, bulk_units};
pub use encoding::{Encoding, decode_text};
pub use error::{Forbidden, Location, XmlError};
pub use file::{FileError, parse_path, read_file};
pub(crate) use file::{open_regular, read_capped};
pub use filename::{
    Direction, Extension, FaceFile, Family, FileInfo, FileName, FileNameError, MAX_FILE_NAME_LEN,
    Phase,
};
pub use locate::locate;
pub use message::MessageKind;
pub use messages::*;
pub use reader::{HARD_MAX_DEPTH, UNKNOWN_BYTES_PER_ELEMENT, UNKNOWN_ELEMENT_ALLOWANCE};
pub use sniff::{Sniff, sniff};
pub use validate::{Finding, Severity, validate};
pub use warning::{Warning, WarningKind};

use serde::{Deserialize, Serialize};

#[cfg(test)]
pub(crate) use fields::XmlRecord as XmlRecordForTests;

/// Writes one record as element `element` (tests of the declaration).
#[cfg(test)]
pub(crate) fn write_record_for_tests<R: fields::XmlRecord>(r: &R, element: &str) -> String {
    let mut s = writer::XmlSink::new(Encoding::Utf8, 1024);
    fields::write_record(r, element, &mut s).expect("writable");
    s.finish()
}

/// Reads the first element of `text` as a record (tests of the declaration).
#[cfg(test)]
pub(crate) fn read_record_for_tests<R: fields::XmlRecord>(text: &str) -> R {
    let src = encoding::source(text.as_bytes()).expect("UTF-8 input");
    let mut cur = reader::Cursor::new(src, 32);
    loop {
        match cur.next().expect("well-formed") {
            reader::Tok::Start { .. } => break,
            reader::Tok::Eof => panic!("no element"),
            _ => {}
        }
    }
    fields::read_record(&mut cur).expect("readable")
}

/// Limits applied to every input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes (default 64 MiB).
    pub max_bytes: usize,
    /// Deepest element nesting accepted (default 32; never more than [`HARD_MAX_DEPTH`]).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 64 * 1024 * 1024,
            max_depth: 32,
        }
    }
}

/// A parsed file: its encoding, its message, and what reading tolerated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// The file's character encoding.
    pub encoding: Encoding,
    /// The message.
    pub message: Message,
    /// What reading tolerated instead of refusing the file: values kept as text because they
    /// are not what their field holds, lists read in their flat form (see [`Warning`]), in
    /// document order. [`validate`] reports each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

fn check_size(bytes: &[u8], limits: &Limits) -> Result<(), XmlError> {
    if bytes.len() > limits.max_bytes {
        return Err(XmlError::TooLarge {
            size: bytes.len(),
            max: limits.max_bytes,
            location: Location::start(),
        });
    }
    Ok(())
}

/// Parses a terminal file (UTF-8 or Shift_JIS) with the default [`Limits`]. The message kind
/// is inferred from the content.
pub fn parse(bytes: &[u8]) -> Result<Document, XmlError> {
    parse_with(bytes, &Limits::default())
}

/// Parses a terminal file with the given limits.
pub fn parse_with(bytes: &[u8], limits: &Limits) -> Result<Document, XmlError> {
    parse_inner(bytes, limits, None)
}

/// Parses a terminal file whose name is known: the name decides the kind when the content
/// alone cannot (a 処理中 bulk answer with an empty body, an empty request). Content that
/// clearly belongs to another kind is still read as what it is.
///
/// ```
/// use onshi::xml::{self, FileName, Message};
/// let name = FileName::parse("OQSmuimm02res_202504010001.xml").unwrap();
/// let xml = b"<XmlMsg><MessageHeader><SegmentOfResult>2</SegmentOfResult>\
///   <ReceptionNumber>R1</ReceptionNumber></MessageHeader><MessageBody/></XmlMsg>";
/// let doc = xml::parse_file(&name, xml, &Default::default()).unwrap();
/// assert!(matches!(doc.message, Message::ReferenceNumberResponse(_)));
/// ```
pub fn parse_file(name: &FileName, bytes: &[u8], limits: &Limits) -> Result<Document, XmlError> {
    parse_inner(bytes, limits, MessageKind::for_file(name))
}

fn parse_inner(
    bytes: &[u8],
    limits: &Limits,
    hint: Option<MessageKind>,
) -> Result<Document, XmlError> {
    check_size(bytes, limits)?;
    if sniff(bytes) == Sniff::NotXml {
        // Ciphertext (or another kind of file): say so, not "malformed XML".
        return Err(XmlError::Encrypted {
            location: Location::start(),
        });
    }
    let src = encoding::source(bytes)?;
    let (message, warnings) = message::read_message(src, limits.max_depth, hint)?;
    Ok(Document {
        encoding: src.encoding(),
        message,
        warnings,
    })
}

/// Writes a message: the declaration
/// `<?xml version="1.0" encoding="UTF-8" standalone="no"?>` (or `Shift_JIS`), then the
/// elements in spec order, absent fields omitted. Deterministic: the same message always
/// gives the same bytes.
///
/// A character Shift_JIS (CP932) cannot carry is an [`XmlError::Unrepresentable`] naming
/// the element path and the character; a control character or an invalid element name in an
/// unmodelled element is an [`XmlError::Unwritable`].
pub fn write(message: &Message, encoding: Encoding) -> Result<Vec<u8>, XmlError> {
    let mut sink = writer::XmlSink::new(encoding, 4096);
    message::write_message(message, &mut sink)?;
    let mut bytes = encoding::encode(sink.finish(), encoding);
    if encoding == Encoding::ShiftJis
        && bytes.iter().any(|&b| b >= 0x80)
        && std::str::from_utf8(&bytes).is_ok()
    {
        // Rare: every Shift_JIS sequence happens to form valid UTF-8, so the file would
        // read as mislabelled UTF-8 (see `decode_xml`). A comment after the declaration
        // whose Shift_JIS bytes are not UTF-8 settles it; reading drops comments.
        let marker = encoding::encode("<!-- 文字コード: Shift_JIS -->\n".into(), encoding);
        let at = bytes.iter().position(|&b| b == b'\n').map_or(0, |p| p + 1);
        bytes.splice(at..at, marker);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_limit() {
        let l = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        assert!(matches!(
            parse_with(b"<XmlMsg></XmlMsg>", &l),
            Err(XmlError::TooLarge { size: 17, .. })
        ));
    }
}
