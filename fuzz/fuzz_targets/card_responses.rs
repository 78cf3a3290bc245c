//! The card flows (recognise, PIN status, 基本4情報 read) against a transport whose answers
//! the fuzzer chooses: no panic, no endless loop, and only allow-listed commands are sent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi::card::{AllowList, ApduTransport, CardError, CardSession, Command, Pin, Response};

/// Answers each command with the next response from the fuzzer's bytes:
/// `[kind] [len hi] [len lo] data… [sw1] [sw2]`; kind ≥ 0xF0 is a transport error.
struct Scripted<'a> {
    data: &'a [u8],
    sent: usize,
    allow: AllowList,
}

impl ApduTransport for Scripted<'_> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Response, CardError> {
        // Everything the session sends must pass the allow-list.
        assert!(
            Command::parse(apdu).is_some(),
            "not allow-listed: {apdu:02X?}"
        );
        assert!(
            self.allow.check(apdu).is_ok(),
            "not allowed now: {apdu:02X?}"
        );
        self.sent += 1;
        assert!(self.sent < 10_000, "the session does not stop");
        let (&kind, rest) = self.data.split_first().ok_or(CardError::CardRemoved)?;
        if kind >= 0xF0 {
            self.data = rest;
            self.allow.observe_failure();
            return Err(match kind {
                0xF0 => CardError::Timeout,
                0xF1 => CardError::ReaderUnplugged,
                _ => CardError::CardRemoved,
            });
        }
        let len = match rest {
            [hi, lo, ..] => usize::from(u16::from_be_bytes([*hi, *lo])) % 1024,
            _ => 0,
        };
        let rest = rest.get(2..).unwrap_or(&[]);
        let take = len.min(rest.len());
        let body = &rest[..take];
        let rest = &rest[take..];
        let (sw, rest) = match rest {
            [a, b, tail @ ..] => (u16::from_be_bytes([*a, *b]), tail),
            _ => (0x9000, &[][..]),
        };
        self.data = rest;
        let r = Response::new(body.to_vec(), onshi::card::StatusWord(sw));
        if r.sw.is_ok() {
            self.allow.observe_ok();
        } else {
            self.allow.observe_failure();
        }
        Ok(r)
    }

    fn reset(&mut self) -> Result<(), CardError> {
        self.allow.reset();
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, script)) = data.split_first() else {
        return;
    };
    let mut session = CardSession::new(Scripted {
        data: script,
        sent: 0,
        allow: AllowList::new(),
    });
    let pin = Pin::new("1234").unwrap();
    if mode & 1 != 0 {
        let _ = session.recognise();
    }
    if mode & 2 != 0 {
        let _ = session.pin_status();
    }
    let _ = session.read_basic_info(&pin, mode & 4 != 0);
    let _ = session.read_basic_info(&pin, true);
});
