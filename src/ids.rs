//! Identifiers with validation: 保険者番号, 公費負担者番号, 受給者番号, 医療機関コード and the
//! 記号・番号・枝番 of an insurance card.
//!
//! Input is accepted the way staff type it and the way the terminal writes it: full-width
//! digits, surrounding ASCII or full-width spaces, space- or zero-padded 6-digit insurer
//! numbers. The check digit (検証番号) is verified in [`Mode::Strict`] and ignored in
//! [`Mode::Lenient`] — the FAQ case of a My Number card-only patient whose insurer number cannot
//! be checked (seed row 18). An error says which digit was expected.
//!
//! ```
//! use onshi::ids::{InsurerNumber, Mode};
//! let n = InsurerNumber::parse("  138057", Mode::Strict).unwrap();
//! assert_eq!(n.as_str(), "138057");
//! assert_eq!(n.to_wire(), "  138057");
//! let err = InsurerNumber::parse("138058", Mode::Strict).unwrap_err();
//! assert_eq!(err.to_string(), "保険者番号: check digit (検証番号) is 8, expected 7");
//! assert!(InsurerNumber::parse("138058", Mode::Lenient).is_ok());
//! ```

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// How strictly a number is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Length, characters, prefecture and check digit.
    #[default]
    Strict,
    /// Length and characters only; the check digit and prefecture are not checked.
    Lenient,
}

/// Which identifier an [`IdError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// 保険者番号.
    InsurerNumber,
    /// 公費負担者番号.
    PublicExpensePayerNumber,
    /// 公費受給者番号.
    RecipientNumber,
    /// 医療機関コード.
    MedicalInstitutionCode,
    /// 被保険者証記号.
    CardSymbol,
    /// 被保険者証番号.
    CardNumber,
    /// 枝番.
    BranchNumber,
}

impl IdKind {
    /// Japanese name of the identifier.
    pub fn label(self) -> &'static str {
        match self {
            IdKind::InsurerNumber => "保険者番号",
            IdKind::PublicExpensePayerNumber => "公費負担者番号",
            IdKind::RecipientNumber => "受給者番号",
            IdKind::MedicalInstitutionCode => "医療機関コード",
            IdKind::CardSymbol => "記号",
            IdKind::CardNumber => "番号",
            IdKind::BranchNumber => "枝番",
        }
    }
}

/// A malformed identifier. Messages never contain the whole value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// Nothing but spaces.
    #[error("{}: empty", kind.label())]
    Empty {
        /// The identifier.
        kind: IdKind,
    },
    /// A character that is not allowed, at a 1-based character position.
    #[error("{}: character {position} is not a digit", kind.label())]
    NotDigit {
        /// The identifier.
        kind: IdKind,
        /// 1-based position in the trimmed input.
        position: usize,
    },
    /// Wrong number of digits.
    #[error("{}: {found} digits, expected {expected}", kind.label())]
    Length {
        /// The identifier.
        kind: IdKind,
        /// How many digits were given.
        found: usize,
        /// What is allowed, e.g. `"6 or 8"`.
        expected: &'static str,
    },
    /// The prefecture digits are not 01–47.
    #[error("{}: prefecture digits {found:02} are not 01–47", kind.label())]
    Prefecture {
        /// The identifier.
        kind: IdKind,
        /// The two prefecture digits.
        found: u8,
    },
    /// The check digit (検証番号) does not match.
    #[error("{}: check digit (検証番号) is {found}, expected {expected}", kind.label())]
    CheckDigit {
        /// The identifier.
        kind: IdKind,
        /// The last digit as given.
        found: u8,
        /// The digit the rule computes.
        expected: u8,
    },
    /// Longer than the interface allows.
    #[error("{}: {found} characters, at most {max}", kind.label())]
    TooLong {
        /// The identifier.
        kind: IdKind,
        /// Length given.
        found: usize,
        /// Maximum.
        max: usize,
    },
}

