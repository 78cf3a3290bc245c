//! Any bytes → `unzip_result`: never a panic, never more than the limit in memory; what is
//! accepted is the one plain, safe `…02res_….xml` of the family.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi::terminal::unzip_result;
use onshi::xml::{Direction, Extension, Family, FileName, Phase};

const MAX: u64 = 1 << 20;

fuzz_target!(|data: &[u8]| {
    for family in [Family::BulkMedicalAssistance, Family::BulkQualification] {
        let Ok((name, xml)) = unzip_result(data, family, MAX) else {
            continue;
        };
        assert!(xml.len() as u64 <= MAX);
        let n = FileName::parse(&name).expect("an accepted entry has an interface name");
        assert_eq!(n.family, family);
        assert_eq!(n.phase, Phase::Download);
        assert_eq!(n.direction, Direction::Response);
        assert_eq!(n.extension, Extension::Xml);
        let _ = onshi::xml::parse_file(&n, &xml, &Default::default());
    }
});
