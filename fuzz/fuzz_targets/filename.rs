//! Any text → `FileName::parse`: never a panic; an accepted name prints back to itself,
//! pairs with its answer and request, and never escapes a folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi::xml::{Extension, FileName, MessageKind};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(n) = FileName::parse(s) else {
        return;
    };
    assert!(!s.contains(['/', '\\', ':']) && !s.contains(".."));
    let printed = n.to_string();
    assert_eq!(FileName::parse(&printed).unwrap(), n);
    let _ = n.info();
    if n.is_face() || n.is_face_key_output() {
        // Pushed by the reader: no request to pair with.
        return;
    }
    let res = n.response_name();
    assert_eq!(FileName::parse(&res.to_string()).unwrap(), res);
    let req = n.request_name();
    assert_eq!(FileName::parse(&req.to_string()).unwrap(), req);
    assert_eq!(res.request_name(), req);
    let _ = MessageKind::for_file(&n);
    let _ = n.with_extension(Extension::Err).to_string();
});
