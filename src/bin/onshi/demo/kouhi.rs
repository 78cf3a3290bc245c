//! The demo's 公費 (PMH) step: a 公費 PMH sent is registered with its own history, the next
//! answer changes its 上限額 (a new version, the old one ends); then a patient whose city is not
//! on PMH: no data is `unknown` — never 失効 — and staff are asked for the paper 受給者証.

use super::ui::{say, title};
use super::{Demo, T2};
use onshi::codes::PublicExpenseSource;
use onshi::diff::{self, Class, QueryKind, Returned, Verdict};
use onshi::history::{
    ApplyOptions, Choices, HistoryError, PublicExpenseHistory, ResultLink, ReviewContext, Source,
    Stamp, StartDatePolicy, VersionState,
};
use onshi::model::{PublicExpense, PublicExpenseField};
use onshi::terminal::now_jst;

fn stamp() -> Stamp {
    Stamp::new("受付 見本", now_jst())
}

/// One line per 公費: programme, numbers, 上限額, validity.
fn describe(p: &PublicExpense) -> String {
    let mut parts = vec![
        p.programme_label()
            .or(p.certification_name.as_deref())
            .unwrap_or("公費")
            .to_string(),
    ];
    if let Some(n) = &p.payer_number {
        parts.push(format!("公費負担者番号 {}", n.as_str()));
    }
    if let Some(n) = &p.recipient_number {
        parts.push(format!("受給者番号 {}", n.as_str()));
    }
    if let Some(c) = p.max_copayment_amount {
        parts.push(format!("上限額 {c}円/月"));
    }
    if p.is_reimbursement() {
        parts.push("償還払い".into());
    }
    if let (Some(f), Some(t)) = (p.valid_from, p.valid_to) {
        parts.push(format!("{f}〜{t}"));
    }
    parts.join("  ")
}

fn print_fields(d: &diff::Diff<PublicExpenseField>) {
    for f in d.fields.iter().filter(|f| f.class != Class::Same) {
        println!(
            "    {:<14} {:<8} → {}：{}",
            f.label,
            f.class.label(),
            f.action.label(),
            f.message
        );
    }
    for n in &d.notices {
        println!("    ※ {}", n.message);
    }
}

fn print_history(h: &PublicExpenseHistory) {
    for v in &h.versions {
        let state = match v.state {
            VersionState::Current => "現在",
            VersionState::Superseded => "終了（新しい公費へ）",
            VersionState::Expired => "終了",
        };
        println!(
            "    版{} {} 〜 {}  {state}  上限額 {}",
            v.id,
            v.start,
            v.end.map(|e| e.to_string()).unwrap_or_default(),
            v.qualification
                .max_copayment_amount
                .map(|c| format!("{c}円"))
                .unwrap_or_else(|| "—".into())
        );
    }
}

/// PMH data with a change of 上限額 (P60), then no PMH data (P62: a city not on PMH).
pub(crate) fn public_expense_step(d: &mut Demo, next: &mut dyn FnMut() -> usize) {
    title(
        next(),
        "公費（医療費助成・PMH）",
        "公費 (medical subsidies) from PMH",
    );
    let ok = with_pmh_data(d) & without_pmh_data(d);
    d.done("公費 / PMH: 上限額の変更と情報なし", ok);
}