impl IdError {
    /// Stable numeric code (C ABI `onshi_status`).
    pub fn code(&self) -> u32 {
        use crate::ffi::status as st;
        match self {
            IdError::Empty { .. } => st::ONSHI_ID_EMPTY,
            IdError::NotDigit { .. } => st::ONSHI_ID_NOT_DIGIT,
            IdError::Length { .. } => st::ONSHI_ID_LENGTH,
            IdError::CheckDigit { .. } => st::ONSHI_ID_CHECK_DIGIT,
            IdError::Prefecture { .. } => st::ONSHI_ID_PREFECTURE,
            IdError::TooLong { .. } => st::ONSHI_ID_TOO_LONG,
        }
    }

    /// The identifier the error is about.
    pub fn kind(&self) -> IdKind {
        match self {
            IdError::Empty { kind }
            | IdError::NotDigit { kind, .. }
            | IdError::Length { kind, .. }
            | IdError::CheckDigit { kind, .. }
            | IdError::Prefecture { kind, .. }
            | IdError::TooLong { kind, .. } => *kind,
        }
    }
}

/// Folds one character the way card numbers are typed: full-width ASCII to ASCII, every
/// dash form to `-`, U+3000 to a space.
pub(crate) fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{30FC}' | '\u{FF70}' | '\u{FE63}' => '-',
        c => c,
    }
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{3000}' || c == '\t' || c == '\r' || c == '\n'
}

/// Normalizes a number-like input to ASCII digits: full-width digits folded, surrounding spaces
/// trimmed. Errors on any non-digit.
fn digits(input: &str, kind: IdKind) -> Result<String, IdError> {
    let trimmed = input.trim_matches(is_space);
    if trimmed.is_empty() {
        return Err(IdError::Empty { kind });
    }
    let mut out = String::with_capacity(trimmed.len());
    for (i, c) in trimmed.chars().enumerate() {
        let c = fold_char(c);
        if !c.is_ascii_digit() {
            return Err(IdError::NotDigit {
                kind,
                position: i + 1,
            });
        }
        out.push(c);
    }
    Ok(out)
}

/// The check digit (検証番号) of a number's body (every digit but the last): from the
/// rightmost digit, multiply by 2, 1, 2, 1 …, add the digits of each product, and take
/// `10 − (sum mod 10)` (0 when the sum ends in 0). The same rule (a モジュラス10, weights
/// 2-1, known elsewhere as Luhn's) serves 保険者番号, 公費負担者番号, 受給者番号 and the
/// 医療機関コード, whose body is its first nine digits (都道府県2 + 点数表1 + 郡市区2 +
/// 医療機関4).
///
/// Returns `None` when `body` is empty or holds a non-digit.
///
/// ```
/// assert_eq!(onshi::ids::check_digit("3312001"), Some(5));
/// assert_eq!(onshi::ids::check_digit("13805"), Some(7));
/// assert_eq!(onshi::ids::check_digit("123456"), Some(6));
/// assert_eq!(onshi::ids::check_digit("011011371"), Some(9)); // 医療機関コード 0110113719
/// assert_eq!(onshi::ids::check_digit(""), None);
/// ```
pub fn check_digit(body: &str) -> Option<u8> {
    if body.is_empty() {
        return None;
    }
    let mut sum = 0u32;
    for (i, c) in body.chars().rev().enumerate() {
        let d = c.to_digit(10)?;
        let p = if i % 2 == 0 { d * 2 } else { d };
        sum += p / 10 + p % 10;
    }
    Some(((10 - sum % 10) % 10) as u8)
}

fn verify_check_digit(s: &str, kind: IdKind) -> Result<(), IdError> {
    let (body, last) = s.split_at(s.len() - 1);
    let expected = check_digit(body).unwrap_or(0);
    let found = last.as_bytes()[0] - b'0';
    if found != expected {
        return Err(IdError::CheckDigit {
            kind,
            found,
            expected,
        });
    }
    Ok(())
}

fn verify_prefecture(two: &str, kind: IdKind) -> Result<(), IdError> {
    let p: u8 = two.parse().unwrap_or(0);
    if !(1..=47).contains(&p) {
        return Err(IdError::Prefecture { kind, found: p });
    }
    Ok(())
}

macro_rules! string_id_serde {
    ($t:ident, $kind:expr) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $t::parse(&s, Mode::Lenient).map_err(serde::de::Error::custom)
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for $t {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                $t::parse(s, Mode::Strict)
            }
        }
    };
}

