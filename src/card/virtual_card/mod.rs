//! The project's virtual マイナンバーカード: a test double for vendors' own tests.
//!
//! [`VirtualMyNumberCard`] is the card side: a state machine that answers command APDUs the
//! way the spec's sources describe the real card (applications, EFs, PIN counter, lock,
//! `69 82` before VERIFY, reads past the end). It holds only fictitious data. Two front ends
//! serve it:
//!
//! * [`SimulatedCard`](super::SimulatedCard), an in-process [`ApduTransport`](super::ApduTransport)
//!   for unit tests, with fault injection;
//! * [`vpcd::VpcdCard`], which "inserts" the card into a `vsmartcard-vpcd` virtual reader of a
//!   running `pcscd` over TCP, so tests go through the real PC/SC path
//!   (`pcsc` crate → pcscd → vpcd → this card).
//!
//! Unlike the library's transports, the card itself implements everything a real card has,
//! EF 0001 (a fake 個人番号 `123456789018`) included, so tests can show that the library never
//! asks for it: [`VirtualMyNumberCard::touched_my_number`].
//!
//! ```
//! use onshi::card::virtual_card::{VirtualCardConfig, VirtualMyNumberCard};
//! let mut card = VirtualMyNumberCard::new(VirtualCardConfig::default());
//! let rsp = card.process(&[0x00, 0xA4, 0x04, 0x0C, 0x0A,
//!     0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]);
//! assert_eq!(rsp, vec![0x90, 0x00]);
//! ```

pub mod vpcd;

use super::Pin;
use super::apdu::Application;

/// The ATR the virtual card sends (the contact ATR OpenSC's `jpki` driver matches). The
/// library never relies on it.
pub const MY_NUMBER_CARD_ATR: [u8; 9] = [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14];

/// AID of the 券面事項確認AP, present on the virtual card as on a real one (the library
/// cannot select it).
const VISUAL_AP_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02];

/// What a locked PIN answers to VERIFY (the sources disagree; the library handles both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockedStatus {
    /// `63 C0`.
    TriesZero,
    /// `69 83` (ISO 7816-4: authentication method blocked).
    AuthMethodBlocked,
}

/// How the card answers a READ BINARY that asks for more bytes than remain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortRead {
    /// The remaining bytes with `90 00`.
    FewerBytes,
    /// The remaining bytes with `62 82` (end of file reached).
    EndOfFileWarning,
    /// `6C xx` with the right Le, no data.
    WrongLength,
    /// `6B 00`, no data.
    WrongOffset,
}

/// The ATR a PC/SC reader builds for a contactless ISO 14443-4 device without historical
/// bytes (PC/SC part 3), as phones present themselves.
pub const CONTACTLESS_ATR: [u8; 5] = [0x3B, 0x80, 0x80, 0x01, 0x01];

/// The ATR of a generic ISO 7816 card (vsmartcard's `vicc` card), for "another card".
pub const OTHER_CARD_ATR: [u8; 11] = [
    0x3B, 0x95, 0x13, 0x81, 0x01, 0x80, 0x73, 0xFF, 0x01, 0x00, 0x0B,
];

/// How a card without a 券面事項入力補助用暗証番号 (a 顔認証マイナンバーカード) answers. The real
/// answer is not published (oqs-2026 §7, \[U\]); the library treats all three the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoPinAnswer {
    /// The status query and VERIFY answer `69 84` (reference data not usable).
    ReferenceDataNotUsable,
    /// The status query and VERIFY answer `6A 88` (referenced data not found).
    ReferenceDataNotFound,
    /// SELECT of the PIN EF 0011 answers `6A 82` (no such file).
    NoPinFile,
}

