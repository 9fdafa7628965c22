//! Helpers for tests and benchmarks: a large scanner PDF; the degraded page set of `kho bench ocr`
//! (yellowed, sealed, turned, blurred, noisy JPEGs) and a scanner's multi-page PDF of them; and for tests that sign, a throw-away PKI made with openssl (a CA, a signer certificate
//! for the organisation, a PKCS#12), an NSS database trusting the CA for poppler's pdfsig, and
//! pdfsig's verdict. Not used by Kho itself.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct TestPki {
    pub dir: PathBuf,
    pub p12: PathBuf,
    pub password: &'static str,
}

pub fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).current_dir(dir).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{program} {args:?}: {text}");
    text
}

/// A CA, a signer (key, certificate, PKCS#12 with the chain) and an NSS database trusting the CA.
pub fn pki(dir: &Path) -> TestPki {
    run(
        dir,
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "30",
            "-subj",
            "/CN=Kho test CA/O=Kho",
        ],
    );
    run(
        dir,
        "openssl",
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "signer.key",
            "-out",
            "signer.csr",
            "-subj",
            "/CN=Trung tam Luu tru lich su tinh Dien Bien/O=Kho",
        ],
    );
    std::fs::write(dir.join("ext.cnf"), "keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\n").unwrap();
    run(
        dir,
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "signer.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "signer.pem",
            "-days",
            "30",
            "-extfile",
            "ext.cnf",
        ],
    );
    run(
        dir,
        "openssl",
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "signer.key",
            "-in",
            "signer.pem",
            "-certfile",
            "ca.pem",
            "-out",
            "signer.p12",
            "-passout",
            "pass:mat-khau",
        ],
    );
    std::fs::create_dir_all(dir.join("nss")).unwrap();
    let nss = format!("sql:{}", dir.join("nss").display());
    run(dir, "certutil", &["-N", "-d", &nss, "--empty-password"]);
    run(dir, "certutil", &["-A", "-d", &nss, "-n", "kho-ca", "-t", "C,C,C", "-i", "ca.pem"]);
    TestPki { dir: dir.to_path_buf(), p12: dir.join("signer.p12"), password: "mat-khau" }
}

impl TestPki {
    /// pdfsig's report on a signed file, trusting the test CA.
    pub fn pdfsig(&self, file: &Path) -> String {
        run(&self.dir, "pdfsig", &["-nssdir", &format!("sql:{}", self.dir.join("nss").display()), file.to_str().unwrap()])
    }
}

/// A one-page PDF/A-1b of a blank A4 page at 100 dpi (the hồ sơ X27.2019.15.1, made by the
/// province archive) with `words` as its text layer: what tests sign and copy.
pub fn blank_pdf_a(words: &[crate::ocr::Word]) -> Vec<u8> {
    let page = image::GrayImage::from_pixel(827, 1169, image::Luma([250]));
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(page).write_to(&mut jpeg, image::ImageFormat::Jpeg).expect("JPEG to memory");
    let jpeg = jpeg.into_inner();
    let meta = crate::pdfa::Metadata {
        title: "Hồ sơ giao đất".into(),
        author: "Trung tâm Lưu trữ lịch sử tỉnh Điện Biên".into(),
        subject: "X27.2019.15.1".into(),
        keywords: String::new(),
        created: chrono::DateTime::parse_from_rfc3339("2026-11-25T09:30:00+07:00").expect("a fixed date"),
    };
    let page = crate::pdfa::Page { picture: crate::pdfa::Picture::Jpeg(&jpeg), width: 827, height: 1169, dpi: 100, colour: false, words };
    crate::pdfa::write(&[page], &meta, crate::pdfa::Conformance::A1b)
}

