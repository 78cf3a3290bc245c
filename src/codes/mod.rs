//! Code tables of the terminal interface (別紙5-1 業務コード, `OQSCDnnn`).
//!
//! The tables are **data** ([`CodeTables`], read from the bundled `src/codes/tables.tsv`):
//! every value's Japanese label, with the period it applies to, so a label that changes on a
//! day (被保険者証区分 05 became 特別療養費支給対象者 when the paper cards ended) or the
//! 限度額 bands of 2026-08 and 2027-08 are rows added to the data, not code. A label lookup
//! takes the day it is about (the 資格確認日): [`Code::label_on`], [`CodeTables::label`].
//!
//! The tables that fields of the records use are also enums ([`QualificationValidity`] …) with
//! their wire value ([`Code::wire`]). A value the library does not know is kept as
//! `Unknown(String)`, never dropped and never an error on read: the terminal may send codes
//! newer than this library. [`Code::is_known`] tells whether the tables have a row for a value,
//! for strict validation.
//!
//! ```
//! use chrono::NaiveDate;
//! use onshi::codes::{Code, InsuredCardClassification, QualificationValidity};
//! let v = QualificationValidity::from_wire("4");
//! assert_eq!(v, QualificationValidity::NotFound);
//! assert_eq!(v.label(), "該当資格なし");
//! assert_eq!(QualificationValidity::from_wire("8"), QualificationValidity::Unknown("8".into()));
//! let c = InsuredCardClassification::from_wire("05");
//! assert_eq!(c.label(), "特別療養費支給対象者");
//! assert_eq!(c.label_on(NaiveDate::from_ymd_opt(2024, 4, 1).unwrap()), "被保険者資格証明書");
//! ```

mod table;

pub use table::{BUILTIN_TSV, CodeRow, CodeTableError, CodeTables, TableInfo, UNKNOWN_LABEL};

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// What every code table offers.
pub trait Code: Sized {
    /// The table's name in the interface spec (e.g. `OQSCD006`), its name in [`CodeTables`].
    const TABLE: &'static str;
    /// Reads a wire value. Surrounding spaces are ignored; an unknown value is kept.
    fn from_wire(wire: &str) -> Self;
    /// The value as written in the XML.
    fn wire(&self) -> &str;
    /// The current Japanese label for staff screens (`不明なコード` for a value the tables do
    /// not know).
    fn label(&self) -> &'static str {
        CodeTables::builtin()
            .label(Self::TABLE, self.wire(), None)
            .unwrap_or(UNKNOWN_LABEL)
    }
    /// The Japanese label on `day` (the 資格確認日 the value is about): labels change over
    /// time (see [`CodeTables::lookup`]).
    fn label_on(&self, day: NaiveDate) -> &'static str {
        CodeTables::builtin()
            .label(Self::TABLE, self.wire(), Some(day))
            .unwrap_or(UNKNOWN_LABEL)
    }
    /// What the value means beyond its label, or what to do about it, on `day` (`None`: now).
    fn note_on(&self, day: Option<NaiveDate>) -> Option<&'static str> {
        CodeTables::builtin().note(Self::TABLE, self.wire(), day)
    }
    /// `true` when the tables have a row for the value.
    fn is_known(&self) -> bool {
        CodeTables::builtin().is_known(Self::TABLE, self.wire())
    }
    /// Every value with a variant of its own, in table order.
    fn known() -> &'static [Self];
}

macro_rules! code_table {
    (
        $(#[$meta:meta])*
        $name:ident, $table:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("\n\nWire value `", $wire, "`.")] $variant, )+
            /// A wire value without a variant of its own; kept as received.
            Unknown(String),
        }

        impl Code for $name {
            const TABLE: &'static str = $table;
            fn from_wire(wire: &str) -> Self {
                match wire.trim() {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(other.to_string()),
                }
            }
            fn wire(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(s) => s.as_str(),
                }
            }
            fn known() -> &'static [Self] {
                &[ $( $name::$variant, )+ ]
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $( $name::$variant => f.write_str(stringify!($variant)), )+
                    $name::Unknown(s) => write!(f, "Unknown({s:?})"),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} {}", self.wire(), self.label())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.wire())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(<$name as Code>::from_wire(&s))
            }
        }
    };
}

code_table! {
    /// 照会区分 (OQSCD002): how the person was identified.
    ReferenceClassification, "OQSCD002" {
        /// The My Number card at the reader (face push).
        MyNumberCard = "1";
        /// The insurance card's 記号・番号 typed by staff.
        InsuranceCard = "2";
    }
}

