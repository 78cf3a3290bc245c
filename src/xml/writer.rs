//! Output sinks: the same writing code produces an XML file ([`XmlSink`]) or an
//! [`UnknownElement`] tree ([`TreeSink`], used to keep a typed block that a message kind
//! cannot hold as an unmodelled element, so nothing read is ever dropped).
//!
//! The XML output is deterministic: a fixed declaration, two-space indentation, `\n` line
//! ends, `&amp; &lt; &gt;` escaped in text (`&#13;` for a carriage return, so it survives),
//! attribute values escaped including white space. Characters XML cannot carry and, for
//! Shift_JIS, characters CP932 cannot carry are errors naming the element path and the
//! character — never `?` and never `&#NNNN;`.

use super::encoding::{Encoding, sjis_representable};
use super::error::XmlError;
use super::reader::{HARD_MAX_DEPTH, REPEATABLE, is_xml_char, is_xml_name};
use crate::model::UnknownElement;

/// Where writing goes.
pub(crate) trait Sink<'m> {
    /// Starts an element of the interface (`name` is one of its literal names).
    fn open(&mut self, name: &'m str) -> Result<(), XmlError>;
    /// Ends the element last started.
    fn close(&mut self) -> Result<(), XmlError>;
    /// An element of the interface holding only text.
    fn leaf(&mut self, name: &'m str, text: &str) -> Result<(), XmlError>;
    /// An unmodelled element, whole.
    fn unknown(&mut self, el: &'m UnknownElement) -> Result<(), XmlError>;
}

/// Writes every element of `extra`.
pub(crate) fn extras<'m, S: Sink<'m>>(
    s: &mut S,
    extra: &'m [UnknownElement],
) -> Result<(), XmlError> {
    for e in extra {
        s.unknown(e)?;
    }
    Ok(())
}

struct OpenFrame<'m> {
    name: &'m str,
    index: u32,
    counts: Vec<(&'m str, u32)>,
}

/// Writes XML text.
pub(crate) struct XmlSink<'m> {
    out: String,
    stack: Vec<OpenFrame<'m>>,
    /// The last start tag is not yet closed with `>`.
    pending: bool,
    encoding: Encoding,
}

impl<'m> XmlSink<'m> {
    /// A sink that starts with the XML declaration for `encoding`.
    pub(crate) fn new(encoding: Encoding, capacity: usize) -> XmlSink<'m> {
        let mut out = String::with_capacity(capacity);
        out.push_str("<?xml version=\"1.0\" encoding=\"");
        out.push_str(encoding.xml_name());
        out.push_str("\" standalone=\"no\"?>\n");
        XmlSink {
            out,
            stack: Vec::new(),
            pending: false,
            encoding,
        }
    }

    /// The finished text.
    pub(crate) fn finish(mut self) -> String {
        self.out.push('\n');
        self.out
    }

    fn path(&self, child: Option<&str>) -> String {
        let mut p = String::new();
        for f in &self.stack {
            p.push('/');
            p.push_str(f.name);
            if f.index > 0 {
                p.push_str(&format!("[{}]", f.index));
            }
        }
        if let Some(c) = child {
            p.push('/');
            p.push_str(c);
        }
        p
    }

    fn check_char(&self, c: char, child: Option<&str>) -> Result<(), XmlError> {
        if !is_xml_char(c) {
            return Err(XmlError::Unwritable {
                path: self.path(child),
                reason: format!("character U+{:04X} is not allowed in XML", u32::from(c)),
            });
        }
        if self.encoding == Encoding::ShiftJis && !sjis_representable(c) {
            return Err(XmlError::Unrepresentable {
                path: self.path(child),
                character: c,
            });
        }
        Ok(())
    }

    fn check_name(&self, name: &str, child: Option<&str>) -> Result<(), XmlError> {
        if !is_xml_name(name) {
            return Err(XmlError::Unwritable {
                path: self.path(child),
                reason: format!(
                    "{:?} is not a valid XML name",
                    name.chars().take(40).collect::<String>()
                ),
            });
        }
        if self.encoding == Encoding::ShiftJis {
            for c in name.chars() {
                self.check_char(c, child)?;
            }
        }
        Ok(())
    }

    fn text(&mut self, text: &str, child: Option<&str>) -> Result<(), XmlError> {
        let plain = |c: char| c.is_ascii() && c >= ' ' && !matches!(c, '&' | '<' | '>');
        if text.chars().all(plain) {
            self.out.push_str(text);
            return Ok(());
        }
        for c in text.chars() {
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                '\r' => self.out.push_str("&#13;"),
                c => {
                    self.check_char(c, child)?;
                    self.out.push(c);
                }
            }
        }
        Ok(())
    }

    fn attr_value(&mut self, text: &str, child: Option<&str>) -> Result<(), XmlError> {
        for c in text.chars() {
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                '"' => self.out.push_str("&quot;"),
                '\t' => self.out.push_str("&#9;"),
                '\n' => self.out.push_str("&#10;"),
                '\r' => self.out.push_str("&#13;"),
                c => {
                    self.check_char(c, child)?;
                    self.out.push(c);
                }
            }
        }
        Ok(())
    }

    fn indent(&mut self) {
        self.out.push('\n');
        for _ in 0..self.stack.len() {
            self.out.push_str("  ");
        }
    }

    fn close_pending(&mut self) {
        if self.pending {
            self.out.push('>');
            self.pending = false;
        }
    }

    /// Starts an element; `checked`: the name is one of the interface's (a literal), so it
    /// needs no check.
    fn start(&mut self, name: &'m str, inline: bool, checked: bool) -> Result<(), XmlError> {
        if self.stack.len() >= HARD_MAX_DEPTH {
            return Err(XmlError::Unwritable {
                path: self.path(None),
                reason: format!("elements nest deeper than {HARD_MAX_DEPTH} levels"),
            });
        }
        if !checked {
            self.check_name(name, Some(name))?;
        }
        self.close_pending();
        if !inline && !self.stack.is_empty() {
            self.indent();
        }
        let mut index = 0;
        if REPEATABLE.contains(&name)
            && let Some(parent) = self.stack.last_mut()
        {
            match parent.counts.iter_mut().find(|(n, _)| *n == name) {
                Some((_, c)) => {
                    *c += 1;
                    index = *c;
                }
                None => {
                    parent.counts.push((name, 1));
                    index = 1;
                }
            }
        }
        self.out.push('<');
        self.out.push_str(name);
        self.stack.push(OpenFrame {
            name,
            index,
            counts: Vec::new(),
        });
        self.pending = true;
        Ok(())
    }

    fn end(&mut self, inline: bool) {
        if self.pending {
            self.out.push_str("/>");
            self.pending = false;
            self.stack.pop();
            return;
        }
        let Some(f) = self.stack.pop() else {
            return;
        };
        if !inline {
            self.indent();
        }
        self.out.push_str("</");
        self.out.push_str(f.name);
        self.out.push('>');
    }

    fn write_unknown(&mut self, el: &'m UnknownElement, inline: bool) -> Result<(), XmlError> {
        self.start(&el.name, inline, false)?;
        for (k, v) in &el.attributes {
            self.check_name(k, None)?;
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            self.attr_value(v, None)?;
            self.out.push('"');
        }
        let text = el.text.as_deref().filter(|t| !t.is_empty());
        match (text, el.children.is_empty()) {
            (None, true) => self.end(true),
            (Some(t), true) => {
                self.close_pending();
                self.text(t, None)?;
                self.end(true);
            }
            (None, false) => {
                for c in &el.children {
                    self.write_unknown(c, false)?;
                }
                self.end(false);
            }
            (Some(t), false) => {
                // Mixed content: no white space added, so the text reads back the same.
                self.close_pending();
                self.text(t, None)?;
                for c in &el.children {
                    self.write_unknown(c, true)?;
                }
                self.end(true);
            }
        }
        Ok(())
    }
}

