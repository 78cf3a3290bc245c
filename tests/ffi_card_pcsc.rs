//! The card reader through the C ABI over the real PC/SC path: `onshi_virtual_card_insert`
//! puts the virtual card into vsmartcard-vpcd's reader "Virtual PCD 00 01" (slot 1, so that
//! it never meets `card_pcsc`, which uses slot 0), then `onshi_card_list_readers`,
//! `onshi_card_open_reader`, `onshi_card_tries_left` and `onshi_card_read_basic_info` go
//! through pcscd like a vendor's program.
//!
//! Runs with `ONSHI_PCSC_TESTS=1` (pcscd + vsmartcard-vpcd running, as tests/run-all.sh
//! sets up); otherwise it prints a notice and passes.
#![cfg(feature = "card")]

use onshi::card::virtual_card::vpcd::{SLOT1_PORT, SLOT1_READER};
use onshi::ffi::card::*;
use onshi::ffi::enums::*;
use onshi::ffi::status::*;
use std::ffi::c_char;
use std::ptr::{null, null_mut};
use std::time::{Duration, Instant};

fn read(
    call: impl Fn(*mut c_char, usize, *mut usize) -> onshi_status,
) -> Result<String, onshi_status> {
    let mut n = 0usize;
    let mut buf = vec![0u8; 4096];
    let s = call(buf.as_mut_ptr().cast(), buf.len(), &mut n);
    if s != ONSHI_OK {
        return Err(s);
    }
    buf.truncate(n);
    Ok(String::from_utf8(buf).expect("UTF-8 out"))
}

/// Waits until pcscd sees slot 1 empty, so the next card is not taken for the last one
/// (watching, not opening: a reset of a card that is leaving upsets vsmartcard-vpcd).
fn wait_removed() {
    onshi::card::CardMonitor::new()
        .expect("pcscd")
        .wait_for_removal(SLOT1_READER, Some(Duration::from_secs(10)))
        .expect("pcscd did not see the removal");
}

