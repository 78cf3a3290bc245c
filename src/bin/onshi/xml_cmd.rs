//! `onshi parse`, `onshi validate`, `onshi request individual`.
//!
//! # `onshi parse FILE [--redact] [--decrypt-command PROG]` — JSON on stdout
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "file": { "name": "OQSsiquc01res_202504010001.xml", "family": "individual",
//!             "family_label": "資格確認（個別照会）", "prefix": "OQSsiquc", "phase": "upload",
//!             "direction": "response", "suffix": "202504010001", "extension": "xml",
//!             "is_face": false, "face": null, "kind": "qualification_response",
//!             "modelled": true, "in_scope": true },
//!   "encoding": "utf8",
//!   "message": { "type": "qualification_response", "header": { … }, "body": { … } },
//!   "warnings": [ { "kind": "invalid_value", "path": "/XmlMsg/MessageBody/…/InsuredCardExpirationDate",
//!                   "line": 9, "column": 7, "value": "99999999", "expected": "a date yyyyMMdd" } ]
//! }
//! ```
//!
//! * `file` is what the file name says (`null` when the name is not an interface name):
//!   every prefix of 2026 is a family, also those whose body is not modelled
//!   (`"modelled": false`: the body is kept whole as `{"type": "unmodelled", …}`) and the
//!   out-of-scope 電子処方箋 (`"in_scope": false`);
//! * `encoding` is `"utf8"` or `"shift_jis"` (`null` for a PDF or ZIP);
//! * `message` is the library's [`Message`] in its serde form: `type` is the kind
//!   (`qualification_request`, `qualification_response`, `reference_number_request`,
//!   `reference_number_response`, `bulk_upload_response`, `bulk_download_request`,
//!   `bulk_qualification_response`, `document_request`, `document_response`), fields in
//!   `snake_case`, dates `YYYY-MM-DD`, date-times `YYYY-MM-DDTHH:MM:SS`, codes as their wire
//!   values, absent fields omitted, unmodelled elements under `extra…` as
//!   `{name, attributes, text, children}`. A `.err` file gives
//!   `{"type": "error_report", "text": …}`, a `.pdf` `{"type": "pdf", "bytes": N}`, a `.zip`
//!   `{"type": "zip", "bytes": N}` (a zipped bulk result: the XML inside it, checked, as
//!   `message`, and a top-level `"zip": {"entry", "bytes"}`), a `.png`
//!   `{"type": "png", "bytes": N}`.
//!
//! A file that is not XML (the terminal encrypts it: `encrypt.conf`) is decrypted with
//! `--decrypt-command PROGRAM [--decrypt-arg ARG]…` when given; without it, exit 1 with
//! `FILE:1:1: not XML …` and the staff text naming the setting and the prefix.
//!
//! `--redact` replaces personal values by their length class (`‹8 chars›`): every field
//! named `name`, `name_kana`, `name_of_other`, `name_of_other_kana`, `insured_name`,
//! `address`, `post_number`, `birthdate`, `insured_card_symbol`,
//! `insured_identification_number`, `insured_branch_number`, `reference_number`,
//! `arbitrary_identifier`, `injury_names`, `remarks`, `district_contact_name`,
//! `handling_contact_name`; the text and attribute values of every unmodelled element
//! (whose content is not known to be harmless; their element names stay); and the whole text
//! of an `.err` file (it may quote the request).
//!
//! The file is read once, into one buffer sized from its length; the parse reads that buffer
//! in place (UTF-8 text borrowed, Shift_JIS decoded token by token), and the JSON is
//! serialized straight from the parsed document to stdout (see `parse_json.rs`): no
//! whole-document string or JSON tree, with or without `--redact`.
//!
//! * `warnings` lists what reading tolerated instead of refusing the file, in document order:
//!   a leaf whose value its field does not hold (`kind` `invalid_value`: kept as received
//!   among the record's unmodelled elements, so a write reproduces it; `value` is the text,
//!   `expected` what the field holds), a list in its flat form (`flat_list`). Such a file
//!   exits 0; structure, encoding and hostile input stay errors. `--redact` masks `value`.
//!
//! On bad input: exit 1 and `FILE:LINE:COL: message` on stderr. When stdout cannot be
//! written (a closed pipe, a full disk): exit 1 and `onshi: cannot write to stdout (…)`.
//!
//! # `onshi validate FILE`
//!
//! Prints one line per finding, `FILE:LINE:COL: warning|error: message (element path)`,
//! then a count; exit 1 when there is an error (or the file cannot be read).
//!
//! # `onshi request individual …`
//!
//! Writes a 個別照会 request `OQSsiquc01req_<yyyyMMddHHmmss><NN>.xml` (Japan time, `NN` a
//! sequence that avoids existing files) into `--out` (default `.`), written to a temporary
//! name first and renamed, and prints its path.

use crate::card_flags::CardFlags;
use chrono::{NaiveDate, NaiveDateTime};
use clap::{Args, Subcommand};
use onshi::ids::{MedicalInstitutionCode, Mode};
use onshi::personal::redact;
use onshi::xml::{
    self, Encoding, Extension, Family, FileName, IndividualQuery, Limits, Message, Phase,
    QualificationRequest, Severity, XmlError,
};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::parse_json::{Output, ZipInfo, write_json};

/// Arguments of `onshi parse`.
#[derive(Args)]
pub struct ParseArgs {
    /// The file (req/res/face XML, `.err`, `.pdf`).
    file: PathBuf,
    /// Mask personal data (names, kana, address, postal code, birthdate, card numbers,
    /// reference number, unmodelled content).
    #[arg(long)]
    redact: bool,
    #[command(flatten)]
    hooks: crate::terminal_cmd::HookArgs,
}

/// Arguments of `onshi validate`.
#[derive(Args)]
pub struct ValidateArgs {
    /// The file to check.
    file: PathBuf,
}

/// Arguments of `onshi request`.
#[derive(Args)]
pub struct RequestArgs {
    #[command(subcommand)]
    kind: RequestKind,
}

#[derive(Subcommand)]
enum RequestKind {
    /// 個別照会 (OQSsiquc01req): eligibility of one insurance card.
    Individual(IndividualArgs),
}

#[derive(Args)]
struct IndividualArgs {
    /// 医療機関コード (10 digits).
    #[arg(long)]
    institution: String,
    #[command(flatten)]
    card: CardFlags,
    /// 生年月日, YYYYMMDD.
    #[arg(long)]
    birthdate: String,
    /// 資格確認日, YYYYMMDD (default: today in Japan).
    #[arg(long)]
    date: Option<String>,
    /// Encoding of the file: utf8 or sjis.
    #[arg(long, default_value = "utf8")]
    encoding: String,
    /// Folder to write into (the terminal's `req` folder).
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// 任意のファイル識別子 (≤ 50 characters; default: the file name's suffix).
    #[arg(long)]
    id: Option<String>,
    /// The patient agrees to share 限度額適用認定証 information (sends 1; default 0).
    #[arg(long)]
    limit_consent: bool,
    /// Do not check the check digit (検証番号) and prefecture digits.
    #[arg(long)]
    lenient: bool,
}

/// Writes a line to stdout; a closed pipe (`onshi parse … | head`) is not an error.
fn out(line: &str) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    let _ = writeln!(o, "{line}");
}

