//! The catalogue of every Japanese message onshi shows to clinic staff: code → message →
//! what to do.
//!
//! A vendor who wants the same wording on every screen (or a translation reviewed once) takes
//! the catalogue instead of copying strings out of the library: [`catalogue`] in Rust, or the
//! files generated from it, `docs/ja/messages.json`, `docs/ja/messages.csv` (UTF-8 with a
//! BOM, so that Excel on a Japanese Windows opens it correctly) and the page
//! `docs/ja/messages.md`. A test regenerates both and
//! fails when the committed files differ (`ONSHI_UPDATE_MESSAGES=1 cargo test --test
//! messages` rewrites them), and another checks that every code the library can emit — every
//! `onshi_status`, every diff advice, cause and notice, every new-patient note, every
//! terminal outcome and `doctor` finding — has a row.
//!
//! The texts are not copied here: each row is read from the code that emits it
//! ([`Advice::message`], [`CardError::staff_message`], [`doctor::assess`] …), so the catalogue
//! cannot drift from what staff see. What only the catalogue holds is the column "what to do"
//! for messages that do not say it themselves, and the Japanese text of the statuses that
//! have no staff message elsewhere ([`STATUSES`]).
//!
//! ## Adding messages
//!
//! Each family is one function of [`FAMILIES`] listing its rows. A new variant of an existing
//! family is one more row (the test names what is missing); a new family is one more function
//! in that list. Values that change at run time appear as placeholders: `{count}`,
//! `{seconds}`, `{folders}`, `{errors}`, `{tries_left}`, `{name}`, `{sw}`, `{prefixes}` (file
//! prefixes with their counts, `OQSsiquc 3 件、OQSmuquc 1 件`).
//!
//! ```
//! let all = onshi::messages::catalogue();
//! let row = all.iter().find(|m| m.code == "cause.not_found").unwrap();
//! assert_eq!(row.message_ja, "該当資格なし");
//! assert!(row.action_ja.contains("保険証"));
//! let pin = all.iter().find(|m| m.code == "ONSHI_CARD_WRONG_PIN").unwrap();
//! assert_eq!(pin.status, Some(506));
//! assert!(pin.message_ja.contains("残り {tries_left} 回"));
//! ```

use crate::card::{CardError, NotMyNumberCardKind, StatusWord};
use crate::diff::{Advice, Cause, NoticeKind};
use crate::ffi::status as st;
use crate::matching::DraftNote;
use crate::terminal::doctor::{self, AgedFile, DoctorOptions, Facts, FolderFacts, Health};
use crate::terminal::outcome::{ConsentRefusal, DocumentKind, NotAnswering};
use serde::Serialize;
use std::time::Duration;

/// The version of the catalogue's JSON and CSV layout (not of its content).
pub const CATALOGUE_SCHEMA_VERSION: u32 = 1;

/// Who a message is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Reception staff (受付): shown on the reception screen as it is.
    Reception,
    /// Whoever runs the clinic's IT (院内のシステム担当者, the vendor's support desk):
    /// terminal, network, folders, card-reader set-up.
    Administrator,
    /// The vendor's developers: a misuse of the API or a bug. Staff should be told
    /// 「システムエラーが発生しました。システム担当者に連絡してください。」 with the code.
    Developer,
}

impl Audience {
    /// Japanese label.
    pub fn label(self) -> &'static str {
        match self {
            Audience::Reception => "受付",
            Audience::Administrator => "システム担当者",
            Audience::Developer => "開発者",
        }
    }
}

/// One row of the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StaffMessage {
    /// Stable code: the C name of an `onshi_status` (`ONSHI_CARD_NO_CARD`), or
    /// `<family>.<name>` (`advice.substitute_mark`, `cause.not_found`,
    /// `doctor.link_program.error` …) with the names the JSON outputs of the library use.
    pub code: String,
    /// The family: `status`, `advice`, `cause`, `notice`, `draft_note`, `terminal`, `doctor`.
    pub category: &'static str,
    /// The `onshi_status` number, for rows that are statuses.
    pub status: Option<u32>,
    /// Who it is for.
    pub audience: Audience,
    /// The message, as the library emits it (placeholders for run-time values).
    pub message_ja: String,
    /// Background: possible causes, or what was found (may be empty).
    pub detail_ja: String,
    /// What to do.
    pub action_ja: String,
    /// Where the library emits it (Rust path).
    pub source: &'static str,
}

/// The families of the catalogue, in order. Each pushes its rows.
pub const FAMILIES: &[fn(&mut Vec<StaffMessage>)] = &[
    status_rows,
    advice_rows,
    cause_rows,
    notice_rows,
    draft_note_rows,
    terminal_rows,
    doctor_rows,
];

/// Every staff-facing message of the library, in a fixed order.
pub fn catalogue() -> Vec<StaffMessage> {
    let mut out = Vec::new();
    for family in FAMILIES {
        family(&mut out);
    }
    out
}

/// The catalogue as JSON: `{"schema_version": 1, "messages": [ … ]}`, pretty-printed, one
/// row per object, keys in the order of [`StaffMessage`]; `status` is `null` for non-status
/// rows.
pub fn to_json(messages: &[StaffMessage]) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        schema_version: u32,
        messages: &'a [StaffMessage],
    }
    let mut s = serde_json::to_string_pretty(&Doc {
        schema_version: CATALOGUE_SCHEMA_VERSION,
        messages,
    })
    .expect("the catalogue serializes");
    s.push('\n');
    s
}

/// The catalogue as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, a
/// quote or a line break), UTF-8 with a byte-order mark. Columns: `code, category, status,
/// audience, message_ja, detail_ja, action_ja, source`; line breaks inside a field are kept.
pub fn to_csv(messages: &[StaffMessage]) -> String {
    fn field(out: &mut String, v: &str) {
        if v.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&v.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(v);
        }
    }
    let mut out = String::from(
        "\u{FEFF}code,category,status,audience,message_ja,detail_ja,action_ja,source\r\n",
    );
    for m in messages {
        let status = m.status.map(|s| s.to_string()).unwrap_or_default();
        let audience = serde_json::to_value(m.audience).expect("serializes");
        let cols = [
            m.code.as_str(),
            m.category,
            status.as_str(),
            audience.as_str().unwrap_or_default(),
            m.message_ja.as_str(),
            m.detail_ja.as_str(),
            m.action_ja.as_str(),
            m.source,
        ];
        for (i, c) in cols.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            field(&mut out, c);
        }
        out.push_str("\r\n");
    }
    out
}

/// The catalogue as a Markdown page (`docs/ja/messages.md`): one table per category, with
/// the code, the status number, who it is for, the message, the background and what to do.
pub fn to_markdown(messages: &[StaffMessage]) -> String {
    fn cell(s: &str) -> String {
        s.replace('|', "\\|").replace('\n', "<br>")
    }
    let titles = [
        ("status", "エラー（onshi_status）"),
        ("advice", "差分の項目ごとの案内（advice）"),
        ("cause", "資格を確認できなかった理由（cause）"),
        ("notice", "差分のお知らせ（notice）"),
        ("draft_note", "新患登録の下書きの注意（draft_note）"),
        ("terminal", "端末が応答しない・同意がない（terminal）"),
        ("doctor", "接続の確認 onshi doctor（doctor）"),
    ];
    let mut out = String::from(
        "# 受付向けメッセージ一覧\n\n\
         <!-- Generated from onshi::messages by tests/messages.rs. Do not edit: change the code, then \
         ONSHI_UPDATE_MESSAGES=1 cargo test --test messages. -->\n\n\
         onshi が受付・システム担当者に表示する日本語の文言の一覧です（コード → メッセージ → 対応）。\
         同じ内容を [messages.json](messages.json) と [messages.csv](messages.csv)（UTF-8、BOM 付き）でも\
         配布しています。`{count}` などの波括弧は、実行時に数値や名前が入る箇所です。\n\n\
         対象：**受付** はそのまま受付画面に表示する文言、**システム担当者** は院内の担当者・ベンダー窓口\
         向け、**開発者** は組み込みの誤りや不具合で、受付には「システムエラーが発生しました。システム\
         担当者に連絡してください。」とコードを表示してください。\n",
    );
    for (category, title) in titles {
        let rows: Vec<&StaffMessage> = messages.iter().filter(|m| m.category == category).collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {title}\n\n| コード | 番号 | 対象 | メッセージ | 背景 | 対応 |\n|---|---|---|---|---|---|\n"));
        for m in rows {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} | {} |\n",
                m.code,
                m.status.map(|s| s.to_string()).unwrap_or_default(),
                m.audience.label(),
                cell(&m.message_ja),
                cell(&m.detail_ja),
                cell(&m.action_ja)
            ));
        }
    }
    let known: Vec<&str> = titles.iter().map(|(c, _)| *c).collect();
    assert!(
        messages.iter().all(|m| known.contains(&m.category)),
        "a category without a title in to_markdown"
    );
    out
}

