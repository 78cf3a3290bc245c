//! Field codecs: how one leaf element's text becomes a typed value and back.
//!
//! Reading trims only where the value's type says so: dates, codes, numbers and identifiers
//! ignore surrounding white space (the terminal space-pads insurer numbers); free text
//! (names, addresses, messages) is kept exactly. A blank typed value is treated as absent.

use crate::Personal;
use crate::codes::Code;
use crate::ids::{
    BranchNumber, CardNumber, CardSymbol, IdError, InsurerNumber, MedicalInstitutionCode, Mode,
    PublicExpensePayerNumber, RecipientNumber,
};
use crate::model::Ratio;
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use std::borrow::Cow;
use std::marker::PhantomData;

/// How one leaf element maps to a value.
pub(crate) trait Codec {
    /// The value type.
    type T;
    /// What a valid value looks like (for error messages).
    const EXPECTED: &'static str;
    /// `Ok(None)`: blank (absent). `Err(())`: invalid.
    fn parse(text: &str) -> Result<Option<Self::T>, ()>;
    /// As [`Codec::parse`], taking the text by value (free text keeps a string decoded from
    /// Shift_JIS instead of copying it); the text comes back when it is invalid.
    fn parse_cow(text: Cow<'_, str>) -> Result<Option<Self::T>, Cow<'_, str>> {
        match Self::parse(&text) {
            Ok(v) => Ok(v),
            Err(()) => Err(text),
        }
    }
    /// The text written for a value.
    fn text(value: &Self::T) -> Cow<'_, str>;
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{3000}')
}

/// Free text, kept exactly.
pub(crate) struct Text;
impl Codec for Text {
    type T = String;
    const EXPECTED: &'static str = "text";
    fn parse(text: &str) -> Result<Option<String>, ()> {
        Ok((!text.is_empty()).then(|| text.to_string()))
    }
    fn parse_cow(text: Cow<'_, str>) -> Result<Option<String>, Cow<'_, str>> {
        Ok((!text.is_empty()).then(|| text.into_owned()))
    }
    fn text(v: &String) -> Cow<'_, str> {
        Cow::Borrowed(v)
    }
}

/// Personal free text (names, address …), kept exactly.
pub(crate) struct PText;
impl Codec for PText {
    type T = Personal<String>;
    const EXPECTED: &'static str = "text";
    fn parse(text: &str) -> Result<Option<Personal<String>>, ()> {
        Ok((!text.is_empty()).then(|| Personal::new(text.to_string())))
    }
    fn parse_cow(text: Cow<'_, str>) -> Result<Option<Personal<String>>, Cow<'_, str>> {
        Ok((!text.is_empty()).then(|| Personal::new(text.into_owned())))
    }
    fn text(v: &Personal<String>) -> Cow<'_, str> {
        Cow::Borrowed(v.as_str())
    }
}

fn all_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

fn num(s: &str) -> u32 {
    s.bytes().fold(0u32, |a, b| {
        a.wrapping_mul(10).wrapping_add(u32::from(b - b'0'))
    })
}

/// Parses `yyyyMMdd`.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    if !all_digits(s, 8) {
        return None;
    }
    NaiveDate::from_ymd_opt(num(&s[..4]) as i32, num(&s[4..6]), num(&s[6..8]))
}

/// Parses `yyyyMMddHHmmss`.
pub(crate) fn parse_date_time(s: &str) -> Option<NaiveDateTime> {
    if !all_digits(s, 14) {
        return None;
    }
    parse_date(&s[..8])?.and_hms_opt(num(&s[8..10]), num(&s[10..12]), num(&s[12..14]))
}

fn push_digits(out: &mut String, v: u32, width: usize) {
    let mut buf = [b'0'; 10];
    let mut v = v;
    for slot in buf[..width].iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.extend(buf[..width].iter().map(|&b| char::from(b)));
}

/// Writes `yyyyMMdd` (years 0–9999; the wire format has four digits).
pub(crate) fn date_text(d: &NaiveDate) -> String {
    let mut s = String::with_capacity(8);
    push_digits(&mut s, d.year().clamp(0, 9999) as u32, 4);
    push_digits(&mut s, d.month(), 2);
    push_digits(&mut s, d.day(), 2);
    s
}

/// Writes `yyyyMMddHHmmss`.
pub(crate) fn date_time_text(d: &NaiveDateTime) -> String {
    let mut s = date_text(&d.date());
    push_digits(&mut s, d.hour(), 2);
    push_digits(&mut s, d.minute(), 2);
    push_digits(&mut s, d.second(), 2);
    s
}