code_table! {
    /// 処理結果区分 (OQSCD003): file-level outcome.
    SegmentOfResult, "OQSCD003" {
        /// Finished normally.
        Normal = "1";
        /// Bulk download not ready: ask again later.
        Processing = "2";
        /// Finished abnormally (`ErrorCode`/`ErrorMessage` say why).
        Abnormal = "9";
    }
}

code_table! {
    /// 処理結果状況 (OQSCD004): per-person outcome.
    ProcessingResultStatus, "OQSCD004" {
        /// Finished normally.
        Normal = "1";
        /// An error (`ProcessingResultCode`/`Message` say why).
        Error = "2";
    }
}

code_table! {
    /// 文字コード識別 (OQSCD005): what the header says of the file's encoding. A hint
    /// only: the sources disagree (real files carry `0` with UTF-8 and converters write `1`
    /// for Shift_JIS, while a newer table reads `1` UTF-8, `2` Shift_JIS), so the encoding is
    /// always taken from the BOM, the declaration and the bytes; `validate` warns when the
    /// hint contradicts them ([`CharacterCodeIdentifier::agrees_with`]).
    CharacterCodeIdentifier, "OQSCD005" {
        /// UTF-8.
        Utf8 = "0";
        /// Shift_JIS in real files and converters; UTF-8 in the newer table.
        ShiftJis = "1";
        /// Shift_JIS (the newer table's value).
        ShiftJis2 = "2";
    }
}

code_table! {
    /// 資格有効性 (OQSCD006): the decisive eligibility flag.
    QualificationValidity, "OQSCD006" {
        /// Valid.
        Valid = "1";
        /// Invalid (lost).
        Invalid = "2";
        /// Invalid; a newer qualification exists.
        InvalidNewQualification = "3";
        /// No matching qualification.
        NotFound = "4";
        /// Several qualifications match (医療保険 only).
        MultipleMatches = "5";
        /// Valid, not registered (医療扶助 only).
        ValidUnregistered = "6";
    }
}

code_table! {
    /// 性別 (OQSCD007).
    Sex, "OQSCD007" {
        /// Male.
        Male = "1";
        /// Female.
        Female = "2";
        /// Not set.
        Unset = "3";
    }
}

code_table! {
    /// 本人・家族の別 (OQSCD009).
    PersonalFamilyClassification, "OQSCD009" {
        /// The insured person.
        Insured = "1";
        /// A dependent.
        Dependent = "2";
    }
}

code_table! {
    /// 被保険者証区分 (OQSCD010).
    InsuredCardClassification, "OQSCD010" {
        /// General card.
        General = "01";
        /// Retired.
        Retired = "02";
        /// Short-term, general.
        ShortTermGeneral = "03";
        /// Short-term, retired.
        ShortTermRetired = "04";
        /// 特別療養費支給対象者 (until 2024-12-01: 被保険者資格証明書): collect 10割.
        QualificationCertificate = "05";
        /// Special retired.
        SpecialRetired = "06";
        /// 自衛官 (until 2024-12-01: 自衛官診療証).
        SelfDefenseForces = "07";
        /// Public medical assistance (生活保護).
        MedicalAssistance = "A1";
    }
}

code_table! {
    /// 限度額適用認定証 関連情報の提供同意 (OQSCD001).
    LimitConsentFlag, "OQSCD001" {
        /// Not agreed.
        NotAgreed = "0";
        /// Agreed.
        Agreed = "1";
    }
}

code_table! {
    /// 限度額適用認定証区分 (OQSCD011).
    LimitCertificateClassification, "OQSCD011" {
        /// 限度額適用認定証.
        Limit = "01";
        /// 限度額適用・標準負担額減額認定証.
        LimitAndReduction = "02";
        /// 標準負担額減額認定証.
        Reduction = "03";
    }
}

code_table! {
    /// 適用区分 (OQSCD012): the income class on the 限度額 certificate.
    LimitClassificationFlag, "OQSCD012" {
        /// ア.
        A01 = "A01";
        /// イ.
        A02 = "A02";
        /// ウ.
        A03 = "A03";
        /// エ.
        A04 = "A04";
        /// オ.
        A05 = "A05";
        /// オ（境）.
        A06 = "A06";
        /// 現役並みⅢ.
        B01 = "B01";
        /// 現役並みⅡ.
        B02 = "B02";
        /// 現役並みⅠ.
        B03 = "B03";
        /// 一般.
        B04 = "B04";
        /// 低所得Ⅱ.
        B05 = "B05";
        /// 低所得Ⅰ.
        B06 = "B06";
        /// 低所得Ⅰ（老福）.
        B07 = "B07";
        /// 低所得Ⅰ（境）.
        B08 = "B08";
        /// 一般Ⅱ.
        B09 = "B09";
        /// 一般Ⅰ.
        B10 = "B10";
    }
}