/// What the virtual card pretends to be (oqs-2026 §7): the modes the PC/SC tests and
/// `onshi card virtual --mode` use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardMode {
    /// A マイナンバーカード with its PIN set (the fixture).
    MyNumberCard,
    /// A マイナンバーカード whose PIN is locked (`69 83`).
    LockedPin,
    /// A 顔認証マイナンバーカード: no PIN (`69 84`).
    FaceAuthCard,
    /// An Android phone's スマホ用電子証明書: JPKI only (token `JPKIAPGPSETOKEN`), no
    /// 券面事項入力補助AP.
    AndroidSmartphone,
    /// An iPhone: no card application at all (its マイナ保険証 is an mdoc), contactless ATR.
    Iphone,
    /// An old 住基カード: token `JPKIAPICCTOKEN`, no 券面事項入力補助AP.
    JukiCard,
    /// Another ISO 7816 card: no My Number application.
    OtherCard,
}

impl CardMode {
    /// Every mode.
    pub const ALL: [CardMode; 7] = [
        CardMode::MyNumberCard,
        CardMode::LockedPin,
        CardMode::FaceAuthCard,
        CardMode::AndroidSmartphone,
        CardMode::Iphone,
        CardMode::JukiCard,
        CardMode::OtherCard,
    ];

    /// The stable id (`my_number_card`, `locked_pin`, `face_auth_card`,
    /// `android_smartphone`, `iphone`, `juki_card`, `other_card`).
    pub fn id(self) -> &'static str {
        match self {
            CardMode::MyNumberCard => "my_number_card",
            CardMode::LockedPin => "locked_pin",
            CardMode::FaceAuthCard => "face_auth_card",
            CardMode::AndroidSmartphone => "android_smartphone",
            CardMode::Iphone => "iphone",
            CardMode::JukiCard => "juki_card",
            CardMode::OtherCard => "other_card",
        }
    }

    /// The mode of an id.
    pub fn from_id(id: &str) -> Option<CardMode> {
        CardMode::ALL.into_iter().find(|m| m.id() == id)
    }
}

/// Contents and behaviour of a virtual card. `Default` is the spec's fictitious fixture
/// (検証　花子, PIN `1234`, 3 tries).
#[derive(Clone)]
pub struct VirtualCardConfig {
    /// DF 22 氏名 (UTF-8 bytes, so tests can put invalid sequences in).
    pub name: Vec<u8>,
    /// DF 23 住所.
    pub address: Vec<u8>,
    /// DF 24 生年月日 text.
    pub birthdate: Vec<u8>,
    /// DF 25 性別 (ISO 5218 text).
    pub sex: Vec<u8>,
    /// When set, EF 0002 holds exactly these bytes instead of the TLV built from the fields.
    pub ef0002_override: Option<Vec<u8>>,
    /// Padding bytes (`FF`) after the TLV in EF 0002, as on cards whose EFs have a fixed size.
    pub ef0002_padding: usize,
    /// The 4-digit 券面事項入力補助用暗証番号.
    pub pin: [u8; 4],
    /// Tries left on the PIN (0 = locked).
    pub tries_left: u8,
    /// Tries after a correct PIN.
    pub max_tries: u8,
    /// What a locked PIN answers.
    pub locked_status: LockedStatus,
    /// How reads past the end are answered.
    pub short_read: ShortRead,
    /// Content of the JPKI token EF 0006 before padding (32 bytes, space-padded).
    pub token: Vec<u8>,
    /// Whether the card has a 券面事項入力補助AP (a 住基カード does not).
    pub has_text_ap: bool,
    /// Whether the card has the JPKI AP.
    pub has_jpki_ap: bool,
    /// `Some` for a card without a PIN (a 顔認証マイナンバーカード): how it answers.
    pub no_pin: Option<NoPinAnswer>,
    /// The ATR sent to vpcd (the library never relies on it).
    pub atr: Vec<u8>,
}

