//! 医療扶助 (生活保護) checks of an answer: the 医療券・調剤券 against the clinic and the day,
//! and the monthly window in which this month's tickets are not registered yet.
//!
//! Welfare offices register the month's 医療券 around the 15th–20th; before that, the terminal
//! answers 資格有効性 6 有効（未登録）(or a valid answer without a ticket for the month). That is
//! never 無効: the answer is "valid, re-check after the registration", with the day to re-check
//! ([`Recheck`]). After the window, the notice asks staff to have the ticket issued.

use super::advice::{Notice, NoticeKind};
use crate::codes::{
    Code, ConsistencyFlag, DesignatedInstitutionFlag, ElderlyMedicalCareStatus, InfectionStatus,
    LimitInfoChanged, MedicalTreatmentType, QualificationValidity, SingleOrCombinedUse, TicketType,
};
use crate::model::{MedicalTicket, Qualification};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The last day of the month by which welfare offices usually have registered the month's
/// 医療券 (they do it around the 15th–20th; the day is not fixed nationally). A 未登録 answer up
/// to this day is the window, not a problem: re-check the next day.
pub const TICKET_REGISTRATION_LAST_DAY: u32 = 20;

/// What kind of care the clinic gives: the 医療券's 診療別 (OQSCD019) must fit it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClinicKind {
    /// 医科 with beds (病院・有床診療所): 入院 (`01`) and 入院外 (`02`).
    Medical,
    /// 医科 without beds (無床診療所): 入院外 (`02`) only.
    MedicalOutpatient,
    /// 歯科: `03`.
    Dental,
    /// 薬局: 調剤 (`04`).
    Pharmacy,
    /// 訪問看護ステーション: `05`.
    HomeNursing,
}

impl ClinicKind {
    /// Japanese label.
    pub fn label(self) -> &'static str {
        match self {
            ClinicKind::Medical => "医科（入院・入院外）",
            ClinicKind::MedicalOutpatient => "医科（入院外）",
            ClinicKind::Dental => "歯科",
            ClinicKind::Pharmacy => "薬局（調剤）",
            ClinicKind::HomeNursing => "訪問看護",
        }
    }

    /// `true` when a 医療券 of this 診療別 is for this kind of clinic (an unknown value is
    /// not judged: `true`).
    pub fn accepts(self, t: &MedicalTreatmentType) -> bool {
        use MedicalTreatmentType as T;
        match t {
            T::Unknown(_) => true,
            T::Inpatient => self == ClinicKind::Medical,
            T::Outpatient => matches!(self, ClinicKind::Medical | ClinicKind::MedicalOutpatient),
            T::Dental => self == ClinicKind::Dental,
            T::Dispensing => self == ClinicKind::Pharmacy,
            T::HomeNursing => self == ClinicKind::HomeNursing,
        }
    }
}

/// Why an answer should be asked again later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RecheckReason {
    /// 医療扶助 is valid but this month's 医療券 is not registered yet (未委託・未登録): the
    /// welfare office registers the month's tickets around the 15th–20th.
    TicketNotYetRegistered,
}

impl RecheckReason {
    /// What staff should do, in Japanese.
    pub fn message(self) -> &'static str {
        match self {
            RecheckReason::TicketNotYetRegistered => {
                "医療扶助の資格は有効です（無効ではありません）。今月の医療券・調剤券は福祉事務所の登録（毎月15日〜20日ごろ）前のため未登録です。再確認日以降に資格確認（または医療扶助の一括取得）をやり直してください。"
            }
        }
    }
}

/// An answer to ask again on a later day: why, the month it is about and the day to re-check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recheck {
    /// Why.
    pub reason: RecheckReason,
    /// The month the answer is about (`yyyyMM`).
    pub month: String,
    /// The first day worth asking again.
    pub on: NaiveDate,
    /// [`RecheckReason::message`] (Japanese, for staff).
    pub message: String,
}

fn month_of(d: NaiveDate) -> String {
    format!("{:04}{:02}", d.year(), d.month())
}

/// The tickets of `q` for the month of `day` (a ticket without a month counts).
fn tickets_for(q: &Qualification, day: NaiveDate) -> Vec<&MedicalTicket> {
    let month = month_of(day);
    q.medical_tickets
        .iter()
        .filter(|t| {
            t.medical_treatment_month
                .as_deref()
                .is_none_or(|m| m.trim() == month)
        })
        .collect()
}

