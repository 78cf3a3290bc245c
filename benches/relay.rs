//! Face event from `face/` to the EMR's Server-Sent Events stream through `onshi agent` and
//! `onshi relay` (SQLite) on loopback: p50/p99 latency and events per second over 10,000
//! events, against the floor measured in the same run — the in-process client's own
//! delivery of a face file (`Client::on_face`) with the same folder watching. Also the
//! resident memory of an idle `onshi agent run` process.
//!
//! `cargo bench --bench relay --features cli,agent,relay`; `ONSHI_BENCH_EVENTS=N` changes
//! the count. A harness that prints ratios (criterion's sampling does not fit a pipeline
//! measured end to end).

use onshi::agent::terminal::TerminalConfig;
use onshi::agent::{Agent, AgentConfig};
use onshi::relay::{Rate, Relay, RelayConfig};
use onshi::terminal::{Client, ClientOptions, Emulator, EmulatorConfig, Layout, WatchConfig};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn emulator(root: &std::path::Path) -> Emulator {
    let mut c = EmulatorConfig::new(root);
    c.watch.rescan_interval = Duration::from_millis(200);
    Emulator::start(c).unwrap()
}

fn watch() -> WatchConfig {
    WatchConfig {
        use_events: true,
        rescan_interval: Duration::from_millis(200),
    }
}

/// Pushes `n` faces every `gap` (or as fast as possible); returns push times by file name.
fn push(emu: &Emulator, n: usize, gap: Option<Duration>) -> HashMap<String, Instant> {
    let mut ids: Vec<String> = emu.dataset().persons.iter().map(|p| p.id.clone()).collect();
    let mut out = HashMap::with_capacity(n);
    let mut next = 0usize;
    let start = Instant::now();
    for i in 0..n {
        if let Some(g) = gap {
            let due = start + g * i as u32;
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
        }
        // Persons who cannot use the face reader (no card) are skipped.
        loop {
            let id = ids[next % ids.len()].clone();
            let t = Instant::now();
            match emu.push_face(&id) {
                Ok(name) => {
                    out.insert(name, t);
                    next += 1;
                    break;
                }
                Err(_) => {
                    ids.retain(|x| *x != id);
                    assert!(!ids.is_empty(), "nobody can use the face reader");
                }
            }
        }
    }
    out
}

/// The floor: the library's client delivering face files in this process.
fn floor(n: usize, gap: Option<Duration>) -> (Vec<f64>, f64) {
    let d = tempfile::tempdir().unwrap();
    let emu = emulator(d.path());
    let opts = ClientOptions {
        watch: watch(),
        ..ClientOptions::default()
    };
    let client = Client::open(Layout::new(d.path()), opts).unwrap();
    let got: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let g2 = got.clone();
    let _sub = client.on_face(move |e| {
        if let Ok(e) = e {
            g2.lock().unwrap().push((e.file_name, Instant::now()));
        }
    });
    let start = Instant::now();
    let pushed = push(&emu, n, gap);
    while got.lock().unwrap().len() < n {
        std::thread::sleep(Duration::from_millis(5));
    }
    let elapsed = start.elapsed().as_secs_f64();
    let lat = got
        .lock()
        .unwrap()
        .iter()
        .map(|(k, t)| t.duration_since(pushed[k]).as_secs_f64() * 1000.0)
        .collect();
    emu.stop();
    (lat, n as f64 / elapsed)
}

