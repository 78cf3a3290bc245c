//! `onshi diff REGISTERED RETURNED [--date YYYYMMDD] [--json] [--public-expense]`.
//!
//! Each argument is a qualification record as JSON (the library's record schema) or a result
//! XML file. XML is recognized by its first non-blank character (`<`) and read by
//! [`load_xml`]: its first `ResultOfQualificationConfirmation` with the body-level
//! 処理結果状況 / 資格有効性, so a result that is not 有効 or holds no record gives
//! `not_confirmed`. With `--public-expense` the records are 公費 (`PublicExpense` JSON), and a
//! result XML gives its PMH data: none for the registered 公費 is `unknown` (never 失効).

use chrono::NaiveDate;
use clap::Args;
use onshi::codes::{ProcessingResultStatus, QualificationValidity};
use onshi::diff::{self, Action, Class, Diff, DiffContext, QueryKind, Record, Returned, Verdict};
use onshi::model::ConfirmationResult;
use onshi::model::{MessageHeader, PublicExpense, Qualification};
use serde::Serialize;
use std::io::IsTerminal;
use std::process::ExitCode;

/// Arguments of `onshi diff`.
#[derive(Args)]
pub struct DiffArgs {
    /// The clinic's record: a qualification JSON file (or a result XML file).
    registered: std::path::PathBuf,
    /// The terminal's answer: a result XML file or a qualification JSON file.
    returned: std::path::PathBuf,
    /// 資格確認日 (YYYYMMDD); default: today in Japan.
    #[arg(long, value_parser = parse_date)]
    date: Option<NaiveDate>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Compare a 公費 (PMH): REGISTERED is a 公費 JSON record; RETURNED a result XML (its PMH
    /// data) or a 公費 JSON record.
    #[arg(long)]
    public_expense: bool,
    /// What the patient presented (my_number_card, qualification_certificate,
    /// other_document …): the advice that depends on it (お知らせ alone, the 後期高齢
    /// 資格確認書 without an address …).
    #[arg(long, value_parser = crate::report_cmd::parse_presentation)]
    presentation: Option<onshi::reception::Presentation>,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y%m%d")
        .map_err(|_| format!("expected YYYYMMDD, got {:?}", s))
}

/// One side of the comparison as read from a file: the body-level outcome and the records.
#[derive(Default)]
pub struct Loaded {
    /// 処理結果状況.
    pub status: Option<ProcessingResultStatus>,
    /// 処理結果コード.
    pub result_code: Option<String>,
    /// 処理結果メッセージ.
    pub result_message: Option<String>,
    /// 資格有効性.
    pub validity: Option<QualificationValidity>,
    /// The records (`ResultList`), in document order.
    pub records: Vec<Qualification>,
    /// The 公費 PMH sent with them (or the one 公費 of a JSON file).
    pub public_expenses: Vec<PublicExpense>,
    /// 照会区分, when the file says.
    pub query_kind: Option<QueryKind>,
}

impl Loaded {
    fn returned(&self) -> Returned<'_> {
        self.returned_of(&self.records)
    }

    fn returned_of<'a, R>(&'a self, records: &'a [R]) -> Returned<'a, R> {
        Returned {
            status: self.status.as_ref(),
            result_code: self.result_code.as_deref(),
            result_message: self.result_message.as_deref(),
            validity: self.validity.as_ref(),
            records,
        }
    }
}

/// Reads a result XML file (UTF-8 or Shift_JIS): its first answer (`MessageBody`, or the
/// first `BulkConfirmUnit`) with the header's 照会区分. A file of another kind is an error.
fn load_xml(bytes: &[u8]) -> Result<Loaded, String> {
    use onshi::xml::Message;
    let doc = onshi::xml::parse(bytes).map_err(|e| e.to_string())?;
    match doc.message {
        Message::QualificationResponse(r) => Ok(from_response(&r.header, &r.body)),
        Message::BulkQualificationResponse(b) => b
            .units
            .first()
            .map(|u| from_response(&b.header, u))
            .ok_or_else(|| "the bulk result holds no BulkConfirmUnit".to_string()),
        other => Err(format!(
            "not a qualification result ({}); give a 資格確認結果 or a qualification JSON record",
            other.kind_label()
        )),
    }
}

/// One answer of a parsed result as a [`Loaded`].
fn from_response(header: &MessageHeader, body: &ConfirmationResult) -> Loaded {
    Loaded {
        status: body.outcome.status.clone(),
        result_code: body.outcome.code.clone(),
        result_message: body.outcome.message.clone(),
        validity: body.qualification_validity.clone(),
        records: body.results.clone(),
        public_expenses: Returned::public_expenses(body).records.to_vec(),
        query_kind: header
            .reference_classification
            .as_ref()
            .map(QueryKind::from_reference_classification),
    }
}