/// `FILE:LINE:COL: message` for an error about the input (never a panic, also when stderr
/// is a closed pipe) and, for an encrypted file, the staff text naming the setting and the
/// prefix.
fn report(file: &Path, e: &XmlError) {
    let (line, col) = e.location().map_or((1, 1), |l| (l.line, l.column));
    let mut err = std::io::stderr();
    let _ = writeln!(err, "{}:{line}:{col}: {}", file.display(), e.message());
    if matches!(e, XmlError::Encrypted { .. }) {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = FileName::parse(&name)
            .map(|n| n.written_prefix().to_string())
            .unwrap_or_default();
        let _ = writeln!(
            err,
            "{}（{prefix} {name}）",
            onshi::terminal::cipher::ENCRYPTED_JA
        );
    }
}

/// The bytes to parse: decrypted by `--decrypt-command` when they are not XML.
fn decrypted(
    file: &Path,
    bytes: Vec<u8>,
    hooks: &crate::terminal_cmd::HookArgs,
) -> Result<Vec<u8>, ExitCode> {
    if xml::sniff(&bytes) != xml::Sniff::NotXml {
        return Ok(bytes);
    }
    let Some(c) = hooks.cipher() else {
        return Ok(bytes);
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match c.decrypt(&name, &bytes) {
        Ok(b) => Ok(b),
        Err(e) => {
            let mut err = std::io::stderr();
            let _ = writeln!(
                err,
                "{}:1:1: the decryption command failed: {e}",
                file.display()
            );
            let _ = writeln!(
                err,
                "暗号化されたファイルを復号できませんでした。レセコンベンダーの復号モジュールの設定を確認してください。"
            );
            Err(ExitCode::from(1))
        }
    }
}

fn read(file: &Path) -> Result<Vec<u8>, ExitCode> {
    // A regular file only, opened without blocking, read within the limit.
    xml::read_file(file, &Limits::default()).map_err(|e| {
        eprintln!("{}:1:1: cannot read: {e}", file.display());
        ExitCode::from(1)
    })
}

fn file_name(file: &Path) -> Option<FileName> {
    FileName::parse(&file.file_name()?.to_string_lossy()).ok()
}

/// What stands for a file that is not XML.
#[derive(serde::Serialize)]
struct Opaque {
    #[serde(rename = "type")]
    kind: &'static str,
    bytes: usize,
}

/// An `.err` file.
#[derive(serde::Serialize)]
struct ErrorReport<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    text: &'a str,
}

