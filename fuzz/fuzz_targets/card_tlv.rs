//! The lenient BER-TLV reader and the EF 0002 parser on arbitrary bytes: no panic, no
//! runaway recursion, and every element found lies inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi::card::{BasicInfo, tlv};

fuzz_target!(|data: &[u8]| {
    if let Ok(items) = tlv::parse_all(data) {
        for t in &items {
            assert!(t.value_offset + t.value.len() <= data.len());
            let _ = t.children();
        }
    }
    let _ = tlv::walk(data, &mut |t, depth| {
        assert!(depth < tlv::MAX_DEPTH);
        assert!(t.tag.as_bytes().len() <= 4);
    });
    let _ = tlv::header(data);
    if let Ok(info) = BasicInfo::from_ef0002(data) {
        let _ = (info.name().as_str(), info.birthdate(), info.sex().label());
        assert!(info.raw_name().len() <= data.len());
    }
});