/// Inserts a virtual card into slot 1 and opens it once pcscd sees it. After a card was
/// reset and removed, vsmartcard-vpcd 3.3 may leave the next connection unserved until it is
/// closed (see tests/card_pcsc.rs): then the card is inserted again, at most three times.
fn insert_and_open(host: &str, cfg: &str) -> (*mut onshi_virtual_card, *mut onshi_card) {
    for _attempt in 0..3 {
        let mut v = null_mut();
        let s = unsafe {
            onshi_virtual_card_insert(
                null_mut(),
                host.as_ptr(),
                host.len(),
                SLOT1_PORT,
                cfg.as_ptr(),
                cfg.len(),
                &mut v,
            )
        };
        assert_eq!(s, ONSHI_OK, "insert {cfg}");
        let start = Instant::now();
        let mut card = null_mut();
        loop {
            let s = unsafe {
                onshi_card_open_reader(
                    null_mut(),
                    SLOT1_READER.as_ptr(),
                    SLOT1_READER.len(),
                    &mut card,
                )
            };
            if s == ONSHI_OK {
                return (v, card);
            }
            assert_eq!(s, ONSHI_CARD_NO_CARD, "open {SLOT1_READER}");
            if start.elapsed() > Duration::from_secs(5) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        unsafe { onshi_virtual_card_free(v) };
        wait_removed();
    }
    panic!("pcscd did not see the virtual card {cfg} in three insertions");
}

#[test]
fn a_virtual_card_in_vpcd_reads_through_the_c_abi() {
    if std::env::var("ONSHI_PCSC_TESTS").as_deref() != Ok("1") {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "ffi_card_pcsc: skipped (set ONSHI_PCSC_TESTS=1 with pcscd + vsmartcard-vpcd running)"
        );
        return;
    }
    let readers = read(|b, c, n| unsafe { onshi_card_list_readers(null_mut(), b, c, n) })
        .expect("pcscd reachable");
    assert!(
        readers.lines().any(|r| r == SLOT1_READER),
        "no {SLOT1_READER:?}: {readers:?}"
    );
    let host = "127.0.0.1";
    let cfg = r#"{"name":"検証　一郎","sex":"1","pin":"4321"}"#;
    let mut v = null_mut();
    assert_eq!(
        unsafe {
            onshi_virtual_card_insert(
                null_mut(),
                host.as_ptr(),
                host.len(),
                SLOT1_PORT,
                cfg.as_ptr(),
                cfg.len(),
                &mut v,
            )
        },
        ONSHI_OK
    );
    // pcscd needs a moment to see the insertion.
    let mut card = null_mut();
    let start = Instant::now();
    loop {
        let s = unsafe {
            onshi_card_open_reader(
                null_mut(),
                SLOT1_READER.as_ptr(),
                SLOT1_READER.len(),
                &mut card,
            )
        };
        if s == ONSHI_OK || start.elapsed() > Duration::from_secs(10) {
            assert_eq!(s, ONSHI_OK, "open {SLOT1_READER}");
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(unsafe { onshi_card_recognise(card) }, ONSHI_OK);
    let mut tries = 0;
    assert_eq!(unsafe { onshi_card_tries_left(card, &mut tries) }, ONSHI_OK);
    assert_eq!(tries, 3);
    let mut info = null_mut();
    assert_eq!(
        unsafe { onshi_card_read_basic_info(card, "1234".as_ptr(), 4, false, &mut info) },
        ONSHI_CARD_WRONG_PIN
    );
    let mut vt = 0;
    unsafe { onshi_virtual_card_tries_left(v, &mut vt) };
    assert_eq!(vt, 2, "the card itself counted the wrong PIN");
    assert_eq!(
        unsafe { onshi_card_read_basic_info(card, "4321".as_ptr(), 4, false, &mut info) },
        ONSHI_OK
    );
    let name = read(|b, c, n| unsafe {
        onshi_basic_info_get_text(info, ONSHI_FIELD_BASIC_INFO_NAME, b, c, n)
    });
    assert_eq!(name.as_deref(), Ok("検証　一郎"));
    let mut sex = 0;
    unsafe { onshi_basic_info_get_u32(info, ONSHI_FIELD_BASIC_INFO_SEX, &mut sex) };
    assert_eq!(sex, ONSHI_CARD_SEX_MALE);
    let mut touched = true;
    assert_eq!(
        unsafe { onshi_virtual_card_touched_my_number(v, &mut touched) },
        ONSHI_OK
    );
    assert!(!touched, "EF 0001 never selected");
    let mut inserted = false;
    unsafe { onshi_virtual_card_is_inserted(v, &mut inserted) };
    assert!(inserted);
    let unknown = "No Such Reader";
    let mut none = null_mut();
    assert_eq!(
        unsafe { onshi_card_open_reader(null_mut(), unknown.as_ptr(), unknown.len(), &mut none) },
        ONSHI_CARD_UNKNOWN_READER
    );
    unsafe {
        onshi_basic_info_free(info);
        onshi_card_free(card);
        onshi_virtual_card_free(v);
    }
    wait_removed();
    // Each kind of card the reader may be given, through pcscd: its own status, before any PIN.
    for (mode, recognise, read_status) in [
        (
            "android_smartphone",
            ONSHI_CARD_SMARTPHONE,
            ONSHI_CARD_SMARTPHONE,
        ),
        (
            "face_auth_card",
            ONSHI_CARD_FACE_AUTH_CARD,
            ONSHI_CARD_FACE_AUTH_CARD,
        ),
        (
            "iphone",
            ONSHI_CARD_NOT_MY_NUMBER_CARD,
            ONSHI_CARD_NOT_MY_NUMBER_CARD,
        ),
        ("locked_pin", ONSHI_OK, ONSHI_CARD_PIN_LOCKED),
    ] {
        let cfg = format!("{{\"mode\":\"{mode}\"}}");
        let (v, card) = insert_and_open(host, &cfg);
        assert_eq!(unsafe { onshi_card_recognise(card) }, recognise, "{mode}");
        let mut info = null_mut();
        assert_eq!(
            unsafe { onshi_card_read_basic_info(card, "1234".as_ptr(), 4, true, &mut info) },
            read_status,
            "{mode}"
        );
        assert!(info.is_null());
        // The staff's text names what to do instead.
        let e = onshi::ffi::error::onshi_error_new();
        assert_eq!(
            unsafe { onshi::ffi::error::onshi_error_from_handle(e, card.cast()) },
            ONSHI_OK
        );
        let text =
            read(|b, c, n| unsafe { onshi::ffi::error::onshi_error_staff_message(e, b, c, n) })
                .unwrap();
        unsafe { onshi::ffi::error::onshi_error_free(e) };
        assert!(text.contains("顔認証付きカードリーダー"), "{mode}: {text}");
        let mut vt = 99;
        unsafe { onshi_virtual_card_tries_left(v, &mut vt) };
        if mode != "locked_pin" {
            assert_eq!(vt, 3, "{mode}: no try was used");
        }
        unsafe {
            onshi_card_free(card);
            onshi_virtual_card_free(v);
        }
        wait_removed();
    }
    // Nothing listens on port 1: a typed error.
    let mut x = null_mut();
    assert_eq!(
        unsafe {
            onshi_virtual_card_insert(null_mut(), host.as_ptr(), host.len(), 1, null(), 0, &mut x)
        },
        ONSHI_CARD_VIRTUAL_CARD_IO
    );
}
