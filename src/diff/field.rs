//! The compared fields of a [`Qualification`]: stable ids, Japanese labels, how each is read,
//! shown and copied.

use crate::Personal;
use crate::codes::Code;
use crate::model::{LimitCertificate, MedicalTicket, Qualification, Ratio, SpecificDisease};
use crate::text::FieldKind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which part of the record a field belongs to; decides what a real difference means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldGroup {
    /// Who the person is (氏名, カナ, 性別, 生年月日, 住所 …): changes update the record in place,
    /// a different name, birthdate or sex asks for 本人確認.
    Identity,
    /// What defines the coverage (保険者番号, 記号・番号・枝番, 本人家族, 負担割合, 医療扶助):
    /// a change means a new qualification.
    Qualification,
    /// Dates and details of the same coverage (有効期間, 交付日, 保険者名称 …): updated in place.
    Detail,
    /// Attached certificates (限度額適用認定証, 特定疾病療養受療証): updated in place.
    Certificate,
}

/// A compared field of [`Qualification`]. The serde name (and [`Field::id`]) is the field's
/// name in the record's JSON schema; the sub-fields of `elderly_recipient` are written with a
/// dot (`elderly_recipient.contribution_ratio`). Ids are stable: never renamed, never reused.
///
/// Not compared (they describe one request, not the coverage): the consents, the
/// 限度額 consent flag and time, the 特定疾病 consent, `arbitrary_identifier`,
/// `prescription_issue_select`, `limit_certificate_changed` and unmodelled elements.
///
/// ```
/// use onshi::diff::Field;
/// assert_eq!(Field::InsurerNumber.id(), "insurer_number");
/// assert_eq!(Field::InsurerNumber.label(), "保険者番号");
/// assert_eq!(Field::from_id("elderly_recipient.contribution_ratio"),
///            Some(Field::ElderlyRecipientContributionRatio));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Field {
    /// 氏名 (`name`).
    Name,
    /// 氏名カナ (`name_kana`).
    NameKana,
    /// 氏名（その他）: 通称 (`name_of_other`).
    NameOfOther,
    /// 氏名カナ（その他） (`name_of_other_kana`).
    NameOfOtherKana,
    /// 性別1 (`sex1`).
    Sex1,
    /// 性別2 (`sex2`).
    Sex2,
    /// 生年月日 (`birthdate`).
    Birthdate,
    /// 住所 (`address`).
    Address,
    /// 郵便番号 (`post_number`).
    PostNumber,
    /// 被保険者氏名（世帯主氏名） (`insured_name`).
    InsuredName,
    /// 照会番号 (`reference_number`).
    ReferenceNumber,
    /// 被保険者証区分 (`insured_card_classification`).
    InsuredCardClassification,
    /// 保険者番号 (`insurer_number`).
    InsurerNumber,
    /// 被保険者証記号 (`insured_card_symbol`).
    InsuredCardSymbol,
    /// 被保険者証番号 (`insured_identification_number`).
    InsuredIdentificationNumber,
    /// 枝番 (`insured_branch_number`).
    InsuredBranchNumber,
    /// 本人・家族 (`personal_family_classification`).
    PersonalFamilyClassification,
    /// 一部負担金割合（後期高齢者） (`insured_partial_contribution_ratio`).
    InsuredPartialContributionRatio,
    /// 高齢受給者 一部負担金割合 (`elderly_recipient.contribution_ratio`).
    #[serde(rename = "elderly_recipient.contribution_ratio")]
    ElderlyRecipientContributionRatio,
    /// 未就学区分 (`preschool_classification`).
    PreschoolClassification,
    /// 医療扶助 医療券・調剤券 (`medical_tickets`).
    MedicalTickets,
    /// 保険者名称 (`insurer_name`).
    InsurerName,
    /// 資格取得年月日 (`qualification_date`).
    QualificationDate,
    /// 資格喪失年月日 (`disqualification_date`).
    DisqualificationDate,
    /// 資格喪失事由 (`reason_of_loss`).
    ReasonOfLoss,
    /// 交付年月日 (`insured_certificate_issuance_date`).
    InsuredCertificateIssuanceDate,
    /// 有効開始年月日 (`insured_card_valid_date`).
    InsuredCardValidDate,
    /// 有効終了年月日 (`insured_card_expiration_date`).
    InsuredCardExpirationDate,
    /// 高齢受給者証 交付年月日 (`elderly_recipient.certificate_date`).
    #[serde(rename = "elderly_recipient.certificate_date")]
    ElderlyRecipientCertificateDate,
    /// 高齢受給者証 有効開始年月日 (`elderly_recipient.valid_start_date`).
    #[serde(rename = "elderly_recipient.valid_start_date")]
    ElderlyRecipientValidStartDate,
    /// 高齢受給者証 有効終了年月日 (`elderly_recipient.valid_end_date`).
    #[serde(rename = "elderly_recipient.valid_end_date")]
    ElderlyRecipientValidEndDate,
    /// 限度額適用認定証 (`limit_certificate`).
    LimitCertificate,
    /// 特定疾病療養受療証 (`specific_diseases`).
    SpecificDiseases,
}

