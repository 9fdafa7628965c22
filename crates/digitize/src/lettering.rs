//! Letters drawn as shapes, in a Times-metric serif (Liberation Serif, SIL OFL 1.1, with every
//! Vietnamese letter): into a PDF as filled outlines — the signature's visible block, the
//! "BẢN SAO" mark of a copy — so a page's text stays the document's own; and burnt into a page
//! image, as the agency's name at the foot of every page of a bản đọc.

use image::{DynamicImage, GenericImageView};
use lopdf::{Document, Object, ObjectId, Stream, dictionary};

/// Liberation Serif (SIL OFL 1.1): metric-compatible with Times New Roman, with Vietnamese.
const FONT: &[u8] = include_bytes!("../../documents/fonts/LiberationSerif-Regular.ttf");

/// A glyph's outline as PDF path operators, placed at (`x`, `y`) and scaled by `scale` (points
/// per font unit). TrueType's quadratic curves become the cubic ones PDF draws.
struct PathOf<'a> {
    ops: &'a mut String,
    x: f32,
    y: f32,
    scale: f32,
    last: (f32, f32),
}

impl PathOf<'_> {
    fn at(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x * self.scale, self.y + y * self.scale)
    }
}

impl ttf_parser::OutlineBuilder for PathOf<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.ops.push_str(&format!("{x:.2} {y:.2} m\n"));
        self.last = (x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.ops.push_str(&format!("{x:.2} {y:.2} l\n"));
        self.last = (x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let ((qx, qy), (x, y)) = (self.at(x1, y1), self.at(x, y));
        let (x0, y0) = self.last;
        let (c1x, c1y) = (x0 + 2.0 / 3.0 * (qx - x0), y0 + 2.0 / 3.0 * (qy - y0));
        let (c2x, c2y) = (x + 2.0 / 3.0 * (qx - x), y + 2.0 / 3.0 * (qy - y));
        self.ops.push_str(&format!("{c1x:.2} {c1y:.2} {c2x:.2} {c2y:.2} {x:.2} {y:.2} c\n"));
        self.last = (x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let ((ax, ay), (bx, by), (x, y)) = (self.at(x1, y1), self.at(x2, y2), self.at(x, y));
        self.ops.push_str(&format!("{ax:.2} {ay:.2} {bx:.2} {by:.2} {x:.2} {y:.2} c\n"));
        self.last = (x, y);
    }
    fn close(&mut self) {
        self.ops.push_str("h\n");
    }
}

/// The visible block as a form XObject and its size: each line's glyphs (Liberation Serif, 10 pt)
/// drawn as filled outlines, not as text. The block is seen and printed, but it is not the page's
/// text: `pdftotext`, a copy or a screen reader start with the document's own first line, and the
/// field's description (`TU`) says the same words to whoever asks the annotation.
pub fn pdf_block(doc: &mut Document, lines: &[String]) -> Result<(ObjectId, f32, f32), lopdf::Error> {
    const SIZE: f32 = 10.0;
    let face = ttf_parser::Face::parse(FONT, 0).map_err(|e| lopdf::Error::Syntax(e.to_string()))?;
    let scale = SIZE / f32::from(face.units_per_em());
    let widest = lines
        .iter()
        .map(|line| {
            line.chars().map(|ch| f32::from(face.glyph_index(ch).and_then(|g| face.glyph_hor_advance(g)).unwrap_or(0)) * scale).sum::<f32>()
        })
        .fold(0.0f32, f32::max);
    let (width, height) = (widest + 8.0, 12.0 * lines.len() as f32 + 6.0);
    let mut content = String::from("q 0 g\n");
    for (i, line) in lines.iter().enumerate() {
        let mut path = PathOf { ops: &mut content, x: 4.0, y: height - 4.0 - SIZE - 12.0 * i as f32, scale, last: (0.0, 0.0) };
        for ch in line.chars() {
            let glyph = face.glyph_index(ch).unwrap_or(ttf_parser::GlyphId(0));
            face.outline_glyph(glyph, &mut path);
            path.x += f32::from(face.glyph_hor_advance(glyph).unwrap_or(0)) * scale;
        }
    }
    // Non-zero winding, as TrueType outlines are drawn.
    content.push_str("f\nQ\n");
    let mut form = Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), Object::Real(width), Object::Real(height)],
            "Resources" => dictionary! {},
        },
        content.into_bytes(),
    );
    form.compress().map_err(|e| lopdf::Error::Syntax(e.to_string()))?;
    Ok((doc.add_object(form), width, height))
}

/// A glyph's outline as raster coordinates (y down), for [`burn`].
struct RasterOf<'a> {
    raster: &'a mut ab_glyph_rasterizer::Rasterizer,
    x: f32,
    baseline: f32,
    scale: f32,
    last: ab_glyph_rasterizer::Point,
    first: ab_glyph_rasterizer::Point,
}

impl RasterOf<'_> {
    fn at(&self, x: f32, y: f32) -> ab_glyph_rasterizer::Point {
        ab_glyph_rasterizer::point(self.x + x * self.scale, self.baseline - y * self.scale)
    }
}

