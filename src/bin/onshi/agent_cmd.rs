//! `onshi agent …`: enrol, run, rotate, install as a service.

use clap::{Args, Subcommand, ValueEnum};
use onshi::agent::link::TransportChoice;
use onshi::agent::terminal::TerminalConfig;
use onshi::agent::{Agent, AgentConfig};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `onshi agent`.
#[derive(Args)]
pub struct AgentArgs {
    #[command(subcommand)]
    command: AgentCommand,
}

#[derive(Subcommand)]
enum AgentCommand {
    /// Redeem a one-time enrolment code from the EMR; stores the credential (0600).
    Enrol(EnrolArgs),
    /// Run the agent (connects out to the relay; serves the status page on 127.0.0.1).
    Run(RunArgs),
    /// Rotate the credential now.
    Rotate(CommonArgs),
    /// Install as a service: `--systemd` writes the unit file.
    Install(InstallArgs),
}

#[derive(Args, Clone)]
struct CommonArgs {
    /// Folder for the credential and the outbox.
    #[arg(long, default_value = "onshi-agent")]
    state_dir: PathBuf,
    /// Extra CA certificate (PEM) to trust besides the system's roots.
    #[arg(long)]
    ca_file: Option<PathBuf>,
    /// HTTP proxy (`http://proxy:8080`); default: env HTTPS_PROXY.
    #[arg(long)]
    proxy: Option<String>,
}

#[derive(Args)]
struct EnrolArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// The relay's URL (`https://relay.example.com`).
    #[arg(long)]
    relay: String,
    /// The one-time code.
    #[arg(long)]
    code: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum TransportArg {
    Auto,
    Websocket,
    LongPoll,
}

#[derive(Args, Clone)]
struct RunArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// The terminal's shared folder (holding req/, res/, face/).
    #[arg(long)]
    terminal_root: PathBuf,
    /// 医療機関コード for requests that lack one.
    #[arg(long)]
    institution: Option<String>,
    /// Status page address (loopback only), or `off`.
    #[arg(long, default_value = "127.0.0.1:8731")]
    status_addr: String,
    /// Transport.
    #[arg(long, value_enum, default_value = "auto")]
    transport: TransportArg,
    /// Heartbeat interval in seconds.
    #[arg(long, default_value_t = 15)]
    heartbeat_secs: u64,
    /// Create req/, res/ and face/ when missing (demos; never on a real terminal).
    #[arg(long)]
    create_folders: bool,
    /// Folder rescan interval in milliseconds.
    #[arg(long, default_value_t = 1000)]
    rescan_ms: u64,
    /// Run under the Windows service control manager (set by `sc create … binPath=`).
    #[arg(long, hide = true)]
    windows_service: bool,
}

#[derive(Args)]
struct InstallArgs {
    /// Write a systemd unit.
    #[arg(long)]
    systemd: bool,
    /// Where to write it.
    #[arg(long, default_value = "/etc/systemd/system")]
    unit_dir: PathBuf,
    /// Service account.
    #[arg(long)]
    user: Option<String>,
    /// The arguments of `onshi agent run` (after `--`).
    #[arg(last = true)]
    run_args: Vec<String>,
}

fn config(common: &CommonArgs, terminal: TerminalConfig) -> AgentConfig {
    let mut c = AgentConfig::new(&common.state_dir, terminal);
    c.ca_file = common.ca_file.clone();
    c.proxy = common.proxy.clone();
    c
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime can be built")
}

pub fn run(args: AgentArgs) -> ExitCode {
    crate::init_logs();
    match args.command {
        AgentCommand::Enrol(a) => {
            let c = config(&a.common, TerminalConfig::new("."));
            match runtime().block_on(onshi::agent::enrol(&c, &a.relay, &a.code)) {
                Ok(cred) => {
                    println!(
                        "{}",
                        serde_json::json!({ "agent_id": cred.agent_id, "clinic_id": cred.clinic_id, "expires_ms": cred.expires_ms })
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        AgentCommand::Rotate(a) => {
            let c = config(&a, TerminalConfig::new("."));
            match runtime().block_on(onshi::agent::rotate(&c)) {
                Ok(cred) => {
                    println!("{}", serde_json::json!({ "expires_ms": cred.expires_ms }));
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        AgentCommand::Install(a) => {
            if !a.systemd {
                eprintln!(
                    "onshi agent install: only --systemd writes a unit; on Windows use: sc create onshi-agent binPath= \"C:\\…\\onshi.exe agent run --windows-service …\""
                );
                return ExitCode::from(2);
            }
            let exe = std::env::current_exe().unwrap_or_else(|_| "/usr/local/bin/onshi".into());
            let s = onshi::agent::service::UnitSettings {
                executable: exe,
                run_args: a.run_args,
                user: a.user,
            };
            match onshi::agent::service::install_systemd(&a.unit_dir, &s) {
                Ok(p) => {
                    println!("{}", p.display());
                    println!("systemctl daemon-reload && systemctl enable --now onshi-agent");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        AgentCommand::Run(a) => {
            if a.windows_service {
                return windows_service(a);
            }
            run_agent(a, None)
        }
    }
}

#[cfg(windows)]
fn windows_service(a: RunArgs) -> ExitCode {
    use std::sync::OnceLock;
    static ARGS: OnceLock<RunArgs> = OnceLock::new();
    let _ = ARGS.set(a);
    fn main(stop: std::sync::mpsc::Receiver<()>) -> i32 {
        match ARGS.get() {
            Some(a) => {
                if run_agent(a.clone(), Some(stop)) == ExitCode::SUCCESS {
                    0
                } else {
                    1
                }
            }
            None => 1,
        }
    }
    match onshi::agent::service::run_windows_service(main) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

#[cfg(not(windows))]
fn windows_service(_: RunArgs) -> ExitCode {
    eprintln!("onshi agent: --windows-service works on Windows only");
    ExitCode::from(2)
}

fn run_agent(a: RunArgs, stop: Option<std::sync::mpsc::Receiver<()>>) -> ExitCode {
    let mut t = TerminalConfig::new(&a.terminal_root);
    t.medical_institution_code = a.institution.clone();
    t.create_folders = a.create_folders;
    t.rescan = Duration::from_millis(a.rescan_ms.max(10));
    let mut c = config(&a.common, t);
    c.transport = match a.transport {
        TransportArg::Auto => TransportChoice::Auto,
        TransportArg::Websocket => TransportChoice::WebSocket,
        TransportArg::LongPoll => TransportChoice::LongPoll,
    };
    c.heartbeat = Duration::from_secs(a.heartbeat_secs.max(1));
    c.status_addr = if a.status_addr == "off" {
        None
    } else {
        match a.status_addr.parse() {
            Ok(x) => Some(x),
            Err(_) => return fail("--status-addr: expected IP:PORT or off"),
        }
    };
    runtime().block_on(async move {
        let agent = match Agent::start(c).await {
            Ok(x) => x,
            Err(e) => return fail(e),
        };
        println!(
            "{}",
            serde_json::json!({ "status_page": agent.status_addr().map(|a| format!("http://{a}/")) })
        );
        match stop {
            Some(rx) => {
                let _ = tokio::task::spawn_blocking(move || rx.recv()).await;
            }
            None => wait_for_signal().await,
        }
        agent.stop();
        ExitCode::SUCCESS
    })
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("onshi agent: {e}");
    ExitCode::from(1)
}
