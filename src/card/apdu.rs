//! The allow-list: the only commands `onshi` can send to a card.
//!
//! [`Command`] is a closed enum over two closed enums ([`Application`], [`ElementaryFile`]):
//! it has no way to name EF 0001 (the 個人番号) or the 券面事項確認AP (card-face images), so no
//! code in or on top of this library can build such a read from it. Raw bytes are checked a
//! second time by [`AllowList`], which every transport of the library runs before anything
//! reaches a card: a byte string is accepted only if it is the exact encoding of a [`Command`]
//! that is allowed in the current state (EF 0002 only inside the 券面事項入力補助AP, READ BINARY
//! only on the selected allowed EF, no short-EF-id forms).
//!
//! ```
//! use onshi::card::{AllowList, Application, CardError, Command, ElementaryFile};
//! let mut allow = AllowList::new();
//! // SELECT EF 0001 in the 券面事項入力補助AP: refused, whatever the state.
//! allow.check(&Command::SelectApplication(Application::TextInputSupport).to_bytes()).unwrap();
//! allow.observe_ok();
//! let select_ef0001 = [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01];
//! assert!(matches!(allow.check(&select_ef0001), Err(CardError::CommandNotAllowed)));
//! // READ BINARY with a short EF id (P1 = 0x81 would read EF 0001): refused.
//! let read_sfi1 = [0x00, 0xB0, 0x81, 0x00, 0x00];
//! assert!(matches!(allow.check(&read_sfi1), Err(CardError::CommandNotAllowed)));
//! ```
//!
//! `ElementaryFile` has no variant for EF 0001, so this does not compile:
//!
//! ```compile_fail
//! let _ = onshi::card::ElementaryFile::MyNumber;
//! ```

use super::{CardError, Pin, StatusWord};
use std::fmt;
use zeroize::Zeroizing;

/// The card applications `onshi` may select (full 10-byte DF names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Application {
    /// 券面事項入力補助AP (`D3 92 10 00 31 00 01 01 04 08`): 基本4情報 behind the 4-digit PIN.
    TextInputSupport,
    /// 公的個人認証AP / JPKI AP (`D3 92 F0 00 26 01 00 00 00 01`): only its token EF 0006 is
    /// read, to recognise the card.
    Jpki,
}

impl Application {
    /// Every application on the allow-list.
    pub const ALL: [Application; 2] = [Application::TextInputSupport, Application::Jpki];

    /// The DF name (AID), always the full 10 bytes: the card also accepts prefixes, so a
    /// shorter one would not prove which application answered.
    pub const fn aid(self) -> [u8; 10] {
        match self {
            Application::TextInputSupport => {
                [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08]
            }
            Application::Jpki => [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01],
        }
    }

    fn from_aid(aid: &[u8]) -> Option<Application> {
        Application::ALL.into_iter().find(|a| a.aid() == aid)
    }
}

/// The elementary files `onshi` may select, each inside one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElementaryFile {
    /// EF 0011 of the 券面事項入力補助AP: the 券面事項入力補助用暗証番号 (4 digits, 3 tries).
    TextInputSupportPin,
    /// EF 0002 of the 券面事項入力補助AP: 基本4情報 (name, address, birth date, sex).
    BasicInfo,
    /// EF 0006 of the JPKI AP: the token that tells a マイナンバーカード from a 住基カード.
    JpkiToken,
}

impl ElementaryFile {
    /// Every EF on the allow-list.
    pub const ALL: [ElementaryFile; 3] = [
        ElementaryFile::TextInputSupportPin,
        ElementaryFile::BasicInfo,
        ElementaryFile::JpkiToken,
    ];

    /// The file identifier.
    pub const fn fid(self) -> u16 {
        match self {
            ElementaryFile::TextInputSupportPin => 0x0011,
            ElementaryFile::BasicInfo => 0x0002,
            ElementaryFile::JpkiToken => 0x0006,
        }
    }

