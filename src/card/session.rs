//! [`CardSession`]: recognise the card, PIN tries left, and the 基本4情報 read.

use super::apdu::{Application, Command, ElementaryFile, ReadRange};
use super::basic_info::MAX_EF0002_LEN;
use super::{
    AllowList, ApduTransport, BasicInfo, CardError, NotMyNumberCardKind, Pin, Response, StatusWord,
    tlv,
};

/// Bytes asked for per READ BINARY after the first 5 (short APDUs only; no extended length,
/// which needs reader and driver support).
pub const READ_CHUNK: u8 = 0xE0;

/// The state of the 券面事項入力補助用暗証番号, read without using a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinStatus {
    /// This many tries are left (1–3 on a real card).
    TriesLeft(u8),
    /// No try is left (`63 C0` or `69 83`): only the city office can reset it.
    Locked,
}

/// One conversation with one card, over any [`ApduTransport`].
///
/// Every command goes through an [`AllowList`] before the transport (whose own check runs
/// again), so a session can only do what its methods say. Each method starts by selecting
/// its application, so the methods can be called in any order and repeated.
///
/// ```
/// use onshi::card::{CardError, CardSession, Pin, PinStatus, SimulatedCard};
/// use onshi::card::virtual_card::VirtualCardConfig;
/// let mut session = CardSession::new(SimulatedCard::new(VirtualCardConfig::default()));
/// assert_eq!(session.pin_status()?, PinStatus::TriesLeft(3));
/// let wrong = session.read_basic_info(&Pin::new("0000")?, false);
/// assert_eq!(wrong.unwrap_err(), CardError::WrongPin { tries_left: 2 });
/// let info = session.read_basic_info(&Pin::new("1234")?, false)?;
/// assert_eq!(info.birthdate_text().as_str(), "19850401");
/// # Ok::<(), CardError>(())
/// ```
#[derive(Debug)]
pub struct CardSession<T: ApduTransport> {
    transport: T,
    allow: AllowList,
}