/// `onshi parse`.
pub fn parse(args: ParseArgs) -> ExitCode {
    let bytes = match read(&args.file) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let name = file_name(&args.file);
    let ext = name.as_ref().map(|n| n.extension).or_else(|| {
        match args
            .file
            .extension()?
            .to_string_lossy()
            .to_ascii_lowercase()
            .as_str()
        {
            "err" => Some(Extension::Err),
            "pdf" => Some(Extension::Pdf),
            "zip" => Some(Extension::Zip),
            "png" => Some(Extension::Png),
            _ => None,
        }
    });
    let file = name.as_ref().map(FileName::info);
    match ext {
        Some(Extension::Pdf | Extension::Png) => {
            let kind = if ext == Some(Extension::Pdf) {
                "pdf"
            } else {
                "png"
            };
            let message = Opaque {
                kind,
                bytes: bytes.len(),
            };
            drop(bytes);
            print_json(&output(file, None, &message, &[]), args.redact)
        }
        Some(Extension::Zip) => match name.as_ref().filter(|n| n.family.is_bulk()) {
            // A zipped bulk result: the one XML inside, checked as the client checks it.
            Some(n) => parse_zipped(&args, n, file, &bytes),
            None => {
                let message = Opaque {
                    kind: "zip",
                    bytes: bytes.len(),
                };
                print_json(&output(file, None, &message, &[]), args.redact)
            }
        },
        Some(Extension::Err) => match xml::decode_text(&bytes) {
            Ok((text, enc)) => {
                // An `.err` may quote the request (names, numbers, birthdates).
                let text = if args.redact { redact(&text) } else { text };
                let message = ErrorReport {
                    kind: "error_report",
                    text: &text,
                };
                print_json(&output(file, Some(enc), &message, &[]), args.redact)
            }
            Err(e) => {
                report(&args.file, &e);
                ExitCode::from(1)
            }
        },
        _ => {
            let bytes = match decrypted(&args.file, bytes, &args.hooks) {
                Ok(b) => b,
                Err(code) => return code,
            };
            let limits = Limits::default();
            let doc = match &name {
                Some(n) => xml::parse_file(n, &bytes, &limits),
                None => xml::parse_with(&bytes, &limits),
            };
            match doc {
                // Serialized straight from the parsed message, fields in spec order.
                Ok(doc) => print_json(
                    &output(file, Some(doc.encoding), &doc.message, &doc.warnings),
                    args.redact,
                ),
                Err(e) => {
                    report(&args.file, &e);
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// `onshi parse` of a zipped bulk result: the entry checked and read as the client reads it,
/// decrypted when needed, printed with `"zip": {"entry", "bytes"}`.
fn parse_zipped(
    args: &ParseArgs,
    n: &FileName,
    file: Option<xml::FileInfo>,
    bytes: &[u8],
) -> ExitCode {
    let limits = Limits::default();
    let (entry, xml_bytes) =
        match onshi::terminal::unzip_result(bytes, n.family, limits.max_bytes as u64) {
            Ok(v) => v,
            Err(refusal) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "{}:1:1: zipped result refused: {refusal}",
                    args.file.display()
                );
                return ExitCode::from(1);
            }
        };
    let xml_bytes = match decrypted(Path::new(&entry), xml_bytes, &args.hooks) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let doc = match FileName::parse(&entry) {
        Ok(i) => xml::parse_file(&i, &xml_bytes, &limits),
        Err(_) => xml::parse_with(&xml_bytes, &limits),
    };
    match doc {
        Ok(doc) => {
            let mut out = output(file, Some(doc.encoding), &doc.message, &doc.warnings);
            out.zip = Some(ZipInfo {
                entry: &entry,
                bytes: bytes.len(),
            });
            print_json(&out, args.redact)
        }
        Err(e) => {
            report(&args.file, &e);
            ExitCode::from(1)
        }
    }
}

fn output<'a, M: serde::Serialize>(
    file: Option<xml::FileInfo>,
    encoding: Option<Encoding>,
    message: &'a M,
    warnings: &'a [xml::Warning],
) -> Output<'a, M> {
    Output {
        schema_version: 1,
        file,
        encoding,
        message,
        warnings,
        zip: None,
    }
}

/// Streams `v` as JSON to stdout. A closed pipe (`onshi parse … | head`), a full disk, any
/// write error ends the command with exit 1 and one line on stderr.
fn print_json<T: serde::Serialize>(v: &T, redact: bool) -> ExitCode {
    let stdout = std::io::stdout();
    let mut w = BufWriter::with_capacity(1 << 16, stdout.lock());
    match write_json(&mut w, v, redact).and_then(|()| w.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Not eprintln!: it panics when stderr is a closed pipe too.
            let _ = writeln!(std::io::stderr(), "onshi: cannot write to stdout ({e})");
            ExitCode::from(1)
        }
    }
}

