//! `onshi relay …`: run the cloud end, and administer clinics from the command line.

use clap::{Args, Subcommand};
use onshi::relay::{Relay, RelayConfig};
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `onshi relay`.
#[derive(Args)]
pub struct RelayArgs {
    #[command(subcommand)]
    command: RelayCommand,
}

#[derive(Subcommand)]
enum RelayCommand {
    /// Serve the relay (agents, EMR API, admin page).
    Serve(ServeArgs),
    /// Create a clinic; prints its EMR API key (JSON).
    AddClinic(ClinicArgs),
    /// Issue a one-time enrolment code for a clinic's agent.
    EnrolmentCode(CodeArgs),
    /// Revoke an agent (takes effect at its next frame).
    Revoke(RevokeArgs),
}

#[derive(Args)]
struct DbArg {
    /// `sqlite://FILE` or `postgres://USER@HOST:PORT/DB` (or env ONSHI_RELAY_DB).
    #[arg(
        long,
        env = "ONSHI_RELAY_DB",
        default_value = "sqlite://onshi-relay.db"
    )]
    db: String,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArg,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8730")]
    listen: String,
    /// Administrator token (admin API and page); or env ONSHI_ADMIN_TOKEN.
    #[arg(long, env = "ONSHI_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Lifetime of agent credentials, in seconds.
    #[arg(long, default_value_t = 90 * 24 * 3600)]
    credential_ttl_secs: u64,
    /// An agent counts as down this many seconds after its last frame.
    #[arg(long, default_value_t = 45)]
    agent_grace_secs: u64,
    /// Longest hold of `GET /v1/commands/{id}?wait=`, in seconds (at most 30).
    #[arg(long, default_value_t = 30)]
    max_wait_secs: u64,
    /// Requests per second per EMR key.
    #[arg(long, default_value_t = 20.0)]
    emr_rate: f64,
}

#[derive(Args)]
struct ClinicArgs {
    #[command(flatten)]
    db: DbArg,
    /// Clinic id (A-Z a-z 0-9 _ -).
    #[arg(long)]
    id: String,
    /// Clinic name.
    #[arg(long)]
    name: String,
}

#[derive(Args)]
struct CodeArgs {
    #[command(flatten)]
    db: DbArg,
    /// Clinic id.
    #[arg(long)]
    id: String,
}

#[derive(Args)]
struct RevokeArgs {
    #[command(flatten)]
    db: DbArg,
    /// Agent id (`agt_…`).
    agent: String,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime can be built")
}

pub fn run(args: RelayArgs) -> ExitCode {
    crate::init_logs();
    runtime().block_on(async move {
        match args.command {
            RelayCommand::Serve(a) => serve(a).await,
            RelayCommand::AddClinic(a) => {
                let store = match onshi::relay::store::Store::open(&a.db.db).await {
                    Ok(s) => s,
                    Err(e) => return fail(e),
                };
                match store.create_clinic(&a.id, &a.name).await {
                    Ok(key) => {
                        println!(
                            "{}",
                            serde_json::json!({ "clinic_id": a.id, "api_key": key })
                        );
                        ExitCode::SUCCESS
                    }
                    Err(e) => fail(e),
                }
            }
            RelayCommand::EnrolmentCode(a) => {
                let store = match onshi::relay::store::Store::open(&a.db.db).await {
                    Ok(s) => s,
                    Err(e) => return fail(e),
                };
                match store
                    .create_enrolment_code(&a.id, Duration::from_secs(24 * 3600))
                    .await
                {
                    Ok((code, expires_ms)) => {
                        println!(
                            "{}",
                            serde_json::json!({ "code": code, "expires_ms": expires_ms })
                        );
                        ExitCode::SUCCESS
                    }
                    Err(e) => fail(e),
                }
            }
            RelayCommand::Revoke(a) => {
                let store = match onshi::relay::store::Store::open(&a.db.db).await {
                    Ok(s) => s,
                    Err(e) => return fail(e),
                };
                match store.revoke(&a.agent).await {
                    Ok(true) => ExitCode::SUCCESS,
                    Ok(false) => {
                        eprintln!("no such active agent");
                        ExitCode::from(1)
                    }
                    Err(e) => fail(e),
                }
            }
        }
    })
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("onshi relay: {e}");
    ExitCode::from(1)
}

async fn serve(a: ServeArgs) -> ExitCode {
    let mut config = RelayConfig::new(a.db.db);
    config.admin_token = a.admin_token;
    config.credential_ttl = Duration::from_secs(a.credential_ttl_secs);
    config.agent_grace = Duration::from_secs(a.agent_grace_secs.max(1));
    config.max_wait = Duration::from_secs(a.max_wait_secs.min(30));
    config.emr_rate.per_second = a.emr_rate;
    config.emr_rate.burst = (a.emr_rate * 10.0).max(1.0);
    let relay = match Relay::new(config).await {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let listener = match tokio::net::TcpListener::bind(&a.listen).await {
        Ok(l) => l,
        Err(e) => return fail(format!("listen on {}: {e}", a.listen)),
    };
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    // One line on stdout that tools (and the tests) read to find the port.
    println!("{}", serde_json::json!({ "listening": addr }));
    tracing::info!(addr = %addr, "relay listening");
    let shutdown = async {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("SIGTERM handler");
            tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
        }
        #[cfg(not(unix))]
        {
            let _ = ctrl_c.await;
        }
    };
    match relay.serve(listener, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}