impl<'m> Sink<'m> for XmlSink<'m> {
    fn open(&mut self, name: &'m str) -> Result<(), XmlError> {
        self.start(name, false, true)
    }

    fn close(&mut self) -> Result<(), XmlError> {
        self.end(false);
        Ok(())
    }

    fn leaf(&mut self, name: &'m str, text: &str) -> Result<(), XmlError> {
        self.start(name, false, true)?;
        if text.is_empty() {
            // Present but empty: `<Name></Name>`, as requests may send.
            self.close_pending();
        } else {
            self.close_pending();
            self.text(text, None)?;
        }
        self.end(true);
        Ok(())
    }

    fn unknown(&mut self, el: &'m UnknownElement) -> Result<(), XmlError> {
        self.write_unknown(el, false)
    }
}

/// Builds [`UnknownElement`]s.
#[derive(Default)]
pub(crate) struct TreeSink {
    stack: Vec<UnknownElement>,
    done: Vec<UnknownElement>,
}

impl TreeSink {
    /// The finished top-level elements.
    pub(crate) fn finish(mut self) -> Vec<UnknownElement> {
        while !self.stack.is_empty() {
            self.pop();
        }
        self.done
    }

    fn push_child(&mut self, el: UnknownElement) {
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(el),
            None => self.done.push(el),
        }
    }

    fn pop(&mut self) {
        if let Some(el) = self.stack.pop() {
            self.push_child(el);
        }
    }
}

