//! debate-bot's pictures: a [`Scene`] (boxes and lines of text at given places, plain data
//! that tests can read) drawn to a PNG in process. Text is drawn with the one font embedded
//! here, a subset of Noto Sans CJK SC (`fonts/`, under the SIL Open Font License): no system
//! fonts, no fontconfig, nothing to install, so it draws the same in a distroless image as on
//! a laptop. Glyph outlines are read with `ttf-parser` and filled, anti-aliased, with
//! `tiny-skia`; the `png` crate encodes the result (RGB, deflate level 1: see `encode`).
//!
//! Text is laid out by [`fit`] before it is drawn: a character the font lacks (an emoji, a
//! rare character) becomes a visible "?", never an empty box, and a line too long for its box
//! is cut with "…". What [`fit`] answers is exactly what [`png`] draws, so a layout can be
//! checked as data.

use std::sync::LazyLock;

use tiny_skia::{FillRule, Paint, PathBuilder, Pixmap, Rect, Transform};
use ttf_parser::{Face, GlyphId, OutlineBuilder};

/// The embedded font: Noto Sans CJK SC Regular, cut to GB 2312, Latin, Greek, Cyrillic,
/// punctuation and every character of the bot's data (`fonts/make-subset.py`).
static FONT_BYTES: &[u8] = include_bytes!("../fonts/NotoSansSC-subset.otf");

/// The font, parsed once.
static FONT: LazyLock<Face<'static>> =
    LazyLock::new(|| Face::parse(FONT_BYTES, 0).expect("the embedded font parses"));

/// What a character the font lacks is drawn as.
pub const MISSING: char = '?';
/// What ends a line cut to fit.
pub const ELLIPSIS: char = '…';

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color(pub u8, pub u8, pub u8);

/// The bot's pictures' colours: dark on light, readable in black and white too.
pub mod palette {
    use super::Color;

    pub const WHITE: Color = Color(255, 255, 255);
    /// Text.
    pub const INK: Color = Color(28, 33, 40);
    /// Text that matters less (scores beside names, paragraphs).
    pub const MUTED: Color = Color(90, 98, 110);
    /// The title's band, and what stands first.
    pub const BAND: Color = Color(31, 58, 95);
    /// A bar's empty track.
    pub const TRACK: Color = Color(226, 230, 236);
    /// What is marked as a warning (the hardest question, a side against).
    pub const HARD: Color = Color(160, 40, 40);
}

/// How a line of text sits in its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// One thing to draw. Coordinates are pixels from the top left.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A filled rectangle.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Color,
    },
    /// One line of text in the box from `x` to `x + w`, its baseline at `y`, `size` pixels
    /// high (the em). The text is drawn as [`fit`] answers for `w`.
    Text {
        x: f32,
        y: f32,
        w: f32,
        size: f32,
        color: Color,
        align: Align,
        text: String,
    },
}

impl Item {
    /// A line of text (see [`Item::Text`]).
    pub fn text(x: f32, y: f32, w: f32, size: f32, color: Color, align: Align, text: &str) -> Item {
        Item::Text {
            x,
            y,
            w,
            size,
            color,
            align,
            text: text.to_string(),
        }
    }

    /// A filled rectangle.
    pub fn rect(x: f32, y: f32, w: f32, h: f32, color: Color) -> Item {
        Item::Rect { x, y, w, h, color }
    }
}

/// A picture to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub width: u32,
    pub height: u32,
    pub background: Color,
    pub items: Vec<Item>,
}

/// Why a picture could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("a picture of {0}x{1} pixels cannot be drawn")]
    Size(u32, u32),
    #[error("cannot encode the picture as PNG: {0}")]
    Encode(String),
    /// A fault injected in tests (the failpoint `picture`).
    #[error("injected")]
    Injected,
}

/// Whether the font draws `c`.
pub fn has(c: char) -> bool {
    FONT.glyph_index(c).is_some()
}

fn advance(c: char, size: f32) -> f32 {
    let face = &*FONT;
    let glyph = face.glyph_index(c).unwrap_or(GlyphId(0));
    let units = face.glyph_hor_advance(glyph).unwrap_or(0);
    f32::from(units) * size / f32::from(face.units_per_em())
}

/// How wide `text` is at `size`, as drawn (a character the font lacks counted as [`MISSING`]).
pub fn width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(|c| advance(if has(c) { c } else { MISSING }, size))
        .sum()
}

/// `text` as it is drawn in a box `max` pixels wide at `size`: on one line (line breaks and
/// tabs become spaces, other control characters go), a character the font lacks replaced by
/// [`MISSING`], and cut with [`ELLIPSIS`] when it does not fit.
pub fn fit(text: &str, size: f32, max: f32) -> String {
    let drawn: Vec<char> = text
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            c if has(c) => Some(c),
            _ => Some(MISSING),
        })
        .collect();
    let total: f32 = drawn.iter().map(|&c| advance(c, size)).sum();
    if total <= max {
        return drawn.into_iter().collect();
    }
    let room = max - advance(ELLIPSIS, size);
    let mut used = 0.0;
    let mut out = String::new();
    for c in drawn {
        let w = advance(c, size);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push(ELLIPSIS);
    out
}

/// A glyph's outline as a tiny-skia path, scaled and placed (font units have y up).
struct Outline {
    path: PathBuilder,
    scale: f32,
    x: f32,
    y: f32,
}

