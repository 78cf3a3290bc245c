//! [`CardError`]: every outcome of the card module that is not a success.

use std::fmt;

/// A status word (SW1 SW2) returned by the card, e.g. `90 00` or `63 C2`.
///
/// ```
/// use onshi::card::StatusWord;
/// let sw = StatusWord::new(0x63, 0xC2);
/// assert_eq!(sw.to_string(), "63 C2");
/// assert_eq!(sw.pin_tries(), Some(2));
/// assert!(StatusWord::OK.is_ok());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusWord(pub u16);

impl StatusWord {
    /// `90 00`: success.
    pub const OK: StatusWord = StatusWord(0x9000);
    /// `62 82`: end of file reached before Le bytes.
    pub const END_OF_FILE: StatusWord = StatusWord(0x6282);
    /// `69 82`: security status not satisfied (the PIN was not verified).
    pub const SECURITY_STATUS_NOT_SATISFIED: StatusWord = StatusWord(0x6982);
    /// `69 83`: authentication method blocked (PIN locked).
    pub const AUTH_METHOD_BLOCKED: StatusWord = StatusWord(0x6983);
    /// `69 86`: command not allowed (no current EF).
    pub const NO_CURRENT_EF: StatusWord = StatusWord(0x6986);
    /// `69 84`: reference data not usable (a PIN that was never set).
    pub const REFERENCE_DATA_NOT_USABLE: StatusWord = StatusWord(0x6984);
    /// `6A 82`: file or application not found.
    pub const FILE_NOT_FOUND: StatusWord = StatusWord(0x6A82);
    /// `6A 88`: referenced data not found (no such PIN).
    pub const REFERENCE_DATA_NOT_FOUND: StatusWord = StatusWord(0x6A88);
    /// `6A 86`: wrong P1/P2.
    pub const WRONG_P1_P2: StatusWord = StatusWord(0x6A86);
    /// `6B 00`: offset beyond the end of the file.
    pub const WRONG_OFFSET: StatusWord = StatusWord(0x6B00);
    /// `67 00`: wrong length.
    pub const WRONG_LENGTH: StatusWord = StatusWord(0x6700);
    /// `6D 00`: instruction not supported.
    pub const INS_NOT_SUPPORTED: StatusWord = StatusWord(0x6D00);
    /// `6E 00`: class not supported.
    pub const CLA_NOT_SUPPORTED: StatusWord = StatusWord(0x6E00);

    /// Builds a status word from SW1 and SW2.
    pub const fn new(sw1: u8, sw2: u8) -> StatusWord {
        StatusWord(((sw1 as u16) << 8) | sw2 as u16)
    }

    /// SW1.
    pub const fn sw1(self) -> u8 {
        (self.0 >> 8) as u8
    }

    /// SW2.
    pub const fn sw2(self) -> u8 {
        (self.0 & 0xFF) as u8
    }

    /// `true` for `90 00`.
    pub const fn is_ok(self) -> bool {
        self.0 == 0x9000
    }

    /// For `63 Cx`: the number of PIN tries left (x).
    pub const fn pin_tries(self) -> Option<u8> {
        if self.sw1() == 0x63 && self.sw2() & 0xF0 == 0xC0 {
            Some(self.sw2() & 0x0F)
        } else {
            None
        }
    }

    /// For `6C xx`: the length the card wants as Le.
    pub const fn correct_le(self) -> Option<u8> {
        if self.sw1() == 0x6C {
            Some(self.sw2())
        } else {
            None
        }
    }
}

impl fmt::Display for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02X} {:02X}", self.sw1(), self.sw2())
    }
}

impl fmt::Debug for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StatusWord({self})")
    }
}