    /// The application the EF belongs to.
    pub const fn application(self) -> Application {
        match self {
            ElementaryFile::TextInputSupportPin | ElementaryFile::BasicInfo => {
                Application::TextInputSupport
            }
            ElementaryFile::JpkiToken => Application::Jpki,
        }
    }

    /// `true` for the EFs READ BINARY may read (not the PIN EF).
    pub const fn is_readable(self) -> bool {
        !matches!(self, ElementaryFile::TextInputSupportPin)
    }

    fn from_fid(app: Application, fid: u16) -> Option<ElementaryFile> {
        ElementaryFile::ALL
            .into_iter()
            .find(|ef| ef.application() == app && ef.fid() == fid)
    }
}

/// Offset and length of a READ BINARY. The offset is at most `0x7FFF` (in a short READ
/// BINARY a set top bit of P1 selects a file by short EF id, which the allow-list forbids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReadRange {
    offset: u16,
    le: u8,
}

impl ReadRange {
    /// The largest offset a READ BINARY can carry.
    pub const MAX_OFFSET: u16 = 0x7FFF;

    /// `le` bytes (1–255; 0 is refused, as it would mean 256) from `offset`.
    pub fn new(offset: u16, le: u8) -> Result<ReadRange, CardError> {
        if offset > Self::MAX_OFFSET || le == 0 {
            return Err(CardError::CommandNotAllowed);
        }
        Ok(ReadRange { offset, le })
    }

    /// The offset.
    pub fn offset(self) -> u16 {
        self.offset
    }

    /// The expected length (Le).
    pub fn le(self) -> u8 {
        self.le
    }
}

/// A command APDU from the allow-list.
///
/// ```
/// use onshi::card::{Application, Command, ElementaryFile, Pin, ReadRange};
/// assert_eq!(
///     &Command::SelectFile(ElementaryFile::TextInputSupportPin).to_bytes()[..],
///     &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x11]
/// );
/// assert_eq!(&Command::PinStatus.to_bytes()[..], &[0x00, 0x20, 0x00, 0x80]);
/// let verify = Command::Verify(Pin::new("1234").unwrap());
/// assert_eq!(&verify.to_bytes()[..], b"\x00\x20\x00\x80\x041234");
/// assert_eq!(format!("{verify:?}"), "Verify(Pin(‹redacted›))");
/// let read = Command::ReadBinary(ReadRange::new(5, 0xE0).unwrap());
/// assert_eq!(&read.to_bytes()[..], &[0x00, 0xB0, 0x00, 0x05, 0xE0]);
/// ```
#[derive(Debug)]
pub enum Command {
    /// SELECT by DF name: `00 A4 04 0C 0A <AID>`.
    SelectApplication(Application),
    /// SELECT EF by file id: `00 A4 02 0C 02 <FID>`.
    SelectFile(ElementaryFile),
    /// VERIFY without data: `00 20 00 80`. Tells the PIN tries left without using one.
    PinStatus,
    /// VERIFY with the PIN: `00 20 00 80 04 <4 ASCII digits>`. Uses a try when wrong.
    Verify(Pin),
    /// READ BINARY on the current EF: `00 B0 <offset> <Le>`.
    ReadBinary(ReadRange),
}

