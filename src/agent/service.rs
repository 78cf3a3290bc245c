//! Running the agent as a service: a systemd unit (Linux) and a Windows service (the
//! `windows-service` crate; Windows builds only).

use std::path::{Path, PathBuf};

/// What the systemd unit runs.
#[derive(Clone, Debug)]
pub struct UnitSettings {
    /// The `onshi` executable.
    pub executable: PathBuf,
    /// Arguments after `onshi agent run` (terminal root, state folder …).
    pub run_args: Vec<String>,
    /// The service account (`User=`); `None`: root.
    pub user: Option<String>,
}

fn quote(a: &str) -> String {
    if !a.is_empty()
        && a.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,+".contains(&b))
    {
        a.to_string()
    } else {
        format!("\"{}\"", a.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// The text of `onshi-agent.service`: restarts on failure, starts after the network, keeps
/// its state folder private.
pub fn systemd_unit(s: &UnitSettings) -> String {
    let mut exec = vec![
        quote(&s.executable.display().to_string()),
        "agent".into(),
        "run".into(),
    ];
    exec.extend(s.run_args.iter().map(|a| quote(a)));
    format!(
        "[Unit]\n\
Description=onshi agent (オンライン資格確認 link program for a cloud EMR)\n\
Wants=network-online.target\n\
After=network-online.target remote-fs.target\n\
\n\
[Service]\n\
Type=simple\n\
ExecStart={}\n\
Restart=always\n\
RestartSec=5\n\
{}UMask=0077\n\
NoNewPrivileges=true\n\
Environment=RUST_LOG=info\n\
\n\
[Install]\n\
WantedBy=multi-user.target\n",
        exec.join(" "),
        s.user
            .as_deref()
            .map(|u| format!("User={u}\n"))
            .unwrap_or_default()
    )
}

/// Writes `onshi-agent.service` into `dir` (e.g. `/etc/systemd/system`); returns its path.
pub fn install_systemd(dir: &Path, s: &UnitSettings) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let p = dir.join("onshi-agent.service");
    std::fs::write(&p, systemd_unit(s))?;
    Ok(p)
}

/// The Windows service's name.
pub const WINDOWS_SERVICE_NAME: &str = "onshi-agent";

/// Runs `main` as the Windows service [`WINDOWS_SERVICE_NAME`]: reports Running, and calls
/// `stop` when the service control manager asks it to stop. Blocks until the service ends.
#[cfg(windows)]
pub fn run_windows_service(
    main: fn(std::sync::mpsc::Receiver<()>) -> i32,
) -> Result<(), windows_service::Error> {
    use std::sync::OnceLock;
    static MAIN: OnceLock<fn(std::sync::mpsc::Receiver<()>) -> i32> = OnceLock::new();
    let _ = MAIN.set(main);
    windows_service::define_windows_service!(ffi_service_main, service_main);
    fn service_main(_args: Vec<std::ffi::OsString>) {
        use windows_service::service::{
            ServiceControl, ServiceControlAccept, ServiceExitCode, ServiceState, ServiceStatus,
            ServiceType,
        };
        use windows_service::service_control_handler::{self, ServiceControlHandlerResult};
        let (tx, rx) = std::sync::mpsc::channel();
        let handler = move |c| match c {
            ServiceControl::Stop | ServiceControl::Shutdown => {
                let _ = tx.send(());
                ServiceControlHandlerResult::NoError
            }
            ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
            _ => ServiceControlHandlerResult::NotImplemented,
        };
        let Ok(h) = service_control_handler::register(WINDOWS_SERVICE_NAME, handler) else {
            return;
        };
        let status = |state, accept, code| ServiceStatus {
            service_type: ServiceType::OWN_PROCESS,
            current_state: state,
            controls_accepted: accept,
            exit_code: ServiceExitCode::Win32(code),
            checkpoint: 0,
            wait_hint: std::time::Duration::from_secs(10),
            process_id: None,
        };
        let _ = h.set_service_status(status(
            ServiceState::Running,
            ServiceControlAccept::STOP | ServiceControlAccept::SHUTDOWN,
            0,
        ));
        let code = MAIN.get().map(|m| m(rx)).unwrap_or(1);
        let _ = h.set_service_status(status(
            ServiceState::Stopped,
            ServiceControlAccept::empty(),
            code as u32,
        ));
    }
    windows_service::service_dispatcher::start(WINDOWS_SERVICE_NAME, ffi_service_main)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_quotes_paths_and_restarts() {
        let u = systemd_unit(&UnitSettings {
            executable: "/usr/local/bin/onshi".into(),
            run_args: vec![
                "--terminal-root".into(),
                "/mnt/OQS share".into(),
                "--state-dir".into(),
                "/var/lib/onshi-agent".into(),
            ],
            user: Some("onshi".into()),
        });
        assert!(u.contains(
            "ExecStart=/usr/local/bin/onshi agent run --terminal-root \"/mnt/OQS share\" --state-dir /var/lib/onshi-agent\n"
        ));
        assert!(
            u.contains("Restart=always") && u.contains("User=onshi") && u.contains("UMask=0077")
        );
    }
}