/// The serde name of a unit variant (`Advice::SubstituteMark` → `substitute_mark`).
fn wire_name<T: Serialize>(v: T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("not a unit variant: {other:?}"),
    }
}

fn lines<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| format!("・{}", s.as_ref()))
        .collect::<Vec<_>>()
        .join("\n")
}

// ------------------------------------------------------------------------------- statuses

/// One row per `onshi_status` (the numbers themselves are written once, as the `ONSHI_*`
/// constants of `onshi.h`): its name, an English description for developers and logs, who
/// acts on it, and the Japanese texts for staff — what happened and what to do.
/// `onshi_status_message_ja` and the staff text of an error that has none of its own are
/// `message_ja` followed by `action_ja`. A card status's message in the catalogue is the
/// richer [`CardError::staff_message`] (it names the tries left, the reader …); the short one
/// here is for a bare status. `ONSHI_TERMINAL_NOT_ANSWERING` and
/// `ONSHI_TERMINAL_NOT_CONSENTED` carry the outcome texts of `terminal.*` as well.
///
/// ```
/// use onshi::messages::{Audience, STATUSES};
/// let row = STATUSES.iter().find(|r| r.name == "ONSHI_ID_CHECK_DIGIT").unwrap();
/// assert_eq!(row.status, 103);
/// assert_eq!(row.audience, Audience::Reception);
/// assert!(row.message_ja.contains("検証番号"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusText {
    /// The number (`ONSHI_*` in `onshi.h`, [`crate::Error::code`]).
    pub status: u32,
    /// The symbolic name, e.g. `"ONSHI_ID_LENGTH"`.
    pub name: &'static str,
    /// A short English description (`onshi_status_message`).
    pub english: &'static str,
    /// Who acts on it.
    pub audience: Audience,
    /// What happened, for staff (Japanese; empty only for `ONSHI_OK`).
    pub message_ja: &'static str,
    /// What to do (Japanese; empty only for `ONSHI_OK`).
    pub action_ja: &'static str,
}

/// One [`StatusText`] row: the constant's name is written once and gives both the number and
/// the name.
macro_rules! status {
    ($name:ident, $audience:ident, $english:literal, $message:literal, $action:literal) => {
        StatusText {
            status: st::$name,
            name: stringify!($name),
            english: $english,
            audience: Audience::$audience,
            message_ja: $message,
            action_ja: $action,
        }
    };
}

