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
    let report = SpanReport {
        head: head.to_string(),
        label: label.to_string(),
        span: (span.start, span.end.saturating_sub(span.start)).into(),
        source: miette::NamedSource::new(file.display().to_string(), text.to_string()),
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
