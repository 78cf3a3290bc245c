//! The careless caller, from Rust the way C calls the ABI (issue 10, item 4): handles shared
//! between threads, used after free, freed twice or while other threads are inside calls on
//! them; the terminal client freed while another thread waits, cancel tokens, calls from inside
//! the face callback, and one error object per call. Each case used to be undefined (a double
//! free, a read of freed memory, a use-after-free of the client, `ONSHI_PANIC` and a leaked
//! thread); each must now end in a status.

use onshi::ffi::document::*;
use onshi::ffi::error::*;
use onshi::ffi::field::*;
use onshi::ffi::ids::*;
use onshi::ffi::qualification::*;
use onshi::ffi::status::*;
use onshi::ffi::terminal::*;
use std::ffi::c_void;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A raw handle moved into a thread (the C ABI promises it may be shared).
struct Shared<T>(*mut T);
impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Shared<T> {}
unsafe impl<T> Send for Shared<T> {}
unsafe impl<T> Sync for Shared<T> {}

impl<T> Shared<T> {
    fn get(self) -> *mut T {
        self.0
    }
}

fn text(q: *const onshi_qualification, f: onshi_field) -> Result<String, onshi_status> {
    let mut buf = vec![0u8; 256];
    let mut n = 0usize;
    let s =
        unsafe { onshi_qualification_get_text(q, f, buf.as_mut_ptr().cast(), buf.len(), &mut n) };
    if s != ONSHI_OK {
        return Err(s);
    }
    buf.truncate(n);
    Ok(String::from_utf8(buf).unwrap())
}

fn record() -> *mut onshi_qualification {
    let json = r#"{"insurer_number":"01130012","insured_card_symbol":"12-34","insured_identification_number":"1001","insured_branch_number":"00","name":"見本　太郎","birthdate":"1980-04-01"}"#;
    let mut q = null_mut();
    assert_eq!(
        unsafe { onshi_qualification_from_json(null_mut(), json.as_ptr(), json.len(), &mut q) },
        ONSHI_OK
    );
    q
}