/// Every `onshi_status`, in number order (a test checks the order and that every `ONSHI_*`
/// constant of `src/ffi/status.rs` has exactly one row).
#[rustfmt::skip]
pub const STATUSES: &[StatusText] = &[
    status!(ONSHI_OK, Developer, "success", "", ""),
    status!(ONSHI_ID_EMPTY, Reception, "identifier is empty", "番号が入力されていません。", "保険証等を見て、保険者番号・記号・番号を入力してください。"),
    status!(ONSHI_ID_NOT_DIGIT, Reception, "identifier holds a character that is not allowed", "番号に使えない文字が含まれています。", "保険者番号・公費負担者番号・受給者番号は数字だけで入力してください（全角数字は自動で半角になります）。"),
    status!(ONSHI_ID_LENGTH, Reception, "identifier has the wrong number of digits", "番号の桁数が違います。", "保険者番号は 6 桁（国保）または 8 桁、公費負担者番号は 8 桁、受給者番号は国の公費では 7 桁です。保険証等で確認して入力し直してください。"),
    status!(ONSHI_ID_CHECK_DIGIT, Reception, "check digit (検証番号) does not match", "番号の検証番号（最後の 1 桁）が一致しません。入力誤りの可能性があります。", "保険証等で番号を確認してください。オンライン資格確認で返却された番号の場合は、検証番号のエラーは無視してかまいません。"),
    status!(ONSHI_ID_PREFECTURE, Reception, "prefecture digits are not 01-47", "番号の都道府県番号（01〜47）が正しくありません。", "保険証等で番号を確認して入力し直してください。"),
    status!(ONSHI_ID_TOO_LONG, Reception, "identifier is longer than allowed", "番号が長すぎます。", "記号・番号・枝番の欄に余分な文字が入っていないか確認してください。"),
    status!(ONSHI_XML_SYNTAX, Administrator, "the XML is not well-formed", "資格確認端末のファイルを読み取れませんでした（XML の形式が正しくありません）。", "ファイルが暗号化されていないか（encrypt.conf）、書き込み途中でないかを確認してください。続く場合はファイル名とエラー番号を添えてベンダーに連絡してください。"),
    status!(ONSHI_XML_ENCODING, Administrator, "bytes not valid in the file's encoding", "資格確認端末のファイルの文字コードが正しくありません。", "ファイル名とエラー番号を添えてベンダーに連絡してください。"),
    status!(ONSHI_XML_UNSUPPORTED_ENCODING, Administrator, "an encoding other than UTF-8 or Shift_JIS", "資格確認端末のファイルが対応していない文字コードです（UTF-8 と Shift_JIS のみ対応）。", "連携アプリケーションの文字コード設定を確認してください。"),
    status!(ONSHI_XML_FORBIDDEN, Administrator, "a DOCTYPE, custom entity or processing instruction", "安全のため読み込まないファイルです（DOCTYPE・外部実体など）。", "資格確認端末以外のプログラムが共有フォルダにファイルを置いていないか確認してください。"),
    status!(ONSHI_XML_TOO_LARGE, Administrator, "the file is larger than the limit", "ファイルが大きすぎるため読み込みませんでした。", "共有フォルダに資格確認端末以外のファイルが置かれていないか確認してください。"),
    status!(ONSHI_XML_TOO_DEEP, Administrator, "elements nest deeper than the limit", "ファイルの構造が深すぎるため読み込みませんでした。", "共有フォルダに資格確認端末以外のファイルが置かれていないか確認してください。"),
    status!(ONSHI_XML_UNEXPECTED_ROOT, Administrator, "the root element is not XmlMsg", "資格確認端末のファイルではありません（XmlMsg で始まっていません）。", "共有フォルダに資格確認端末以外のファイルが置かれていないか確認してください。"),
    status!(ONSHI_XML_UNEXPECTED_TEXT, Administrator, "text where only elements belong", "資格確認端末のファイルの形式が想定と違います。", "ファイル名とエラー番号を添えてベンダーに連絡してください。"),
    status!(ONSHI_XML_UNEXPECTED_ELEMENT, Administrator, "an element inside a text field", "資格確認端末のファイルの形式が想定と違います。", "ファイル名とエラー番号を添えてベンダーに連絡してください。"),
    status!(ONSHI_XML_INVALID_VALUE, Administrator, "a field's value cannot be read", "資格確認端末のファイルに読み取れない値があります（日付の形式など）。", "ファイル名とエラー番号を添えてベンダーに連絡してください。"),
    status!(ONSHI_XML_UNKNOWN_MESSAGE, Administrator, "the content is not a message of the interface", "資格確認端末のどの種類のファイルにも当てはまりません。", "ファイル名とエラー番号を添えてベンダーに連絡してください。"),
    status!(ONSHI_XML_UNREPRESENTABLE, Reception, "a character Shift_JIS cannot carry", "Shift_JIS で書けない文字が含まれているため、要求ファイルを作れませんでした。", "氏名等に外字・環境依存文字が入っていないか確認し、代わりの文字で入力してください。"),
    status!(ONSHI_XML_UNWRITABLE, Reception, "a value or name XML cannot carry", "ファイルに書けない文字（制御文字など）が含まれています。", "入力した内容に余分な記号や改行が入っていないか確認してください。"),
    status!(ONSHI_XML_TOO_MANY_UNKNOWN, Administrator, "more unmodelled elements than a document of this size may hold", "資格確認端末のファイルに、想定していない項目が多すぎるため読み込みを中止しました。", "資格確認端末以外のプログラムが作ったファイルの可能性があります。ファイル名とエラー番号を添えてベンダーに連絡してください。"),
    status!(ONSHI_XML_ENCRYPTED, Administrator, "the content is not XML: encrypted by the terminal", "資格確認端末のファイル暗号化設定（encrypt.conf / encrypt_face.conf）が有効です。レセコンベンダーの復号モジュールが必要です。", "レセコンベンダーの復号モジュールを設定するか（onshi の --decrypt-command、復号フック）、端末の暗号化設定を確認してください。ファイルは壊れていません。"),
    status!(ONSHI_XML_FILE_NAME_UNSAFE, Administrator, "a file name is not a plain file name (path separator, .., too long …)", "ファイル名が安全でないため使いません（フォルダ区切りや「..」を含むなど）。", "共有フォルダに資格確認端末以外のファイルが置かれていないか確認してください。"),
    status!(ONSHI_XML_FILE_NAME_NOT_INTERFACE, Administrator, "a file name is not a terminal interface file name", "資格確認端末のファイル名の規則に合わないファイルです。", "共有フォルダに資格確認端末以外のファイルが置かれていないか確認してください。"),
    status!(ONSHI_HISTORY_NOT_CONFIRMED, Reception, "the result does not confirm a qualification; nothing to apply", "資格が確認できなかったため、反映するものがありません。", "資格確認の結果（該当資格なし・資格無効など）の案内に従ってください。"),
    status!(ONSHI_HISTORY_IDENTITY_NOT_VERIFIED, Reception, "identity must be verified before this result is applied", "本人確認が済んでいないため反映できません。", "患者様の本人確認を行い、確認済みとしてから反映してください。"),
    status!(ONSHI_HISTORY_STALE_REVIEW, Reception, "the diff does not match the current version; compare again", "確認した後に資格情報が変更されたため反映できません。", "もう一度資格確認の結果を確認（比較）してから反映してください。"),
    status!(ONSHI_HISTORY_SUBSTITUTE_REFUSED, Reception, "a value holding a substitute mark cannot replace the registered value", "「●」を含む値は登録済みの値と置き換えられません。", "その項目は反映せず、登録済みの値のまま紐付けてください。"),
    status!(ONSHI_HISTORY_NO_SUCH_VERSION, Developer, "no version has this id", "指定した資格履歴が見つかりません。", "画面を開き直してから操作してください。続く場合はシステム担当者に連絡してください。"),
    status!(ONSHI_HISTORY_NOT_LINKED, Reception, "the version is not linked to a result", "この資格は資格確認の結果と紐付いていません。", "解除する必要はありません。"),
    status!(ONSHI_HISTORY_EMPTY, Developer, "the history has no version", "資格履歴がありません。", "保険情報を登録してから操作してください。"),
    status!(ONSHI_HISTORY_INVALID_END, Reception, "end date out of the version's period", "有効終了日が有効開始日より前、または次の資格の開始日より後です。", "日付を確認して入力し直してください。"),
    status!(ONSHI_HISTORY_DATE_OUT_OF_RANGE, Reception, "date out of range", "日付が扱える範囲を超えています。", "日付を確認して入力し直してください。"),
    status!(ONSHI_HISTORY_INCONSISTENT, Developer, "the history breaks its invariants", "資格履歴のデータに矛盾があります（期間の重なり・重複など）。", "システム担当者に連絡してください。"),
    status!(ONSHI_HISTORY_UNKNOWN, Reception, "no PMH data for this 公費: nothing to apply, and it is not expired", "医療費助成（公費）の情報が届いていません（未同意・自治体未対応・資格喪失のいずれか）。反映するものはなく、公費は失効していません。", "紙の受給者証を確認してください。"),
    status!(ONSHI_HISTORY_WRONG_KIND, Developer, "a record, diff or JSON of another kind than the history keeps", "保険の資格履歴と公費の履歴（または比較結果）を取り違えています。", "システム担当者に連絡してください。"),
    status!(ONSHI_TERMINAL_IO, Administrator, "a file-system operation of the terminal client failed", "資格確認端末の共有フォルダの読み書きに失敗しました。", "共有フォルダへの接続（ネットワーク・資格情報）と空き容量を確認してください。"),
    status!(ONSHI_TERMINAL_NOT_ANSWERING, Reception, "no answer from the terminal in time", "資格情報の取得に時間がかかっています。資格確認端末の連携アプリケーションが起動しているか確認してください。", "資格確認端末と連携アプリケーションが起動しているか確認してください（詳しくは terminal.not_answering.* の案内）。"),
    status!(ONSHI_TERMINAL_REJECTED, Administrator, "the terminal rejected the request (.err)", "資格確認端末が要求を受け付けませんでした（エラーファイルが返されました）。", "エラーファイルの内容を確認してください。入力内容に誤りがなければ、ファイル名を添えてベンダーに連絡してください。"),
    status!(ONSHI_TERMINAL_BAD_ANSWER, Administrator, "the answer file cannot be read", "資格確認端末から返されたファイルを読み取れませんでした。", "ファイルが暗号化されていないか（encrypt.conf）確認してください。続く場合はファイル名を添えてベンダーに連絡してください。"),
    status!(ONSHI_TERMINAL_MISMATCH, Administrator, "the answer does not belong to the request", "返されたファイルが、送った要求の結果ではありません。", "もう一度照会してください。続く場合はベンダーに連絡してください。"),
    status!(ONSHI_TERMINAL_UNEXPECTED_ANSWER, Administrator, "the answer is not of the expected kind", "資格確認端末から想定と違う種類の結果が返されました。", "もう一度照会してください。続く場合はファイル名を添えてベンダーに連絡してください。"),
    status!(ONSHI_TERMINAL_INVALID_REQUEST, Reception, "the request cannot be written", "照会に必要な項目が足りないため、要求を作れませんでした。", "保険者番号・記号・番号・生年月日など、照会に必要な項目を入力してください。"),
    status!(ONSHI_TERMINAL_ENCODE, Reception, "the request could not be encoded", "要求ファイルを作れませんでした（Shift_JIS で書けない文字など）。", "入力内容に外字・環境依存文字が入っていないか確認してください。"),
    status!(ONSHI_TERMINAL_BULK_FAILED, Administrator, "the bulk request failed (異常終了)", "一括照会が異常終了しました。", "処理結果メッセージを確認し、時間をおいて再度実行してください。"),
    status!(ONSHI_TERMINAL_BULK_DEADLINE, Administrator, "the bulk request was still in progress at the deadline", "一括照会の結果が時間内に返りませんでした（処理中）。", "しばらくしてから、同じ受付番号で結果を取得してください。"),
    status!(ONSHI_TERMINAL_DATASET, Developer, "the emulator dataset is invalid", "エミュレーターのデータセットが正しくありません。", "データセットの JSON を確認してください（テスト用の機能です）。"),
    status!(ONSHI_TERMINAL_MISSING_FOLDER, Administrator, "req/, res/ or face/ does not exist", "資格確認端末の共有フォルダ（req・res・face）が見つかりません。", "共有フォルダの場所の設定と、ネットワーク共有が接続されているかを確認してください。"),
    status!(ONSHI_TERMINAL_NOT_CONSENTED, Reception, "the patient has not consented to the document (情報の提供は同意されていません)", "情報の提供は同意されていません", "患者様が顔認証付きカードリーダーで情報提供に同意した場合のみ閲覧できます（terminal.not_consented.* の案内）。"),
    status!(ONSHI_TERMINAL_CANCELLED, Reception, "cancelled with its cancel token", "資格確認の待機を取り消しました。", "結果は後から届くことがあります。必要ならもう一度確認するか、結果確認（onshi tickets collect）で受け取ってください。"),
    status!(ONSHI_TERMINAL_TOO_LARGE, Administrator, "a file of the shared folders is larger than the limit", "共有フォルダに大きすぎるファイルがあるため読み込みませんでした。", "資格確認端末以外のプログラムが置いたファイルの可能性があります。ファイルを確認し、不要なら移動してください。"),
    status!(ONSHI_TERMINAL_NOT_REGULAR_FILE, Administrator, "not a regular file (FIFO, device, folder); not read", "共有フォルダに通常のファイルではないもの（フォルダなど）が結果の名前で置かれているため読み込みませんでした。", "共有フォルダの中身を確認し、資格確認端末のファイル以外は移動してください。"),
    status!(ONSHI_TERMINAL_SYMLINK, Administrator, "a symbolic link; not followed", "共有フォルダに結果の名前でショートカット（シンボリックリンク）が置かれているため読み込みませんでした。", "安全のためリンクはたどりません。共有フォルダの中身を確認し、リンクを削除してください。"),
    status!(ONSHI_TERMINAL_ALREADY_COLLECTED, Reception, "the ticket's answer was collected before", "この照会の結果はすでに受け取られています。", "受け取った結果を確認してください。改めて確認する場合はもう一度照会してください。"),
    status!(ONSHI_TERMINAL_ALREADY_RUNNING, Developer, "another emulator already runs on this root", "この共有フォルダでは別のエミュレーターがすでに動いています。", "先に動いているエミュレーターを止めるか、別のフォルダを指定してください。"),
    status!(ONSHI_TERMINAL_EMULATOR_STOPPED, Developer, "the emulator was stopped", "エミュレーターは停止しています。", "エミュレーターを起動し直してから操作してください。"),
    status!(ONSHI_TERMINAL_ENCRYPTED, Administrator, "a res/ or face/ file is encrypted and no decryption hook is set", "資格確認端末のファイル暗号化設定（encrypt.conf / encrypt_face.conf）が有効です。レセコンベンダーの復号モジュールが必要です。", "レセコンベンダーの復号モジュールを設定するか（onshi の --decrypt-command、復号フック）、端末の暗号化設定（該当するプレフィックスの行）を確認してください。ファイルはそのまま残してあります。"),
    status!(ONSHI_TERMINAL_HOOK_FAILED, Administrator, "the decryption or encryption hook failed", "暗号化されたファイルの復号（または要求の暗号化）に失敗しました。", "レセコンベンダーの復号モジュールの設定（プログラムの場所、鍵）と動作を確認してください。ファイルはそのまま残してあります。"),
    status!(ONSHI_TERMINAL_ZIP_REFUSED, Administrator, "a zipped bulk result was refused (extra or unsafe entries, encrypted entry, damaged archive)", "一括照会の結果（ZIP）に、結果ファイル以外のものや安全でない名前が含まれているため読み込みませんでした。", "資格確認端末が書いたファイルか確認してください。ファイルは res フォルダに残してあります。"),
    status!(ONSHI_TERMINAL_ZIP_TOO_LARGE, Administrator, "a zipped bulk result inflates beyond the limit (zip bomb)", "一括照会の結果（ZIP）が大きすぎる、または圧縮率が異常なため読み込みませんでした。", "資格確認端末が書いたファイルか確認してください。ファイルは res フォルダに残してあります。"),
    status!(ONSHI_TERMINAL_UNKNOWN_SEGMENT, Reception, "a bulk download answered an unknown SegmentOfResult", "一括照会の結果に不明な処理結果区分が返りました。正常に終わったか確認できないため、結果は使いません。", "時間をおいて再度一括照会してください。続く場合は資格確認端末のベンダーに連絡してください。"),
    status!(ONSHI_CARD_NO_READER, Administrator, "no PC/SC card reader is connected", "カードリーダーが接続されていません。", "カードリーダーの USB ケーブルを接続し直してください。"),
    status!(ONSHI_CARD_SERVICE_NOT_RUNNING, Administrator, "the PC/SC service (pcscd, Windows Smart Card) is not running", "スマートカードサービスが動いていません。", "Windows の「Smart Card」サービス（Linux は pcscd）を起動してください。"),
    status!(ONSHI_CARD_READER_UNPLUGGED, Reception, "the card reader was unplugged while in use", "カードリーダーが外れました。", "カードリーダーを接続し直して、もう一度読み取ってください。"),
    status!(ONSHI_CARD_NO_CARD, Reception, "no card is in the reader", "カードリーダーにカードが置かれていません。", "マイナンバーカードをカードリーダーに置いてください。"),
    status!(ONSHI_CARD_REMOVED, Reception, "the card was removed during the operation", "読み取り中にカードが外されました。", "読み取りが終わるまでカードを置いたままにして、もう一度読み取ってください。"),
    status!(ONSHI_CARD_NOT_MY_NUMBER_CARD, Reception, "the card is not a My Number card", "マイナンバーカードではありません。", "マイナンバーカードを置いてください。スマートフォンのマイナ保険証は顔認証付きカードリーダーで、資格確認書は記号・番号で資格確認してください。"),
    status!(ONSHI_CARD_WRONG_PIN, Reception, "the PIN was wrong (the message says how many tries are left)", "暗証番号が違います。", "患者様に暗証番号（券面事項入力補助用、数字 4 桁）を確認していただき、入力し直してください。"),
    status!(ONSHI_CARD_PIN_LOCKED, Reception, "the PIN is locked", "暗証番号がロックされています。", "カードからは読み取れません。資格確認は顔認証付きカードリーダーで行い、氏名等は券面か資格確認結果から入力してください。患者様には市区町村の窓口での再設定をご案内してください。"),
    status!(ONSHI_CARD_LAST_TRY_NEEDS_CONFIRMATION, Reception, "only one PIN try is left and the call did not confirm using it", "暗証番号の残り回数は 1 回です。", "患者様が暗証番号に確信がない場合は読み取りをやめ、券面を見て入力してください。"),
    status!(ONSHI_CARD_SECURITY_STATUS_NOT_SATISFIED, Reception, "the card refused a read: the PIN was not verified (69 82)", "暗証番号の確認が済んでいないため読み取れませんでした。", "もう一度、暗証番号の入力からやり直してください。"),
    status!(ONSHI_CARD_FILE_NOT_FOUND, Reception, "the card has no such file or application (6A 82)", "カードに必要な情報が見つかりませんでした。", "マイナンバーカードかどうか確認してください。読み取れない場合は券面を見て入力してください。"),
    status!(ONSHI_CARD_UNEXPECTED_STATUS, Reception, "the card answered with an unexpected status word", "カードが想定外の応答を返しました。", "カードを置き直して、もう一度読み取ってください。続く場合は券面を見て入力してください。"),
    status!(ONSHI_CARD_MALFORMED_DATA, Reception, "data from the card is not in the expected format", "カードから読んだ情報の形式が想定と違います。", "券面を見て入力してください。続く場合はシステム担当者に連絡してください。"),
    status!(ONSHI_CARD_TIMEOUT, Reception, "waiting for a card or reader event timed out", "時間内にカードが置かれませんでした。", "カードを置いてから、もう一度読み取ってください。"),
    status!(ONSHI_CARD_CANCELLED, Reception, "the wait was cancelled", "操作が取り消されました。", "必要なら、もう一度読み取ってください。"),
    status!(ONSHI_CARD_COMMAND_NOT_ALLOWED, Developer, "the card does not allow the command now (69 86)", "この操作は許可されていません。", "システム担当者に連絡してください（開発者: 個人番号など許可されていない読み取りは送信されません）。"),
    status!(ONSHI_CARD_INVALID_PIN_FORMAT, Reception, "the PIN is not 4 digits", "暗証番号は数字 4 桁です。", "暗証番号は数字 4 桁で入力してください。"),
    status!(ONSHI_CARD_UNKNOWN_READER, Administrator, "no reader has the given name", "指定したカードリーダーが見つかりません。", "カードリーダーの設定（リーダー名）を確認してください。"),
    status!(ONSHI_CARD_IN_USE, Reception, "another program holds the card", "別のソフトウェアがカードを使用中です。", "カードを使っている別のソフトウェアを終了してから、もう一度読み取ってください。"),
    status!(ONSHI_CARD_UNRESPONSIVE, Reception, "the card does not answer", "カードが応答しません。", "カードの向き・置き方を直して、もう一度読み取ってください。"),
    status!(ONSHI_CARD_PCSC, Administrator, "another PC/SC error", "カードリーダーとの通信でエラーが起きました。", "もう一度読み取ってください。続く場合はカードリーダーを接続し直すか、PC を再起動してください。"),
    status!(ONSHI_CARD_VIRTUAL_CARD_IO, Developer, "the virtual card (tests) could not be reached", "仮想カードとの通信でエラーが起きました。", "テスト用の仮想カードの設定（vpcd）を確認してください。"),
    status!(ONSHI_CARD_SMARTPHONE, Reception, "a smartphone: no card-face data to read", "スマートフォンのマイナ保険証からは券面情報を読み取れません。", "顔認証付きカードリーダー（スマートフォン用リーダー）で資格確認し、氏名等は資格確認結果から取り込んでください。"),
    status!(ONSHI_CARD_FACE_AUTH_CARD, Reception, "a 顔認証マイナンバーカード: no PIN, the 基本4情報 cannot be read", "顔認証マイナンバーカード（暗証番号なし）のため券面情報は読み取れません。", "顔認証付きカードリーダーで資格確認し、氏名等は資格確認結果から取り込んでください（券面を見て入力しても構いません）。"),
    status!(ONSHI_NULL_PARAMETER, Developer, "a required pointer argument was NULL", "システムエラーが発生しました（必要な引数がありません）。", "システム担当者に連絡してください（開発者: NULL を渡した呼び出しを修正）。"),
    status!(ONSHI_INVALID_UTF8, Developer, "an input string is not valid UTF-8", "システムエラーが発生しました（文字コードが UTF-8 ではありません）。", "システム担当者に連絡してください（開発者: CP932 の文字列は UTF-8 に変換して渡す）。"),
    status!(ONSHI_PANIC, Developer, "internal error in the onshi library", "システムエラーが発生しました（ライブラリ内部のエラー）。", "操作をやり直してください。続く場合はエラーメッセージを添えてベンダーに連絡してください（開発者: onshi の開発元に報告）。"),
    status!(ONSHI_OUT_OF_RANGE, Developer, "index or length out of range", "システムエラーが発生しました（範囲外の番号）。", "システム担当者に連絡してください。"),
    status!(ONSHI_BUFFER_TOO_SMALL, Developer, "output buffer too small; *out_len holds the length needed", "（画面には出しません）出力先の領域が足りません。", "開発者: 返された長さ + 1 の領域で呼び直す（エラーではありません）。"),
    status!(ONSHI_INVALID_HANDLE, Developer, "not a live handle of the expected type", "システムエラーが発生しました（無効なハンドル）。", "システム担当者に連絡してください。"),
    status!(ONSHI_INVALID_ARGUMENT, Developer, "an enumeration argument has an unknown value", "システムエラーが発生しました（無効な指定）。", "システム担当者に連絡してください。"),
    status!(ONSHI_NOT_PRESENT, Developer, "no value", "（画面には出しません）値がありません。", "開発者: 空欄として表示する（エラーではありません）。"),
    status!(ONSHI_TYPE_MISMATCH, Developer, "the accessor does not fit the field", "システムエラーが発生しました（項目の型が違います）。", "システム担当者に連絡してください。"),
    status!(ONSHI_INVALID_VALUE, Reception, "the text cannot be read as the field's type", "入力した値を読み取れません（存在しない日付、100 を超える割合など）。", "値を確認して入力し直してください。"),
    status!(ONSHI_READ_ONLY, Developer, "cannot be changed", "この項目は変更できません。", "システム担当者に連絡してください。"),
    status!(ONSHI_NOT_SUPPORTED, Administrator, "this build of the library lacks the feature", "この機能は、お使いのライブラリでは使えません（カードリーダー機能なしのビルドなど）。", "カードリーダー機能を含むライブラリを導入してください。"),
    status!(ONSHI_EMBEDDED_NUL, Reception, "a text input holds a NUL character", "入力に使えない文字（NUL）が含まれています。", "入力し直してください。"),
    status!(ONSHI_IN_CALLBACK, Developer, "not allowed from inside the client's face callback", "顔認証結果の通知処理の中からは、この操作を呼び出せません。", "電子カルテ・レセコンの販売元に連絡してください。"),
    status!(ONSHI_JSON, Developer, "JSON record could not be read", "システムエラーが発生しました（データの形式が正しくありません）。", "システム担当者に連絡してください。"),
    status!(ONSHI_IO, Administrator, "file-system operation failed", "ファイルの読み書きに失敗しました。", "ファイルの場所・アクセス権・空き容量を確認してください。"),
];