impl Default for VirtualCardConfig {
    fn default() -> Self {
        VirtualCardConfig {
            name: "検証　花子".as_bytes().to_vec(),
            address: "東京都千代田区霞が関九丁目９番９号".as_bytes().to_vec(),
            birthdate: b"19850401".to_vec(),
            sex: b"2".to_vec(),
            ef0002_override: None,
            ef0002_padding: 0,
            pin: *b"1234",
            tries_left: 3,
            max_tries: 3,
            locked_status: LockedStatus::AuthMethodBlocked,
            short_read: ShortRead::FewerBytes,
            token: b"JPKIAPICCTOKEN2".to_vec(),
            has_text_ap: true,
            has_jpki_ap: true,
            no_pin: None,
            atr: MY_NUMBER_CARD_ATR.to_vec(),
        }
    }
}

impl VirtualCardConfig {
    /// The fixture changed into `mode`.
    ///
    /// ```
    /// use onshi::card::{CardError, CardSession, SimulatedCard};
    /// use onshi::card::virtual_card::{CardMode, VirtualCardConfig};
    /// let phone = VirtualCardConfig::for_mode(CardMode::AndroidSmartphone);
    /// let mut s = CardSession::new(SimulatedCard::new(phone));
    /// assert_eq!(s.recognise(), Err(CardError::Smartphone));
    /// ```
    pub fn for_mode(mode: CardMode) -> Self {
        let base = VirtualCardConfig::default();
        match mode {
            CardMode::MyNumberCard => base,
            CardMode::LockedPin => VirtualCardConfig {
                tries_left: 0,
                ..base
            },
            CardMode::FaceAuthCard => VirtualCardConfig {
                no_pin: Some(NoPinAnswer::ReferenceDataNotUsable),
                ..base
            },
            CardMode::AndroidSmartphone => VirtualCardConfig {
                token: b"JPKIAPGPSETOKEN".to_vec(),
                has_text_ap: false,
                atr: CONTACTLESS_ATR.to_vec(),
                ..base
            },
            CardMode::Iphone => VirtualCardConfig {
                has_text_ap: false,
                has_jpki_ap: false,
                atr: CONTACTLESS_ATR.to_vec(),
                ..base
            },
            CardMode::JukiCard => VirtualCardConfig {
                token: b"JPKIAPICCTOKEN".to_vec(),
                has_text_ap: false,
                ..base
            },
            CardMode::OtherCard => VirtualCardConfig {
                has_text_ap: false,
                has_jpki_ap: false,
                atr: OTHER_CARD_ATR.to_vec(),
                ..base
            },
        }
    }

    /// The fixture with another PIN (validated like the patient's: 4 digits).
    ///
    /// ```
    /// use onshi::card::{Pin, virtual_card::VirtualCardConfig};
    /// let cfg = VirtualCardConfig::default().with_pin(&Pin::new("9876").unwrap());
    /// assert_eq!(&cfg.pin, b"9876");
    /// ```
    pub fn with_pin(mut self, pin: &Pin) -> Self {
        self.pin = *pin.ascii();
        self
    }

    /// The content of EF 0002: `FF 20 82 hh ll` { `DF 21` header, `DF 22`–`DF 25` }, then
    /// the padding; or the override.
    pub fn ef0002(&self) -> Vec<u8> {
        if let Some(raw) = &self.ef0002_override {
            return raw.clone();
        }
        let items = [&self.name, &self.address, &self.birthdate, &self.sex];
        // DF 21: offsets of the four items inside the body (one reading of the header).
        let mut header = Vec::new();
        let mut body = Vec::new();
        let header_len = 2 + len_bytes(8).len() + 8;
        for (i, value) in items.iter().enumerate() {
            let at = header_len + body.len();
            header.extend_from_slice(&(at.min(0xFFFF) as u16).to_be_bytes());
            body.extend_from_slice(&[0xDF, 0x22 + i as u8]);
            body.extend_from_slice(&len_bytes(value.len()));
            body.extend_from_slice(value);
        }
        let mut all = vec![0xDF, 0x21];
        all.extend_from_slice(&len_bytes(header.len()));
        all.extend_from_slice(&header);
        all.extend_from_slice(&body);
        let mut out = vec![0xFF, 0x20, 0x82];
        out.extend_from_slice(&(all.len().min(0xFFFF) as u16).to_be_bytes());
        out.extend_from_slice(&all);
        out.extend(std::iter::repeat_n(0xFF, self.ef0002_padding));
        out
    }
}