/// PDFBox preflight's verdict on the file at `path` as PDF/A-1b: whether it passes, and its report.
pub fn preflight(path: &Path) -> (bool, String) {
    let classpath = ["preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "javax.activation", "jaxb-api"]
        .map(|jar| format!("/usr/share/java/{jar}.jar"))
        .join(":");
    let out = Command::new("java")
        .args(["-cp", &classpath, "org.apache.pdfbox.preflight.Validator_A1b", path.to_str().unwrap()])
        .output()
        .unwrap_or_else(|e| panic!("java: {e}"));
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (report.contains("is a valid PDF/A-1b file"), report)
}

/// `pdf` signed by the test PKI's signer (made in `dir` on first use), as a digitizing body's
/// copy is before it is handed over.
pub fn signed(pdf: &[u8], dir: &Path) -> Vec<u8> {
    if !dir.join("signer.p12").exists() {
        std::fs::create_dir_all(dir).unwrap();
        pki(dir);
    }
    let key = crate::sign::Pkcs12Key::open(&std::fs::read(dir.join("signer.p12")).unwrap(), "mat-khau").unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:15:00+07:00").unwrap();
    crate::sign::sign(pdf, &key, "UBND xã Mường Ảng", at).unwrap()
}

/// A scanner's PDF of about `megabytes` MB: A4 pages at 300 dpi, each one 8-bit grey image
/// stored as it is (2480 × 3508, 8.7 MB), its pixels noise from `seed`. Returns the file and the
/// offset of the first image's pixels (to vary a copy without building another). The noise keeps
/// to 128–255, so no ZIP signature can appear by chance.
pub fn large_scan_pdf(megabytes: u64, seed: u64) -> (Vec<u8>, usize) {
    use lopdf::dictionary;
    const WIDTH: i64 = 2480;
    const HEIGHT: i64 = 3508;
    let page_bytes = (WIDTH * HEIGHT) as u64;
    let pages = ((megabytes << 20) / page_bytes).max(1);
    let mut state = seed | 1;
    let out = one_image_pages((0..pages).map(|_| {
        let mut pixels = vec![0u8; page_bytes as usize];
        for chunk in pixels.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let word = (state | 0x8080_8080_8080_8080).to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        let image = dictionary! { "Width" => WIDTH, "Height" => HEIGHT, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 };
        (image, pixels, 595.0, 842.0)
    }));
    let first = out.windows(7).position(|w| w == b"stream\n").map(|p| p + 7).unwrap_or(0);
    // The first stream may be a content stream: find the first long one.
    let mut offset = first;
    while let Some(p) = out[offset..].windows(7).position(|w| w == b"stream\n") {
        let start = offset + p + 7;
        if out.len() > start + 1024 && out[start..start + 1024].iter().all(|b| *b >= 0x80) {
            return (out, start);
        }
        offset = start;
    }
    (out, first)
}

/// The skews the degraded set turns its pages by, degrees counter-clockwise: both signs, from
/// a slip of the hand to a sheet laid crooked.
pub const DEGRADED_SKEWS: [f32; 6] = [-2.5, -1.6, -0.7, 0.7, 1.6, 2.5];

/// A clean page as a district archive's scanner would really give it: yellowed paper, a red
/// seal over the text's corner, turned by `skew` degrees, slightly blurred, speckled with noise,
/// saved as a JPEG of quality 60 that declares its resolution. The same page and skew give the
/// same bytes.
pub fn degraded(clean: &image::DynamicImage, dpi: u32, skew: f32) -> Vec<u8> {
    let grey = clean.to_luma8();
    let (w, h) = grey.dimensions();
    // Yellowed paper: white turns cream, ink stays dark.
    let mut page = image::RgbImage::from_fn(w, h, |x, y| {
        let v = f32::from(grey.get_pixel(x, y)[0]) / 255.0;
        image::Rgb([(v * 246.0) as u8, (v * 236.0) as u8, (v * 205.0) as u8])
    });
    // A red seal, a ring with a star's ring inside it, over the lower right of the text.
    let (cx, cy, r) = (f64::from(w) * 0.68, f64::from(h) * 0.52, f64::from(dpi) * 0.7);
    for y in (cy - r) as u32..((cy + r) as u32).min(h) {
        for x in (cx - r) as u32..((cx + r) as u32).min(w) {
            let d = ((f64::from(x) - cx).powi(2) + (f64::from(y) - cy).powi(2)).sqrt();
            if (r * 0.9..r).contains(&d) || (r * 0.55..r * 0.62).contains(&d) {
                let p = page.get_pixel_mut(x, y);
                // Seal ink over paper and text alike, as a stamp prints.
                p.0 =
                    [(f32::from(p[0]) * 0.25 + 190.0 * 0.75) as u8, (f32::from(p[1]) * 0.25) as u8, (f32::from(p[2]) * 0.25 + 10.0) as u8];
            }
        }
    }
    let turned = crate::raster::rotate(&image::DynamicImage::ImageRgb8(page), skew).to_rgb8();
    let mut blurred = image::imageops::blur(&turned, 0.7);
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ (skew.to_bits() as u64);
    for pixel in blurred.pixels_mut() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        if state.is_multiple_of(32) {
            let delta = (state >> 8) as i16 % 60 - 30;
            for c in pixel.0.iter_mut() {
                *c = (i16::from(*c) + delta).clamp(0, 255) as u8;
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 60);
    encoder.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(dpi as u16));
    encoder.encode_image(&blurred).expect("JPEG to memory");
    out
}

/// A scanner's multi-page PDF: each page one of `jpegs` (at `dpi`) as it is, over the whole page.
pub fn scanner_pdf(jpegs: &[Vec<u8>], dpi: u32) -> Vec<u8> {
    use lopdf::dictionary;
    one_image_pages(jpegs.iter().map(|jpeg| {
        let decoded = image::load_from_memory(jpeg).expect("a JPEG");
        let (w, h) = (decoded.width(), decoded.height());
        let colour = if decoded.color().has_color() { "DeviceRGB" } else { "DeviceGray" };
        let image = dictionary! {
            "Width" => i64::from(w), "Height" => i64::from(h), "ColorSpace" => colour, "BitsPerComponent" => 8, "Filter" => "DCTDecode",
        };
        (image, jpeg.clone(), w as f32 * 72.0 / dpi as f32, h as f32 * 72.0 / dpi as f32)
    }))
}

/// A PDF whose every page is one image drawn over the whole page, as scanners write them: each
/// page's image dictionary (size, colour, filter), its stream's bytes, and the page's size in
/// points.
fn one_image_pages(pages: impl IntoIterator<Item = (lopdf::Dictionary, Vec<u8>, f32, f32)>) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut kids = vec![];
    for (mut image, bytes, width, height) in pages {
        image.set("Type", "XObject");
        image.set("Subtype", "Image");
        let image = doc.add_object(Stream::new(image, bytes));
        let content = doc.add_object(Stream::new(dictionary! {}, format!("q {width:.2} 0 0 {height:.2} 0 0 cm /I Do Q").into_bytes()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "MediaBox" => vec![0.into(), 0.into(), Object::Real(width), Object::Real(height)],
            "Resources" => dictionary! { "XObject" => dictionary! { "I" => image } }, "Contents" => content,
        });
        kids.push(Object::from(page));
    }
    let count = kids.len() as i64;
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = vec![];
    doc.save_to(&mut out).expect("a PDF in memory");
    out
}

