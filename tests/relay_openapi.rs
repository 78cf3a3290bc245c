//! The committed OpenAPI file (`openapi/relay.yaml`) against the code: every route the
//! relay's source declares is documented with the same methods, every documented operation
//! is served (not the router's 404/405), and the relay serves the same file.
#![cfg(feature = "relay")]

mod cloud_common;
use cloud_common::*;
use onshi::relay::RelayConfig;
use std::collections::BTreeSet;

fn documented() -> BTreeSet<(String, String)> {
    let spec = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/relay.yaml"))
        .unwrap();
    let mut out = BTreeSet::new();
    let mut in_paths = false;
    let mut path = String::new();
    for line in spec.lines() {
        if line == "paths:" {
            in_paths = true;
            continue;
        }
        if !in_paths {
            continue;
        }
        if let Some(p) = line.strip_prefix("  /").and_then(|l| l.strip_suffix(':')) {
            path = format!("/{p}");
        } else if let Some(m) = line.strip_prefix("    ").and_then(|l| l.strip_suffix(':')) {
            if ["get", "post", "put", "delete", "patch"].contains(&m) {
                out.insert((m.to_string(), path.clone()));
            }
        }
    }
    out
}

/// `.route("PATH", get(h).post(h2))` in the relay's source files.
fn declared() -> BTreeSet<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/relay");
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let src = std::fs::read_to_string(e.path()).unwrap();
        for chunk in src.split(".route(").skip(1) {
            let Some(rest) = chunk.trim_start().strip_prefix('"') else {
                continue;
            };
            let Some(end) = rest.find('"') else { continue };
            let path = rest[..end].to_string();
            // The methods of this route: up to the end of the call.
            let body = &rest[end..];
            let stop = ["\n        .", "\n            ."]
                .iter()
                .filter_map(|s| body.find(s))
                .min()
                .unwrap_or(body.len());
            let body = &body[..stop];
            for m in ["get", "post", "put", "delete", "patch"] {
                let bare = format!(" {m}(");
                let chained = format!(".{m}(");
                let first = format!("({m}(");
                if body.contains(&bare) || body.contains(&chained) || body.contains(&first) {
                    out.insert((m.to_string(), path.clone()));
                }
            }
        }
    }
    out
}

#[test]
fn every_declared_route_is_documented_and_nothing_else() {
    let doc = documented();
    let code = declared();
    assert!(
        code.len() >= 15,
        "the source scan found the routes: {code:?}"
    );
    assert_eq!(code, doc, "routes in src/relay vs openapi/relay.yaml");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_is_served() {
    let d = tempfile::tempdir().unwrap();
    let relay = RelayHandle::start(RelayConfig::new(sqlite_url(d.path()))).await;
    let key = relay.relay.create_clinic("c1", "n").await.unwrap();
    let http = reqwest::Client::new();
    for (method, path) in documented() {
        let url = format!("{}{}", relay.base, path.replace("{id}", "x"));
        let token = if path.starts_with("/admin/v1") {
            ADMIN.to_string()
        } else {
            key.clone()
        };
        let b = match method.as_str() {
            "get" => http.get(&url),
            "post" => http.post(&url),
            "delete" => http.delete(&url),
            m => panic!("{m}"),
        };
        let b = if path == "/v1/events/stream" {
            b.query(&[("after", "0")])
        } else {
            b
        };
        let r = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            b.bearer_auth(token)
                .header("content-type", "application/json")
                .body("{}")
                .send(),
        )
        .await
        .unwrap()
        .unwrap();
        let status = r.status().as_u16();
        let ctype = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap_or("").to_string())
            .unwrap_or_default();
        assert_ne!(status, 405, "{method} {path}");
        assert!(
            status != 404 || ctype.contains("json"),
            "{method} {path} is not routed"
        );
    }
    let served = http
        .get(format!("{}/openapi.yaml", relay.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(served, onshi::relay::OPENAPI_YAML);
    relay.stop().await;
}
