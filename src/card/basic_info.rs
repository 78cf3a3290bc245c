//! [`BasicInfo`]: the 基本4情報 (name, address, birth date, sex) of EF 0002.

use super::CardError;
use super::tlv;
use crate::Personal;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

/// 性別 as the card writes it: an ISO 5218 code in DF 25 (the terminal interface has its own
/// code, [`crate::codes::Sex`]; [`CardSex::to_oqs`] maps one to the other).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CardSex {
    /// `0` 不明 (not known).
    NotKnown,
    /// `1` 男.
    Male,
    /// `2` 女.
    Female,
    /// `9` 適用不能 (not applicable).
    NotApplicable,
    /// Any other value; the raw text is in [`BasicInfo::raw_sex`].
    Unrecognized,
}

impl CardSex {
    /// Reads an ISO 5218 code (`"1"`, `"2"`, …; surrounding spaces and NULs ignored).
    ///
    /// ```
    /// use onshi::card::CardSex;
    /// assert_eq!(CardSex::from_iso5218(b"2"), CardSex::Female);
    /// assert_eq!(CardSex::from_iso5218(b"x"), CardSex::Unrecognized);
    /// ```
    pub fn from_iso5218(raw: &[u8]) -> CardSex {
        match trim(raw) {
            b"0" => CardSex::NotKnown,
            b"1" => CardSex::Male,
            b"2" => CardSex::Female,
            b"9" => CardSex::NotApplicable,
            _ => CardSex::Unrecognized,
        }
    }

    /// The ISO 5218 code, `None` for [`CardSex::Unrecognized`].
    pub fn iso5218(self) -> Option<char> {
        match self {
            CardSex::NotKnown => Some('0'),
            CardSex::Male => Some('1'),
            CardSex::Female => Some('2'),
            CardSex::NotApplicable => Some('9'),
            CardSex::Unrecognized => None,
        }
    }

    /// The Japanese label for staff screens.
    pub fn label(self) -> &'static str {
        match self {
            CardSex::NotKnown => "不明",
            CardSex::Male => "男",
            CardSex::Female => "女",
            CardSex::NotApplicable => "適用不能",
            CardSex::Unrecognized => "不明なコード",
        }
    }

    /// The 性別 code of the terminal interface (OQSCD007): 男 and 女 map to themselves, every
    /// other value to 未設定.
    pub fn to_oqs(self) -> crate::codes::Sex {
        match self {
            CardSex::Male => crate::codes::Sex::Male,
            CardSex::Female => crate::codes::Sex::Female,
            _ => crate::codes::Sex::Unset,
        }
    }
}

fn trim(raw: &[u8]) -> &[u8] {
    let is_pad = |b: &u8| *b == b' ' || *b == 0;
    let start = raw.iter().position(|b| !is_pad(b)).unwrap_or(raw.len());
    let end = raw
        .iter()
        .rposition(|b| !is_pad(b))
        .map_or(start, |e| e + 1);
    raw.get(start..end).unwrap_or(&[])
}

/// The 基本4情報 read from EF 0002 of the 券面事項入力補助AP.
///
/// Name and address are decoded from UTF-8; bytes that do not decode (外字 may) become
/// U+FFFD, and the raw bytes are kept ([`BasicInfo::raw_name`], [`BasicInfo::raw_address`],
/// [`BasicInfo::name_decoded_cleanly`]) so staff can correct the text against the card face.
/// The birth date is parsed when DF 24 is 8 digits (`YYYYMMDD`), and always kept as text.
///
/// The read is not authenticated (a fake card can return anything): use it to pre-fill a
/// form that staff confirm against the card face. `Debug` is redacted; serialization (JSON
/// for the form) writes the real values.
///
/// ```
/// use onshi::card::{BasicInfo, CardSex};
/// let ef0002 = [
///     0xFF, 0x20, 0x82, 0x00, 0x1C,
///     0xDF, 0x21, 0x00,
///     0xDF, 0x22, 0x03, b'A', b'B', b'C',
///     0xDF, 0x23, 0x01, b'X',
///     0xDF, 0x24, 0x08, b'1', b'9', b'8', b'5', b'0', b'4', b'0', b'1',
///     0xDF, 0x25, 0x01, b'2',
/// ];
/// let info = BasicInfo::from_ef0002(&ef0002).unwrap();
/// assert_eq!(info.name().as_str(), "ABC");
/// assert_eq!(info.birthdate().unwrap().to_string(), "1985-04-01");
/// assert_eq!(info.sex(), CardSex::Female);
/// assert!(!format!("{info:?}").contains("ABC"));
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct BasicInfo {
    name: Personal<String>,
    address: Personal<String>,
    birthdate: Option<Personal<NaiveDate>>,
    birthdate_text: Personal<String>,
    sex: CardSex,
    #[serde(skip)]
    raw_name: Vec<u8>,
    #[serde(skip)]
    raw_address: Vec<u8>,
    #[serde(skip)]
    raw_birthdate: Vec<u8>,
    #[serde(skip)]
    raw_sex: Vec<u8>,
}