impl Command {
    /// The APDU bytes. The buffer is zeroized on drop (a VERIFY carries the PIN).
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(16));
        match self {
            Command::SelectApplication(app) => {
                out.extend_from_slice(&[0x00, 0xA4, 0x04, 0x0C, 0x0A]);
                out.extend_from_slice(&app.aid());
            }
            Command::SelectFile(ef) => {
                out.extend_from_slice(&[0x00, 0xA4, 0x02, 0x0C, 0x02]);
                out.extend_from_slice(&ef.fid().to_be_bytes());
            }
            Command::PinStatus => out.extend_from_slice(&[0x00, 0x20, 0x00, 0x80]),
            Command::Verify(pin) => {
                out.extend_from_slice(&[0x00, 0x20, 0x00, 0x80, 0x04]);
                out.extend_from_slice(pin.ascii());
            }
            Command::ReadBinary(r) => {
                out.extend_from_slice(&[0x00, 0xB0]);
                out.extend_from_slice(&r.offset.to_be_bytes());
                out.push(r.le);
            }
        }
        out
    }

    /// Reads raw bytes back into a command: `Some` only for the exact encoding
    /// [`Command::to_bytes`] produces. Used by [`AllowList::check`].
    pub fn parse(apdu: &[u8]) -> Option<Command> {
        match apdu {
            [0x00, 0xA4, 0x04, 0x0C, 0x0A, aid @ ..] => {
                Application::from_aid(aid).map(Command::SelectApplication)
            }
            [0x00, 0xA4, 0x02, 0x0C, 0x02, hi, lo] => {
                let fid = u16::from_be_bytes([*hi, *lo]);
                ElementaryFile::ALL
                    .into_iter()
                    .find(|ef| ef.fid() == fid)
                    .map(Command::SelectFile)
            }
            [0x00, 0x20, 0x00, 0x80] => Some(Command::PinStatus),
            [0x00, 0x20, 0x00, 0x80, 0x04, pin @ ..] => Pin::from_ascii(pin).map(Command::Verify),
            [0x00, 0xB0, hi, lo, le] => ReadRange::new(u16::from_be_bytes([*hi, *lo]), *le)
                .ok()
                .map(Command::ReadBinary),
            _ => None,
        }
    }
}

/// A response APDU: data and status word. `Debug` shows the length of the data only (it may
/// hold personal data).
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    /// The response data (without SW1 SW2).
    pub data: Vec<u8>,
    /// The status word.
    pub sw: StatusWord,
}

impl Response {
    /// A response with data.
    pub fn new(data: Vec<u8>, sw: StatusWord) -> Response {
        Response { data, sw }
    }

    /// A response with no data.
    pub fn status(sw: StatusWord) -> Response {
        Response {
            data: Vec::new(),
            sw,
        }
    }

    /// Splits the raw bytes of a response (`data… SW1 SW2`). `None` when shorter than 2 bytes.
    pub fn from_bytes(raw: &[u8]) -> Option<Response> {
        let split = raw.len().checked_sub(2)?;
        let (data, sw) = raw.split_at(split);
        let sw = StatusWord::new(*sw.first()?, *sw.get(1)?);
        Some(Response {
            data: data.to_vec(),
            sw,
        })
    }

    /// The raw bytes (`data… SW1 SW2`).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 2);
        out.extend_from_slice(&self.data);
        out.push(self.sw.sw1());
        out.push(self.sw.sw2());
        out
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Response({} bytes, {})", self.data.len(), self.sw)
    }
}

/// The allow-list check of raw APDUs, with the state it needs (which application and EF are
/// selected on the card).
///
/// Call [`AllowList::check`] before sending, then [`AllowList::observe_ok`] when the card
/// answered `90 00`, or [`AllowList::observe_failure`] otherwise (a failed SELECT leaves the
/// state unknown, so nothing stays allowed that depended on it), and [`AllowList::reset`]
/// after a card reset or reconnect.
#[derive(Debug, Default, Clone)]
pub struct AllowList {
    app: Option<Application>,
    ef: Option<ElementaryFile>,
    pending: Option<Pending>,
}

#[derive(Debug, Clone, Copy)]
enum Pending {
    App(Application),
    Ef(ElementaryFile),
}

impl AllowList {
    /// Nothing selected (the state after power-up or reset).
    pub fn new() -> AllowList {
        AllowList::default()
    }

