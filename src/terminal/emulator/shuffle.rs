//! Makes a written XML file look like the real terminal's: element order scrambled
//! (deterministically, from a seed) and empty elements omitted.
//!
//! The real 連携アプリケーション emits children in a hash-like order, not the spec's, and
//! leaves out empty optional elements; a client that depends on element order or on empty
//! tags breaks against it. The emulator post-processes every answer with [`scramble`].

use quick_xml::Reader;
use quick_xml::Writer;
use quick_xml::events::Event;

enum Child {
    Elem(Elem),
    Content(Event<'static>),
}

struct Elem {
    start: quick_xml::events::BytesStart<'static>,
    children: Vec<Child>,
}

impl Elem {
    fn has_content(&self) -> bool {
        self.children.iter().any(|c| match c {
            Child::Elem(_) => true,
            Child::Content(Event::Text(t)) => !t.iter().all(|b| b.is_ascii_whitespace()),
            Child::Content(_) => true,
        })
    }
    fn element_only(&self) -> bool {
        self.children.iter().all(|c| match c {
            Child::Elem(_) => true,
            Child::Content(Event::Text(t)) => t.iter().all(|b| b.is_ascii_whitespace()),
            Child::Content(_) => false,
        })
    }
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Scrambles the order of the children of every element below the root's children that
/// holds only elements (repeated elements keep their relative order), and drops elements
/// without text or children. Text, attributes and the declaration are kept. The same `seed`
/// gives the same order. Input that is not well-formed is returned unchanged.
///
/// ```
/// use onshi::terminal::emulator::scramble;
/// let xml = "<?xml version=\"1.0\"?><R><H><A>1</A><B>2</B><C></C><D/><E>3</E></H></R>";
/// let out = scramble(xml, 7);
/// assert!(out.contains("<A>1</A>") && out.contains("<E>3</E>"));
/// assert!(!out.contains("<C>") && !out.contains("<D"));
/// assert_eq!(out, scramble(xml, 7));
/// ```
pub fn scramble(xml: &str, seed: u64) -> String {
    scramble_inner(xml, seed).unwrap_or_else(|| xml.to_string())
}

fn scramble_inner(xml: &str, seed: u64) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    let mut decl: Option<Event<'static>> = None;
    let mut stack: Vec<Elem> = Vec::new();
    let mut root: Option<Elem> = None;
    loop {
        match reader.read_event().ok()? {
            Event::Decl(d) => decl = Some(Event::Decl(d.into_owned())),
            Event::Start(s) => stack.push(Elem {
                start: s.into_owned(),
                children: Vec::new(),
            }),
            Event::End(_) => {
                let done = stack.pop()?;
                let keep = done.has_content();
                match stack.last_mut() {
                    Some(parent) => {
                        if keep {
                            parent.children.push(Child::Elem(done));
                        }
                    }
                    None => root = Some(done),
                }
            }
            // An empty element is an empty optional: omitted.
            Event::Empty(_) => {}
            Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
            other => {
                if let Some(top) = stack.last_mut() {
                    top.children.push(Child::Content(other.into_owned()));
                }
            }
        }
        if stack.len() > 256 {
            return None;
        }
    }
    if !stack.is_empty() {
        return None;
    }
    let mut root = root?;
    let mut rng = Rng(seed);
    let mut w = Writer::new(Vec::new());
    if let Some(d) = decl {
        w.write_event(d).ok()?;
        w.get_mut().push(b'\n');
    }
    // The root's own children (MessageHeader, MessageBody) keep their order, as in every
    // real file seen; everything below is scrambled.
    for c in &mut root.children {
        if let Child::Elem(x) = c {
            shuffle_tree(x, &mut rng);
        }
    }
    write_elem(&mut w, &root)?;
    w.get_mut().push(b'\n');
    String::from_utf8(w.into_inner()).ok()
}

fn shuffle_tree(e: &mut Elem, rng: &mut Rng) {
    if e.element_only() {
        // Shuffle the kinds of children, not the members of a list: repeated elements
        // (ResultOfQualificationConfirmation, BulkConfirmUnit …) keep their relative order.
        let mut groups: Vec<(Vec<u8>, Vec<Child>)> = Vec::new();
        for c in std::mem::take(&mut e.children) {
            if let Child::Elem(x) = c {
                let name = x.start.name().as_ref().to_vec();
                match groups.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, g)) => g.push(Child::Elem(x)),
                    None => groups.push((name, vec![Child::Elem(x)])),
                }
            }
        }
        rng.shuffle(&mut groups);
        e.children = groups.into_iter().flat_map(|(_, g)| g).collect();
    }
    for c in &mut e.children {
        if let Child::Elem(x) = c {
            shuffle_tree(x, rng);
        }
    }
}

fn write_elem(w: &mut Writer<Vec<u8>>, e: &Elem) -> Option<()> {
    w.write_event(Event::Start(e.start.borrow())).ok()?;
    for c in &e.children {
        match c {
            Child::Elem(x) => write_elem(w, x)?,
            Child::Content(ev) => w.write_event(ev.borrow()).ok()?,
        }
    }
    w.write_event(Event::End(e.start.to_end())).ok()?;
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_text_and_entities_and_changes_order() {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<XmlMsg><MessageHeader><A>1</A><B>2</B><C>3</C><D>4</D><E>5</E><F>6</F></MessageHeader><MessageBody><Name>見本 &amp; 花子</Name><Empty></Empty></MessageBody></XmlMsg>";
        let outs: Vec<String> = (0..8).map(|s| scramble(xml, s)).collect();
        for o in &outs {
            assert!(
                o.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>"),
                "{o}"
            );
            assert!(o.contains("<Name>見本 &amp; 花子</Name>"), "{o}");
            assert!(!o.contains("Empty"), "{o}");
            for t in ["<A>1</A>", "<F>6</F>"] {
                assert!(o.contains(t));
            }
        }
        assert!(outs.iter().any(|o| o != &outs[0]), "order never changes");
    }

    #[test]
    fn lists_keep_their_order() {
        let xml = "<R><B><U>1</U><X>x</X><U>2</U><Y>y</Y><U>3</U></B></R>";
        for seed in 0..8 {
            let o = scramble(xml, seed);
            let i1 = o.find("<U>1</U>").unwrap();
            let i2 = o.find("<U>2</U>").unwrap();
            let i3 = o.find("<U>3</U>").unwrap();
            assert!(i1 < i2 && i2 < i3, "{o}");
        }
    }

    #[test]
    fn bad_input_is_returned_unchanged() {
        for bad in ["<a><b></a>", "<a>", "", "text"] {
            assert_eq!(scramble(bad, 1), bad);
        }
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics(s in "(<[a-c]>|</[a-c]>|<[a-c]/>|[x ]|&amp;|<\\?xml version=\"1.0\"\\?>){0,40}", seed in any::<u64>()) {
            let _ = scramble(&s, seed);
        }
    }
}