/// The largest EF 0002 this library accepts (bytes). Real files are a few hundred bytes.
pub const MAX_EF0002_LEN: usize = 4096;

impl BasicInfo {
    /// Parses the content of EF 0002: an `FF 20` element holding `DF 21` (header, ignored),
    /// `DF 22` name, `DF 23` address, `DF 24` birth date and `DF 25` sex. The inner tags are
    /// matched by class (private) and number, so `FF 22` is read like `DF 22`. Bytes after
    /// the outer element are ignored. Fails with [`CardError::MalformedData`] when the outer
    /// element or one of the four items is missing.
    pub fn from_ef0002(bytes: &[u8]) -> Result<BasicInfo, CardError> {
        let outer = tlv::parse_one(bytes, 0)?;
        if outer.tag.as_bytes() != [0xFF, 0x20] {
            return Err(CardError::MalformedData {
                offset: 0,
                what: "EF 0002 does not start with tag FF 20",
            });
        }
        let children = outer.children()?;
        let find = |number: u32, what: &'static str| {
            children
                .iter()
                .find(|t| t.tag.class() == tlv::TagClass::Private && t.tag.number() == number)
                .map(|t| t.value.to_vec())
                .ok_or(CardError::MalformedData {
                    offset: outer.value_offset,
                    what,
                })
        };
        let raw_name = find(0x22, "no name (DF 22) in EF 0002")?;
        let raw_address = find(0x23, "no address (DF 23) in EF 0002")?;
        let raw_birthdate = find(0x24, "no birth date (DF 24) in EF 0002")?;
        let raw_sex = find(0x25, "no sex (DF 25) in EF 0002")?;
        Ok(BasicInfo::from_raw(
            raw_name,
            raw_address,
            raw_birthdate,
            raw_sex,
        ))
    }

    /// Builds the record from the raw value bytes of DF 22–25 (for tests and for callers that
    /// read the card by other means).
    pub fn from_raw(
        raw_name: Vec<u8>,
        raw_address: Vec<u8>,
        raw_birthdate: Vec<u8>,
        raw_sex: Vec<u8>,
    ) -> BasicInfo {
        let text = |raw: &[u8]| String::from_utf8_lossy(trim(raw)).into_owned();
        let birthdate_text = text(&raw_birthdate);
        BasicInfo {
            name: Personal::new(text(&raw_name)),
            address: Personal::new(text(&raw_address)),
            birthdate: parse_birthdate(&birthdate_text).map(Personal::new),
            birthdate_text: Personal::new(birthdate_text),
            sex: CardSex::from_iso5218(&raw_sex),
            raw_name,
            raw_address,
            raw_birthdate,
            raw_sex,
        }
    }

    /// 氏名 (UTF-8, lossily decoded; may contain U+3000 full-width spaces).
    pub fn name(&self) -> &Personal<String> {
        &self.name
    }

    /// 住所 (UTF-8, lossily decoded).
    pub fn address(&self) -> &Personal<String> {
        &self.address
    }

    /// 生年月日, when DF 24 is 8 digits forming a valid date (`YYYYMMDD`).
    pub fn birthdate(&self) -> Option<NaiveDate> {
        self.birthdate.as_ref().map(|d| *d.expose())
    }

    /// DF 24 as text, whatever its format.
    pub fn birthdate_text(&self) -> &Personal<String> {
        &self.birthdate_text
    }

    /// 性別.
    pub fn sex(&self) -> CardSex {
        self.sex
    }

    /// The raw bytes of DF 22 (name).
    pub fn raw_name(&self) -> &[u8] {
        &self.raw_name
    }

    /// The raw bytes of DF 23 (address).
    pub fn raw_address(&self) -> &[u8] {
        &self.raw_address
    }

    /// The raw bytes of DF 24 (birth date).
    pub fn raw_birthdate(&self) -> &[u8] {
        &self.raw_birthdate
    }

    /// The raw bytes of DF 25 (sex).
    pub fn raw_sex(&self) -> &[u8] {
        &self.raw_sex
    }

    /// `false` when the name had bytes that are not UTF-8 (shown as U+FFFD).
    pub fn name_decoded_cleanly(&self) -> bool {
        std::str::from_utf8(trim(&self.raw_name)).is_ok()
    }

    /// `false` when the address had bytes that are not UTF-8 (shown as U+FFFD).
    pub fn address_decoded_cleanly(&self) -> bool {
        std::str::from_utf8(trim(&self.raw_address)).is_ok()
    }
}

