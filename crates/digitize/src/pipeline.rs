//! One page through the line: checked, straightened, despeckled, read, and its image prepared
//! for the PDF. The worker and the benchmark both call this, so what is measured is what runs.

use crate::checks::{self, Findings};
use crate::intake::PageImage;
use crate::ocr::{self, OcrError, PageText};
use image::DynamicImage;
use kho_model::digitization::OriginalKind;

/// What became of a page.
pub struct ReadPage {
    pub findings: Findings,
    /// The page as it goes into the PDF (straightened, upright), with its size; `None` when a
    /// check failed.
    pub read: Option<Reading>,
}

pub struct Reading {
    pub text: PageText,
    /// JPEG or PNG bytes, as [`crate::pdfa::Picture::of`] reads them.
    pub image: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub colour: bool,
}

/// Below this the page is read as it is: Tesseract copes, and straightening costs a resampling.
pub const MIN_SKEW_DEGREES: f32 = 0.3;

/// Tesseract reads at this resolution at most: its recogniser scales each text line to a fixed
/// height anyway, so a 300-dpi page read at 200 dpi reads as well and a third faster. The PDF
/// keeps the full-resolution image; the word boxes are scaled back to it.
const OCR_DPI: u32 = 200;

async fn read_at_most(grey: image::GrayImage, dpi: u32) -> Result<ocr::PageText, OcrError> {
    if dpi <= OCR_DPI + OCR_DPI / 5 {
        return ocr::read(&grey, dpi).await;
    }
    let scale = OCR_DPI as f32 / dpi as f32;
    let (width, height) = (((grey.width() as f32 * scale).round() as u32).max(1), ((grey.height() as f32 * scale).round() as u32).max(1));
    let small = blocking(move || crate::raster::shrink(&grey, width, height)).await;
    let mut text = ocr::read(&small, OCR_DPI).await?;
    let back = |v: u32| (v as f32 / scale).round() as u32;
    for word in &mut text.words {
        (word.left, word.top, word.width, word.height) = (back(word.left), back(word.top), back(word.width), back(word.height));
    }
    Ok(text)
}

/// JPEG quality of page images in the PDF: text stays crisp at 200–300 dpi.
const JPEG_QUALITY: u8 = 80;

/// The page image for the PDF. Pixels that came from a JPEG become a JPEG again, at no higher
/// quality than the scanner's own. Others are kept lossless (PNG, fast deflate; one bit per
/// pixel for a black-and-white page) when that is no larger than JPEG — a clean page usually
/// is, by half — else JPEG.
fn encode(image: &DynamicImage, source_quality: Option<u8>) -> Vec<u8> {
    if let Some(quality) = source_quality {
        return jpeg(image, quality.min(JPEG_QUALITY));
    }
    let png = crate::png::encode(image);
    if crate::png::bit_depth(&png) == Some(1) {
        return png;
    }
    let jpeg = jpeg(image, JPEG_QUALITY);
    if png.len() <= jpeg.len() { png } else { jpeg }
}

/// A page image (PNG or JPEG, as the line stored it) scaled down to at most `max_width` pixels
/// across, as JPEG: what the page viewer shows, light enough for a commune's connection. None
/// when the bytes are no image.
pub fn preview(bytes: &[u8], max_width: u32) -> Option<Vec<u8>> {
    Some(jpeg(&scaled(bytes, max_width)?, 75))
}

/// A page of a bản đọc (TT 05/2025): the preview with `agency`'s name burnt in at the foot,
/// centred, so no copy of the image leaves without it.
pub fn reading_page(bytes: &[u8], max_width: u32, agency: &str) -> Option<Vec<u8>> {
    let mut image = scaled(bytes, max_width)?;
    crate::lettering::burn_foot(&mut image, agency);
    Some(jpeg(&image, 75))
}

/// The page image at most `max_width` wide, grey or RGB.
fn scaled(bytes: &[u8], max_width: u32) -> Option<DynamicImage> {
    let image = image::load_from_memory(bytes).ok()?;
    let image = if image.width() > max_width {
        let height = (u64::from(image.height()) * u64::from(max_width) / u64::from(image.width()).max(1)).max(1) as u32;
        image.resize_exact(max_width, height, image::imageops::FilterType::Triangle)
    } else {
        image
    };
    Some(match image {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => image,
        other if other.color().has_color() => DynamicImage::ImageRgb8(other.to_rgb8()),
        other => DynamicImage::ImageLuma8(other.to_luma8()),
    })
}

