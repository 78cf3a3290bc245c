//! How the demo prints: step titles, the Japanese/English lines, one-line summaries of a
//! qualification and an answer.

use onshi::Personal;
use onshi::codes::Code;
use onshi::model::{Qualification, QualificationQuery};
use onshi::terminal::dataset::Person;
use onshi::xml::QualificationResponse;

pub(crate) fn title(n: usize, ja: &str, en: &str) {
    println!();
    println!("━━ {n}. {ja} / {en} ━━");
}

pub(crate) fn say(ja: &str, en: &str) {
    println!("  {ja}");
    if !en.is_empty() {
        println!("    ({en})");
    }
}

pub(crate) fn s(p: &Option<Personal<String>>) -> &str {
    p.as_ref().map(|x| x.expose().as_str()).unwrap_or("")
}

/// One line per qualification: who, which card, what coverage.
pub(crate) fn describe(q: &Qualification) -> String {
    let mut parts = vec![format!(
        "{}（{}）",
        s(&q.person.name),
        s(&q.person.name_kana)
    )];
    if let Some(b) = &q.person.birthdate {
        parts.push(format!("生年月日 {}", b.expose().format("%Y-%m-%d")));
    }
    let mut card = String::new();
    if let Some(n) = &q.card.insurer_number {
        card.push_str(&format!("保険者番号 {}", n.as_str()));
    }
    if let Some(x) = &q.card.insured_card_symbol {
        card.push_str(&format!(" 記号 {}", x.as_str()));
    }
    if let Some(x) = &q.card.insured_identification_number {
        card.push_str(&format!(" 番号 {}", x.as_str()));
    }
    if let Some(x) = &q.card.insured_branch_number {
        card.push_str(&format!(" 枝番 {}", x.as_str()));
    }
    if !card.is_empty() {
        parts.push(card);
    }
    if let Some(c) = &q.insured_card_classification {
        parts.push(c.label().to_string());
    }
    if let Some(pf) = &q.personal_family_classification {
        parts.push(pf.label().to_string());
    }
    if let Some(r) = q.insured_partial_contribution_ratio {
        parts.push(format!("後期高齢 {}割", r.wari()));
    }
    if let Some(r) = q
        .elderly_recipient
        .as_ref()
        .and_then(|e| e.contribution_ratio)
    {
        parts.push(format!("高齢受給者 {}割", r.wari()));
    }
    if q.preschool_classification.is_some() {
        parts.push("未就学".into());
    }
    if let Some(l) = q
        .limit_certificate
        .as_ref()
        .and_then(|l| l.classification_flag.clone())
    {
        parts.push(format!("限度額 {}（{}）", l.wire(), l.label()));
    }
    for d in &q.specific_diseases {
        if let Some(c) = &d.category {
            parts.push(format!("特定疾病 {}", c.label()));
        }
    }
    parts.join("  ")
}

pub(crate) fn query_for(p: &Person) -> QualificationQuery {
    p.query()
}

pub(crate) fn summary(r: &QualificationResponse) -> String {
    let b = &r.body;
    match (&b.outcome.status, &b.qualification_validity) {
        (Some(onshi::codes::ProcessingResultStatus::Error), _) => format!(
            "エラー {} {}",
            b.outcome.code.as_deref().unwrap_or(""),
            b.outcome.message.as_deref().unwrap_or("")
        ),
        (_, Some(v)) => format!(
            "資格有効性 {}{}",
            v.label(),
            b.results
                .first()
                .map(|q| format!("  {}", describe(q)))
                .unwrap_or_default()
        ),
        _ => "—".into(),
    }
}

/// The drug names of a 薬剤情報 document body.
pub(crate) fn drug_lines(body: &[onshi::model::UnknownElement]) -> Vec<String> {
    fn walk(e: &onshi::model::UnknownElement, out: &mut Vec<String>) {
        if e.name == "DrugN"
            && let Some(t) = &e.text
        {
            out.push(t.clone());
        }
        for c in &e.children {
            walk(c, out);
        }
    }
    let mut out = Vec::new();
    for e in body {
        walk(e, &mut out);
    }
    out
}
