//! `onshi card`: readers, card events, the 基本4情報 read, and the virtual card for demos.
//!
//! `list`, `watch` and `read` talk to PC/SC and need the binary built with `--features card`;
//! `virtual` only needs a pcscd with vsmartcard-vpcd and works in every build.

use clap::{Args, Subcommand};
use onshi::card::CardError;
use onshi::card::virtual_card::vpcd::{SLOT0_PORT, VpcdCard};
use onshi::card::virtual_card::{CardMode, VirtualCardConfig, VirtualMyNumberCard};
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `onshi card`.
#[derive(Args)]
pub struct CardArgs {
    #[command(subcommand)]
    command: CardCommand,
}

#[derive(Subcommand)]
enum CardCommand {
    /// List the PC/SC readers and whether each holds a card.
    List,
    /// Print reader and card events as lines until Ctrl-C.
    Watch,
    /// Read the 基本4情報 (氏名, 住所, 生年月日, 性別) of a マイナンバーカード as JSON.
    ///
    /// Shows the PIN tries left first, then asks for the 4-digit 券面事項入力補助用暗証番号
    /// without echo (from standard input when it is not a terminal). The 個人番号 is never
    /// read.
    Read {
        /// Reader name (as `onshi card list` prints it); default: the first reader with a card.
        #[arg(long)]
        reader: Option<String>,
        /// Seconds to wait for a card when none is present.
        #[arg(long, default_value_t = 30)]
        wait: u64,
        /// Use the last PIN try without asking (for scripts; the patient must have agreed).
        #[arg(long)]
        confirm_last_try: bool,
    },
    /// Insert the project's virtual マイナンバーカード (fictitious data) into a
    /// vsmartcard-vpcd reader, for demos and tests. Ctrl-C removes it.
    ///
    /// Test machines only: never install vsmartcard-vpcd on a clinic PC.
    Virtual {
        /// vpcd port: 35963 is "Virtual PCD 00 00", 35964 is "Virtual PCD 00 01".
        #[arg(long, default_value_t = SLOT0_PORT)]
        port: u16,
        /// The card's 4-digit PIN.
        #[arg(long, default_value = "1234")]
        pin: String,
        /// PIN tries left (0 = locked).
        #[arg(long, default_value_t = 3)]
        tries: u8,
        /// 氏名 on the card.
        #[arg(long)]
        name: Option<String>,
        /// 住所 on the card.
        #[arg(long)]
        address: Option<String>,
        /// 生年月日 text (YYYYMMDD).
        #[arg(long)]
        birthdate: Option<String>,
        /// 性別 ISO 5218 code (1, 2, 9, 0).
        #[arg(long)]
        sex: Option<String>,
        /// Make it an old 住基カード (token JPKIAPICCTOKEN, no 券面事項入力補助AP); the same as
        /// `--mode juki_card`.
        #[arg(long)]
        juki: bool,
        /// What the card pretends to be: my_number_card, locked_pin, face_auth_card (no PIN),
        /// android_smartphone (JPKI only), iphone (no card application), juki_card,
        /// other_card. `onshi card read` then says what it is and what to do instead.
        #[arg(long, default_value = "my_number_card", value_parser = parse_mode)]
        mode: CardMode,
    },
}

