//! Problems found in a scenario file, each with its place and what to change.

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

/// A step in the path to a field: a key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// Table key.
    Key(String),
    /// Array index (0-based).
    Index(usize),
}

/// Path to a field, e.g. `gates[0].stages[2].servers`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    /// The path with a key appended.
    pub fn key(&self, k: &str) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_string()));
        p
    }
    /// The path with an index appended.
    pub fn index(&self, i: usize) -> FieldPath {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The offending field.
    pub path: FieldPath,
    /// 1-based line and column of the field in the file, when found.
    pub line_col: Option<(usize, usize)>,
    /// Byte range of the field in the (NFC-normalised) file text, when found.
    pub span: Option<std::ops::Range<usize>>,
    /// What is wrong and what to change.
    pub message: String,
}

/// A scenario file that could not be read or is invalid.
#[derive(Debug, Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read the scenario file: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or a value has the wrong type or an unknown key.
    #[error("{file}:{line}:{col}: {message}")]
    Syntax {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// The parser's message.
        message: String,
        /// Byte range of the offending text, and the file text, when known.
        located: Option<(std::ops::Range<usize>, String)>,
    },
    /// The file parsed but describes an impossible model.
    #[error("{}", render(file, problems))]
    Invalid {
        /// The file.
        file: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
        /// The (NFC-normalised) file text the spans refer to.
        text: String,
    },
}

impl ScenarioError {
    /// The problems alone, one `field: message` per line, without file positions: for a
    /// file the program wrote itself (a sweep point), where lines mean nothing to the user.
    pub fn problems_text(&self) -> String {
        match self {
            ScenarioError::Io { .. } => self.to_string(),
            ScenarioError::Syntax { message, .. } => message.clone(),
            ScenarioError::Invalid { problems, .. } => (problems.iter())
                .map(|p| format!("`{}`: {}", p.path, p.message))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }

    /// The error for people: each problem with the lines of the file around it and the
    /// offending text underlined (miette's graphical report, no colours).
    pub fn report(&self) -> String {
        match self {
            ScenarioError::Io { .. } => self.to_string(),
            ScenarioError::Syntax {
                file,
                line,
                col,
                message,
                located,
            } => {
                let head = format!("{}:{line}:{col}: {message}", file.display());
                let body = match located {
                    Some((span, text)) => snippet(file, text, &head, span.clone(), message),
                    None => format!("  × {head}"),
                };
                format!("{}: not a valid scenario file\n{body}", file.display())
            }
            ScenarioError::Invalid {
                file,
                problems,
                text,
            } => {
                let mut out = count_line(file, problems.len());
                for p in problems {
                    let head = headline(file, p);
                    out.push('\n');
                    out.push_str(&match &p.span {
                        Some(span) => snippet(file, text, &head, span.clone(), &p.message),
                        None => format!("  × {head}"),
                    });
                }
                out
            }
        }
    }
}

/// One problem as a miette diagnostic: a headline and a labelled span of the file.
#[derive(Debug)]
struct SpanReport {
    head: String,
    label: String,
    span: miette::SourceSpan,
    source: miette::NamedSource<String>,
}

impl fmt::Display for SpanReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.head)
    }
}

impl std::error::Error for SpanReport {}

impl miette::Diagnostic for SpanReport {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(self.label.clone()), self.span),
        )))
    }
}

fn snippet(
    file: &std::path::Path,
    text: &str,
    head: &str,
    span: std::ops::Range<usize>,
    label: &str,
) -> String {
    let (source, span) = excerpt(text, span);
    let report = SpanReport {
        head: head.to_string(),
        label: label.to_string(),
        span: (span.start, span.end.saturating_sub(span.start)).into(),
        source: miette::NamedSource::new(file.display().to_string(), source),
    };
    let mut out = String::new();
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(400)
            .with_context_lines(1);
    if handler.render_report(&mut out, &report).is_err() {
        return format!("  × {head}");
    }
    out.trim_end().to_string()
}

/// Longest line of an excerpt, characters: a longer line is cut around the span, with `…`.
const MAX_EXCERPT_CHARS: usize = 160;

