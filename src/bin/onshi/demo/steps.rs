//! The demo steps that compare and apply results: matching a face result to the clinic's
//! patients, the diff of an answer with the registered record, applying it to the
//! qualification history, and unlinking.

use super::ui::{describe, s, say, summary, title};
use super::{Demo, T2};
use onshi::Personal;
use onshi::diff::{self, Class, QueryKind, Returned, Verdict};
use onshi::history::{
    ApplyOptions, AuditEvent, AuditKind, Choices, QualificationHistory, ReviewContext, Source,
    Stamp, StartDatePolicy, VersionState,
};
use onshi::matching::{IdentityQuery, NewPatientDraft, PatientRecord, candidates};
use onshi::model::PersonIdentity;
use onshi::model::{Qualification, Ratio};
use onshi::terminal::now_jst;
use onshi::xml::QualificationResponse;

/// A patient of the demo clinic: the EMR's record and its qualification history.
pub(crate) struct Chart {
    pub record: PatientRecord,
    pub history: QualificationHistory,
}

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn stamp() -> Stamp {
    Stamp::new("受付 見本", now_jst())
}

fn chart(id: &str, q: Qualification, kana: &str, since: chrono::NaiveDate) -> Chart {
    let st = Stamp::new("移行データ", since.and_hms_opt(9, 0, 0).unwrap_or_default());
    Chart {
        record: PatientRecord {
            person: PersonIdentity {
                name: q.person.name.clone(),
                name_kana: Some(Personal::new(kana.to_string())),
                birthdate: q.person.birthdate.clone(),
                sex1: q.person.sex1.clone(),
                address: q.person.address.clone(),
                ..Default::default()
            },
            patient_id: id.into(),
            qualifications: vec![q.clone()],
            ..Default::default()
        },
        history: QualificationHistory::new(q, since, Source::manual(st.at), &st),
    }
}

/// The demo clinic's charts, built from dataset persons as the clinic once registered them.
pub(crate) fn clinic(d: &Demo) -> Vec<Chart> {
    let mut out = Vec::new();
    // 佐藤 由美: moved house since registration; kana typed in full width.
    let mut q = d.person("住所・氏名が変わった既存患者").qualifications[0].clone();
    q.person.address = Some(Personal::new("東京都見本区北町１－２－３".into()));
    q.person.post_number = Some(Personal::new("100-0099".into()));
    q.person.name_kana = Some(Personal::new("サトウ　ユミ".into()));
    q.insured_card_valid_date = Some(day(2019, 4, 1));
    out.push(chart("0001", q, "サトウ　ユミ", day(2019, 4, 1)));
    // 変更 久子: registered at 1割.
    let mut q = d.person("後期高齢 1割→2割").qualifications[0].clone();
    q.insured_partial_contribution_ratio = Ratio::from_percent(10);
    q.insured_card_valid_date = Some(day(2024, 8, 1));
    q.insured_certificate_issuance_date = Some(day(2024, 7, 20));
    out.push(chart("0002", q, "ヘンコウ　ヒサコ", day(2024, 8, 1)));
    // 進級 葵: registered while 未就学 (2割).
    let mut q = d.person("未就学→就学").qualifications[0].clone();
    q.preschool_classification = Some(onshi::codes::PreschoolClassification::Preschool);
    out.push(chart("0003", q, "シンキュウ　アオイ", day(2020, 4, 1)));
    // 髙橋 一郎: the real kanji, which the national system shows as ●.
    let mut q = d.person("● 氏名（髙").qualifications[0].clone();
    q.person.name = Some(Personal::new("髙橋　一郎".into()));
    out.push(chart("0004", q, "タカハシ　イチロウ", day(2020, 4, 1)));
    out
}

