//! Hostile and damaged files at intake: each refused with its name and a reason a clerk can act
//! on, before anything is stored.

use kho_digitize::intake::{Format, Limits, Refusal, decode_page, inspect, unzip};
use lopdf::{Document, Object, Stream, dictionary};
use std::io::Write;
use std::path::Path;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages").join(name)).unwrap()
}

fn refusal(name: &str, bytes: &[u8]) -> Refusal {
    let refused = inspect(name, bytes, &Limits::default()).expect_err(name);
    assert_eq!(refused.file, name);
    assert!(refused.to_string().starts_with(&format!("Tệp “{name}”: ")), "{refused}");
    refused.refusal
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

/// A few hundred bytes that declare a 50,000 × 50,000 image.
/// A PNG declaring `width` × `height` grey pixels, its data a megabyte of zeros compressed.
fn bomb_of(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = vec![];
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    png_chunk(&mut png, b"IHDR", &ihdr);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![0u8; 1 << 20]).unwrap();
    png_chunk(&mut png, b"IDAT", &z.finish().unwrap());
    png_chunk(&mut png, b"IEND", &[]);
    png
}

fn bomb() -> Vec<u8> {
    bomb_of(50_000, 50_000)
}

fn pdf_with(extra: impl FnOnce(&mut Document, lopdf::ObjectId)) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages = doc.new_object_id();
    let content = doc.add_object(Stream::new(dictionary! {}, b"".to_vec()));
    let page = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()], "Contents" => content });
    doc.objects.insert(pages, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    extra(&mut doc, catalog);
    let mut out = vec![];
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn damaged_and_truncated_files_are_refused_by_name() {
    let tiff = fixture("trang2-200dpi.tif");
    assert!(matches!(refusal("trang2.tif", &tiff[..tiff.len() / 3]), Refusal::Damaged(_)));
    let jpeg = fixture("trang1-200dpi-suy-giam.jpg");
    assert!(matches!(refusal("trang1.jpg", &jpeg[..jpeg.len() / 2]), Refusal::Damaged(_)));
    let png = fixture("trang1-300dpi.png");
    assert!(matches!(refusal("trang1.png", &png[..png.len() / 2]), Refusal::Damaged(_)));
    let pdf = pdf_with(|_, _| {});
    assert!(inspect("ok.pdf", &pdf, &Limits::default()).is_ok(), "the untouched PDF is fine");
    assert!(matches!(refusal("cut.pdf", &pdf[..pdf.len() / 3]), Refusal::Damaged(_) | Refusal::NoPages));
    assert!(matches!(refusal("rong.tif", b""), Refusal::Empty));
    assert!(matches!(refusal("ghi-chu.tif", b"day khong phai anh"), Refusal::UnknownFormat));
}

#[test]
fn an_extension_that_lies_is_refused() {
    let r = refusal("H49.64.33.2019.15.2.jpg", &fixture("trang1-300dpi.png"));
    assert_eq!(r, Refusal::ExtensionLies { extension: "jpg".into(), actual: "PNG" });
    assert!(r.to_string().contains("phần mở rộng .jpg nhưng nội dung là PNG"));
}

#[test]
fn a_decompression_bomb_is_refused_before_it_is_decoded() {
    let r = refusal("bom.png", &bomb());
    assert!(matches!(r, Refusal::TooManyPixels { width: 50_000, height: 50_000, .. }), "{r:?}");
    assert!(r.to_string().contains("50000 × 50000"), "{r}");
}

#[test]
fn a_strip_longer_than_a_jpeg_can_hold_is_refused() {
    let r = refusal("dai.png", &bomb_of(70_000, 10));
    assert_eq!(r, Refusal::TooLong { page: 1, width: 70_000, height: 10 });
    assert!(r.to_string().contains("tối đa 65000 điểm ảnh"), "{r}");
}

#[test]
fn a_tiff_declaring_thousands_of_pages_is_refused_without_reading_them_all() {
    let mut bytes = std::io::Cursor::new(Vec::new());
    let mut encoder = tiff::encoder::TiffEncoder::new(&mut bytes).unwrap();
    for _ in 0..2_100 {
        encoder.write_image::<tiff::encoder::colortype::Gray8>(1, 1, &[255]).unwrap();
    }
    let r = refusal("nhieu-trang.tif", bytes.get_ref());
    assert_eq!(r, Refusal::TooManyPages { max: 2_000 });
}

#[test]
fn a_pdf_with_javascript_or_embedded_files_is_refused_even_inside_object_streams() {
    let js = pdf_with(|doc, catalog| {
        let action = doc.add_object(dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("app.alert(1)") });
        doc.get_dictionary_mut(catalog).unwrap().set("OpenAction", action);
    });
    assert_eq!(refusal("co-ma.pdf", &js), Refusal::PdfActive("mã JavaScript"));
    let embedded = pdf_with(|doc, catalog| {
        let file = doc.add_object(Stream::new(dictionary! { "Type" => "EmbeddedFile" }, b"MZ".to_vec()));
        let spec = doc
            .add_object(dictionary! { "Type" => "Filespec", "F" => Object::string_literal("a.exe"), "EF" => dictionary! { "F" => file } });
        let names = dictionary! { "EmbeddedFiles" => dictionary! { "Names" => vec![Object::string_literal("a.exe"), spec.into()] } };
        doc.get_dictionary_mut(catalog).unwrap().set("Names", names);
    });
    assert_eq!(refusal("co-tep.pdf", &embedded), Refusal::PdfActive("tệp nhúng"));
    // The same JavaScript packed into a compressed object stream.
    let mut doc = Document::load_mem(&js).unwrap();
    doc.version = "1.7".into();
    let mut packed = vec![];
    doc.save_modern(&mut packed).unwrap();
    assert!(!packed.windows(10).any(|w| w == b"JavaScript"), "the name is inside a compressed stream");
    assert_eq!(refusal("an-ma.pdf", &packed), Refusal::PdfActive("mã JavaScript"));
}

