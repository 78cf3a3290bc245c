//! `onshi emulate`, `onshi watch`, `onshi query`, `onshi bulk`, `onshi doctor`,
//! `onshi tickets`.
//!
//! Errors go to stderr twice: the staff text in Japanese, then `onshi: ` and the developer's
//! detail in English.

use crate::card_flags::CardFlags;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use onshi::Personal;
use onshi::codes::{
    Code, LimitConsentFlag, MedicalTreatmentFlag, ProcessingResultStatus, QualificationValidity,
};
use onshi::ids::{
    BranchNumber, CardNumber, CardSymbol, InsurerNumber, MedicalInstitutionCode, Mode,
};
use onshi::model::CardKey;
use onshi::model::{MessageHeader, QualificationQuery, ReferenceNumberRegistration};
use onshi::terminal::{
    Behaviour, BulkOptions, BulkProgress, Client, ClientOptions, CommandLine, Dataset,
    DoctorOptions, Emulator, EmulatorConfig, ExternalCommand, FaceEvent, FaceNames, FileCipher,
    Layout, ProcessedPolicy, TerminalError, now_jst,
};
use onshi::xml::{
    Encoding, Family, IndividualQuery, Message, QualificationRequest, ReferenceNumberRequest,
};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The vendor's decryption / encryption module as external programs (oqs-2026 §1.1: the
/// terminal may encrypt its files per prefix; onshi never implements a scheme).
#[derive(Args, Clone, Debug, Default)]
pub struct HookArgs {
    /// Program that decrypts a file the terminal encrypted (encrypt.conf): the file on its
    /// stdin, the XML on its stdout; ONSHI_FILE_NAME names the file. Non-zero exit = error.
    #[arg(long, value_name = "PROGRAM")]
    pub decrypt_command: Option<PathBuf>,
    /// An argument for --decrypt-command (repeat for several).
    #[arg(long = "decrypt-arg", value_name = "ARG", allow_hyphen_values = true)]
    pub decrypt_args: Vec<String>,
    /// Program that encrypts a file before it is written (the emulator's answers; the
    /// client's requests): stdin → stdout, like --decrypt-command.
    #[arg(long, value_name = "PROGRAM")]
    pub encrypt_command: Option<PathBuf>,
    /// An argument for --encrypt-command (repeat for several).
    #[arg(long = "encrypt-arg", value_name = "ARG", allow_hyphen_values = true)]
    pub encrypt_args: Vec<String>,
    /// Longest run of either program, in seconds (it is killed then).
    #[arg(long, value_name = "SECONDS", default_value_t = 20)]
    pub hook_timeout: u64,
}

impl HookArgs {
    /// The cipher these options describe (`None` without a program).
    pub fn cipher(&self) -> Option<Arc<dyn FileCipher>> {
        if self.decrypt_command.is_none() && self.encrypt_command.is_none() {
            return None;
        }
        let line = |p: &Option<PathBuf>, a: &[String]| {
            p.as_ref().map(|p| CommandLine {
                program: p.clone(),
                args: a.to_vec(),
            })
        };
        Some(Arc::new(ExternalCommand {
            decrypt: line(&self.decrypt_command, &self.decrypt_args),
            encrypt: line(&self.encrypt_command, &self.encrypt_args),
            timeout: Duration::from_secs(self.hook_timeout.max(1)),
        }))
    }

    /// Client options with this cipher (the hook may take its own timeout plus a margin).
    fn client_options(&self) -> ClientOptions {
        ClientOptions {
            cipher: self.cipher(),
            hook_timeout: Duration::from_secs(self.hook_timeout.max(1) + 5),
            ..ClientOptions::default()
        }
    }
}

/// How the emulator names face files.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FaceNamesArg {
    /// The terminal's: OQSsiquc01res_face_<code><20 hex>_<time>.xml.
    Terminal,
    /// A converter's: OQSsiquc01res_face_auto_<time>.xml.
    Auto,
    /// OQSsiquc01res_face_<time>.xml.
    TimeOnly,
}

/// Text encoding on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EncodingArg {
    /// UTF-8.
    Utf8,
    /// Shift_JIS (CP932).
    Sjis,
}

impl From<EncodingArg> for Encoding {
    fn from(e: EncodingArg) -> Encoding {
        match e {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Sjis => Encoding::ShiftJis,
        }
    }
}

/// What to do with processed files.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PolicyArg {
    /// Leave them (the journal remembers them).
    Leave,
    /// Move them to <root>/.onshi/archive.
    Archive,
    /// Delete them.
    Delete,
}

impl From<PolicyArg> for ProcessedPolicy {
    fn from(p: PolicyArg) -> ProcessedPolicy {
        match p {
            PolicyArg::Leave => ProcessedPolicy::Leave,
            PolicyArg::Archive => ProcessedPolicy::Archive,
            PolicyArg::Delete => ProcessedPolicy::Delete,
        }
    }
}