pub(crate) fn print_fields(d: &diff::Diff) {
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

fn print_history(h: &QualificationHistory) {
    for v in &h.versions {
        let state = match v.state {
            VersionState::Current => "現在",
            VersionState::Superseded => "終了（新しい資格へ）",
            VersionState::Expired => "終了",
        };
        let mut what = Vec::new();
        if let Some(r) = v.qualification.insured_partial_contribution_ratio {
            what.push(format!("負担 {}割", r.wari()));
        }
        if v.qualification.preschool_classification.is_some() {
            what.push("未就学".into());
        }
        println!(
            "    版{} {} 〜 {}  {state}  {}{}",
            v.id,
            v.start,
            v.end.map(|e| e.to_string()).unwrap_or_default(),
            what.join(" "),
            if v.link.is_some() {
                "  [資格確認結果と紐付け済み]"
            } else {
                ""
            }
        );
    }
}

fn audit_line(e: &AuditEvent) -> String {
    let what = match &e.kind {
        AuditKind::Created { start } => format!("作成（{start}〜）"),
        AuditKind::Linked { .. } => "資格確認結果と紐付け".into(),
        AuditKind::Updated { fields, .. } => format!("{} 項目を反映", fields.len()),
        AuditKind::Closed { end } => format!("{end} で終了"),
        AuditKind::Opened { start, .. } => format!("{start} から新しい資格"),
        AuditKind::Unlinked { .. } => "紐付けを解除（データは残す）".into(),
        AuditKind::Expired { end } => format!("{end} で期限切れ"),
    };
    format!(
        "{} {} 版{}: {what}",
        e.at.format("%H:%M:%S"),
        e.actor,
        e.version
    )
}

/// Queries the chart's card, compares, applies with `policy`; `true` when the verdict is
/// `expect`.
fn check_and_apply(
    d: &mut Demo,
    chart: &mut Chart,
    policy: StartDatePolicy,
    expect: Verdict,
) -> bool {
    let p = onshi::terminal::dataset::Person {
        qualifications: chart
            .history
            .current()
            .map(|v| v.qualification.clone())
            .into_iter()
            .collect(),
        ..d.emu.dataset().persons[0].clone()
    };
    let r: QualificationResponse = match d.query(&p) {
        Ok(r) => r,
        Err(e) => {
            say(&format!("失敗: {e}"), "failed");
            return false;
        }
    };
    say(
        &format!("端末の回答: {}", summary(&r)),
        "the terminal's answer",
    );
    let today = now_jst().date();
    let result_id = r
        .header
        .arbitrary_file_identifier
        .clone()
        .unwrap_or_default();
    let ctx = ReviewContext::new(result_id, today, QueryKind::InsuranceCard);
    let review = match chart.history.review(Returned::from(&r.body), &ctx) {
        Ok(review) => review,
        Err(e) => {
            say(&format!("失敗: {e}"), "failed");
            return false;
        }
    };
    let dd = &review.diff;
    say(
        &format!("差分: {}", dd.verdict.label()),
        "field-by-field comparison with the registered record",
    );
    print_fields(dd);
    if review.returned.is_none() {
        return false;
    }
    let policy_label = match policy {
        StartDatePolicy::FirstOfMonth => "確認した月の1日",
        _ => "資格確認した日",
    };
    let how = ApplyOptions::new(policy, stamp());
    match chart.history.apply(&review, &Choices::recommended(), &how) {
        Ok(events) => {
            let what = match dd.verdict {
                Verdict::Identical => "反映する項目はありません → 紐付けのみ".to_string(),
                Verdict::NewQualification => {
                    format!(
                        "推奨どおり［反映］: 旧資格を終了し、新しい資格を {policy_label} から開始"
                    )
                }
                _ => "推奨どおり［反映］".to_string(),
            };
            say(
                &format!("{what} → 履歴:"),
                "applied the recommended choices; the resulting history:",
            );
            print_history(&chart.history);
            for e in &events {
                println!("    監査: {}", audit_line(e));
            }
        }
        Err(e) => say(&format!("適用できません: {e}"), "cannot apply"),
    }
    dd.verdict == expect
}

/// New patient by My Number card, existing patient with differences, 負担割合 changes,
/// ● name, 該当資格なし.
pub(crate) fn identity_steps(d: &mut Demo, next: &mut dyn FnMut() -> usize) {
    let mut charts = clinic(d);

    title(
        next(),
        "新患：マイナンバーカードで来院",
        "New patient by My Number card",
    );
    let p = d.person("新患");
    let mut ok = false;
    match d.emu.push_face(&p.id).and_then(|_| d.client.next_face(T2)) {
        Ok(Some(e)) => {
            say(
                &format!(
                    "顔認証付きカードリーダーの結果を受信（受け取り確認まで配信）: {}",
                    e.file_name
                ),
                "face result pushed into face/, delivered until acknowledged",
            );
            let _ = d.client.ack_face(&e);
            if let Ok(r) = &e.result
                && let Some(q) = r.body.results.first()
            {
                say(&describe(q), "");
                let records: Vec<PatientRecord> = charts.iter().map(|c| c.record.clone()).collect();
                let found = candidates(&IdentityQuery::from(q), &records);
                if found.is_empty() {
                    say(
                        "既存患者に該当なし → 新患登録の下書きを作成",
                        "no matching patient → a new-patient draft",
                    );
                    let draft = NewPatientDraft::from_result(q);
                    println!(
                        "    氏名 {}  カナ {}  生年月日 {}  住所 〒{} {}",
                        s(&draft.person.name),
                        s(&draft.person.name_kana),
                        draft
                            .person
                            .birthdate
                            .as_ref()
                            .map(|b| b.expose().to_string())
                            .unwrap_or_default(),
                        s(&draft.person.post_number),
                        s(&draft.person.address)
                    );
                    for n in &draft.notes {
                        println!("    ※ {}", n.message());
                    }
                    ok = true;
                } else {
                    for c in &found {
                        say(
                            &format!("候補: 患者 {}（{:?}）", c.patient_id, c.strength),
                            "candidate",
                        );
                    }
                }
            }
        }
        Ok(None) => say("顔認証の結果が届きません", "no face result"),
        Err(e) => say(&format!("失敗: {e}"), "failed"),
    }
    // The same reader result for a known patient finds the chart, even with ●.
    if let Ok(Some(e)) = d
        .emu
        .push_face(&d.person("● 氏名（髙").id)
        .and_then(|_| d.client.next_face(T2))
        && d.client.ack_face(&e).is_ok()
        && let Ok(r) = &e.result
        && let Some(q) = r.body.results.first()
    {
        let records: Vec<PatientRecord> = charts.iter().map(|c| c.record.clone()).collect();
        if let Some(c) = candidates(&IdentityQuery::from(q), &records).first() {
            let reasons: Vec<&str> = c.reasons.iter().map(|r| r.label()).collect();
            say(
                &format!(
                    "既存患者の来院: {} → 患者番号 {}（{}）",
                    s(&q.person.name),
                    c.patient_id,
                    reasons.join("・")
                ),
                "a known patient at the reader is matched to the chart, ● and all: not registered twice",
            );
        }
    }
    d.done(
        "新患（マイナンバーカード）/ new patient by My Number card",
        ok,
    );

    title(
        next(),
        "既存患者の資格確認（差分の反映）",
        "Existing patient's check: differences and what to apply",
    );
    let ok = check_and_apply(
        d,
        &mut charts[0],
        StartDatePolicy::ConfirmationDate,
        Verdict::UpdateRecommended,
    );
    d.done(
        "既存患者の差分と反映 / existing patient: diff and apply",
        ok,
    );

    title(
        next(),
        "負担割合の変更（旧資格の終了と新資格の開始）",
        "Copay ratio changed: old qualification ends, new one starts",
    );
    say(
        "後期高齢者 1割 → 2割（開始日: 確認した月の1日）",
        "late-elderly 1 → 2 tenths; start on the 1st of the month",
    );
    let ok1 = check_and_apply(
        d,
        &mut charts[1],
        StartDatePolicy::FirstOfMonth,
        Verdict::NewQualification,
    );
    say(
        "未就学（2割）→ 就学（3割）、保険証は変わらず（開始日: 資格確認した日）",
        "preschool → school age with the same card; start on the confirmation day",
    );
    let ok2 = check_and_apply(
        d,
        &mut charts[2],
        StartDatePolicy::ConfirmationDate,
        Verdict::NewQualification,
    );
    d.done("負担割合の変更 / copay ratio change", ok1 && ok2);

    title(next(), "● を含む氏名", "A name with ●");
    let ok = check_and_apply(
        d,
        &mut charts[3],
        StartDatePolicy::ConfirmationDate,
        Verdict::Identical,
    );
    say(
        "● は国のシステムで表示できない文字です。登録済みの「髙橋」を ● で上書きせず、紐付けだけ行います。",
        "● marks a kanji the national system cannot show: the registered name is kept, the result only linked",
    );
    d.done("● 氏名は上書きしない / ● never overwrites a name", ok);

    title(
        next(),
        "該当資格なし",
        "No matching qualification (該当資格なし)",
    );
    let p = d.person("該当資格なし");
    let mut ok = false;
    if let Ok(r) = d.query(&p) {
        say(&format!("端末の回答: {}", summary(&r)), "");
        let ret = Returned::from(&r.body);
        if let Some(nc) = ret.not_confirmed() {
            say(
                &nc.label,
                "not confirmed: possible causes and next steps for staff",
            );
            for c in &nc.possible_causes {
                println!("    考えられる原因: {c}");
            }
            for n in &nc.next_steps {
                println!("    対応: {n}");
            }
            ok = true;
        }
    }
    d.done("該当資格なしの案内 / not-found guidance", ok);

    d.charts = charts;
}

/// 資格情報の解除: the result linked to the wrong patient is unlinked; the data stays.
pub(crate) fn unlink_step(d: &mut Demo, next: &mut dyn FnMut() -> usize) {
    title(
        next(),
        "資格情報の解除",
        "Unlinking a result linked to the wrong patient",
    );
    let mut ok = false;
    if let Some(chart) = d.charts.first_mut()
        && let Some(v) = chart
            .history
            .versions
            .iter()
            .rev()
            .find(|v| v.link.is_some())
    {
        let id = v.id;
        let before = chart.history.versions.len();
        match chart.history.unlink(id, &stamp()) {
            Ok(e) => {
                say(&format!("監査: {}", audit_line(&e)), "audit event recorded");
                print_history(&chart.history);
                say(
                    "解除後も登録されている情報は削除されません。正しい資格情報と紐付け直してください。",
                    "the data is kept; link the right result again",
                );
                ok = chart.history.versions.len() == before;
            }
            Err(e) => say(&format!("解除できません: {e}"), "cannot unlink"),
        }
    }
    d.done("資格情報の解除 / unlink", ok);
}
