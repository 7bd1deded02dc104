//! Charts and the one-file report: pure functions from [`ChartData`] to bytes.
//!
//! Every chart is drawn twice by the same generic function, once on plotters' SVG backend
//! and once on its bitmap backend (encoded as PNG here, so no image library and no system
//! font is needed: text uses the embedded DejaVu Sans).

mod axes;
mod comparison;
pub mod data;
pub mod decision;
mod distribution;
mod fan;
mod heat;
pub mod html;
mod per_day;
mod stage_time;
pub mod style;

use plotters::prelude::*;

pub use data::ChartData;

/// A drawing failure (plotters' errors, PNG encoding), as text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot draw chart: {0}")]
pub struct ChartError(pub String);

/// Turns any plotters or PNG error into a [`ChartError`].
pub(crate) trait OrChartError<T> {
    fn chart(self) -> Result<T, ChartError>;
}

impl<T, E: std::fmt::Debug> OrChartError<T> for Result<T, E> {
    fn chart(self) -> Result<T, ChartError> {
        self.map_err(|e| ChartError(format!("{e:?}")))
    }
}

/// A number rounded to an integer with thousands separators: `6650.4` → `6,650`.
pub(crate) fn thousands(x: f64) -> String {
    let v = x.round() as i64;
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0 { format!("−{out}") } else { out }
}

/// One chart in both formats.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartFile {
    /// File stem, e.g. `turnover-distribution` (written as `.svg` and `.png`).
    pub name: &'static str,
    /// What the chart shows, for the report.
    pub title: String,
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
    /// SVG document.
    pub svg: String,
    /// PNG file bytes.
    pub png: Vec<u8>,
}

/// Encodes an RGB8 buffer as PNG (deterministic: fixed compression, no timestamps).
fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Balanced);
        let mut writer = enc.write_header().chart()?;
        writer.write_image_data(rgb).chart()?;
        writer.finish().chart()?;
    }
    Ok(out)
}

/// Largest chart drawn, pixels (the bitmap takes 3 bytes a pixel: 150 MB).
pub const MAX_CHART_PIXELS: u64 = 50_000_000;

/// Refuses a chart larger than [`MAX_CHART_PIXELS`] before its bitmap is allocated.
fn fits(name: &str, w: u32, h: u32) -> Result<(), ChartError> {
    let pixels = w as u64 * h as u64;
    if pixels > MAX_CHART_PIXELS {
        return Err(ChartError(format!(
            "`{name}` would be {w} × {h} pixels, more than {MAX_CHART_PIXELS}: too many variants, gates or stages for one chart (run fewer with --variant)"
        )));
    }
    Ok(())
}

/// One chart: its file name, title, pixel size (from the data: rows of variants, gates,
/// stages) and drawing, generic over plotters' backends so that the same code draws the SVG
/// and the PNG. `draw` gets an area already filled white.
trait Chart {
    /// What it is drawn from.
    type Data: ?Sized;
    /// File name without extension, e.g. `turnover-distribution`.
    const NAME: &'static str;
    /// Smallest text drawn, pixels (see [`axes::MIN_TEXT_PX`]; 0: every size as asked).
    const TEXT_FLOOR_PX: u32 = axes::MIN_TEXT_PX;
    /// The title shown in report.html.
    fn title(data: &Self::Data) -> String;
    /// Width and height, pixels.
    fn size(data: &Self::Data) -> (u32, u32);
    /// Draws the chart on `area`.
    fn draw<DB: DrawingBackend>(data: &Self::Data, area: &axes::Area<DB>) -> axes::Drawn;
}

/// Draws chart `C` on the SVG and the bitmap backends (the bitmap encoded as PNG), after
/// checking that its size can be allocated.
fn render<C: Chart>(data: &C::Data) -> Result<ChartFile, ChartError> {
    let (w, h) = C::size(data);
    fits(C::NAME, w, h)?;
    axes::with_text_floor(C::TEXT_FLOOR_PX, || render_sized::<C>(data, w, h))
}

