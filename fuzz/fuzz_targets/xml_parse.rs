//! Any bytes → `xml::parse`: never a panic; when the bytes parse, writing the message and
//! parsing it again gives the same message (in UTF-8, and in Shift_JIS unless a character
//! cannot be carried), writing is deterministic, and validation and JSON never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi::xml::{self, Encoding, XmlError};

fuzz_target!(|data: &[u8]| {
    let doc = match xml::parse(data) {
        Ok(d) => d,
        Err(e) => {
            // Every error about the input is located.
            assert!(e.location().is_some(), "{e:?}");
            let _ = e.to_string();
            return;
        }
    };
    let _ = xml::validate(&doc);
    let json = serde_json::to_string(&doc.message).unwrap();
    let back: xml::Message = serde_json::from_str(&json).unwrap();
    assert_eq!(back, doc.message);
    for enc in [Encoding::Utf8, Encoding::ShiftJis] {
        match xml::write(&doc.message, enc) {
            Ok(bytes) => {
                let again = xml::parse(&bytes)
                    .unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&bytes)));
                assert_eq!(again.message, doc.message);
                assert_eq!(again.encoding, enc);
                assert_eq!(xml::write(&again.message, enc).unwrap(), bytes);
            }
            Err(XmlError::Unrepresentable { .. }) if enc == Encoding::ShiftJis => {}
            Err(e) => panic!("a parsed message could not be written: {e}"),
        }
    }
});