impl<'m> Sink<'m> for TreeSink {
    fn open(&mut self, name: &'m str) -> Result<(), XmlError> {
        self.stack.push(UnknownElement {
            name: name.to_string(),
            attributes: Vec::new(),
            text: None,
            children: Vec::new(),
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), XmlError> {
        self.pop();
        Ok(())
    }

    fn leaf(&mut self, name: &'m str, text: &str) -> Result<(), XmlError> {
        self.push_child(UnknownElement {
            name: name.to_string(),
            attributes: Vec::new(),
            text: (!text.is_empty()).then(|| text.to_string()),
            children: Vec::new(),
        });
        Ok(())
    }

    fn unknown(&mut self, el: &'m UnknownElement) -> Result<(), XmlError> {
        self.push_child(el.clone());
        Ok(())
    }
}

/// Runs a writing function into a [`TreeSink`] and returns the elements it wrote.
pub(crate) fn to_elements(
    f: impl FnOnce(&mut TreeSink) -> Result<(), XmlError>,
) -> Vec<UnknownElement> {
    let mut t = TreeSink::default();
    // A TreeSink never fails.
    let _ = f(&mut t);
    t.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_empty_elements() {
        let mut s = XmlSink::new(Encoding::Utf8, 64);
        s.open("XmlMsg").unwrap();
        s.leaf("A", "x<&>\r\ny").unwrap();
        s.open("B").unwrap();
        s.close().unwrap();
        s.close().unwrap();
        assert_eq!(
            s.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<XmlMsg>\n  <A>x&lt;&amp;&gt;&#13;\ny</A>\n  <B/>\n</XmlMsg>\n"
        );
    }

    #[test]
    fn sjis_refuses_with_path() {
        let mut s = XmlSink::new(Encoding::ShiftJis, 64);
        s.open("XmlMsg").unwrap();
        s.open("ResultOfQualificationConfirmation").unwrap();
        s.close().unwrap();
        s.open("ResultOfQualificationConfirmation").unwrap();
        let e = s.leaf("Name", "𠮷野").unwrap_err();
        assert_eq!(
            e,
            XmlError::Unrepresentable {
                path: "/XmlMsg/ResultOfQualificationConfirmation[2]/Name".into(),
                character: '𠮷'
            }
        );
    }

    #[test]
    fn control_characters_are_refused() {
        let mut s = XmlSink::new(Encoding::Utf8, 64);
        s.open("X").unwrap();
        assert!(matches!(
            s.leaf("A", "a\u{1}"),
            Err(XmlError::Unwritable { .. })
        ));
        let bad = UnknownElement {
            name: "1x".into(),
            attributes: vec![],
            text: None,
            children: vec![],
        };
        assert!(s.unknown(&bad).is_err());
    }
}