/// A field's value, borrowed from a record, in the form it is compared.
#[derive(Clone, Copy)]
pub(crate) enum Value<'a> {
    Absent,
    Text(&'a str, FieldKind),
    Code(&'a str),
    Date(NaiveDate),
    Ratio(Ratio),
    Limit(&'a LimitCertificate),
    Diseases(&'a [SpecificDisease]),
    Tickets(&'a [MedicalTicket]),
}

fn text(v: Option<&Personal<String>>, kind: FieldKind) -> Value<'_> {
    v.map_or(Value::Absent, |s| Value::Text(s.as_str(), kind))
}

fn code<C: Code>(v: Option<&C>) -> Value<'_> {
    v.map_or(Value::Absent, |c| Value::Code(c.wire()))
}

fn date(v: Option<NaiveDate>) -> Value<'static> {
    v.map_or(Value::Absent, Value::Date)
}

impl Field {
    /// Every compared field, in display order (identity first, then the coverage, its
    /// details and certificates).
    pub const ALL: &'static [Field] = &[
        Field::Name,
        Field::NameKana,
        Field::NameOfOther,
        Field::NameOfOtherKana,
        Field::Sex1,
        Field::Sex2,
        Field::Birthdate,
        Field::Address,
        Field::PostNumber,
        Field::InsuredName,
        Field::ReferenceNumber,
        Field::InsuredCardClassification,
        Field::InsurerNumber,
        Field::InsuredCardSymbol,
        Field::InsuredIdentificationNumber,
        Field::InsuredBranchNumber,
        Field::PersonalFamilyClassification,
        Field::InsuredPartialContributionRatio,
        Field::ElderlyRecipientContributionRatio,
        Field::PreschoolClassification,
        Field::MedicalTickets,
        Field::InsurerName,
        Field::QualificationDate,
        Field::DisqualificationDate,
        Field::ReasonOfLoss,
        Field::InsuredCertificateIssuanceDate,
        Field::InsuredCardValidDate,
        Field::InsuredCardExpirationDate,
        Field::ElderlyRecipientCertificateDate,
        Field::ElderlyRecipientValidStartDate,
        Field::ElderlyRecipientValidEndDate,
        Field::LimitCertificate,
        Field::SpecificDiseases,
    ];

    /// The stable id: the field's name in the record JSON (`"name_kana"`,
    /// `"elderly_recipient.contribution_ratio"` …).
    pub fn id(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::NameKana => "name_kana",
            Field::NameOfOther => "name_of_other",
            Field::NameOfOtherKana => "name_of_other_kana",
            Field::Sex1 => "sex1",
            Field::Sex2 => "sex2",
            Field::Birthdate => "birthdate",
            Field::Address => "address",
            Field::PostNumber => "post_number",
            Field::InsuredName => "insured_name",
            Field::ReferenceNumber => "reference_number",
            Field::InsuredCardClassification => "insured_card_classification",
            Field::InsurerNumber => "insurer_number",
            Field::InsuredCardSymbol => "insured_card_symbol",
            Field::InsuredIdentificationNumber => "insured_identification_number",
            Field::InsuredBranchNumber => "insured_branch_number",
            Field::PersonalFamilyClassification => "personal_family_classification",
            Field::InsuredPartialContributionRatio => "insured_partial_contribution_ratio",
            Field::ElderlyRecipientContributionRatio => "elderly_recipient.contribution_ratio",
            Field::PreschoolClassification => "preschool_classification",
            Field::MedicalTickets => "medical_tickets",
            Field::InsurerName => "insurer_name",
            Field::QualificationDate => "qualification_date",
            Field::DisqualificationDate => "disqualification_date",
            Field::ReasonOfLoss => "reason_of_loss",
            Field::InsuredCertificateIssuanceDate => "insured_certificate_issuance_date",
            Field::InsuredCardValidDate => "insured_card_valid_date",
            Field::InsuredCardExpirationDate => "insured_card_expiration_date",
            Field::ElderlyRecipientCertificateDate => "elderly_recipient.certificate_date",
            Field::ElderlyRecipientValidStartDate => "elderly_recipient.valid_start_date",
            Field::ElderlyRecipientValidEndDate => "elderly_recipient.valid_end_date",
            Field::LimitCertificate => "limit_certificate",
            Field::SpecificDiseases => "specific_diseases",
        }
    }

    /// The field for an id; `None` for an unknown id.
    pub fn from_id(id: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.id() == id)
    }

    /// The Japanese label for staff screens.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "氏名",
            Field::NameKana => "氏名カナ",
            Field::NameOfOther => "通称",
            Field::NameOfOtherKana => "通称カナ",
            Field::Sex1 => "性別",
            Field::Sex2 => "性別2",
            Field::Birthdate => "生年月日",
            Field::Address => "住所",
            Field::PostNumber => "郵便番号",
            Field::InsuredName => "世帯主氏名",
            Field::ReferenceNumber => "照会番号",
            Field::InsuredCardClassification => "被保険者証区分",
            Field::InsurerNumber => "保険者番号",
            Field::InsuredCardSymbol => "記号",
            Field::InsuredIdentificationNumber => "番号",
            Field::InsuredBranchNumber => "枝番",
            Field::PersonalFamilyClassification => "本人・家族",
            Field::InsuredPartialContributionRatio => "負担割合（後期高齢者）",
            Field::ElderlyRecipientContributionRatio => "負担割合（高齢受給者）",
            Field::PreschoolClassification => "未就学区分",
            Field::MedicalTickets => "医療扶助（医療券・調剤券）",
            Field::InsurerName => "保険者名称",
            Field::QualificationDate => "資格取得年月日",
            Field::DisqualificationDate => "資格喪失年月日",
            Field::ReasonOfLoss => "資格喪失事由",
            Field::InsuredCertificateIssuanceDate => "交付年月日",
            Field::InsuredCardValidDate => "有効開始年月日",
            Field::InsuredCardExpirationDate => "有効終了年月日",
            Field::ElderlyRecipientCertificateDate => "高齢受給者証 交付年月日",
            Field::ElderlyRecipientValidStartDate => "高齢受給者証 有効開始年月日",
            Field::ElderlyRecipientValidEndDate => "高齢受給者証 有効終了年月日",
            Field::LimitCertificate => "限度額適用認定証",
            Field::SpecificDiseases => "特定疾病療養受療証",
        }
    }

    /// The group the field belongs to.
    pub fn group(self) -> FieldGroup {
        match self {
            Field::Name
            | Field::NameKana
            | Field::NameOfOther
            | Field::NameOfOtherKana
            | Field::Sex1
            | Field::Sex2
            | Field::Birthdate
            | Field::Address
            | Field::PostNumber
            | Field::InsuredName
            | Field::ReferenceNumber => FieldGroup::Identity,
            Field::InsuredCardClassification
            | Field::InsurerNumber
            | Field::InsuredCardSymbol
            | Field::InsuredIdentificationNumber
            | Field::InsuredBranchNumber
            | Field::PersonalFamilyClassification
            | Field::InsuredPartialContributionRatio
            | Field::ElderlyRecipientContributionRatio
            | Field::PreschoolClassification
            | Field::MedicalTickets => FieldGroup::Qualification,
            Field::InsurerName
            | Field::QualificationDate
            | Field::DisqualificationDate
            | Field::ReasonOfLoss
            | Field::InsuredCertificateIssuanceDate
            | Field::InsuredCardValidDate
            | Field::InsuredCardExpirationDate
            | Field::ElderlyRecipientCertificateDate
            | Field::ElderlyRecipientValidStartDate
            | Field::ElderlyRecipientValidEndDate => FieldGroup::Detail,
            Field::LimitCertificate | Field::SpecificDiseases => FieldGroup::Certificate,
        }
    }

    /// The text kind used to normalize this field, for text fields.
    pub fn text_kind(self) -> Option<FieldKind> {
        Some(match self {
            Field::Name | Field::NameOfOther | Field::InsuredName => FieldKind::Name,
            Field::NameKana | Field::NameOfOtherKana => FieldKind::Kana,
            Field::Address => FieldKind::Address,
            Field::PostNumber | Field::InsuredCardSymbol | Field::InsuredIdentificationNumber => {
                FieldKind::Number
            }
            Field::ReferenceNumber | Field::InsurerName => FieldKind::Text,
            _ => return None,
        })
    }

    #[inline(always)]
    pub(crate) fn value(self, q: &Qualification) -> Value<'_> {
        let elderly = q.elderly_recipient.as_ref();
        match self {
            Field::Name => text(q.name.as_ref(), FieldKind::Name),
            Field::NameKana => text(q.name_kana.as_ref(), FieldKind::Kana),
            Field::NameOfOther => text(q.name_of_other.as_ref(), FieldKind::Name),
            Field::NameOfOtherKana => text(q.name_of_other_kana.as_ref(), FieldKind::Kana),
            Field::Sex1 => code(q.sex1.as_ref()),
            Field::Sex2 => code(q.sex2.as_ref()),
            Field::Birthdate => date(q.birthdate.as_ref().map(|d| *d.expose())),
            Field::Address => text(q.address.as_ref(), FieldKind::Address),
            Field::PostNumber => text(q.post_number.as_ref(), FieldKind::Number),
            Field::InsuredName => text(q.insured_name.as_ref(), FieldKind::Name),
            Field::ReferenceNumber => text(q.reference_number.as_ref(), FieldKind::Text),
            Field::InsuredCardClassification => code(q.insured_card_classification.as_ref()),
            Field::InsurerNumber => q
                .insurer_number
                .as_ref()
                .map_or(Value::Absent, |n| Value::Code(n.as_str())),
            Field::InsuredCardSymbol => q.insured_card_symbol.as_ref().map_or(Value::Absent, |n| {
                Value::Text(n.as_str(), FieldKind::Number)
            }),
            Field::InsuredIdentificationNumber => q
                .insured_identification_number
                .as_ref()
                .map_or(Value::Absent, |n| {
                    Value::Text(n.as_str(), FieldKind::Number)
                }),
            Field::InsuredBranchNumber => q
                .insured_branch_number
                .as_ref()
                .map_or(Value::Absent, |n| Value::Code(n.as_str())),
            Field::PersonalFamilyClassification => code(q.personal_family_classification.as_ref()),
            Field::InsuredPartialContributionRatio => q
                .insured_partial_contribution_ratio
                .map_or(Value::Absent, Value::Ratio),
            Field::ElderlyRecipientContributionRatio => elderly
                .and_then(|e| e.contribution_ratio)
                .map_or(Value::Absent, Value::Ratio),
            Field::PreschoolClassification => code(q.preschool_classification.as_ref()),
            Field::MedicalTickets if q.medical_tickets.is_empty() => Value::Absent,
            Field::MedicalTickets => Value::Tickets(&q.medical_tickets),
            Field::InsurerName => q
                .insurer_name
                .as_deref()
                .map_or(Value::Absent, |s| Value::Text(s, FieldKind::Text)),
            Field::QualificationDate => date(q.qualification_date),
            Field::DisqualificationDate => date(q.disqualification_date),
            Field::ReasonOfLoss => code(q.reason_of_loss.as_ref()),
            Field::InsuredCertificateIssuanceDate => date(q.insured_certificate_issuance_date),
            Field::InsuredCardValidDate => date(q.insured_card_valid_date),
            Field::InsuredCardExpirationDate => date(q.insured_card_expiration_date),
            Field::ElderlyRecipientCertificateDate => {
                date(elderly.and_then(|e| e.certificate_date))
            }
            Field::ElderlyRecipientValidStartDate => date(elderly.and_then(|e| e.valid_start_date)),
            Field::ElderlyRecipientValidEndDate => date(elderly.and_then(|e| e.valid_end_date)),
            Field::LimitCertificate => q
                .limit_certificate
                .as_ref()
                .map_or(Value::Absent, Value::Limit),
            Field::SpecificDiseases if q.specific_diseases.is_empty() => Value::Absent,
            Field::SpecificDiseases => Value::Diseases(&q.specific_diseases),
        }
    }

    /// `true` when the record holds a value for this field.
    pub fn is_present(self, q: &Qualification) -> bool {
        !matches!(self.value(q), Value::Absent)
    }

    /// The field's value in `q` as text for a staff screen (dates `YYYY-MM-DD`, codes as
    /// `wire label`, ratios as `NN%（N割）`, certificates summarized); `None` when absent.
    ///
    /// The text is the real, personal value: show it on the screen that needs it, never log it.
    pub fn display(self, q: &Qualification) -> Option<String> {
        Some(match self.value(q) {
            Value::Absent => return None,
            Value::Text(s, _) => s.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::Ratio(r) => format!("{}%（{}割）", r.percent(), r.wari()),
            Value::Code(_) => self.code_display(q)?,
            Value::Limit(l) => {
                let class = l.classification_flag.as_ref().map_or("", |c| c.label());
                let start = l
                    .valid_start_date
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default();
                format!("{class} {start}〜").trim().to_string()
            }
            Value::Diseases(d) => format!("{}件", d.len()),
            Value::Tickets(t) => format!("{}件", t.len()),
        })
    }

    fn code_display(self, q: &Qualification) -> Option<String> {
        fn show<C: Code>(c: Option<&C>) -> Option<String> {
            c.map(|c| format!("{} {}", c.wire(), c.label()))
        }
        match self {
            Field::Sex1 => show(q.sex1.as_ref()),
            Field::Sex2 => show(q.sex2.as_ref()),
            Field::InsuredCardClassification => show(q.insured_card_classification.as_ref()),
            Field::PersonalFamilyClassification => show(q.personal_family_classification.as_ref()),
            Field::PreschoolClassification => show(q.preschool_classification.as_ref()),
            Field::ReasonOfLoss => show(q.reason_of_loss.as_ref()),
            Field::InsurerNumber => q.insurer_number.as_ref().map(|n| n.as_str().to_string()),
            Field::InsuredBranchNumber => q
                .insured_branch_number
                .as_ref()
                .map(|n| n.as_str().to_string()),
            _ => None,
        }
    }

    /// Copies this field's value (or its absence) from `from` into `to`: the 反映 of one field.
    ///
    /// ```
    /// use onshi::diff::Field;
    /// use onshi::model::Qualification;
    /// let from = Qualification { address: Some("東京都千代田区".into()), ..Default::default() };
    /// let mut to = Qualification::default();
    /// Field::Address.copy(&from, &mut to);
    /// assert_eq!(to.address, from.address);
    /// ```
    pub fn copy(self, from: &Qualification, to: &mut Qualification) {
        match self {
            Field::Name => to.name.clone_from(&from.name),
            Field::NameKana => to.name_kana.clone_from(&from.name_kana),
            Field::NameOfOther => to.name_of_other.clone_from(&from.name_of_other),
            Field::NameOfOtherKana => to.name_of_other_kana.clone_from(&from.name_of_other_kana),
            Field::Sex1 => to.sex1.clone_from(&from.sex1),
            Field::Sex2 => to.sex2.clone_from(&from.sex2),
            Field::Birthdate => to.birthdate.clone_from(&from.birthdate),
            Field::Address => to.address.clone_from(&from.address),
            Field::PostNumber => to.post_number.clone_from(&from.post_number),
            Field::InsuredName => to.insured_name.clone_from(&from.insured_name),
            Field::ReferenceNumber => to.reference_number.clone_from(&from.reference_number),
            Field::InsuredCardClassification => to
                .insured_card_classification
                .clone_from(&from.insured_card_classification),
            Field::InsurerNumber => to.insurer_number.clone_from(&from.insurer_number),
            Field::InsuredCardSymbol => {
                to.insured_card_symbol.clone_from(&from.insured_card_symbol)
            }
            Field::InsuredIdentificationNumber => to
                .insured_identification_number
                .clone_from(&from.insured_identification_number),
            Field::InsuredBranchNumber => to
                .insured_branch_number
                .clone_from(&from.insured_branch_number),
            Field::PersonalFamilyClassification => to
                .personal_family_classification
                .clone_from(&from.personal_family_classification),
            Field::InsuredPartialContributionRatio => {
                to.insured_partial_contribution_ratio = from.insured_partial_contribution_ratio
            }
            Field::PreschoolClassification => to
                .preschool_classification
                .clone_from(&from.preschool_classification),
            Field::MedicalTickets => to.medical_tickets.clone_from(&from.medical_tickets),
            Field::InsurerName => to.insurer_name.clone_from(&from.insurer_name),
            Field::QualificationDate => to.qualification_date = from.qualification_date,
            Field::DisqualificationDate => to.disqualification_date = from.disqualification_date,
            Field::ReasonOfLoss => to.reason_of_loss.clone_from(&from.reason_of_loss),
            Field::InsuredCertificateIssuanceDate => {
                to.insured_certificate_issuance_date = from.insured_certificate_issuance_date
            }
            Field::InsuredCardValidDate => {
                to.insured_card_valid_date = from.insured_card_valid_date
            }
            Field::InsuredCardExpirationDate => {
                to.insured_card_expiration_date = from.insured_card_expiration_date
            }
            Field::LimitCertificate => to.limit_certificate.clone_from(&from.limit_certificate),
            Field::SpecificDiseases => to.specific_diseases.clone_from(&from.specific_diseases),
            Field::ElderlyRecipientContributionRatio
            | Field::ElderlyRecipientCertificateDate
            | Field::ElderlyRecipientValidStartDate
            | Field::ElderlyRecipientValidEndDate => self.copy_elderly(from, to),
        }
    }

    fn copy_elderly(self, from: &Qualification, to: &mut Qualification) {
        let src = from.elderly_recipient.as_ref();
        let dst = to.elderly_recipient.get_or_insert_with(Default::default);
        match self {
            Field::ElderlyRecipientContributionRatio => {
                dst.contribution_ratio = src.and_then(|e| e.contribution_ratio)
            }
            Field::ElderlyRecipientCertificateDate => {
                dst.certificate_date = src.and_then(|e| e.certificate_date)
            }
            Field::ElderlyRecipientValidStartDate => {
                dst.valid_start_date = src.and_then(|e| e.valid_start_date)
            }
            _ => dst.valid_end_date = src.and_then(|e| e.valid_end_date),
        }
        let empty = dst.contribution_ratio.is_none()
            && dst.certificate_date.is_none()
            && dst.valid_start_date.is_none()
            && dst.valid_end_date.is_none()
            && dst.extra.is_empty();
        if empty {
            to.elderly_recipient = None;
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip_through_serde() {
        let mut seen = std::collections::HashSet::new();
        for f in Field::ALL {
            assert!(seen.insert(f.id()), "duplicate id {}", f.id());
            let j = serde_json::to_string(f).unwrap();
            assert_eq!(j, format!("\"{}\"", f.id()));
            assert_eq!(serde_json::from_str::<Field>(&j).unwrap(), *f);
            assert_eq!(Field::from_id(f.id()), Some(*f));
        }
    }

    #[test]
    fn top_level_ids_are_record_json_names() {
        // Every id without a dot must be a key of the record JSON when the field is set.
        let q = crate::diff::tests::full_record();
        let json: serde_json::Value = serde_json::from_str(&q.to_json()).unwrap();
        for f in Field::ALL {
            let top = f.id().split('.').next().unwrap();
            assert!(json.get(top).is_some(), "{} not in the record JSON", f.id());
        }
    }

    #[test]
    fn copy_makes_the_field_equal_for_every_field() {
        let from = crate::diff::tests::full_record();
        for f in Field::ALL {
            let mut to = Qualification::default();
            f.copy(&from, &mut to);
            assert_eq!(f.display(&to), f.display(&from), "{}", f.id());
            // Copying an absence clears the value.
            f.copy(&Qualification::default(), &mut to);
            assert!(!f.is_present(&to), "{}", f.id());
        }
    }
}