/// Arguments of `onshi emulate`.
#[derive(Args)]
pub struct EmulateArgs {
    /// The shared folder holding req/, res/ and face/ (created if missing).
    #[arg(long)]
    root: PathBuf,
    /// A JSON dataset of insured persons (default: the bundled demo dataset).
    #[arg(long)]
    dataset: Option<PathBuf>,
    /// Delay before each answer, in milliseconds.
    #[arg(long, default_value_t = 500)]
    delay_ms: u64,
    /// Encoding of answers.
    #[arg(long, value_enum, default_value = "utf8")]
    encoding: EncodingArg,
    /// Bulk downloads answer 処理中 this many times first.
    #[arg(long, default_value_t = 1)]
    processing_polls: u32,
    /// Keep the writer's element order (the real terminal scrambles it).
    #[arg(long)]
    ordered: bool,
    /// Play a terminal whose link program is not running (requests stay in req/).
    #[arg(long)]
    down: bool,
    /// Push the face-reader result of this person id into face/ and exit.
    #[arg(long, value_name = "PERSON_ID")]
    push_face: Option<String>,
    /// List the dataset's persons (id, 資格有効性, scenario, face-capable) and exit.
    #[arg(long, alias = "list-persons")]
    list: bool,
    /// With --list: one JSON object per line.
    #[arg(long, requires = "list")]
    json: bool,
    /// Write finished bulk download results zipped (…02res_….zip holding the XML).
    #[arg(long)]
    zip_bulk: bool,
    /// Write rejected requests and their .err into this subfolder of res/.
    #[arg(long, value_name = "NAME")]
    err_subfolder: Option<String>,
    /// The 処理結果区分 of finished bulk results instead of 1 (e.g. 3: test a client
    /// against a value it does not know).
    #[arg(long, value_name = "VALUE")]
    bulk_segment: Option<String>,
    /// How face files are named.
    #[arg(long, value_enum, default_value = "terminal")]
    face_names: FaceNamesArg,
    /// --encrypt-command encrypts every answer and face file ("encrypted" mode, for tests:
    /// the real terminal's scheme is the vendor's); --decrypt-command decrypts requests that
    /// are not XML.
    #[command(flatten)]
    hooks: HookArgs,
}

/// Prints a terminal error: the staff text (Japanese), then the developer's detail.
fn report(e: &TerminalError) {
    eprintln!("{}", e.message_ja());
    eprintln!("onshi: {e}");
}

fn load_dataset(path: &Option<PathBuf>) -> Result<Dataset, String> {
    match path {
        None => Ok(Dataset::demo()),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            Dataset::from_json(&text).map_err(|e| format!("{}: {e}", p.display()))
        }
    }
}

/// Runs the emulator until interrupted.
pub fn emulate(args: EmulateArgs) -> ExitCode {
    let dataset = match load_dataset(&args.dataset) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("onshi: {e}");
            return ExitCode::from(1);
        }
    };
    if args.list {
        let mut out = std::io::stdout().lock();
        for p in dataset.summaries() {
            let line = if args.json {
                serde_json::to_string(&p).unwrap_or_default()
            } else {
                format!(
                    "{}\t{}\t{}\t{}",
                    p.id,
                    p.validity.wire(),
                    if p.face { "face" } else { "-" },
                    p.label
                )
            };
            if writeln!(out, "{line}").is_err() {
                return ExitCode::from(1);
            }
        }
        return if out.flush().is_ok() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        };
    }
    let mut cfg = EmulatorConfig::new(&args.root);
    cfg.dataset = dataset;
    cfg.delay = Duration::from_millis(args.delay_ms);
    cfg.encoding = args.encoding.into();
    cfg.processing_polls = args.processing_polls;
    if args.ordered {
        cfg.shuffle_seed = None;
    }
    if args.down {
        cfg.behaviour = Behaviour::Down;
    }
    cfg.cipher = args.hooks.cipher();
    cfg.zip_bulk = args.zip_bulk;
    cfg.err_subfolder = args.err_subfolder.clone();
    cfg.bulk_segment = args.bulk_segment.clone();
    cfg.face_names = match args.face_names {
        FaceNamesArg::Terminal => FaceNames::Terminal,
        FaceNamesArg::Auto => FaceNames::Auto,
        FaceNamesArg::TimeOnly => FaceNames::TimeOnly,
    };
    if let Some(id) = args.push_face {
        // A face result needs no running emulator (one may be running on this root).
        return match onshi::terminal::emulator::push_face_into(&cfg, &id) {
            Ok(name) => {
                println!("{name}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                report(&e);
                ExitCode::from(1)
            }
        };
    }
    let emu = match Emulator::start(cfg) {
        Ok(e) => e,
        Err(e) => {
            report(&e);
            return ExitCode::from(1);
        }
    };
    eprintln!(
        "onshi: 資格確認端末エミュレーターを起動しました（{}、{} 人）。Ctrl-C で終了します。",
        args.root.display(),
        emu.dataset().persons.len()
    );
    eprintln!(
        "onshi: emulating the terminal at {} — Ctrl-C to stop",
        args.root.display()
    );
    let mut last = emu.stats();
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let s = emu.stats();
        if s != last {
            eprintln!(
                "onshi: taken {} answered {} rejected {} faces {} write retries {}",
                s.taken, s.answered, s.rejected, s.faces, s.write_failures
            );
            last = s;
        }
    }
}

/// Arguments of `onshi watch`.
#[derive(Args)]
pub struct WatchArgs {
    /// The shared folder holding req/, res/ and face/.
    #[arg(long)]
    root: PathBuf,
    /// What to do with a face file once its line was printed (default: leave it; the
    /// journal remembers it was delivered; a file that cannot be read is always left).
    #[arg(long, value_enum, default_value = "leave")]
    policy: PolicyArg,
    /// Print what is waiting and exit instead of watching.
    #[arg(long)]
    once: bool,
    #[command(flatten)]
    hooks: HookArgs,
}