/// A date `yyyyMMdd`.
pub(crate) struct Date;
impl Codec for Date {
    type T = NaiveDate;
    const EXPECTED: &'static str = "a date yyyyMMdd";
    fn parse(text: &str) -> Result<Option<NaiveDate>, ()> {
        let t = trim(text);
        if t.is_empty() {
            return Ok(None);
        }
        parse_date(t).map(Some).ok_or(())
    }
    fn text(v: &NaiveDate) -> Cow<'_, str> {
        Cow::Owned(date_text(v))
    }
}

/// A personal date (生年月日).
pub(crate) struct PDate;
impl Codec for PDate {
    type T = Personal<NaiveDate>;
    const EXPECTED: &'static str = "a date yyyyMMdd";
    fn parse(text: &str) -> Result<Option<Personal<NaiveDate>>, ()> {
        Date::parse(text).map(|d| d.map(Personal::new))
    }
    fn text(v: &Personal<NaiveDate>) -> Cow<'_, str> {
        Cow::Owned(date_text(v.expose()))
    }
}

/// A date-time `yyyyMMddHHmmss`.
pub(crate) struct DateTime;
impl Codec for DateTime {
    type T = NaiveDateTime;
    const EXPECTED: &'static str = "a date-time yyyyMMddHHmmss";
    fn parse(text: &str) -> Result<Option<NaiveDateTime>, ()> {
        let t = trim(text);
        if t.is_empty() {
            return Ok(None);
        }
        parse_date_time(t).map(Some).ok_or(())
    }
    fn text(v: &NaiveDateTime) -> Cow<'_, str> {
        Cow::Owned(date_time_text(v))
    }
}

/// A code of a code table; unknown values are kept.
pub(crate) struct CodeOf<C>(PhantomData<C>);
impl<C: Code> Codec for CodeOf<C> {
    type T = C;
    const EXPECTED: &'static str = "a code";
    fn parse(text: &str) -> Result<Option<C>, ()> {
        let t = trim(text);
        Ok((!t.is_empty()).then(|| C::from_wire(t)))
    }
    fn text(v: &C) -> Cow<'_, str> {
        Cow::Borrowed(v.wire())
    }
}

fn id<T>(r: Result<T, IdError>) -> Result<Option<T>, ()> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(IdError::Empty { .. }) => Ok(None),
        Err(_) => Err(()),
    }
}

/// 保険者番号, written space-padded to 8 (資格確認 files).
pub(crate) struct InsurerWire;
impl Codec for InsurerWire {
    type T = InsurerNumber;
    const EXPECTED: &'static str = "a 保険者番号 of 6 or 8 digits";
    fn parse(text: &str) -> Result<Option<InsurerNumber>, ()> {
        id(InsurerNumber::parse(text, Mode::Lenient))
    }
    fn text(v: &InsurerNumber) -> Cow<'_, str> {
        Cow::Owned(v.to_wire())
    }
}

/// 保険者番号, written without padding (薬剤/健診 requests).
pub(crate) struct InsurerPlain;
impl Codec for InsurerPlain {
    type T = InsurerNumber;
    const EXPECTED: &'static str = "a 保険者番号 of 6 or 8 digits";
    fn parse(text: &str) -> Result<Option<InsurerNumber>, ()> {
        id(InsurerNumber::parse(text, Mode::Lenient))
    }
    fn text(v: &InsurerNumber) -> Cow<'_, str> {
        Cow::Borrowed(v.as_str())
    }
}

/// 記号.
pub(crate) struct Symbol;
impl Codec for Symbol {
    type T = CardSymbol;
    const EXPECTED: &'static str = "a 記号 of at most 20 characters";
    fn parse(text: &str) -> Result<Option<CardSymbol>, ()> {
        id(CardSymbol::parse(text, Mode::Lenient))
    }
    fn text(v: &CardSymbol) -> Cow<'_, str> {
        Cow::Borrowed(v.as_str())
    }
}

/// 番号.
pub(crate) struct Number;
impl Codec for Number {
    type T = CardNumber;
    const EXPECTED: &'static str = "a 番号 of at most 20 characters";
    fn parse(text: &str) -> Result<Option<CardNumber>, ()> {
        id(CardNumber::parse(text, Mode::Lenient))
    }
    fn text(v: &CardNumber) -> Cow<'_, str> {
        Cow::Borrowed(v.as_str())
    }
}

