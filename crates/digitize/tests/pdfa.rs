//! Scanned pages through checks, OCR and the PDF/A writer, the result read back by independent
//! tools: PDFBox preflight (PDF/A-1b), qpdf, and poppler's pdftotext (the text layer).

use kho_digitize::intake::{Format, Limits, decode_page, inspect};
use kho_digitize::pdfa::{self, Conformance, Metadata};
use kho_digitize::pipeline::read_page;
use kho_model::digitization::OriginalKind;
use std::path::Path;
use std::process::Command;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages").join(name)).unwrap()
}

async fn pdf(names: &[&str], conformance: Conformance) -> (Vec<u8>, String) {
    let mut readings = vec![];
    for name in names {
        let bytes = fixture(name);
        let master = inspect(name, &bytes, &Limits::default()).unwrap();
        for page in 1..=master.pages {
            let image = decode_page(master.format, &bytes, page, &Limits::default()).unwrap();
            let dpi = image.dpi;
            let read = read_page(image, OriginalKind::Text).await.unwrap();
            assert!(read.findings.problems.is_empty(), "{name}: {:?}", read.findings.problems);
            readings.push((read.read.unwrap(), dpi));
        }
    }
    let pages: Vec<pdfa::Page> = readings
        .iter()
        .map(|(r, dpi)| pdfa::Page {
            picture: pdfa::Picture::of(&r.image).unwrap(),
            width: r.width,
            height: r.height,
            dpi: *dpi,
            colour: r.colour,
            words: &r.text.words,
        })
        .collect();
    let meta = Metadata {
        title: "Hồ sơ giao đất ở cho hộ gia đình tại bản Co Mận năm 2019".into(),
        author: "Trung tâm Lưu trữ lịch sử tỉnh Điện Biên".into(),
        subject: "H49.64.33.2019.15".into(),
        keywords: "đất đai; giao đất".into(),
        created: chrono::DateTime::parse_from_rfc3339("2026-11-25T09:30:00+07:00").unwrap(),
    };
    let text = readings.iter().map(|(r, _)| r.text.text.clone()).collect::<Vec<_>>().join("\n");
    (pdfa::write(&pages, &meta, conformance), text)
}

