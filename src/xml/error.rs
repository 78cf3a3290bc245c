//! [`XmlError`]: what went wrong reading or writing a terminal file, and where.
//!
//! Every error about the input carries a [`Location`]: line and column (1-based; the column
//! counts characters), the byte offset in the input, and the element path
//! (`/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[2]/Birthdate`).
//! Values are never shown whole: a bad value is described by
//! [`redact`](crate::personal::redact) (its length class only), so an error message or a log
//! line cannot leak a name, a birthdate or a card number.

use super::filename::FileNameError;
use std::fmt;

/// Where in a file something is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset in the input (for a Shift_JIS file too: it is never decoded whole).
    pub offset: usize,
    /// Element path, e.g. `/XmlMsg/MessageHeader/MedicalInstitutionCode`; empty when the
    /// problem is outside any element.
    pub path: String,
}

impl Location {
    /// A location computed from a byte offset into `text` (lines split at `\n`).
    pub(crate) fn at(text: &str, offset: usize, path: String) -> Location {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let column = text[line_start..offset].chars().count() + 1;
        Location {
            line,
            column,
            offset,
            path,
        }
    }

    /// A location at byte `offset` of a Shift_JIS file: lines split at `\n` (never part of a
    /// two-byte character), the column counted in decoded characters.
    pub(crate) fn at_sjis(bytes: &[u8], offset: usize, path: String) -> Location {
        let mut l = Location::at_bytes(bytes, offset);
        let line_start = l.offset + 1 - l.column;
        let (text, _) =
            encoding_rs::SHIFT_JIS.decode_without_bom_handling(&bytes[line_start..l.offset]);
        l.column = text.chars().count() + 1;
        l.path = path;
        l
    }

    /// A location in bytes that are not (yet) text: counts lines by `\n` bytes and columns by
    /// bytes. Used for encoding errors, where characters cannot be counted.
    pub(crate) fn at_bytes(bytes: &[u8], offset: usize) -> Location {
        let offset = offset.min(bytes.len());
        let before = &bytes[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        Location {
            line,
            column: offset - line_start + 1,
            offset,
            path: String::new(),
        }
    }

    /// The start of a file.
    pub(crate) fn start() -> Location {
        Location {
            line: 1,
            column: 1,
            offset: 0,
            path: String::new(),
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)?;
        if !self.path.is_empty() {
            write!(f, ", {}", self.path)?;
        }
        Ok(())
    }
}

/// A construct refused for safety.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Forbidden {
    /// `<!DOCTYPE …>` (and with it any entity declaration).
    Doctype,
    /// A reference to an entity other than the five predefined ones (`&lt;` `&gt;` `&amp;`
    /// `&apos;` `&quot;`) or a numeric character reference.
    EntityReference,
    /// A processing instruction `<?…?>` other than the XML declaration at the very start.
    ProcessingInstruction,
}

impl fmt::Display for Forbidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Forbidden::Doctype => "a DOCTYPE (DTD) is not allowed",
            Forbidden::EntityReference => {
                "only the predefined entities and numeric character references are allowed"
            }
            Forbidden::ProcessingInstruction => {
                "processing instructions are not allowed (only the XML declaration, first)"
            }
        })
    }
}