/// The lines around `span` (one before, one after) as a source for the snippet, with the
/// span moved to match. Lines longer than [`MAX_EXCERPT_CHARS`] are cut (a 1 MB line would
/// otherwise fill the terminal), and the lines before are kept as empty lines only, so that
/// line numbers stay right without copying the whole file for every problem.
fn excerpt(text: &str, span: std::ops::Range<usize>) -> (String, std::ops::Range<usize>) {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (floor(span.start), floor(span.end.max(span.start)));
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = |at: usize| text[at..].find('\n').map_or(text.len(), |i| at + i);
    let first = line_start(start);
    let from = if first == 0 { 0 } else { line_start(first - 1) };
    let last = line_end(end);
    let to = if last >= text.len() {
        text.len()
    } else {
        line_end(last + 1)
    };
    let mut out = "\n".repeat(text[..from].matches('\n').count());
    let mut new_span = out.len()..out.len();
    let mut at = from;
    for line in text[from..to].split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let here = at..at + body.len();
        let chars = body.chars().count();
        // the window of characters kept: around the span on its first line
        let (keep_from, keep_to) = if chars <= MAX_EXCERPT_CHARS {
            (0, body.len())
        } else {
            let centre = if here.contains(&start) { start - at } else { 0 };
            let mut lo = floor(at + centre.saturating_sub(MAX_EXCERPT_CHARS / 3)) - at;
            while !body.is_char_boundary(lo) {
                lo -= 1;
            }
            let hi = body[lo..]
                .char_indices()
                .nth(MAX_EXCERPT_CHARS)
                .map_or(body.len(), |(i, _)| lo + i);
            (lo, hi)
        };
        if keep_from > 0 {
            out.push('…');
        }
        let base = out.len();
        out.push_str(&body[keep_from..keep_to]);
        let shown = (at + keep_from)..(at + keep_to);
        if shown.contains(&start) || (start == shown.end && new_span.is_empty()) {
            new_span = base + (start - shown.start)..base + (end.min(shown.end) - shown.start);
        }
        if keep_to < body.len() {
            out.push('…');
        }
        out.push_str(newline);
        at += line.len();
    }
    (out, new_span)
}

fn count_line(file: &std::path::Path, n: usize) -> String {
    format!("{}: {n} problem(s) in the scenario file", file.display())
}

/// `file:line:col: `field`: what to change`.
fn headline(file: &std::path::Path, p: &Problem) -> String {
    let place = match p.line_col {
        Some((l, c)) => format!("{}:{l}:{c}", file.display()),
        None => file.display().to_string(),
    };
    format!("{place}: `{}`: {}", p.path, p.message)
}

fn render(file: &std::path::Path, problems: &[Problem]) -> String {
    let mut out = count_line(file, problems.len());
    for p in problems {
        out.push_str(&format!("\n  {}", headline(file, p)));
    }
    out
}

#[cfg(test)]
mod excerpt_tests {
    use super::{MAX_EXCERPT_CHARS, excerpt};

    #[test]
    fn a_long_line_is_cut_around_the_span_and_line_numbers_stay() {
        let long = "ồ".repeat(500_000);
        let text = format!("a = 1\nb = 2\n# {long}\nkey = {long}BAD{long}\nlast = 3\n");
        let at = text.find("BAD").unwrap();
        let (src, span) = excerpt(&text, at..at + 3);
        assert_eq!(&src[span.clone()], "BAD");
        // two lines before the excerpt's first line are kept as empty lines
        assert!(src.starts_with("\n\n# "));
        assert_eq!(
            src[..span.start].matches('\n').count(),
            3,
            "BAD is on line 4"
        );
        for line in src.lines() {
            assert!(
                line.chars().count() <= MAX_EXCERPT_CHARS + 2,
                "{}",
                line.len()
            );
        }
        // a span at the very end of the file
        let (src, span) = excerpt("x = 1", 5..5);
        assert_eq!((src.as_str(), span), ("x = 1", 5..5));
    }
}
