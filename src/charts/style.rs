//! Fonts, colours and sizes shared by every chart.

use std::sync::OnceLock;

use plotters::style::{FontStyle, RGBColor, register_font};

/// DejaVu Sans 2.37 (covers Vietnamese); licence in `assets/fonts/LICENSE-DejaVu.txt`.
static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Font family named in charts. SVG viewers use their own sans-serif font (every desktop
/// browser's covers Vietnamese); PNG rendering uses the embedded DejaVu Sans.
pub const FONT: &str = "sans-serif";

/// Registers the embedded font once per process (plotters keeps a global font table).
pub fn init_fonts() -> Result<(), super::ChartError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| register_font(FONT, FontStyle::Normal, DEJAVU_SANS).is_ok());
    if ok {
        Ok(())
    } else {
        Err(super::ChartError(
            "the embedded DejaVu Sans font does not parse".to_string(),
        ))
    }
}

/// Colour of a variant, by its index in the scenario (stable across charts and runs): 12
/// colours for categorical data, from Paul Tol's "bright" and "muted" schemes and the
/// Okabe–Ito orange (made for colour-blind readers), ordered so that colours of similar hue
/// are far apart; then repeated.
pub fn variant_colour(index: usize) -> RGBColor {
    const CATEGORICAL_12: [RGBColor; 12] = [
        RGBColor(0x44, 0x77, 0xaa), // blue
        RGBColor(0xe6, 0x9f, 0x00), // orange
        RGBColor(0x22, 0x88, 0x33), // green
        RGBColor(0xee, 0x66, 0x77), // red
        RGBColor(0x66, 0xcc, 0xee), // sky
        RGBColor(0xaa, 0x33, 0x77), // purple
        RGBColor(0xcc, 0xbb, 0x44), // yellow
        RGBColor(0x33, 0x22, 0x88), // indigo
        RGBColor(0x99, 0x99, 0x33), // olive
        RGBColor(0x88, 0x22, 0x55), // wine
        RGBColor(0x44, 0xaa, 0x99), // teal
        RGBColor(0x77, 0x77, 0x77), // grey (black is the median marks)
    ];
    CATEGORICAL_12[index % CATEGORICAL_12.len()]
}

/// Colour of a stage id in the time-per-stage bars (Okabe–Ito, then a second set).
pub fn stage_colour(index: usize) -> RGBColor {
    const PALETTE: [RGBColor; 12] = [
        RGBColor(0x00, 0x72, 0xb2),
        RGBColor(0xe6, 0x9f, 0x00),
        RGBColor(0x00, 0x9e, 0x73),
        RGBColor(0xcc, 0x79, 0xa7),
        RGBColor(0x56, 0xb4, 0xe9),
        RGBColor(0xd5, 0x5e, 0x00),
        RGBColor(0xf0, 0xe4, 0x42),
        RGBColor(0x33, 0x22, 0x88),
        RGBColor(0x88, 0x22, 0x55),
        RGBColor(0x44, 0xaa, 0x99),
        RGBColor(0x99, 0x99, 0x33),
        RGBColor(0x66, 0x66, 0x66),
    ];
    PALETTE[index % PALETTE.len()]
}

/// Viridis colour map at `x` in 0..1 (eight anchors, linear between them).
pub fn viridis(x: f64) -> RGBColor {
    const ANCHORS: [(u8, u8, u8); 8] = [
        (68, 1, 84),
        (70, 50, 127),
        (54, 92, 141),
        (39, 127, 142),
        (31, 161, 135),
        (74, 194, 109),
        (159, 218, 58),
        (253, 231, 37),
    ];
    let x = if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = x * (ANCHORS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(ANCHORS.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (ANCHORS[i], ANCHORS[i + 1]);
    let mix = |p: u8, q: u8| (p as f64 + f * (q as f64 - p as f64)).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Target lines.
pub const TARGET: RGBColor = RGBColor(0xc0, 0x10, 0x10);
/// Observed points.
pub const OBSERVED: RGBColor = RGBColor(0x10, 0x10, 0x10);
/// Cells with no capacity in the heat map.
pub const CLOSED: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
/// Time not spent at a stage (road, yard, moving).
pub const OTHER: RGBColor = RGBColor(0xbb, 0xbb, 0xbb);
