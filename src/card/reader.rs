//! PC/SC: readers, card events, and the transport to a card in a reader (feature `card`).

use super::{AllowList, ApduTransport, BasicInfo, CardError, CardSession, Pin, Response};
use pcsc::{Context, Disposition, Protocols, ReaderState, Scope, ShareMode, State};
use std::collections::VecDeque;
use std::ffi::CString;
use std::time::{Duration, Instant};

/// Maps a PC/SC error to the module's typed outcome.
fn map_err(e: pcsc::Error) -> CardError {
    use pcsc::Error as E;
    match e {
        E::NoService | E::ServiceStopped => CardError::ServiceNotRunning,
        E::NoReadersAvailable => CardError::NoReader,
        E::ReaderUnavailable => CardError::ReaderUnplugged,
        E::UnknownReader => CardError::UnknownReader {
            name: String::new(),
        },
        E::NoSmartcard => CardError::NoCard,
        E::RemovedCard => CardError::CardRemoved,
        E::Timeout => CardError::Timeout,
        E::Cancelled | E::SystemCancelled | E::CancelledByUser => CardError::Cancelled,
        E::SharingViolation => CardError::CardInUse,
        E::UnresponsiveCard | E::UnpoweredCard => CardError::CardUnresponsive,
        e => CardError::Pcsc {
            code: e as u32,
            text: e.to_string(),
        },
    }
}

fn establish() -> Result<Context, CardError> {
    Context::establish(Scope::User).map_err(map_err)
}

fn reader_names(ctx: &Context) -> Result<Vec<String>, CardError> {
    Ok(ctx
        .list_readers_owned()
        .map_err(map_err)?
        .into_iter()
        .map(|n| n.to_string_lossy().into_owned())
        .collect())
}

/// The names of the connected PC/SC readers (empty when none is connected).
///
/// Fails with [`CardError::ServiceNotRunning`] when pcscd (or the Windows Smart Card
/// service) is not running.
pub fn list_readers() -> Result<Vec<String>, CardError> {
    reader_names(&establish()?)
}

/// The current state of each named reader (one non-blocking status query).
fn reader_states(ctx: &Context, names: &[String]) -> Result<Vec<ReaderState>, CardError> {
    let mut states = names
        .iter()
        .filter_map(|n| CString::new(n.as_str()).ok())
        .map(|n| ReaderState::new(n, State::UNAWARE))
        .collect::<Vec<_>>();
    if !states.is_empty() {
        ctx.get_status_change(Duration::ZERO, &mut states)
            .map_err(map_err)?;
    }
    Ok(states)
}

/// How long a transmit failure is looked at to tell a removed card from another fault.
const REMOVAL_PROBE: Duration = Duration::from_millis(1500);

/// A connection to the card in one reader: the [`ApduTransport`] over PC/SC.
///
/// The card is opened in exclusive mode, so no other program can send commands between the
/// PIN check and the read, and it is reset when the transport is dropped, so the verified
/// PIN state is not left behind. Every command is checked against the [`AllowList`] first.
pub struct PcscTransport {
    card: pcsc::Card,
    reader: String,
    allow: AllowList,
}

impl std::fmt::Debug for PcscTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscTransport")
            .field("reader", &self.reader)
            .finish_non_exhaustive()
    }
}