/// The notices about the returned record's 医療扶助 tickets and 限度額 flag, and the re-check
/// when this month's ticket is not registered yet.
pub(crate) fn notices(
    returned: &Qualification,
    validity: Option<&QualificationValidity>,
    day: NaiveDate,
    clinic: Option<ClinicKind>,
) -> (Vec<Notice>, Option<Recheck>) {
    let mut out = Vec::new();
    let mut recheck = None;
    if returned.limit_certificate_changed == Some(LimitInfoChanged::ChangedOrUnknown) {
        out.push(Notice::new(NoticeKind::LimitInfoChanged, None));
    }
    let unregistered = validity == Some(&QualificationValidity::ValidUnregistered);
    if !returned.is_public_assistance() {
        if unregistered {
            out.push(Notice::new(NoticeKind::ValidUnregistered, None));
        }
        return (out, None);
    }
    let current = tickets_for(returned, day);
    if !current.is_empty() && unregistered {
        // 6 with a ticket for the month: the ticket is there; say what 6 said.
        out.push(Notice::new(NoticeKind::ValidUnregistered, None));
    }
    if current.is_empty() {
        let others: Vec<&str> = returned
            .medical_tickets
            .iter()
            .filter_map(|t| t.medical_treatment_month.as_deref())
            .collect();
        if !others.is_empty() {
            out.push(Notice::new(
                NoticeKind::TicketOtherMonth,
                Some(format!("診療年月 {}", others.join("・"))),
            ));
        }
        if day.day() <= TICKET_REGISTRATION_LAST_DAY {
            let on = day
                .with_day(TICKET_REGISTRATION_LAST_DAY + 1)
                .unwrap_or(day);
            let r = Recheck {
                reason: RecheckReason::TicketNotYetRegistered,
                month: month_of(day),
                on,
                message: RecheckReason::TicketNotYetRegistered.message().to_string(),
            };
            out.push(Notice::new(
                NoticeKind::TicketNotYetRegistered,
                Some(format!("再確認日: {on}")),
            ));
            recheck = Some(r);
        } else {
            out.push(Notice::new(NoticeKind::ValidUnregistered, None));
        }
    }
    for t in current {
        ticket_notices(t, day, clinic, &mut out);
    }
    (out, recheck)
}

fn ticket_notices(
    t: &MedicalTicket,
    day: NaiveDate,
    clinic: Option<ClinicKind>,
    out: &mut Vec<Notice>,
) {
    let mut push = |kind: NoticeKind, detail: Option<String>| {
        if !out.iter().any(|n| n.notice == kind && n.detail == detail) {
            out.push(Notice::new(kind, detail));
        }
    };
    if t.designated_medical_institution_flag == Some(DesignatedInstitutionFlag::Differs) {
        push(
            NoticeKind::DesignatedInstitutionMismatch,
            t.designated_medical_institution_name
                .clone()
                .map(|n| format!("医療券の指定医療機関: {n}")),
        );
    }
    if t.consistency_flag == Some(ConsistencyFlag::Inconsistent) {
        push(NoticeKind::SocialInsuranceInconsistent, None);
    }
    if let (Some(kind), Some(tt)) = (clinic, &t.medical_treatment_type)
        && !kind.accepts(tt)
    {
        push(
            NoticeKind::TreatmentTypeMismatch,
            Some(format!(
                "医療券の診療別: {} {} / 自院: {}",
                tt.wire(),
                tt.label_on(day),
                kind.label()
            )),
        );
    }
    if t.ticket_type == Some(TicketType::Dispensing) && clinic != Some(ClinicKind::Pharmacy) {
        push(NoticeKind::DispensingTicket, None);
    }
    let before = t.valid_date.is_some_and(|v| day < v);
    let after = t.expiration_date.is_some_and(|e| day > e);
    if before || after {
        let range = format!(
            "有効期間: {}〜{}",
            t.valid_date.map(|d| d.to_string()).unwrap_or_default(),
            t.expiration_date.map(|d| d.to_string()).unwrap_or_default()
        );
        push(NoticeKind::TicketOutsideValidity, Some(range));
    }
    if let Some(yen) = t.self_pay_amount
        && yen > 0
    {
        push(NoticeKind::SelfPayDue, Some(format!("本人支払額: {yen}円")));
    }
    if t.single_or_combined_use == Some(SingleOrCombinedUse::Combined) {
        push(NoticeKind::CombinedWithInsurance, None);
    }
    if t.status_of_infection == Some(InfectionStatus::Yes) {
        push(NoticeKind::TuberculosisCombined, None);
    }
    if t.status_of_elderly_medical_care == Some(ElderlyMedicalCareStatus::Yes) {
        push(NoticeKind::LateElderlyCombined, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clinic_kinds_accept_their_tickets() {
        use MedicalTreatmentType as T;
        assert!(ClinicKind::Dental.accepts(&T::Dental));
        assert!(!ClinicKind::Dental.accepts(&T::Outpatient));
        assert!(ClinicKind::Medical.accepts(&T::Inpatient));
        assert!(!ClinicKind::MedicalOutpatient.accepts(&T::Inpatient));
        assert!(ClinicKind::MedicalOutpatient.accepts(&T::Outpatient));
        assert!(!ClinicKind::Pharmacy.accepts(&T::Dental));
        assert!(ClinicKind::HomeNursing.accepts(&T::HomeNursing));
        assert!(ClinicKind::Dental.accepts(&T::Unknown("09".into())));
    }
}
