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
    /// The page as it goes into the PDF (straightened, upright), as JPEG, with its size; `None`
    /// when a check failed.
    pub read: Option<Reading>,
}

pub struct Reading {
    pub text: PageText,
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub colour: bool,
}

/// JPEG quality of page images in the PDF: text stays crisp at 200–300 dpi.
const JPEG_QUALITY: u8 = 80;

fn jpeg(image: &DynamicImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
    image.write_with_encoder(encoder).expect("JPEG to memory");
    out.into_inner()
}

fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> impl Future<Output = T> {
    async move { tokio::task::spawn_blocking(f).await.expect("image work does not panic") }
}

pub async fn read_page(page: PageImage, kind: OriginalKind) -> Result<ReadPage, OcrError> {
    let (page, findings) = blocking(move || {
        let findings = checks::check(&page, kind);
        (page, findings)
    })
    .await;
    if !findings.problems.is_empty() {
        return Ok(ReadPage { findings, read: None });
    }
    let (skew, colour, dpi) = (findings.skew_degrees, findings.colour || kind.needs_colour(), page.dpi);
    let (upright, grey) = blocking(move || {
        // The text rises by `skew` counter-clockwise: turn it back.
        let straight = crate::ocr::rotate(&page.image, -skew);
        let straight = if colour { DynamicImage::ImageRgb8(straight.to_rgb8()) } else { DynamicImage::ImageLuma8(straight.to_luma8()) };
        let grey = crate::ocr::despeckle(&straight.to_luma8());
        (straight, grey)
    })
    .await;
    let text = ocr::read(&grey, dpi).await?;
    let rotated = text.rotated;
    let (jpeg, width, height) = blocking(move || {
        let upright = match rotated {
            1 => upright.rotate90(),
            2 => upright.rotate180(),
            3 => upright.rotate270(),
            _ => upright,
        };
        (jpeg(&upright), upright.width(), upright.height())
    })
    .await;
    Ok(ReadPage { findings, read: Some(Reading { text, jpeg, width, height, colour }) })
}