/// Tells stderr about each file of face/ that is not a face result (once each).
fn report_skipped(client: &Client) {
    for f in client.skipped_faces() {
        eprintln!("{}", f.message_ja);
        eprintln!("onshi: face/{}: not a face result; not read", f.name);
    }
}

fn face_line(e: &FaceEvent) -> String {
    let mut v = match &e.result {
        Ok(r) => serde_json::json!({ "file": e.file_name, "result": r }),
        Err(err) => serde_json::json!({
            "file": e.file_name,
            "error": err.to_string(),
            "error_kind": err.kind,
            "message_ja": err.message_ja(&e.file_name),
        }),
    };
    if e.delivery > 1 {
        // Printed before but not acknowledged (a crash, a closed pipe): the file name is
        // the idempotency key.
        v["redelivery"] = serde_json::json!(e.delivery);
    }
    v.to_string()
}

/// Prints one event and acknowledges it only once its line was written and flushed. A
/// closed or broken stdout ends the command with an error; the event stays unacknowledged
/// and is printed again by the next `onshi watch`.
fn emit(client: &Client, out: &mut impl Write, e: &FaceEvent) -> Result<(), ExitCode> {
    let line = face_line(e);
    if let Err(io) = writeln!(out, "{line}").and_then(|_| out.flush()) {
        eprintln!(
            "標準出力に書き込めないため、顔認証の結果 {} を受け取り済みにしませんでした（次回の onshi watch で再度出力されます）。",
            e.file_name
        );
        eprintln!(
            "onshi: cannot write to stdout ({io}); {} not acknowledged",
            e.file_name
        );
        return Err(ExitCode::from(1));
    }
    if let Err(err) = client.ack_face(e) {
        report(&err);
        return Err(ExitCode::from(1));
    }
    Ok(())
}

/// `true` when stdout goes nowhere: closed when the program started (the Rust runtime then
/// points it at `/dev/null`) or redirected to `/dev/null`. Acknowledging results printed
/// there would lose them.
fn stdout_is_null() -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let out = std::io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .ok()
            .map(std::fs::File::from)
            .and_then(|f| f.metadata().ok());
        let null = std::fs::metadata("/dev/null").ok();
        if let (Some(o), Some(n)) = (out, null) {
            return o.rdev() == n.rdev() && o.ino() == n.ino() && o.dev() == n.dev();
        }
    }
    false
}