/// A card error of each status, with placeholder values where the message shows one.
fn card_error(status: u32) -> Option<(CardError, &'static [(&'static str, &'static str)])> {
    const TRIES: &[(&str, &str)] = &[("残り 199 回", "残り {tries_left} 回")];
    const NAME: &[(&str, &str)] = &[];
    const SW: &[(&str, &str)] = &[("6F 42", "{sw}")];
    Some(match status {
        st::ONSHI_CARD_NO_READER => (CardError::NoReader, &[]),
        st::ONSHI_CARD_SERVICE_NOT_RUNNING => (CardError::ServiceNotRunning, &[]),
        st::ONSHI_CARD_READER_UNPLUGGED => (CardError::ReaderUnplugged, &[]),
        st::ONSHI_CARD_NO_CARD => (CardError::NoCard, &[]),
        st::ONSHI_CARD_REMOVED => (CardError::CardRemoved, &[]),
        st::ONSHI_CARD_NOT_MY_NUMBER_CARD => (
            CardError::NotMyNumberCard {
                kind: NotMyNumberCardKind::NoJpkiApplication,
            },
            &[],
        ),
        st::ONSHI_CARD_WRONG_PIN => (CardError::WrongPin { tries_left: 199 }, TRIES),
        st::ONSHI_CARD_PIN_LOCKED => (CardError::PinLocked, &[]),
        st::ONSHI_CARD_LAST_TRY_NEEDS_CONFIRMATION => (CardError::LastTryNeedsConfirmation, &[]),
        st::ONSHI_CARD_SECURITY_STATUS_NOT_SATISFIED => {
            (CardError::SecurityStatusNotSatisfied, &[])
        }
        st::ONSHI_CARD_FILE_NOT_FOUND => (CardError::FileNotFound, &[]),
        st::ONSHI_CARD_UNEXPECTED_STATUS => (
            CardError::UnexpectedStatus {
                sw: StatusWord::new(0x6F, 0x42),
            },
            SW,
        ),
        st::ONSHI_CARD_MALFORMED_DATA => (
            CardError::MalformedData {
                offset: 0,
                what: "",
            },
            &[],
        ),
        st::ONSHI_CARD_TIMEOUT => (CardError::Timeout, &[]),
        st::ONSHI_CARD_CANCELLED => (CardError::Cancelled, &[]),
        st::ONSHI_CARD_COMMAND_NOT_ALLOWED => (CardError::CommandNotAllowed, &[]),
        st::ONSHI_CARD_INVALID_PIN_FORMAT => (CardError::InvalidPinFormat, &[]),
        st::ONSHI_CARD_UNKNOWN_READER => (
            CardError::UnknownReader {
                name: "{name}".into(),
            },
            NAME,
        ),
        st::ONSHI_CARD_IN_USE => (CardError::CardInUse, &[]),
        st::ONSHI_CARD_UNRESPONSIVE => (CardError::CardUnresponsive, &[]),
        st::ONSHI_CARD_PCSC => (
            CardError::Pcsc {
                code: 0,
                text: String::new(),
            },
            &[],
        ),
        st::ONSHI_CARD_VIRTUAL_CARD_IO => (CardError::VirtualCardIo(String::new()), &[]),
        st::ONSHI_CARD_SMARTPHONE => (CardError::Smartphone, &[]),
        st::ONSHI_CARD_FACE_AUTH_CARD => (CardError::FaceAuthCard, &[]),
        _ => return None,
    })
}

