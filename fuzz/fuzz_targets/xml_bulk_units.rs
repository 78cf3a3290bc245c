//! Any bytes → `xml::bulk_units`: never a panic, the iterator ends after an error, and when
//! the whole file parses as a bulk result, the streamed units and header are the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi::xml::{self, Limits, Message};

fuzz_target!(|data: &[u8]| {
    let streamed = xml::bulk_units(data, &Limits::default()).map(|mut u| {
        let header = u.header().clone();
        let mut units = Vec::new();
        let mut failed = false;
        for r in u.by_ref() {
            match r {
                Ok(x) => units.push(x),
                Err(e) => {
                    assert!(e.location().is_some());
                    failed = true;
                }
            }
        }
        assert!(u.next().is_none(), "fused");
        (header, units, failed)
    });
    if let Ok(doc) = xml::parse(data)
        && let Message::BulkQualificationResponse(b) = doc.message
    {
        let (header, units, failed) = streamed.expect("a parsed bulk result streams");
        assert!(!failed);
        assert_eq!(header, b.header);
        assert_eq!(units, b.units);
    }
});
