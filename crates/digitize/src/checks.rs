//! What TT 05/2025 asks of a scan, checked on each page before it is read: resolution (200 dpi
//! for administrative papers, 300 for maps and drawings), 24-bit colour where the original is
//! coloured, and that the page is neither blank, too dark, too faint nor too skewed. A page that
//! fails goes to the re-scan queue with every reason; nothing passes silently. What is kept but
//! must be known — a resolution the file did not declare and Kho assumed, a grey master of a
//! paper that has a seal in colour — is a warning shown with the page in QC.

use crate::intake::PageImage;
use image::{DynamicImage, GrayImage};
use kho_model::digitization::OriginalKind;
use serde::{Deserialize, Serialize};

/// One reason a page must be scanned again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub code: String,
    pub message: String,
}

impl Problem {
    fn new(code: &str, message: String) -> Problem {
        Problem { code: code.into(), message }
    }
}

/// What the checks measured, what failed and what is kept with a warning.
#[derive(Debug, Clone)]
pub struct Findings {
    pub width: u32,
    pub height: u32,
    pub dpi: u32,
    /// The master is 24-bit colour (or deeper): its copy is in colour too.
    pub colour: bool,
    /// Skew of the text lines, degrees (positive: counter-clockwise); corrected before OCR.
    pub skew_degrees: f32,
    /// What sends the page back to be scanned again.
    pub problems: Vec<Problem>,
    /// What is kept, but said: the page goes on to be read.
    pub warnings: Vec<Problem>,
}

/// Beyond this the page is scanned again rather than straightened.
pub const MAX_SKEW_DEGREES: f32 = 5.0;

fn percentile(histogram: &[u64; 256], total: u64, fraction: f64) -> u8 {
    let wanted = (total as f64 * fraction) as u64;
    let mut seen = 0;
    for (value, count) in histogram.iter().enumerate() {
        seen += count;
        if seen > wanted {
            return value as u8;
        }
    }
    255
}

/// True when the master holds colour at 24 bits or more, whatever the page looks like: TT
/// 05/2025 asks for colour as in the original, and a copy keeps what its master has.
pub fn is_colour(image: &DynamicImage) -> bool {
    image.color().has_color()
}

pub fn check(page: &PageImage, kind: OriginalKind) -> Findings {
    let image = &page.image;
    let (mut problems, mut warnings) = (vec![], vec![]);
    if page.dpi < kind.min_dpi() {
        let how = if page.dpi_inferred { " (tệp không ghi độ phân giải; tính theo khổ A4)" } else { "" };
        problems.push(Problem::new(
            "low_dpi",
            format!("độ phân giải {} dpi{how}, thấp hơn {} dpi yêu cầu cho {}", page.dpi, kind.min_dpi(), kind.label().to_lowercase()),
        ));
    } else if page.dpi_inferred {
        warnings.push(Problem::new(
            "dpi_assumed",
            format!(
                "tệp không ghi độ phân giải; Kho coi là {} dpi, tính theo khổ A4 ({}×{} điểm ảnh) — hãy đặt máy quét ghi độ phân giải vào tệp",
                page.dpi,
                image.width(),
                image.height()
            ),
        ));
    }
    let colour = is_colour(image);
    if kind.needs_colour() && !colour {
        problems.push(Problem::new("not_colour", "ảnh đen trắng hoặc thang xám; bản gốc có màu phải quét màu 24-bit".into()));
    } else if kind.expects_colour() && !colour {
        warnings.push(Problem::new(
            "grey_master",
            "ảnh thang xám hoặc đen trắng, không phải màu 24-bit: văn bản có dấu đỏ, chữ ký mực màu phải quét màu như bản gốc \
             (TT 05/2025); nếu bản gốc chỉ có màu đen, lập lô loại “Văn bản đen trắng”"
                .into(),
        ));
    }
    let converted;
    let grey = match image.as_luma8() {
        Some(grey) => grey,
        None => {
            converted = image.to_luma8();
            &converted
        }
    };
    let small = crate::raster::thumbnail(grey, 600);
    let mut histogram = [0u64; 256];
    for p in small.pixels() {
        histogram[usize::from(p[0])] += 1;
    }
    let total = u64::from(small.width()) * u64::from(small.height());
    let paper = percentile(&histogram, total, 0.5);
    let darkest = percentile(&histogram, total, 0.002);
    let ink = histogram[..usize::from(paper.saturating_sub(60))].iter().sum::<u64>() as f64 / total as f64;
    let mut skew = 0.0;
    if paper < 110 {
        problems.push(Problem::new("too_dark", format!("ảnh quá tối (độ sáng nền {paper}/255); hãy chỉnh độ sáng máy quét")));
    } else if ink < 0.001 {
        problems.push(Problem::new("blank", "trang trắng, không có chữ; nếu bản gốc là trang trắng thì bỏ khỏi tệp quét".into()));
    } else {
        if paper.saturating_sub(darkest) < 90 {
            problems
                .push(Problem::new("too_faint", format!("chữ quá mờ (độ tương phản {}/255); hãy tăng độ đậm khi quét", paper - darkest)));
        }
        skew = estimate_skew(&small, paper.saturating_sub(60));
        if skew.abs() > MAX_SKEW_DEGREES {
            problems.push(Problem::new(
                "skewed",
                format!("ảnh nghiêng {:.1}°, quá {MAX_SKEW_DEGREES}°; hãy đặt lại tài liệu ngay ngắn", skew.abs()),
            ));
        }
    }
    Findings { width: image.width(), height: image.height(), dpi: page.dpi, colour, skew_degrees: skew, problems, warnings }
}