#[test]
fn a_zip_with_paths_climbing_out_is_refused() {
    let mut bytes = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut bytes);
        zip.start_file("lo1/H49.64.33.2019.15.tif", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(b"II*\0").unwrap();
        zip.start_file("../../etc/cron.d/x", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(b"* * * * * root sh").unwrap();
        zip.finish().unwrap();
    }
    let refused = unzip("lo1.zip", bytes.get_ref(), &Limits::default()).unwrap_err();
    assert!(refused.to_string().contains("“../../etc/cron.d/x” trỏ ra ngoài thư mục"), "{refused}");
}

#[test]
fn a_jpegs_quality_is_read_from_its_quantisation_table() {
    // make_pages.py saved these with Pillow (libjpeg) at quality 60 and 85.
    assert_eq!(kho_digitize::intake::jpeg_quality(&fixture("trang1-200dpi-suy-giam.jpg")), Some(60));
    assert_eq!(kho_digitize::intake::jpeg_quality(&fixture("mau-300dpi.jpg")), Some(85));
    assert_eq!(kho_digitize::intake::jpeg_quality(&fixture("trang1-300dpi.png")), None);
}

#[test]
fn a_cmyk_jpeg_is_encoded_again_rather_than_carried_into_the_pdf() {
    // Four-channel JPEG bytes would show as garbage under the PDF's DeviceRGB.
    let mut cmyk = Vec::new();
    let pixels: Vec<u8> = (0..64 * 64).flat_map(|i| [(i % 256) as u8, 0, 0, 40]).collect();
    jpeg_encoder::Encoder::new(&mut cmyk, 90).encode(&pixels, 64, 64, jpeg_encoder::ColorType::Cmyk).unwrap();
    let page = decode_page(Format::Jpeg, &cmyk, 1, &Limits::default()).unwrap();
    assert!(page.carried.is_none(), "a CMYK JPEG is not carried as it is");
    let grey = decode_page(Format::Jpeg, &fixture("trang1-200dpi-suy-giam.jpg"), 1, &Limits::default()).unwrap();
    assert!(grey.carried.is_some(), "a grey scanner JPEG is");
}

#[test]
fn a_resolution_no_scanner_writes_is_not_believed() {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, 2480, 10);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_pixel_dims(Some(png::PixelDimensions { xppu: u32::MAX, yppu: u32::MAX, unit: png::Unit::Meter }));
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&vec![255u8; 2480 * 10]).unwrap();
    }
    let page = decode_page(Format::Png, &bytes, 1, &Limits::default()).unwrap();
    assert!(page.dpi_inferred && page.dpi == 212, "{} dpi", page.dpi);
}