fn fill(mut s: String, subst: &[(&str, &str)]) -> String {
    for (from, to) in subst {
        assert!(s.contains(from), "placeholder {from:?} not in {s:?}");
        s = s.replace(from, to);
    }
    s
}

/// Every `onshi_status` except `ONSHI_OK`, in number order.
fn status_rows(out: &mut Vec<StaffMessage>) {
    for row in STATUSES {
        if row.status == st::ONSHI_OK {
            continue;
        }
        let code = row.status;
        let name = row.name;
        let audience = row.audience;
        let action = row.action_ja;
        if let Some((err, subst)) = card_error(code) {
            debug_assert_eq!(err.code(), code);
            out.push(StaffMessage {
                code: name.to_string(),
                category: "status",
                status: Some(code),
                audience,
                message_ja: fill(err.staff_message(), subst),
                detail_ja: String::new(),
                action_ja: action.to_string(),
                source: "onshi::card::CardError::staff_message",
            });
            if code == st::ONSHI_CARD_NOT_MY_NUMBER_CARD {
                for (suffix, kind) in [
                    ("juki_card", NotMyNumberCardKind::JukiCard),
                    ("no_application", NotMyNumberCardKind::NoApplication),
                ] {
                    let e = CardError::NotMyNumberCard { kind };
                    out.push(StaffMessage {
                        code: format!("{name}.{suffix}"),
                        category: "status",
                        status: Some(code),
                        audience,
                        message_ja: e.staff_message(),
                        detail_ja: String::new(),
                        action_ja: action.to_string(),
                        source: "onshi::card::CardError::staff_message",
                    });
                }
            }
            continue;
        }
        out.push(StaffMessage {
            code: name.to_string(),
            category: "status",
            status: Some(code),
            audience,
            message_ja: row.message_ja.to_string(),
            detail_ja: String::new(),
            action_ja: action.to_string(),
            source: "onshi::messages::STATUSES",
        });
    }
}