impl std::fmt::Debug for VirtualCardConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtualCardConfig")
            .field("tries_left", &self.tries_left)
            .field("locked_status", &self.locked_status)
            .field("short_read", &self.short_read)
            .field("has_text_ap", &self.has_text_ap)
            .field("has_jpki_ap", &self.has_jpki_ap)
            .field("no_pin", &self.no_pin)
            .finish_non_exhaustive()
    }
}

fn len_bytes(n: usize) -> Vec<u8> {
    match n {
        0..=0x7F => vec![n as u8],
        0x80..=0xFF => vec![0x81, n as u8],
        _ => {
            let n = n.min(0xFFFF) as u16;
            let [hi, lo] = n.to_be_bytes();
            vec![0x82, hi, lo]
        }
    }
}

/// The card's applications (the virtual card has these four).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Df {
    Text,
    Jpki,
    Visual,
}

/// Files of the virtual card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum File {
    MyNumber,
    BasicInfo,
    TextPin,
    JpkiToken,
}

/// The virtual card's state machine. See the [module docs](self).
pub struct VirtualMyNumberCard {
    config: VirtualCardConfig,
    df: Option<Df>,
    ef: Option<File>,
    verified: bool,
    log: Vec<Vec<u8>>,
    touched_my_number: bool,
    resets: usize,
}

impl std::fmt::Debug for VirtualMyNumberCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtualMyNumberCard")
            .field("config", &self.config)
            .field("verified", &self.verified)
            .field("commands", &self.log.len())
            .finish_non_exhaustive()
    }
}

impl VirtualMyNumberCard {
    /// A powered-up card with nothing selected.
    pub fn new(config: VirtualCardConfig) -> Self {
        VirtualMyNumberCard {
            config,
            df: None,
            ef: None,
            verified: false,
            log: Vec::new(),
            touched_my_number: false,
            resets: 0,
        }
    }

    /// The configuration (PIN tries are kept in it and change as the card is used).
    pub fn config(&self) -> &VirtualCardConfig {
        &self.config
    }

    /// The configuration, for changing the card between tests.
    pub fn config_mut(&mut self) -> &mut VirtualCardConfig {
        &mut self.config
    }

    /// PIN tries left.
    pub fn tries_left(&self) -> u8 {
        self.config.tries_left
    }

    /// Every command APDU received, in order, with VERIFY data replaced by `*`.
    pub fn log(&self) -> &[Vec<u8>] {
        &self.log
    }

    /// How many power-off / power-on / reset signals the card got.
    pub fn resets(&self) -> usize {
        self.resets
    }

    /// `true` if any command ever selected or read EF 0001 (the 個人番号). The library's
    /// tests assert this stays `false`.
    pub fn touched_my_number(&self) -> bool {
        self.touched_my_number
    }

    /// Power off, power on or warm reset: security state and selection are dropped.
    pub fn reset(&mut self) {
        self.df = None;
        self.ef = None;
        self.verified = false;
        self.resets += 1;
    }

    /// Answers one command APDU with `data… SW1 SW2`. Never panics.
    pub fn process(&mut self, apdu: &[u8]) -> Vec<u8> {
        let mut logged = apdu.to_vec();
        if apdu.get(1) == Some(&0x20) && apdu.len() > 5 {
            for b in logged.iter_mut().skip(5) {
                *b = b'*';
            }
        }
        self.log.push(logged);
        self.answer(apdu)
    }

