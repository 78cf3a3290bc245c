//! The vpcd front end: puts a [`VirtualMyNumberCard`] into a `vsmartcard-vpcd` virtual reader.
//!
//! `vsmartcard-vpcd` is a pcscd reader driver that listens on TCP (port 35963 for reader
//! "Virtual PCD 00 00", 35964 for "Virtual PCD 00 01"). A card process that connects is an
//! inserted card; closing the connection removes it. Every message, in both directions, is a
//! big-endian `u16` length and the payload. A 1-byte message from vpcd is a control code
//! (`00` power off, `01` power on, `02` reset, `04` send the ATR; only `04` is answered);
//! a longer one is a command APDU, answered with exactly one response APDU.
//!
//! After reading each length the card sets `TCP_QUICKACK` (Linux): vpcd sends the length and
//! the payload in two segments, and without a quick ACK every exchange waits about 40 ms for
//! the delayed ACK.
//!
//! **For test machines only.** vpcd listens on all interfaces, so anyone who can reach the
//! port can insert a card: never install `vsmartcard-vpcd` on a clinic PC.
//!
//! ```no_run
//! use onshi::card::virtual_card::{VirtualCardConfig, VirtualMyNumberCard, vpcd::VpcdCard};
//! let inserted = VpcdCard::insert(
//!     VirtualMyNumberCard::new(VirtualCardConfig::default()),
//!     ("127.0.0.1", onshi::card::virtual_card::vpcd::SLOT0_PORT),
//! )?;
//! // … drive "Virtual PCD 00 00" through PC/SC …
//! let card = inserted.remove();
//! assert!(!card.touched_my_number());
//! # Ok::<(), onshi::card::CardError>(())
//! ```

use super::VirtualMyNumberCard;
use crate::card::CardError;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

/// vpcd's port for reader "Virtual PCD 00 00".
pub const SLOT0_PORT: u16 = 35963;
/// vpcd's port for reader "Virtual PCD 00 01".
pub const SLOT1_PORT: u16 = 35964;
/// The PC/SC reader name of slot 0.
pub const SLOT0_READER: &str = "Virtual PCD 00 00";
/// The PC/SC reader name of slot 1.
pub const SLOT1_READER: &str = "Virtual PCD 00 01";

const NO_LIMIT: usize = usize::MAX;

/// A virtual card inserted into a vpcd reader, served by a background thread until
/// [`VpcdCard::remove`] (or drop).
pub struct VpcdCard {
    stream: TcpStream,
    card: Arc<Mutex<VirtualMyNumberCard>>,
    apdus_until_removal: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for VpcdCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VpcdCard")
            .field("inserted", &self.is_inserted())
            .finish_non_exhaustive()
    }
}

impl VpcdCard {
    /// Connects to vpcd (= inserts the card) and starts answering in a background thread.
    /// Fails with [`CardError::VirtualCardIo`] when nothing listens there (vpcd is not
    /// installed, or pcscd is not running).
    pub fn insert(
        card: VirtualMyNumberCard,
        addr: impl ToSocketAddrs,
    ) -> Result<VpcdCard, CardError> {
        let io = |e: std::io::Error| CardError::VirtualCardIo(e.to_string());
        let stream = TcpStream::connect(addr).map_err(io)?;
        stream.set_nodelay(true).map_err(io)?;
        let reader = stream.try_clone().map_err(io)?;
        let card = Arc::new(Mutex::new(card));
        let apdus_until_removal = Arc::new(AtomicUsize::new(NO_LIMIT));
        let thread = {
            let card = Arc::clone(&card);
            let limit = Arc::clone(&apdus_until_removal);
            std::thread::Builder::new()
                .name("onshi-vpcd-card".into())
                .spawn(move || serve(reader, &card, &limit))
                .map_err(io)?
        };
        Ok(VpcdCard {
            stream,
            card,
            apdus_until_removal,
            thread: Some(thread),
        })
    }