// ---------------------------------------------------------------------------------- diff

/// Every [`Advice`] with what to do (the message is [`Advice::message`]).
pub const ADVICE_ACTIONS: &[(Advice, &str)] = &[
    (Advice::Same, "対応不要です。"),
    (Advice::Equivalent, "対応不要です（反映しません）。"),
    (
        Advice::SubstituteMark,
        "反映せず、登録済みの値のまま紐付けてください。",
    ),
    (
        Advice::SubstituteNotStored,
        "●のまま登録せず、保険証等で正しい文字を確認して入力してください。",
    ),
    (Advice::NotReturned, "対応不要です（登録値を使います）。"),
    (Advice::NewInformation, "内容を確認して反映してください。"),
    (Advice::Changed, "内容を確認して反映してください。"),
    (
        Advice::AddressChanged,
        "患者様に確認してから反映してください。",
    ),
    (
        Advice::KanaDiffers,
        "読み方を患者様に確認してから反映してください。",
    ),
    (
        Advice::IdentityMismatch,
        "反映せず、本人確認をしてください。必要ならポータルサイトの問い合わせ先に連絡してください。",
    ),
    (
        Advice::ReferenceNumberMismatch,
        "反映せず、本人確認をしてください。",
    ),
    (
        Advice::QualificationChanged,
        "反映すると、旧資格を終了して新しい資格を登録します。",
    ),
    (
        Advice::RatioChanged,
        "反映すると、旧資格を終了して新しい資格を登録します。",
    ),
    (
        Advice::ElderlyRecipientStarted,
        "資格確認日またはその月の 1 日を開始日として、新しい資格を登録してください。",
    ),
    (
        Advice::SchoolEntry,
        "資格確認日またはその月の 1 日を開始日として、新しい資格を登録してください。",
    ),
    (
        Advice::MedicalAssistanceChanged,
        "反映すると、旧資格を終了して新しい資格を登録します。",
    ),
    (Advice::ValidityStartDiffers, "修正せずに紐付けてください。"),
    (Advice::ExpirationBlank, "修正せずに紐付けてください。"),
    (
        Advice::AddressNotOnCertificate,
        "修正せず、登録済みの住所のまま紐付けてください。",
    ),
    (
        Advice::PublicExpenseChanged,
        "受給者証で内容を確認のうえ反映すると、旧公費を終了して新しい公費を登録します。",
    ),
    (
        Advice::CapChanged,
        "受給者証で上限額を確認のうえ反映すると、旧公費を終了して新しい上限額の公費を登録します。",
    ),
    (
        Advice::PublicExpenseValidityChanged,
        "受給者証で有効期間を確認のうえ反映してください。",
    ),
];

fn advice_rows(out: &mut Vec<StaffMessage>) {
    for &(advice, action) in ADVICE_ACTIONS {
        out.push(StaffMessage {
            code: format!("advice.{}", wire_name(advice)),
            category: "advice",
            status: None,
            audience: Audience::Reception,
            message_ja: advice.message().to_string(),
            detail_ja: String::new(),
            action_ja: action.to_string(),
            source: "onshi::diff::Advice::message",
        });
    }
}

/// Every [`Cause`] (the texts are [`Cause::label`], [`Cause::possible_causes`] and
/// [`Cause::next_steps`]).
pub const CAUSES: &[Cause] = &[
    Cause::Invalid,
    Cause::InvalidNewQualification,
    Cause::NotFound,
    Cause::NotFoundNewMember,
    Cause::MultipleMatches,
    Cause::ProcessingError,
    Cause::NoRecord,
    Cause::UnknownValidity,
    Cause::NoPmhData,
];

fn cause_rows(out: &mut Vec<StaffMessage>) {
    for &cause in CAUSES {
        out.push(StaffMessage {
            code: format!("cause.{}", wire_name(cause)),
            category: "cause",
            status: None,
            audience: Audience::Reception,
            message_ja: cause.label().to_string(),
            detail_ja: lines(cause.possible_causes()),
            action_ja: lines(cause.next_steps()),
            source: "onshi::diff::Cause",
        });
    }
}

