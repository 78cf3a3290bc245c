//! Code tables of the terminal interface (別紙5-1 業務コード, `OQSCDnnn`).
//!
//! Every table is an enum with its wire value ([`Code::wire`]) and its Japanese label
//! ([`Code::label`]). A value the library does not know is kept as `Unknown(String)`, never
//! dropped and never an error on read: the terminal may send codes newer than this library.
//! [`Code::is_known`] tells the two apart, for strict validation.
//!
//! ```
//! use onshi::codes::{Code, QualificationValidity};
//! let v = QualificationValidity::from_wire("4");
//! assert_eq!(v, QualificationValidity::NotFound);
//! assert_eq!(v.label(), "該当資格なし");
//! assert_eq!(QualificationValidity::from_wire("8"), QualificationValidity::Unknown("8".into()));
//! ```

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// What every code table offers.
pub trait Code: Sized {
    /// The table's name in the interface spec (e.g. `OQSCD006`).
    const TABLE: &'static str;
    /// Reads a wire value. Surrounding spaces are ignored; an unknown value is kept.
    fn from_wire(wire: &str) -> Self;
    /// The value as written in the XML.
    fn wire(&self) -> &str;
    /// The Japanese label for staff screens (`不明なコード` for an unknown value).
    fn label(&self) -> &'static str;
    /// `false` for `Unknown(_)`.
    fn is_known(&self) -> bool;
    /// Every known value, in table order.
    fn known() -> &'static [Self];
}

macro_rules! code_table {
    (
        $(#[$meta:meta])*
        $name:ident, $table:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $wire, "` ", $label)] $variant, )+
            /// A wire value this library does not know; kept as received.
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
            fn label(&self) -> &'static str {
                match self {
                    $( $name::$variant => $label, )+
                    $name::Unknown(_) => "不明なコード",
                }
            }
            fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
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
        MyNumberCard = "1", "マイナンバーカード";
        /// The insurance card's 記号・番号 typed by staff.
        InsuranceCard = "2", "被保険者証情報";
    }
}

code_table! {
    /// 処理結果区分 (OQSCD003): file-level outcome.
    SegmentOfResult, "OQSCD003" {
        /// Finished normally.
        Normal = "1", "正常終了";
        /// Bulk download not ready: ask again later.
        Processing = "2", "処理中";
        /// Finished abnormally (`ErrorCode`/`ErrorMessage` say why).
        Abnormal = "9", "異常終了";
    }
}

code_table! {
    /// 処理結果状況 (OQSCD004): per-person outcome.
    ProcessingResultStatus, "OQSCD004" {
        /// Finished normally.
        Normal = "1", "正常終了";
        /// An error (`ProcessingResultCode`/`Message` say why).
        Error = "2", "エラー";
    }
}

code_table! {
    /// 文字コード識別 (OQSCD005): encoding of the result file.
    CharacterCodeIdentifier, "OQSCD005" {
        /// UTF-8.
        Utf8 = "0", "UTF-8";
        /// Shift_JIS (CP932).
        ShiftJis = "1", "Shift_JIS";
    }
}

code_table! {
    /// 資格有効性 (OQSCD006): the decisive eligibility flag.
    QualificationValidity, "OQSCD006" {
        /// Valid.
        Valid = "1", "有効";
        /// Invalid (lost).
        Invalid = "2", "無効";
        /// Invalid; a newer qualification exists.
        InvalidNewQualification = "3", "無効（新しい資格あり）";
        /// No matching qualification.
        NotFound = "4", "該当資格なし";
        /// Several qualifications match (医療保険 only).
        MultipleMatches = "5", "複数該当";
        /// Valid, not registered (医療扶助 only).
        ValidUnregistered = "6", "有効（未登録）";
    }
}

code_table! {
    /// 性別 (OQSCD007).
    Sex, "OQSCD007" {
        /// Male.
        Male = "1", "男";
        /// Female.
        Female = "2", "女";
        /// Not set.
        Unset = "3", "未設定";
    }
}

code_table! {
    /// 本人・家族の別 (OQSCD009).
    PersonalFamilyClassification, "OQSCD009" {
        /// The insured person.
        Insured = "1", "本人";
        /// A dependent.
        Dependent = "2", "家族";
    }
}

code_table! {
    /// 被保険者証区分 (OQSCD010).
    InsuredCardClassification, "OQSCD010" {
        /// General card.
        General = "01", "被保険者証（一般）";
        /// Retired.
        Retired = "02", "被保険者証（退職）";
        /// Short-term, general.
        ShortTermGeneral = "03", "短期被保険者証（一般）";
        /// Short-term, retired.
        ShortTermRetired = "04", "短期被保険者証（退職）";
        /// Certificate of qualification.
        QualificationCertificate = "05", "被保険者資格証明書";
        /// Special retired.
        SpecialRetired = "06", "特例退職被保険者証";
        /// Self-Defense Forces.
        SelfDefenseForces = "07", "自衛官診療証";
        /// Public medical assistance (生活保護).
        MedicalAssistance = "A1", "医療扶助";
    }
}

code_table! {
    /// 限度額適用認定証 関連情報の提供同意 (OQSCD001).
    LimitConsentFlag, "OQSCD001" {
        /// Not agreed.
        NotAgreed = "0", "未同意";
        /// Agreed.
        Agreed = "1", "同意";
    }
}

code_table! {
    /// 限度額適用認定証区分 (OQSCD011).
    LimitCertificateClassification, "OQSCD011" {
        /// 限度額適用認定証.
        Limit = "01", "限度額適用認定証";
        /// 限度額適用・標準負担額減額認定証.
        LimitAndReduction = "02", "限度額適用・標準負担額減額認定証";
        /// 標準負担額減額認定証.
        Reduction = "03", "標準負担額減額認定証";
    }
}