fn load(path: &std::path::Path, public_expense: bool) -> Result<Loaded, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'<') {
        return load_xml(&bytes).map_err(|e| format!("{}: {e}", path.display()));
    }
    let text =
        std::str::from_utf8(body).map_err(|_| format!("{}: not UTF-8 JSON", path.display()))?;
    // serde_json's message names the line and column, never the value.
    if public_expense {
        let record = PublicExpense::from_json(text)
            .map_err(|e| format!("{}: not a 公費 record: {e}", path.display()))?;
        return Ok(Loaded {
            public_expenses: vec![record],
            ..Loaded::default()
        });
    }
    let record = Qualification::from_json(text)
        .map_err(|e| format!("{}: not a qualification record: {e}", path.display()))?;
    Ok(Loaded {
        records: vec![record],
        ..Loaded::default()
    })
}

/// Today's date in Japan (UTC+9, no daylight saving), from the system clock.
fn today_in_japan() -> NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs + 9 * 3600) / 86_400;
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(days)))
        .unwrap_or_default()
}

#[derive(Serialize)]
struct JsonField<'a, F> {
    field: F,
    label: &'a str,
    class: Class,
    reasons: &'a [onshi::text::Reason],
    advice: diff::Advice,
    action: Action,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonOut<'a, F> {
    kind: diff::RecordKind,
    verdict: Verdict,
    verdict_label: &'static str,
    confirmation_date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_confirmed: Option<&'a diff::NotConfirmed>,
    notices: &'a [diff::Notice],
    fields: Vec<JsonField<'a, F>>,
}

fn json_out<R: Record>(d: &Diff<R::Field>) -> String {
    let out = JsonOut {
        kind: R::KIND,
        verdict: d.verdict,
        verdict_label: d.verdict.label(),
        confirmation_date: d.context.confirmation_date,
        not_confirmed: d.not_confirmed.as_ref(),
        notices: &d.notices,
        fields: d
            .fields
            .iter()
            .map(|f| JsonField {
                field: f.field,
                label: &f.label,
                class: f.class,
                reasons: &f.reasons,
                advice: f.advice,
                action: f.action,
                message: &f.message,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&out).unwrap_or_default()
}

struct Paint(bool);

impl Paint {
    fn color(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn action(&self, a: Action, s: &str) -> String {
        let code = match a {
            Action::Ignore => "2",
            Action::KeepRegistered => "36",
            Action::Reflect => "33",
            Action::NewQualification => "35",
            Action::VerifyIdentity => "1;31",
        };
        self.color(code, s)
    }
}

fn table_out<R: Record>(
    d: &Diff<R::Field>,
    registered: &R,
    returned: Option<&R>,
    paint: &Paint,
) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let verdict_code = match d.verdict {
        Verdict::Identical => "32",
        Verdict::UpdateRecommended | Verdict::Unknown => "33",
        Verdict::NewQualification => "35",
        Verdict::VerifyIdentity | Verdict::NotConfirmed => "1;31",
    };
    let _ = writeln!(
        s,
        "判定: {} ({})  資格確認日: {}",
        paint.color(verdict_code, d.verdict.label()),
        serde_plain(&d.verdict),
        d.context.confirmation_date.format("%Y-%m-%d")
    );
    if let Some(nc) = &d.not_confirmed {
        let _ = writeln!(s, "\n{}", paint.color("1;31", &nc.label));
        if let Some(m) = &nc.result_message {
            let code = nc.result_code.as_deref().unwrap_or("");
            let _ = writeln!(s, "  処理結果: {code} {m}");
        }
        let _ = writeln!(s, "  考えられる原因:");
        for c in &nc.possible_causes {
            let _ = writeln!(s, "   ・{c}");
        }
        let _ = writeln!(s, "  対応:");
        for c in &nc.next_steps {
            let _ = writeln!(s, "   ・{c}");
        }
    }
    for n in &d.notices {
        let _ = writeln!(s, "\n※ {}", n.message);
        if let Some(detail) = &n.detail {
            let _ = writeln!(s, "   {detail}");
        }
    }
    if !d.fields.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{}",
            paint.color("1", "項目 | 区分 | 登録値 | 返却値 | 推奨")
        );
    }
    let empty = R::default();
    let ret = returned.unwrap_or(&empty);
    for f in &d.fields {
        let reg = R::field_display(f.field, registered).unwrap_or_else(|| "—".into());
        let got = R::field_display(f.field, ret).unwrap_or_else(|| "—".into());
        let reasons = if f.reasons.is_empty() {
            String::new()
        } else {
            let r: Vec<&str> = f.reasons.iter().map(|r| r.label()).collect();
            format!("（{}）", r.join("・"))
        };
        let _ = writeln!(
            s,
            "{} | {}{} | {} | {} | {}",
            f.label,
            f.class.label(),
            reasons,
            reg,
            got,
            paint.action(f.action, f.action.label())
        );
        if !matches!(f.class, Class::Same) {
            let _ = writeln!(s, "    {}", f.message);
        }
    }
    s
}

