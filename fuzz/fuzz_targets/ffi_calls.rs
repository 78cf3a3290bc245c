//! Arbitrary call sequences through the C ABI: NULL handles and pointers, handles of the
//! wrong type, empty and invalid UTF-8 strings, `(NULL, n)` strings, out-of-range indexes,
//! unknown enumeration values, tiny buffers, and calls in any order.
//!
//! Oracles, beyond "does not crash": no call ever reports `ONSHI_PANIC`; out-parameters are
//! untouched when a call fails; a text field reads back what was written; a record survives
//! `_to_json` → `_from_json` unchanged; a handle of the wrong type is always rejected.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi::ffi::codes::*;
use onshi::ffi::error::*;
use onshi::ffi::field::*;
use onshi::ffi::ids::*;
use onshi::ffi::qualification::*;
use onshi::ffi::status::*;
use onshi::ffi::version::*;
use std::ffi::c_char;
use std::ptr::{null, null_mut};

struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }
    fn index(&mut self) -> usize {
        match self.byte() % 4 {
            0 => usize::MAX,
            1 => self.u32() as usize,
            _ => (self.byte() % 12) as usize,
        }
    }
    fn bytes(&mut self) -> Vec<u8> {
        let n = (self.byte() as usize % 40).min(self.0.len());
        let (v, rest) = self.0.split_at(n);
        self.0 = rest;
        v.to_vec()
    }
    fn field(&mut self) -> onshi_field {
        const VALID: [std::ops::RangeInclusive<u32>; 4] = [1..=43, 101..=105, 201..=226, 301..=304];
        match self.byte() % 8 {
            0 => self.u32(),
            k => {
                let r = &VALID[(k as usize - 1) % 4];
                r.start() + self.byte() as u32 % (r.end() - r.start() + 1)
            }
        }
    }
    fn list(&mut self) -> onshi_list {
        match self.byte() % 6 {
            0 => self.u32(),
            k => (k - 1) as u32,
        }
    }
    fn small(&mut self, n: u32) -> u32 {
        match self.byte() % 5 {
            0 => self.u32(),
            _ => self.byte() as u32 % n,
        }
    }
    fn done(&self) -> bool {
        self.0.is_empty()
    }
}

/// A string argument: `(ptr, len)` in one of the shapes a caller might pass.
struct Text {
    bytes: Vec<u8>,
    shape: u8,
}

impl Text {
    fn new(inp: &mut Input) -> Text {
        let shape = inp.byte() % 6;
        let mut bytes = inp.bytes();
        if shape == 5 {
            bytes = "２０２４-04-01 見本　花子 ﾐﾎﾝ ＡＢ‐１２ 138057"
                .as_bytes()
                .to_vec();
        }
        Text { bytes, shape }
    }
    fn ptr(&self) -> *const u8 {
        match self.shape {
            0 | 1 => null(),
            _ => self.bytes.as_ptr(),
        }
    }
    fn len(&self) -> usize {
        match self.shape {
            0 => 0,
            1 => self.bytes.len() + 1,
            _ => self.bytes.len(),
        }
    }
}

/// A text-out buffer: NULL, tiny, or roomy, pre-filled with a sentinel.
struct Buf {
    data: Vec<u8>,
    null: bool,
}

impl Buf {
    fn new(inp: &mut Input) -> Buf {
        match inp.byte() % 4 {
            0 => Buf {
                data: Vec::new(),
                null: true,
            },
            1 => Buf {
                data: vec![0xAA; inp.byte() as usize % 8],
                null: false,
            },
            _ => Buf {
                data: vec![0xAA; 4096],
                null: false,
            },
        }
    }
    fn ptr(&mut self) -> *mut c_char {
        if self.null {
            null_mut()
        } else {
            self.data.as_mut_ptr().cast()
        }
    }
    fn cap(&self) -> usize {
        self.data.len()
    }
    /// Checks the text-out contract after a call that returned `s` with `*out_len == n`.
    fn check(&self, s: onshi_status, n: usize) {
        match s {
            ONSHI_OK => {
                assert!(!self.null && n < self.cap());
                assert_eq!(self.data[n], 0, "NUL after the text");
                assert!(std::str::from_utf8(&self.data[..n]).is_ok(), "UTF-8 out");
            }
            _ => assert!(
                self.data.iter().all(|&b| b == 0xAA),
                "buffer written on status {s}"
            ),
        }
    }
}