/// Every [`NoticeKind`] with what to do (the message is [`NoticeKind::message`]).
pub const NOTICE_ACTIONS: &[(NoticeKind, &str)] = &[
    (
        NoticeKind::ValidUnregistered,
        "月の中旬以降に再度確認し、未登録のままなら福祉事務所へ医療券・調剤券の発行を依頼してください。",
    ),
    (
        NoticeKind::PublicAssistanceOnly,
        "マイナンバーカードで資格確認してください。",
    ),
    (
        NoticeKind::Supplementary,
        "処理結果メッセージを確認し、必要なら患者様にお伝えください（電子証明書の有効期限など）。",
    ),
    (
        NoticeKind::CheckDigitIgnored,
        "対応不要です（検証番号のエラーは無視します）。",
    ),
    (
        NoticeKind::SeveralRecords,
        "比較した資格が正しいか確認してください。",
    ),
    (
        NoticeKind::TicketNotYetRegistered,
        "無効として扱わず受付し、再確認日（通常は21日）以降に資格確認をやり直してください。",
    ),
    (
        NoticeKind::DesignatedInstitutionMismatch,
        "福祉事務所に指定医療機関を確認し、自院あての医療券の発行を依頼してください。",
    ),
    (
        NoticeKind::SocialInsuranceInconsistent,
        "医療保険の資格の有無を患者様に確認し、福祉事務所に連絡してください。",
    ),
    (
        NoticeKind::TreatmentTypeMismatch,
        "福祉事務所に自院の診療（医科・歯科、入院・入院外）に合う医療券の発行を依頼してください。",
    ),
    (
        NoticeKind::DispensingTicket,
        "対応不要です（薬局向けの調剤券です）。",
    ),
    (
        NoticeKind::TicketOutsideValidity,
        "福祉事務所に医療券の有効期間を確認してください。",
    ),
    (
        NoticeKind::TicketOtherMonth,
        "福祉事務所に今月分の医療券の登録を確認してください。",
    ),
    (
        NoticeKind::SelfPayDue,
        "医療券の本人支払額を窓口で徴収してください。",
    ),
    (
        NoticeKind::CombinedWithInsurance,
        "医療保険の資格確認も行い、併用で請求してください。",
    ),
    (
        NoticeKind::TuberculosisCombined,
        "結核の公費負担を併用して請求してください。",
    ),
    (
        NoticeKind::LateElderlyCombined,
        "後期高齢者医療の資格確認も行い、併用で請求してください。",
    ),
    (
        NoticeKind::LimitInfoChanged,
        "個別照会で最新の限度額情報を確認してください。",
    ),
    (
        NoticeKind::NoticeAloneNotAccepted,
        "マイナ保険証（カード・スマートフォン）か資格確認書の提示をお願いしてください。",
    ),
    (
        NoticeKind::NoticeAloneTolerated,
        "通常の負担割合で受け付け、次回はマイナ保険証か資格確認書を持参するよう案内してください。",
    ),
    (
        NoticeKind::QualificationCertificateQuery,
        "資格確認書の有効期限（と記載があれば限度額適用区分）を確認してください。",
    ),
    (
        NoticeKind::LateElderlyCertificateRule,
        "資格確認書の有効期限を確認し、期限切れならマイナ保険証での受付を案内してください。",
    ),
    (
        NoticeKind::SpecialMedicalExpense,
        "医療費の10割をお支払いいただき、市区町村への特別療養費の申請を案内してください。",
    ),
    (
        NoticeKind::CertificateExpired,
        "資格確認の結果で受け付け、市区町村の窓口での電子証明書の更新を案内してください。",
    ),
    (
        NoticeKind::CertificateExpiresSoon,
        "市区町村の窓口での電子証明書の更新を案内してください。",
    ),
    (
        NoticeKind::NoPmhData,
        "公費を失効扱いにせず、紙の受給者証を確認してください。",
    ),
    (
        NoticeKind::PmhRecordDeleted,
        "紙の受給者証と交付した自治体に確認してから、公費を終了するか決めてください。",
    ),
    (
        NoticeKind::Reimbursement,
        "窓口では公費を適用せず、患者様に自治体への請求方法をご案内ください。",
    ),
    (
        NoticeKind::SeveralPublicExpenses,
        "比較した公費（公費負担者番号・受給者番号）が正しいか確認してください。",
    ),
];

fn notice_rows(out: &mut Vec<StaffMessage>) {
    for &(notice, action) in NOTICE_ACTIONS {
        out.push(StaffMessage {
            code: format!("notice.{}", wire_name(notice)),
            category: "notice",
            status: None,
            audience: Audience::Reception,
            message_ja: notice.message().to_string(),
            detail_ja: String::new(),
            action_ja: action.to_string(),
            source: "onshi::diff::NoticeKind::message",
        });
    }
}

/// Every [`DraftNote`] with what to do (the message is [`DraftNote::message`]).
pub const DRAFT_NOTE_ACTIONS: &[(DraftNote, &str)] = &[
    (
        DraftNote::SubstituteInName,
        "保険証等で正しい文字を確認して入力してから登録してください。",
    ),
    (
        DraftNote::InsuranceNotIdentified,
        "保険証等を見て保険者番号・番号を入力するか、後で入力してください。",
    ),
    (
        DraftNote::CheckDigitIgnored,
        "対応不要です（返却された値のまま登録します）。",
    ),
    (
        DraftNote::PublicAssistanceOnly,
        "医療券の情報を確認して登録し、資格確認はマイナンバーカードで行ってください。",
    ),
];

fn draft_note_rows(out: &mut Vec<StaffMessage>) {
    for &(note, action) in DRAFT_NOTE_ACTIONS {
        out.push(StaffMessage {
            code: format!("draft_note.{}", wire_name(note)),
            category: "draft_note",
            status: None,
            audience: Audience::Reception,
            message_ja: note.message().to_string(),
            detail_ja: String::new(),
            action_ja: action.to_string(),
            source: "onshi::matching::DraftNote::message",
        });
    }
}

// ------------------------------------------------------------------------------ terminal

fn terminal_rows(out: &mut Vec<StaffMessage>) {
    for (suffix, still_in_req, active) in [
        ("not_taken", true, None),
        ("slow", true, Some(true)),
        ("taken", false, None),
    ] {
        let n = NotAnswering {
            request_file: String::new(),
            waited: Duration::ZERO,
            request_still_in_req: still_in_req,
            link_program_active: active,
            requests_queued: None,
        };
        let checks = n.checks_ja();
        let (first, rest) = checks.split_first().expect("checks are never empty");
        out.push(StaffMessage {
            code: format!("terminal.not_answering.{suffix}"),
            category: "terminal",
            status: Some(st::ONSHI_TERMINAL_NOT_ANSWERING),
            audience: Audience::Reception,
            message_ja: n.message_ja().to_string(),
            detail_ja: first.clone(),
            action_ja: lines(rest),
            source: "onshi::terminal::NotAnswering::to_text_ja",
        });
    }
    for (suffix, expired) in [("missing", false), ("expired", true)] {
        let r = ConsentRefusal {
            kind: DocumentKind::DrugInfo,
            expired,
        };
        out.push(StaffMessage {
            code: format!("terminal.not_consented.{suffix}"),
            category: "terminal",
            status: Some(st::ONSHI_TERMINAL_NOT_CONSENTED),
            audience: Audience::Reception,
            message_ja: r.message_ja().to_string(),
            detail_ja: String::new(),
            action_ja: r.advice_ja().to_string(),
            source: "onshi::terminal::ConsentRefusal::advice_ja",
        });
    }
}

// -------------------------------------------------------------------------------- doctor