/// Errors of the `xml` module.
///
/// Codes ([`XmlError::code`]) are stable and shared with the C ABI: 200–249 for content,
/// 250–251 for file names.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XmlError {
    /// The XML is not well-formed.
    #[error("{location}: malformed XML: {message}")]
    Syntax {
        /// What is wrong.
        message: String,
        /// Where.
        location: Location,
    },
    /// Bytes that are not valid in the file's encoding, or a declaration that contradicts the
    /// bytes (e.g. `encoding="Shift_JIS"` with a UTF-8 byte-order mark).
    #[error("{location}: encoding: {message}")]
    Encoding {
        /// What is wrong.
        message: String,
        /// Where (byte offset into the input; column counted in bytes).
        location: Location,
    },
    /// The declaration names an encoding the terminal interface does not use.
    #[error("{location}: unsupported encoding {name:?} (UTF-8 or Shift_JIS expected)")]
    UnsupportedEncoding {
        /// The encoding name as declared.
        name: String,
        /// Where.
        location: Location,
    },
    /// A DOCTYPE, a custom entity or a processing instruction.
    #[error("{location}: refused: {what}")]
    Forbidden {
        /// Which construct.
        what: Forbidden,
        /// Where.
        location: Location,
    },
    /// The input is larger than [`Limits::max_bytes`](super::Limits::max_bytes).
    #[error("{location}: file is {size} bytes, more than the limit of {max}")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit.
        max: usize,
        /// The start of the file.
        location: Location,
    },
    /// Elements nest deeper than [`Limits::max_depth`](super::Limits::max_depth).
    #[error("{location}: elements nest deeper than {max} levels")]
    TooDeep {
        /// The limit.
        max: usize,
        /// Where.
        location: Location,
    },
    /// More unmodelled elements (and attributes) than a document of this size may hold
    /// (see [`UNKNOWN_ELEMENT_ALLOWANCE`](super::UNKNOWN_ELEMENT_ALLOWANCE)): the
    /// content is not a terminal file, and keeping it would take far more memory than its
    /// size.
    #[error("{location}: more than {max} unmodelled elements and attributes")]
    TooManyUnknown {
        /// The limit for this document.
        max: usize,
        /// The element that went over it.
        location: Location,
    },
    /// The root element is not `XmlMsg`.
    #[error("{location}: root element is <{found}>, expected <XmlMsg>")]
    UnexpectedRoot {
        /// The root element's name.
        found: String,
        /// Where.
        location: Location,
    },
    /// Text (other than white space) where only elements belong.
    #[error("{location}: unexpected text inside an element that holds only elements")]
    UnexpectedText {
        /// Where.
        location: Location,
    },
    /// An element inside a field that holds only text.
    #[error("{location}: element <{name}> inside a field that holds only text")]
    UnexpectedElement {
        /// The unexpected element.
        name: String,
        /// Where.
        location: Location,
    },
    /// A field's value cannot be read (a date that is not `yyyyMMdd`, an insurer number of
    /// the wrong length …). The value is shown redacted.
    #[error("{location}: invalid {field}: {value} is not {expected}")]
    InvalidValue {
        /// The element name.
        field: String,
        /// The value, redacted (length class only).
        value: String,
        /// What was expected, e.g. `a date yyyyMMdd`.
        expected: String,
        /// Where.
        location: Location,
    },
    /// The content does not have the shape of any message of the interface.
    #[error("{location}: cannot tell which message this is ({reason})")]
    UnknownMessage {
        /// Why.
        reason: String,
        /// Where.
        location: Location,
    },
    /// Writing: a character the target encoding (CP932) cannot carry.
    #[error(
        "{path}: character U+{:04X} cannot be written in Shift_JIS (CP932)",
        u32::from(*character)
    )]
    Unrepresentable {
        /// Element path of the field.
        path: String,
        /// The character.
        character: char,
    },
    /// Writing: a value or name that XML cannot carry (a control character, an invalid
    /// element name, nesting too deep).
    #[error("{path}: cannot write: {reason}")]
    Unwritable {
        /// Element path.
        path: String,
        /// Why.
        reason: String,
    },
    /// The file name is not an interface file name, or is unsafe.
    #[error(transparent)]
    FileName(#[from] FileNameError),
    /// The content is not XML at all: after an optional byte order mark and white space its
    /// first byte is not `<` ([`sniff`](super::sniff)). A file of the terminal in that state
    /// is encrypted by its link program (`encrypt.conf` / `encrypt_face.conf`): it needs
    /// the vendor's decryption module before it can be read. Not a parse error.
    #[error(
        "{location}: not XML (the first byte after an optional BOM and white space is not `<`): encrypted by the terminal (encrypt.conf / encrypt_face.conf)?"
    )]
    Encrypted {
        /// The start of the file.
        location: Location,
    },
}

