//! The seam between the terminal module and the XML engine: encode a message for a file,
//! decode a file into a message, read an `.err` file's text.
//!
//! INTERIM: until `xml::parse` / `xml::write` land, messages travel as JSON wrapped in an
//! `XmlMsg` element. Only this file changes when they do.

use crate::xml::Message;

/// Text encoding of a file the terminal exchanges.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Encoding {
    /// UTF-8 (`CharacterCodeIdentifier` 0).
    #[default]
    Utf8,
    /// Shift_JIS / CP932 (`CharacterCodeIdentifier` 1).
    ShiftJis,
}

/// Why a file could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// Encodes a message as the bytes of a file.
pub(crate) fn encode(msg: &Message, encoding: Encoding) -> Result<Vec<u8>, DecodeError> {
    let json = serde_json::to_string(msg).map_err(|e| DecodeError(e.to_string()))?;
    let decl = match encoding {
        Encoding::Utf8 => "UTF-8",
        Encoding::ShiftJis => "Shift_JIS",
    };
    let text = format!(
        "<?xml version=\"1.0\" encoding=\"{decl}\" standalone=\"no\"?>\n<XmlMsg><![CDATA[{json}]]></XmlMsg>\n"
    );
    Ok(match encoding {
        Encoding::Utf8 => text.into_bytes(),
        Encoding::ShiftJis => encoding_rs::SHIFT_JIS.encode(&text).0.into_owned(),
    })
}

/// Decodes the bytes of a file.
pub(crate) fn decode(bytes: &[u8]) -> Result<(Message, Encoding), DecodeError> {
    let (text, enc) = decode_text(bytes);
    let start = text
        .find("<XmlMsg><![CDATA[")
        .ok_or_else(|| DecodeError("no XmlMsg".into()))?;
    let body = &text[start + 17..];
    let end = body
        .rfind("]]></XmlMsg>")
        .ok_or_else(|| DecodeError("unterminated XmlMsg".into()))?;
    let msg = serde_json::from_str(&body[..end]).map_err(|e| DecodeError(e.to_string()))?;
    Ok((msg, enc))
}

/// The text of a file in UTF-8 or Shift_JIS (from its declaration, else by trying UTF-8).
pub(crate) fn decode_text(bytes: &[u8]) -> (String, Encoding) {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(100)]).to_ascii_lowercase();
    if head.contains("shift_jis") || std::str::from_utf8(bytes).is_err() {
        (
            encoding_rs::SHIFT_JIS.decode(bytes).0.into_owned(),
            Encoding::ShiftJis,
        )
    } else {
        (String::from_utf8_lossy(bytes).into_owned(), Encoding::Utf8)
    }
}

/// Re-encodes a UTF-8 XML text (declaration included) into `encoding`, fixing the
/// declaration's `encoding` attribute.
pub(crate) fn reencode(utf8_xml: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => utf8_xml.as_bytes().to_vec(),
        Encoding::ShiftJis => {
            let fixed = utf8_xml
                .replacen("encoding=\"UTF-8\"", "encoding=\"Shift_JIS\"", 1)
                .replacen("encoding='UTF-8'", "encoding='Shift_JIS'", 1);
            encoding_rs::SHIFT_JIS.encode(&fixed).0.into_owned()
        }
    }
}

/// Encodes plain text (an `.err` file's content).
pub(crate) fn encode_text(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::ShiftJis => encoding_rs::SHIFT_JIS.encode(text).0.into_owned(),
    }
}
