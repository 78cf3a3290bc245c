//! `onshi demo` runs every step, in a few seconds, and exits 0.
#![cfg(feature = "cli")]

use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn demo_runs_every_step_and_exits_zero() {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_onshi"))
        .arg("demo")
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    for key in [
        "新患：マイナンバーカードで来院",
        "新患登録の下書き",
        "既存患者の資格確認",
        "差分: 反映を推奨",
        "負担割合の変更",
        "旧資格を終了し、新しい資格を",
        "版2",
        "代替文字（●）",
        "考えられる原因",
        "資格情報の解除",
        "紐付けを解除（データは残す）",
        "● を含む氏名",
        "該当資格なし",
        "明日の予約の一括事前確認",
        "受付番号",
        "情報の提供は同意されていません",
        "薬剤情報を取得しました",
        "医療扶助",
        "医療券",
        "公費（医療費助成・PMH）",
        "版2 ",
        "上限額 20000円",
        "不明（公費の情報が届いていません）",
        "紙の受給者証を確認してください",
        "公費は失効扱いにしません",
        "資格情報の取得に時間がかかっています",
        "資格確認書の患者（記号・番号で資格確認）",
        "受付記録: 資格確認書",
        "今月のマイナ保険証利用率",
        "50.00%（患者 4 人中 2 人）",
        "まとめ / Summary",
        "demo finished: every step worked.",
    ] {
        assert!(stdout.contains(key), "missing {key:?} in:\n{stdout}");
    }
    assert!(!stdout.contains('✘'), "a step failed:\n{stdout}");
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
}

#[test]
fn demo_keep_leaves_the_folder() {
    let d = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_onshi"))
        .args(["demo", "--delay-ms", "0", "--keep"])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(d.path().join("req").is_dir() && d.path().join(".onshi").is_dir());
}