/// Why a card-reader operation did not succeed.
///
/// Every variant has a stable numeric code in 500–599 ([`CardError::code`], the C ABI's
/// `onshi_status`) and a Japanese sentence for reception staff ([`CardError::staff_message`]).
/// No variant carries personal data or the PIN.
///
/// ```
/// use onshi::card::CardError;
/// let e = CardError::WrongPin { tries_left: 2 };
/// assert_eq!(e.code(), 506);
/// assert!(e.staff_message().contains("残り 2 回"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CardError {
    /// No PC/SC reader is connected.
    #[error("no card reader is connected")]
    NoReader,
    /// The PC/SC service (pcscd, or the Windows Smart Card service) is not running
    /// (`SCARD_E_NO_SERVICE`).
    #[error("the PC/SC service is not running")]
    ServiceNotRunning,
    /// The reader was unplugged while in use (`SCARD_E_READER_UNAVAILABLE`).
    #[error("the card reader was unplugged")]
    ReaderUnplugged,
    /// No card is in the reader.
    #[error("no card in the reader")]
    NoCard,
    /// The card was taken out while it was being read (`SCARD_W_REMOVED_CARD`).
    #[error("the card was removed during the operation")]
    CardRemoved,
    /// The card is not a マイナンバーカード (no My Number application, or its token says
    /// 住基カード or another kind of card). An iPhone's マイナ保険証 answers like this too: it
    /// is an ISO/IEC 18013-5 mdoc, not a card application, so it cannot be told from another
    /// card over PC/SC ([`NotMyNumberCardKind::NoApplication`]).
    #[error("not a My Number card ({kind})")]
    NotMyNumberCard {
        /// What the card turned out to be.
        kind: NotMyNumberCardKind,
    },
    /// A smartphone's マイナ保険証 (Android スマホ用電子証明書: JPKI token `JPKIAPGPSETOKEN`, no
    /// 券面事項入力補助AP): it holds no 券面 data. Receive the patient at the face reader (its
    /// smartphone reader).
    #[error("a smartphone (JPKI only, no card-face data)")]
    Smartphone,
    /// A 顔認証マイナンバーカード: a マイナンバーカード issued without PINs, so the 基本4情報
    /// (behind PIN 0011) cannot be read. Receive the patient at the face reader and take the
    /// name from the 資格確認 result.
    #[error("a My Number card without PINs (顔認証マイナンバーカード)")]
    FaceAuthCard,
    /// The PIN was wrong; the card has `tries_left` tries left.
    #[error("wrong PIN, {tries_left} tries left")]
    WrongPin {
        /// Tries left before the PIN locks (1 or 2 for the 4-digit PIN).
        tries_left: u8,
    },
    /// The 券面事項入力補助用暗証番号 is locked (`63 C0` or `69 83`).
    #[error("the PIN is locked")]
    PinLocked,
    /// Only one try is left and the caller did not confirm using it.
    #[error("only one PIN try is left; the read needs explicit confirmation")]
    LastTryNeedsConfirmation,
    /// The card refused a read because the PIN was not verified (`69 82`).
    #[error("security status not satisfied (69 82)")]
    SecurityStatusNotSatisfied,
    /// The card has no such file or application (`6A 82`).
    #[error("file not found (6A 82)")]
    FileNotFound,
    /// The card answered with a status word this library does not expect here.
    #[error("unexpected status word {sw}")]
    UnexpectedStatus {
        /// The status word.
        sw: StatusWord,
    },
    /// Data from the card is not in the expected format.
    #[error("malformed card data at byte {offset}: {what}")]
    MalformedData {
        /// Byte offset in the data where the problem was found.
        offset: usize,
        /// What is wrong (no personal data).
        what: &'static str,
    },
    /// Waiting for a card or a reader event took longer than the timeout.
    #[error("timed out")]
    Timeout,
    /// The wait was cancelled through a cancel handle.
    #[error("cancelled")]
    Cancelled,
    /// The command is not on the library's allow-list (e.g. anything touching EF 0001, the
    /// 個人番号). It was not sent to the card.
    #[error("command not allowed by onshi's allow-list; it was not sent")]
    CommandNotAllowed,
    /// The PIN is not 4 digits.
    #[error("the PIN must be 4 digits")]
    InvalidPinFormat,
    /// No reader of that name is connected.
    #[error("no card reader named {name:?}")]
    UnknownReader {
        /// The reader name that was asked for.
        name: String,
    },
    /// Another program holds the card (`SCARD_E_SHARING_VIOLATION`).
    #[error("another program is using the card")]
    CardInUse,
    /// The card does not answer (inserted the wrong way, or dirty contacts).
    #[error("the card does not respond")]
    CardUnresponsive,
    /// Another PC/SC failure, with the PC/SC error code.
    #[error("PC/SC error 0x{code:08X}: {text}")]
    Pcsc {
        /// The raw PC/SC error code (`SCARD_E_*` / `SCARD_W_*`).
        code: u32,
        /// The PC/SC library's description.
        text: String,
    },
    /// The virtual card's socket failed (test double only).
    #[error("virtual card I/O: {0}")]
    VirtualCardIo(String),
}

/// What a card that is not a マイナンバーカード turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NotMyNumberCardKind {
    /// The card has no 公的個人認証 (JPKI) application.
    NoJpkiApplication,
    /// The JPKI token says `JPKIAPICCTOKEN`: an old 住民基本台帳カード.
    JukiCard,
    /// The JPKI token has another value.
    UnknownToken,
    /// The card has the JPKI application but no 券面事項入力補助AP.
    NoTextApplication,
    /// Neither the JPKI application nor the 券面事項入力補助AP answers: another kind of card,
    /// or an iPhone (whose マイナ保険証 is not a card application).
    NoApplication,
}

