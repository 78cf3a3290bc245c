//! [`locate`]: where an element path is in a file (for reporting [`validate`](super::validate)
//! findings as `FILE:LINE:COL`).

use super::encoding::decode_xml;
use super::error::Location;
use quick_xml::Reader;
use quick_xml::events::Event;

fn segments(path: &str) -> Vec<(&str, usize)> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| match s.split_once('[') {
            Some((name, rest)) => (
                name,
                rest.trim_end_matches(']').parse::<usize>().unwrap_or(1),
            ),
            None => (s, 1),
        })
        .collect()
}

/// Finds the element at `path` (`/XmlMsg/MessageBody/QualificationConfirmSearchInfo[1]/
/// InsurerNumber`; a segment without `[n]` means the first) in a file. When the element is
/// absent (a finding about a missing field), the location of its deepest existing ancestor
/// is returned. `None` when not even the root matches or the file cannot be read.
///
/// ```
/// let xml = b"<XmlMsg>\n <MessageHeader/>\n <MessageBody>\n  <A/>\n  <A><B/></A>\n </MessageBody>\n</XmlMsg>";
/// let l = onshi::xml::locate(xml, "/XmlMsg/MessageBody/A[2]/B").unwrap();
/// assert_eq!((l.line, l.column), (5, 6));
/// let l = onshi::xml::locate(xml, "/XmlMsg/MessageBody/Missing").unwrap();
/// assert_eq!(l.line, 3);
/// ```
pub fn locate(bytes: &[u8], path: &str) -> Option<Location> {
    let (text, _) = decode_xml(bytes).ok()?;
    let target = segments(path);
    let mut r = Reader::from_str(&text);
    r.config_mut().check_end_names = false;
    let mut counts: Vec<Vec<(String, usize)>> = vec![Vec::new()];
    let mut depth = 0usize;
    let mut matched = 0usize;
    let mut best: Option<(usize, usize)> = None; // (matched segments, offset)
    loop {
        let at = r.buffer_position() as usize;
        let ev = r.read_event().ok()?;
        let (name, open) = match &ev {
            Event::Start(e) => (
                String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                true,
            ),
            Event::Empty(e) => (
                String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                false,
            ),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                counts.truncate(depth + 1);
                matched = matched.min(depth);
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let level = counts.get_mut(depth)?;
        let n = match level.iter_mut().find(|(m, _)| *m == name) {
            Some((_, c)) => {
                *c += 1;
                *c
            }
            None => {
                level.push((name.clone(), 1));
                1
            }
        };
        if matched == depth && target.get(depth) == Some(&(name.as_str(), n)) {
            matched += 1;
            if best.is_none_or(|(m, _)| matched > m) {
                best = Some((matched, at));
            }
            if matched == target.len() {
                break;
            }
        }
        if open {
            depth += 1;
            counts.push(Vec::new());
        }
    }
    let (m, offset) = best?;
    let path: String = target[..m]
        .iter()
        .map(|(n, i)| {
            if *i > 1 {
                format!("/{n}[{i}]")
            } else {
                format!("/{n}")
            }
        })
        .collect();
    Some(Location::at(&text, offset, path))
}
