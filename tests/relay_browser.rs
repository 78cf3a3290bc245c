//! The status pages in a real browser: Debian's headless Chromium driven over WebDriver
//! (chromedriver) from this test. The agent's local page and the relay's admin page
//! (login, clinics, row 19 when the agent stops); screenshots are kept in
//! `target/test-artifacts/`. Runs when `ONSHI_BROWSER_TESTS=1` (tests/run-all.sh installs
//! chromium and chromium-driver and sets it); otherwise it says it was skipped.
#![cfg(all(feature = "agent", feature = "relay"))]

mod cloud_common;
use cloud_common::*;
use onshi::relay::RelayConfig;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    http: reqwest::Client,
    base: String,
    session: String,
    _child: Child,
    _profile: tempfile::TempDir,
}

impl Driver {
    async fn start() -> Driver {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let child = std::process::Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromedriver (apt install chromium-driver)");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = http.get(format!("{base}/status")).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                         "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync",
                         "--window-size=900,1100", "--lang=ja",
                         format!("--user-data-dir={}", profile.path().display())]
            }
        }}});
        let v: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        Driver {
            http,
            base,
            session,
            _child: Child(child),
            _profile: profile,
        }
    }

    async fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let b = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body),
        };
        let v: Value = b.send().await.unwrap().json().await.unwrap();
        v["value"].clone()
    }

    async fn go(&self, url: &str) {
        self.cmd("POST", "/url", json!({ "url": url })).await;
    }

    async fn find(&self, css: &str) -> Option<String> {
        let v = self
            .cmd(
                "POST",
                "/element",
                json!({ "using": "css selector", "value": css }),
            )
            .await;
        v[ELEMENT].as_str().map(String::from)
    }

    async fn text(&self, css: &str) -> String {
        match self.find(css).await {
            Some(e) => self
                .cmd("GET", &format!("/element/{e}/text"), Value::Null)
                .await
                .as_str()
                .unwrap_or("")
                .to_string(),
            None => String::new(),
        }
    }

    async fn attr(&self, css: &str, name: &str) -> String {
        match self.find(css).await {
            Some(e) => self
                .cmd(
                    "GET",
                    &format!("/element/{e}/attribute/{name}"),
                    Value::Null,
                )
                .await
                .as_str()
                .unwrap_or("")
                .to_string(),
            None => String::new(),
        }
    }

    /// Reloads `url` until `css`'s `attr` equals `want`.
    async fn wait_attr(&self, url: &str, css: &str, attr: &str, want: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            self.go(url).await;
            if self.attr(css, attr).await == want {
                return;
            }
            if Instant::now() >= deadline {
                let src = self.cmd("GET", "/source", Value::Null).await;
                panic!(
                    "{css}[{attr}] never became {want}: {:?} / {src}",
                    self.attr(css, attr).await
                );
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    async fn screenshot(&self, name: &str) -> std::path::PathBuf {
        let b64 = self.cmd("GET", "/screenshot", Value::Null).await;
        let png = decode_base64(b64.as_str().unwrap());
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, png).unwrap();
        p
    }

    async fn quit(&self) {
        self.cmd("DELETE", "", Value::Null).await;
    }
}

fn decode_base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => 0,
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let mut out = Vec::new();
    for ch in bytes.chunks(4) {
        let n = ch
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &c)| acc | (val(c) as u32) << (18 - 6 * i));
        let pad = ch.iter().filter(|&&c| c == b'=').count();
        let take = 3 - pad;
        for i in 0..take {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn status_pages_in_headless_chromium() {
    if std::env::var("ONSHI_BROWSER_TESTS").is_err() {
        eprintln!("skipped: set ONSHI_BROWSER_TESTS=1 (needs chromium and chromium-driver)");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let relay = RelayHandle::start(RelayConfig::new(sqlite_url(d.path()))).await;
    let c = clinic(&relay.base, "c1", d.path()).await;
    let emu = emulator(&c.terminal_root);
    let agent = start_agent(&c).await;
    c.emr.wait_health(Duration::from_secs(30)).await;
    let p = person(&emu, "社保 本人");
    emu.push_face(&p.id).unwrap();
    c.emr.wait_events(1, Duration::from_secs(30)).await;

    let driver = Driver::start().await;
    // The agent's local page.
    let page = format!("http://{}/", agent.status_addr().unwrap());
    driver
        .wait_attr(&page, "#connection", "data-state", "connected")
        .await;
    assert!(driver.text("#terminal").await.contains("正常"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !driver.text("#events").await.contains("送信済") {
        assert!(Instant::now() < deadline, "the event is not shown as sent");
        driver.go(&page).await;
    }
    let source = driver.cmd("GET", "/source", Value::Null).await;
    let source = source.as_str().unwrap();
    let name = p.qualifications[0]
        .person
        .name
        .as_ref()
        .unwrap()
        .expose()
        .clone();
    assert!(
        !source.contains(&name),
        "no patient name on the status page"
    );
    assert!(!source.contains("1980-04-01") && !source.contains("19800401"));
    let shot = driver.screenshot("agent-status.png").await;
    eprintln!("screenshot: {}", shot.display());

    // The admin page: login form, then the clinic list.
    let admin = format!("{}/admin", relay.base);
    driver.go(&admin).await;
    let token = driver.find("#token").await.expect("login form");
    driver
        .cmd(
            "POST",
            &format!("/element/{token}/value"),
            json!({ "text": ADMIN }),
        )
        .await;
    let login = driver.find("#login").await.unwrap();
    driver
        .cmd("POST", &format!("/element/{login}/click"), json!({}))
        .await;
    driver
        .wait_attr(
            &admin,
            "tr[data-clinic=c1] td[data-state]",
            "data-state",
            "ok",
        )
        .await;
    driver.screenshot("relay-admin.png").await;
    // The agent stops: the admin page shows row 19.
    drop(agent);
    driver
        .wait_attr(
            &admin,
            "tr[data-clinic=c1] td[data-state]",
            "data-state",
            "agent_down",
        )
        .await;
    assert!(
        driver
            .text("tr[data-clinic=c1]")
            .await
            .contains("資格情報の取得に時間がかかっています")
    );
    driver.screenshot("relay-admin-agent-down.png").await;
    driver.quit().await;
    emu.stop();
    relay.stop().await;
}