impl PcscTransport {
    /// Connects to the card in `reader`, or, with `None`, in the first reader that has a
    /// card.
    ///
    /// Errors: [`CardError::ServiceNotRunning`], [`CardError::NoReader`],
    /// [`CardError::UnknownReader`], [`CardError::NoCard`], [`CardError::CardInUse`].
    pub fn connect(reader: Option<&str>) -> Result<PcscTransport, CardError> {
        let ctx = establish()?;
        let names = reader_names(&ctx)?;
        if names.is_empty() {
            return Err(CardError::NoReader);
        }
        let name = match reader {
            Some(r) => {
                if !names.iter().any(|n| n == r) {
                    return Err(CardError::UnknownReader { name: r.into() });
                }
                r.to_string()
            }
            None => reader_states(&ctx, &names)?
                .iter()
                .find(|s| s.event_state().contains(State::PRESENT))
                .map(|s| s.name().to_string_lossy().into_owned())
                .ok_or(CardError::NoCard)?,
        };
        let cname = CString::new(name.as_str())
            .map_err(|_| CardError::UnknownReader { name: name.clone() })?;
        let card = ctx
            .connect(&cname, ShareMode::Exclusive, Protocols::ANY)
            .map_err(|e| match map_err(e) {
                CardError::UnknownReader { .. } => CardError::UnknownReader { name: name.clone() },
                other => other,
            })?;
        Ok(PcscTransport {
            card,
            reader: name,
            allow: AllowList::new(),
        })
    }

    /// The reader's name.
    pub fn reader(&self) -> &str {
        &self.reader
    }

    /// The card's ATR (for display; the library never decides anything from it).
    pub fn atr(&self) -> Result<Vec<u8>, CardError> {
        let status = self.card.status2_owned().map_err(map_err)?;
        Ok(status.atr().to_vec())
    }

    /// After a transmit that failed without saying why (`SCARD_E_NOT_TRANSACTED`, a
    /// communication error): was the card pulled out? The reader driver may notice the
    /// removal only at its next poll, so the card status is checked for up to
    /// [`REMOVAL_PROBE`].
    fn removed(&self) -> bool {
        let deadline = Instant::now() + REMOVAL_PROBE;
        loop {
            match self.card.status2_owned() {
                Err(pcsc::Error::RemovedCard | pcsc::Error::NoSmartcard) => return true,
                Ok(s) if !s.status().contains(pcsc::Status::PRESENT) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl ApduTransport for PcscTransport {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Response, CardError> {
        self.allow.check(apdu)?;
        let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
        let result = self.card.transmit(apdu, &mut buf).map(<[u8]>::to_vec);
        // The receive buffer may hold personal data or the PIN's echo: clear it.
        zeroize::Zeroize::zeroize(&mut buf);
        let raw = match result {
            Ok(raw) => raw,
            Err(e) => {
                self.allow.observe_failure();
                let mapped = map_err(e);
                return Err(match mapped {
                    CardError::Pcsc { .. } if self.removed() => CardError::CardRemoved,
                    other => other,
                });
            }
        };
        let Some(r) = Response::from_bytes(&raw) else {
            self.allow.observe_failure();
            return Err(CardError::MalformedData {
                offset: 0,
                what: "response shorter than a status word",
            });
        };
        if r.sw.is_ok() {
            self.allow.observe_ok();
        } else {
            self.allow.observe_failure();
        }
        Ok(r)
    }

    fn reset(&mut self) -> Result<(), CardError> {
        self.allow.reset();
        self.card
            .reconnect(ShareMode::Exclusive, Protocols::ANY, Disposition::ResetCard)
            .map_err(map_err)
    }
}

/// Reads the 基本4情報 from the card in `reader` (or the first reader with a card):
/// connect, check it is a マイナンバーカード, then [`CardSession::read_basic_info`].
pub fn read_basic_info_from_reader(
    reader: Option<&str>,
    pin: &Pin,
    confirm_last_try: bool,
) -> Result<BasicInfo, CardError> {
    let mut session = CardSession::new(PcscTransport::connect(reader)?);
    session.recognise()?;
    session.read_basic_info(pin, confirm_last_try)
}

/// A reader or card event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CardEvent {
    /// A reader was connected (or was already there when the monitor started).
    ReaderAdded {
        /// Reader name.
        reader: String,
    },
    /// A reader was unplugged.
    ReaderRemoved {
        /// Reader name.
        reader: String,
    },
    /// A card was put on a reader (or was already there when the monitor started).
    CardInserted {
        /// Reader name.
        reader: String,
        /// The card's ATR (informational).
        atr: Vec<u8>,
    },
    /// A card was taken off a reader.
    CardRemoved {
        /// Reader name.
        reader: String,
    },
}

/// Cancels a wait of a [`CardMonitor`] from another thread; the wait returns
/// [`CardError::Cancelled`].
#[derive(Clone)]
pub struct CancelHandle(Context);

impl std::fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CancelHandle")
    }
}

impl CancelHandle {
    /// Cancels the ongoing (or the next) blocking wait.
    pub fn cancel(&self) -> Result<(), CardError> {
        self.0.cancel().map_err(map_err)
    }
}

/// Watches readers and cards: insertions, removals, readers plugged and unplugged.
///
/// ```no_run
/// use onshi::card::{CardEvent, CardMonitor};
/// use std::time::Duration;
/// let mut monitor = CardMonitor::new()?;
/// let cancel = monitor.cancel_handle(); // give to another thread to stop the wait
/// let reader = monitor.wait_for_card(None, Some(Duration::from_secs(30)))?;
/// println!("card on {reader}");
/// # Ok::<(), onshi::card::CardError>(())
/// ```
pub struct CardMonitor {
    ctx: Context,
    /// Index 0 is the PnP pseudo-reader; then one entry per reader.
    states: Vec<ReaderState>,
    pending: VecDeque<CardEvent>,
    started: bool,
}

impl std::fmt::Debug for CardMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardMonitor")
            .field("readers", &self.states.len().saturating_sub(1))
            .finish_non_exhaustive()
    }
}