/// 枝番.
pub(crate) struct Branch;
impl Codec for Branch {
    type T = BranchNumber;
    const EXPECTED: &'static str = "a 枝番 of 2 digits";
    fn parse(text: &str) -> Result<Option<BranchNumber>, ()> {
        id(BranchNumber::parse(text, Mode::Lenient))
    }
    fn text(v: &BranchNumber) -> Cow<'_, str> {
        Cow::Borrowed(v.as_str())
    }
}

/// 医療機関コード.
pub(crate) struct Institution;
impl Codec for Institution {
    type T = MedicalInstitutionCode;
    const EXPECTED: &'static str = "a 医療機関コード of 10 digits";
    fn parse(text: &str) -> Result<Option<MedicalInstitutionCode>, ()> {
        id(MedicalInstitutionCode::parse(text, Mode::Lenient))
    }
    fn text(v: &MedicalInstitutionCode) -> Cow<'_, str> {
        Cow::Borrowed(v.as_str())
    }
}

/// 公費負担者番号 (8 digits; a wrong 検証番号 is kept).
pub(crate) struct PayerNumber;
impl Codec for PayerNumber {
    type T = PublicExpensePayerNumber;
    const EXPECTED: &'static str = "a 公費負担者番号 of 8 digits";
    fn parse(text: &str) -> Result<Option<PublicExpensePayerNumber>, ()> {
        id(PublicExpensePayerNumber::parse(text, Mode::Lenient))
    }
    fn text(v: &PublicExpensePayerNumber) -> Cow<'_, str> {
        Cow::Borrowed(v.as_str())
    }
}

/// 受給者番号 (≤ 30 characters; a wrong 検証番号 is kept).
pub(crate) struct Recipient;
impl Codec for Recipient {
    type T = RecipientNumber;
    const EXPECTED: &'static str = "a 受給者番号 of at most 30 characters";
    fn parse(text: &str) -> Result<Option<RecipientNumber>, ()> {
        id(RecipientNumber::parse(text, Mode::Lenient))
    }
    fn text(v: &RecipientNumber) -> Cow<'_, str> {
        Cow::Borrowed(v.as_str())
    }
}

/// A 3-digit percentage (`030`).
pub(crate) struct Percent;
impl Codec for Percent {
    type T = Ratio;
    const EXPECTED: &'static str = "a percentage 000–100";
    fn parse(text: &str) -> Result<Option<Ratio>, ()> {
        let t = trim(text);
        if t.is_empty() {
            return Ok(None);
        }
        Ratio::from_wire(t).map(Some).ok_or(())
    }
    fn text(v: &Ratio) -> Cow<'_, str> {
        Cow::Owned(v.to_wire())
    }
}

/// A count or an amount (non-negative integer).
pub(crate) struct Count;
impl Codec for Count {
    type T = u32;
    const EXPECTED: &'static str = "a whole number";
    fn parse(text: &str) -> Result<Option<u32>, ()> {
        let t = trim(text);
        if t.is_empty() {
            return Ok(None);
        }
        if t.len() > 10 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(());
        }
        t.parse().map(Some).map_err(|_| ())
    }
    fn text(v: &u32) -> Cow<'_, str> {
        Cow::Owned(v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse(" 19800101 ").unwrap(),
            NaiveDate::from_ymd_opt(1980, 1, 1)
        );
        assert_eq!(Date::parse("  ").unwrap(), None);
        for bad in [
            "19800230",
            "1980-01-01",
            "1980010",
            "198001011",
            "１９８００１０１",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        let t = DateTime::parse("20230221174835").unwrap().unwrap();
        assert_eq!(DateTime::text(&t), "20230221174835");
        assert!(DateTime::parse("20230221246000").is_err());
    }

    #[test]
    fn ids_are_lenient_and_blank_is_absent() {
        let n = InsurerWire::parse("  138058").unwrap().unwrap(); // wrong check digit: kept
        assert_eq!(InsurerWire::text(&n), "  138058");
        assert_eq!(InsurerPlain::text(&n), "138058");
        assert_eq!(InsurerWire::parse("   ").unwrap(), None);
        assert!(InsurerWire::parse("1234567").is_err());
        assert!(Count::parse("99999999999").is_err());
        assert_eq!(Count::parse("12").unwrap(), Some(12));
    }
}