    /// Checks raw APDU bytes. `Ok` with the parsed command when it may be sent now;
    /// [`CardError::CommandNotAllowed`] otherwise.
    pub fn check(&mut self, apdu: &[u8]) -> Result<Command, CardError> {
        self.pending = None;
        let cmd = Command::parse(apdu).ok_or(CardError::CommandNotAllowed)?;
        match &cmd {
            Command::SelectApplication(app) => self.pending = Some(Pending::App(*app)),
            Command::SelectFile(ef) => {
                // The EF must belong to the selected application; a bare FID is looked up
                // again in the selected application (0002 exists in both APs of the card).
                let app = self.app.ok_or(CardError::CommandNotAllowed)?;
                let ef =
                    ElementaryFile::from_fid(app, ef.fid()).ok_or(CardError::CommandNotAllowed)?;
                self.pending = Some(Pending::Ef(ef));
                return Ok(Command::SelectFile(ef));
            }
            Command::PinStatus | Command::Verify(_) => {
                if self.ef != Some(ElementaryFile::TextInputSupportPin) {
                    return Err(CardError::CommandNotAllowed);
                }
            }
            Command::ReadBinary(_) => match self.ef {
                Some(ef) if ef.is_readable() => {}
                _ => return Err(CardError::CommandNotAllowed),
            },
        }
        Ok(cmd)
    }

    /// The card answered the last checked command with `90 00`.
    pub fn observe_ok(&mut self) {
        match self.pending.take() {
            Some(Pending::App(app)) => {
                self.app = Some(app);
                self.ef = None;
            }
            Some(Pending::Ef(ef)) => self.ef = Some(ef),
            None => {}
        }
    }

    /// The last checked command failed (any status but `90 00`, or a transport error).
    pub fn observe_failure(&mut self) {
        if self.pending.take().is_some() {
            self.app = None;
            self.ef = None;
        }
    }

    /// Forget the selection (after a card reset, reconnect or removal).
    pub fn reset(&mut self) {
        *self = AllowList::default();
    }

    /// The application selected on the card, as far as the allow-list knows.
    pub fn selected_application(&self) -> Option<Application> {
        self.app
    }

    /// The EF selected on the card, as far as the allow-list knows.
    pub fn selected_file(&self) -> Option<ElementaryFile> {
        self.ef
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(allow: &mut AllowList, cmd: Command) {
        allow.check(&cmd.to_bytes()).unwrap();
        allow.observe_ok();
    }

    #[test]
    fn every_command_round_trips() {
        let cmds = [
            Command::SelectApplication(Application::TextInputSupport),
            Command::SelectApplication(Application::Jpki),
            Command::SelectFile(ElementaryFile::TextInputSupportPin),
            Command::SelectFile(ElementaryFile::BasicInfo),
            Command::SelectFile(ElementaryFile::JpkiToken),
            Command::PinStatus,
            Command::Verify(Pin::new("0123").unwrap()),
            Command::ReadBinary(ReadRange::new(0x7FFF, 0xFF).unwrap()),
        ];
        for c in cmds {
            let bytes = c.to_bytes();
            let back = Command::parse(&bytes).unwrap();
            assert_eq!(back.to_bytes(), bytes);
        }
    }

    #[test]
    fn no_ef_0001_and_no_visual_ap() {
        assert!(ElementaryFile::ALL.iter().all(|ef| ef.fid() != 0x0001));
        let visual = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02];
        assert!(Application::ALL.iter().all(|a| a.aid() != visual));
        let mut select_visual = vec![0x00, 0xA4, 0x04, 0x0C, 0x0A];
        select_visual.extend_from_slice(&visual);
        assert!(Command::parse(&select_visual).is_none());
    }