/// Prints face results as JSON lines, each acknowledged after its line was flushed (at least
/// once, across restarts too; never again once acknowledged).
pub fn watch(args: WatchArgs) -> ExitCode {
    if stdout_is_null() {
        eprintln!(
            "標準出力が閉じているか /dev/null のため、顔認証の結果を出力できません。何も受け取り済みにしていません。"
        );
        eprintln!(
            "onshi: stdout is closed or /dev/null: face results would be acknowledged without being seen; nothing acknowledged"
        );
        return ExitCode::from(1);
    }
    let opts = ClientOptions {
        face_processed: args.policy.into(),
        ..args.hooks.client_options()
    };
    let client = match Client::open(Layout::new(&args.root), opts) {
        Ok(c) => c,
        Err(e) => {
            report(&e);
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout().lock();
    if args.once {
        loop {
            let polled = client.poll_face();
            report_skipped(&client);
            match polled {
                Ok(batch) if batch.is_empty() => return ExitCode::SUCCESS,
                Ok(batch) => {
                    for e in &batch {
                        if let Err(code) = emit(&client, &mut out, e) {
                            return code;
                        }
                    }
                }
                Err(e) => {
                    report(&e);
                    return ExitCode::from(1);
                }
            }
        }
    }
    eprintln!(
        "onshi: watching {} for face results — Ctrl-C to stop",
        args.root.display()
    );
    // A fault (unreadable face/, journal not writable …) is reported when it starts and
    // every minute while it lasts; watching goes on, since a share may come back.
    let mut fault: Option<(String, std::time::Instant)> = None;
    loop {
        let next = client.next_face(Duration::from_secs(1));
        report_skipped(&client);
        match next {
            Ok(Some(e)) => {
                if fault.take().is_some() {
                    eprintln!("onshi: face results are readable again");
                }
                if let Err(code) = emit(&client, &mut out, &e) {
                    return code;
                }
            }
            Ok(None) => {}
            Err(e) => {
                let text = e.to_string();
                let again = fault
                    .as_ref()
                    .is_none_or(|(t, at)| *t != text || at.elapsed() >= Duration::from_secs(60));
                if again {
                    report(&e);
                    fault = Some((text, std::time::Instant::now()));
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

/// The card and patient of a 個別照会: the flags of `onshi request individual` (`--out` aside:
/// the request goes into `<root>/req`).
#[derive(Args, Clone)]
pub struct IndividualFlags {
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
    /// Encoding of the request file.
    #[arg(long, value_enum, default_value = "utf8")]
    encoding: EncodingArg,
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

fn ymd(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y%m%d")
        .map_err(|_| format!("{s:?} is not a date YYYYMMDD"))
}

impl IndividualFlags {
    fn request(&self) -> Result<QualificationRequest, String> {
        let mode = if self.lenient {
            Mode::Lenient
        } else {
            Mode::Strict
        };
        let (insurer, symbol, number, branch) = self.card.parts(mode)?;
        Ok(QualificationRequest::individual(IndividualQuery {
            institution: MedicalInstitutionCode::parse(&self.institution, mode)
                .map_err(|e| format!("--institution: {e}"))?,
            insurer,
            symbol,
            number,
            branch,
            birthdate: ymd(&self.birthdate)?,
            date: match &self.date {
                Some(d) => ymd(d)?,
                None => now_jst().date(),
            },
            file_identifier: self.id.clone(),
            limit_consent: self.limit_consent,
        }))
    }
}

/// Arguments of `onshi query`.
#[derive(Args)]
pub struct QueryArgs {
    /// The shared folder holding req/, res/ and face/.
    #[arg(long)]
    root: PathBuf,
    #[command(flatten)]
    flags: IndividualFlags,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// The clinic's registered qualification (JSON record) to compare the answer with.
    #[arg(long)]
    registered: Option<PathBuf>,
    #[command(flatten)]
    hooks: HookArgs,
    /// What the patient presented: my_number_card, my_number_smartphone,
    /// qualification_certificate, my_number_card_with_notice, other_document, declaration,
    /// none. Read by the diff's advice (with --registered) and kept with the visit.
    #[arg(long, value_parser = crate::report_cmd::parse_presentation)]
    presentation: Option<onshi::reception::Presentation>,
    /// The EMR's patient id: records the visit (date, presentation, this answer) in the
    /// journal for `onshi report usage`. Needs --presentation.
    #[arg(long, requires = "presentation")]
    patient: Option<String>,
}

fn not_answering(e: &TerminalError) {
    if let TerminalError::NotAnswering(n) = e {
        eprintln!("{}", n.to_text_ja());
        let why = match (n.request_still_in_req, n.link_program_active) {
            (true, Some(true)) => format!(
                " (the request is still in req/, behind {} others, but the link program is taking requests: the terminal is slow)",
                n.requests_queued.unwrap_or(0)
            ),
            (true, _) => " (the request is still in req/: the link program is not taking requests)"
                .to_string(),
            (false, _) => " (the request was taken; no answer came back)".to_string(),
        };
        eprintln!(
            "onshi: no answer to {} within {} s{why}; the ticket stays pending (onshi tickets collect)",
            n.request_file,
            n.waited.as_secs(),
        );
    } else {
        report(e);
        if let TerminalError::Rejected { content, .. } = e {
            eprintln!("{}", content.expose());
        }
    }
}

fn summary(r: &onshi::xml::QualificationResponse) -> String {
    let b = &r.body;
    if b.outcome.status == Some(ProcessingResultStatus::Error) {
        return format!(
            "処理結果: エラー {} {}",
            b.outcome.code.as_deref().unwrap_or(""),
            b.outcome.message.as_deref().unwrap_or("")
        );
    }
    match &b.qualification_validity {
        Some(v) => format!("資格有効性: {} ({} 件の資格)", v.label(), b.results.len()),
        None => "資格有効性: なし".into(),
    }
}

/// Writes a 個別照会, waits and prints the answer (JSON on stdout).
pub fn query(args: QueryArgs) -> ExitCode {
    let req = match args.flags.request() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("onshi: {e}");
            return ExitCode::from(2);
        }
    };
    let registered = match &args.registered {
        None => None,
        Some(p) => match std::fs::read_to_string(p)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                onshi::model::Qualification::from_json(&t)
                    .map_err(|e| format!("line {} column {}", e.line(), e.column()))
            }) {
            Ok(q) => Some(q),
            Err(e) => {
                eprintln!("onshi: {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
    };
    let opts = ClientOptions {
        encoding: args.flags.encoding.into(),
        ..args.hooks.client_options()
    };
    let client = match Client::open(Layout::new(&args.root), opts) {
        Ok(c) => c,
        Err(e) => {
            report(&e);
            return ExitCode::from(1);
        }
    };
    let msg = Message::QualificationRequest(req);
    let answer = client.submit(Family::Individual, &msg).and_then(|t| {
        client
            .wait(&t, Duration::from_secs(args.timeout))
            .map(|m| (t, m))
    });
    match answer {
        Ok((t, m)) => {
            // The shape of `onshi parse`, plus the comparison when asked for.
            let mut doc = serde_json::json!({
                "schema_version": 1,
                "file": onshi::xml::FileName::parse(&t.response_file()).ok(),
                "encoding": encoding_of(&m),
                "message": &m,
            });
            if let Message::QualificationResponse(r) = &m {
                eprintln!("onshi: {}", summary(r));
                if let Some(reg) = &registered {
                    doc["diff"] = registered_diff(reg, r, args.presentation);
                }
                if let (Some(patient), Some(shown)) = (&args.patient, args.presentation) {
                    let date = r
                        .header
                        .qualification_confirmation_date
                        .unwrap_or_else(|| now_jst().date());
                    let visit = onshi::reception::Visit::new(date, patient, shown, now_jst())
                        .with_result(t.response_file());
                    match client.record_visit(&visit) {
                        Ok(()) => eprintln!("onshi: 受付記録: {}（{}）", shown.label(), date),
                        Err(e) => {
                            report(&e);
                            return ExitCode::from(1);
                        }
                    }
                }
            }
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Err(e) => {
            not_answering(&e);
            ExitCode::from(1)
        }
    }
}

/// The answer's encoding, from its 文字コード識別.
fn encoding_of(m: &Message) -> Option<Encoding> {
    use onshi::codes::CharacterCodeIdentifier as C;
    let h = match m {
        Message::QualificationResponse(r) => &r.header,
        _ => return None,
    };
    match h.character_code_identifier {
        Some(C::Utf8) => Some(Encoding::Utf8),
        Some(C::ShiftJis | C::ShiftJis2) => Some(Encoding::ShiftJis),
        _ => None,
    }
}

/// Compares the answer with the clinic's registered record (`--registered`): the verdict and
/// the fields to look at go to stderr, the whole diff into the JSON document.
fn registered_diff(
    registered: &onshi::model::Qualification,
    r: &onshi::xml::QualificationResponse,
    shown: Option<onshi::reception::Presentation>,
) -> serde_json::Value {
    use onshi::diff::{self, Class, DiffContext, QueryKind, Returned};
    let date = r
        .header
        .qualification_confirmation_date
        .unwrap_or_else(|| now_jst().date());
    let kind = r
        .header
        .reference_classification
        .as_ref()
        .map(QueryKind::from_reference_classification)
        .unwrap_or(QueryKind::InsuranceCard);
    let d = diff::compare(
        registered,
        &Returned::from(&r.body),
        &DiffContext::new(date, kind).with_presentation(shown),
    );
    eprintln!("onshi: 差分 / diff: {}", d.verdict.label());
    for f in d.fields.iter().filter(|f| f.class != Class::Same) {
        eprintln!(
            "  {} {} → {}: {}",
            f.label,
            f.class.label(),
            f.action.label(),
            f.message
        );
    }
    if let Some(nc) = &d.not_confirmed {
        eprintln!("  {}", nc.label);
        for s in &nc.next_steps {
            eprintln!("  対応: {s}");
        }
    }
    for n in &d.notices {
        eprintln!("  ※ {}", n.message);
    }
    serde_json::to_value(&d).unwrap_or(serde_json::Value::Null)
}

/// Which bulk flow `onshi bulk` runs (`--kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BulkKind {
    /// 資格確認 一括照会 (`OQSmuquc`) of a day's appointments: `--date` and FILE.
    Qualification,
    /// 照会番号 一括登録 (`OQSmuimm`): FILE, `id` being the 照会番号 (birthdate not needed).
    ReferenceNumber,
    /// 医療扶助 委託先資格情報 一括取得 (`OQSmutic`) of one month: `--month`.
    MedicalAssistance,
    /// 訪問診療等 一括取得 (`OQSmuhvq`) by consent date: `--from`, `--to`.
    HomeVisit,
    /// オンライン診療等 一括取得 (`OQSmuonq`) by 受診日: `--from`, `--to`.
    Online,
}

impl BulkKind {
    fn family(self) -> Family {
        match self {
            BulkKind::Qualification => Family::BulkQualification,
            BulkKind::ReferenceNumber => Family::BulkReferenceNumber,
            BulkKind::MedicalAssistance => Family::BulkMedicalAssistance,
            BulkKind::HomeVisit => Family::BulkHomeVisit,
            BulkKind::Online => Family::BulkOnline,
        }
    }
}

/// Arguments of `onshi bulk`.
#[derive(Args)]
pub struct BulkArgs {
    /// The shared folder holding req/, res/ and face/.
    #[arg(long)]
    root: PathBuf,
    /// Which bulk family to run.
    #[arg(long, value_enum, default_value_t = BulkKind::Qualification)]
    kind: BulkKind,
    /// 資格確認日: the day of the appointments (YYYYMMDD; `qualification`).
    #[arg(long)]
    date: Option<String>,
    /// 診療年月 (YYYYMM; `medical-assistance`).
    #[arg(long)]
    month: Option<String>,
    /// First day (YYYYMMDD): 同意日 for `home-visit`, 受診日 for `online`.
    #[arg(long)]
    from: Option<String>,
    /// Last day (YYYYMMDD), as `--from`.
    #[arg(long)]
    to: Option<String>,
    /// 医療機関コード (10 digits).
    #[arg(long)]
    institution: String,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 600)]
    timeout: u64,
    /// Print the whole result as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// The appointments (`qualification`) or registrations (`reference-number`): a JSON array
    /// or a CSV file with the header `id,insurer,symbol,number,branch,birthdate` (no quoted
    /// fields; `birthdate` only for `qualification`).
    file: Option<PathBuf>,
    #[command(flatten)]
    hooks: HookArgs,
}

/// One appointment of a bulk pre-check (no `Debug`: it holds card numbers and a birthdate).
#[derive(Clone, Default, serde::Deserialize)]
pub struct Appointment {
    /// The clinic's id for the appointment or patient (echoed as 任意の識別子).
    pub id: String,
    /// 保険者番号.
    pub insurer: String,
    /// 記号.
    #[serde(default)]
    pub symbol: Option<String>,
    /// 番号.
    pub number: String,
    /// 枝番.
    #[serde(default)]
    pub branch: Option<String>,
    /// 生年月日 (YYYYMMDD; needed for a 資格確認 query, not for a 照会番号 registration).
    #[serde(default)]
    pub birthdate: String,
}

/// Reads appointments from JSON (an array of objects) or CSV (with a header line).
pub fn read_appointments(text: &str) -> Result<Vec<Appointment>, String> {
    let t = text.trim_start_matches('\u{feff}').trim();
    if t.starts_with('[') {
        return serde_json::from_str(t)
            .map_err(|e| format!("JSON line {} column {}", e.line(), e.column()));
    }
    let mut lines = t.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .ok_or("empty file")?
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(id), Some(ins), Some(num)) = (col("id"), col("insurer"), col("number")) else {
        return Err(
            "CSV header must have id, insurer, number (symbol, branch, birthdate optional)".into(),
        );
    };
    let (sym, br, birth) = (col("symbol"), col("branch"), col("birthdate"));
    let mut out = Vec::new();
    for (i, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let get = |c: usize| f.get(c).copied().unwrap_or("").to_string();
        let opt = |c: Option<usize>| c.map(get).filter(|s| !s.is_empty());
        if f.len() < header.len() {
            return Err(format!(
                "CSV line {} has {} fields, expected {}",
                i + 2,
                f.len(),
                header.len()
            ));
        }
        out.push(Appointment {
            id: get(id),
            insurer: get(ins),
            symbol: opt(sym),
            number: get(num),
            branch: opt(br),
            birthdate: birth.map(get).unwrap_or_default(),
        });
    }
    Ok(out)
}

fn appointment_card(a: &Appointment) -> Result<CardKey, String> {
    let e = |x: onshi::ids::IdError| format!("{}: {x}", a.id);
    Ok(CardKey {
        insurer_number: Some(InsurerNumber::parse(&a.insurer, Mode::Lenient).map_err(e)?),
        insured_card_symbol: a
            .symbol
            .as_deref()
            .map(|s| CardSymbol::parse(s, Mode::Lenient))
            .transpose()
            .map_err(e)?,
        insured_identification_number: Some(
            CardNumber::parse(&a.number, Mode::Lenient).map_err(e)?,
        ),
        insured_branch_number: a
            .branch
            .as_deref()
            .map(|s| BranchNumber::parse(s, Mode::Lenient))
            .transpose()
            .map_err(e)?,
    })
}

fn appointment_query(a: &Appointment) -> Result<QualificationQuery, String> {
    Ok(QualificationQuery {
        card: appointment_card(a)?,
        birthdate: Some(Personal::new(
            ymd(&a.birthdate).map_err(|x| format!("{}: {x}", a.id))?,
        )),
        limit_consent_flag: Some(LimitConsentFlag::Agreed),
        arbitrary_identifier: Some(a.id.clone()),
        ..Default::default()
    })
}

/// The appointments or registrations of FILE.
fn bulk_file(file: Option<&PathBuf>, kind: &str) -> Result<Vec<Appointment>, String> {
    let file = file.ok_or_else(|| format!("--kind {kind} needs FILE"))?;
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    match read_appointments(&text) {
        Ok(a) if !a.is_empty() => Ok(a),
        Ok(_) => Err(format!("{}: no rows in the file", file.display())),
        Err(e) => Err(format!("{}: {e}", file.display())),
    }
}

/// The upload of a bulk flow, from the arguments its kind needs.
fn bulk_upload(args: &BulkArgs) -> Result<Message, String> {
    let kind = args
        .kind
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_string());
    let need = |v: &Option<String>, flag: &str| {
        v.clone()
            .ok_or_else(|| format!("--kind {kind} needs {flag}"))
    };
    if args.file.is_some()
        && !matches!(
            args.kind,
            BulkKind::Qualification | BulkKind::ReferenceNumber
        )
    {
        return Err(format!("--kind {kind} takes no FILE"));
    }
    let one = |q: QualificationQuery| {
        Message::QualificationRequest(QualificationRequest {
            queries: vec![q],
            ..Default::default()
        })
    };
    match args.kind {
        BulkKind::Qualification => {
            let date = ymd(&need(&args.date, "--date")?)?;
            let queries = bulk_file(args.file.as_ref(), &kind)?
                .iter()
                .map(appointment_query)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Message::QualificationRequest(QualificationRequest {
                header: MessageHeader {
                    qualification_confirmation_date: Some(date),
                    ..Default::default()
                },
                queries,
                ..Default::default()
            }))
        }
        BulkKind::ReferenceNumber => {
            let registrations = bulk_file(args.file.as_ref(), &kind)?
                .iter()
                .map(|a| {
                    Ok(ReferenceNumberRegistration {
                        reference_number: Some(Personal::new(a.id.clone())),
                        card: appointment_card(a)?,
                        ..Default::default()
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(Message::ReferenceNumberRequest(ReferenceNumberRequest {
                registrations,
                ..Default::default()
            }))
        }
        BulkKind::MedicalAssistance => {
            let month = need(&args.month, "--month")?;
            NaiveDate::parse_from_str(&format!("{}01", month.trim()), "%Y%m%d")
                .ok()
                .filter(|_| month.trim().len() == 6)
                .ok_or_else(|| format!("{month:?} is not a month YYYYMM"))?;
            Ok(one(QualificationQuery {
                medical_treatment_month: Some(month.trim().to_string()),
                ..Default::default()
            }))
        }
        BulkKind::HomeVisit | BulkKind::Online => {
            let from = ymd(&need(&args.from, "--from")?)?;
            let to = ymd(&need(&args.to, "--to")?)?;
            if from > to {
                return Err(format!("--from {from} is after --to {to}"));
            }
            Ok(one(if args.kind == BulkKind::HomeVisit {
                QualificationQuery {
                    consent_date_from: Some(from),
                    consent_date_to: Some(to),
                    medical_treatment_flag: Some(MedicalTreatmentFlag::HomeVisit),
                    ..Default::default()
                }
            } else {
                QualificationQuery {
                    examination_date_from: Some(from),
                    examination_date_to: Some(to),
                    medical_treatment_flag: Some(MedicalTreatmentFlag::Online),
                    ..Default::default()
                }
            }))
        }
    }
}

/// Runs a bulk flow (`--kind`; a day's 資格確認 一括照会 by default) and prints one line per
/// person, or the whole answer as JSON.
pub fn bulk(args: BulkArgs) -> ExitCode {
    let usage = |m: String| {
        eprintln!("onshi: {m}");
        ExitCode::from(2)
    };
    let institution = match MedicalInstitutionCode::parse(&args.institution, Mode::Lenient) {
        Ok(c) => c,
        Err(e) => return usage(e.to_string()),
    };
    let upload = match bulk_upload(&args) {
        Ok(m) => m,
        Err(e) => return usage(e),
    };
    let client = match Client::open(
        Layout::new(&args.root),
        ClientOptions {
            medical_institution_code: Some(institution),
            ..args.hooks.client_options()
        },
    ) {
        Ok(c) => c,
        Err(e) => {
            report(&e);
            return ExitCode::from(1);
        }
    };
    let opts = BulkOptions {
        deadline: Duration::from_secs(args.timeout),
        ..BulkOptions::default()
    };
    // Drawn on stderr, and only when stderr is a terminal (hidden in a pipe or a log).
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(100),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template("[{bar:30}] {percent:>3}% {msg}") {
        bar.set_style(style.progress_chars("#>-"));
    }
    let mut step = |p: BulkProgress| {
        let (f, what) = match p {
            BulkProgress::Submitted => (0.1, "一括要求を送信しました".to_string()),
            BulkProgress::Accepted { reception_number } => {
                (0.3, format!("受付番号 {reception_number}"))
            }
            BulkProgress::Processing { polls, .. } => (
                (0.3 + 0.1 * polls as f64).min(0.9),
                format!("処理中（{polls} 回目の確認）"),
            ),
            BulkProgress::Done { .. } => (1.0, "結果を受け取りました".to_string()),
            _ => (0.5, String::new()),
        };
        bar.set_position((f * 100.0) as u64);
        bar.set_message(what);
    };
    let result = client.bulk(args.kind.family(), &upload, &opts, &mut step);
    bar.finish();
    let out = match result {
        Ok(o) => o,
        Err(e) => {
            not_answering(&e);
            return ExitCode::from(1);
        }
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&out.message).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    }
    match &out.message {
        Message::BulkQualificationResponse(b) => {
            for (i, u) in b.units.iter().enumerate() {
                let id = u
                    .query_echo
                    .as_ref()
                    .and_then(|q| q.arbitrary_identifier.clone())
                    .unwrap_or_else(|| format!("#{}", i + 1));
                let status = if u.outcome.status == Some(ProcessingResultStatus::Error) {
                    format!("エラー {}", u.outcome.message.as_deref().unwrap_or(""))
                } else {
                    u.qualification_validity
                        .as_ref()
                        .map(|v| v.label().to_string())
                        .unwrap_or_default()
                };
                let mark = if u.qualification_validity == Some(QualificationValidity::Valid) {
                    "OK  "
                } else {
                    "確認"
                };
                let tickets: usize = u.results.iter().map(|r| r.medical_tickets.len()).sum();
                if args.kind == BulkKind::MedicalAssistance {
                    println!("{mark} {id}\t{status}\t医療券 {tickets} 件");
                } else {
                    println!("{mark} {id}\t{status}");
                }
            }
        }
        Message::ReferenceNumberResponse(r) => {
            for o in r.outcomes() {
                let id = o
                    .registration
                    .and_then(|g| g.reference_number.as_ref())
                    .map(|n| n.expose().clone())
                    .unwrap_or_default();
                if o.outcome.status == Some(ProcessingResultStatus::Error) {
                    println!(
                        "確認 {id}\tエラー {} {}",
                        o.outcome.code.as_deref().unwrap_or(""),
                        o.outcome.message.as_deref().unwrap_or("")
                    );
                } else {
                    println!("OK   {id}\t登録済み");
                }
            }
        }
        _ => {}
    }
    ExitCode::SUCCESS
}

/// Arguments of `onshi doctor`.
#[derive(Args)]
pub struct DoctorArgs {
    /// The shared folder holding req/, res/ and face/.
    #[arg(long)]
    root: PathBuf,
    /// A request older than this many seconds in req/ means the link program is down.
    #[arg(long, default_value_t = 30)]
    stale_after: u64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// With --decrypt-command, encrypted files are expected (reported, not an error).
    #[command(flatten)]
    hooks: HookArgs,
}

/// Health check of the terminal folders; exit 1 when something is broken.
pub fn doctor(args: DoctorArgs) -> ExitCode {
    let opts = DoctorOptions {
        stale_after: Duration::from_secs(args.stale_after),
        decrypt_hook: args.hooks.decrypt_command.is_some(),
        ..DoctorOptions::default()
    };
    let report = onshi::terminal::doctor(&Layout::new(&args.root), &opts);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print!("{}", report.to_text_ja());
    }
    if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_json_appointments() {
        let csv = "\u{feff}id,insurer,symbol,number,branch,birthdate\nA1,01130012,12-34,1001,00,19800401\nA2,138057,,3003,,19751103\n";
        let a = read_appointments(csv).unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].symbol, None);
        assert_eq!(a[0].branch.as_deref(), Some("00"));
        let j = r#"[{"id":"A1","insurer":"01130012","number":"1001","birthdate":"19800401"}]"#;
        assert_eq!(read_appointments(j).unwrap()[0].id, "A1");
        assert!(read_appointments("id,number\n1,2\n").is_err());
        assert!(read_appointments("id,insurer,number,birthdate\nA,1\n").is_err());
        assert!(appointment_query(&a[0]).is_ok());
    }
}

/// Arguments of `onshi tickets`.
#[derive(Args)]
pub struct TicketsArgs {
    /// The shared folder holding req/, res/ and face/.
    #[arg(long)]
    root: PathBuf,
    #[command(subcommand)]
    action: TicketsAction,
    #[command(flatten)]
    hooks: HookArgs,
}

/// What `onshi tickets` does.
#[derive(clap::Subcommand)]
pub enum TicketsAction {
    /// List the pending tickets (one line each: request file, submitted, answer there?).
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Collect the answers that have arrived for pending tickets: one JSON line per answer
    /// on stdout (`request_file`, `answer_file`, `message`); the others stay pending.
    Collect,
    /// Forget pending tickets (staff gave up on them); their answers, if they come, stay in
    /// res/ (and `onshi doctor` names them).
    Forget {
        /// The request files to forget.
        #[arg(required_unless_present = "all")]
        request_files: Vec<String>,
        /// Forget every pending ticket.
        #[arg(long)]
        all: bool,
    },
}

/// Lists, collects or forgets the tickets pending in the journal.
pub fn tickets(args: TicketsArgs) -> ExitCode {
    let client = match Client::open(Layout::new(&args.root), args.hooks.client_options()) {
        Ok(c) => c,
        Err(e) => {
            report(&e);
            return ExitCode::from(1);
        }
    };
    let pending = match client.pending() {
        Ok(p) => p,
        Err(e) => {
            report(&e);
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout().lock();
    let mut print = |line: String| writeln!(out, "{line}").and_then(|_| out.flush());
    match args.action {
        TicketsAction::List { json } => {
            for t in &pending {
                let arrived = client.layout().res_path(&t.response_file()).exists()
                    || client.layout().res_path(&t.err_file()).exists();
                let line = if json {
                    serde_json::json!({ "ticket": t, "answer_arrived": arrived }).to_string()
                } else {
                    format!(
                        "{}\t{}\t{}",
                        t.request_file,
                        t.submitted_at.format("%Y-%m-%d %H:%M:%S"),
                        if arrived { "結果あり" } else { "待機中" }
                    )
                };
                if print(line).is_err() {
                    return ExitCode::from(1);
                }
            }
            eprintln!("onshi: {} 件の照会が結果待ちです。", pending.len());
            ExitCode::SUCCESS
        }
        TicketsAction::Collect => {
            let (mut got, mut waiting, mut failed) = (0, 0, 0);
            for t in &pending {
                match client.collect_answer(t) {
                    Ok(Some(a)) => {
                        let message = match &a.value {
                            onshi::terminal::Reply::Message(m) => serde_json::json!(m),
                            onshi::terminal::Reply::Pdf(b) => {
                                serde_json::json!({"type": "pdf", "bytes": b.len()})
                            }
                            onshi::terminal::Reply::Zip(b) => {
                                serde_json::json!({"type": "zip", "bytes": b.len()})
                            }
                            _ => serde_json::Value::Null,
                        };
                        let line = serde_json::json!({
                            "request_file": t.request_file,
                            "answer_file": a.file_name,
                            "message": message,
                        });
                        if print(line.to_string()).is_err() {
                            // The answer was taken from res/ but could not be shown.
                            eprintln!(
                                "onshi: cannot write to stdout; the answer {} is kept in the journal's record",
                                a.file_name
                            );
                            return ExitCode::from(1);
                        }
                        got += 1;
                    }
                    Ok(None) => waiting += 1,
                    Err(e) => {
                        report(&e);
                        failed += 1;
                    }
                }
            }
            eprintln!(
                "onshi: 受け取り {got} 件、結果待ち {waiting} 件、エラー {failed} 件 / collected {got}, still waiting {waiting}, failed {failed}"
            );
            if failed > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        TicketsAction::Forget { request_files, all } => {
            let mut n = 0;
            for t in &pending {
                if all || request_files.contains(&t.request_file) {
                    if let Err(e) = client.forget(t) {
                        report(&e);
                        return ExitCode::from(1);
                    }
                    n += 1;
                }
            }
            let unknown: Vec<&String> = request_files
                .iter()
                .filter(|f| !pending.iter().any(|t| &t.request_file == *f))
                .collect();
            for f in &unknown {
                eprintln!("onshi: {f} is not a pending ticket");
            }
            eprintln!("onshi: {n} 件の照会を取り消しました / forgot {n} tickets");
            if unknown.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
    }
}
