//! The `onshi` command-line tool (build with `--features cli`).
//!
//! Each group of subcommands lives in its own file; this file only declares them and
//! dispatches. Exit codes: 0 success, 1 the input is bad or the check failed, 2 usage.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[cfg(feature = "agent")]
mod agent_cmd;
mod card_cmd;
#[cfg(all(feature = "agent", feature = "relay"))]
mod cloud_demo;
mod demo;
mod diff_cmd;
mod ids_cmd;
mod parse_json;
#[cfg(feature = "relay")]
mod relay_cmd;
mod report_cmd;
mod terminal_cmd;
mod xml_cmd;

/// onshi — オンライン資格確認 for clinic software.
#[derive(Parser)]
#[command(name = "onshi", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the 検証番号 (check digit) of a 保険者番号, 公費負担者番号 or 受給者番号.
    CheckDigit(ids_cmd::CheckDigitArgs),
    /// Run a stand-in for the 資格確認端末 (req/res/face) from a dataset of fictitious persons.
    Emulate(terminal_cmd::EmulateArgs),
    /// Print face-reader results (My Number card at the reader) as JSON lines, each once.
    Watch(terminal_cmd::WatchArgs),
    /// 資格確認（個別照会）through the terminal: write the request, wait, print the answer.
    Query(terminal_cmd::QueryArgs),
    /// Pre-check a day's appointments with a bulk 一括照会 (JSON or CSV list).
    Bulk(terminal_cmd::BulkArgs),
    /// Check the terminal folders and the link program; advice in Japanese.
    Doctor(terminal_cmd::DoctorArgs),
    /// List, collect or forget the queries still waiting for an answer (pending tickets).
    Tickets(terminal_cmd::TicketsArgs),
    /// A tour of the library: the emulator and the client walk through every operation.
    Demo(demo::DemoArgs),
    /// マイナンバーカード reader: list, watch, read the 基本4情報 (never the 個人番号).
    Card(card_cmd::CardArgs),
    /// Print a terminal file (req/res/face XML, .err, .pdf) as JSON.
    Parse(xml_cmd::ParseArgs),
    /// Check a terminal file strictly: check digits, codes, dates, lengths, required fields.
    Validate(xml_cmd::ValidateArgs),
    /// Write a request file for the terminal's req folder.
    Request(xml_cmd::RequestArgs),
    /// Compare the clinic's record with the terminal's answer, field by field (差分).
    Diff(diff_cmd::DiffArgs),
    /// Record what a patient presented at reception (マイナ保険証, 資格確認書 …) in the journal.
    Visit(report_cmd::VisitArgs),
    /// Monthly reports: `usage` is the マイナ保険証 利用率 of a month.
    Report(report_cmd::ReportArgs),
    /// The clinic-side link program for a cloud EMR: enrol, run, rotate, install.
    #[cfg(feature = "agent")]
    Agent(agent_cmd::AgentArgs),
    /// The cloud end: serve the relay, add clinics, issue enrolment codes, revoke agents.
    #[cfg(feature = "relay")]
    Relay(relay_cmd::RelayArgs),
}

/// Structured (JSON) logs on stderr for the long-running commands; `RUST_LOG` filters.
#[cfg(any(feature = "agent", feature = "relay"))]
pub(crate) fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Prints an error on stderr for both of its readers: the Japanese text for staff first, then
/// the English detail and the code for whoever looks into it.
pub(crate) fn report(e: &dyn onshi::Diagnostic) {
    eprintln!("onshi: {}", e.staff_message_ja());
    eprintln!("  detail: {} (code {})", e.detail(), e.code());
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::CheckDigit(args) => ids_cmd::check_digit(args),
        Command::Emulate(args) => terminal_cmd::emulate(args),
        Command::Watch(args) => terminal_cmd::watch(args),
        Command::Query(args) => terminal_cmd::query(args),
        Command::Bulk(args) => terminal_cmd::bulk(args),
        Command::Doctor(args) => terminal_cmd::doctor(args),
        Command::Tickets(args) => terminal_cmd::tickets(args),
        Command::Demo(args) => demo::demo(args),
        Command::Card(args) => card_cmd::run(args),
        Command::Parse(args) => xml_cmd::parse(args),
        Command::Validate(args) => xml_cmd::validate(args),
        Command::Request(args) => xml_cmd::request(args),
        Command::Diff(args) => diff_cmd::diff(args),
        Command::Visit(args) => report_cmd::visit(args),
        Command::Report(args) => report_cmd::run(args),
        #[cfg(feature = "agent")]
        Command::Agent(args) => agent_cmd::run(args),
        #[cfg(feature = "relay")]
        Command::Relay(args) => relay_cmd::run(args),
    }
}