fn run(program: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    (output.status.success(), format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
}

#[tokio::test]
async fn a_two_layer_pdf_a_1b_passes_preflight_and_its_text_extracts_with_diacritics() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, ocr_text) = pdf(&["trang1-300dpi-suy-giam.png", "trang3-200dpi-suy-giam.jpg"], Conformance::A1b).await;
    let path = dir.path().join("a1b.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let (valid, report) = kho_digitize::testing::preflight(&path);
    assert!(valid, "PDFBox preflight: {report}");
    let (ok, report) = run("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(ok && report.contains("No syntax or stream encoding errors"), "{report}");
    let (_, text) = run("pdftotext", &[path.to_str().unwrap(), "-"]);
    for phrase in [
        "Luật Đất đai ngày 18 tháng 01 năm 2024",
        "ĐĂNG KÝ KHAI SINH",
        "Lường Thị Ngọc Diễm",
        "Điều 1. Giao đất ở cho ông Lò Văn Thưởng và bà Quàng Thị Hương",
    ] {
        assert!(text.contains(phrase), "pdftotext lost “{phrase}”:\n{text}");
    }
    // A lone punctuation mark Tesseract read from a speck far right of a line is set on that line
    // too, but pdftotext takes so wide a gap for another column: such specks are left out of the
    // comparison, every word is not.
    let lines = |t: &str| {
        t.lines()
            .map(|l| l.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
    };
    assert_eq!(lines(&text), lines(&ocr_text), "lines as Tesseract read them, none split or merged");
}

#[tokio::test]
async fn a_pdf_a_2b_declares_itself_and_keeps_only_allowed_features() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, ocr_text) = pdf(&["ho-so-3-trang.tif"], Conformance::A2b).await;
    assert!(bytes.starts_with(b"%PDF-1.7"));
    let path = dir.path().join("a2b.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let (ok, report) = run("qpdf", &["--check", path.to_str().unwrap()]);
    assert!(ok, "{report}");
    let (_, json) = run("qpdf", &["--json", "--json-stream-data=none", path.to_str().unwrap()]);
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("<pdfaid:part>2</pdfaid:part>") && raw.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
    assert!(json.contains("/GTS_PDFA1") && json.contains("/DestOutputProfile"), "an sRGB output intent");
    assert!(json.contains("/FontFile2"), "the font is embedded");
    for forbidden in ["/JavaScript", "/JS", "/EmbeddedFiles", "/Encrypt", "/SMask", "/Transparency", "/Launch"] {
        assert!(!json.contains(forbidden), "{forbidden} in a PDF/A");
    }
    let (_, info) = run("pdfinfo", &[path.to_str().unwrap()]);
    let field = |name: &str| info.lines().find_map(|l| l.strip_prefix(name)).map(str::trim).unwrap_or_default().to_string();
    assert_eq!(field("Pages:"), "3", "{info}");
    assert_eq!(field("Title:"), "Hồ sơ giao đất ở cho hộ gia đình tại bản Co Mận năm 2019");
    // The text layer gives back what Tesseract read, word for word, with no words merged.
    let (_, text) = run("pdftotext", &[path.to_str().unwrap(), "-"]);
    let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(words(&text), words(&ocr_text));
    assert!(text.contains("Quàng Văn Thuận") && text.contains("chỉnh lý"), "{text}");
}

#[test]
fn a_multi_page_tiff_is_taken_as_its_pages() {
    let master = inspect("ho-so-3-trang.tif", &fixture("ho-so-3-trang.tif"), &Limits::default()).unwrap();
    assert_eq!((master.format, master.pages), (Format::Tiff, 3));
}

/// A scanner's PDF (an image per page, no text) is taken page by page at the resolution of its
/// images, and reads like the image it carries.
#[tokio::test]
async fn a_scanners_pdf_is_rendered_at_its_images_resolution_and_read() {
    let png = fixture("trang2-300dpi.png");
    let image = decode_page(Format::Png, &png, 1, &Limits::default()).unwrap();
    let grey = image.image.to_luma8();
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(grey.clone()).write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    let jpeg = jpeg.into_inner();
    let meta = Metadata {
        title: "Bản quét".into(),
        author: "Máy quét".into(),
        subject: String::new(),
        keywords: String::new(),
        created: chrono::DateTime::parse_from_rfc3339("2026-11-25T09:30:00+07:00").unwrap(),
    };
    let page =
        pdfa::Page { picture: pdfa::Picture::Jpeg(&jpeg), width: grey.width(), height: grey.height(), dpi: 300, colour: false, words: &[] };
    let scanned = pdfa::write(&[page], &meta, Conformance::A2b);
    let master = inspect("may-quet.pdf", &scanned, &Limits::default()).unwrap();
    assert_eq!((master.format, master.pages), (Format::Pdf, 1));
    let taken = decode_page(Format::Pdf, &scanned, 1, &Limits::default()).unwrap();
    assert_eq!(taken.dpi, 300, "the resolution of the page's image");
    assert!(!taken.dpi_inferred);
    assert_eq!((taken.image.width(), taken.image.height()), grey.dimensions());
    assert_eq!(taken.carried.as_deref(), Some(jpeg.as_slice()), "the page is its JPEG, taken as the scanner wrote it");
    let read = read_page(taken, OriginalKind::Text).await.unwrap();
    assert!(read.findings.problems.is_empty(), "{:?}", read.findings.problems);
    let text = read.read.unwrap().text.text;
    assert!(text.contains("Tình hình chỉnh lý tài liệu lưu trữ tồn đọng năm 2026"), "{text}");

    // A page that draws more than its image (here a box) is rendered whole, at the same resolution.
    let mut document = lopdf::Document::load_mem(&scanned).unwrap();
    let page_id = document.get_pages()[&1];
    let mut content = document.get_page_content(page_id);
    content.extend_from_slice(b"\n0 g 20 20 40 40 re f\n");
    document.change_page_content(page_id, content).unwrap();
    let mut drawn = vec![];
    document.save_to(&mut drawn).unwrap();
    let rendered = decode_page(Format::Pdf, &drawn, 1, &Limits::default()).unwrap();
    assert!(rendered.carried.is_none(), "rendered, not taken");
    assert_eq!(rendered.dpi, 300);
    assert!((i64::from(rendered.image.width()) - i64::from(grey.width())).abs() <= 2, "{} vs {}", rendered.image.width(), grey.width());
    let grey_rendered = rendered.image.to_luma8();
    let corner = grey_rendered.get_pixel(40 * 300 / 72, grey_rendered.height() - 40 * 300 / 72)[0];
    assert!(corner < 64, "the box is drawn: {corner}");
}

/// A page held as a Flate image with PNG predictors (as Kho writes a lossless page) is taken as
/// the PNG it is: the same pixels, no rendering.
#[tokio::test]
async fn a_lossless_page_of_a_pdf_is_taken_as_its_pixels() {
    let (bytes, _) = pdf(&["trang2-300dpi.png"], Conformance::A2b).await;
    let original = decode_page(Format::Png, &fixture("trang2-300dpi.png"), 1, &Limits::default()).unwrap();
    let taken = decode_page(Format::Pdf, &bytes, 1, &Limits::default()).unwrap();
    assert_eq!(taken.dpi, 300);
    assert!(taken.carried.is_some(), "framed as a PNG the PDF/A can carry again");
    assert_eq!(taken.image.to_luma8().as_raw(), original.image.to_luma8().as_raw(), "the same pixels");
}

/// Page images stay lossless where that costs no more than JPEG: a scanner's clean PNG goes in as
/// it came, a black-and-white Group 4 TIFF at one bit per pixel; a scanner's JPEG stays JPEG.
#[tokio::test]
async fn page_images_stay_lossless_where_that_is_no_larger() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _) = pdf(&["trang2-300dpi.png", "trang3-300dpi-g4.tif", "trang3-200dpi-suy-giam.jpg"], Conformance::A1b).await;
    let path = dir.path().join("anh.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let (valid, report) = kho_digitize::testing::preflight(&path);
    assert!(valid, "PDFBox preflight: {report}");
    // pdfimages -list: page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
    let (_, list) = run("pdfimages", &["-list", path.to_str().unwrap()]);
    let rows: Vec<Vec<String>> = list.lines().skip(2).map(|l| l.split_whitespace().map(str::to_string).collect()).collect();
    let described: Vec<(&str, &str, &str, &str)> =
        rows.iter().map(|r| (r[5].as_str(), r[7].as_str(), r[8].as_str(), r[12].as_str())).collect();
    assert_eq!(described, vec![("gray", "8", "image", "300"), ("gray", "1", "image", "300"), ("gray", "8", "jpeg", "200")], "{list}");
    // The scanner's PNG is in the PDF unchanged: its compressed rows are the image stream.
    let png = fixture("trang2-300dpi.png");
    let carried = kho_digitize::png::embeddable(&png).unwrap();
    assert!(bytes.windows(carried.data.len().min(4096)).any(|w| w == &carried.data[..w.len()]));
    // The one-bit page was read like the others.
    let (_, text) = run("pdftotext", &["-f", "2", "-l", "2", path.to_str().unwrap(), "-"]);
    assert!(text.contains("Họ, chữ đệm, tên: Lường Thị Ngọc Diễm"), "{text}");
}