async fn sse_keys(
    base: String,
    key: String,
    after: i64,
    n: usize,
    tx: tokio::sync::mpsc::UnboundedSender<(String, Instant)>,
) {
    let mut resp = reqwest::Client::new()
        .get(format!("{base}/v1/events/stream?after={after}"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    let mut buf = String::new();
    let mut seen = 0;
    while seen < n {
        let Ok(Some(c)) = resp.chunk().await else {
            return;
        };
        buf.push_str(&String::from_utf8_lossy(&c));
        while let Some(i) = buf.find("\n\n") {
            let block: String = buf.drain(..i + 2).collect();
            for l in block.lines() {
                if let Some(data) = l.strip_prefix("data:") {
                    let v: serde_json::Value = serde_json::from_str(data.trim()).unwrap();
                    let _ = tx.send((v["key"].as_str().unwrap().to_string(), Instant::now()));
                    seen += 1;
                }
            }
        }
    }
}

fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let n: usize = std::env::var("ONSHI_BENCH_EVENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    // Paced: each event written `gap` after the previous one (a clinic sees a few a minute;
    // this is a load test). At 2 ms the agent's two fsyncs per event fall behind on a busy
    // disk and the face folder backs up (see docs/agent-relay.md, "Measured").
    let gap = Duration::from_millis(
        std::env::var("ONSHI_BENCH_GAP_MS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(10),
    );
    let burst: usize = std::env::var("ONSHI_BENCH_BURST")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let d = tempfile::tempdir().unwrap();
        let mut cfg = RelayConfig::new(format!("sqlite://{}", d.path().join("relay.db").display()));
        cfg.admin_token = Some("bench".into());
        cfg.agent_rate = Rate {
            per_second: 1e9,
            burst: 1e9,
        };
        cfg.emr_rate = cfg.agent_rate;
        let relay = Relay::new(cfg).await.unwrap();
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", l.local_addr().unwrap());
        let r2 = relay.clone();
        tokio::spawn(async move { r2.serve(l, std::future::pending()).await });
        let key = relay.create_clinic("bench", "bench").await.unwrap();
        let code = relay.enrolment_code("bench").await.unwrap();
        let root = d.path().join("terminal");
        let emu = Arc::new(emulator(&root));
        let mut t = TerminalConfig::new(&root);
        t.rescan = Duration::from_millis(200);
        let mut acfg = AgentConfig::new(d.path().join("agent"), t);
        acfg.status_addr = None;
        onshi::agent::enrol(&acfg, &base, &code).await.unwrap();
        let agent = Agent::start(acfg).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;

        let paced = format!("paced every {} ms", gap.as_millis());
        for (label, pace, n) in [(paced.as_str(), Some(gap), n), ("burst", None, burst)] {
            // Floor first, same count and pacing.
            let fl_n = n;
            let (mut fl, fl_rate) =
                tokio::task::spawn_blocking(move || floor(fl_n, pace)).await.unwrap();
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            // The stream starts after what earlier phases left.
            let after = relay
                .store()
                .events_after("bench", 0, 1_000_000)
                .await
                .unwrap()
                .last()
                .map(|e| e.seq)
                .unwrap_or(0);
            let reader = tokio::spawn(sse_keys(base.clone(), key.clone(), after, n, tx));
            let e2 = emu.clone();
            let start = Instant::now();
            let pushed = tokio::task::spawn_blocking(move || push(&e2, n, pace)).await.unwrap();
            let mut lat = Vec::with_capacity(n);
            while lat.len() < n {
                let Some((k, t)) = rx.recv().await else { break };
                if let Some(p) = pushed.get(&k) {
                    lat.push(t.duration_since(*p).as_secs_f64() * 1000.0);
                }
            }
            let elapsed = start.elapsed().as_secs_f64();
            reader.abort();
            let rate = lat.len() as f64 / elapsed;
            let (p50, p99) = (pct(&mut lat, 0.5), pct(&mut lat, 0.99));
            let (f50, f99) = (pct(&mut fl, 0.5), pct(&mut fl, 0.99));
            println!("relay/{label}: {n} events");
            println!(
                "  face/ → EMR SSE via agent+relay: p50 {p50:.2} ms  p99 {p99:.2} ms  {rate:.0} events/s"
            );
            println!(
                "  floor (in-process Client::on_face): p50 {f50:.2} ms  p99 {f99:.2} ms  {fl_rate:.0} events/s"
            );
            println!(
                "  ratio: p50 ×{:.1}  p99 ×{:.1}  throughput ×{:.2} of the floor",
                p50 / f50.max(1e-3),
                p99 / f99.max(1e-3),
                rate / fl_rate
            );
        }
        drop(agent);

        // An idle agent process: resident memory after it connected and settled.
        let code = {
            relay.create_clinic("idle", "idle").await.unwrap();
            relay.enrolment_code("idle").await.unwrap()
        };
        let state = d.path().join("idle-agent");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_onshi"))
            .args(["agent", "enrol", "--relay", &base, "--code", &code, "--state-dir"])
            .arg(&state)
            .output()
            .unwrap();
        assert!(out.status.success());
        let idle_root = d.path().join("idle-terminal");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_onshi"))
            .args(["agent", "run", "--status-addr", "off", "--create-folders", "--state-dir"])
            .arg(&state)
            .arg("--terminal-root")
            .arg(&idle_root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
        let rss = rss_kib(child.id());
        let _ = child.kill();
        let _ = child.wait();
        println!(
            "idle agent process (connected, 5 s): VmRSS {} KiB",
            rss.map(|r| r.to_string()).unwrap_or("?".into())
        );
        emu_stop(emu);
    });
}

fn emu_stop(emu: Arc<Emulator>) {
    if let Ok(e) = Arc::try_unwrap(emu) {
        e.stop();
    }
}