impl CardMonitor {
    /// A monitor with its own PC/SC context.
    pub fn new() -> Result<CardMonitor, CardError> {
        Ok(CardMonitor {
            ctx: establish()?,
            states: Vec::new(),
            pending: VecDeque::new(),
            started: false,
        })
    }

    /// A handle that cancels this monitor's waits from another thread.
    pub fn cancel_handle(&self) -> CancelHandle {
        CancelHandle(self.ctx.clone())
    }

    /// Readers known to the monitor and whether each has a card.
    pub fn readers(&mut self) -> Result<Vec<(String, bool)>, CardError> {
        self.start()?;
        Ok(self
            .states
            .iter()
            .skip(1)
            .map(|s| {
                (
                    s.name().to_string_lossy().into_owned(),
                    s.current_state().contains(State::PRESENT),
                )
            })
            .collect())
    }

    fn start(&mut self) -> Result<(), CardError> {
        if self.started {
            return Ok(());
        }
        self.states = vec![ReaderState::new(pcsc::PNP_NOTIFICATION(), State::UNAWARE)];
        self.sync_readers()?;
        self.started = true;
        Ok(())
    }

    /// Brings the reader list up to date, queuing ReaderAdded/ReaderRemoved (and
    /// CardInserted for cards already on a new reader).
    fn sync_readers(&mut self) -> Result<(), CardError> {
        let names = reader_names(&self.ctx)?;
        let mut removed = Vec::new();
        self.states.retain(|s| {
            let name = s.name().to_string_lossy().into_owned();
            let keep = s.name() == pcsc::PNP_NOTIFICATION() || names.contains(&name);
            if !keep {
                removed.push(name);
            }
            keep
        });
        for reader in removed {
            self.pending.push_back(CardEvent::ReaderRemoved { reader });
        }
        let known: Vec<String> = self
            .states
            .iter()
            .map(|s| s.name().to_string_lossy().into_owned())
            .collect();
        let new: Vec<String> = names.into_iter().filter(|n| !known.contains(n)).collect();
        let mut fresh = reader_states(&self.ctx, &new)?;
        for s in &mut fresh {
            let reader = s.name().to_string_lossy().into_owned();
            self.pending.push_back(CardEvent::ReaderAdded {
                reader: reader.clone(),
            });
            if s.event_state().contains(State::PRESENT) {
                self.pending.push_back(CardEvent::CardInserted {
                    reader,
                    atr: s.atr().to_vec(),
                });
            }
            s.sync_current_state();
        }
        self.states.extend(fresh);
        Ok(())
    }

