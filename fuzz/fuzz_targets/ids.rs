//! Any text → every identifier parser in both modes: never a panic; an accepted value parses
//! again to itself from its normalized and wire forms; strict acceptance implies lenient.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi::ids::*;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    for mode in [Mode::Strict, Mode::Lenient] {
        if let Ok(n) = InsurerNumber::parse(s, mode) {
            assert_eq!(InsurerNumber::parse(n.as_str(), mode).unwrap(), n);
            assert_eq!(InsurerNumber::parse(&n.to_wire(), mode).unwrap(), n);
            assert_eq!(n.to_wire().chars().count(), 8);
            assert!(InsurerNumber::parse(s, Mode::Lenient).is_ok());
        }
        if let Ok(n) = PublicExpensePayerNumber::parse(s, mode) {
            assert_eq!(
                PublicExpensePayerNumber::parse(n.as_str(), mode).unwrap(),
                n
            );
        }
        if let Ok(n) = RecipientNumber::parse(s, mode) {
            assert_eq!(RecipientNumber::parse(n.as_str(), mode).unwrap(), n);
        }
        if let Ok(n) = MedicalInstitutionCode::parse(s, mode) {
            assert_eq!(MedicalInstitutionCode::parse(n.as_str(), mode).unwrap(), n);
        }
        if let Ok(n) = CardSymbol::parse(s, mode) {
            assert_eq!(CardSymbol::parse(n.as_str(), mode).unwrap(), n);
        }
        if let Ok(n) = CardNumber::parse(s, mode) {
            assert_eq!(CardNumber::parse(n.as_str(), mode).unwrap(), n);
        }
        if let Ok(n) = BranchNumber::parse(s, mode) {
            assert_eq!(BranchNumber::parse(n.as_str(), mode).unwrap(), n);
        }
    }
    if verify(s).is_ok() {
        let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.len() >= 2 && digits.len() == s.trim().len() {
            let (body, last) = digits.split_at(digits.len() - 1);
            assert_eq!(
                check_digit(body).map(|d| d.to_string()),
                Some(last.to_string())
            );
        }
    }
});