code_table! {
    /// 特定疾病 区分 (OQSCD013).
    SpecificDiseaseCategory, "OQSCD013" {
        /// Chronic renal failure requiring dialysis.
        Dialysis = "1";
        /// Congenital coagulation factor disorder.
        Hemophilia = "2";
        /// HIV from coagulation factor products.
        HivFromBloodProducts = "3";
    }
}

code_table! {
    /// 閲覧同意フラグ (OQSCD016): consent for 薬剤/特定健診/診療/手術 … information.
    ConsentFlag, "OQSCD016" {
        /// No consent.
        NotAgreed = "0";
        /// Consent given.
        Agreed = "1";
        /// Consent expired.
        Expired = "2";
        /// Consent hard to obtain (救急).
        HardToObtain = "3";
    }
}

code_table! {
    /// 資格喪失事由.
    ReasonOfLoss, "ReasonOfLoss" {
        /// Death.
        Death = "01";
        /// Started 生活保護.
        PublicAssistance = "02";
        /// Acquired another insurance.
        OtherInsurance = "03";
        /// Other.
        Other = "99";
    }
}

code_table! {
    /// 未就学区分 (OQSCD015).
    PreschoolClassification, "OQSCD015" {
        /// Preschool child.
        Preschool = "1";
        /// At school (value seen in one source only).
        AtSchool = "2";
    }
}

code_table! {
    /// 処方箋発行形態 (OQSCD017).
    PrescriptionIssueSelect, "OQSCD017" {
        /// Electronic prescription.
        Electronic = "1";
        /// Paper prescription.
        Paper = "2";
    }
}

code_table! {
    /// 診療区分 (OQSCD028, `MedicalTreatmentFlag`): 外来, home visit, online care or
    /// emergency.
    MedicalTreatmentFlag, "OQSCD028" {
        /// Ordinary (外来).
        Ordinary = "1";
        /// Home visit.
        HomeVisit = "2";
        /// Online care.
        Online = "3";
        /// Emergency (救急時医療情報閲覧).
        Emergency = "4";
    }
}

code_table! {
    /// `FileCategory` of 薬剤情報 / 特定健診 requests.
    FileCategory, "FileCategory" {
        /// PDF.
        Pdf = "1";
        /// XML.
        Xml = "2";
        /// 薬剤+診療情報 PDF (inferred).
        PdfWithTreatment = "3";
        /// 薬剤+診療情報 XML (inferred).
        XmlWithTreatment = "4";
    }
}

code_table! {
    /// A yes/no value of a PMH 受給者証 (`isAlwaysReimbursement` 償還払い, `isDeleted`). The PMH
    /// API's values are booleans; how the terminal writes them is not public, so any other
    /// text (`1`, `TRUE` …) is kept as received; [`PmhFlag::as_bool`] reads the usual forms.
    PmhFlag, "PMH" {
        /// Yes.
        True = "true";
        /// No.
        False = "false";
    }
}

impl PmhFlag {
    /// The value as a boolean: `true`/`1`/`yes`/`はい` and `false`/`0`/`no`/`いいえ` (any case,
    /// full-width folded); `None` for any other text.
    pub fn as_bool(&self) -> Option<bool> {
        let w: String = self
            .wire()
            .trim()
            .chars()
            .map(crate::ids::fold_char)
            .collect::<String>()
            .to_ascii_lowercase();
        match w.as_str() {
            "true" | "1" | "yes" | "y" | "はい" => Some(true),
            "false" | "0" | "no" | "n" | "いいえ" => Some(false),
            _ => None,
        }
    }
}

code_table! {
    /// Where a 公費 record came from (`PublicExpense::source`): the library's own values, not
    /// the terminal's — the terminal never sends this element.
    PublicExpenseSource, "onshi" {
        /// PMH (医療費助成 via the 資格確認端末, with the 資格情報).
        Pmh = "pmh";
        /// A paper 受給者証, entered by staff.
        Paper = "paper";
        /// 医療扶助 (生活保護): the 公費負担者番号 and 受給者番号 of an A1 result.
        MedicalAssistance = "medical_assistance";
    }
}