/// Matching and the 新患登録 form (seed row 4): what a card read leads to.
impl BasicInfo {
    /// The identity to look for among the clinic's patients with
    /// [`crate::matching::candidates`], so that a known patient is found and not registered
    /// twice. The card has no kana and no insurance numbers: the match rests on name (kanji
    /// variants and width folded), birthdate, sex and address.
    ///
    /// ```
    /// use onshi::card::{BasicInfo, virtual_card::VirtualCardConfig};
    /// let c = VirtualCardConfig::default();
    /// let info = BasicInfo::from_raw(c.name, c.address, c.birthdate, c.sex);
    /// let q = info.identity_query();
    /// assert!(q.person.name_kana.is_none());
    /// assert_eq!(q.person.birthdate.unwrap().expose().to_string(), "1985-04-01");
    /// ```
    pub fn identity_query(&self) -> crate::matching::IdentityQuery {
        crate::matching::IdentityQuery {
            person: self.person(),
            ..Default::default()
        }
    }

    /// The 基本4情報 as a person's identity (the card has no kana; 性別 is 性別1).
    pub fn person(&self) -> crate::model::PersonIdentity {
        crate::model::PersonIdentity {
            name: non_empty(&self.name),
            address: non_empty(&self.address),
            birthdate: self.birthdate.clone(),
            sex1: self.oqs_sex(),
            ..Default::default()
        }
    }

    /// A new-patient draft pre-filled from the card, for when
    /// [`crate::matching::candidates`] finds nobody. Staff add the kana and confirm the
    /// insurance with the terminal (a My Number card at the reader, or 保険証から照会); the
    /// draft's notes say so.
    pub fn new_patient_draft(&self) -> crate::matching::NewPatientDraft {
        crate::matching::NewPatientDraft {
            person: self.person(),
            name_has_substitute: crate::text::has_substitute(self.name.as_str()),
            notes: vec![crate::matching::DraftNote::InsuranceNotIdentified],
            ..Default::default()
        }
    }

    fn oqs_sex(&self) -> Option<crate::codes::Sex> {
        match self.sex {
            CardSex::Male | CardSex::Female => Some(self.sex.to_oqs()),
            _ => None,
        }
    }
}

fn non_empty(p: &Personal<String>) -> Option<Personal<String>> {
    (!p.as_str().trim().is_empty()).then(|| p.clone())
}

fn parse_birthdate(text: &str) -> Option<NaiveDate> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y%m%d").ok()
}

