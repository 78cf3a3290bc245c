//! The advice that depends on what the patient presented, on the date, or on a result's
//! 付帯情報 (oqs-2026 §6–§8): お知らせ alone, a 資格確認書 holder's 記号・番号 query, the
//! 後期高齢 資格確認書 without an address and the 2026-08 rule, an expired 電子証明書, and
//! 該当資格なし right after joining.
//!
//! Every rule is pure: it reads the two records, the answer and the [`DiffContext`].

use super::advice::{Advice, Cause, Class, NotConfirmed, Notice, NoticeKind};
use super::{DiffContext, Returned};
use crate::model::{Field, Qualification};
use crate::reception::Presentation;
use chrono::{Datelike, NaiveDate};

/// From this day a 資格情報のお知らせ alone, or an expired paper 保険証, is no longer accepted:
/// the 暫定的な取扱い ended on 2026-03-31 (事務連絡 2025-06-27, 08-04, 11-12; oqs-2026 §6.1).
pub const NOTICE_ALONE_NOT_ACCEPTED_FROM: NaiveDate = date(2026, 4, 1);

/// From this day 後期高齢者医療 issues a 資格確認書 to those aged 85 and over, and to those
/// aged 84 or under only without a マイナ保険証 (the others get a 資格情報のお知らせ); until
/// 2026-07-31 everyone got a 資格確認書 (oqs-2026 §6.1).
pub const LATE_ELDERLY_RULE_FROM: NaiveDate = date(2026, 8, 1);

/// A 該当資格なし within this many days after the registered 資格取得年月日 is read as the
/// insurer's registration lag (a new member), not as a wrong card.
pub const NEW_MEMBER_DAYS: i64 = 31;

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("a valid constant date"),
    }
}

/// 処理結果コード of successful answers that say something about the patient's
/// マイナンバーカード, with what they mean. The official list (別紙6-1) is not public: these are
/// the emulator's codes; real answers are recognised by their message
/// ([`supplementary_reason`]). A vendor who learns the real codes can match them the same way.
pub const SUPPLEMENTARY_CODES: &[(&str, NoticeKind)] = &[
    ("EMU4001", NoticeKind::CertificateExpired),
    ("EMU4002", NoticeKind::CertificateExpiresSoon),
];

/// What a 付帯情報 (a 処理結果コード / メッセージ on a successful answer) says, when onshi knows
/// it: an expired 電子証明書 (資格確認 only, for three months after the expiry month) or one
/// that expires soon. Known codes first ([`SUPPLEMENTARY_CODES`]), then the message's words
/// (電子証明書 with 期限切れ / 失効, or with 近づ / まもなく / 3か月以内). Provisional: the real
/// codes and texts are not published.
///
/// ```
/// use onshi::diff::{NoticeKind, supplementary_reason};
/// assert_eq!(supplementary_reason(None, Some("電子証明書の有効期限が切れています")),
///            Some(NoticeKind::CertificateExpired));
/// assert_eq!(supplementary_reason(Some("EMU4002"), None), Some(NoticeKind::CertificateExpiresSoon));
/// assert_eq!(supplementary_reason(Some("X"), Some("その他のお知らせ")), None);
/// ```
pub fn supplementary_reason(code: Option<&str>, message: Option<&str>) -> Option<NoticeKind> {
    if let Some(c) = code
        && let Some((_, k)) = SUPPLEMENTARY_CODES.iter().find(|(x, _)| *x == c.trim())
    {
        return Some(*k);
    }
    let m = message?;
    if !m.contains("電子証明書") {
        return None;
    }
    let any = |words: &[&str]| words.iter().any(|w| m.contains(w));
    if any(&[
        "期限切れ",
        "期限が切れ",
        "失効",
        "有効期間が終了",
        "満了しています",
    ]) {
        Some(NoticeKind::CertificateExpired)
    } else if any(&[
        "近づ",
        "まもなく",
        "間もなく",
        "3か月以内",
        "３か月以内",
        "3ヶ月以内",
    ]) {
        Some(NoticeKind::CertificateExpiresSoon)
    } else {
        None
    }
}

/// The presentation the rules read: what staff stated, or a マイナ保険証 for a face result.
pub(crate) fn presentation(ctx: &DiffContext) -> Option<Presentation> {
    Presentation::resolve(ctx.presentation, ctx.query_kind)
}

/// `true` for 後期高齢者医療 (法別番号 39: an 8-digit 保険者番号 starting with 39).
pub(crate) fn is_late_elderly(q: &Qualification) -> bool {
    q.card
        .insurer_number
        .as_ref()
        .is_some_and(|n| n.as_str().len() == 8 && n.as_str().starts_with("39"))
}

/// Full years of age on `on`.
fn age(birth: NaiveDate, on: NaiveDate) -> Option<i32> {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    (years >= 0).then_some(years)
}

fn birthdate(a: &Qualification, b: &Qualification) -> Option<NaiveDate> {
    a.person
        .birthdate
        .as_ref()
        .or(b.person.birthdate.as_ref())
        .map(|d| *d.expose())
}