impl fmt::Display for NotMyNumberCardKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NotMyNumberCardKind::NoJpkiApplication => "no JPKI application",
            NotMyNumberCardKind::JukiCard => "住基カード",
            NotMyNumberCardKind::UnknownToken => "unknown JPKI token",
            NotMyNumberCardKind::NoTextApplication => "no 券面事項入力補助AP",
            NotMyNumberCardKind::NoApplication => "no My Number application",
        })
    }
}

impl CardError {
    /// Stable numeric code (C ABI `onshi_status`), 500–599. Codes are never reused.
    pub fn code(&self) -> u32 {
        use crate::ffi::status as st;
        match self {
            CardError::NoReader => st::ONSHI_CARD_NO_READER,
            CardError::ServiceNotRunning => st::ONSHI_CARD_SERVICE_NOT_RUNNING,
            CardError::ReaderUnplugged => st::ONSHI_CARD_READER_UNPLUGGED,
            CardError::NoCard => st::ONSHI_CARD_NO_CARD,
            CardError::CardRemoved => st::ONSHI_CARD_REMOVED,
            CardError::NotMyNumberCard { .. } => st::ONSHI_CARD_NOT_MY_NUMBER_CARD,
            CardError::WrongPin { .. } => st::ONSHI_CARD_WRONG_PIN,
            CardError::PinLocked => st::ONSHI_CARD_PIN_LOCKED,
            CardError::LastTryNeedsConfirmation => st::ONSHI_CARD_LAST_TRY_NEEDS_CONFIRMATION,
            CardError::SecurityStatusNotSatisfied => st::ONSHI_CARD_SECURITY_STATUS_NOT_SATISFIED,
            CardError::FileNotFound => st::ONSHI_CARD_FILE_NOT_FOUND,
            CardError::UnexpectedStatus { .. } => st::ONSHI_CARD_UNEXPECTED_STATUS,
            CardError::MalformedData { .. } => st::ONSHI_CARD_MALFORMED_DATA,
            CardError::Timeout => st::ONSHI_CARD_TIMEOUT,
            CardError::Cancelled => st::ONSHI_CARD_CANCELLED,
            CardError::CommandNotAllowed => st::ONSHI_CARD_COMMAND_NOT_ALLOWED,
            CardError::InvalidPinFormat => st::ONSHI_CARD_INVALID_PIN_FORMAT,
            CardError::UnknownReader { .. } => st::ONSHI_CARD_UNKNOWN_READER,
            CardError::CardInUse => st::ONSHI_CARD_IN_USE,
            CardError::CardUnresponsive => st::ONSHI_CARD_UNRESPONSIVE,
            CardError::Pcsc { .. } => st::ONSHI_CARD_PCSC,
            CardError::VirtualCardIo(_) => st::ONSHI_CARD_VIRTUAL_CARD_IO,
            CardError::Smartphone => st::ONSHI_CARD_SMARTPHONE,
            CardError::FaceAuthCard => st::ONSHI_CARD_FACE_AUTH_CARD,
        }
    }

