//! The seam between the terminal module and the XML engine ([`crate::xml`]): encode a
//! message for a file, decode a file into a message, read an `.err` file's text, and
//! re-encode a UTF-8 document the way the terminal writes Shift_JIS.

use crate::xml::{self, Encoding, FileName, Message, XmlError};

/// Encodes a message as the bytes of a file.
pub(crate) fn encode(msg: &Message, encoding: Encoding) -> Result<Vec<u8>, XmlError> {
    xml::write(msg, encoding)
}

/// Decodes the bytes of a file whose name is known (the name decides the kind when the
/// content cannot, e.g. a 処理中 answer with an empty body).
pub(crate) fn decode_file(
    name: &FileName,
    bytes: &[u8],
    max_bytes: u64,
) -> Result<Message, XmlError> {
    let limits = xml::Limits {
        max_bytes: usize::try_from(max_bytes).unwrap_or(usize::MAX),
        ..xml::Limits::default()
    };
    xml::parse_file(name, bytes, &limits).map(|d| d.message)
}

/// Decodes the bytes of a file read within `max_bytes`.
pub(crate) fn decode_bounded(bytes: &[u8], max_bytes: u64) -> Result<Message, XmlError> {
    let limits = xml::Limits {
        max_bytes: usize::try_from(max_bytes).unwrap_or(usize::MAX),
        ..xml::Limits::default()
    };
    xml::parse_with(bytes, &limits).map(|d| d.message)
}

/// The text of a plain file (an `.err`) in UTF-8 or Shift_JIS; undecodable bytes are
/// replaced rather than refused, so staff always see something.
pub(crate) fn decode_text(bytes: &[u8]) -> String {
    match xml::decode_text(bytes) {
        Ok((text, _)) => text,
        Err(_) => match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => encoding_rs::SHIFT_JIS.decode(bytes).0.into_owned(),
        },
    }
}

/// Re-encodes a UTF-8 XML text (declaration included) into `encoding`, fixing the
/// declaration's `encoding` attribute. In Shift_JIS, a character CP932 cannot carry becomes
/// `●`, as the national system does with kanji it cannot show.
pub(crate) fn reencode(utf8_xml: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => utf8_xml.as_bytes().to_vec(),
        Encoding::ShiftJis => {
            let fixed = utf8_xml
                .replacen("encoding=\"UTF-8\"", "encoding=\"Shift_JIS\"", 1)
                .replacen("encoding='UTF-8'", "encoding='Shift_JIS'", 1);
            encode_text(&fixed, Encoding::ShiftJis)
        }
    }
}

/// Encodes plain text; in Shift_JIS an unrepresentable character becomes `●`.
pub(crate) fn encode_text(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::ShiftJis => {
            let (out, _, had_errors) = encoding_rs::SHIFT_JIS.encode(text);
            if !had_errors {
                return out.into_owned();
            }
            let mut buf = [0u8; 4];
            let substituted: String = text
                .chars()
                .map(|c| {
                    let (_, _, bad) = encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buf));
                    if bad { '●' } else { c }
                })
                .collect();
            encoding_rs::SHIFT_JIS.encode(&substituted).0.into_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_jis_substitutes_unrepresentable_characters() {
        let b = encode_text("見本😀太郎", Encoding::ShiftJis);
        assert_eq!(encoding_rs::SHIFT_JIS.decode(&b).0, "見本●太郎");
        let x = reencode(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><A>見本</A>",
            Encoding::ShiftJis,
        );
        assert!(decode_text(&x).contains("Shift_JIS"));
        assert_eq!(decode_text(b"\x82\xa0"), "あ");
    }
}