/// The doctor's findings: every check's OK text, then each problem it can report, with the
/// counts and seconds as placeholders. The facts are made up so that one check fires at a
/// time with recognisable numbers (`{count}` = 7, `{seconds}` = 31, …).
fn doctor_rows(out: &mut Vec<StaffMessage>) {
    const COUNT: u64 = 7;
    const SECONDS: u64 = 31;
    let options = DoctorOptions {
        stale_after: Duration::from_secs(SECONDS),
        orphan_after: Duration::from_secs(SECONDS),
        max_clock_skew: Duration::from_secs(SECONDS),
        decrypt_hook: false,
    };
    let folders = |exists: bool, readable: bool, writable: bool| -> Vec<FolderFacts> {
        ["req", "res", "face"]
            .into_iter()
            .map(|label| FolderFacts {
                label,
                exists: exists || label != "req",
                readable: readable || label != "req",
                writable: writable || label != "req",
            })
            .collect()
    };
    let files = |name: &str| -> Vec<AgedFile> {
        (0..COUNT)
            .map(|i| AgedFile {
                name: name.replace('#', &format!("{i:04}")),
                age: Duration::from_secs(3600),
            })
            .collect()
    };
    let healthy = Facts {
        folders: folders(true, true, true),
        clock_skew_secs: Some(0),
        ..Facts::default()
    };
    let count = COUNT.to_string();
    let seconds = SECONDS.to_string();
    // (code suffix, facts that raise it, placeholders to put back)
    type Case<'a> = (&'a str, Facts, Vec<(&'a str, &'a str)>);
    let cases: Vec<Case> = vec![
        (
            "folders.missing",
            Facts {
                folders: folders(false, false, false),
                ..healthy.clone()
            },
            vec![("req", "{folders}")],
        ),
        (
            "folders.unreadable",
            Facts {
                folders: folders(true, false, true),
                ..healthy.clone()
            },
            vec![("req", "{folders}")],
        ),
        (
            "folders.read_only",
            Facts {
                folders: folders(true, true, false),
                ..healthy.clone()
            },
            vec![("req", "{folders}")],
        ),
        (
            "late_answers.arrived",
            Facts {
                pending: files("OQSsiquc01req_2025040100000000#.xml"),
                res: files("OQSsiquc01res_2025040100000000#.xml"),
                ..healthy.clone()
            },
            vec![(&count, "{count}")],
        ),
        (
            "encryption.encrypted",
            Facts {
                encrypted: files("OQSsiquc01res_2025040100000000#.xml"),
                ..healthy.clone()
            },
            vec![("OQSsiquc 7 件", "{prefixes}")],
        ),
        (
            "face.not_face_results",
            Facts {
                face_skipped: files("notes#.txt"),
                ..healthy.clone()
            },
            vec![(&count, "{count}")],
        ),
        (
            "link_program.stale_requests",
            Facts {
                req: files("OQSsiquc01req_2025040100000000#.xml"),
                ..healthy.clone()
            },
            vec![(&count, "{count}"), (&seconds, "{seconds}")],
        ),
        (
            "link_program.foreign_files",
            Facts {
                req: files("notes#.txt"),
                ..healthy.clone()
            },
            vec![(&count, "{count}")],
        ),
        (
            "answers.orphans",
            Facts {
                res: files("OQSsiquc01res_2025040100000000#.xml"),
                ..healthy.clone()
            },
            vec![("0 件）", "{errors} 件）"), (&count, "{count}")],
        ),
        (
            "face.undelivered",
            Facts {
                face_undelivered: files(
                    "OQSsiquc01res_face_13100000030000000000000000#_20250401093000.xml",
                ),
                ..healthy.clone()
            },
            vec![(&count, "{count}")],
        ),
        (
            "temp_files.left",
            Facts {
                temp: files("tmp#"),
                ..healthy.clone()
            },
            vec![(&count, "{count}")],
        ),
        (
            "pending.late",
            Facts {
                pending: files("OQSsiquc01req_2025040100000000#.xml"),
                ..healthy.clone()
            },
            vec![(&count, "{count}"), (&seconds, "{seconds}")],
        ),
        (
            "clock.skew",
            Facts {
                clock_skew_secs: Some(3600),
                ..healthy.clone()
            },
            vec![("3600", "{seconds}")],
        ),
        (
            "clock.unknown",
            Facts {
                clock_skew_secs: None,
                ..healthy.clone()
            },
            vec![],
        ),
    ];
    let audience = Audience::Administrator;
    for check in doctor::assess(&healthy, &options).checks {
        out.push(StaffMessage {
            code: format!("doctor.{}.ok", check.id),
            category: "doctor",
            status: None,
            audience,
            message_ja: check.message_ja,
            detail_ja: String::new(),
            action_ja: "対応不要です。".to_string(),
            source: "onshi::terminal::doctor::assess",
        });
    }
    for (name, facts, subst) in cases {
        let id = name.split('.').next().expect("id");
        let report = doctor::assess(&facts, &options);
        let check = report
            .checks
            .into_iter()
            .find(|c| c.id == id)
            .expect("every case has its check");
        // The OK texts are already listed; a case that does not raise its check is a bug here.
        let severity = check.severity;
        if severity == Health::Ok && name != "clock.unknown" {
            panic!("doctor case {name} did not raise {id}");
        }
        out.push(StaffMessage {
            code: format!("doctor.{name}"),
            category: "doctor",
            status: None,
            audience,
            message_ja: fill(check.message_ja, &subst),
            detail_ja: match severity {
                Health::Ok => "確認のみ（異常ではありません）".to_string(),
                Health::Warning => "注意".to_string(),
                Health::Error => "異常（資格確認ができません）".to_string(),
            },
            action_ja: check
                .advice_ja
                .unwrap_or_else(|| "対応不要です。".to_string()),
            source: "onshi::terminal::doctor::assess",
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_texts_are_japanese() {
        let all = catalogue();
        let mut seen = HashSet::new();
        for m in &all {
            assert!(seen.insert(m.code.clone()), "duplicate code {}", m.code);
            for t in [&m.message_ja, &m.action_ja] {
                assert!(
                    t.chars().any(|c| ('\u{3040}'..='\u{30FF}').contains(&c)
                        || ('\u{4E00}'..='\u{9FFF}').contains(&c)),
                    "{}: not Japanese: {t:?}",
                    m.code
                );
            }
        }
    }

    /// The `ONSHI_*` constants as `src/ffi/status.rs` writes them: (name, number).
    fn declared_statuses() -> Vec<(String, u32)> {
        let src = include_str!("ffi/status.rs");
        src.lines()
            .filter_map(|l| l.strip_prefix("pub const ONSHI_"))
            .map(|l| {
                let (name, rest) = l.split_once(": onshi_status = ").expect(l);
                let n = rest.trim_end_matches(';').parse().expect(l);
                (format!("ONSHI_{name}"), n)
            })
            .collect()
    }

    #[test]
    fn every_status_has_exactly_one_row_in_number_order() {
        let declared = declared_statuses();
        assert!(declared.len() > 80, "{}", declared.len());
        for (name, code) in &declared {
            let rows: Vec<_> = STATUSES.iter().filter(|r| r.name == name).collect();
            assert_eq!(rows.len(), 1, "{name}: add one row to STATUSES");
            assert_eq!(rows[0].status, *code, "{name}");
            if *code != st::ONSHI_OK {
                assert!(!rows[0].message_ja.is_empty(), "{name}: no message");
                assert!(!rows[0].action_ja.is_empty(), "{name}: no action");
                assert!(!rows[0].english.is_empty(), "{name}: no English");
            }
        }
        assert_eq!(
            STATUSES.len(),
            declared.len(),
            "a row for a status that does not exist"
        );
        for w in STATUSES.windows(2) {
            assert!(
                w[0].status < w[1].status,
                "{} before {}",
                w[0].name,
                w[1].name
            );
        }
        let all = catalogue();
        for row in STATUSES.iter().filter(|r| r.status != st::ONSHI_OK) {
            let m = all.iter().find(|m| m.code == row.name).unwrap();
            assert_eq!(m.status, Some(row.status));
        }
        for (_, code) in declared
            .iter()
            .filter(|(n, _)| n.starts_with("ONSHI_CARD_"))
        {
            assert!(card_error(*code).is_some(), "{code}: no sample CardError");
        }
    }

    #[test]
    fn rows_are_read_from_the_code() {
        let all = catalogue();
        let get = |code: &str| all.iter().find(|m| m.code == code).unwrap();
        assert_eq!(
            get("advice.substitute_mark").message_ja,
            Advice::SubstituteMark.message()
        );
        assert_eq!(
            get("ONSHI_CARD_PIN_LOCKED").message_ja,
            CardError::PinLocked.staff_message()
        );
        assert_eq!(
            get("ONSHI_CARD_NOT_MY_NUMBER_CARD.juki_card").message_ja,
            "住基カード（住民基本台帳カード）は使えません。マイナンバーカードをお出しください。"
        );
        assert!(
            get("ONSHI_CARD_NOT_MY_NUMBER_CARD.no_application")
                .message_ja
                .contains("iPhone")
        );
        assert!(
            get("ONSHI_CARD_SMARTPHONE")
                .message_ja
                .contains("顔認証付きカードリーダー")
        );
        assert_eq!(
            get("ONSHI_CARD_UNEXPECTED_STATUS").message_ja,
            "カードが想定外の応答（{sw}）を返しました。もう一度お試しください。"
        );
        let stale = get("doctor.link_program.stale_requests");
        assert!(
            stale
                .message_ja
                .starts_with("要求ファイル {count} 件が {seconds} 秒以上"),
            "{}",
            stale.message_ja
        );
        assert_eq!(
            get("doctor.answers.orphans").message_ja,
            "res フォルダに、誰も受け取っていない古いファイルが {count} 件あります（うちエラー（.err） {errors} 件）。"
        );
        assert_eq!(
            get("doctor.folders.missing").message_ja,
            "フォルダが見つかりません: {folders}。"
        );
        assert!(
            get("terminal.not_answering.not_taken")
                .action_ja
                .contains("OQSComApp")
        );
    }

    #[test]
    fn csv_quotes_what_it_must() {
        let rows = vec![StaffMessage {
            code: "x.y".into(),
            category: "notice",
            status: Some(1),
            audience: Audience::Reception,
            message_ja: "a,b".into(),
            detail_ja: "line1\nline2".into(),
            action_ja: "say \"hi\"".into(),
            source: "s",
        }];
        assert_eq!(
            to_csv(&rows),
            "\u{FEFF}code,category,status,audience,message_ja,detail_ja,action_ja,source\r\n\
             x.y,notice,1,reception,\"a,b\",\"line1\nline2\",\"say \"\"hi\"\"\",s\r\n"
        );
    }
}
