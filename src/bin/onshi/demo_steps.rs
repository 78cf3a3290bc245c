//! The demo steps that compare and apply results (diff, matching, history).

use crate::demo::{Demo, describe, say, summary, title};

/// New patient by My Number card, existing patient with differences, 負担割合 change,
/// ● name, 該当資格なし.
pub(crate) fn identity_steps(d: &mut Demo, next: &mut dyn FnMut() -> usize) {
    title(
        next(),
        "新患：マイナンバーカードで来院",
        "New patient by My Number card",
    );
    let p = d.person("新患");
    let ok = match d
        .emu
        .push_face(&p.id)
        .and_then(|_| d.client.next_face(crate::demo::T2))
    {
        Ok(Some(e)) => {
            say(
                &format!("顔認証付きカードリーダーの結果を受信: {}", e.file_name),
                "face result pushed by the reader, delivered once",
            );
            if let Ok(r) = &e.result {
                for q in &r.body.results {
                    say(&describe(q), "");
                }
            }
            true
        }
        _ => false,
    };
    d.done(
        "新患（マイナンバーカード）/ new patient by My Number card",
        ok,
    );

    for (label, ja, en) in [
        (
            "住所・氏名が変わった既存患者",
            "既存患者の資格確認",
            "Existing patient's eligibility check",
        ),
        ("後期高齢 1割→2割", "負担割合の変更", "Copay ratio changed"),
        ("● 氏名（髙", "● を含む氏名", "A name with ●"),
        ("該当資格なし", "該当資格なし", "No matching qualification"),
    ] {
        title(next(), ja, en);
        let p = d.person(label);
        let ok = match d.query(&p) {
            Ok(r) => {
                say(&summary(&r), "");
                true
            }
            Err(e) => {
                say(&format!("失敗: {e}"), "failed");
                false
            }
        };
        d.done(&format!("{ja} / {en}"), ok);
    }
}

/// 資格情報の解除.
pub(crate) fn unlink_step(_d: &mut Demo, _next: &mut dyn FnMut() -> usize) {}