/// The notices of a confirmed answer that depend on the presentation, the date or a
/// 付帯情報; `generic_supplementary` is `true` when a 付帯情報 was not recognised (then the
/// caller adds the plain [`NoticeKind::Supplementary`]).
pub(crate) fn confirmed_notices(
    registered: &Qualification,
    returned: &Qualification,
    answer: &Returned<'_>,
    ctx: &DiffContext,
) -> (Vec<Notice>, bool) {
    let mut out = Vec::new();
    let shown = presentation(ctx);
    let day = ctx.confirmation_date;
    match shown {
        Some(Presentation::OtherDocument) if day >= NOTICE_ALONE_NOT_ACCEPTED_FROM => {
            out.push(Notice::new(NoticeKind::NoticeAloneNotAccepted, None));
        }
        Some(Presentation::OtherDocument) => {
            out.push(Notice::new(NoticeKind::NoticeAloneTolerated, None));
        }
        Some(Presentation::QualificationCertificate) => {
            out.push(Notice::new(NoticeKind::QualificationCertificateQuery, None));
        }
        _ => {}
    }
    let late_elderly = is_late_elderly(returned) || is_late_elderly(registered);
    if late_elderly
        && day >= LATE_ELDERLY_RULE_FROM
        && shown == Some(Presentation::QualificationCertificate)
        && birthdate(returned, registered)
            .and_then(|b| age(b, day))
            .is_some_and(|a| a <= 84)
    {
        out.push(Notice::new(NoticeKind::LateElderlyCertificateRule, None));
    }
    if returned
        .insured_card_classification
        .as_ref()
        .is_some_and(|c| crate::codes::Code::wire(c) == "05")
    {
        out.push(Notice::new(NoticeKind::SpecialMedicalExpense, None));
    }
    let mut generic = false;
    if answer.result_code.is_some() || answer.result_message.is_some() {
        let detail = [answer.result_code, answer.result_message]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        match supplementary_reason(answer.result_code, answer.result_message) {
            Some(kind) => out.push(Notice::new(kind, Some(detail))),
            None => generic = true,
        }
    }
    (out, generic)
}

/// 該当資格なし read against the registered record: right after joining (the registered
/// 資格取得年月日 is at most [`NEW_MEMBER_DAYS`] before the confirmation, or later) or when the
/// patient could only fill in a 申立書, it is the insurer's registration lag
/// ([`Cause::NotFoundNewMember`]).
pub(crate) fn refine_not_confirmed(
    nc: NotConfirmed,
    registered: &Qualification,
    ctx: &DiffContext,
) -> NotConfirmed {
    if nc.cause != Cause::NotFound {
        return nc;
    }
    let recent = registered
        .qualification_date
        .is_some_and(|q| (ctx.confirmation_date - q).num_days() <= NEW_MEMBER_DAYS);
    if recent || presentation(ctx) == Some(Presentation::Declaration) {
        NotConfirmed::new(
            Cause::NotFoundNewMember,
            nc.result_code.as_deref(),
            nc.result_message.as_deref(),
        )
    } else {
        nc
    }
}

/// The advice of a field that the presentation changes: the 後期高齢 資格確認書 has no
/// address, so an address (or postal code) missing from the document is not a difference.
pub(crate) fn field_advice(
    field: Field,
    class: Class,
    registered: &Qualification,
    returned: &Qualification,
    ctx: &DiffContext,
) -> Option<Advice> {
    let address = matches!(field, Field::Address | Field::PostNumber);
    (address
        && class == Class::OnlyRegistered
        && presentation(ctx) == Some(Presentation::QualificationCertificate)
        && (is_late_elderly(returned) || is_late_elderly(registered)))
    .then_some(Advice::AddressNotOnCertificate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_count_full_years() {
        let b = date(1941, 8, 2);
        assert_eq!(age(b, date(2026, 8, 1)), Some(84));
        assert_eq!(age(b, date(2026, 8, 2)), Some(85));
        assert_eq!(age(date(2030, 1, 1), date(2026, 8, 1)), None);
        // 29 February: a year later on 28 February is not yet a birthday.
        assert_eq!(age(date(2000, 2, 29), date(2001, 2, 28)), Some(0));
        assert_eq!(age(date(2000, 2, 29), date(2001, 3, 1)), Some(1));
    }

    #[test]
    fn supplementary_words_and_codes() {
        use NoticeKind::*;
        for (code, msg, want) in [
            (Some("EMU4001"), None, Some(CertificateExpired)),
            (Some(" EMU4001 "), None, Some(CertificateExpired)),
            (
                None,
                Some("電子証明書が失効しています"),
                Some(CertificateExpired),
            ),
            (
                None,
                Some("電子証明書の有効期限が近づいています"),
                Some(CertificateExpiresSoon),
            ),
            (None, Some("電子証明書の更新をお願いします"), None),
            (None, Some("有効期限が切れています"), None),
            (Some("1234"), Some(""), None),
            (None, None, None),
        ] {
            assert_eq!(supplementary_reason(code, msg), want, "{code:?} {msg:?}");
        }
    }
}
