//! Scale-out on PostgreSQL: two `onshi relay serve` processes share one database; the
//! agent holds its connection to one, the EMR talks to the other. Commands are routed with
//! LISTEN/NOTIFY, results and events come back through the database.
#![cfg(all(feature = "agent", feature = "relay", feature = "cli"))]

mod cloud_common;
use cloud_common::*;
use onshi::cloud::protocol::Command;
use std::process::{Command as Proc, Stdio};
use std::time::Duration;

const T: Duration = Duration::from_secs(30);

fn relay_process(db: &str, log: &std::path::Path) -> (Child, String) {
    let mut c = Proc::new(env!("CARGO_BIN_EXE_onshi"))
        .args(["relay", "serve", "--db", db, "--listen", "127.0.0.1:0"])
        .env("ONSHI_ADMIN_TOKEN", ADMIN)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("spawn onshi relay serve");
    let v = first_json_line(&mut c);
    let addr = v["listening"].as_str().expect("listening line").to_string();
    (Child(c), format!("http://{addr}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_relay_processes_on_one_postgres_route_commands_and_events() {
    let Some(base) = pg_url() else { return };
    let db = fresh_pg_db(&base, "twoproc").await;
    let d = tempfile::tempdir().unwrap();
    let (_a, a) = relay_process(&db, &d.path().join("relay-a.log"));
    let (_b, b) = relay_process(&db, &d.path().join("relay-b.log"));
    // The clinic is created through A; the agent enrols and connects through B.
    let c = clinic(&b, "c1", d.path()).await;
    let emr_a = Emr::new(&a, &c.emr.key);
    let emu = emulator(&c.terminal_root);
    let agent = start_agent(&c).await;
    let st = emr_a.wait_health(T).await;
    assert_eq!(st["state"], "ok", "A sees the agent held by B: {st}");

    // A command entering A runs on the agent connected to B.
    let p = person(&emu, "社保 本人");
    let v = emr_a
        .run(
            &Command::Query {
                query: query_for(&p),
                date: today(),
            },
            T,
        )
        .await;
    assert_eq!(v["outcome"]["status"], "answer", "{v}");
    for _ in 0..5 {
        let v = emr_a.run(&Command::Doctor, T).await;
        assert_eq!(v["state"], "done");
    }
    // Face events stored by B reach A's stream.
    let mut sse = Sse::open(&emr_a, None).await;
    let pushed = push_faces(&emu, 3);
    let mut got = Vec::new();
    while got.len() < 3 {
        got.push(sse.next(T).await.expect("event on A's stream").1);
    }
    assert_exactly_once(&got, &pushed);
    // The agent stops: A shows row 19.
    drop(agent);
    let st = emr_a.wait_state("agent_down", T).await;
    assert!(
        st["message_ja"]
            .as_str()
            .unwrap()
            .starts_with("資格情報の取得に時間がかかっています")
    );
    emu.stop();
}