fn serde_plain<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Compares and prints one kind of record.
fn show<R: Record>(registered: &R, answer: &Returned<'_, R>, ctx: &DiffContext, json: bool) {
    let d = diff::compare(registered, answer, ctx);
    let compared = d.record(answer);
    if json {
        println!("{}", json_out::<R>(&d));
    } else {
        let paint = Paint(std::io::stdout().is_terminal());
        print!("{}", table_out(&d, registered, compared, &paint));
    }
}

/// Runs `onshi diff`: exit 0 with the comparison, 1 when an input cannot be read.
pub fn diff(args: DiffArgs) -> ExitCode {
    let pe = args.public_expense;
    let (registered, returned) = match (load(&args.registered, pe), load(&args.returned, pe)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("onshi: {e}");
            return ExitCode::from(1);
        }
    };
    let date = args.date.unwrap_or_else(today_in_japan);
    let ctx = DiffContext::new(date, returned.query_kind.unwrap_or(QueryKind::Records))
        .with_presentation(args.presentation);
    if pe {
        let Some(registered_record) = registered.public_expenses.first() else {
            eprintln!("onshi: {}: holds no 公費 record", args.registered.display());
            return ExitCode::from(1);
        };
        let answer = returned.returned_of(&returned.public_expenses);
        show(registered_record, &answer, &ctx, args.json);
        return ExitCode::SUCCESS;
    }
    let Some(registered_record) = registered.records.first() else {
        eprintln!(
            "onshi: {}: holds no qualification record",
            args.registered.display()
        );
        return ExitCode::from(1);
    };
    show(registered_record, &returned.returned(), &ctx, args.json);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use onshi::model::ProcessingOutcome;

    #[test]
    fn a_not_found_result_body_compares_as_not_confirmed() {
        let header = MessageHeader {
            reference_classification: Some(onshi::codes::ReferenceClassification::InsuranceCard),
            ..MessageHeader::default()
        };
        let body = ConfirmationResult {
            outcome: ProcessingOutcome {
                status: Some(ProcessingResultStatus::Normal),
                ..Default::default()
            },
            qualification_validity: Some(QualificationValidity::NotFound),
            ..ConfirmationResult::default()
        };
        let loaded = from_response(&header, &body);
        assert_eq!(loaded.query_kind, Some(QueryKind::InsuranceCard));
        let date = NaiveDate::from_ymd_opt(2025, 4, 10).unwrap();
        let ctx = DiffContext::new(date, QueryKind::InsuranceCard);
        let d = diff::compare(&Qualification::default(), &loaded.returned(), &ctx);
        assert_eq!(d.verdict, Verdict::NotConfirmed);
        let json = json_out::<Qualification>(&d);
        assert!(json.contains("\"verdict\": \"not_confirmed\""), "{json}");
        assert!(json.contains("該当資格なし"), "{json}");
    }

    #[test]
    fn a_request_xml_is_refused_with_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("req.xml");
        std::fs::write(
            &p,
            "\u{feff}<?xml version=\"1.0\"?><XmlMsg><MessageHeader><MedicalInstitutionCode>1312345679</MedicalInstitutionCode></MessageHeader><MessageBody><QualificationConfirmSearchInfo><InsuredIdentificationNumber>1</InsuredIdentificationNumber></QualificationConfirmSearchInfo></MessageBody></XmlMsg>",
        )
        .unwrap();
        let err = load(&p, false).err().unwrap();
        assert!(err.contains("not a qualification result"), "{err}");
    }

    #[test]
    fn a_result_without_pmh_data_is_unknown_for_a_registered_public_expense() {
        let body = ConfirmationResult {
            results: vec![Qualification::default()],
            ..ConfirmationResult::default()
        };
        let loaded = from_response(&MessageHeader::default(), &body);
        let registered =
            PublicExpense::from_json(r#"{"payer_number":"54136015","recipient_number":"1234566"}"#)
                .unwrap();
        let ctx = DiffContext::new(
            NaiveDate::from_ymd_opt(2026, 5, 7).unwrap(),
            QueryKind::MyNumberCard,
        );
        let answer = loaded.returned_of(&loaded.public_expenses);
        let d = diff::compare(&registered, &answer, &ctx);
        assert_eq!(d.verdict, Verdict::Unknown);
        let json = json_out::<PublicExpense>(&d);
        assert!(json.contains("\"kind\": \"public_expense\""), "{json}");
        assert!(json.contains("紙の受給者証"), "{json}");
        let table = table_out(&d, &registered, None, &Paint(false));
        assert!(
            table.contains("不明（公費の情報が届いていません）"),
            "{table}"
        );
    }
}
