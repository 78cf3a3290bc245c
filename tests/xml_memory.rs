//! Peak heap of parsing a large bulk answer, counted by a global allocator: a whole parse
//! holds the typed result and nothing of the size of the file besides (no decoded copy of a
//! Shift_JIS file, no growing buffer inside the XML reader), and `bulk_units` holds one unit.
//!
//! One test in this binary, so no other thread allocates while it counts.

use onshi::xml::{self, Encoding, Limits};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

struct Counting;

static ON: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn grew(by: usize) {
    let by = by as isize;
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(by: usize) {
    LIVE.fetch_sub(by as isize, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.alloc(layout) };
        if ON.load(Ordering::Relaxed) && !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ON.load(Ordering::Relaxed) {
            shrank(layout.size());
        }
        // SAFETY: `ptr` came from this allocator with the same layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if ON.load(Ordering::Relaxed) && !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Heap allocated while `f` runs, above what was live when it started: the peak, and what
/// is still held when it returns (its result).
fn peak_of<T>(f: impl FnOnce() -> T) -> (usize, usize, T) {
    LIVE.store(0, Ordering::SeqCst);
    PEAK.store(0, Ordering::SeqCst);
    ON.store(true, Ordering::SeqCst);
    let r = f();
    ON.store(false, Ordering::SeqCst);
    let held = LIVE.load(Ordering::SeqCst).max(0) as usize;
    (PEAK.load(Ordering::SeqCst).max(0) as usize, held, r)
}

/// A bulk answer of `n` units with the usual Japanese text (names, kana, address, insurer).
fn bulk(n: usize) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<XmlMsg>\n  <MessageHeader>\n    \
         <ReceptionNumber>Q1</ReceptionNumber>\n    <SegmentOfResult>1</SegmentOfResult>\n    \
         <NumberOfProcessingResult>",
    );
    x.push_str(&format!(
        "{n}</NumberOfProcessingResult>\n  </MessageHeader>\n  <MessageBody>\n"
    ));
    for i in 0..n {
        x.push_str(&format!(
            "    <BulkConfirmUnit>\n      <QualificationConfirmSearchInfo>\n        \
             <InsurerNumber>  138057</InsurerNumber>\n        <InsuredCardSymbol>見本12</InsuredCardSymbol>\n        \
             <InsuredIdentificationNumber>{}</InsuredIdentificationNumber>\n        \
             <Birthdate>19800101</Birthdate>\n        <ArbitraryIdentifier>PT-{i:06}</ArbitraryIdentifier>\n      \
             </QualificationConfirmSearchInfo>\n      <ProcessingResultStatus>1</ProcessingResultStatus>\n      \
             <QualificationValidity>1</QualificationValidity>\n      <ResultOfQualificationConfirmation>\n        \
             <InsurerNumber>  138057</InsurerNumber>\n        <InsuredCardSymbol>見本12</InsuredCardSymbol>\n        \
             <InsuredIdentificationNumber>{}</InsuredIdentificationNumber>\n        \
             <InsuredName>見本　太郎</InsuredName>\n        <Name>見本　花子{}</Name>\n        \
             <NameKana>ﾐﾎﾝ ﾊﾅｺ</NameKana>\n        <Sex1>2</Sex1>\n        <Birthdate>19800101</Birthdate>\n        \
             <Address>東京都千代田区見本町１－２－３</Address>\n        <PostNumber>100-0001</PostNumber>\n        \
             <QualificationDate>20200401</QualificationDate>\n        <InsurerName>見本健康保険組合</InsurerName>\n        \
             <PharmacistsInfoConsFlg>1</PharmacistsInfoConsFlg>\n        \
             <PharmacistsInfoConsTime>20250401093000</PharmacistsInfoConsTime>\n      \
             </ResultOfQualificationConfirmation>\n    </BulkConfirmUnit>\n",
            100000 + i,
            100000 + i,
            i % 10
        ));
    }
    x.push_str("  </MessageBody>\n</XmlMsg>\n");
    x
}

#[test]
fn parsing_holds_the_result_and_no_copy_of_the_file() {
    let utf8 = bulk(3_000).into_bytes();
    let message = xml::parse(&utf8).unwrap().message;
    let sjis = xml::write(&message, Encoding::ShiftJis).unwrap();
    assert!(
        utf8.len() > 3_000_000 && sjis.len() > 3_000_000,
        "{} {}",
        utf8.len(),
        sjis.len()
    );
    for (bytes, enc) in [(&utf8, Encoding::Utf8), (&sjis, Encoding::ShiftJis)] {
        let (peak, result, doc) = peak_of(|| xml::parse(bytes).unwrap());
        assert_eq!(doc.encoding, enc);
        assert_eq!(doc.message, message);
        drop(doc);
        // Beyond the typed result, a parse holds little (here 5%, mostly its list of body
        // items): a decoded copy of a Shift_JIS file alone would be 1.2× the file, the XML
        // reader's old buffer of names 0.5×.
        assert!(
            peak - result <= bytes.len() / 10,
            "{enc:?}: peak heap {peak} bytes, result {result} bytes, file {} bytes",
            bytes.len()
        );
        let (peak, _, n) = peak_of(|| {
            let units = xml::bulk_units(bytes, &Limits::default()).unwrap();
            let mut n = 0;
            for u in units {
                u.unwrap();
                n += 1;
            }
            n
        });
        assert_eq!(n, 3_000);
        assert!(
            peak < 64 * 1024,
            "{enc:?}: bulk_units peaked at {peak} bytes (one unit is a few kB)"
        );
    }
}