code_table! {
    /// 限度額情報変更有無 (OQSCD014, `LimitApplicationCertificateChanged`, bulk results).
    LimitInfoChanged, "OQSCD014" {
        /// No change.
        Unchanged = "0";
        /// Changed, or could not be judged: do an individual query to see the 限度額 now.
        ChangedOrUnknown = "1";
    }
}

code_table! {
    /// 医療券・調剤券別 (OQSCD018, `TicketType`).
    TicketType, "OQSCD018" {
        /// 医療券.
        Medical = "01";
        /// 調剤券 (for a pharmacy).
        Dispensing = "02";
    }
}

code_table! {
    /// 診療別 (OQSCD019, `MedicalTreatmentType`): which kind of care the 医療券 is for.
    MedicalTreatmentType, "OQSCD019" {
        /// 入院.
        Inpatient = "01";
        /// 入院外.
        Outpatient = "02";
        /// 歯科.
        Dental = "03";
        /// 調剤.
        Dispensing = "04";
        /// 訪問看護.
        HomeNursing = "05";
    }
}

code_table! {
    /// 単独・併用別 (OQSCD020, `SingleOrCombinedUse`).
    SingleOrCombinedUse, "OQSCD020" {
        /// 医療扶助 alone.
        Single = "01";
        /// Combined: 医療保険 also applies.
        Combined = "02";
    }
}

code_table! {
    /// 社会保険の有無 (OQSCD021, `StatusOfSocialInsurance`).
    SocialInsuranceStatus, "OQSCD021" {
        /// あり.
        Yes = "01";
        /// なし.
        No = "02";
    }
}

code_table! {
    /// 社会保険状況の整合性 (OQSCD022, `ConsistencyFlag`).
    ConsistencyFlag, "OQSCD022" {
        /// 不整合あり: the 社会保険 status does not agree with the ticket.
        Inconsistent = "1";
    }
}

code_table! {
    /// 感染症法第37条の2 該当状況 (OQSCD023, `StatusOfInfecton` sic).
    InfectionStatus, "OQSCD023" {
        /// あり: 結核の公費 applies too.
        Yes = "01";
        /// なし.
        No = "02";
    }
}

code_table! {
    /// 後期高齢者医療 該当状況 (OQSCD024, `StatusOfElderlyMedicalCare`).
    ElderlyMedicalCareStatus, "OQSCD024" {
        /// あり: 後期高齢者医療 applies too.
        Yes = "01";
        /// なし.
        No = "02";
    }
}

code_table! {
    /// 都道府県費 該当状況 (OQSCD025, `StatusOfPrefecturalExpenses`).
    PrefecturalExpensesStatus, "OQSCD025" {
        /// あり.
        Yes = "01";
        /// なし.
        No = "02";
    }
}

code_table! {
    /// 指定医療機関確認 (OQSCD026, `DesignatedMedicalInstitutionFlag`).
    DesignatedInstitutionFlag, "OQSCD026" {
        /// The 医療券's 指定医療機関 is this clinic.
        Matches = "0";
        /// The 医療券's 指定医療機関 is not this clinic.
        Differs = "1";
    }
}

