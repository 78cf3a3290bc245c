//! The `onshi` command-line tool (build with `--features cli`).
//!
//! Each group of subcommands lives in its own file; this file only declares them and
//! dispatches. Exit codes: 0 success, 1 the input is bad or the check failed, 2 usage.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod card_cmd;
mod ids_cmd;
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
    /// マイナンバーカード reader: list, watch, read the 基本4情報 (never the 個人番号).
    Card(card_cmd::CardArgs),
    /// Print a terminal file (req/res/face XML, .err, .pdf) as JSON.
    Parse(xml_cmd::ParseArgs),
    /// Check a terminal file strictly: check digits, codes, dates, lengths, required fields.
    Validate(xml_cmd::ValidateArgs),
    /// Write a request file for the terminal's req folder.
    Request(xml_cmd::RequestArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::CheckDigit(args) => ids_cmd::check_digit(args),
        Command::Card(args) => card_cmd::run(args),
        Command::Parse(args) => xml_cmd::parse(args),
        Command::Validate(args) => xml_cmd::validate(args),
        Command::Request(args) => xml_cmd::request(args),
    }
}