/// The angle (degrees, within ±8) at which the rows of ink line up best: the projection profile
/// of the ink, sheared by each candidate angle, is sharpest at the text's skew.
pub fn estimate_skew(small: &GrayImage, ink_below: u8) -> f32 {
    let ink: Vec<(i32, i32)> =
        small.enumerate_pixels().filter(|(_, _, p)| p[0] < ink_below).map(|(x, y, _)| (x as i32, y as i32)).collect();
    if ink.is_empty() {
        return 0.0;
    }
    let height = small.height() as i32;
    let score = |degrees: f32| -> f64 {
        let slope = f64::from(degrees.to_radians().tan());
        let mut rows = vec![0u32; (height * 2) as usize];
        for (x, y) in &ink {
            let row = (f64::from(*y) + f64::from(*x) * slope).round() as i32 + height / 2;
            if (0..height * 2).contains(&row) {
                rows[row as usize] += 1;
            }
        }
        rows.iter().map(|r| f64::from(*r) * f64::from(*r)).sum()
    };
    let mut best = (0.0f32, score(0.0));
    let mut step = 0.5f32;
    let mut centre = 0.0f32;
    let mut span = 8.0f32;
    while step >= 0.05 {
        let mut a = centre - span;
        while a <= centre + span + 1e-3 {
            let s = score(a);
            if s > best.1 {
                best = (a, s);
            }
            a += step;
        }
        centre = best.0;
        span = step;
        step /= 5.0;
    }
    // Lines that rise to the right (y falls as x grows) line up when sheared back by their slope.
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intake::{Format, Limits, decode_page};

    fn page(name: &str) -> PageImage {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages").join(name);
        let bytes = std::fs::read(path).unwrap();
        decode_page(Format::sniff(&bytes).unwrap(), &bytes, 1, &Limits::default()).unwrap()
    }

    fn codes(findings: &Findings) -> Vec<&str> {
        findings.problems.iter().map(|p| p.code.as_str()).collect()
    }

    #[test]
    fn clean_and_degraded_text_pages_pass() {
        for name in ["trang1-300dpi.png", "trang1-200dpi-suy-giam.jpg", "trang2-200dpi.tif"] {
            let findings = check(&page(name), OriginalKind::Text);
            assert!(findings.problems.is_empty(), "{name}: {:?}", findings.problems);
        }
        let findings = check(&page("trang1-200dpi-suy-giam.jpg"), OriginalKind::Text);
        assert_eq!(findings.dpi, 200);
        assert!((findings.skew_degrees - 1.2).abs() < 0.4, "the page leans 1.2°: measured {}", findings.skew_degrees);
    }

    #[test]
    fn blank_dark_low_resolution_and_grey_for_colour_pages_go_back_with_their_reasons() {
        assert_eq!(codes(&check(&page("trang-trang.png"), OriginalKind::Text)), vec!["blank"]);
        assert_eq!(codes(&check(&page("qua-toi.png"), OriginalKind::Text)), vec!["too_dark"]);
        let low = check(&page("150dpi.png"), OriginalKind::Text);
        assert_eq!(codes(&low), vec!["low_dpi"]);
        assert!(low.problems[0].message.contains("150 dpi"), "{}", low.problems[0].message);
        assert_eq!(codes(&check(&page("trang1-300dpi.png"), OriginalKind::Map)), vec!["not_colour"]);
        assert!(check(&page("mau-300dpi.jpg"), OriginalKind::Map).problems.is_empty());
        assert_eq!(codes(&check(&page("trang1-200dpi-suy-giam.jpg"), OriginalKind::Map)), vec!["low_dpi", "not_colour"]);
    }

    fn warnings(findings: &Findings) -> Vec<&str> {
        findings.warnings.iter().map(|p| p.code.as_str()).collect()
    }

    /// A grey master of an administrative paper is kept and flagged (its seal was red); the same
    /// master in a batch of black-and-white originals is not; a colour master is neither. A file
    /// that declares no resolution is read at the resolution Kho assumed, and says so.
    #[test]
    fn a_grey_master_and_an_assumed_resolution_are_kept_with_a_warning() {
        let grey = page("trang1-300dpi.png");
        assert!(!is_colour(&grey.image), "the fixture is a grey scan");
        let text = check(&grey, OriginalKind::Text);
        assert_eq!((codes(&text), warnings(&text)), (vec![], vec!["grey_master"]));
        assert!(text.warnings[0].message.contains("Văn bản đen trắng"), "{}", text.warnings[0].message);
        assert!(warnings(&check(&grey, OriginalKind::Monochrome)).is_empty());
        let colour = check(&page("mau-300dpi.jpg"), OriginalKind::Text);
        assert!(colour.colour && colour.warnings.is_empty(), "{:?}", colour.warnings);

        let undeclared = PageImage { dpi: 250, dpi_inferred: true, ..grey };
        let assumed = check(&undeclared, OriginalKind::Monochrome);
        assert_eq!((codes(&assumed), warnings(&assumed)), (vec![], vec!["dpi_assumed"]));
        assert!(assumed.warnings[0].message.contains("coi là 250 dpi"), "{}", assumed.warnings[0].message);
        let low = check(&PageImage { dpi: 150, ..undeclared }, OriginalKind::Monochrome);
        assert_eq!((codes(&low), warnings(&low)), (vec!["low_dpi"], vec![]), "below the minimum it is a problem, not a warning");
    }
}