/// 保険者番号: 8 digits (法別2 + 都道府県2 + 保険者別3 + 検証1) or 6 digits for 国保
/// (都道府県2 + 保険者別3 + 検証1). For 医療扶助 results the terminal puts the 公費負担者番号
/// here (8 digits, 法別 `12`).
///
/// Accepts space- or zero-padded input (`"  138057"`, `"00138057"`) and full-width digits; keeps
/// the number unpadded ([`as_str`](Self::as_str)) and writes it space-padded to 8
/// ([`to_wire`](Self::to_wire)) as the terminal does.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct InsurerNumber(String);

impl InsurerNumber {
    /// Parses a 保険者番号.
    pub fn parse(input: &str, mode: Mode) -> Result<Self, IdError> {
        let kind = IdKind::InsurerNumber;
        let mut d = digits(input, kind)?;
        // A 6-digit 国保 number zero-padded to 8: no 法別 is "00".
        if d.len() == 8 && d.starts_with("00") {
            d.drain(..2);
        }
        if d.len() != 6 && d.len() != 8 {
            return Err(IdError::Length {
                kind,
                found: d.len(),
                expected: "6 or 8",
            });
        }
        if mode == Mode::Strict {
            let pref = if d.len() == 8 { &d[2..4] } else { &d[0..2] };
            verify_prefecture(pref, kind)?;
            verify_check_digit(&d, kind)?;
        }
        Ok(InsurerNumber(d))
    }

    /// The number without padding (6 or 8 digits).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as written in request files: space-padded on the left to 8 characters.
    pub fn to_wire(&self) -> String {
        format!("{:>8}", self.0)
    }

    /// `true` for a 6-digit 国保 number.
    pub fn is_national_health_insurance(&self) -> bool {
        self.0.len() == 6
    }

    /// The 法別番号 (first two digits of an 8-digit number); `None` for 国保.
    pub fn law_code(&self) -> Option<&str> {
        (self.0.len() == 8).then(|| &self.0[..2])
    }

    /// `true` when this is 後期高齢者医療 (法別 `39`).
    pub fn is_late_elderly(&self) -> bool {
        self.law_code() == Some("39")
    }

    /// `true` when this is a 生活保護 (医療扶助) 公費負担者番号 (法別 `12`).
    pub fn is_public_assistance(&self) -> bool {
        self.law_code() == Some("12")
    }

    /// Whether the check digit and prefecture are right.
    pub fn validate(&self) -> Result<(), IdError> {
        Self::parse(&self.0, Mode::Strict).map(|_| ())
    }
}
string_id_serde!(InsurerNumber, IdKind::InsurerNumber);

/// 公費負担者番号: 8 digits (法別2 + 都道府県2 + 実施機関3 + 検証1).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct PublicExpensePayerNumber(String);

impl PublicExpensePayerNumber {
    /// Parses a 公費負担者番号.
    ///
    /// ```
    /// use onshi::ids::{PublicExpensePayerNumber, Mode};
    /// assert!(PublicExpensePayerNumber::parse("54016027", Mode::Strict).is_ok());
    /// assert!(PublicExpensePayerNumber::parse("54016028", Mode::Strict).is_err());
    /// ```
    pub fn parse(input: &str, mode: Mode) -> Result<Self, IdError> {
        let kind = IdKind::PublicExpensePayerNumber;
        let d = digits(input, kind)?;
        if d.len() != 8 {
            return Err(IdError::Length {
                kind,
                found: d.len(),
                expected: "8",
            });
        }
        if mode == Mode::Strict {
            verify_prefecture(&d[2..4], kind)?;
            verify_check_digit(&d, kind)?;
        }
        Ok(PublicExpensePayerNumber(d))
    }

    /// The 8 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 法別番号 (first two digits): the programme (`54` 難病, `52` 小児慢性, `12` 生活保護 …).
    pub fn law_code(&self) -> &str {
        &self.0[..2]
    }

    /// `true` for 生活保護 (医療扶助, 法別 `12`).
    pub fn is_public_assistance(&self) -> bool {
        self.law_code() == "12"
    }