/// P60: the face result carries the 公費; the next answer raises the 難病 上限額.
fn with_pmh_data(d: &mut Demo) -> bool {
    let p60 = d.person("公費 PMH あり");
    let today = now_jst().date();
    let ev = match d
        .emu
        .push_face(&p60.id)
        .and_then(|_| d.client.next_face(T2))
    {
        Ok(Some(ev)) => ev,
        Ok(None) => {
            say("顔認証の結果が届きません", "no face result");
            return false;
        }
        Err(e) => {
            say(&format!("失敗: {e}"), "failed");
            return false;
        }
    };
    let _ = d.client.ack_face(&ev);
    let Ok(r) = ev.result.as_ref() else {
        say("顔認証の結果を読めません", "unreadable face result");
        return false;
    };
    let sent = Returned::public_expenses(&r.body);
    for p in sent.records {
        say(
            &format!("PMH: {}", describe(p)),
            "a 公費 PMH sent with the 資格情報 (element names provisional)",
        );
    }
    let Some(first) = sent.records.first().cloned() else {
        return false;
    };
    let link = ResultLink::new(ev.file_name.clone(), today);
    let start = start_of(&first);
    let mut h = PublicExpenseHistory::from_result(first, start, &link, &stamp());
    say(
        "新患として、PMH の公費を履歴つきで登録しました（公費ごとに 1 つの履歴）。",
        "registered from PMH, one history per 公費",
    );

    // The next visit: PMH now sends 上限額 2万円.
    let r = match d.client.query(p60.query(), today, T2) {
        Ok(r) => r,
        Err(e) => {
            say(&format!("失敗: {e}"), "failed");
            return false;
        }
    };
    let ctx = ReviewContext::new("demo-kouhi-2", today, QueryKind::InsuranceCard);
    let review = match h.review(Returned::public_expenses(&r.body), &ctx) {
        Ok(r) => r,
        Err(e) => {
            say(&format!("失敗: {e}"), "failed");
            return false;
        }
    };
    say(
        &format!("次の来院（個別照会）: 差分 {}", review.verdict().label()),
        "the next answer compared with the registered 公費",
    );
    print_fields(&review.diff);
    let opts = ApplyOptions::new(StartDatePolicy::FirstOfMonth, stamp());
    if let Err(e) = h.apply(&review, &Choices::recommended(), &opts) {
        say(&format!("適用できません: {e}"), "cannot apply");
        return false;
    }
    say(
        "推奨どおり［反映］: 旧上限額の公費を終了し、新しい上限額を確認した月の1日から → 履歴:",
        "applied: the old version ends, the new 上限額 starts on the first of the month",
    );
    print_history(&h);
    review.verdict() == Verdict::NewQualification
        && h.current()
            .and_then(|v| v.qualification.max_copayment_amount)
            == Some(20000)
        && h.versions.len() == 2
}

/// P62: the paper 受給者証 is registered by hand; PMH sends nothing for it.
fn without_pmh_data(d: &mut Demo) -> bool {
    let p62 = d.person("公費 PMH 未対応");
    let today = now_jst().date();
    let Some(mut paper) = p62.public_expenses.first().cloned() else {
        return false;
    };
    paper.source = Some(PublicExpenseSource::Paper);
    say(
        &format!("紙の受給者証から登録: {}", describe(&paper)),
        "a paper 受給者証 entered by staff",
    );
    let st = stamp();
    let mut h = PublicExpenseHistory::new(
        paper,
        start_of(&p62.public_expenses[0]),
        Source::manual(st.at),
        &st,
    );
    let r = match d.client.query(p62.query(), today, T2) {
        Ok(r) => r,
        Err(e) => {
            say(&format!("失敗: {e}"), "failed");
            return false;
        }
    };
    let ctx = ReviewContext::new("demo-kouhi-p62", today, QueryKind::InsuranceCard);
    let review = match h.review(Returned::public_expenses(&r.body), &ctx) {
        Ok(r) => r,
        Err(e) => {
            say(&format!("失敗: {e}"), "failed");
            return false;
        }
    };
    say(
        &format!(
            "資格確認の回答: 公費の情報なし → 差分 {}",
            review.verdict().label()
        ),
        "no PMH data: unknown (not consented, not eligible and an unconnected city look the same)",
    );
    print_fields(&review.diff);
    if let Some(nc) = &review.diff.not_confirmed {
        for s in &nc.next_steps {
            println!("    → {s}");
        }
    }
    let refused = matches!(
        h.apply(
            &review,
            &Choices::recommended(),
            &ApplyOptions::new(StartDatePolicy::FirstOfMonth, stamp()),
        ),
        Err(HistoryError::Unknown)
    );
    say(
        "反映するものはありません。公費は失効扱いにしません（履歴はそのまま）:",
        "nothing to apply; the 公費 is not expired",
    );
    print_history(&h);
    review.verdict() == Verdict::Unknown
        && refused
        && h.current().map(|v| v.state) == Some(VersionState::Current)
}

/// The first day of a 受給者証's validity (or today when it has none).
fn start_of(p: &PublicExpense) -> chrono::NaiveDate {
    p.valid_from.unwrap_or_else(|| now_jst().date())
}