impl ttf_parser::OutlineBuilder for RasterOf<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.last = self.at(x, y);
        self.first = self.last;
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let to = self.at(x, y);
        self.raster.draw_line(self.last, to);
        self.last = to;
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (control, to) = (self.at(x1, y1), self.at(x, y));
        self.raster.draw_quad(self.last, control, to);
        self.last = to;
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (a, b, to) = (self.at(x1, y1), self.at(x2, y2), self.at(x, y));
        self.raster.draw_cubic(self.last, a, b, to);
        self.last = to;
    }
    fn close(&mut self) {
        if self.last != self.first {
            self.raster.draw_line(self.last, self.first);
        }
        self.last = self.first;
    }
}

/// Burns `text` into `image`, centred at its foot: black letters a fortieth of the page's width
/// tall (at least 12 px) on a pale band, so the words read on any page and no crop of the page
/// that keeps its foot loses them.
pub fn burn_foot(image: &mut DynamicImage, text: &str) {
    let face = ttf_parser::Face::parse(FONT, 0).expect("the font shipped with Kho parses");
    let (width, height) = image.dimensions();
    let size = (width as f32 / 40.0).max(12.0);
    let scale = size / f32::from(face.units_per_em());
    let advance = |ch: char| f32::from(face.glyph_index(ch).and_then(|g| face.glyph_hor_advance(g)).unwrap_or(0)) * scale;
    let text_width: f32 = text.chars().map(advance).sum();
    let (ascent, descent) = (f32::from(face.ascender()) * scale, -f32::from(face.descender()) * scale);
    let (band_w, band_h) = ((text_width + size).ceil() as u32, (ascent + descent + size * 0.4).ceil() as u32);
    if band_w == 0 || band_h >= height || text.is_empty() {
        return;
    }
    let band_w = band_w.min(width);
    let mut raster = ab_glyph_rasterizer::Rasterizer::new(band_w as usize, band_h as usize);
    let origin = ab_glyph_rasterizer::point(0.0, 0.0);
    let mut pen = RasterOf { raster: &mut raster, x: size * 0.5, baseline: size * 0.2 + ascent, scale, last: origin, first: origin };
    for ch in text.chars() {
        let glyph = face.glyph_index(ch).unwrap_or(ttf_parser::GlyphId(0));
        face.outline_glyph(glyph, &mut pen);
        pen.x += advance(ch);
    }
    let left = (width - band_w) / 2;
    let top = height - band_h - (size * 0.5) as u32;
    let top = top.min(height - band_h);
    // Pale band (85 % white), then the letters in black by their coverage.
    let mix = |under: u8, alpha: f32| -> u8 {
        let pale = f32::from(under) * 0.15 + 255.0 * 0.85;
        (pale * (1.0 - alpha)).round().clamp(0.0, 255.0) as u8
    };
    match image {
        DynamicImage::ImageLuma8(grey) => raster.for_each_pixel_2d(|x, y, alpha| {
            let pixel = grey.get_pixel_mut(left + x, top + y);
            pixel.0[0] = mix(pixel.0[0], alpha.min(1.0));
        }),
        other => {
            let mut rgb = other.to_rgb8();
            raster.for_each_pixel_2d(|x, y, alpha| {
                let pixel = rgb.get_pixel_mut(left + x, top + y);
                for channel in pixel.0.iter_mut() {
                    *channel = mix(*channel, alpha.min(1.0));
                }
            });
            *other = DynamicImage::ImageRgb8(rgb);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agency_s_name_is_burnt_dark_at_the_foot_and_nowhere_else() {
        let mut page = DynamicImage::ImageLuma8(image::GrayImage::from_pixel(1200, 1600, image::Luma([255])));
        burn_foot(&mut page, "Trung tâm Lưu trữ lịch sử tỉnh Điện Biên");
        let grey = page.to_luma8();
        let dark = |rows: std::ops::Range<u32>| {
            rows.flat_map(|y| (0..1200).map(move |x| (x, y))).filter(|&(x, y)| grey.get_pixel(x, y).0[0] < 100).count()
        };
        assert!(dark(1500..1600) > 500, "letters at the foot: {}", dark(1500..1600));
        assert_eq!(dark(0..1400), 0, "nothing above the foot");
        // Centred: as much ink left of the middle as right, within a fifth.
        let (l, r) = (0..1200u32).fold((0, 0), |(l, r), x| {
            let ink = (1500..1600).filter(|&y| grey.get_pixel(x, y).0[0] < 100).count();
            if x < 600 { (l + ink, r) } else { (l, r + ink) }
        });
        assert!((l as f32 / r as f32 - 1.0).abs() < 0.2, "{l} / {r}");
        let mut colour = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(800, 1000, image::Rgb([250, 240, 200])));
        burn_foot(&mut colour, "BẢN ĐỌC");
        assert!(matches!(colour, DynamicImage::ImageRgb8(_)));
        assert!(colour.to_luma8().pixels().filter(|p| p.0[0] < 100).count() > 100);
    }
}
