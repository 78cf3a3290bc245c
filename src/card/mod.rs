//! マイナンバーカード access: the 基本4情報 through a PC/SC reader, with the patient's PIN.
//!
//! At reception, a generic PC/SC reader on the EMR PC lets a new patient's 氏名, 住所,
//! 生年月日 and 性別 come from their card instead of being typed. This module does that and
//! nothing more:
//!
//! * it reads **EF 0002 (基本4情報) of the 券面事項入力補助AP** only, after the patient types
//!   their 4-digit 券面事項入力補助用暗証番号;
//! * it **cannot read the 個人番号** (EF 0001) or the card-face images (券面事項確認AP):
//!   commands are a closed [`Command`] enum that cannot name them, and every transport checks
//!   raw bytes again against the [`AllowList`] before anything reaches the card;
//! * it shows the PIN tries left before a VERIFY, refuses to spend the last try unless the
//!   caller confirms, and never retries a PIN on its own;
//! * it recognises the card by its JPKI token, never by the ATR.
//!
//! The read is not authenticated (a fake card can answer anything): use [`BasicInfo`] to
//! pre-fill a form that staff check against the card face.
//!
//! # Layers
//!
//! * [`ApduTransport`]: bytes to a card and back. Implementations: `PcscTransport` (feature
//!   `card`, links libpcsclite) and [`SimulatedCard`] (in-process, for tests).
//! * [`CardSession`]: the flows ([`CardSession::recognise`], [`CardSession::pin_status`],
//!   [`CardSession::read_basic_info`]) over any transport.
//! * [`virtual_card`]: the project's virtual マイナンバーカード (fictitious data), served
//!   in-process or through `vsmartcard-vpcd` to a real pcscd — a test double vendors can use.
//! * With feature `card`: reader listing, card insert/remove events with timeout and
//!   cancellation (`CardMonitor`, `CancelHandle`), and `read_basic_info_from_reader`.
//!
//! Everything but the PC/SC transport builds without the `card` feature.
//!
//! ```
//! use onshi::card::{CardError, CardSession, Pin, PinStatus, SimulatedCard};
//! use onshi::card::virtual_card::VirtualCardConfig;
//!
//! let mut session = CardSession::new(SimulatedCard::new(VirtualCardConfig::default()));
//! session.recognise()?; // a マイナンバーカード?
//! match session.pin_status()? {
//!     PinStatus::Locked => println!("{}", CardError::PinLocked.staff_message()),
//!     PinStatus::TriesLeft(n) => {
//!         println!("残り {n} 回");
//!         let pin = Pin::new("1234")?; // typed by the patient
//!         let info = session.read_basic_info(&pin, false)?;
//!         assert_eq!(info.sex().label(), "女");
//!     }
//! }
//! # Ok::<(), CardError>(())
//! ```

pub mod apdu;
mod basic_info;
mod error;
mod pin;
#[cfg(feature = "card")]
mod reader;
mod session;
mod simulated;
pub mod tlv;
pub mod virtual_card;

pub use apdu::{AllowList, Application, Command, ElementaryFile, ReadRange, Response};
pub use basic_info::{BasicInfo, CardSex, MAX_EF0002_LEN};
pub use error::{CardError, NotMyNumberCardKind, StatusWord};
pub use pin::Pin;
#[cfg(feature = "card")]
pub use reader::{
    CancelHandle, CardEvent, CardMonitor, PcscTransport, list_readers, read_basic_info_from_reader,
};
pub use session::{CardSession, PinStatus, READ_CHUNK};
pub use simulated::SimulatedCard;

/// A channel to one card: command APDU bytes in, response (data + status word) out.
///
/// The library's implementations ([`SimulatedCard`], and `PcscTransport` with feature
/// `card`) run the [`AllowList`] on every command and refuse anything else with
/// [`CardError::CommandNotAllowed`] before it reaches the card. An implementation of your own
/// should do the same; [`CardSession`] checks again whatever the transport.
pub trait ApduTransport {
    /// Sends one command APDU and returns the card's answer.
    fn transmit(&mut self, apdu: &[u8]) -> Result<Response, CardError>;

    /// Resets the card (warm reset or reconnect): the card drops its selection and its
    /// verified PIN state.
    fn reset(&mut self) -> Result<(), CardError>;
}

impl<T: ApduTransport + ?Sized> ApduTransport for &mut T {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Response, CardError> {
        (**self).transmit(apdu)
    }

    fn reset(&mut self) -> Result<(), CardError> {
        (**self).reset()
    }
}

impl<T: ApduTransport + ?Sized> ApduTransport for Box<T> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Response, CardError> {
        (**self).transmit(apdu)
    }

    fn reset(&mut self) -> Result<(), CardError> {
        (**self).reset()
    }
}