impl<T: ApduTransport> CardSession<T> {
    /// A session over a connected transport.
    pub fn new(transport: T) -> CardSession<T> {
        CardSession {
            transport,
            allow: AllowList::new(),
        }
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The transport, mutably (e.g. to inject faults in a simulated card).
    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    /// Ends the session and returns the transport.
    pub fn into_inner(self) -> T {
        self.transport
    }

    /// Sends one allowed command.
    fn send(&mut self, cmd: &Command) -> Result<Response, CardError> {
        let bytes = cmd.to_bytes();
        self.allow.check(&bytes)?;
        match self.transport.transmit(&bytes) {
            Ok(r) => {
                if r.sw.is_ok() {
                    self.allow.observe_ok();
                } else {
                    self.allow.observe_failure();
                }
                Ok(r)
            }
            Err(e) => {
                self.allow.observe_failure();
                Err(e)
            }
        }
    }

    /// SELECT of an application: `6A 82` is [`CardError::FileNotFound`], which the callers
    /// turn into what the card is.
    fn select_app(&mut self, app: Application) -> Result<(), CardError> {
        let r = self.send(&Command::SelectApplication(app))?;
        match r.sw {
            StatusWord::OK => Ok(()),
            sw => Err(status_error(sw)),
        }
    }

    fn select_file(&mut self, ef: ElementaryFile) -> Result<(), CardError> {
        let r = self.send(&Command::SelectFile(ef))?;
        if r.sw.is_ok() {
            Ok(())
        } else {
            Err(status_error(r.sw))
        }
    }

    fn reset(&mut self) -> Result<(), CardError> {
        self.allow.reset();
        self.transport.reset()
    }

    /// Tells whether the card is a マイナンバーカード whose 基本4情報 can be read, without a PIN
    /// and without looking at the ATR (pcsc-mynumber §3, oqs-2026 §7):
    ///
    /// 1. SELECT of the JPKI application. When it fails, SELECT of the 券面事項入力補助AP: both
    ///    fail → [`NotMyNumberCardKind::NoApplication`] (another card, or an iPhone, whose
    ///    マイナ保険証 is no card application); only the latter answers →
    ///    [`NotMyNumberCardKind::NoJpkiApplication`].
    /// 2. The JPKI token EF 0006: `JPKIAPICCTOKEN2` is a マイナンバーカード; `JPKIAPGPSETOKEN` a
    ///    smartphone ([`CardError::Smartphone`]: Android's スマホ用電子証明書 has no 券面 data);
    ///    `JPKIAPICCTOKEN` a 住基カード; anything else [`NotMyNumberCardKind::UnknownToken`].
    /// 3. The PIN of the 券面事項入力補助AP, without using a try ([`pin_status`](Self::pin_status)):
    ///    a card without it is a 顔認証マイナンバーカード ([`CardError::FaceAuthCard`]). A locked
    ///    PIN is still a マイナンバーカード: `Ok`, and `pin_status` says `Locked`.
    pub fn recognise(&mut self) -> Result<(), CardError> {
        match self.select_app(Application::Jpki) {
            Err(CardError::FileNotFound) => {
                let kind = match self.select_app(Application::TextInputSupport) {
                    Ok(()) => NotMyNumberCardKind::NoJpkiApplication,
                    Err(CardError::FileNotFound) => NotMyNumberCardKind::NoApplication,
                    Err(e) => return Err(e),
                };
                return Err(CardError::NotMyNumberCard { kind });
            }
            other => other?,
        }
        self.check_token()?;
        self.pin_status().map(|_| ())
    }

    /// Reads the JPKI token of the selected JPKI application: `Ok` for a マイナンバーカード,
    /// the typed error for anything else.
    fn check_token(&mut self) -> Result<(), CardError> {
        match self.select_file(ElementaryFile::JpkiToken) {
            Err(CardError::FileNotFound) => {
                return Err(CardError::NotMyNumberCard {
                    kind: NotMyNumberCardKind::UnknownToken,
                });
            }
            other => other?,
        }
        let token = self.read_range(0, 32)?;
        let end = token
            .iter()
            .rposition(|b| *b != b' ' && *b != 0)
            .map_or(0, |e| e + 1);
        let kind = match token.get(..end).unwrap_or(&[]) {
            b"JPKIAPICCTOKEN2" => return Ok(()),
            b"JPKIAPGPSETOKEN" => return Err(CardError::Smartphone),
            b"JPKIAPICCTOKEN" => NotMyNumberCardKind::JukiCard,
            _ => NotMyNumberCardKind::UnknownToken,
        };
        Err(CardError::NotMyNumberCard { kind })
    }

    /// Why the 券面事項入力補助AP is missing, from the JPKI application: a smartphone, a 住基カード,
    /// another card …
    fn explain_missing_text_ap(&mut self) -> CardError {
        match self.select_app(Application::Jpki) {
            Ok(()) => match self.check_token() {
                Ok(()) => CardError::NotMyNumberCard {
                    kind: NotMyNumberCardKind::NoTextApplication,
                },
                Err(e) => e,
            },
            Err(CardError::FileNotFound) => CardError::NotMyNumberCard {
                kind: NotMyNumberCardKind::NoApplication,
            },
            Err(e) => e,
        }
    }

    /// PIN tries left on the 券面事項入力補助用暗証番号, **without using a try** (VERIFY without
    /// data). Show this to the patient before asking for the PIN.
    ///
    /// A card without the 券面事項入力補助AP is explained from its JPKI application
    /// ([`CardError::Smartphone`], [`CardError::NotMyNumberCard`]); a card whose PIN does not
    /// exist or was never set (SELECT of EF 0011 `6A 82`, status `69 84` or `6A 88`: the exact
    /// answer of a real 顔認証マイナンバーカード is not published) is
    /// [`CardError::FaceAuthCard`].
    pub fn pin_status(&mut self) -> Result<PinStatus, CardError> {
        match self.select_app(Application::TextInputSupport) {
            Err(CardError::FileNotFound) => return Err(self.explain_missing_text_ap()),
            other => other?,
        }
        match self.select_file(ElementaryFile::TextInputSupportPin) {
            Err(CardError::FileNotFound) => return Err(CardError::FaceAuthCard),
            other => other?,
        }
        self.query_pin()
    }

    fn query_pin(&mut self) -> Result<PinStatus, CardError> {
        let mut reset_done = false;
        loop {
            let r = self.send(&Command::PinStatus)?;
            match r.sw.pin_tries() {
                Some(0) => return Ok(PinStatus::Locked),
                Some(n) => return Ok(PinStatus::TriesLeft(n)),
                None => {}
            }
            match r.sw {
                StatusWord::AUTH_METHOD_BLOCKED => return Ok(PinStatus::Locked),
                StatusWord::REFERENCE_DATA_NOT_USABLE | StatusWord::REFERENCE_DATA_NOT_FOUND => {
                    return Err(CardError::FaceAuthCard);
                }
                // Already verified in this card session (ISO 7816-4 allows 90 00 here): the
                // count is unknown. Reset the card once so the patient's PIN is checked.
                StatusWord::OK if !reset_done => {
                    reset_done = true;
                    self.reset()?;
                    self.select_app(Application::TextInputSupport)?;
                    self.select_file(ElementaryFile::TextInputSupportPin)?;
                }
                sw => return Err(status_error(sw)),
            }
        }
    }

    /// Reads the 基本4情報 (EF 0002) with the patient's PIN.
    ///
    /// 1. Selects the 券面事項入力補助AP and its PIN EF 0011, and reads the tries left
    ///    without using one. Locked → [`CardError::PinLocked`]. One try left and
    ///    `confirm_last_try` is `false` → [`CardError::LastTryNeedsConfirmation`] (nothing
    ///    was sent that could lock the card; ask the patient, then call again with `true`).
    /// 2. VERIFY with the PIN. Wrong → [`CardError::WrongPin`] with the tries left (or
    ///    [`CardError::PinLocked`] when that was the last one). Never retried.
    /// 3. Selects EF 0002, reads its first 5 bytes (`FF 20 82 hh ll`; one more for a
    ///    3-byte length), then the rest in chunks of at most [`READ_CHUNK`] bytes, up to
    ///    [`MAX_EF0002_LEN`](super::MAX_EF0002_LEN) in all, and parses it.
    ///
    /// After a successful VERIFY the card is reset (the verified state is not left behind
    /// for other programs), whatever the outcome of the read.
    pub fn read_basic_info(
        &mut self,
        pin: &Pin,
        confirm_last_try: bool,
    ) -> Result<BasicInfo, CardError> {
        match self.pin_status()? {
            PinStatus::Locked => return Err(CardError::PinLocked),
            PinStatus::TriesLeft(1) if !confirm_last_try => {
                return Err(CardError::LastTryNeedsConfirmation);
            }
            PinStatus::TriesLeft(_) => {}
        }
        let r = self.send(&Command::Verify(pin.duplicate()))?;
        match (r.sw, r.sw.pin_tries()) {
            (StatusWord::OK, _) => {}
            (_, Some(0)) | (StatusWord::AUTH_METHOD_BLOCKED, _) => {
                return Err(CardError::PinLocked);
            }
            (StatusWord::REFERENCE_DATA_NOT_USABLE | StatusWord::REFERENCE_DATA_NOT_FOUND, _) => {
                return Err(CardError::FaceAuthCard);
            }
            (_, Some(n)) => return Err(CardError::WrongPin { tries_left: n }),
            (sw, None) => return Err(status_error(sw)),
        }
        let result = self.read_ef0002();
        // Drop the verified state (best effort: a failure changes nothing for the caller).
        // A card that is gone has lost it already, and is not reset.
        if !matches!(
            result,
            Err(CardError::CardRemoved | CardError::ReaderUnplugged | CardError::NoCard)
        ) {
            let _ = self.reset();
        }
        BasicInfo::from_ef0002(&result?)
    }

    fn read_ef0002(&mut self) -> Result<Vec<u8>, CardError> {
        self.select_file(ElementaryFile::BasicInfo)?;
        let mut buf = self.read_range(0, 5)?;
        if buf.len() == 5 && tlv::header(&buf).is_err() {
            // A 3-byte length (`83 xx xx xx`) needs one byte more than the usual header.
            let more = self.read_range(5, 1)?;
            buf.extend_from_slice(&more);
        }
        let (head, body) = tlv::header(&buf).map_err(|_| CardError::MalformedData {
            offset: 0,
            what: "EF 0002 does not start with a TLV header",
        })?;
        let total = head.saturating_add(body);
        if total > MAX_EF0002_LEN {
            return Err(CardError::MalformedData {
                offset: 0,
                what: "EF 0002 declares a length above the size cap",
            });
        }
        buf.truncate(total);
        while buf.len() < total {
            let want = (total - buf.len()).min(usize::from(READ_CHUNK));
            let offset = u16::try_from(buf.len()).map_err(|_| CardError::MalformedData {
                offset: buf.len(),
                what: "offset beyond a short READ BINARY",
            })?;
            // want ≤ READ_CHUNK fits in u8.
            let chunk = self.read_range(offset, want as u8)?;
            if chunk.is_empty() {
                return Err(truncated(buf.len()));
            }
            buf.extend_from_slice(chunk.get(..want).unwrap_or(&chunk));
        }
        Ok(buf)
    }

    /// Reads up to `le` bytes at `offset` of the selected EF. Handles `6C xx` (sent again
    /// once with the right Le), `62 82` and short answers (fewer bytes are returned), and
    /// `6B 00` (no bytes: the offset is past the end).
    fn read_range(&mut self, offset: u16, le: u8) -> Result<Vec<u8>, CardError> {
        let mut le = le;
        let mut resent = false;
        loop {
            let r = self.send(&Command::ReadBinary(ReadRange::new(offset, le)?))?;
            match r.sw {
                StatusWord::OK | StatusWord::END_OF_FILE => {
                    let mut data = r.data;
                    data.truncate(usize::from(le));
                    return Ok(data);
                }
                StatusWord::WRONG_OFFSET => return Ok(Vec::new()),
                sw => match sw.correct_le() {
                    Some(right) if !resent && right != 0 && right != le => {
                        resent = true;
                        le = right;
                    }
                    _ => return Err(status_error(sw)),
                },
            }
        }
    }
}

fn truncated(offset: usize) -> CardError {
    CardError::MalformedData {
        offset,
        what: "EF 0002 ends before its declared length",
    }
}

/// The typed error for a status word that is not success where it occurs.
pub(crate) fn status_error(sw: StatusWord) -> CardError {
    match sw {
        StatusWord::SECURITY_STATUS_NOT_SATISFIED => CardError::SecurityStatusNotSatisfied,
        StatusWord::FILE_NOT_FOUND => CardError::FileNotFound,
        StatusWord::AUTH_METHOD_BLOCKED => CardError::PinLocked,
        sw => CardError::UnexpectedStatus { sw },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::SimulatedCard;
    use crate::card::virtual_card::{LockedStatus, ShortRead, VirtualCardConfig};

    fn session(cfg: VirtualCardConfig) -> CardSession<SimulatedCard> {
        CardSession::new(SimulatedCard::new(cfg))
    }

    fn pin(s: &str) -> Pin {
        Pin::new(s).unwrap()
    }

    #[test]
    fn recognises_cards_by_token() {
        assert!(session(VirtualCardConfig::default()).recognise().is_ok());
        for (token, kind) in [
            (&b"JPKIAPICCTOKEN"[..], NotMyNumberCardKind::JukiCard),
            (b"JPKIAPICCTOKEN3", NotMyNumberCardKind::UnknownToken),
            (b"", NotMyNumberCardKind::UnknownToken),
        ] {
            let cfg = VirtualCardConfig {
                token: token.to_vec(),
                ..VirtualCardConfig::default()
            };
            assert_eq!(
                session(cfg).recognise(),
                Err(CardError::NotMyNumberCard { kind })
            );
        }
        let cfg = VirtualCardConfig {
            token: b"JPKIAPGPSETOKEN".to_vec(),
            ..VirtualCardConfig::default()
        };
        assert_eq!(session(cfg).recognise(), Err(CardError::Smartphone));
        // Token padded with NULs instead of spaces.
        let mut t = b"JPKIAPICCTOKEN2".to_vec();
        t.resize(32, 0);
        let cfg = VirtualCardConfig {
            token: t,
            ..VirtualCardConfig::default()
        };
        assert!(session(cfg).recognise().is_ok());
        let cfg = VirtualCardConfig {
            has_jpki_ap: false,
            ..VirtualCardConfig::default()
        };
        assert_eq!(
            session(cfg).recognise(),
            Err(CardError::NotMyNumberCard {
                kind: NotMyNumberCardKind::NoJpkiApplication
            })
        );
        let cfg = VirtualCardConfig {
            has_jpki_ap: false,
            has_text_ap: false,
            ..VirtualCardConfig::default()
        };
        assert_eq!(
            session(cfg).recognise(),
            Err(CardError::NotMyNumberCard {
                kind: NotMyNumberCardKind::NoApplication
            })
        );
    }

    /// Every mode of the virtual card gets its own typed outcome, from `recognise` and from
    /// the read itself, and no PIN is ever sent to a card that is not a readable
    /// マイナンバーカード.
    #[test]
    fn every_card_mode_has_its_own_outcome_before_any_pin() {
        use crate::card::virtual_card::{CardMode, NoPinAnswer};
        let not = |kind| CardError::NotMyNumberCard { kind };
        for (mode, recognised, read) in [
            (CardMode::MyNumberCard, Ok(()), None),
            (CardMode::LockedPin, Ok(()), Some(CardError::PinLocked)),
            (
                CardMode::FaceAuthCard,
                Err(CardError::FaceAuthCard),
                Some(CardError::FaceAuthCard),
            ),
            (
                CardMode::AndroidSmartphone,
                Err(CardError::Smartphone),
                Some(CardError::Smartphone),
            ),
            (
                CardMode::Iphone,
                Err(not(NotMyNumberCardKind::NoApplication)),
                Some(not(NotMyNumberCardKind::NoApplication)),
            ),
            (
                CardMode::OtherCard,
                Err(not(NotMyNumberCardKind::NoApplication)),
                Some(not(NotMyNumberCardKind::NoApplication)),
            ),
            (
                CardMode::JukiCard,
                Err(not(NotMyNumberCardKind::JukiCard)),
                Some(not(NotMyNumberCardKind::JukiCard)),
            ),
        ] {
            let mut s = session(VirtualCardConfig::for_mode(mode));
            assert_eq!(s.recognise(), recognised, "{mode:?}");
            let r = s.read_basic_info(&pin("1234"), true);
            let readable = read.is_none();
            match read {
                None => assert!(r.is_ok(), "{mode:?}: {r:?}"),
                Some(e) => assert_eq!(r, Err(e), "{mode:?}"),
            }
            let card = s.transport().card();
            let verifies = card
                .log()
                .iter()
                .filter(|c| c.get(1) == Some(&0x20) && c.len() > 4)
                .count();
            assert_eq!(verifies, usize::from(readable), "{mode:?}");
            assert!(!card.touched_my_number());
        }
        // Every way a 顔認証マイナンバーカード may answer.
        for answer in [
            NoPinAnswer::ReferenceDataNotUsable,
            NoPinAnswer::ReferenceDataNotFound,
            NoPinAnswer::NoPinFile,
        ] {
            let cfg = VirtualCardConfig {
                no_pin: Some(answer),
                ..VirtualCardConfig::default()
            };
            let mut s = session(cfg);
            assert_eq!(s.pin_status(), Err(CardError::FaceAuthCard), "{answer:?}");
            assert_eq!(s.recognise(), Err(CardError::FaceAuthCard), "{answer:?}");
        }
        // Modes have stable ids.
        for m in CardMode::ALL {
            assert_eq!(CardMode::from_id(m.id()), Some(m));
        }
    }

    #[test]
    fn happy_path_and_a_second_read() {
        let mut s = session(VirtualCardConfig::default());
        s.recognise().unwrap();
        assert_eq!(s.pin_status().unwrap(), PinStatus::TriesLeft(3));
        let a = s.read_basic_info(&pin("1234"), false).unwrap();
        let b = s.read_basic_info(&pin("1234"), false).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.address().as_str(), "東京都千代田区霞が関九丁目９番９号");
        let card = s.transport().card();
        assert!(!card.touched_my_number());
        // The verified state was dropped after each read.
        assert_eq!(card.resets(), 2);
    }

    #[test]
    fn wrong_pin_then_last_try_needs_confirmation_then_lock() {
        let mut s = session(VirtualCardConfig::default());
        assert_eq!(
            s.read_basic_info(&pin("1111"), false),
            Err(CardError::WrongPin { tries_left: 2 })
        );
        assert_eq!(
            s.read_basic_info(&pin("1111"), false),
            Err(CardError::WrongPin { tries_left: 1 })
        );
        let before = s.transport().card().log().len();
        assert_eq!(
            s.read_basic_info(&pin("1234"), false),
            Err(CardError::LastTryNeedsConfirmation)
        );
        // Nothing but the status query was sent: no VERIFY with data.
        let sent = &s.transport().card().log()[before..];
        assert!(sent.iter().any(|c| c[..] == [0x00, 0x20, 0x00, 0x80]));
        assert!(sent.iter().all(|c| c[1] != 0x20 || c.len() == 4));
        assert_eq!(s.transport().card().tries_left(), 1);
        assert_eq!(
            s.read_basic_info(&pin("1111"), true),
            Err(CardError::PinLocked)
        );
        assert_eq!(s.pin_status().unwrap(), PinStatus::Locked);
        assert_eq!(
            s.read_basic_info(&pin("1234"), true),
            Err(CardError::PinLocked)
        );
    }

    #[test]
    fn last_try_with_confirmation_succeeds_and_restores_the_counter() {
        let cfg = VirtualCardConfig {
            tries_left: 1,
            ..VirtualCardConfig::default()
        };
        let mut s = session(cfg);
        assert!(s.read_basic_info(&pin("1234"), true).is_ok());
        assert_eq!(s.pin_status().unwrap(), PinStatus::TriesLeft(3));
    }

    #[test]
    fn locked_as_63c0_too() {
        let cfg = VirtualCardConfig {
            tries_left: 0,
            locked_status: LockedStatus::TriesZero,
            ..VirtualCardConfig::default()
        };
        let mut s = session(cfg);
        assert_eq!(s.pin_status().unwrap(), PinStatus::Locked);
        assert_eq!(
            s.read_basic_info(&pin("1234"), true),
            Err(CardError::PinLocked)
        );
    }

    #[test]
    fn every_short_read_behaviour_and_padding_reads_the_same() {
        let long_address = "北海道".repeat(60);
        for mode in [
            ShortRead::FewerBytes,
            ShortRead::EndOfFileWarning,
            ShortRead::WrongLength,
            ShortRead::WrongOffset,
        ] {
            for padding in [0, 300] {
                let cfg = VirtualCardConfig {
                    short_read: mode,
                    ef0002_padding: padding,
                    address: long_address.as_bytes().to_vec(),
                    ..VirtualCardConfig::default()
                };
                let mut s = session(cfg);
                let info = s.read_basic_info(&pin("1234"), false).unwrap();
                assert_eq!(info.address().as_str(), long_address, "{mode:?}");
                // Chunks never exceed READ_CHUNK.
                assert!(
                    s.transport()
                        .card()
                        .log()
                        .iter()
                        .filter(|c| c.get(1) == Some(&0xB0))
                        .all(|c| c[4] <= READ_CHUNK)
                );
            }
        }
    }

    #[test]
    fn outer_length_in_any_form() {
        let ef = VirtualCardConfig::default().ef0002();
        let body = &ef[5..];
        for head in [
            vec![0xFF, 0x20, 0x81, body.len() as u8],
            vec![0xFF, 0x20, 0x83, 0x00, 0x00, body.len() as u8],
        ] {
            let mut bytes = head.clone();
            bytes.extend_from_slice(body);
            let cfg = VirtualCardConfig {
                ef0002_override: Some(bytes),
                ..VirtualCardConfig::default()
            };
            let info = session(cfg).read_basic_info(&pin("1234"), false).unwrap();
            assert_eq!(info.name().as_str(), "検証　花子", "{head:02X?}");
        }
    }

    #[test]
    fn truncated_oversized_and_garbage_files() {
        let mut short = VirtualCardConfig::default().ef0002();
        short.truncate(40);
        for (bytes, expect) in [
            (short, "EF 0002 ends before its declared length"),
            (
                vec![0xFF, 0x20, 0x82, 0x7F, 0xFF],
                "EF 0002 declares a length above the size cap",
            ),
            (vec![0xFF], "EF 0002 does not start with a TLV header"),
        ] {
            for mode in [
                ShortRead::FewerBytes,
                ShortRead::EndOfFileWarning,
                ShortRead::WrongLength,
                ShortRead::WrongOffset,
            ] {
                let cfg = VirtualCardConfig {
                    ef0002_override: Some(bytes.clone()),
                    short_read: mode,
                    ..VirtualCardConfig::default()
                };
                let mut s = session(cfg);
                match s.read_basic_info(&pin("1234"), false) {
                    Err(CardError::MalformedData { what, .. }) => assert_eq!(what, expect),
                    other => panic!("{mode:?}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn removal_mid_read_is_card_removed() {
        // 6 commands reach the first chunk of EF 0002: removal after any of them.
        for n in 1..=6 {
            let mut s = session(VirtualCardConfig::default());
            s.transport_mut().remove_after(n);
            let r = s.read_basic_info(&pin("1234"), false);
            assert_eq!(r, Err(CardError::CardRemoved), "after {n}");
        }
    }

    /// Answers with a fixed list of status words (no data), counting resets.
    #[derive(Debug)]
    struct Scripted {
        sws: Vec<u16>,
        resets: usize,
    }

    impl ApduTransport for Scripted {
        fn transmit(&mut self, _apdu: &[u8]) -> Result<Response, CardError> {
            if self.sws.is_empty() {
                return Err(CardError::CardRemoved);
            }
            Ok(Response::status(StatusWord(self.sws.remove(0))))
        }
        fn reset(&mut self) -> Result<(), CardError> {
            self.resets += 1;
            Ok(())
        }
    }

    #[test]
    fn status_90_00_means_already_verified_and_the_card_is_reset_once() {
        // SELECT AP, SELECT EF, status 90 00 → reset, SELECT AP, SELECT EF, status 63 C2.
        let mut s = CardSession::new(Scripted {
            sws: vec![0x9000, 0x9000, 0x9000, 0x9000, 0x9000, 0x63C2],
            resets: 0,
        });
        assert_eq!(s.pin_status(), Ok(PinStatus::TriesLeft(2)));
        assert_eq!(s.transport().resets, 1);
        // Twice 90 00: not believed.
        let mut s = CardSession::new(Scripted {
            sws: vec![0x9000; 6],
            resets: 0,
        });
        assert_eq!(
            s.pin_status(),
            Err(CardError::UnexpectedStatus { sw: StatusWord::OK })
        );
    }

    #[test]
    fn verify_answers_map_to_typed_errors() {
        for (verify_sw, expected) in [
            (0x63C1, CardError::WrongPin { tries_left: 1 }),
            (0x63C0, CardError::PinLocked),
            (0x6983, CardError::PinLocked),
            (0x6982, CardError::SecurityStatusNotSatisfied),
            (
                0x6700,
                CardError::UnexpectedStatus {
                    sw: StatusWord(0x6700),
                },
            ),
        ] {
            let mut s = CardSession::new(Scripted {
                sws: vec![0x9000, 0x9000, 0x63C3, verify_sw],
                resets: 0,
            });
            assert_eq!(s.read_basic_info(&pin("1234"), false), Err(expected));
            // Never retried, never reset after a failed VERIFY.
            assert!(s.transport().sws.is_empty());
            assert_eq!(s.transport().resets, 0);
        }
    }

    #[test]
    fn reset_after_verify_except_when_the_card_is_gone() {
        // VERIFY ok, SELECT EF 0002 ok, then the card is gone: no reset is attempted (a
        // reset of a vanished card stalls some reader drivers).
        let mut s = CardSession::new(Scripted {
            sws: vec![0x9000, 0x9000, 0x63C3, 0x9000, 0x9000],
            resets: 0,
        });
        assert_eq!(
            s.read_basic_info(&pin("1234"), false),
            Err(CardError::CardRemoved)
        );
        assert_eq!(s.transport().resets, 0);
        // VERIFY ok, then EF 0002 missing: the verified state is dropped.
        let mut s = CardSession::new(Scripted {
            sws: vec![0x9000, 0x9000, 0x63C3, 0x9000, 0x6A82],
            resets: 0,
        });
        assert_eq!(
            s.read_basic_info(&pin("1234"), false),
            Err(CardError::FileNotFound)
        );
        assert_eq!(s.transport().resets, 1);
    }

    #[test]
    fn status_words_map_to_typed_errors() {
        assert_eq!(
            status_error(StatusWord(0x6982)),
            CardError::SecurityStatusNotSatisfied
        );
        assert_eq!(status_error(StatusWord(0x6A82)), CardError::FileNotFound);
        assert_eq!(status_error(StatusWord(0x6983)), CardError::PinLocked);
        assert_eq!(
            status_error(StatusWord(0x6F00)),
            CardError::UnexpectedStatus {
                sw: StatusWord(0x6F00)
            }
        );
        let cfg = VirtualCardConfig {
            has_text_ap: false,
            ..VirtualCardConfig::default()
        };
        assert_eq!(
            session(cfg).pin_status(),
            Err(CardError::NotMyNumberCard {
                kind: NotMyNumberCardKind::NoTextApplication
            })
        );
    }
}