impl OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = (self.x + x * self.scale, self.y - y * self.scale);
        self.path.move_to(x, y);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = (self.x + x * self.scale, self.y - y * self.scale);
        self.path.line_to(x, y);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let s = self.scale;
        self.path.quad_to(
            self.x + x1 * s,
            self.y - y1 * s,
            self.x + x * s,
            self.y - y * s,
        );
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let s = self.scale;
        self.path.cubic_to(
            self.x + x1 * s,
            self.y - y1 * s,
            self.x + x2 * s,
            self.y - y2 * s,
            self.x + x * s,
            self.y - y * s,
        );
    }

    fn close(&mut self) {
        self.path.close();
    }
}

fn paint(color: Color) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(color.0, color.1, color.2, 255);
    paint.anti_alias = true;
    paint
}

/// Draws one line of text (as [`fit`] has it) into `pixmap`.
fn draw_text(pixmap: &mut Pixmap, item: &Item) {
    let Item::Text {
        x,
        y,
        w,
        size,
        color,
        align,
        text,
    } = item
    else {
        return;
    };
    let face = &*FONT;
    let line = fit(text, *size, *w);
    let drawn = width(&line, *size);
    let mut pen = match align {
        Align::Left => *x,
        Align::Center => x + (w - drawn) / 2.0,
        Align::Right => x + w - drawn,
    };
    let scale = size / f32::from(face.units_per_em());
    let mut outline = Outline {
        path: PathBuilder::new(),
        scale,
        x: pen,
        y: *y,
    };
    for c in line.chars() {
        let glyph = face.glyph_index(c).unwrap_or(GlyphId(0));
        outline.x = pen;
        face.outline_glyph(glyph, &mut outline);
        pen += advance(c, *size);
    }
    // All the line's glyphs as one path: one fill, not one per glyph.
    if let Some(path) = std::mem::take(&mut outline.path).finish() {
        pixmap.fill_path(
            &path,
            &paint(*color),
            FillRule::Winding,
            Transform::identity(),
            None,
        );
    }
}

/// Draws `scene` and encodes it as PNG.
pub fn png(scene: &Scene) -> Result<Vec<u8>, Error> {
    // A fault injected in tests; nothing unless the failpoints feature is on.
    fail::fail_point!("picture", |_| Err(Error::Injected));
    let mut pixmap =
        Pixmap::new(scene.width, scene.height).ok_or(Error::Size(scene.width, scene.height))?;
    let Color(r, g, b) = scene.background;
    pixmap.fill(tiny_skia::Color::from_rgba8(r, g, b, 255));
    for item in &scene.items {
        match item {
            Item::Rect { x, y, w, h, color } => {
                if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                    pixmap.fill_rect(rect, &paint(*color), Transform::identity(), None);
                }
            }
            Item::Text { .. } => draw_text(&mut pixmap, item),
        }
    }
    encode(&pixmap)
}

/// The pixmap as an RGB PNG. The background is opaque, so every pixel is: its premultiplied
/// colour is its colour, and alpha is dropped.
fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, Error> {
    let rgb: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| [p.red(), p.green(), p.blue()])
        .collect();
    let mut out = Vec::with_capacity(rgb.len() / 16);
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Deflate at level 1 with the "up" filter: a full results picture stays under 200 KB at a
    // fraction of the default level's time; fdeflate's fastest mode is quicker but its files
    // are half as large again (docs/performance.md, `cargo bench --bench picture`).
    encoder.set_deflate_compression(png::DeflateCompression::Level(1));
    encoder.set_filter(png::Filter::Up);
    let mut writer = encoder
        .write_header()
        .map_err(|e| Error::Encode(e.to_string()))?;
    writer
        .write_image_data(&rgb)
        .map_err(|e| Error::Encode(e.to_string()))?;
    writer.finish().map_err(|e| Error::Encode(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_draws_chinese_latin_greek_cyrillic_and_gb2312() {
        for c in "开源与闭源之争李彦宏林吕强罗璇鲶ABCxyz0129αβΩЖжё“”…·—《》".chars()
        {
            assert!(has(c), "{c}");
        }
        // Emoji and characters outside GB 2312 and the data are not in it.
        for c in ['🥇', '😀', '𠀀'] {
            assert!(!has(c), "{c}");
        }
    }

    #[test]
    fn fit_cuts_with_an_ellipsis_and_marks_what_the_font_lacks() {
        assert_eq!(fit("李彦宏", 20.0, 1000.0), "李彦宏");
        assert_eq!(fit("Ana 😀", 20.0, 1000.0), "Ana ?");
        assert_eq!(fit("a\nb\u{7}c", 20.0, 1000.0), "a bc");
        let cut = fit("开源与闭源之争:大厂如何抉择?", 20.0, 100.0);
        assert!(cut.ends_with(ELLIPSIS), "{cut}");
        assert!(width(&cut, 20.0) <= 100.0, "{cut}");
        assert!(cut.chars().count() < 15);
    }

    #[test]
    fn a_scene_draws_to_a_png_with_its_text_in_ink() {
        let scene = Scene {
            width: 200,
            height: 60,
            background: Color(255, 255, 255),
            items: vec![Item::Text {
                x: 10.0,
                y: 40.0,
                w: 180.0,
                size: 28.0,
                color: Color(0, 0, 0),
                align: Align::Left,
                text: "开源 Ab".into(),
            }],
        };
        let bytes = png(&scene).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        let mut reader = ::png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((info.width, info.height), (200, 60));
        assert_eq!(info.color_type, ::png::ColorType::Rgb);
        let dark = pixels.chunks(3).filter(|p| p[0] < 128).count();
        assert!(dark > 200, "text drawn: {dark} dark pixels");
    }
}