    /// Whether the prefecture digits and the 検証番号 are right (a lenient read keeps a number
    /// that fails them; the diff and `validate` report it as a warning).
    pub fn validate(&self) -> Result<(), IdError> {
        Self::parse(&self.0, Mode::Strict).map(|_| ())
    }
}
string_id_serde!(PublicExpensePayerNumber, IdKind::PublicExpensePayerNumber);

/// 公費受給者番号: up to 30 characters, never a number (leading zeros are part of it).
///
/// National programmes (難病, 小児慢性, 結核, 精神通院 …) use 7 digits (受給者区分6 + 検証番号1);
/// local 医療費助成 (こども, ひとり親, 障がい …) use what the 自治体 chose — the PMH API allows up
/// to 30 characters (oqs-2026 §5). Full-width digits and letters are folded to ASCII and spaces
/// trimmed, as [`CardNumber`] does. In [`Mode::Strict`] a 7-digit number's 検証番号 is checked
/// (other forms have none); [`Mode::Lenient`] checks only the length and characters. `Debug`
/// is redacted: the number identifies the patient.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecipientNumber(String);

impl RecipientNumber {
    /// The longest 受給者番号 (characters).
    pub const MAX_LEN: usize = 30;

    /// Parses a 受給者番号.
    ///
    /// ```
    /// use onshi::ids::{RecipientNumber, Mode};
    /// assert_eq!(RecipientNumber::parse("１２３４５６６", Mode::Strict).unwrap().as_str(), "1234566");
    /// // A local programme's number: no 検証番号, up to 30 characters.
    /// let local = RecipientNumber::parse("ＨＯ-0012345678", Mode::Strict).unwrap();
    /// assert_eq!(local.as_str(), "HO-0012345678");
    /// assert!(!local.is_national_form());
    /// // A 7-digit number with a wrong 検証番号: refused when strict, kept when lenient.
    /// assert!(RecipientNumber::parse("1234567", Mode::Strict).is_err());
    /// assert!(RecipientNumber::parse("1234567", Mode::Lenient).is_ok());
    /// ```
    pub fn parse(input: &str, mode: Mode) -> Result<Self, IdError> {
        let kind = IdKind::RecipientNumber;
        let s = card_text(input, kind, Self::MAX_LEN)?;
        if mode == Mode::Strict && is_national_recipient(&s) {
            verify_check_digit(&s, kind)?;
        }
        Ok(RecipientNumber(s))
    }

    /// The number, normalized.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `true` for the national programmes' form: 7 digits ending in a 検証番号.
    pub fn is_national_form(&self) -> bool {
        is_national_recipient(&self.0)
    }

    /// Whether the 検証番号 holds: `Some` for the 7-digit national form, `None` for a form
    /// without one (local programmes).
    pub fn check_digit_holds(&self) -> Option<bool> {
        self.is_national_form()
            .then(|| verify_check_digit(&self.0, IdKind::RecipientNumber).is_ok())
    }
}

fn is_national_recipient(s: &str) -> bool {
    s.len() == 7 && s.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Debug for RecipientNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecipientNumber(‹redacted›)")
    }
}
string_id_serde!(RecipientNumber, IdKind::RecipientNumber);

/// 医療機関コード: 10 digits (都道府県2 + 点数表1 + 郡市区2 + 医療機関4 + 検証番号1).
///
/// The 検証番号 is computed over the first nine digits — the prefecture and 点数表 digits
/// included — by the rule of [`check_digit`]. Sources: the structure is the 1976 notice's, as
/// summarized in 岡本悦司「医療機関コードにおける郡市区番号の市区町村との対応表の作成と分析」
/// (医療情報学連合大会 2022, 2-G-3-04); that the check digit covers the prefecture and
/// 点数表 digits and follows the 2-1 weighting (Luhn) is stated, with the example
/// `0110113719`, in the Japanese Wikipedia article 「処方箋発行医療機関コード」.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct MedicalInstitutionCode(String);