    fn answer(&mut self, apdu: &[u8]) -> Vec<u8> {
        let [cla, ins, p1, p2, rest @ ..] = apdu else {
            return sw(0x6700);
        };
        if *cla != 0x00 {
            return sw(0x6E00);
        }
        match ins {
            0xA4 => self.select(*p1, rest),
            0x20 => self.verify(*p1, *p2, rest),
            0xB0 => self.read_binary(*p1, *p2, rest),
            _ => sw(0x6D00),
        }
    }

    fn select(&mut self, p1: u8, rest: &[u8]) -> Vec<u8> {
        let Some((&lc, data)) = rest.split_first() else {
            return sw(0x6700);
        };
        let Some(data) = data.get(..usize::from(lc)) else {
            return sw(0x6700);
        };
        match p1 {
            0x04 => {
                let df = if data == Application::Jpki.aid() && self.config.has_jpki_ap {
                    Some(Df::Jpki)
                } else if data == Application::TextInputSupport.aid() && self.config.has_text_ap {
                    Some(Df::Text)
                } else if data == VISUAL_AP_AID && self.config.has_text_ap {
                    Some(Df::Visual)
                } else {
                    None
                };
                // Selecting another application drops the security status.
                self.verified = false;
                self.ef = None;
                self.df = df;
                match df {
                    Some(_) => sw(0x9000),
                    None => sw(0x6A82),
                }
            }
            0x02 => {
                let [hi, lo] = data else {
                    return sw(0x6A87);
                };
                match self.file(u16::from_be_bytes([*hi, *lo])) {
                    Some(f) => {
                        self.ef = Some(f);
                        sw(0x9000)
                    }
                    None => sw(0x6A82),
                }
            }
            _ => sw(0x6A86),
        }
    }

    fn file(&mut self, fid: u16) -> Option<File> {
        let f = match (self.df?, fid) {
            (Df::Text, 0x0001) => File::MyNumber,
            (Df::Text, 0x0002) => File::BasicInfo,
            (Df::Text, 0x0011) if self.config.no_pin != Some(NoPinAnswer::NoPinFile) => {
                File::TextPin
            }
            (Df::Jpki, 0x0006) => File::JpkiToken,
            _ => return None,
        };
        if f == File::MyNumber {
            self.touched_my_number = true;
        }
        Some(f)
    }

    fn locked(&self) -> Vec<u8> {
        match self.config.locked_status {
            LockedStatus::TriesZero => sw(0x63C0),
            LockedStatus::AuthMethodBlocked => sw(0x6983),
        }
    }

    fn verify(&mut self, p1: u8, p2: u8, rest: &[u8]) -> Vec<u8> {
        if p1 != 0x00 || p2 != 0x80 {
            return sw(0x6A86);
        }
        if self.ef != Some(File::TextPin) {
            return sw(0x6986);
        }
        match self.config.no_pin {
            Some(NoPinAnswer::ReferenceDataNotUsable) => return sw(0x6984),
            Some(NoPinAnswer::ReferenceDataNotFound) => return sw(0x6A88),
            Some(NoPinAnswer::NoPinFile) | None => {}
        }
        if self.config.tries_left == 0 {
            return self.locked();
        }
        let Some((&lc, data)) = rest.split_first() else {
            // Status query: no try used.
            return sw(0x63C0 | u16::from(self.config.tries_left.min(15)));
        };
        if data.len() != usize::from(lc) {
            return sw(0x6700);
        }
        if data == self.config.pin {
            self.config.tries_left = self.config.max_tries;
            self.verified = true;
            sw(0x9000)
        } else {
            self.config.tries_left -= 1;
            self.verified = false;
            sw(0x63C0 | u16::from(self.config.tries_left.min(15)))
        }
    }

