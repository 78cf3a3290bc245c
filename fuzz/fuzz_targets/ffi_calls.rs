//! Arbitrary call sequences through the C ABI: NULL handles and pointers, handles of the
//! wrong type, empty and invalid UTF-8 strings, `(NULL, n)` strings, out-of-range indexes,
//! unknown enumeration values, tiny buffers, and calls in any order — over the qualification
//! record and the phase-2 handles (diff, history, choices, matching, candidates, the virtual
//! card and its 基本4情報) and documents (arbitrary bytes parsed, fields read and set,
//! written in both encodings and read back, diffed).
//!
//! Oracles, beyond "does not crash": no call ever reports `ONSHI_PANIC`; out-parameters are
//! untouched when a call fails; a text field reads back what was written; a record survives
//! `_to_json` → `_from_json` unchanged; a handle of the wrong type is always rejected; a freed
//! handle (also freed twice, also after its registry slot was reused) is always
//! `ONSHI_INVALID_HANDLE`; a NULL buffer with a capacity is a size query.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onshi::ffi::card::*;
use onshi::ffi::codes::*;
use onshi::ffi::diff::*;
use onshi::ffi::document::*;
use onshi::ffi::error::*;
use onshi::ffi::field::*;
use onshi::ffi::history::*;
use onshi::ffi::ids::*;
use onshi::ffi::matching::*;
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
        const VALID: [std::ops::RangeInclusive<u32>; 15] = [
            401..=429,
            451..=463,
            481..=486,
            1..=43,
            101..=105,
            201..=226,
            301..=304,
            501..=509,
            551..=565,
            581..=583,
            591..=592,
            601..=602,
            651..=660,
            681..=688,
            701..=747,
        ];
        match self.byte() % 16 {
            0 => self.u32(),
            k => {
                let r = &VALID[(k as usize - 1) % 15];
                r.start() + self.byte() as u32 % (r.end() - r.start() + 1)
            }
        }
    }
    fn list(&mut self) -> onshi_list {
        match self.byte() % 17 {
            0 => self.u32(),
            k => (k - 1) as u32,
        }
    }
    fn date(&mut self) -> onshi_date {
        onshi_date {
            year: 1990i32.wrapping_add(self.small(60) as i32),
            month: self.small(14),
            day: self.small(33),
        }
    }
    fn datetime(&mut self) -> onshi_datetime {
        onshi_datetime {
            year: 2025,
            month: self.small(14),
            day: self.small(32),
            hour: self.small(25),
            minute: 0,
            second: 0,
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

/// A text-out buffer: NULL (with no or some capacity), tiny, or roomy, pre-filled with a
/// sentinel.
struct Buf {
    data: Vec<u8>,
    null: bool,
    null_cap: usize,
}

impl Buf {
    fn new(inp: &mut Input) -> Buf {
        match inp.byte() % 5 {
            0 => Buf {
                data: Vec::new(),
                null: true,
                null_cap: 0,
            },
            4 => Buf {
                data: Vec::new(),
                null: true,
                null_cap: 1 + inp.byte() as usize % 64,
            },
            1 => Buf {
                data: vec![0xAA; inp.byte() as usize % 8],
                null: false,
                null_cap: 0,
            },
            _ => Buf {
                data: vec![0xAA; 4096],
                null: false,
                null_cap: 0,
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
        if self.null {
            self.null_cap
        } else {
            self.data.len()
        }
    }
    /// Checks the text-out contract after a call that returned `s` with `*out_len == n`.
    fn check(&self, s: onshi_status, n: usize) {
        match s {
            ONSHI_OK => {
                assert!(!self.null && n < self.cap(), "a NULL buffer is only ever a size query");
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
    let mut p2 = Phase2::new();
    // Records freed by op 17: every later call on them must be refused.
    let mut stale: Vec<*mut onshi_qualification> = Vec::new();
    for _ in 0..96 {
        if inp.done() {
            break;
        }
        let op = inp.byte() % 50;
        if op >= 28 {
            unsafe { p2.step(op, &mut inp, &qs, err) };
            continue;
        }
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
                        if !q.is_null() {
                            stale.push(q);
                        }
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
                    let table = inp.small(40);
                    let t = Text::new(&mut inp);
                    let day = inp.date();
                    let day = if inp.byte() % 2 == 0 {
                        std::ptr::null()
                    } else {
                        &day as *const onshi_date
                    };
                    let mut b = Buf::new(&mut inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_code_label(
                        table,
                        t.ptr(),
                        t.len(),
                        day,
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
                    // A freed record: refused without being read, and freed again harmlessly,
                    // even after its registry slot was reused by a new record.
                    if !stale.is_empty() {
                        let dead = stale[inp.byte() as usize % stale.len()];
                        let mut n = 7usize;
                        let mut b = Buf::new(&mut inp);
                        let f = inp.field();
                        assert_eq!(
                            onshi_qualification_get_text(dead, f, b.ptr(), b.cap(), &mut n),
                            ONSHI_INVALID_HANDLE,
                            "a freed record was used"
                        );
                        assert_eq!(n, 7, "out-parameter written for a freed record");
                        assert_eq!(
                            onshi_qualification_set_text(dead, f, null(), 0),
                            ONSHI_INVALID_HANDLE
                        );
                        onshi_qualification_free(dead);
                    }
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
    unsafe { p2.free() };
    for q in &qs[..3] {
        unsafe { onshi_qualification_free(*q) };
    }
    unsafe { onshi_error_free(err) };
    let _ = onshi_version_number();
});

/// A valid 資格確認結果, for inputs that twist a real file.
const RES: &str = "<XmlMsg><MessageHeader><QualificationConfirmationDate>20250401</QualificationConfirmationDate><ReferenceClassification>1</ReferenceClassification></MessageHeader><MessageBody><ResultList><ResultOfQualificationConfirmation><Name>見本　花子</Name><InsurerNumber>  138057</InsurerNumber><InsuredIdentificationNumber>100</InsuredIdentificationNumber><Birthdate>19800101</Birthdate></ResultOfQualificationConfirmation></ResultList><ProcessingResultStatus>1</ProcessingResultStatus><QualificationValidity>1</QualificationValidity></MessageBody></XmlMsg>";

/// Handles of the phase-2 records; NULL until made.
struct Phase2 {
    diffs: [*mut onshi_diff; 2],
    hist: [*mut onshi_history; 2],
    doc: *mut onshi_document,
    choices: *mut onshi_choices,
    matching: *mut onshi_matching,
    cands: *mut onshi_candidates,
    card: *mut onshi_card,
    info: *mut onshi_basic_info,
}

/// Reads a JSON text through `to_json`, or `None`.
fn json_of(call: impl Fn(*mut c_char, usize, *mut usize) -> onshi_status) -> Option<String> {
    read_all(call)
}

impl Phase2 {
    fn new() -> Phase2 {
        Phase2 {
            diffs: [null_mut(); 2],
            hist: [null_mut(); 2],
            doc: null_mut(),
            choices: onshi_choices_new(),
            matching: onshi_matching_new(),
            cands: null_mut(),
            card: null_mut(),
            info: null_mut(),
        }
    }

    unsafe fn free(&mut self) {
        unsafe {
            for d in self.diffs {
                onshi_diff_free(d);
            }
            for h in self.hist {
                onshi_history_free(h);
            }
            onshi_choices_free(self.choices);
            onshi_matching_free(self.matching);
            onshi_candidates_free(self.cands);
            onshi_card_free(self.card);
            onshi_basic_info_free(self.info);
            onshi_document_free(self.doc);
        }
    }

    /// A diff handle, NULL, or a handle of another type.
    fn diff(&self, inp: &mut Input, qs: &[*mut onshi_qualification; 4]) -> (*mut onshi_diff, bool) {
        match inp.byte() % 6 {
            0 => (qs[0].cast(), false),
            1 => (null_mut(), false),
            k => {
                let d = self.diffs[k as usize % 2];
                (d, !d.is_null())
            }
        }
    }

    fn history(&self, inp: &mut Input) -> (*mut onshi_history, bool) {
        match inp.byte() % 6 {
            0 => (self.choices.cast(), false),
            1 => (null_mut(), false),
            k => {
                let h = self.hist[k as usize % 2];
                (h, !h.is_null())
            }
        }
    }

    unsafe fn step(
        &mut self,
        op: u8,
        inp: &mut Input,
        qs: &[*mut onshi_qualification; 4],
        err: *mut onshi_error,
    ) {
        let e = if inp.byte() % 3 == 0 { null_mut() } else { err };
        unsafe {
            match op {
                28 => {
                    let (a, b) = (qs[inp.byte() as usize % 4], qs[inp.byte() as usize % 4]);
                    let day = inp.date();
                    let kind = inp.small(7);
                    let mut out = std::ptr::dangling_mut::<onshi_diff>();
                    let day_ptr: *const onshi_date =
                        if inp.byte() % 9 == 0 { null() } else { &day };
                    let clinic = inp.small(6);
                    let s = no_panic(onshi_diff_compare(e, a, b, day_ptr, kind, clinic, &mut out));
                    if s == ONSHI_OK {
                        let k = inp.byte() as usize % 2;
                        onshi_diff_free(self.diffs[k]);
                        self.diffs[k] = out;
                    } else {
                        assert_eq!(out, std::ptr::dangling_mut(), "out written on failure");
                    }
                }
                29 => {
                    let (d, live) = self.diff(inp, qs);
                    let f = inp.field();
                    let mut b = Buf::new(inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_diff_get_text(d, f, b.ptr(), b.cap(), &mut n));
                    b.check(s, n);
                    if !live {
                        assert!(matches!(s, ONSHI_NULL_PARAMETER | ONSHI_INVALID_HANDLE));
                    }
                    let mut v = 0xFEED;
                    if no_panic(onshi_diff_get_u32(d, f, &mut v)) != ONSHI_OK {
                        assert_eq!(v, 0xFEED);
                    }
                    let mut day = onshi_date::default();
                    no_panic(onshi_diff_get_date(d, f, &mut day));
                    let (l, i, f) = (inp.list(), inp.index(), inp.field());
                    let mut c = 77usize;
                    if no_panic(onshi_diff_count(d, l, &mut c)) != ONSHI_OK {
                        assert_eq!(c, 77, "count written on failure");
                    }
                    let mut b = Buf::new(inp);
                    let s = no_panic(onshi_diff_item_get_text(
                        d,
                        l,
                        i,
                        f,
                        b.ptr(),
                        b.cap(),
                        &mut n,
                    ));
                    b.check(s, n);
                    let mut x = 0;
                    no_panic(onshi_diff_item_get_u32(d, l, i, f, &mut x));
                    let mut q = null_mut();
                    if no_panic(onshi_diff_returned(d, &mut q)) == ONSHI_OK {
                        onshi_qualification_free(q);
                    }
                    let mut q = null_mut();
                    if no_panic(onshi_diff_registered(d, &mut q)) == ONSHI_OK {
                        onshi_qualification_free(q);
                    }
                }
                30 => {
                    let (d, _) = self.diff(inp, qs);
                    if let Some(json) = json_of(|b, c, n| onshi_diff_to_json(d, b, c, n)) {
                        let mut back = null_mut();
                        let s = no_panic(onshi_diff_from_json(
                            e,
                            json.as_ptr(),
                            json.len(),
                            &mut back,
                        ));
                        assert_eq!(s, ONSHI_OK, "own diff JSON reads back: {json}");
                        let again = json_of(|b, c, n| onshi_diff_to_json(back, b, c, n));
                        assert_eq!(again.as_deref(), Some(json.as_str()));
                        onshi_diff_free(back);
                    }
                    let t = Text::new(inp);
                    let mut back = null_mut();
                    if no_panic(onshi_diff_from_json(e, t.ptr(), t.len(), &mut back)) == ONSHI_OK {
                        onshi_diff_free(back);
                    }
                    let mut c = null_mut();
                    if no_panic(onshi_diff_clone(d, &mut c)) == ONSHI_OK {
                        onshi_diff_free(c);
                    }
                }
                31 => {
                    let q = qs[inp.byte() as usize % 4];
                    let start = inp.date();
                    let at = inp.datetime();
                    let actor = Text::new(inp);
                    let mut out = std::ptr::dangling_mut::<onshi_history>();
                    let s = no_panic(onshi_history_new(
                        e,
                        q,
                        &start,
                        actor.ptr(),
                        actor.len(),
                        &at,
                        &mut out,
                    ));
                    if s == ONSHI_OK {
                        let k = inp.byte() as usize % 2;
                        onshi_history_free(self.hist[k]);
                        self.hist[k] = out;
                    } else {
                        assert_eq!(out, std::ptr::dangling_mut());
                    }
                }
                32 => {
                    let (h, _) = self.history(inp);
                    if inp.byte() % 2 == 0 {
                        // Review a record against the history into a diff slot.
                        let q = qs[inp.byte() as usize % 4];
                        let rid = Text::new(inp);
                        let day = inp.date();
                        let mut out = std::ptr::dangling_mut();
                        let s = no_panic(onshi_history_review_record(
                            h,
                            q,
                            rid.ptr(),
                            rid.len(),
                            &day,
                            inp.small(6),
                            inp.small(6),
                            &mut out,
                        ));
                        if s == ONSHI_OK {
                            let k = inp.byte() as usize % 2;
                            onshi_diff_free(self.diffs[k]);
                            self.diffs[k] = out;
                        } else {
                            assert_eq!(out, std::ptr::dangling_mut());
                        }
                    }
                    let (d, _) = self.diff(inp, qs);
                    let c: *const onshi_choices = match inp.byte() % 3 {
                        0 => null(),
                        1 => self.choices,
                        _ => self.matching.cast(),
                    };
                    let actor = Text::new(inp);
                    let at = inp.datetime();
                    let mut events = 4242usize;
                    let s = no_panic(onshi_history_apply(
                        h,
                        d,
                        c,
                        inp.small(4),
                        actor.ptr(),
                        actor.len(),
                        &at,
                        &mut events,
                    ));
                    if s != ONSHI_OK {
                        assert_eq!(events, 4242);
                    }
                }
                33 => {
                    let (h, _) = self.history(inp);
                    let id = inp.small(4);
                    let at = inp.datetime();
                    if inp.byte() % 2 == 0 {
                        no_panic(onshi_history_unlink(h, id, null(), 0, &at));
                    } else {
                        let last = inp.date();
                        no_panic(onshi_history_expire(h, id, &last, null(), 0, &at));
                    }
                    let mut i = 99usize;
                    let day = inp.date();
                    if no_panic(onshi_history_at(h, &day, &mut i)) == ONSHI_OK {
                        let mut n = 0;
                        onshi_history_count(h, ONSHI_LIST_HISTORY_VERSIONS, &mut n);
                        assert!(i < n);
                    }
                }
                34 => {
                    let (h, live) = self.history(inp);
                    let (l, i, f) = (inp.list(), inp.index(), inp.field());
                    let mut b = Buf::new(inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_history_item_get_text(
                        h,
                        l,
                        i,
                        f,
                        b.ptr(),
                        b.cap(),
                        &mut n,
                    ));
                    b.check(s, n);
                    let mut x = 0;
                    no_panic(onshi_history_item_get_u32(h, l, i, f, &mut x));
                    let mut day = onshi_date::default();
                    no_panic(onshi_history_item_get_date(h, l, i, f, &mut day));
                    let mut t = onshi_datetime::default();
                    no_panic(onshi_history_item_get_datetime(h, l, i, f, &mut t));
                    no_panic(onshi_history_get_u32(h, f, &mut x));
                    let mut q = null_mut();
                    if no_panic(onshi_history_version_qualification(h, i, &mut q)) == ONSHI_OK {
                        onshi_qualification_free(q);
                    }
                    let mut q = null_mut();
                    if no_panic(onshi_history_current(h, &mut q)) == ONSHI_OK {
                        onshi_qualification_free(q);
                    }
                    if live {
                        let json = json_of(|b, c, n| onshi_history_to_json(h, b, c, n)).unwrap();
                        let mut back = null_mut();
                        let s = no_panic(onshi_history_from_json(
                            e,
                            json.as_ptr(),
                            json.len(),
                            &mut back,
                        ));
                        assert_eq!(s, ONSHI_OK, "own history JSON reads back: {json}");
                        let again = json_of(|b, c, n| onshi_history_to_json(back, b, c, n));
                        assert_eq!(again.as_deref(), Some(json.as_str()));
                        onshi_history_free(back);
                    }
                }
                35 => {
                    let c = if inp.byte() % 5 == 0 {
                        self.matching.cast()
                    } else {
                        self.choices
                    };
                    match inp.byte() % 5 {
                        0 => no_panic(onshi_choices_set(c, inp.small(40), inp.small(4))),
                        1 => no_panic(onshi_choices_clear(c, inp.small(40))),
                        2 => no_panic(onshi_choices_set_identity_verified(c, inp.byte() % 2 == 0)),
                        3 => {
                            let d = inp.date();
                            let p: *const onshi_date =
                                if inp.byte() % 2 == 0 { null() } else { &d };
                            no_panic(onshi_choices_set_start_date(c, p))
                        }
                        _ => {
                            let t = Text::new(inp);
                            let mut out = null_mut();
                            let s =
                                no_panic(onshi_choices_from_json(e, t.ptr(), t.len(), &mut out));
                            if s == ONSHI_OK {
                                onshi_choices_free(self.choices);
                                self.choices = out;
                            }
                            s
                        }
                    };
                    if let Some(json) =
                        json_of(|b, cap, n| onshi_choices_to_json(self.choices, b, cap, n))
                    {
                        let mut back = null_mut();
                        assert_eq!(
                            no_panic(onshi_choices_from_json(
                                e,
                                json.as_ptr(),
                                json.len(),
                                &mut back
                            )),
                            ONSHI_OK,
                            "own choices JSON reads back: {json}"
                        );
                        onshi_choices_free(back);
                    }
                }
                36 => {
                    let m = if inp.byte() % 6 == 0 {
                        self.choices.cast()
                    } else {
                        self.matching
                    };
                    let (l, i, f) = (inp.list(), inp.index(), inp.field());
                    match inp.byte() % 6 {
                        0 => {
                            let mut out = 4242usize;
                            no_panic(onshi_matching_item_add(m, l, &mut out));
                        }
                        1 => {
                            no_panic(onshi_matching_item_remove(m, l, i));
                        }
                        2 => {
                            let t = Text::new(inp);
                            no_panic(onshi_matching_item_set_text(m, l, i, f, t.ptr(), t.len()));
                        }
                        3 => {
                            let d = inp.date();
                            no_panic(onshi_matching_item_set_date(m, l, i, f, &d));
                        }
                        4 => {
                            no_panic(onshi_matching_add_qualification(
                                m,
                                i,
                                qs[inp.byte() as usize % 4],
                            ));
                        }
                        _ => {
                            no_panic(onshi_matching_item_clear(m, l, i, f));
                        }
                    }
                    let mut b = Buf::new(inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_matching_item_get_text(
                        m,
                        l,
                        i,
                        f,
                        b.ptr(),
                        b.cap(),
                        &mut n,
                    ));
                    b.check(s, n);
                    let mut x = 0;
                    no_panic(onshi_matching_item_get_u32(m, l, i, f, &mut x));
                    let mut d = onshi_date::default();
                    no_panic(onshi_matching_item_get_date(m, l, i, f, &mut d));
                }
                37 => {
                    let q = qs[inp.byte() as usize % 4];
                    let mut out = std::ptr::dangling_mut::<onshi_candidates>();
                    let s = no_panic(onshi_matching_find(self.matching, q, &mut out));
                    if s == ONSHI_OK {
                        onshi_candidates_free(self.cands);
                        self.cands = out;
                    } else {
                        assert_eq!(out, std::ptr::dangling_mut());
                    }
                    let (l, i, f) = (inp.list(), inp.index(), inp.field());
                    let mut b = Buf::new(inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_candidates_item_get_text(
                        self.cands,
                        l,
                        i,
                        f,
                        b.ptr(),
                        b.cap(),
                        &mut n,
                    ));
                    b.check(s, n);
                    let mut x = 0;
                    no_panic(onshi_candidates_item_get_u32(self.cands, l, i, f, &mut x));
                    let json =
                        json_of(|b, c, n| onshi_matching_to_json(self.matching, b, c, n)).unwrap();
                    let mut back = null_mut();
                    assert_eq!(
                        no_panic(onshi_matching_from_json(
                            e,
                            json.as_ptr(),
                            json.len(),
                            &mut back
                        )),
                        ONSHI_OK,
                        "own patients JSON reads back: {json}"
                    );
                    onshi_matching_free(back);
                    let mut b = Buf::new(inp);
                    let s = no_panic(onshi_new_patient_draft_to_json(
                        e,
                        q,
                        b.ptr(),
                        b.cap(),
                        &mut n,
                    ));
                    b.check(s, n);
                }
                38 => {
                    let t = Text::new(inp);
                    let mut out = std::ptr::dangling_mut::<onshi_card>();
                    let s = no_panic(onshi_card_open_virtual(e, t.ptr(), t.len(), &mut out));
                    if s == ONSHI_OK {
                        onshi_card_free(self.card);
                        self.card = out;
                    } else {
                        assert_eq!(out, std::ptr::dangling_mut());
                    }
                }
                39 => {
                    let c = if inp.byte() % 5 == 0 {
                        self.info.cast()
                    } else {
                        self.card
                    };
                    let mut tries = 99;
                    if no_panic(onshi_card_tries_left(c, &mut tries)) == ONSHI_OK {
                        assert!(tries <= 3);
                    }
                    no_panic(onshi_card_recognise(c));
                    let pin = Text::new(inp);
                    let mut out = std::ptr::dangling_mut::<onshi_basic_info>();
                    let s = no_panic(onshi_card_read_basic_info(
                        c,
                        pin.ptr(),
                        pin.len(),
                        inp.byte() % 2 == 0,
                        &mut out,
                    ));
                    if s == ONSHI_OK {
                        onshi_basic_info_free(self.info);
                        self.info = out;
                    } else {
                        assert_eq!(out, std::ptr::dangling_mut());
                    }
                }
                40 => {
                    let f = inp.field();
                    let mut b = Buf::new(inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_basic_info_get_text(
                        self.info,
                        f,
                        b.ptr(),
                        b.cap(),
                        &mut n,
                    ));
                    b.check(s, n);
                    let mut d = onshi_date::default();
                    no_panic(onshi_basic_info_get_date(self.info, f, &mut d));
                    let mut x = 0;
                    no_panic(onshi_basic_info_get_u32(self.info, f, &mut x));
                    let mut b = Buf::new(inp);
                    let s = no_panic(onshi_basic_info_to_json(
                        self.info,
                        b.ptr(),
                        b.cap(),
                        &mut n,
                    ));
                    b.check(s, n);
                    let mut out = null_mut();
                    if no_panic(onshi_matching_find_card(self.matching, self.info, &mut out))
                        == ONSHI_OK
                    {
                        onshi_candidates_free(out);
                    }
                }
                41 => {
                    // Frees through the wrong type are ignored; through the right one, reset.
                    match inp.byte() % 4 {
                        0 => onshi_diff_free(self.hist[0].cast()),
                        1 => onshi_history_free(self.diffs[0].cast()),
                        2 => {
                            let k = inp.byte() as usize % 2;
                            onshi_diff_free(self.diffs[k]);
                            self.diffs[k] = null_mut();
                        }
                        _ => {
                            let k = inp.byte() as usize % 2;
                            onshi_history_free(self.hist[k]);
                            self.hist[k] = null_mut();
                        }
                    }
                }
                42 => {
                    let mut b = Buf::new(inp);
                    let mut n = 0usize;
                    let (h, _) = self.history(inp);
                    let s = no_panic(onshi_history_last_error(h, b.ptr(), b.cap(), &mut n));
                    b.check(s, n);
                    let mut b = Buf::new(inp);
                    let s = no_panic(onshi_card_last_error(self.card, b.ptr(), b.cap(), &mut n));
                    b.check(s, n);
                }
                44 => {
                    // Arbitrary bytes (or a valid answer with a twist) as a file.
                    let mut bytes = inp.bytes();
                    if inp.byte() % 3 == 0 {
                        let mut base = RES.as_bytes().to_vec();
                        let at = inp.byte() as usize % base.len();
                        base.splice(at..at, bytes.drain(..));
                        bytes = base;
                    }
                    let limits = onshi_limits {
                        max_bytes: if inp.byte() % 5 == 0 { 16 } else { 0 },
                        max_depth: inp.small(40) as usize,
                    };
                    let mut out = std::ptr::dangling_mut::<onshi_document>();
                    let s = no_panic(onshi_document_parse(
                        e,
                        bytes.as_ptr(),
                        bytes.len(),
                        &limits,
                        &mut out,
                    ));
                    if s == ONSHI_OK {
                        onshi_document_free(self.doc);
                        self.doc = out;
                    } else {
                        assert_eq!(out, std::ptr::dangling_mut());
                    }
                }
                45 => {
                    let d = if inp.byte() % 6 == 0 {
                        self.choices.cast()
                    } else {
                        self.doc
                    };
                    let f = inp.field();
                    let mut b = Buf::new(inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_document_get_text(d, f, b.ptr(), b.cap(), &mut n));
                    b.check(s, n);
                    let mut x = 0;
                    no_panic(onshi_document_get_u32(d, f, &mut x));
                    let mut day = onshi_date::default();
                    no_panic(onshi_document_get_date(d, f, &mut day));
                    let mut t = onshi_datetime::default();
                    no_panic(onshi_document_get_datetime(d, f, &mut t));
                    let (l, i, f) = (inp.list(), inp.index(), inp.field());
                    let mut b = Buf::new(inp);
                    let s = no_panic(onshi_document_item_get_text(
                        d,
                        l,
                        i,
                        f,
                        b.ptr(),
                        b.cap(),
                        &mut n,
                    ));
                    b.check(s, n);
                    let mut q = null_mut();
                    if no_panic(onshi_document_result_at(d, i, &mut q)) == ONSHI_OK {
                        onshi_qualification_free(q);
                    }
                    let mut q = null_mut();
                    if no_panic(onshi_document_unit_result_at(d, inp.index(), i, &mut q))
                        == ONSHI_OK
                    {
                        onshi_qualification_free(q);
                    }
                }
                46 => {
                    // Bytes out: the size query, then a fill of exactly that size.
                    let enc = inp.small(3);
                    let mut n = 0usize;
                    let s = no_panic(onshi_document_write(self.doc, enc, null_mut(), 0, &mut n));
                    if s == ONSHI_BUFFER_TOO_SMALL {
                        let mut buf = vec![0u8; n];
                        let want = n;
                        let s = no_panic(onshi_document_write(
                            self.doc,
                            enc,
                            buf.as_mut_ptr(),
                            n,
                            &mut n,
                        ));
                        assert_eq!((s, n), (ONSHI_OK, want));
                        let mut back = null_mut();
                        if no_panic(onshi_document_parse(e, buf.as_ptr(), n, null(), &mut back))
                            == ONSHI_OK
                        {
                            onshi_document_free(back);
                        }
                    }
                    if let Some(json) = json_of(|b, c, n| onshi_document_to_json(self.doc, b, c, n))
                    {
                        let mut back = null_mut();
                        assert_eq!(
                            no_panic(onshi_document_from_json(
                                e,
                                json.as_ptr(),
                                json.len(),
                                &mut back
                            )),
                            ONSHI_OK,
                            "own document JSON reads back: {json}"
                        );
                        onshi_document_free(back);
                    }
                }
                47 => {
                    let mut out = null_mut();
                    if no_panic(onshi_document_new(inp.small(11), &mut out)) == ONSHI_OK {
                        onshi_document_free(self.doc);
                        self.doc = out;
                    }
                    let (l, i, f) = (inp.list(), inp.index(), inp.field());
                    let t = Text::new(inp);
                    match inp.byte() % 5 {
                        0 => no_panic(onshi_document_set_text(self.doc, f, t.ptr(), t.len())),
                        1 => {
                            let mut k = 0;
                            no_panic(onshi_document_item_add(self.doc, l, &mut k))
                        }
                        2 => no_panic(onshi_document_item_set_text(
                            self.doc,
                            l,
                            i,
                            f,
                            t.ptr(),
                            t.len(),
                        )),
                        3 => no_panic(onshi_document_item_remove(self.doc, l, i)),
                        _ => {
                            let d = inp.date();
                            no_panic(onshi_document_set_date(self.doc, f, &d))
                        }
                    };
                }
                48 => {
                    let q = qs[inp.byte() as usize % 4];
                    let day = inp.date();
                    let p: *const onshi_date = if inp.byte() % 2 == 0 { null() } else { &day };
                    let mut out = std::ptr::dangling_mut::<onshi_diff>();
                    let s = no_panic(onshi_diff_compare_document(
                        e,
                        q,
                        self.doc,
                        p,
                        inp.small(7),
                        &mut out,
                    ));
                    if s == ONSHI_OK {
                        let k = inp.byte() as usize % 2;
                        onshi_diff_free(self.diffs[k]);
                        self.diffs[k] = out;
                    } else {
                        assert_eq!(out, std::ptr::dangling_mut());
                    }
                    let mut out = null_mut();
                    if no_panic(onshi_diff_compare_unit(
                        e,
                        q,
                        self.doc,
                        inp.index(),
                        p,
                        0,
                        &mut out,
                    )) == ONSHI_OK
                    {
                        onshi_diff_free(out);
                    }
                    let mut out = null_mut();
                    let code = Text::new(inp);
                    if no_panic(onshi_document_new_individual_request(
                        e,
                        code.ptr(),
                        code.len(),
                        q,
                        &day,
                        null(),
                        0,
                        true,
                        &mut out,
                    )) == ONSHI_OK
                    {
                        onshi_document_free(out);
                    }
                }
                49 => {
                    let t = Text::new(inp);
                    let mut info = onshi_file_name_info::default();
                    no_panic(onshi_file_name_parse(e, t.ptr(), t.len(), &mut info));
                    let mut b = Buf::new(inp);
                    let mut n = 0usize;
                    let s = no_panic(onshi_file_name_response_name(
                        e,
                        t.ptr(),
                        t.len(),
                        b.ptr(),
                        b.cap(),
                        &mut n,
                    ));
                    b.check(s, n);
                }
                _ => {
                    let mut c = 0usize;
                    let l = inp.list();
                    no_panic(onshi_matching_count(self.matching, l, &mut c));
                    no_panic(onshi_candidates_count(self.cands, l, &mut c));
                    let (h, _) = self.history(inp);
                    no_panic(onshi_history_count(h, l, &mut c));
                    let mut hc = null_mut();
                    if no_panic(onshi_history_clone(h, &mut hc)) == ONSHI_OK {
                        onshi_history_free(hc);
                    }
                }
            }
        }
    }
}