#[test]
fn four_threads_on_one_record_and_one_error_object() {
    let q = Shared(record());
    let err = Shared(onshi_error_new());
    let bad = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for t in 0..4 {
            let bad = &bad;
            s.spawn(move || {
                for i in 0..300 {
                    let name = if (i + t) % 2 == 0 {
                        "見本　花子"
                    } else {
                        "見本　太郎"
                    };
                    let st = unsafe {
                        onshi_qualification_set_text(
                            q.get(),
                            ONSHI_FIELD_NAME,
                            name.as_ptr(),
                            name.len(),
                        )
                    };
                    let back = text(q.get(), ONSHI_FIELD_NAME);
                    let number = if i % 3 == 0 { "138058" } else { "138057" };
                    let v = unsafe {
                        onshi_check_digit_verify(err.get(), number.as_ptr(), number.len())
                    };
                    let es = unsafe { onshi_error_status(err.get()) };
                    if st != ONSHI_OK
                        || !matches!(back.as_deref(), Ok("見本　花子" | "見本　太郎"))
                        || !matches!(v, ONSHI_OK | ONSHI_ID_CHECK_DIGIT)
                        || !matches!(es, ONSHI_OK | ONSHI_ID_CHECK_DIGIT)
                    {
                        bad.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    assert_eq!(bad.load(Ordering::Relaxed), 0);
    unsafe {
        onshi_qualification_free(q.get());
        onshi_error_free(err.get());
    }
}

#[test]
fn freed_handles_are_refused_without_being_read() {
    let q = record();
    unsafe { onshi_qualification_free(q) };
    assert_eq!(text(q, ONSHI_FIELD_NAME), Err(ONSHI_INVALID_HANDLE));
    let name = "x";
    assert_eq!(
        unsafe { onshi_qualification_set_text(q, ONSHI_FIELD_NAME, name.as_ptr(), 1) },
        ONSHI_INVALID_HANDLE
    );
    unsafe { onshi_qualification_free(q) }; // a second free is ignored
    // The registry slot is reused by new handles; the stale pointer stays dead.
    let fresh: Vec<_> = (0..32).map(|_| onshi_qualification_new()).collect();
    assert!(fresh.iter().all(|f| *f != q));
    assert_eq!(text(q, ONSHI_FIELD_NAME), Err(ONSHI_INVALID_HANDLE));
    // Why, in an error object of the caller's.
    let why = onshi_error_new();
    assert_eq!(
        unsafe { onshi_error_from_handle(why, q.cast()) },
        ONSHI_INVALID_HANDLE
    );
    for f in fresh {
        unsafe { onshi_qualification_free(f) };
    }
    // An error object freed, then used as the error of a call: refused, not written.
    let e = onshi_error_new();
    unsafe { onshi_error_free(e) };
    assert_eq!(
        unsafe { onshi_check_digit_verify(e, "138057".as_ptr(), 6) },
        ONSHI_INVALID_HANDLE
    );
    assert_eq!(unsafe { onshi_error_status(e) }, ONSHI_INVALID_HANDLE);
    unsafe { onshi_error_free(why) };
}

#[test]
fn free_during_calls_on_other_threads() {
    let q = Shared(record());
    let ok = AtomicUsize::new(0);
    let outcomes: Vec<onshi_status> = std::thread::scope(|s| {
        let readers: Vec<_> = (0..3)
            .map(|_| {
                let ok = &ok;
                s.spawn(move || {
                    loop {
                        match text(q.get(), ONSHI_FIELD_NAME) {
                            Ok(_) => {
                                ok.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(e) => return e,
                        }
                    }
                })
            })
            .collect();
        while ok.load(Ordering::Relaxed) < 100 {
            std::thread::yield_now();
        }
        unsafe { onshi_qualification_free(q.get()) };
        readers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(outcomes, vec![ONSHI_INVALID_HANDLE; 3]);
}

struct Terminal {
    _dir: tempfile::TempDir,
    emu: *mut onshi_emulator,
    client: *mut onshi_client,
    request: *mut onshi_document,
}

impl Terminal {
    fn new() -> Terminal {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_str().unwrap().to_string();
        let mut emu = null_mut();
        let mut client = null_mut();
        unsafe {
            assert_eq!(
                onshi_emulator_start(
                    null_mut(),
                    root.as_ptr(),
                    root.len(),
                    null(),
                    0,
                    0,
                    ONSHI_ENCODING_UTF8,
                    &mut emu
                ),
                ONSHI_OK
            );
            assert_eq!(
                onshi_client_open(
                    null_mut(),
                    root.as_ptr(),
                    root.len(),
                    null(),
                    0,
                    &mut client
                ),
                ONSHI_OK
            );
        }
        let card = record();
        let day = onshi_date {
            year: 2025,
            month: 4,
            day: 10,
        };
        let code = "1310000003";
        let mut request = null_mut();
        assert_eq!(
            unsafe {
                onshi_document_new_individual_request(
                    null_mut(),
                    code.as_ptr(),
                    code.len(),
                    card,
                    &day,
                    null(),
                    0,
                    true,
                    &mut request,
                )
            },
            ONSHI_OK
        );
        unsafe { onshi_qualification_free(card) };
        Terminal {
            _dir: dir,
            emu,
            client,
            request,
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        unsafe {
            onshi_document_free(self.request);
            onshi_client_free(self.client);
            onshi_emulator_free(self.emu);
        }
    }
}

#[test]
fn client_free_while_another_thread_waits_cancels_the_wait() {
    let t = Terminal::new();
    assert_eq!(
        unsafe { onshi_emulator_set_behaviour(t.emu, ONSHI_BEHAVIOUR_SILENT) },
        ONSHI_OK
    );
    let c = Shared(t.client);
    let req = Shared(t.request);
    let (status, took, freed_in) = std::thread::scope(|s| {
        let waiter = s.spawn(move || {
            let err = onshi_error_new();
            let mut out = null_mut();
            let t0 = Instant::now();
            let st =
                unsafe { onshi_client_query(c.get(), err, req.get(), 0, 30_000, null(), &mut out) };
            let took = t0.elapsed();
            assert_eq!(
                unsafe { onshi_error_status(err) },
                st,
                "the call's own error object"
            );
            assert!(out.is_null());
            unsafe { onshi_error_free(err) };
            (st, took)
        });
        std::thread::sleep(Duration::from_millis(300));
        let t0 = Instant::now();
        unsafe { onshi_client_free(c.get()) };
        let freed_in = t0.elapsed();
        let (st, took) = waiter.join().unwrap();
        (st, took, freed_in)
    });
    assert_eq!(status, ONSHI_TERMINAL_CANCELLED);
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(freed_in < Duration::from_secs(5), "{freed_in:?}");
    let mut out = null_mut();
    assert_eq!(
        unsafe { onshi_client_next_face(t.client, null_mut(), 0, null(), &mut out) },
        ONSHI_INVALID_HANDLE
    );
}

#[test]
fn a_cancel_token_ends_wait_and_next_face() {
    let t = Terminal::new();
    assert_eq!(
        unsafe { onshi_emulator_set_behaviour(t.emu, ONSHI_BEHAVIOUR_SILENT) },
        ONSHI_OK
    );
    let mut tok = null_mut();
    assert_eq!(unsafe { onshi_cancel_token_new(&mut tok) }, ONSHI_OK);
    let (c, req, token) = (Shared(t.client), Shared(t.request), Shared(tok));
    let outcomes = std::thread::scope(|s| {
        let query = s.spawn(move || {
            let mut out = null_mut();
            let t0 = Instant::now();
            let st = unsafe {
                onshi_client_query(
                    c.get(),
                    null_mut(),
                    req.get(),
                    0,
                    30_000,
                    token.get(),
                    &mut out,
                )
            };
            (st, t0.elapsed())
        });
        let face = s.spawn(move || {
            let mut out = null_mut();
            let t0 = Instant::now();
            let st = unsafe {
                onshi_client_next_face(c.get(), null_mut(), 30_000, token.get(), &mut out)
            };
            (st, t0.elapsed())
        });
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(unsafe { onshi_cancel_token_cancel(token.get()) }, ONSHI_OK);
        // Freeing the token while calls hold it neither blocks nor breaks them.
        unsafe { onshi_cancel_token_free(token.get()) };
        [query.join().unwrap(), face.join().unwrap()]
    });
    for (st, took) in outcomes {
        assert_eq!(st, ONSHI_TERMINAL_CANCELLED);
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
    // The request stays pending: a new wait on a fresh token is possible (and times out).
    let mut tok = null_mut();
    unsafe { onshi_cancel_token_new(&mut tok) };
    unsafe { onshi_cancel_token_cancel(tok) };
    let mut cancelled = false;
    unsafe { onshi_cancel_token_is_cancelled(tok, &mut cancelled) };
    assert!(cancelled);
    let mut out = null_mut();
    assert_eq!(
        unsafe { onshi_client_next_face(t.client, null_mut(), 0, tok, &mut out) },
        ONSHI_TERMINAL_CANCELLED
    );
    unsafe { onshi_cancel_token_reset(tok) };
    assert_eq!(
        unsafe { onshi_client_next_face(t.client, null_mut(), 0, tok, &mut out) },
        ONSHI_NOT_PRESENT
    );
    unsafe { onshi_cancel_token_free(tok) };
}

/// What the face callback saw and did.
struct Inside {
    client: *mut onshi_client,
    request: *const onshi_document,
    calls: AtomicU32,
    statuses: std::sync::Mutex<Vec<(&'static str, onshi_status)>>,
    free_it: bool,
}

unsafe extern "C" fn in_callback(
    userdata: *mut c_void,
    doc: *const onshi_document,
    _status: u32,
) -> onshi_face_ack {
    let me = unsafe { &*(userdata as *const Inside) };
    if me.calls.fetch_add(1, Ordering::SeqCst) > 0 {
        return ONSHI_FACE_RELEASE;
    }
    let mut seen = Vec::new();
    let mut n = 0usize;
    let mut buf = [0u8; 256];
    seen.push(("doc", unsafe {
        onshi_document_get_text(
            doc,
            ONSHI_FIELD_DOCUMENT_FILE_NAME,
            buf.as_mut_ptr().cast(),
            256,
            &mut n,
        )
    }));
    let mut out = null_mut();
    let mut ticket = null_mut();
    seen.push(("submit", unsafe {
        onshi_client_submit(me.client, null_mut(), me.request, 0, &mut ticket)
    }));
    seen.push(("wait", unsafe {
        onshi_client_wait(me.client, null_mut(), ticket, 1000, null(), &mut out)
    }));
    unsafe { onshi_ticket_free(ticket) };
    seen.push(("next_face", unsafe {
        onshi_client_next_face(me.client, null_mut(), 1000, null(), &mut out)
    }));
    seen.push(("query", unsafe {
        onshi_client_query(me.client, null_mut(), me.request, 0, 1000, null(), &mut out)
    }));
    seen.push(("on_face", unsafe {
        onshi_client_on_face(me.client, Some(in_callback), userdata)
    }));
    if me.free_it {
        unsafe { onshi_client_free(me.client) };
    } else {
        seen.push(("stop_face", unsafe { onshi_client_stop_face(me.client) }));
    }
    *me.statuses.lock().unwrap() = seen;
    ONSHI_FACE_ACK
}

fn callback_case(free_it: bool) {
    let mut t = Terminal::new();
    let inside = Box::new(Inside {
        client: t.client,
        request: t.request,
        calls: AtomicU32::new(0),
        statuses: std::sync::Mutex::new(Vec::new()),
        free_it,
    });
    let ud = (&*inside as *const Inside).cast_mut().cast::<c_void>();
    assert_eq!(
        unsafe { onshi_client_on_face(t.client, Some(in_callback), ud) },
        ONSHI_OK
    );
    let p14 = "P14";
    assert_eq!(
        unsafe { onshi_emulator_push_face(t.emu, p14.as_ptr(), 3) },
        ONSHI_OK
    );
    let t0 = Instant::now();
    while inside.statuses.lock().unwrap().is_empty() {
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "the callback never finished"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let seen = inside.statuses.lock().unwrap().clone();
    let want_ok = ["doc", "submit", "stop_face"];
    for (what, st) in &seen {
        let want = if want_ok.contains(what) {
            ONSHI_OK
        } else {
            ONSHI_IN_CALLBACK
        };
        assert_eq!(*st, want, "{what} inside the face callback");
    }
    assert_eq!(seen.len(), if free_it { 6 } else { 7 });
    if free_it {
        // The client is gone; nothing of it is left behind to free.
        let mut out = null_mut();
        assert_eq!(
            unsafe { onshi_client_next_face(t.client, null_mut(), 0, null(), &mut out) },
            ONSHI_INVALID_HANDLE
        );
        t.client = null_mut();
    } else {
        // Delivery stopped when the callback returned: a second face is not delivered to it,
        // and the client still works outside the callback.
        assert_eq!(
            unsafe { onshi_emulator_push_face(t.emu, p14.as_ptr(), 3) },
            ONSHI_OK
        );
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(inside.calls.load(Ordering::SeqCst), 1);
        let mut out = null_mut();
        assert_eq!(
            unsafe { onshi_client_next_face(t.client, null_mut(), 10_000, null(), &mut out) },
            ONSHI_OK
        );
        unsafe { onshi_document_free(out) };
    }
    drop(t);
    drop(inside);
}

#[test]
fn the_face_callback_may_stop_its_own_delivery() {
    callback_case(false);
}

#[test]
fn the_face_callback_may_free_its_own_client() {
    callback_case(true);
}

#[test]
fn each_thread_gets_its_own_error_from_one_client() {
    let t = Terminal::new();
    assert_eq!(
        unsafe { onshi_emulator_set_behaviour(t.emu, ONSHI_BEHAVIOUR_DOWN) },
        ONSHI_OK
    );
    let (c, req) = (Shared(t.client), Shared(t.request));
    let wrong = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for (family, want) in [
            (0, ONSHI_OK),
            (ONSHI_FAMILY_DRUG_INFO, ONSHI_TERMINAL_INVALID_REQUEST),
        ] {
            let wrong = &wrong;
            s.spawn(move || {
                let err = onshi_error_new();
                for _ in 0..30 {
                    let mut tk = null_mut();
                    let st =
                        unsafe { onshi_client_submit(c.get(), err, req.get(), family, &mut tk) };
                    if st != want || unsafe { onshi_error_status(err) } != want {
                        wrong.fetch_add(1, Ordering::Relaxed);
                    }
                    unsafe { onshi_ticket_free(tk) };
                }
                unsafe { onshi_error_free(err) };
            });
        }
    });
    assert_eq!(wrong.load(Ordering::Relaxed), 0);
}

#[test]
fn input_rules_the_header_documents() {
    // A NUL inside text is refused, not cut short.
    let with_nul = "138057\09";
    let err = onshi_error_new();
    assert_eq!(
        unsafe { onshi_check_digit_verify(err, with_nul.as_ptr(), with_nul.len()) },
        ONSHI_EMBEDDED_NUL
    );
    // An empty body has no check digit.
    let mut d = 42u8;
    assert_eq!(
        unsafe { onshi_check_digit_compute(null(), 0, &mut d) },
        ONSHI_ID_EMPTY
    );
    assert_eq!(d, 42);
    // A NULL buffer with a capacity is a size query.
    let q = record();
    let mut n = 0usize;
    assert_eq!(
        unsafe { onshi_qualification_get_text(q, ONSHI_FIELD_NAME, null_mut(), 64, &mut n) },
        ONSHI_BUFFER_TOO_SMALL
    );
    assert_eq!(n, "見本　太郎".len());
    // 医療機関コード: strict mode verifies the 検証番号.
    let mut buf = [0u8; 32];
    for (code, want) in [
        ("0110113719", ONSHI_OK),
        ("0110113718", ONSHI_ID_CHECK_DIGIT),
    ] {
        assert_eq!(
            unsafe {
                onshi_id_normalize(
                    err,
                    ONSHI_ID_KIND_MEDICAL_INSTITUTION_CODE,
                    ONSHI_MODE_STRICT,
                    code.as_ptr(),
                    code.len(),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    &mut n,
                )
            },
            want,
            "{code}"
        );
    }
    unsafe {
        onshi_qualification_free(q);
        onshi_error_free(err);
    }
}