    fn read_binary(&mut self, p1: u8, p2: u8, rest: &[u8]) -> Vec<u8> {
        let [le] = rest else {
            return sw(0x6700);
        };
        let le = if *le == 0 { 256 } else { usize::from(*le) };
        let offset = if p1 & 0x80 != 0 {
            // Short EF identifier in P1, offset in P2.
            match self.file(u16::from(p1 & 0x1F)) {
                Some(f) => self.ef = Some(f),
                None => return sw(0x6A82),
            }
            usize::from(p2)
        } else {
            usize::from(u16::from_be_bytes([p1, p2]))
        };
        let content = match self.ef {
            None => return sw(0x6986),
            Some(File::TextPin) => return sw(0x6981),
            Some(File::MyNumber) => {
                self.touched_my_number = true;
                if !self.verified {
                    return sw(0x6982);
                }
                let mut v = vec![0xFF, 0x10, 0x0C];
                v.extend_from_slice(b"123456789018");
                v
            }
            Some(File::BasicInfo) => {
                if !self.verified {
                    return sw(0x6982);
                }
                self.config.ef0002()
            }
            Some(File::JpkiToken) => {
                let mut t = self.config.token.clone();
                t.resize(32.max(t.len()), b' ');
                t
            }
        };
        if offset > content.len() {
            return sw(0x6B00);
        }
        let remaining = content.get(offset..).unwrap_or(&[]);
        if le <= remaining.len() {
            let mut out = remaining[..le].to_vec();
            out.extend_from_slice(&[0x90, 0x00]);
            return out;
        }
        match self.config.short_read {
            ShortRead::FewerBytes | ShortRead::EndOfFileWarning => {
                let mut out = remaining.to_vec();
                if self.config.short_read == ShortRead::FewerBytes {
                    out.extend_from_slice(&[0x90, 0x00]);
                } else {
                    out.extend_from_slice(&[0x62, 0x82]);
                }
                out
            }
            ShortRead::WrongLength if !remaining.is_empty() && remaining.len() < 256 => {
                sw(0x6C00 | remaining.len() as u16)
            }
            _ => sw(0x6B00),
        }
    }
}

