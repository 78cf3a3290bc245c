//! `onshi visit` (record what a patient presented) and `onshi report usage` (the month's
//! マイナ保険証 利用率), over the client's journal in `DIR/.onshi/visits/`.

use clap::{Args, Subcommand};
use onshi::reception::usage::UsageReport;
use onshi::reception::{Month, Presentation, Visit};
use onshi::terminal::journal::{Journal, read_visits};
use onshi::terminal::{Layout, now_jst};
use std::path::PathBuf;
use std::process::ExitCode;

/// `--presentation` values.
pub(crate) fn parse_presentation(s: &str) -> Result<Presentation, String> {
    Presentation::from_id(s).ok_or_else(|| {
        format!(
            "unknown presentation {s:?}; one of: {}",
            Presentation::ALL.map(Presentation::id).join(", ")
        )
    })
}

fn parse_month(s: &str) -> Result<Month, String> {
    Month::parse(s).ok_or_else(|| format!("{s:?} is not a month (YYYYMM)"))
}

fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y%m%d").map_err(|_| format!("{s:?} is not YYYYMMDD"))
}

/// Arguments of `onshi visit`.
#[derive(Args)]
pub struct VisitArgs {
    /// The shared folder holding req/, res/ and face/ (the journal is DIR/.onshi).
    #[arg(long)]
    root: PathBuf,
    /// The EMR's patient id (never a name or an insurance number).
    #[arg(long)]
    patient: String,
    /// What the patient presented: my_number_card, my_number_smartphone,
    /// qualification_certificate, my_number_card_with_notice, other_document, declaration,
    /// none.
    #[arg(long, value_parser = parse_presentation)]
    presentation: Presentation,
    /// The day of the visit (YYYYMMDD); default today (JST).
    #[arg(long, value_parser = parse_day)]
    date: Option<chrono::NaiveDate>,
    /// The terminal result of the visit (answer or face file name); recording the same result
    /// again replaces its visit.
    #[arg(long)]
    result: Option<String>,
    /// Who recorded it (the EMR's staff id).
    #[arg(long)]
    actor: Option<String>,
}

/// Records one visit in the journal.
pub fn visit(args: VisitArgs) -> ExitCode {
    let now = now_jst();
    let mut v = Visit::new(
        args.date.unwrap_or(now.date()),
        args.patient,
        args.presentation,
        now,
    );
    v.result_id = args.result;
    v.actor = args.actor;
    if !args.root.is_dir() {
        eprintln!(
            "onshi: 指定したフォルダーが見つかりません。フォルダーの場所を確認してください。"
        );
        eprintln!("  detail: {} is not a folder", args.root.display());
        return ExitCode::from(1);
    }
    let state = Layout::new(&args.root).state;
    match Journal::open(&state).and_then(|j| j.record_visit(&v)) {
        Ok(()) => {
            eprintln!(
                "onshi: 受付記録: {} {}（{}）",
                v.date,
                v.presentation.label(),
                v.presentation.category().label()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "onshi: 受付記録を書き込めませんでした。フォルダーの権限と空き容量を確認してください。"
            );
            eprintln!("  detail: {}: {e}", state.display());
            ExitCode::from(1)
        }
    }
}

/// Arguments of `onshi report`.
#[derive(Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    command: ReportCommand,
}

#[derive(Subcommand)]
enum ReportCommand {
    /// The month's マイナ保険証 利用率: visits and patients by what they presented, counted
    /// per patient-month, and whether the 30 % line of the 2026-06 加算 is met.
    Usage {
        /// The shared folder holding req/, res/ and face/ (visits are read from
        /// DIR/.onshi/visits/YYYYMM/).
        #[arg(long)]
        root: PathBuf,
        /// The month (YYYYMM).
        #[arg(long, value_parser = parse_month)]
        month: Month,
        /// Print the report as JSON.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print the report as CSV (UTF-8 with a BOM, CRLF: Excel opens it as is).
        #[arg(long)]
        csv: bool,
    },
}

/// Runs `onshi report …`.
pub fn run(args: ReportArgs) -> ExitCode {
    match args.command {
        ReportCommand::Usage {
            root,
            month,
            json,
            csv,
        } => usage(&root, month, json, csv),
    }
}

fn usage(root: &std::path::Path, month: Month, json: bool, csv: bool) -> ExitCode {
    let state = Layout::new(root).state;
    let visits = match read_visits(&state, month) {
        Ok(v) => v,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "onshi: 受付記録がありません（{} がありません）。onshi visit や onshi query --patient で記録してください。",
                state.display()
            );
            eprintln!("  detail: no journal at {}", state.display());
            return ExitCode::from(1);
        }
        Err(e) => {
            eprintln!("onshi: 受付記録を読めませんでした。フォルダーの権限を確認してください。");
            eprintln!("  detail: {}: {e}", state.display());
            return ExitCode::from(1);
        }
    };
    let r = UsageReport::build(&visits, month);
    if json {
        println!("{}", r.to_json());
    } else if csv {
        print!("{}", r.to_csv());
    } else {
        print!("{}", r.to_text_ja());
    }
    ExitCode::SUCCESS
}