fn no_panic(s: onshi_status) -> onshi_status {
    assert_ne!(s, ONSHI_PANIC, "a panic was caught at the boundary");
    s
}

fn read_all(call: impl Fn(*mut c_char, usize, *mut usize) -> onshi_status) -> Option<String> {
    let mut n = 0usize;
    let mut buf = vec![0u8; 256];
    let mut s = no_panic(call(buf.as_mut_ptr().cast(), buf.len(), &mut n));
    while s == ONSHI_BUFFER_TOO_SMALL {
        buf = vec![0u8; n + 1];
        s = no_panic(call(buf.as_mut_ptr().cast(), buf.len(), &mut n));
    }
    (s == ONSHI_OK).then(|| String::from_utf8(buf[..n].to_vec()).expect("UTF-8 out"))
}

fuzz_target!(|data: &[u8]| {
    let mut inp = Input(data);
    let err = onshi_error_new();
    // Slots 0–2: live records (or NULL after a free); slot 3: an error object posing as one.
    let mut qs: [*mut onshi_qualification; 4] = [
        onshi_qualification_new(),
        onshi_qualification_new(),
        null_mut(),
        err.cast(),
    ];
    for _ in 0..96 {
        if inp.done() {
            break;
        }
        let op = inp.byte() % 28;
        let slot = inp.byte() as usize % 4;
        let q = qs[slot];
        let e = if inp.byte() % 3 == 0 { null_mut() } else { err };
        let s = unsafe {
            match op {
                0 => {
                    let f = inp.field();
                    let t = Text::new(&mut inp);
                    let s = no_panic(onshi_qualification_set_text(q, f, t.ptr(), t.len()));
                    let mut ty = 0;
                    if s == ONSHI_OK
                        && onshi_field_value_type(f, &mut ty) == ONSHI_OK
                        && ty == ONSHI_VALUE_TYPE_TEXT
                        && f != ONSHI_FIELD_CONSENT_KIND
                    {
                        let back = read_all(|b, c, n| onshi_qualification_get_text(q, f, b, c, n));
                        let want = if t.shape == 0 {
                            Vec::new()
                        } else {
                            t.bytes.clone()
                        };
                        assert_eq!(
                            back.map(String::into_bytes),
                            Some(want),
                            "text field {f} reads back"
                        );
                    }
                    s
                }
                1 => {
                    let f = inp.field();
                    let mut b = Buf::new(&mut inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_qualification_get_text(q, f, b.ptr(), b.cap(), &mut n));
                    b.check(s, n);
                    s
                }
                2 => onshi_qualification_clear(q, inp.field()),
                3 => {
                    let mut d = onshi_date {
                        year: -7,
                        month: 77,
                        day: 77,
                    };
                    let s = no_panic(onshi_qualification_get_date(q, inp.field(), &mut d));
                    if s != ONSHI_OK {
                        assert_eq!((d.year, d.month, d.day), (-7, 77, 77));
                    }
                    s
                }
                4 => {
                    let d = onshi_date {
                        year: inp.u32() as i32 % 12000,
                        month: inp.small(14),
                        day: inp.small(33),
                    };
                    onshi_qualification_set_date(
                        q,
                        inp.field(),
                        if inp.byte() % 7 == 0 { null() } else { &d },
                    )
                }
                5 => {
                    let mut t = onshi_datetime {
                        second: 99,
                        ..Default::default()
                    };
                    let s = no_panic(onshi_qualification_get_datetime(q, inp.field(), &mut t));
                    if s != ONSHI_OK {
                        assert_eq!(t.second, 99);
                    }
                    s
                }
                6 => {
                    let t = onshi_datetime {
                        year: 1900i32.wrapping_add(inp.small(300) as i32),
                        month: inp.small(14),
                        day: inp.small(33),
                        hour: inp.small(26),
                        minute: inp.small(62),
                        second: inp.small(62),
                    };
                    onshi_qualification_set_datetime(q, inp.field(), &t)
                }
                7 => {
                    let mut v = 0xFEED;
                    let s = no_panic(onshi_qualification_get_u32(q, inp.field(), &mut v));
                    if s != ONSHI_OK {
                        assert_eq!(v, 0xFEED);
                    }
                    s
                }
                8 => onshi_qualification_set_u32(q, inp.field(), inp.small(120)),
                9 => {
                    let mut n = 4242usize;
                    let s = no_panic(onshi_qualification_count(q, inp.list(), &mut n));
                    if s != ONSHI_OK {
                        assert_eq!(n, 4242);
                    }
                    s
                }
                10 => {
                    let mut i = 4242usize;
                    let out = if inp.byte() % 5 == 0 {
                        null_mut()
                    } else {
                        &mut i as *mut usize
                    };
                    onshi_qualification_item_add(q, inp.list(), out)
                }
                11 => onshi_qualification_item_remove(q, inp.list(), inp.index()),
                12 => {
                    let (l, i, f) = (inp.list(), inp.index(), inp.field());
                    let mut b = Buf::new(&mut inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_qualification_item_get_text(
                        q,
                        l,
                        i,
                        f,
                        b.ptr(),
                        b.cap(),
                        &mut n,
                    ));
                    b.check(s, n);
                    s
                }
                13 => {
                    let (l, i, f) = (inp.list(), inp.index(), inp.field());
                    let t = Text::new(&mut inp);
                    onshi_qualification_item_set_text(q, l, i, f, t.ptr(), t.len())
                }
                14 => {
                    let (l, i, f) = (inp.list(), inp.index(), inp.field());
                    match inp.byte() % 4 {
                        0 => onshi_qualification_item_set_u32(q, l, i, f, inp.small(50000)),
                        1 => {
                            let d = onshi_date {
                                year: 2000i32.wrapping_add(inp.small(40) as i32),
                                month: inp.small(13),
                                day: inp.small(32),
                            };
                            onshi_qualification_item_set_date(q, l, i, f, &d)
                        }
                        2 => {
                            let t = onshi_datetime {
                                year: 2024,
                                month: 4,
                                day: 1,
                                hour: inp.small(24),
                                minute: 0,
                                second: 0,
                            };
                            onshi_qualification_item_set_datetime(q, l, i, f, &t)
                        }
                        _ => onshi_qualification_item_clear(q, l, i, f),
                    }
                }
                15 => {
                    // JSON round trip keeps the record.
                    match read_all(|b, c, n| onshi_qualification_to_json(q, b, c, n)) {
                        Some(json) => {
                            let mut r = null_mut();
                            let s = no_panic(onshi_qualification_from_json(
                                e,
                                json.as_ptr(),
                                json.len(),
                                &mut r,
                            ));
                            assert_eq!(s, ONSHI_OK, "own JSON reads back: {json}");
                            let mut eq = false;
                            assert_eq!(onshi_qualification_equal(q, r, &mut eq), ONSHI_OK);
                            assert!(eq, "JSON round trip changed the record: {json}");
                            onshi_qualification_free(r);
                            ONSHI_OK
                        }
                        None => ONSHI_INVALID_HANDLE,
                    }
                }
                16 => {
                    let mut c = null_mut();
                    let s = no_panic(onshi_qualification_clone(q, &mut c));
                    if s == ONSHI_OK {
                        let dst = inp.byte() as usize % 3;
                        onshi_qualification_free(qs[dst]);
                        qs[dst] = c;
                    } else {
                        assert!(c.is_null());
                    }
                    s
                }
                17 => {
                    if slot < 3 {
                        onshi_qualification_free(q);
                        qs[slot] = if inp.byte() % 2 == 0 {
                            null_mut()
                        } else {
                            onshi_qualification_new()
                        };
                    } else {
                        onshi_qualification_free(q); // wrong type: must be ignored
                    }
                    ONSHI_OK
                }
                18 => {
                    let mut b = Buf::new(&mut inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_qualification_last_error(q, b.ptr(), b.cap(), &mut n));
                    b.check(s, n);
                    s
                }
                19 => {
                    let (kind, mode) = (inp.small(9), inp.small(3));
                    let t = Text::new(&mut inp);
                    let mut b = Buf::new(&mut inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_id_normalize(
                        e,
                        kind,
                        mode,
                        t.ptr(),
                        t.len(),
                        b.ptr(),
                        b.cap(),
                        &mut n,
                    ));
                    b.check(s, n);
                    s
                }
                20 => {
                    let t = Text::new(&mut inp);
                    let mut d = 99u8;
                    let s = no_panic(onshi_check_digit_compute(t.ptr(), t.len(), &mut d));
                    assert!(if s == ONSHI_OK { d <= 9 } else { d == 99 });
                    let mut flags = 0xAB;
                    let s2 = no_panic(onshi_insurer_number_flags(
                        e,
                        inp.small(3),
                        t.ptr(),
                        t.len(),
                        &mut flags,
                    ));
                    if s2 != ONSHI_OK {
                        assert_eq!(flags, 0xAB);
                    }
                    onshi_check_digit_verify(e, t.ptr(), t.len())
                }
                21 => {
                    let table = inp.small(20);
                    let t = Text::new(&mut inp);
                    let mut b = Buf::new(&mut inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_code_label(
                        table,
                        t.ptr(),
                        t.len(),
                        b.ptr(),
                        b.cap(),
                        &mut n,
                    ));
                    b.check(s, n);
                    let mut known = false;
                    no_panic(onshi_code_is_known(table, t.ptr(), t.len(), &mut known));
                    let mut b = Buf::new(&mut inp);
                    let s = no_panic(onshi_code_wire_at(
                        table,
                        inp.index(),
                        b.ptr(),
                        b.cap(),
                        &mut n,
                    ));
                    b.check(s, n);
                    s
                }
                22 => {
                    let f = inp.field();
                    let mut v = 0;
                    no_panic(onshi_field_value_type(f, &mut v));
                    no_panic(onshi_field_code_table(f, &mut v));
                    no_panic(onshi_field_list(f, &mut v));
                    let mut b = Buf::new(&mut inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_field_name(f, b.ptr(), b.cap(), &mut n));
                    b.check(s, n);
                    s
                }
                23 => {
                    let now = onshi_datetime {
                        year: 2024,
                        month: inp.small(13),
                        day: 1,
                        hour: 0,
                        minute: 0,
                        second: 0,
                    };
                    let mut v = false;
                    onshi_qualification_consent_valid_at(q, inp.index(), &now, &mut v)
                }
                24 => {
                    // Arbitrary bytes as a JSON record.
                    let t = Text::new(&mut inp);
                    let mut r = std::ptr::dangling_mut::<onshi_qualification>();
                    let s = no_panic(onshi_qualification_from_json(e, t.ptr(), t.len(), &mut r));
                    if s == ONSHI_OK {
                        let dst = inp.byte() as usize % 3;
                        onshi_qualification_free(qs[dst]);
                        qs[dst] = r;
                    } else {
                        assert_eq!(r, std::ptr::dangling_mut());
                    }
                    s
                }
                25 => {
                    let st = inp.u32() % 1000;
                    let mut b = Buf::new(&mut inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_status_name(st, b.ptr(), b.cap(), &mut n));
                    b.check(s, n);
                    let mut b = Buf::new(&mut inp);
                    let s = no_panic(onshi_status_message(st, b.ptr(), b.cap(), &mut n));
                    b.check(s, n);
                    let mut b = Buf::new(&mut inp);
                    let s = no_panic(onshi_version(b.ptr(), b.cap(), &mut n));
                    b.check(s, n);
                    s
                }
                26 => {
                    let other = qs[inp.byte() as usize % 4];
                    let mut eq = false;
                    no_panic(onshi_qualification_equal(q, other, &mut eq));
                    let mut v = false;
                    no_panic(onshi_qualification_is_public_assistance(q, &mut v));
                    no_panic(onshi_qualification_confirmable_by_card_number(q, &mut v));
                    let mut b = Buf::new(&mut inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_qualification_card_number_reason(
                        q,
                        b.ptr(),
                        b.cap(),
                        &mut n,
                    ));
                    b.check(s, n);
                    s
                }
                _ => {
                    let mut b = Buf::new(&mut inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_error_message(e, b.ptr(), b.cap(), &mut n));
                    b.check(s, n);
                    no_panic(onshi_error_status(e))
                }
            }
        };
        no_panic(s);
        if slot == 3 && op != 17 && !(20..=25).contains(&op) && op != 27 && op != 19 {
            assert_eq!(
                s, ONSHI_INVALID_HANDLE,
                "wrong-type handle accepted by op {op}"
            );
        }
        if q.is_null() && op <= 18 && op != 17 && op != 15 {
            assert_eq!(s, ONSHI_NULL_PARAMETER, "NULL handle accepted by op {op}");
        }
    }
    for q in &qs[..3] {
        unsafe { onshi_qualification_free(*q) };
    }
    unsafe { onshi_error_free(err) };
    let _ = onshi_version_number();
});
