//! Finds the line and column of a field path in the TOML source, using the spans of the
//! `toml` crate's document parser.

use toml::de::{DeTable, DeValue};

use super::error::{FieldPath, Seg};

/// 1-based (line, column) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let upto = &src[..offset.min(src.len())];
    let line = upto.matches('\n').count() + 1;
    let col = upto.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Where `path` is written in `src`, as a byte range: the deepest part of the path that
/// exists (so a missing key points at its table), from the key to the end of its value on
/// the same line.
pub fn locate(src: &str, path: &FieldPath) -> Option<std::ops::Range<usize>> {
    let doc = DeTable::parse(src).ok()?;
    let mut span = doc.span();
    let mut table: Option<&DeTable> = Some(doc.get_ref());
    let mut value: Option<&DeValue> = None;
    for seg in &path.0 {
        match seg {
            Seg::Key(k) => {
                let t = match (table, value) {
                    (Some(t), _) => t,
                    (None, Some(DeValue::Table(t))) => t,
                    _ => break,
                };
                let Some((key, v)) = t
                    .iter()
                    .find(|(key, _)| key.get_ref().as_ref() == k.as_str())
                else {
                    break;
                };
                span = key.span().start..v.span().end.max(key.span().end);
                value = Some(v.get_ref());
                table = None;
            }
            Seg::Index(i) => {
                let Some(DeValue::Array(a)) = value else {
                    break;
                };
                let Some(item) = a.get(*i) else { break };
                span = item.span();
                value = Some(item.get_ref());
                table = None;
            }
        }
    }
    let line_end = src[span.start.min(src.len())..]
        .find('\n')
        .map_or(src.len(), |i| span.start + i);
    Some(span.start..span.end.min(line_end).max(span.start))
}