impl fmt::Debug for BasicInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BasicInfo(‹redacted›)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: [u8; 2], value: &[u8]) -> Vec<u8> {
        let mut out = tag.to_vec();
        if value.len() < 0x80 {
            out.push(value.len() as u8);
        } else {
            out.push(0x82);
            out.extend_from_slice(&(value.len() as u16).to_be_bytes());
        }
        out.extend_from_slice(value);
        out
    }

    fn ef(items: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = items.concat();
        let mut out = vec![0xFF, 0x20, 0x82];
        out.extend_from_slice(&(body.len() as u16).to_be_bytes());
        out.extend_from_slice(&body);
        out
    }

    #[test]
    fn parses_the_spec_fixture() {
        let bytes = ef(&[
            tlv([0xDF, 0x21], &[0, 0x0B, 0, 0x1D, 0, 0x53, 0, 0x5E]),
            tlv([0xDF, 0x22], "検証　花子".as_bytes()),
            tlv(
                [0xDF, 0x23],
                "東京都千代田区霞が関九丁目９番９号".as_bytes(),
            ),
            tlv([0xDF, 0x24], b"19850401"),
            tlv([0xDF, 0x25], b"2"),
        ]);
        assert_eq!(&bytes[..3], &[0xFF, 0x20, 0x82]);
        let info = BasicInfo::from_ef0002(&bytes).unwrap();
        assert_eq!(info.name().as_str(), "検証　花子");
        assert_eq!(
            info.address().as_str(),
            "東京都千代田区霞が関九丁目９番９号"
        );
        assert_eq!(info.birthdate(), NaiveDate::from_ymd_opt(1985, 4, 1));
        assert_eq!(info.birthdate_text().as_str(), "19850401");
        assert_eq!(info.sex(), CardSex::Female);
        assert_eq!(info.sex().to_oqs(), crate::codes::Sex::Female);
        assert!(info.name_decoded_cleanly());
        let dbg = format!("{info:?}");
        assert!(!dbg.contains("花子") && !dbg.contains("1985"));
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(json["name"], "検証　花子");
        assert_eq!(json["birthdate"], "1985-04-01");
        assert_eq!(json["sex"], "female");
    }

    #[test]
    fn keeps_raw_bytes_that_do_not_decode() {
        let mut name = "見本".as_bytes().to_vec();
        name.extend_from_slice(&[0xF0, 0x9F]); // truncated 4-byte sequence
        let bytes = ef(&[
            tlv([0xDF, 0x22], &name),
            tlv([0xDF, 0x23], &[0xE3, 0x81]),
            tlv([0xDF, 0x24], b"S60.4.1"),
            tlv([0xDF, 0x25], b"7"),
        ]);
        let info = BasicInfo::from_ef0002(&bytes).unwrap();
        assert!(info.name().as_str().starts_with("見本"));
        assert!(info.name().as_str().contains('\u{FFFD}'));
        assert_eq!(info.raw_name(), &name[..]);
        assert!(!info.name_decoded_cleanly());
        assert!(!info.address_decoded_cleanly());
        assert_eq!(info.birthdate(), None);
        assert_eq!(info.birthdate_text().as_str(), "S60.4.1");
        assert_eq!(info.sex(), CardSex::Unrecognized);
        assert_eq!(info.raw_sex(), b"7");
    }

    #[test]
    fn lenient_on_constructed_bit_padding_and_trailing_bytes() {
        let mut bytes = ef(&[
            tlv([0xFF, 0x22], b"A"),
            tlv([0xDF, 0x23], b"B  "),
            tlv([0xDF, 0x24], b"20000229\0\0"),
            tlv([0xDF, 0x25], b" 1"),
        ]);
        bytes.extend_from_slice(&[0xFF; 16]);
        let info = BasicInfo::from_ef0002(&bytes).unwrap();
        assert_eq!(info.name().as_str(), "A");
        assert_eq!(info.address().as_str(), "B");
        assert_eq!(info.birthdate(), NaiveDate::from_ymd_opt(2000, 2, 29));
        assert_eq!(info.sex(), CardSex::Male);
    }

    #[test]
    fn invalid_dates_are_kept_as_text_only() {
        for text in ["19851301", "1985040", "１９８５０４０１", "+1985041"] {
            let info = BasicInfo::from_raw(vec![], vec![], text.as_bytes().to_vec(), b"9".to_vec());
            assert_eq!(info.birthdate(), None, "{text}");
            assert_eq!(info.sex(), CardSex::NotApplicable);
        }
    }

    #[test]
    fn missing_items_and_wrong_outer_tag_are_malformed() {
        let no_sex = ef(&[
            tlv([0xDF, 0x22], b"A"),
            tlv([0xDF, 0x23], b"B"),
            tlv([0xDF, 0x24], b"20000101"),
        ]);
        assert!(matches!(
            BasicInfo::from_ef0002(&no_sex),
            Err(CardError::MalformedData { what, .. }) if what.contains("DF 25")
        ));
        let mut wrong = no_sex.clone();
        wrong[1] = 0x10;
        assert!(matches!(
            BasicInfo::from_ef0002(&wrong),
            Err(CardError::MalformedData { offset: 0, .. })
        ));
        assert!(BasicInfo::from_ef0002(&[]).is_err());
        assert!(BasicInfo::from_ef0002(&[0xFF, 0x20, 0x82, 0x00]).is_err());
    }

    #[test]
    fn sex_codes() {
        for (raw, sex, code) in [
            (&b"0"[..], CardSex::NotKnown, Some('0')),
            (b"1", CardSex::Male, Some('1')),
            (b"2", CardSex::Female, Some('2')),
            (b"9", CardSex::NotApplicable, Some('9')),
            (b"", CardSex::Unrecognized, None),
        ] {
            assert_eq!(CardSex::from_iso5218(raw), sex);
            assert_eq!(sex.iso5218(), code);
        }
        assert_eq!(CardSex::NotApplicable.to_oqs(), crate::codes::Sex::Unset);
        assert_eq!(CardSex::Male.label(), "男");
    }
}