#[cfg(test)]
mod skew_direction {
    use super::*;
    use crate::intake::{Format, Limits, decode_page};

    /// A page turned by a known angle, either way, is measured at that angle and comes back
    /// straight when turned by minus what was measured (as the page line does).
    #[test]
    fn a_page_turned_by_a_known_angle_comes_back_straight() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages/trang1-300dpi.png");
        let bytes = std::fs::read(path).unwrap();
        let page = decode_page(Format::sniff(&bytes).unwrap(), &bytes, 1, &Limits::default()).unwrap();
        let base = check(&page, OriginalKind::Text).skew_degrees;
        for angle in [-4.0f32, -2.4, -0.8, 0.8, 2.4, 4.0] {
            let again = |image| PageImage { image, dpi: page.dpi, dpi_inferred: page.dpi_inferred, carried: None, jpeg_quality: None };
            let turned = again(crate::raster::rotate(&page.image, angle));
            let measured = check(&turned, OriginalKind::Text).skew_degrees - base;
            let straight = again(crate::raster::rotate(&turned.image, -measured));
            let residual = check(&straight, OriginalKind::Text).skew_degrees - base;
            eprintln!("turned {angle:+.1}°: measured {measured:+.2}°, residual {residual:+.2}°");
            assert!((measured - angle).abs() < 0.2, "turned {angle}°: measured {measured}°");
            assert!(residual.abs() < 0.2, "turned {angle}°: residual {residual}°");
        }
    }
}