impl XmlError {
    /// Stable numeric code (C ABI `onshi_status`), in 200–299.
    pub fn code(&self) -> u32 {
        use crate::ffi::status as st;
        match self {
            XmlError::Syntax { .. } => st::ONSHI_XML_SYNTAX,
            XmlError::Encoding { .. } => st::ONSHI_XML_ENCODING,
            XmlError::UnsupportedEncoding { .. } => st::ONSHI_XML_UNSUPPORTED_ENCODING,
            XmlError::Forbidden { .. } => st::ONSHI_XML_FORBIDDEN,
            XmlError::TooLarge { .. } => st::ONSHI_XML_TOO_LARGE,
            XmlError::TooDeep { .. } => st::ONSHI_XML_TOO_DEEP,
            XmlError::UnexpectedRoot { .. } => st::ONSHI_XML_UNEXPECTED_ROOT,
            XmlError::UnexpectedText { .. } => st::ONSHI_XML_UNEXPECTED_TEXT,
            XmlError::UnexpectedElement { .. } => st::ONSHI_XML_UNEXPECTED_ELEMENT,
            XmlError::InvalidValue { .. } => st::ONSHI_XML_INVALID_VALUE,
            XmlError::UnknownMessage { .. } => st::ONSHI_XML_UNKNOWN_MESSAGE,
            XmlError::Unrepresentable { .. } => st::ONSHI_XML_UNREPRESENTABLE,
            XmlError::Unwritable { .. } => st::ONSHI_XML_UNWRITABLE,
            XmlError::TooManyUnknown { .. } => st::ONSHI_XML_TOO_MANY_UNKNOWN,
            XmlError::Encrypted { .. } => st::ONSHI_XML_ENCRYPTED,
            XmlError::FileName(e) => e.code(),
        }
    }

    /// Where in the input the problem is; `None` for write errors and file names.
    pub fn location(&self) -> Option<&Location> {
        match self {
            XmlError::Syntax { location, .. }
            | XmlError::Encoding { location, .. }
            | XmlError::UnsupportedEncoding { location, .. }
            | XmlError::Forbidden { location, .. }
            | XmlError::TooLarge { location, .. }
            | XmlError::TooDeep { location, .. }
            | XmlError::TooManyUnknown { location, .. }
            | XmlError::UnexpectedRoot { location, .. }
            | XmlError::UnexpectedText { location }
            | XmlError::UnexpectedElement { location, .. }
            | XmlError::InvalidValue { location, .. }
            | XmlError::Encrypted { location }
            | XmlError::UnknownMessage { location, .. } => Some(location),
            XmlError::Unrepresentable { .. }
            | XmlError::Unwritable { .. }
            | XmlError::FileName(_) => None,
        }
    }

    /// The element path the error is about (input or output), if any.
    pub fn path(&self) -> Option<&str> {
        match self {
            XmlError::Unrepresentable { path, .. } | XmlError::Unwritable { path, .. } => {
                Some(path)
            }
            _ => self
                .location()
                .map(|l| l.path.as_str())
                .filter(|p| !p.is_empty()),
        }
    }

    /// The message without the location prefix (for `FILE:LINE:COL: message` output).
    pub fn message(&self) -> String {
        let full = self.to_string();
        match self.location() {
            Some(loc) => {
                let prefix = format!("{loc}: ");
                match full.strip_prefix(&prefix) {
                    Some(rest) if loc.path.is_empty() => rest.to_string(),
                    Some(rest) => format!("{rest} (at {})", loc.path),
                    None => full,
                }
            }
            None => full,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_characters_not_bytes() {
        let t = "<a>\n  見本<b/>";
        let off = t.find("<b").unwrap();
        let l = Location::at(t, off, "/a/b".into());
        assert_eq!((l.line, l.column), (2, 5));
    }

    #[test]
    fn codes_are_in_range_and_distinct() {
        let l = Location::start();
        let all = [
            XmlError::Syntax {
                message: String::new(),
                location: l.clone(),
            },
            XmlError::TooDeep {
                max: 1,
                location: l.clone(),
            },
            XmlError::Unrepresentable {
                path: String::new(),
                character: '𠮷',
            },
        ];
        for e in &all {
            assert!((200..300).contains(&e.code()));
        }
        assert_eq!(
            all[2].to_string(),
            ": character U+20BB7 cannot be written in Shift_JIS (CP932)"
        );
    }

    #[test]
    fn message_strips_location() {
        let e = XmlError::UnexpectedText {
            location: Location {
                line: 3,
                column: 4,
                offset: 9,
                path: "/XmlMsg".into(),
            },
        };
        assert_eq!(
            e.message(),
            "unexpected text inside an element that holds only elements (at /XmlMsg)"
        );
        assert!(e.to_string().starts_with("line 3, column 4, /XmlMsg: "));
    }
}
