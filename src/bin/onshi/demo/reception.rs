//! The demo steps of reception (issue 12): a patient who shows a 資格確認書 (記号・番号 query,
//! the advice that depends on it, the visit recorded in the journal) and the month's
//! マイナ保険証 利用率 read back from the journal.

use super::Demo;
use super::ui::{say, summary, title};
use onshi::diff::{self, DiffContext, QueryKind, Returned};
use onshi::reception::usage::UsageReport;
use onshi::reception::{Month, Presentation, Visit};
use onshi::terminal::now_jst;

/// Both reception steps, numbered by `next`.
pub(crate) fn reception_steps(d: &mut Demo, next: &mut dyn FnMut() -> usize) {
    certificate_step(d, next());
    usage_step(d, next());
}

/// A 資格確認書 holder: 記号・番号 query, the advice that depends on what was presented, and
/// the visit recorded in the journal.
fn certificate_step(d: &mut Demo, n: usize) {
    title(
        n,
        "資格確認書の患者（記号・番号で資格確認）",
        "A patient with a 資格確認書 (query by its 記号・番号)",
    );
    let p = d.person("資格確認書（国保");
    let r = match d.query(&p) {
        Ok(r) => r,
        Err(e) => {
            say(&format!("失敗: {e}"), "failed");
            d.done("資格確認書の患者 / 資格確認書 holder", false);
            return;
        }
    };
    say(
        &format!("端末の回答: {}", summary(&r)),
        "the terminal's answer",
    );
    let today = now_jst().date();
    let registered = p.qualifications.first().cloned().unwrap_or_default();
    let ctx = DiffContext::new(today, QueryKind::InsuranceCard)
        .with_presentation(Some(Presentation::QualificationCertificate));
    let dd = diff::compare(&registered, &Returned::from(&r.body), &ctx);
    say(
        &format!("差分: {}", dd.verdict.label()),
        "the diff, read with what the patient presented",
    );
    for notice in &dd.notices {
        println!("    ※ {}", notice.message);
    }
    let told = dd
        .notices
        .iter()
        .any(|n| n.notice == diff::NoticeKind::QualificationCertificateQuery);
    let visit = Visit::new(
        today,
        "demo-K01",
        Presentation::QualificationCertificate,
        now_jst(),
    );
    let recorded = match d.client.record_visit(&visit) {
        Ok(()) => {
            say(
                "受付記録: 資格確認書（記号・番号）を記録しました",
                "the visit is recorded in the client's journal (.onshi/visits/)",
            );
            true
        }
        Err(e) => {
            say(&format!("受付記録を書けません: {e}"), "cannot record");
            false
        }
    };
    d.done("資格確認書の患者 / 資格確認書 holder", told && recorded);
}

/// The month's 利用率 from the journal: a few more visits of the day, then the report.
fn usage_step(d: &mut Demo, n: usize) {
    title(
        n,
        "今月のマイナ保険証利用率",
        "This month's マイナ保険証 利用率 (per patient-month)",
    );
    let now = now_jst();
    let today = now.date();
    let visits = [
        ("demo-K02", Presentation::MyNumberCard),
        ("demo-K03", Presentation::MyNumberSmartphone),
        ("demo-K04", Presentation::MyNumberCardWithNotice),
        // The same patient twice in the month is one patient-month.
        ("demo-K02", Presentation::MyNumberCard),
    ];
    for (i, (patient, shown)) in visits.iter().enumerate() {
        let mut v = Visit::new(today, *patient, *shown, now);
        if i == 3 {
            v.result_id = Some(format!("demo-second-visit-{patient}"));
        }
        if let Err(e) = d.client.record_visit(&v) {
            say(&format!("受付記録を書けません: {e}"), "cannot record");
        }
    }
    let month = Month::of(today);
    let report = match d.client.visits(month) {
        Ok(v) => UsageReport::build(&v, month),
        Err(e) => {
            say(&format!("受付記録を読めません: {e}"), "cannot read");
            d.done("マイナ保険証利用率 / usage rate", false);
            return;
        }
    };
    for line in report.to_text_ja().lines() {
        println!("    {line}");
    }
    say(
        "同じコマンド: onshi report usage --root <フォルダ> --month <YYYYMM> [--json | --csv]",
        "the same from the command line",
    );
    // demo-K01 (資格確認書), K02 (card, twice), K03 (smartphone), K04 (お知らせ): 2 of 4.
    d.done(
        "マイナ保険証利用率 / usage rate",
        report.patients == 4 && report.my_number_patients == 2 && report.meets_target,
    );
}