/// Runs `onshi card …`.
pub fn run(args: CardArgs) -> ExitCode {
    let result = match args.command {
        CardCommand::Virtual {
            port,
            pin,
            tries,
            name,
            address,
            birthdate,
            sex,
            juki,
            mode,
        } => {
            let mode = if juki { CardMode::JukiCard } else { mode };
            virtual_card(port, &pin, tries, name, address, birthdate, sex, mode)
        }
        #[cfg(feature = "card")]
        CardCommand::List => pcsc_cmd::list(),
        #[cfg(feature = "card")]
        CardCommand::Watch => pcsc_cmd::watch(),
        #[cfg(feature = "card")]
        CardCommand::Read {
            reader,
            wait,
            confirm_last_try,
        } => pcsc_cmd::read(
            reader.as_deref(),
            Duration::from_secs(wait),
            confirm_last_try,
        ),
        #[cfg(not(feature = "card"))]
        CardCommand::List | CardCommand::Watch | CardCommand::Read { .. } => {
            eprintln!(
                "onshi: this onshi was built without card-reader support; \
                 rebuild with `--features cli,card` (needs libpcsclite)"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("onshi: {} ({e}; code {})", e.staff_message(), e.code());
            ExitCode::from(1)
        }
    }
}

fn parse_mode(s: &str) -> Result<CardMode, String> {
    CardMode::from_id(s).ok_or_else(|| {
        format!(
            "unknown mode {s:?}; one of: {}",
            CardMode::ALL.map(CardMode::id).join(", ")
        )
    })
}

#[allow(clippy::too_many_arguments)]
fn virtual_card(
    port: u16,
    pin: &str,
    tries: u8,
    name: Option<String>,
    address: Option<String>,
    birthdate: Option<String>,
    sex: Option<String>,
    mode: CardMode,
) -> Result<(), CardError> {
    let pin = onshi::card::Pin::new(pin)?;
    let mut cfg = VirtualCardConfig::for_mode(mode).with_pin(&pin);
    if mode != CardMode::LockedPin {
        cfg.tries_left = tries;
    }
    if let Some(v) = name {
        cfg.name = v.into_bytes();
    }
    if let Some(v) = address {
        cfg.address = v.into_bytes();
    }
    if let Some(v) = birthdate {
        cfg.birthdate = v.into_bytes();
    }
    if let Some(v) = sex {
        cfg.sex = v.into_bytes();
    }
    let card = VpcdCard::insert(VirtualMyNumberCard::new(cfg), ("127.0.0.1", port))?;
    eprintln!(
        "virtual card ({}) inserted into vpcd on 127.0.0.1:{port} (fictitious data); Ctrl-C removes it",
        mode.id()
    );
    while card.is_inserted() {
        std::thread::sleep(Duration::from_millis(200));
    }
    eprintln!("vpcd closed the connection (pcscd stopped?)");
    Ok(())
}

#[cfg(feature = "card")]
mod pcsc_cmd {
    use onshi::card::{
        CardError, CardEvent, CardMonitor, CardSession, PcscTransport, Pin, PinStatus,
    };
    use std::io::{BufRead, IsTerminal, Write};
    use std::process::{Command, Stdio};
    use std::time::Duration;
    use zeroize::Zeroizing;

    fn hex(bytes: &[u8]) -> String {
        bytes
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn list() -> Result<(), CardError> {
        let readers = CardMonitor::new()?.readers()?;
        if readers.is_empty() {
            return Err(CardError::NoReader);
        }
        for (name, card) in readers {
            println!("{name}\t{}", if card { "card" } else { "empty" });
        }
        Ok(())
    }

    pub fn watch() -> Result<(), CardError> {
        let mut monitor = CardMonitor::new()?;
        let mut out = std::io::stdout();
        loop {
            let line = match monitor.next_event(None)? {
                CardEvent::ReaderAdded { reader } => format!("reader-added\t{reader}"),
                CardEvent::ReaderRemoved { reader } => format!("reader-removed\t{reader}"),
                CardEvent::CardInserted { reader, atr } => {
                    format!("card-inserted\t{reader}\t{}", hex(&atr))
                }
                CardEvent::CardRemoved { reader } => format!("card-removed\t{reader}"),
                other => format!("event\t{other:?}"),
            };
            // A closed stdout (e.g. `| head`) ends the watch.
            if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                return Ok(());
            }
        }
    }

    /// Reads one line from the terminal without echo (`stty -echo`), or from standard input
    /// when it is not a terminal. The buffer is zeroized on drop.
    fn read_secret(prompt: &str) -> Result<Zeroizing<String>, CardError> {
        let tty = std::io::stdin().is_terminal();
        eprint!("{prompt}");
        let stty = |arg: &str| {
            Command::new("stty")
                .arg(arg)
                .stdin(Stdio::inherit())
                .status()
                .is_ok_and(|s| s.success())
        };
        if tty && !stty("-echo") {
            eprintln!("\nonshi: cannot turn terminal echo off (stty); the PIN is not asked");
            return Err(CardError::Cancelled);
        }
        let mut line = Zeroizing::new(String::new());
        let read = std::io::stdin().lock().read_line(&mut line);
        if tty {
            stty("echo");
        }
        eprintln!();
        match read {
            Ok(0) | Err(_) => Err(CardError::Cancelled),
            Ok(_) => Ok(line),
        }
    }

    fn ask_yes(prompt: &str) -> bool {
        eprint!("{prompt}");
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).is_ok()
            && matches!(line.trim(), "y" | "yes" | "はい")
    }

    pub fn read(reader: Option<&str>, wait: Duration, confirm: bool) -> Result<(), CardError> {
        let transport = match PcscTransport::connect(reader) {
            Err(CardError::NoCard) => {
                eprintln!("カードを置いてください…");
                let name = CardMonitor::new()?.wait_for_card(reader, Some(wait))?;
                PcscTransport::connect(Some(&name))?
            }
            other => other?,
        };
        eprintln!("reader: {}", transport.reader());
        let mut session = CardSession::new(transport);
        session.recognise()?;
        let tries = match session.pin_status()? {
            PinStatus::Locked => return Err(CardError::PinLocked),
            PinStatus::TriesLeft(n) => n,
        };
        eprintln!("券面事項入力補助用暗証番号の残り回数: {tries}");
        let mut confirm_last_try = confirm;
        if tries == 1 && !confirm {
            eprintln!("{}", CardError::LastTryNeedsConfirmation.staff_message());
            if !ask_yes("続けますか? [y/N] ") {
                return Err(CardError::Cancelled);
            }
            confirm_last_try = true;
        }
        let text = read_secret("暗証番号（数字4桁）: ")?;
        let pin = Pin::new(&text)?;
        drop(text);
        let info = session.read_basic_info(&pin, confirm_last_try)?;
        let json = serde_json::json!({
            "name": info.name().as_str(),
            "address": info.address().as_str(),
            "birthdate": info.birthdate().map(|d| d.to_string()),
            "birthdate_text": info.birthdate_text().as_str(),
            "sex": info.sex(),
            "sex_code": info.sex().iso5218().map(String::from),
            "sex_label": info.sex().label(),
            "name_decoded_cleanly": info.name_decoded_cleanly(),
            "address_decoded_cleanly": info.address_decoded_cleanly(),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_else(|_| json.to_string())
        );
        Ok(())
    }
}
