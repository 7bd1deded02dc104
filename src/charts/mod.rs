//! Charts and the one-file report: pure functions from [`ChartData`] to bytes.
//!
//! Every chart is drawn twice by the same generic function, once on plotters' SVG backend
//! and once on its bitmap backend (encoded as PNG here, so no image library and no system
//! font is needed: text uses the embedded DejaVu Sans).

pub mod data;
mod draw;
pub mod html;
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

/// Draws `$draw(data, &area)` on a white SVG and a white bitmap area of the given size.
macro_rules! render {
    ($name:expr, $title:expr, $size:expr, $draw:path, $data:expr) => {{
        let (w, h): (u32, u32) = $size;
        fits($name, w, h)?;
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
            area.fill(&WHITE).chart()?;
            $draw($data, &area)?;
            area.present().chart()?;
        }
        let mut rgb = vec![0u8; w as usize * h as usize * 3];
        {
            let area = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
            area.fill(&WHITE).chart()?;
            $draw($data, &area)?;
            area.present().chart()?;
        }
        ChartFile {
            name: $name,
            title: $title,
            width: w,
            height: h,
            svg,
            png: encode_png(&rgb, w, h)?,
        }
    }};
}

/// Draws every chart of a run, in report order.
pub fn draw_all(data: &ChartData) -> Result<Vec<ChartFile>, ChartError> {
    style::init_fonts()?;
    let year = data
        .target
        .as_ref()
        .map_or_else(|| "target year".to_string(), |t| t.year.to_string());
    Ok(vec![
        render!(
            "turnover-distribution",
            format!("Turnover in {year} per variant (basis A), with the target and P(target)"),
            draw::distribution_size(data),
            draw::distribution,
            data
        ),
        render!(
            "turnover-by-year",
            "Turnover by year per variant: median, 50 % and 90 % bands, observed series and target"
                .to_string(),
            draw::fan_size(data),
            draw::fan,
            data
        ),
        render!(
            "variant-comparison",
            "P(target) per variant and paired turnover difference to the baseline".to_string(),
            draw::comparison_size(data),
            draw::comparison,
            data
        ),
        render!(
            "cleared-per-day",
            "Vehicles cleared per day per gate: mean and 90 % band".to_string(),
            draw::gate_grid_size(data),
            draw::cleared,
            data
        ),
        render!(
            "queue-per-day",
            "Vehicles waiting (holding yard and road) per gate at the end of each day, with the yard capacity"
                .to_string(),
            draw::gate_grid_size(data),
            draw::queue,
            data
        ),
        render!(
            "time-per-stage",
            "Where the time goes: hours per vehicle at each stage of each gate (Time Release Study view)"
                .to_string(),
            draw::stage_time_size(data),
            draw::stage_time,
            data
        ),
        render!(
            "stage-utilisation",
            "Stage utilisation by month (busy server-time / open server-time)".to_string(),
            draw::heat_size(data),
            draw::heat,
            data
        ),
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