/// The pages of a master in memory as the scanner would send them: `image` written as `format`
/// with its resolution in the file (TIFF and PNG both carry it).
fn master(image: &image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, format).unwrap();
    bytes.into_inner()
}

/// A 24-bit colour TIFF — a black-text page with a red seal — gives a colour copy: the PDF/A's
/// page image is RGB, as the original was, and its text is read as from the grey page.
#[tokio::test]
async fn a_colour_master_gives_a_colour_copy() {
    let grey = decode_page(Format::Png, &fixture("trang1-300dpi.png"), 1, &Limits::default()).unwrap();
    let mut rgb = grey.image.to_rgb8();
    let (w, h) = (rgb.width(), rgb.height());
    // A red seal, bottom right, as a commune's papers carry.
    for y in h * 3 / 4..h * 3 / 4 + 300 {
        for x in w * 2 / 3..w * 2 / 3 + 300 {
            let (dx, dy) = (x as i64 - (w * 2 / 3 + 150) as i64, y as i64 - (h * 3 / 4 + 150) as i64);
            let r = dx * dx + dy * dy;
            if (120 * 120..150 * 150).contains(&r) {
                rgb.put_pixel(x, y, image::Rgb([200, 30, 40]));
            }
        }
    }
    let tiff = master(&image::DynamicImage::ImageRgb8(rgb), image::ImageFormat::Tiff);
    let page = decode_page(Format::Tiff, &tiff, 1, &Limits::default()).unwrap();
    let page = kho_digitize::intake::PageImage { dpi: 300, dpi_inferred: false, ..page };
    let read = read_page(page, OriginalKind::Text).await.unwrap();
    assert!(read.findings.problems.is_empty() && read.findings.warnings.is_empty(), "{:?}", read.findings);
    assert!(read.findings.colour);
    let reading = read.read.unwrap();
    assert!(reading.colour, "a colour master gives a colour copy");
    assert!(reading.text.text.contains("ỦY BAN NHÂN DÂN"), "{}", reading.text.text);
    let page = pdfa::Page {
        picture: pdfa::Picture::of(&reading.image).unwrap(),
        width: reading.width,
        height: reading.height,
        dpi: 300,
        colour: reading.colour,
        words: &reading.text.words,
    };
    let meta = Metadata {
        title: "Trang có dấu đỏ".into(),
        author: "Máy quét".into(),
        subject: String::new(),
        keywords: String::new(),
        created: chrono::DateTime::parse_from_rfc3339("2026-12-06T09:30:00+07:00").unwrap(),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mau.pdf");
    std::fs::write(&path, pdfa::write(&[page], &meta, Conformance::A2b)).unwrap();
    let (_, list) = run("pdfimages", &["-list", path.to_str().unwrap()]);
    let row: Vec<&str> = list.lines().nth(2).unwrap().split_whitespace().collect();
    assert_eq!((row[5], row[7]), ("rgb", "8"), "{list}");
}

/// A page scanned sideways or upside down is read upright and kept so in the copy, with a
/// warning that says it was turned; a grey master of an administrative paper is kept with its
/// own warning (not in a batch of black-and-white originals).
#[tokio::test]
async fn a_sideways_page_is_turned_upright_and_flagged() {
    let grey = decode_page(Format::Png, &fixture("trang1-300dpi.png"), 1, &Limits::default()).unwrap();
    let (w, h) = (grey.image.width(), grey.image.height());
    let sideways = master(&grey.image.rotate90(), image::ImageFormat::Png);
    let page = decode_page(Format::Png, &sideways, 1, &Limits::default()).unwrap();
    let page = kho_digitize::intake::PageImage { dpi: 300, dpi_inferred: false, ..page };
    let read = read_page(page, OriginalKind::Text).await.unwrap();
    let codes: Vec<&str> = read.findings.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, vec!["grey_master", "turned"], "{:?}", read.findings.warnings);
    assert!(read.findings.warnings[1].message.contains("đã xoay lại"), "{}", read.findings.warnings[1].message);
    let reading = read.read.unwrap();
    assert_eq!((reading.width, reading.height), (w, h), "the copy is upright");
    assert!(reading.text.text.contains("ỦY BAN NHÂN DÂN"), "{}", reading.text.text);

    // Upside down, the reading is poor: Tesseract is asked which way the page is turned.
    let upside_down = master(&grey.image.rotate180(), image::ImageFormat::Png);
    let page = decode_page(Format::Png, &upside_down, 1, &Limits::default()).unwrap();
    let page = kho_digitize::intake::PageImage { dpi: 300, dpi_inferred: false, ..page };
    let read = read_page(page, OriginalKind::Monochrome).await.unwrap();
    let codes: Vec<&str> = read.findings.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, vec!["turned"], "{:?}", read.findings.warnings);
    assert!(read.findings.warnings[0].message.contains("ngược chiều"), "{}", read.findings.warnings[0].message);
    assert!(read.read.unwrap().text.text.contains("ỦY BAN NHÂN DÂN"), "read upright");
}
