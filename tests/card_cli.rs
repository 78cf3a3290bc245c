//! `onshi card virtual --mode …` and `onshi card read` through pcscd + vsmartcard-vpcd: the
//! read names a phone, a 顔認証マイナンバーカード or another card in Japanese and exits 1
//! before it asks for any PIN.
//!
//! Runs with `ONSHI_PCSC_TESTS=1` (pcscd + vsmartcard-vpcd running, as tests/run-all.sh sets
//! up); otherwise it prints a notice and passes. Uses slot 1 ("Virtual PCD 00 01").
#![cfg(all(feature = "cli", feature = "card"))]

use onshi::card::CardMonitor;
use onshi::card::virtual_card::vpcd::{SLOT1_PORT, SLOT1_READER};
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn card_read_names_what_was_put_on_the_reader() {
    if std::env::var("ONSHI_PCSC_TESTS").as_deref() != Ok("1") {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "card_cli: skipped (set ONSHI_PCSC_TESTS=1 with pcscd + vsmartcard-vpcd running)"
        );
        return;
    }
    let onshi = env!("CARGO_BIN_EXE_onshi");
    for (mode, says) in [
        (
            "android_smartphone",
            "スマートフォンのマイナ保険証からは券面情報を読み取れません",
        ),
        ("face_auth_card", "顔認証マイナンバーカード（暗証番号なし）"),
        (
            "iphone",
            "iPhone のマイナ保険証はこのカードリーダーでは読めない",
        ),
        ("juki_card", "住基カード"),
        ("locked_pin", "市区町村の窓口で暗証番号の再設定が必要です"),
    ] {
        let mut card = Command::new(onshi)
            .args([
                "card",
                "virtual",
                "--port",
                &SLOT1_PORT.to_string(),
                "--mode",
                mode,
            ])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        CardMonitor::new()
            .unwrap()
            .wait_for_card(Some(SLOT1_READER), Some(Duration::from_secs(10)))
            .unwrap_or_else(|e| panic!("{mode}: pcscd did not see the card: {e}"));
        let out = Command::new(onshi)
            .args(["card", "read", "--reader", SLOT1_READER, "--wait", "5"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let _ = card.kill();
        let _ = card.wait();
        CardMonitor::new()
            .unwrap()
            .wait_for_removal(SLOT1_READER, Some(Duration::from_secs(10)))
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{mode}: {stderr}");
        assert!(stderr.contains(says), "{mode}: {stderr}");
        assert!(
            !stderr.contains("暗証番号（数字4桁）"),
            "{mode}: asked for a PIN: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{mode}: printed data");
    }
}