    /// The next event, waiting at most `timeout` (`None`: no limit). On the first call the
    /// current readers and cards are reported as added / inserted.
    ///
    /// Errors: [`CardError::Timeout`], [`CardError::Cancelled`],
    /// [`CardError::ServiceNotRunning`].
    pub fn next_event(&mut self, timeout: Option<Duration>) -> Result<CardEvent, CardError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        self.start()?;
        loop {
            if let Some(e) = self.pending.pop_front() {
                return Ok(e);
            }
            let wait = match deadline {
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(CardError::Timeout);
                    }
                    Some(left)
                }
                None => None,
            };
            self.ctx
                .get_status_change(wait, &mut self.states)
                .map_err(map_err)?;
            let mut readers_changed = false;
            for (i, s) in self.states.iter_mut().enumerate() {
                let now = s.event_state();
                if !now.contains(State::CHANGED) {
                    continue;
                }
                // The PnP pseudo-reader (index 0) or a reader that went away.
                if i == 0 || now.intersects(State::UNKNOWN | State::UNAVAILABLE) {
                    readers_changed = true;
                } else {
                    let was = s.current_state().contains(State::PRESENT);
                    let is = now.contains(State::PRESENT);
                    let reader = s.name().to_string_lossy().into_owned();
                    if is && !was {
                        self.pending.push_back(CardEvent::CardInserted {
                            reader,
                            atr: s.atr().to_vec(),
                        });
                    } else if was && !is {
                        self.pending.push_back(CardEvent::CardRemoved { reader });
                    }
                }
                s.sync_current_state();
            }
            if readers_changed {
                self.sync_readers()?;
            }
        }
    }

    fn has_card(&mut self, reader: Option<&str>) -> Result<Option<String>, CardError> {
        Ok(self
            .readers()?
            .into_iter()
            .find(|(name, present)| *present && reader.is_none_or(|r| r == name))
            .map(|(name, _)| name))
    }

    /// Waits until a card is on `reader` (any reader with `None`) and returns the reader's
    /// name; returns at once when one already is.
    pub fn wait_for_card(
        &mut self,
        reader: Option<&str>,
        timeout: Option<Duration>,
    ) -> Result<String, CardError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        self.start()?;
        self.pending.clear();
        loop {
            if let Some(name) = self.has_card(reader)? {
                return Ok(name);
            }
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            match self.next_event(left)? {
                CardEvent::CardInserted { reader: r, .. }
                    if reader.is_none_or(|want| want == r) =>
                {
                    return Ok(r);
                }
                _ => {}
            }
        }
    }

    /// Waits until `reader` has no card (returns at once when it has none).
    pub fn wait_for_removal(
        &mut self,
        reader: &str,
        timeout: Option<Duration>,
    ) -> Result<(), CardError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        self.start()?;
        self.pending.clear();
        loop {
            if self.has_card(Some(reader))?.is_none() {
                return Ok(());
            }
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            match self.next_event(left)? {
                CardEvent::CardRemoved { reader: r } | CardEvent::ReaderRemoved { reader: r }
                    if r == reader =>
                {
                    return Ok(());
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcsc_errors_map_to_typed_outcomes() {
        use pcsc::Error as E;
        assert_eq!(map_err(E::NoService), CardError::ServiceNotRunning);
        assert_eq!(map_err(E::NoReadersAvailable), CardError::NoReader);
        assert_eq!(map_err(E::ReaderUnavailable), CardError::ReaderUnplugged);
        assert_eq!(map_err(E::NoSmartcard), CardError::NoCard);
        assert_eq!(map_err(E::RemovedCard), CardError::CardRemoved);
        assert_eq!(map_err(E::Timeout), CardError::Timeout);
        assert_eq!(map_err(E::Cancelled), CardError::Cancelled);
        assert_eq!(map_err(E::SharingViolation), CardError::CardInUse);
        assert!(matches!(map_err(E::CommError), CardError::Pcsc { .. }));
    }
}