    /// The card, to look at its log or tries, or change its configuration.
    pub fn card(&self) -> MutexGuard<'_, VirtualMyNumberCard> {
        lock(&self.card)
    }

    /// Pulls the card out right after it has answered `n` more command APDUs (control
    /// messages do not count): simulates a patient taking the card mid-read.
    /// `0` removes it now.
    pub fn remove_after_apdus(&self, n: usize) {
        if n == 0 {
            let _ = self.stream.shutdown(Shutdown::Both);
        }
        self.apdus_until_removal.store(n, Ordering::SeqCst);
    }

    /// `true` while the connection to vpcd is open.
    pub fn is_inserted(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Removes the card (closes the connection) and gives it back for inspection.
    pub fn remove(mut self) -> VirtualMyNumberCard {
        self.stop();
        std::mem::replace(
            &mut *lock(&self.card),
            VirtualMyNumberCard::new(super::VirtualCardConfig::default()),
        )
    }

    fn stop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for VpcdCard {
    fn drop(&mut self) {
        self.stop();
    }
}

fn lock(card: &Mutex<VirtualMyNumberCard>) -> MutexGuard<'_, VirtualMyNumberCard> {
    card.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Serves vpcd until the connection closes or the removal countdown reaches zero.
fn serve(mut stream: TcpStream, card: &Mutex<VirtualMyNumberCard>, limit: &AtomicUsize) {
    let mut len = [0u8; 2];
    loop {
        if stream.read_exact(&mut len).is_err() {
            return;
        }
        quick_ack(&stream);
        let n = usize::from(u16::from_be_bytes(len));
        let mut msg = vec![0u8; n];
        if stream.read_exact(&mut msg).is_err() {
            return;
        }
        // The removal countdown is taken when an APDU arrives (not after the answer), so a
        // countdown set between two APDUs applies to the next one.
        let mut last = false;
        let reply = match msg.as_slice() {
            [0x04] => Some(lock(card).config().atr.clone()),
            [0x00..=0x02] => {
                lock(card).reset();
                None
            }
            [_] | [] => None,
            apdu => {
                let left = limit.load(Ordering::SeqCst);
                if left != NO_LIMIT {
                    let left = left.saturating_sub(1);
                    limit.store(left, Ordering::SeqCst);
                    last = left == 0;
                }
                Some(lock(card).process(apdu))
            }
        };
        if let Some(reply) = reply {
            let Ok(rlen) = u16::try_from(reply.len()) else {
                return;
            };
            let mut out = Vec::with_capacity(reply.len() + 2);
            out.extend_from_slice(&rlen.to_be_bytes());
            out.extend_from_slice(&reply);
            if stream.write_all(&out).is_err() {
                return;
            }
        }
        if last {
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
    }
}

/// Sets `TCP_QUICKACK` so the ACK for the length goes out at once (Linux only; elsewhere
/// a no-op). Failure only costs speed, so it is ignored.
#[cfg(target_os = "linux")]
fn quick_ack(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    use std::os::raw::{c_int, c_void};
    // <netinet/in.h> IPPROTO_TCP and <netinet/tcp.h> TCP_QUICKACK on Linux.
    const IPPROTO_TCP: c_int = 6;
    const TCP_QUICKACK: c_int = 12;
    unsafe extern "C" {
        fn setsockopt(
            fd: c_int,
            level: c_int,
            name: c_int,
            value: *const c_void,
            len: u32,
        ) -> c_int;
    }
    let one: c_int = 1;
    // SAFETY: the fd is an open socket owned by `stream` for the duration of the call; the
    // option value points to a live c_int whose size is passed as the length.
    let _ = unsafe {
        setsockopt(
            stream.as_raw_fd(),
            IPPROTO_TCP,
            TCP_QUICKACK,
            (&raw const one).cast::<c_void>(),
            std::mem::size_of::<c_int>() as u32,
        )
    };
}

#[cfg(not(target_os = "linux"))]
fn quick_ack(_stream: &TcpStream) {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::virtual_card::{MY_NUMBER_CARD_ATR, VirtualCardConfig};
    use std::net::TcpListener;

    fn frame(payload: &[u8]) -> Vec<u8> {
        let mut v = (payload.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(payload);
        v
    }

    fn read_frame(s: &mut TcpStream) -> Vec<u8> {
        let mut len = [0u8; 2];
        s.read_exact(&mut len).unwrap();
        let mut v = vec![0u8; usize::from(u16::from_be_bytes(len))];
        s.read_exact(&mut v).unwrap();
        v
    }

    /// Plays vpcd's side over a local socket: no pcscd needed.
    #[test]
    fn speaks_the_vpcd_protocol() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let card =
            VpcdCard::insert(VirtualMyNumberCard::new(VirtualCardConfig::default()), addr).unwrap();
        let (mut vpcd, _) = listener.accept().unwrap();
        // Power on: no answer. ATR request: the ATR.
        vpcd.write_all(&frame(&[0x01])).unwrap();
        vpcd.write_all(&frame(&[0x04])).unwrap();
        assert_eq!(read_frame(&mut vpcd), MY_NUMBER_CARD_ATR);
        // SELECT JPKI AP, split into two writes like vpcd does.
        let select = [
            0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00,
            0x01,
        ];
        vpcd.write_all(&(select.len() as u16).to_be_bytes())
            .unwrap();
        vpcd.write_all(&select).unwrap();
        assert_eq!(read_frame(&mut vpcd), vec![0x90, 0x00]);
        // Reset: dropped state, no answer; next reply is for the next APDU.
        vpcd.write_all(&frame(&[0x02])).unwrap();
        vpcd.write_all(&frame(&[0x00, 0xB0, 0x00, 0x00, 0x01]))
            .unwrap();
        assert_eq!(read_frame(&mut vpcd), vec![0x69, 0x86]);
        assert!(card.is_inserted());
        assert_eq!(card.card().resets(), 2);
        // Removal after the next APDU.
        card.remove_after_apdus(1);
        vpcd.write_all(&frame(&[0x00, 0xB0, 0x00, 0x00, 0x01]))
            .unwrap();
        assert_eq!(read_frame(&mut vpcd), vec![0x69, 0x86]);
        let mut rest = Vec::new();
        vpcd.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty());
        let card = card.remove();
        assert_eq!(card.log().len(), 3);
    }

    #[test]
    fn insert_fails_cleanly_when_nothing_listens() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let e = VpcdCard::insert(VirtualMyNumberCard::new(VirtualCardConfig::default()), addr);
        assert!(matches!(e, Err(CardError::VirtualCardIo(_))));
    }
}