    #[test]
    fn refuses_reads_that_could_reach_ef_0001() {
        let mut allow = AllowList::new();
        ok(
            &mut allow,
            Command::SelectApplication(Application::TextInputSupport),
        );
        let refused: &[&[u8]] = &[
            &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01], // SELECT EF 0001
            &[0x00, 0xA4, 0x02, 0x00, 0x02, 0x00, 0x01], // same, P2 = 00
            &[0x00, 0xB0, 0x81, 0x00, 0x00],             // READ BINARY SFI 1
            &[0x00, 0xB0, 0x81, 0x00, 0x11],
            &[0x00, 0xB1, 0x00, 0x00, 0x03, 0x54, 0x01, 0x00, 0x00], // odd INS
            &[0x00, 0xB0, 0x00, 0x00, 0x05],                         // no EF selected yet
            &[0x00, 0x20, 0x00, 0x91],                               // VERIFY by SFI
            &[
                0x00, 0x20, 0x00, 0x80, 0x0C, b'1', b'2', b'3', b'4', b'5', b'6', b'7', b'8', b'9',
                b'0', b'1', b'8',
            ], // PIN A style
            &[
                0x00, 0xA4, 0x04, 0x0C, 0x08, 0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01,
            ], // AID prefix
            &[0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00],             // extended Le
            &[0x00, 0xB0, 0x00, 0x00, 0x00],                         // Le = 256
            &[],
        ];
        for apdu in refused {
            assert_eq!(
                allow.check(apdu).unwrap_err(),
                CardError::CommandNotAllowed,
                "{apdu:02X?}"
            );
            allow.observe_failure();
            assert_eq!(
                allow.selected_application(),
                Some(Application::TextInputSupport)
            );
        }
    }

    #[test]
    fn ef_must_be_in_the_selected_application() {
        let mut allow = AllowList::new();
        // No application selected: no EF.
        assert!(
            allow
                .check(&Command::SelectFile(ElementaryFile::BasicInfo).to_bytes())
                .is_err()
        );
        ok(&mut allow, Command::SelectApplication(Application::Jpki));
        // 0002 in the JPKI AP is a certificate, not on the list; 0011 neither.
        assert!(
            allow
                .check(&Command::SelectFile(ElementaryFile::BasicInfo).to_bytes())
                .is_err()
        );
        assert!(
            allow
                .check(&Command::SelectFile(ElementaryFile::TextInputSupportPin).to_bytes())
                .is_err()
        );
        ok(&mut allow, Command::SelectFile(ElementaryFile::JpkiToken));
        assert!(allow.check(&Command::PinStatus.to_bytes()).is_err());
        allow
            .check(&Command::ReadBinary(ReadRange::new(0, 32).unwrap()).to_bytes())
            .unwrap();
    }

    #[test]
    fn no_read_on_the_pin_ef_and_verify_only_there() {
        let mut allow = AllowList::new();
        ok(
            &mut allow,
            Command::SelectApplication(Application::TextInputSupport),
        );
        assert!(allow.check(&Command::PinStatus.to_bytes()).is_err());
        ok(
            &mut allow,
            Command::SelectFile(ElementaryFile::TextInputSupportPin),
        );
        ok(&mut allow, Command::PinStatus);
        assert!(
            allow
                .check(&Command::ReadBinary(ReadRange::new(0, 1).unwrap()).to_bytes())
                .is_err()
        );
    }

    #[test]
    fn a_failed_select_forgets_the_state() {
        let mut allow = AllowList::new();
        ok(
            &mut allow,
            Command::SelectApplication(Application::TextInputSupport),
        );
        ok(&mut allow, Command::SelectFile(ElementaryFile::BasicInfo));
        allow
            .check(&Command::SelectApplication(Application::Jpki).to_bytes())
            .unwrap();
        allow.observe_failure();
        assert_eq!(allow.selected_file(), None);
        assert!(
            allow
                .check(&Command::ReadBinary(ReadRange::new(0, 1).unwrap()).to_bytes())
                .is_err()
        );
    }

    #[test]
    fn read_range_limits() {
        assert!(ReadRange::new(0x8000, 1).is_err());
        assert!(ReadRange::new(0, 0).is_err());
        assert_eq!(ReadRange::new(0x7FFF, 255).unwrap().offset(), 0x7FFF);
    }

    #[test]
    fn response_bytes() {
        assert!(Response::from_bytes(&[0x90]).is_none());
        let r = Response::from_bytes(&[1, 2, 0x90, 0x00]).unwrap();
        assert_eq!(r.data, vec![1, 2]);
        assert_eq!(r.sw, StatusWord::OK);
        assert_eq!(r.to_bytes(), vec![1, 2, 0x90, 0x00]);
        assert_eq!(format!("{r:?}"), "Response(2 bytes, 90 00)");
    }
}