/// `onshi validate`.
pub fn validate(args: ValidateArgs) -> ExitCode {
    let bytes = match read(&args.file) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let name = file_name(&args.file);
    if let Some(n) = &name
        && n.extension != Extension::Xml
    {
        out(&format!(
            "{}: not an XML message ({:?}): nothing to validate",
            args.file.display(),
            n.extension
        ));
        return ExitCode::SUCCESS;
    }
    let limits = Limits::default();
    let doc = match &name {
        Some(n) => xml::parse_file(n, &bytes, &limits),
        None => xml::parse_with(&bytes, &limits),
    };
    let doc = match doc {
        Ok(d) => d,
        Err(e) => {
            let (line, col) = e.location().map_or((1, 1), |l| (l.line, l.column));
            eprintln!(
                "{}:{line}:{col}: error: {}",
                args.file.display(),
                e.message()
            );
            return ExitCode::from(1);
        }
    };
    let findings = xml::validate(&doc);
    let mut errors = 0;
    for f in &findings {
        if f.severity == Severity::Error {
            errors += 1;
        }
        let (line, col) = xml::locate(&bytes, &f.path).map_or((1, 1), |l| (l.line, l.column));
        out(&format!(
            "{}:{line}:{col}: {}: {} ({})",
            args.file.display(),
            f.severity,
            f.message,
            f.path
        ));
    }
    out(&format!(
        "{}: {} ({}): {errors} error(s), {} warning(s)",
        args.file.display(),
        doc.message.kind_label(),
        match doc.encoding {
            Encoding::Utf8 => "UTF-8",
            Encoding::ShiftJis => "Shift_JIS",
        },
        findings.len() - errors
    ));
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The current time in Japan (JST, UTC+9); the CLI is the one place that reads the clock.
fn now_jst() -> NaiveDateTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let secs = i64::try_from(secs).unwrap_or(0) + 9 * 3600;
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.naive_utc())
        .unwrap_or_default()
}