code_table! {
    /// 適用区分 (OQSCD012): the income class on the 限度額 certificate.
    LimitClassificationFlag, "OQSCD012" {
        /// ア.
        A01 = "A01", "ア";
        /// イ.
        A02 = "A02", "イ";
        /// ウ.
        A03 = "A03", "ウ";
        /// エ.
        A04 = "A04", "エ";
        /// オ.
        A05 = "A05", "オ";
        /// オ（境）.
        A06 = "A06", "オ（境）";
        /// 現役並みⅢ.
        B01 = "B01", "現役並みⅢ";
        /// 現役並みⅡ.
        B02 = "B02", "現役並みⅡ";
        /// 現役並みⅠ.
        B03 = "B03", "現役並みⅠ";
        /// 一般.
        B04 = "B04", "一般";
        /// 低所得Ⅱ.
        B05 = "B05", "低所得Ⅱ";
        /// 低所得Ⅰ.
        B06 = "B06", "低所得Ⅰ";
        /// 低所得Ⅰ（老福）.
        B07 = "B07", "低所得Ⅰ（老福）";
        /// 低所得Ⅰ（境）.
        B08 = "B08", "低所得Ⅰ（境）";
        /// 一般Ⅱ.
        B09 = "B09", "一般Ⅱ";
        /// 一般Ⅰ.
        B10 = "B10", "一般Ⅰ";
    }
}

code_table! {
    /// 特定疾病 区分 (OQSCD013).
    SpecificDiseaseCategory, "OQSCD013" {
        /// Chronic renal failure requiring dialysis.
        Dialysis = "1", "人工透析を要する慢性腎不全";
        /// Congenital coagulation factor disorder.
        Hemophilia = "2", "先天性血液凝固因子障害（第VIII・IX因子）";
        /// HIV from coagulation factor products.
        HivFromBloodProducts = "3", "血液凝固因子製剤起因HIV感染症";
    }
}

code_table! {
    /// 閲覧同意フラグ (OQSCD016): consent for 薬剤/特定健診/診療/手術 … information.
    ConsentFlag, "OQSCD016" {
        /// No consent.
        NotAgreed = "0", "同意なし";
        /// Consent given.
        Agreed = "1", "同意あり";
        /// Consent expired.
        Expired = "2", "同意有効期限切れ";
        /// Consent hard to obtain (救急).
        HardToObtain = "3", "同意取得困難";
    }
}

code_table! {
    /// 資格喪失事由.
    ReasonOfLoss, "ReasonOfLoss" {
        /// Death.
        Death = "01", "死亡";
        /// Started 生活保護.
        PublicAssistance = "02", "生活保護受給開始";
        /// Acquired another insurance.
        OtherInsurance = "03", "医療保険等の資格取得";
        /// Other.
        Other = "99", "その他";
    }
}

code_table! {
    /// 未就学区分.
    PreschoolClassification, "PreschoolClassification" {
        /// Preschool child.
        Preschool = "1", "未就学";
        /// At school (value seen in one source only).
        AtSchool = "2", "就学中";
    }
}

code_table! {
    /// 処方箋発行形態.
    PrescriptionIssueSelect, "PrescriptionIssueSelect" {
        /// Electronic prescription.
        Electronic = "1", "電子処方箋";
        /// Paper prescription.
        Paper = "2", "紙の処方箋";
    }
}

code_table! {
    /// 診療区分 (`MedicalTreatmentFlag`): ordinary, home visit or online care.
    MedicalTreatmentFlag, "MedicalTreatmentFlag" {
        /// Ordinary (外来).
        Ordinary = "1", "通常";
        /// Home visit.
        HomeVisit = "2", "訪問診療等";
        /// Online care.
        Online = "3", "オンライン診療等";
    }
}

code_table! {
    /// `FileCategory` of 薬剤情報 / 特定健診 requests.
    FileCategory, "FileCategory" {
        /// PDF.
        Pdf = "1", "PDF";
        /// XML.
        Xml = "2", "XML";
        /// 薬剤+診療情報 PDF (inferred).
        PdfWithTreatment = "3", "PDF（診療情報含む）";
        /// 薬剤+診療情報 XML (inferred).
        XmlWithTreatment = "4", "XML（診療情報含む）";
    }
}

code_table! {
    /// A yes/no value of a PMH 受給者証 (`isAlwaysReimbursement` 償還払い, `isDeleted`). The PMH
    /// API's values are booleans; how the terminal writes them is not public, so any other
    /// text (`1`, `TRUE` …) is kept as received; [`PmhFlag::as_bool`] reads the usual forms.
    PmhFlag, "PMH" {
        /// Yes.
        True = "true", "はい";
        /// No.
        False = "false", "いいえ";
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
        Pmh = "pmh", "PMH（資格確認端末）";
        /// A paper 受給者証, entered by staff.
        Paper = "paper", "紙の受給者証（手入力）";
        /// 医療扶助 (生活保護): the 公費負担者番号 and 受給者番号 of an A1 result.
        MedicalAssistance = "medical_assistance", "医療扶助（資格確認結果）";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<C: Code + PartialEq + std::fmt::Debug + Clone + 'static>() {
        for c in C::known() {
            assert_eq!(&C::from_wire(c.wire()), c, "{}", C::TABLE);
            assert!(c.is_known());
            assert_ne!(c.label(), "不明なコード");
        }
        let u = C::from_wire("ZZ");
        assert!(!u.is_known());
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
        round_trip::<ConsentFlag>();
        round_trip::<ReasonOfLoss>();
        round_trip::<PreschoolClassification>();
        round_trip::<PrescriptionIssueSelect>();
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