fn render_sized<C: Chart>(data: &C::Data, w: u32, h: u32) -> Result<ChartFile, ChartError> {
    let mut svg = String::new();
    let (drawn, tips) = axes::with_tips(|| -> Result<(), ChartError> {
        let area = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        area.fill(&WHITE).chart()?;
        C::draw(data, &area)?;
        area.present().chart()
    });
    drawn?;
    let svg = with_title_and_tips(&svg, &C::title(data), html::caption(C::NAME), &tips);
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        area.fill(&WHITE).chart()?;
        C::draw(data, &area)?;
        area.present().chart()?;
    }
    Ok(ChartFile {
        name: C::NAME,
        title: C::title(data),
        width: w,
        height: h,
        svg,
        png: encode_png(&rgb, w, h)?,
    })
}

/// Escapes text for XML content.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The SVG with a `<title>` and a `<desc>` (its name and how to read it, for screen
/// readers), `role="img"`, and the hover
/// texts: transparent rectangles with a `<title>` each, over the marks they describe (every
/// browser shows a `<title>` as a tooltip, without script).
fn with_title_and_tips(svg: &str, title: &str, desc: &str, tips: &[axes::Tip]) -> String {
    use std::fmt::Write;
    let Some(open_end) = svg
        .find("<svg")
        .and_then(|i| svg[i..].find('>').map(|j| i + j))
    else {
        return svg.to_string();
    };
    let mut out = String::with_capacity(svg.len() + tips.len() * 120 + 200);
    out.push_str(&svg[..open_end]);
    let _ = write!(
        out,
        " role=\"img\"><title>{}</title><desc>{}</desc>",
        xml_escape(title),
        xml_escape(desc)
    );
    let body = &svg[open_end + 1..];
    let close = body.rfind("</svg>").unwrap_or(body.len());
    out.push_str(&body[..close]);
    if !tips.is_empty() {
        out.push_str("<g class=\"tips\" fill=\"#000\" fill-opacity=\"0\">\n");
        for t in tips {
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
                t.x,
                t.y,
                t.w,
                t.h,
                xml_escape(&t.text)
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str(&body[close..]);
    out
}

/// Draws every chart of a run, in report order.
pub fn draw_all(data: &ChartData) -> Result<Vec<ChartFile>, ChartError> {
    style::init_fonts()?;
    Ok(vec![
        render::<distribution::Distribution>(data)?,
        render::<fan::Fan>(data)?,
        render::<comparison::Comparison>(data)?,
        render::<per_day::Cleared>(data)?,
        render::<per_day::Queue>(data)?,
        render::<stage_time::StageTime>(data)?,
        render::<heat::Heat>(data)?,
    ])
}

/// Name of the chart record in a run folder.
pub const CHART_DATA_FILE: &str = "charts.json";

/// Writes `charts.json`, every chart as SVG and PNG, and `report.html` into `dir` (each file
/// atomically). Returns the charts drawn.
pub fn write_charts(dir: &std::path::Path, data: &ChartData) -> Result<Vec<ChartFile>, String> {
    use crate::run_folder::write_atomic;
    let put = |name: &str, bytes: &[u8]| {
        write_atomic(&dir.join(name), bytes)
            .map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))
    };
    let mut json =
        serde_json::to_vec(data).map_err(|e| format!("cannot encode chart data: {e}"))?;
    json.push(b'\n');
    put(CHART_DATA_FILE, &json)?;
    let charts = draw_all(data).map_err(|e| e.to_string())?;
    for c in &charts {
        put(&format!("{}.svg", c.name), c.svg.as_bytes())?;
        put(&format!("{}.png", c.name), &c.png)?;
    }
    put("report.html", html::report_html(data, &charts).as_bytes())?;
    Ok(charts)
}