fn date_arg(flag: &str, s: &str) -> Result<NaiveDate, String> {
    let digits: String = s.chars().filter(|c| *c != '-' && *c != '/').collect();
    NaiveDate::parse_from_str(&digits, "%Y%m%d")
        .ok()
        .filter(|_| digits.len() == 8)
        .ok_or_else(|| format!("--{flag}: not a date YYYYMMDD"))
}

fn build(
    a: &IndividualArgs,
    now: NaiveDateTime,
    suffix: &str,
) -> Result<QualificationRequest, String> {
    let mode = if a.lenient {
        Mode::Lenient
    } else {
        Mode::Strict
    };
    let institution = MedicalInstitutionCode::parse(&a.institution, mode)
        .map_err(|e| format!("--institution: {e}"))?;
    let (insurer, symbol, number, branch) = a.card.parts(mode)?;
    let birthdate = date_arg("birthdate", &a.birthdate)?;
    let date = match &a.date {
        Some(d) => date_arg("date", d)?,
        None => now.date(),
    };
    if birthdate > date {
        return Err("--birthdate: after the 資格確認日".into());
    }
    let id = a.id.clone().unwrap_or_else(|| suffix.to_string());
    if id.chars().count() > 50 {
        return Err("--id: at most 50 characters".into());
    }
    if id.chars().any(char::is_control) {
        return Err("--id: control characters are not allowed".into());
    }
    Ok(QualificationRequest::individual(IndividualQuery {
        institution,
        insurer,
        symbol,
        number,
        branch,
        birthdate,
        date,
        file_identifier: Some(id),
        limit_consent: a.limit_consent,
    }))
}

/// `onshi request …`.
pub fn request(args: RequestArgs) -> ExitCode {
    let RequestKind::Individual(a) = args.kind;
    let Some(encoding) = (match a.encoding.to_ascii_lowercase().as_str() {
        "sjis" => Some(Encoding::ShiftJis),
        other => Encoding::from_label(other),
    }) else {
        eprintln!("onshi: --encoding: expected utf8 or sjis");
        return ExitCode::from(2);
    };
    let now = now_jst();
    let stamp = now.format("%Y%m%d%H%M%S").to_string();
    // Pick the first free sequence number for this second.
    let mut chosen = None;
    for seq in 1..100 {
        let suffix = format!("{stamp}{seq:02}");
        let name = match FileName::request(Family::Individual, Phase::Upload, &suffix) {
            Ok(n) => n,
            Err(e) => {
                eprintln!("onshi: {e}");
                return ExitCode::from(1);
            }
        };
        let path = a.out.join(name.to_string());
        if !path.exists() {
            chosen = Some((suffix, path));
            break;
        }
    }
    let Some((suffix, path)) = chosen else {
        eprintln!(
            "onshi: 99 requests already written this second in {}",
            a.out.display()
        );
        return ExitCode::from(1);
    };
    let req = match build(&a, now, &suffix) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("onshi: {e}");
            return ExitCode::from(1);
        }
    };
    let bytes = match xml::write(&Message::QualificationRequest(req), encoding) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("onshi: {e}");
            return ExitCode::from(1);
        }
    };
    let tmp = a.out.join(format!(".{suffix}.tmp"));
    let written = std::fs::write(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, &path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        eprintln!("onshi: cannot write into {}: {e}", a.out.display());
        return ExitCode::from(1);
    }
    out(&path.display().to_string());
    ExitCode::SUCCESS
}