    /// A Japanese sentence for reception staff saying what happened and what to do.
    pub fn staff_message(&self) -> String {
        match self {
            CardError::NoReader => {
                "カードリーダーが接続されていません。USB ケーブルを確認してください。".into()
            }
            CardError::ServiceNotRunning => {
                "スマートカードサービス（pcscd）が動いていません。システム管理者に連絡してください。"
                    .into()
            }
            CardError::ReaderUnplugged => {
                "カードリーダーが外れました。接続し直してから、もう一度お試しください。".into()
            }
            CardError::NoCard => "カードリーダーにカードが置かれていません。".into(),
            CardError::CardRemoved => {
                "読み取り中にカードが外されました。カードを置き直して、もう一度お試しください。"
                    .into()
            }
            CardError::NotMyNumberCard { kind } => match kind {
                NotMyNumberCardKind::JukiCard => {
                    "住基カード（住民基本台帳カード）は使えません。マイナンバーカードをお出しください。".into()
                }
                NotMyNumberCardKind::NoApplication => {
                    "マイナンバーカードとして読み取れません。iPhone のマイナ保険証はこのカードリーダーでは読めないため、顔認証付きカードリーダー（スマートフォン用リーダー）で受付してください。マイナンバーカード以外のカードの場合は、マイナ保険証か資格確認書をお出しいただくか、資格確認書等の記号・番号で資格確認してください。".into()
                }
                _ => "マイナンバーカードではありません。マイナ保険証か資格確認書をお出しいただくか、資格確認書等の記号・番号で資格確認してください。".into(),
            },
            CardError::Smartphone => {
                "スマートフォンのマイナ保険証からは券面情報を読み取れません。顔認証付きカードリーダー（スマートフォン用リーダー）で受付してください。".into()
            }
            CardError::FaceAuthCard => {
                "顔認証マイナンバーカード（暗証番号なし）のため券面情報は読み取れません。顔認証付きカードリーダーで受付し、氏名等は資格確認結果から取り込んでください。".into()
            }
            CardError::WrongPin { tries_left } => format!(
                "暗証番号が違います。残り {tries_left} 回間違えるとロックされます。"
            ),
            CardError::PinLocked => "暗証番号がロックされています。市区町村の窓口で暗証番号の再設定が必要です。資格確認は顔認証付きカードリーダーで受付してください。".into(),
            CardError::LastTryNeedsConfirmation => "暗証番号の残り回数は 1 回です。間違えるとロックされ、市区町村の窓口で再設定が必要になります。患者さんに確認してから続けてください。".into(),
            CardError::SecurityStatusNotSatisfied => {
                "暗証番号の確認が済んでいないため読み取れませんでした。もう一度お試しください。"
                    .into()
            }
            CardError::FileNotFound => {
                "カードに必要な情報が見つかりませんでした。カードの種類を確認してください。".into()
            }
            CardError::UnexpectedStatus { sw } => {
                format!("カードが想定外の応答（{sw}）を返しました。もう一度お試しください。")
            }
            CardError::MalformedData { .. } => {
                "カードから読んだ情報の形式が想定と違います。券面を見て入力してください。".into()
            }
            CardError::Timeout => "時間内にカードが置かれませんでした。".into(),
            CardError::Cancelled => "操作が取り消されました。".into(),
            CardError::CommandNotAllowed => {
                "この操作は許可されていません（個人番号は読み取りません）。".into()
            }
            CardError::InvalidPinFormat => "暗証番号は数字 4 桁です。".into(),
            CardError::UnknownReader { name } => {
                format!("カードリーダー「{name}」が見つかりません。")
            }
            CardError::CardInUse => {
                "別のソフトウェアがカードを使用中です。終了してから、もう一度お試しください。"
                    .into()
            }
            CardError::CardUnresponsive => {
                "カードが応答しません。カードの向きと置き方を確認してください。".into()
            }
            CardError::Pcsc { .. } => {
                "カードリーダーとの通信でエラーが起きました。もう一度お試しください。".into()
            }
            CardError::VirtualCardIo(_) => "仮想カードとの通信でエラーが起きました。".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<CardError> {
        vec![
            CardError::NoReader,
            CardError::ServiceNotRunning,
            CardError::ReaderUnplugged,
            CardError::NoCard,
            CardError::CardRemoved,
            CardError::NotMyNumberCard {
                kind: NotMyNumberCardKind::JukiCard,
            },
            CardError::WrongPin { tries_left: 2 },
            CardError::PinLocked,
            CardError::LastTryNeedsConfirmation,
            CardError::SecurityStatusNotSatisfied,
            CardError::FileNotFound,
            CardError::UnexpectedStatus {
                sw: StatusWord(0x6F00),
            },
            CardError::MalformedData {
                offset: 3,
                what: "x",
            },
            CardError::Timeout,
            CardError::Cancelled,
            CardError::CommandNotAllowed,
            CardError::InvalidPinFormat,
            CardError::UnknownReader { name: "r".into() },
            CardError::CardInUse,
            CardError::CardUnresponsive,
            CardError::Pcsc {
                code: 1,
                text: "t".into(),
            },
            CardError::VirtualCardIo("io".into()),
            CardError::Smartphone,
            CardError::FaceAuthCard,
        ]
    }

    #[test]
    fn codes_are_unique_and_in_range() {
        let mut codes: Vec<u32> = all().iter().map(CardError::code).collect();
        assert!(codes.iter().all(|c| (500..600).contains(c)));
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }

    #[test]
    fn every_error_has_a_japanese_message() {
        for e in all() {
            let m = e.staff_message();
            assert!(
                m.chars().any(|c| ('\u{3040}'..='\u{30FF}').contains(&c)),
                "{e:?}"
            );
        }
        assert!(
            CardError::PinLocked
                .staff_message()
                .contains("市区町村の窓口で暗証番号の再設定が必要です")
        );
    }

    #[test]
    fn status_word_helpers() {
        assert_eq!(StatusWord::new(0x63, 0xC0).pin_tries(), Some(0));
        assert_eq!(StatusWord::new(0x63, 0x00).pin_tries(), None);
        assert_eq!(StatusWord::new(0x6C, 0x20).correct_le(), Some(0x20));
        assert_eq!(StatusWord::OK.correct_le(), None);
        assert_eq!(format!("{:?}", StatusWord::OK), "StatusWord(90 00)");
    }
}