impl MedicalInstitutionCode {
    /// Parses a 医療機関コード. Strict mode also checks the prefecture digits and the
    /// 検証番号; lenient mode only the length and the characters.
    ///
    /// ```
    /// use onshi::ids::{MedicalInstitutionCode, Mode};
    /// assert!(MedicalInstitutionCode::parse("1312345679", Mode::Strict).is_ok());
    /// assert!(MedicalInstitutionCode::parse("1312345678", Mode::Strict).is_err()); // 検証番号
    /// assert!(MedicalInstitutionCode::parse("1312345678", Mode::Lenient).is_ok());
    /// assert!(MedicalInstitutionCode::parse("131234567", Mode::Strict).is_err());
    /// ```
    pub fn parse(input: &str, mode: Mode) -> Result<Self, IdError> {
        let kind = IdKind::MedicalInstitutionCode;
        let d = digits(input, kind)?;
        if d.len() != 10 {
            return Err(IdError::Length {
                kind,
                found: d.len(),
                expected: "10",
            });
        }
        if mode == Mode::Strict {
            verify_prefecture(&d[..2], kind)?;
            verify_check_digit(&d, kind)?;
        }
        Ok(MedicalInstitutionCode(d))
    }

    /// The 10 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_id_serde!(MedicalInstitutionCode, IdKind::MedicalInstitutionCode);

/// Normalizes a card field: full-width ASCII to ASCII, dash forms to `-`, spaces
/// (ASCII and U+3000) removed at the edges and collapsed inside.
fn card_text(input: &str, kind: IdKind, max: usize) -> Result<String, IdError> {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.chars().map(fold_char) {
        if is_space(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if c.is_control() {
            return Err(IdError::NotDigit {
                kind,
                position: out.chars().count() + 1,
            });
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    if out.is_empty() {
        return Err(IdError::Empty { kind });
    }
    let n = out.chars().count();
    if n > max {
        return Err(IdError::TooLong {
            kind,
            found: n,
            max,
        });
    }
    Ok(out)
}

macro_rules! card_field {
    ($(#[$m:meta])* $t:ident, $kind:expr, $max:expr) => {
        $(#[$m])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $t(String);

        impl $t {
            /// Parses and normalizes the field (full-width to half-width, dash forms to `-`,
            /// spaces trimmed). The mode does not matter: there is no check digit.
            pub fn parse(input: &str, _mode: Mode) -> Result<Self, IdError> {
                card_text(input, $kind, $max).map($t)
            }

            /// The normalized value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(‹redacted›)", stringify!($t))
            }
        }
        string_id_serde!($t, $kind);
    };
}

card_field!(
    /// 被保険者証記号 (may hold `-`, letters or kanji; ≤ 20 characters). `Debug` is redacted.
    ///
    /// ```
    /// use onshi::ids::{CardSymbol, Mode};
    /// assert_eq!(CardSymbol::parse("１２－３４", Mode::Strict).unwrap().as_str(), "12-34");
    /// ```
    CardSymbol,
    IdKind::CardSymbol,
    20
);
card_field!(
    /// 被保険者証番号 (≤ 20 characters). `Debug` is redacted.
    CardNumber,
    IdKind::CardNumber,
    20
);

/// 枝番: 2 digits (a single digit is zero-padded). `Debug` is redacted.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BranchNumber(String);

impl BranchNumber {
    /// Parses a 枝番: 1 or 2 digits, full-width accepted; `"1"` becomes `"01"`.
    ///
    /// ```
    /// use onshi::ids::{BranchNumber, Mode};
    /// assert_eq!(BranchNumber::parse("１", Mode::Strict).unwrap().as_str(), "01");
    /// ```
    pub fn parse(input: &str, _mode: Mode) -> Result<Self, IdError> {
        let kind = IdKind::BranchNumber;
        let d = digits(input, kind)?;
        match d.len() {
            1 => Ok(BranchNumber(format!("0{d}"))),
            2 => Ok(BranchNumber(d)),
            n => Err(IdError::Length {
                kind,
                found: n,
                expected: "2",
            }),
        }
    }

    /// The two digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BranchNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BranchNumber(‹redacted›)")
    }
}
string_id_serde!(BranchNumber, IdKind::BranchNumber);

/// Checks any number whose last digit is a 検証番号 (保険者番号, 公費負担者番号, 受給者番号):
/// `Ok(())` when it holds, else the expected digit. Accepts full-width digits and spaces.
///
/// ```
/// assert!(onshi::ids::verify("33120015").is_ok());
/// assert!(matches!(onshi::ids::verify("33120016"),
///     Err(onshi::ids::IdError::CheckDigit { expected: 5, .. })));
/// ```
pub fn verify(number: &str) -> Result<(), IdError> {
    let kind = IdKind::InsurerNumber;
    let d = digits(number, kind)?;
    if d.len() < 2 {
        return Err(IdError::Length {
            kind,
            found: d.len(),
            expected: "at least 2",
        });
    }
    verify_check_digit(&d, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: [&str; 5] = ["33120015", "138057", "54016027", "06132013", "39131156"];

    #[test]
    fn spec_examples_are_valid() {
        for n in VALID {
            assert!(InsurerNumber::parse(n, Mode::Strict).is_ok(), "{n}");
            assert!(verify(n).is_ok(), "{n}");
        }
        assert!(RecipientNumber::parse("1234566", Mode::Strict).is_ok());
        assert!(PublicExpensePayerNumber::parse("54016027", Mode::Strict).is_ok());
    }

    #[test]
    fn any_single_digit_change_is_invalid() {
        for n in VALID.iter().copied().chain(["1234566"]) {
            for i in 0..n.len() {
                for d in b'0'..=b'9' {
                    let mut b = n.as_bytes().to_vec();
                    if b[i] == d {
                        continue;
                    }
                    b[i] = d;
                    let m = String::from_utf8(b).unwrap();
                    assert!(verify(&m).is_err(), "{m} (from {n}) should fail");
                }
            }
        }
    }

    #[test]
    fn check_digit_error_names_expected_digit() {
        let e = InsurerNumber::parse("33120016", Mode::Strict).unwrap_err();
        assert_eq!(
            e,
            IdError::CheckDigit {
                kind: IdKind::InsurerNumber,
                found: 6,
                expected: 5
            }
        );
        assert_eq!(e.code(), 103);
    }

    #[test]
    fn lenient_ignores_check_digit_but_not_length() {
        assert!(InsurerNumber::parse("33120016", Mode::Lenient).is_ok());
        assert!(matches!(
            InsurerNumber::parse("3312001", Mode::Lenient),
            Err(IdError::Length { found: 7, .. })
        ));
    }

    #[test]
    fn padding_and_width_forms() {
        for s in ["  138057", "00138057", "１３８０５７", "\u{3000}138057 "] {
            let n = InsurerNumber::parse(s, Mode::Strict).unwrap();
            assert_eq!(n.as_str(), "138057", "{s:?}");
            assert_eq!(n.to_wire(), "  138057");
            assert!(n.is_national_health_insurance());
        }
        assert_eq!(
            InsurerNumber::parse("06132013", Mode::Strict)
                .unwrap()
                .as_str(),
            "06132013"
        );
    }

    #[test]
    fn recipient_number_keeps_leading_zero() {
        // body 012345 → check digit
        let cd = check_digit("012345").unwrap();
        let n = format!("012345{cd}");
        assert_eq!(
            RecipientNumber::parse(&n, Mode::Strict).unwrap().as_str(),
            n
        );
    }

    #[test]
    fn recipient_numbers_national_and_local() {
        // National: 7 digits with a 検証番号, checked when strict.
        let n = RecipientNumber::parse("1234566", Mode::Strict).unwrap();
        assert!(n.is_national_form());
        assert_eq!(n.check_digit_holds(), Some(true));
        let bad = RecipientNumber::parse("1234567", Mode::Lenient).unwrap();
        assert_eq!(bad.check_digit_holds(), Some(false));
        assert!(matches!(
            RecipientNumber::parse("1234567", Mode::Strict),
            Err(IdError::CheckDigit { expected: 6, .. })
        ));
        // Local: any printable form up to 30 characters, never a number (zeros kept).
        for s in ["001234", "00123456789", "A-12345", "ＡＢ１２３４５６"] {
            let n = RecipientNumber::parse(s, Mode::Strict).unwrap();
            assert_eq!(n.check_digit_holds(), None, "{s}");
        }
        assert_eq!(
            RecipientNumber::parse(&"9".repeat(30), Mode::Strict)
                .unwrap()
                .as_str()
                .len(),
            30
        );
        assert!(matches!(
            RecipientNumber::parse(&"9".repeat(31), Mode::Lenient),
            Err(IdError::TooLong { max: 30, .. })
        ));
        assert!(format!("{:?}", n_debug()).contains("redacted"));
        fn n_debug() -> RecipientNumber {
            RecipientNumber::parse("1234566", Mode::Strict).unwrap()
        }
    }

    #[test]
    fn payer_number_law_code_and_validation() {
        let p = PublicExpensePayerNumber::parse("54136015", Mode::Lenient).unwrap();
        assert_eq!(p.law_code(), "54");
        assert!(!p.is_public_assistance());
        assert!(
            PublicExpensePayerNumber::parse("12136016", Mode::Lenient)
                .unwrap()
                .is_public_assistance()
        );
        // Kept when lenient, reported by validate().
        let wrong = PublicExpensePayerNumber::parse("54136016", Mode::Lenient).unwrap();
        assert!(matches!(wrong.validate(), Err(IdError::CheckDigit { .. })));
        assert!(matches!(
            PublicExpensePayerNumber::parse("5413601", Mode::Lenient),
            Err(IdError::Length { found: 7, .. })
        ));
    }

    #[test]
    fn not_digit_reports_position() {
        assert_eq!(
            InsurerNumber::parse("13a057", Mode::Lenient),
            Err(IdError::NotDigit {
                kind: IdKind::InsurerNumber,
                position: 3
            })
        );
        assert_eq!(
            InsurerNumber::parse("   ", Mode::Lenient),
            Err(IdError::Empty {
                kind: IdKind::InsurerNumber
            })
        );
    }

    #[test]
    fn prefecture_checked_in_strict() {
        // 99 is not a prefecture; make the check digit right so only the prefecture fails.
        let body = "99123";
        let n = format!("{body}{}", check_digit(body).unwrap());
        assert!(matches!(
            InsurerNumber::parse(&n, Mode::Strict),
            Err(IdError::Prefecture { found: 99, .. })
        ));
        assert!(InsurerNumber::parse(&n, Mode::Lenient).is_ok());
    }

    #[test]
    fn medical_institution_code_check_digit() {
        // The published example (北海道, 医科): valid; every single-digit change of it is
        // refused in strict mode and accepted in lenient mode.
        let ok = "0110113719";
        assert_eq!(
            MedicalInstitutionCode::parse(ok, Mode::Strict)
                .unwrap()
                .as_str(),
            ok
        );
        for i in 0..ok.len() {
            for d in b'0'..=b'9' {
                let mut b = ok.as_bytes().to_vec();
                if b[i] == d {
                    continue;
                }
                b[i] = d;
                let m = String::from_utf8(b).unwrap();
                assert!(
                    MedicalInstitutionCode::parse(&m, Mode::Strict).is_err(),
                    "{m}"
                );
                assert!(
                    MedicalInstitutionCode::parse(&m, Mode::Lenient).is_ok(),
                    "{m}"
                );
            }
        }
        assert_eq!(
            MedicalInstitutionCode::parse("1310000009", Mode::Strict),
            Err(IdError::CheckDigit {
                kind: IdKind::MedicalInstitutionCode,
                found: 9,
                expected: 3
            })
        );
    }

    #[test]
    fn card_fields_normalize() {
        assert_eq!(
            CardSymbol::parse(" ＡＢ‐１２ ", Mode::Strict)
                .unwrap()
                .as_str(),
            "AB-12"
        );
        assert_eq!(
            CardNumber::parse("１００", Mode::Strict).unwrap().as_str(),
            "100"
        );
        assert!(
            format!("{:?}", CardNumber::parse("100", Mode::Strict).unwrap()).contains("redacted")
        );
        assert!(matches!(
            BranchNumber::parse("123", Mode::Strict),
            Err(IdError::Length { .. })
        ));
        assert!(matches!(
            CardNumber::parse(&"1".repeat(21), Mode::Strict),
            Err(IdError::TooLong { .. })
        ));
    }
}