/// The page image as baseline JPEG (jpeg-encoder: SIMD, about twice the image crate's speed).
fn jpeg(image: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    let (width, height) = (image.width() as u16, image.height() as u16);
    match image {
        DynamicImage::ImageLuma8(grey) => encoder.encode(grey.as_raw(), width, height, jpeg_encoder::ColorType::Luma),
        other => encoder.encode(other.to_rgb8().as_raw(), width, height, jpeg_encoder::ColorType::Rgb),
    }
    .expect("JPEG to memory");
    out
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("image work does not panic")
}

pub async fn read_page(page: PageImage, kind: OriginalKind) -> Result<ReadPage, OcrError> {
    let started = std::time::Instant::now();
    let (page, mut findings) = blocking(move || {
        let findings = checks::check(&page, kind);
        (page, findings)
    })
    .await;
    if !findings.problems.is_empty() {
        return Ok(ReadPage { findings, read: None });
    }
    let (skew, dpi) = (findings.skew_degrees, page.dpi);
    // A scanner's JPEG or PNG that needs no straightening goes into the PDF as it came.
    let straighten = skew.abs() >= MIN_SKEW_DEGREES;
    let source_quality = page.jpeg_quality;
    let source = page.carried.clone().filter(|_| !straighten);
    let colour = match &source {
        Some(_) => matches!(page.image, DynamicImage::ImageRgb8(_)),
        None => findings.colour,
    };
    let (upright, grey) = blocking(move || {
        // The text rises by `skew` counter-clockwise: turn it back.
        let straight = if straighten { crate::raster::rotate(&page.image, -skew) } else { page.image };
        let straight = match (colour, straight) {
            (false, DynamicImage::ImageLuma8(grey)) => DynamicImage::ImageLuma8(grey),
            (false, other) => DynamicImage::ImageLuma8(other.to_luma8()),
            (true, DynamicImage::ImageRgb8(rgb)) => DynamicImage::ImageRgb8(rgb),
            (true, other) => DynamicImage::ImageRgb8(other.to_rgb8()),
        };
        let grey = match &straight {
            DynamicImage::ImageLuma8(g) => crate::raster::despeckle(g),
            other => crate::raster::despeckle(&other.to_luma8()),
        };
        (straight, grey)
    })
    .await;
    let prepared = started.elapsed();
    // The page image for the PDF is encoded while Tesseract reads: on a spare core it costs nothing.
    let upright = std::sync::Arc::new(upright);
    let encoding = {
        let (upright, source) = (upright.clone(), source.clone());
        tokio::task::spawn_blocking(move || match source {
            Some(original) => original.to_vec(),
            None => encode(&upright, source_quality),
        })
    };
    let text = read_at_most(grey, dpi).await?;
    let read = started.elapsed();
    let encoded = encoding.await.expect("JPEG encoding does not panic");
    let rotated = text.rotated;
    if rotated != 0 {
        findings.warnings.push(checks::Problem {
            code: "turned".into(),
            message: format!(
                "trang quét {}; Kho đã xoay lại theo chiều chữ — kiểm tra hướng đặt tài liệu trên máy quét",
                if rotated == 2 { "ngược chiều" } else { "nằm ngang" }
            ),
        });
    }
    let (image, width, height) = if rotated == 0 {
        (encoded, upright.width(), upright.height())
    } else {
        // Tesseract found the page turned: the PDF carries it upright, as the words are.
        blocking(move || {
            let upright = match rotated {
                1 => upright.rotate90(),
                2 => upright.rotate180(),
                _ => upright.rotate270(),
            };
            (encode(&upright, source_quality), upright.width(), upright.height())
        })
        .await
    };
    tracing::debug!(
        checks_and_preparation_ms = prepared.as_millis() as u64,
        tesseract_ms = (read - prepared).as_millis() as u64,
        encoding_ms = (started.elapsed() - read).as_millis() as u64,
        "page read"
    );
    Ok(ReadPage { findings, read: Some(Reading { text, image, width, height, colour }) })
}
