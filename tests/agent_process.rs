//! The agent as a real process: killed (SIGKILL) in the middle of sending face events and
//! restarted: every event reaches the EMR exactly once (by idempotency key). Also the
//! systemd unit the agent installs.
#![cfg(all(feature = "agent", feature = "relay", feature = "cli"))]

mod cloud_common;
use cloud_common::*;
use onshi::relay::RelayConfig;
use std::process::{Command as Proc, Stdio};
use std::time::{Duration, Instant};

fn agent_process(c: &Clinic, log: &std::path::Path) -> Child {
    let child = Proc::new(env!("CARGO_BIN_EXE_onshi"))
        .args(["agent", "run", "--status-addr", "off", "--create-folders"])
        .args([
            "--rescan-ms",
            "50",
            "--institution",
            INSTITUTION,
            "--heartbeat-secs",
            "1",
        ])
        .arg("--state-dir")
        .arg(&c.state_dir)
        .arg("--terminal-root")
        .arg(&c.terminal_root)
        .stdout(Stdio::null())
        .stderr(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)
                .unwrap(),
        )
        .spawn()
        .expect("spawn onshi agent run");
    Child(child)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn agent_killed_mid_send_and_restarted_loses_and_doubles_nothing() {
    let d = tempfile::tempdir().unwrap();
    let relay = RelayHandle::start(RelayConfig::new(sqlite_url(d.path()))).await;
    let c = clinic(&relay.base, "c1", d.path()).await;
    let emu = std::sync::Arc::new(emulator(&c.terminal_root));
    let log = d.path().join("agent.log");
    let mut agent = agent_process(&c, &log);
    c.emr.wait_state("ok", Duration::from_secs(30)).await;

    // A steady stream of patients at the reader, from another thread.
    let total = 150;
    let e2 = emu.clone();
    let pusher = std::thread::spawn(move || {
        let mut names = Vec::new();
        for _ in 0..total {
            names.extend(push_faces(&e2, 1));
            std::thread::sleep(Duration::from_millis(15));
        }
        names
    });
    // Kill it once some events went through, while others are in flight.
    let deadline = Instant::now() + Duration::from_secs(60);
    while c.emr.events().await.len() < 40 {
        assert!(Instant::now() < deadline, "no progress before the kill");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    agent.0.kill().unwrap();
    agent.0.wait().unwrap();
    let waiting = std::fs::read_dir(c.state_dir.join("outbox"))
        .map(|r| r.count())
        .unwrap_or(0);
    eprintln!("killed with {waiting} events in the outbox");
    tokio::time::sleep(Duration::from_millis(500)).await;
    agent = agent_process(&c, &log);
    let pushed = pusher.join().unwrap();
    let events = c.emr.wait_events(total, Duration::from_secs(60)).await;
    assert_exactly_once(&events, &pushed);
    drop(agent);
    relay.stop().await;
}

#[test]
fn install_systemd_writes_a_unit_that_runs_the_agent() {
    let d = tempfile::tempdir().unwrap();
    let out = Proc::new(env!("CARGO_BIN_EXE_onshi"))
        .args([
            "agent",
            "install",
            "--systemd",
            "--user",
            "onshi",
            "--unit-dir",
        ])
        .arg(d.path())
        .args([
            "--",
            "--terminal-root",
            "/mnt/oqs",
            "--state-dir",
            "/var/lib/onshi-agent",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let unit = std::fs::read_to_string(d.path().join("onshi-agent.service")).unwrap();
    assert!(unit.contains(" agent run --terminal-root /mnt/oqs --state-dir /var/lib/onshi-agent"));
    assert!(unit.contains("Restart=always"));
    assert!(unit.contains("User=onshi"));
}