fn sw(word: u16) -> Vec<u8> {
    word.to_be_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::apdu::{Command, ElementaryFile, ReadRange};

    fn send(card: &mut VirtualMyNumberCard, cmd: Command) -> Vec<u8> {
        card.process(&cmd.to_bytes())
    }

    fn text_pin(card: &mut VirtualMyNumberCard) {
        send(
            card,
            Command::SelectApplication(Application::TextInputSupport),
        );
        send(
            card,
            Command::SelectFile(ElementaryFile::TextInputSupportPin),
        );
    }

    #[test]
    fn pin_counter_lock_and_reset_of_security_state() {
        let mut card = VirtualMyNumberCard::new(VirtualCardConfig::default());
        text_pin(&mut card);
        assert_eq!(send(&mut card, Command::PinStatus), sw(0x63C3));
        let wrong = Pin::new("0000").unwrap();
        assert_eq!(send(&mut card, Command::Verify(wrong)), sw(0x63C2));
        assert_eq!(
            send(&mut card, Command::Verify(Pin::new("1234").unwrap())),
            sw(0x9000)
        );
        assert_eq!(card.tries_left(), 3);
        send(&mut card, Command::SelectFile(ElementaryFile::BasicInfo));
        let read = Command::ReadBinary(ReadRange::new(0, 5).unwrap());
        assert_eq!(&send(&mut card, read)[..3], &[0xFF, 0x20, 0x82]);
        card.reset();
        text_pin(&mut card);
        for left in [2u16, 1, 0] {
            let r = send(&mut card, Command::Verify(Pin::new("9999").unwrap()));
            assert_eq!(r, sw(0x63C0 | left));
        }
        assert_eq!(send(&mut card, Command::PinStatus), sw(0x6983));
        assert_eq!(
            send(&mut card, Command::Verify(Pin::new("1234").unwrap())),
            sw(0x6983)
        );
        assert!(
            card.log()
                .iter()
                .all(|c| !c.windows(4).any(|w| w == b"1234"))
        );
    }

    #[test]
    fn protected_files_need_the_pin_and_ef_0001_is_tracked() {
        let mut card = VirtualMyNumberCard::new(VirtualCardConfig::default());
        send(
            &mut card,
            Command::SelectApplication(Application::TextInputSupport),
        );
        send(&mut card, Command::SelectFile(ElementaryFile::BasicInfo));
        assert_eq!(card.process(&[0x00, 0xB0, 0x00, 0x00, 0x05]), sw(0x6982));
        assert!(!card.touched_my_number());
        assert_eq!(card.process(&[0x00, 0xB0, 0x81, 0x00, 0x05]), sw(0x6982));
        assert!(card.touched_my_number());
    }

    #[test]
    fn short_read_behaviours() {
        for (mode, expect_sw) in [
            (ShortRead::FewerBytes, 0x9000u16),
            (ShortRead::EndOfFileWarning, 0x6282),
            (ShortRead::WrongLength, 0x6C10),
            (ShortRead::WrongOffset, 0x6B00),
        ] {
            let cfg = VirtualCardConfig {
                short_read: mode,
                ..VirtualCardConfig::default()
            };
            let mut card = VirtualMyNumberCard::new(cfg);
            send(&mut card, Command::SelectApplication(Application::Jpki));
            send(&mut card, Command::SelectFile(ElementaryFile::JpkiToken));
            let r = card.process(&[0x00, 0xB0, 0x00, 0x10, 0x20]);
            let n = r.len();
            assert_eq!(
                u16::from_be_bytes([r[n - 2], r[n - 1]]),
                expect_sw,
                "{mode:?}"
            );
        }
    }

    #[test]
    fn ef0002_layout_matches_the_spec_fixture() {
        let ef = VirtualCardConfig::default().ef0002();
        // Byte for byte the fixture of the spec (§10.4).
        assert_eq!(&ef[..5], &[0xFF, 0x20, 0x82, 0x00, 0x62]);
        assert_eq!(
            &ef[5..16],
            &[
                0xDF, 0x21, 0x08, 0x00, 0x0B, 0x00, 0x1D, 0x00, 0x53, 0x00, 0x5E
            ]
        );
        assert_eq!(
            ef.len(),
            5 + usize::from(u16::from_be_bytes([ef[3], ef[4]]))
        );
        let info = crate::card::BasicInfo::from_ef0002(&ef).unwrap();
        assert_eq!(info.name().as_str(), "検証　花子");
    }

    #[test]
    fn odd_apdus_get_errors_not_panics() {
        let mut card = VirtualMyNumberCard::new(VirtualCardConfig::default());
        for apdu in [
            &[][..],
            &[0x00],
            &[0x80, 0xA4, 0x04, 0x0C],
            &[0x00, 0xA4, 0x04, 0x0C],
            &[0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3],
            &[0x00, 0xA4, 0x02, 0x0C, 0x01, 0x00],
            &[0x00, 0x20, 0x00, 0x80, 0x04, 0x31],
            &[0x00, 0xB0, 0x00, 0x00],
            &[0x00, 0xCA, 0x00, 0x00, 0x00],
        ] {
            let r = card.process(apdu);
            assert_eq!(r.len(), 2, "{apdu:02X?}");
            assert_ne!(r, sw(0x9000));
        }
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// vpcd hands the card whatever an application sent: any bytes get a status word.
        #[test]
        fn any_apdu_sequence_gets_an_answer(
            apdus in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 0..20)
        ) {
            let mut card = VirtualMyNumberCard::new(VirtualCardConfig::default());
            for a in &apdus {
                prop_assert!(card.process(a).len() >= 2);
            }
            prop_assert_eq!(card.log().len(), apdus.len());
        }
    }
}