#[cfg(test)]
mod degraded_pages {
    /// A degraded page leans by the skew it was given, as the checks measure it (the clean
    /// page's own lean taken away), either way.
    #[test]
    fn a_degraded_page_leans_as_it_was_turned() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages/trang1-300dpi.png");
        let bytes = std::fs::read(path).unwrap();
        let limits = crate::intake::Limits::default();
        let clean = crate::intake::decode_page(crate::intake::Format::Png, &bytes, 1, &limits).unwrap();
        // At 150 dpi: the same page, a quarter of the pixels to blur in a debug build.
        let small = clean.image.resize(clean.image.width() / 2, clean.image.height() / 2, image::imageops::FilterType::Triangle);
        let clean = crate::intake::PageImage { image: small, dpi: 150, carried: None, ..clean };
        let kind = kho_model::digitization::OriginalKind::Monochrome;
        let base = crate::checks::check(&clean, kind).skew_degrees;
        for skew in [-1.6f32, 2.5] {
            let jpeg = super::degraded(&clean.image, 150, skew);
            let page = crate::intake::decode_page(crate::intake::Format::Jpeg, &jpeg, 1, &limits).unwrap();
            assert_eq!((page.dpi, page.dpi_inferred), (150, false));
            let measured = crate::checks::check(&page, kind).skew_degrees - base;
            assert!((measured - skew).abs() < 0.2, "turned {skew}°, measured {measured}°");
            // As one page of a scanner's PDF, it is taken back as the JPEG it is.
            let pdf = super::scanner_pdf(std::slice::from_ref(&jpeg), 150);
            let taken = crate::intake::decode_page(crate::intake::Format::Pdf, &pdf, 1, &limits).unwrap();
            assert_eq!((taken.dpi, taken.carried.as_deref()), (150, Some(jpeg.as_slice())));
        }
    }
}

#[cfg(test)]
mod large_scan {
    /// The large scan is a PDF of whole A4 pages at 300 dpi, and the offset it gives is that of
    /// its first image's pixels.
    #[test]
    fn a_large_scan_is_pages_of_one_image_and_points_at_its_pixels() {
        let (pdf, offset) = super::large_scan_pdf(9, 1);
        let master = crate::intake::inspect("lon.pdf", &pdf, &crate::intake::Limits::default()).unwrap();
        assert_eq!(master.pages, 1);
        assert!(pdf[offset..offset + 4096].iter().all(|b| *b >= 0x80), "the offset is inside the pixels");
    }
}