impl CharacterCodeIdentifier {
    /// `false` when the identifier contradicts the file's real encoding: `0` in a Shift_JIS
    /// file, `2` in a UTF-8 file. `1` agrees with both (the sources read it either way), and
    /// an unknown value is reported as unknown, not as a contradiction.
    pub fn agrees_with(&self, encoding: crate::xml::Encoding) -> bool {
        use crate::xml::Encoding;
        !matches!(
            (self, encoding),
            (CharacterCodeIdentifier::Utf8, Encoding::ShiftJis)
                | (CharacterCodeIdentifier::ShiftJis2, Encoding::Utf8)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed enum and the data table hold the same values: every variant has a row, and
    /// every value of the table has a variant.
    fn round_trip<C: Code + PartialEq + std::fmt::Debug + Clone + 'static>() {
        let data = CodeTables::builtin().wires(C::TABLE);
        let typed: Vec<&str> = C::known().iter().map(|c| c.wire()).collect();
        assert_eq!(typed, data, "{}", C::TABLE);
        for c in C::known() {
            assert_eq!(&C::from_wire(c.wire()), c, "{}", C::TABLE);
            assert!(c.is_known());
            assert_ne!(c.label(), UNKNOWN_LABEL);
        }
        let u = C::from_wire("ZZ");
        assert!(!u.is_known());
        assert_eq!(u.label(), UNKNOWN_LABEL);
        assert_eq!(u.wire(), "ZZ");
    }

    #[test]
    fn every_table_round_trips_and_keeps_unknowns() {
        round_trip::<ReferenceClassification>();
        round_trip::<SegmentOfResult>();
        round_trip::<ProcessingResultStatus>();
        round_trip::<CharacterCodeIdentifier>();
        round_trip::<QualificationValidity>();
        round_trip::<Sex>();
        round_trip::<PersonalFamilyClassification>();
        round_trip::<InsuredCardClassification>();
        round_trip::<LimitConsentFlag>();
        round_trip::<LimitCertificateClassification>();
        round_trip::<LimitClassificationFlag>();
        round_trip::<SpecificDiseaseCategory>();
        round_trip::<LimitInfoChanged>();
        round_trip::<ConsentFlag>();
        round_trip::<ReasonOfLoss>();
        round_trip::<PreschoolClassification>();
        round_trip::<PrescriptionIssueSelect>();
        round_trip::<TicketType>();
        round_trip::<MedicalTreatmentType>();
        round_trip::<SingleOrCombinedUse>();
        round_trip::<SocialInsuranceStatus>();
        round_trip::<ConsistencyFlag>();
        round_trip::<InfectionStatus>();
        round_trip::<ElderlyMedicalCareStatus>();
        round_trip::<PrefecturalExpensesStatus>();
        round_trip::<DesignatedInstitutionFlag>();
        round_trip::<MedicalTreatmentFlag>();
        round_trip::<FileCategory>();
        round_trip::<PmhFlag>();
        round_trip::<PublicExpenseSource>();
    }

    #[test]
    fn pmh_flags_read_the_usual_forms_and_keep_the_rest() {
        for (w, b) in [
            ("true", Some(true)),
            (" TRUE ", Some(true)),
            ("１", Some(true)),
            ("0", Some(false)),
            ("いいえ", Some(false)),
            ("maybe", None),
        ] {
            assert_eq!(PmhFlag::from_wire(w).as_bool(), b, "{w}");
        }
        assert_eq!(PmhFlag::from_wire("1").wire(), "1", "kept as received");
    }

    #[test]
    fn table_sizes_match_the_spec() {
        assert_eq!(QualificationValidity::known().len(), 6);
        assert_eq!(InsuredCardClassification::known().len(), 8);
        assert_eq!(LimitClassificationFlag::known().len(), 16);
        assert_eq!(ConsentFlag::known().len(), 4);
        assert_eq!(MedicalTreatmentType::known().len(), 5);
        assert_eq!(MedicalTreatmentFlag::known().len(), 4);
    }

    #[test]
    fn the_2026_labels_and_the_old_ones_by_date() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let c = InsuredCardClassification::QualificationCertificate;
        assert_eq!(c.label(), "特別療養費支給対象者");
        assert_eq!(c.label_on(day(2024, 12, 1)), "被保険者資格証明書");
        assert_eq!(c.label_on(day(2024, 12, 2)), "特別療養費支給対象者");
        assert_eq!(
            InsuredCardClassification::SelfDefenseForces.label(),
            "自衛官"
        );
        assert_eq!(MedicalTreatmentFlag::Emergency.label(), "救急時");
        assert!(
            LimitInfoChanged::ChangedOrUnknown
                .note_on(None)
                .unwrap()
                .contains("個別照会")
        );
        // A value without a variant but with a row (added as data) is known.
        assert!(
            !InsuredCardClassification::from_wire("A1")
                .to_string()
                .is_empty()
        );
    }

    #[test]
    fn the_character_code_is_a_hint_that_can_contradict() {
        use crate::xml::Encoding;
        use CharacterCodeIdentifier as C;
        assert!(C::Utf8.agrees_with(Encoding::Utf8));
        assert!(!C::Utf8.agrees_with(Encoding::ShiftJis));
        assert!(C::ShiftJis.agrees_with(Encoding::Utf8));
        assert!(C::ShiftJis.agrees_with(Encoding::ShiftJis));
        assert!(C::ShiftJis2.agrees_with(Encoding::ShiftJis));
        assert!(!C::ShiftJis2.agrees_with(Encoding::Utf8));
    }

    #[test]
    fn serde_uses_the_wire_value() {
        let j = serde_json::to_string(&InsuredCardClassification::MedicalAssistance).unwrap();
        assert_eq!(j, "\"A1\"");
        let back: InsuredCardClassification = serde_json::from_str("\"08\"").unwrap();
        assert_eq!(back, InsuredCardClassification::Unknown("08".into()));
    }

    #[test]
    fn from_wire_trims_spaces() {
        assert_eq!(Sex::from_wire(" 2 "), Sex::Female);
    }
}
