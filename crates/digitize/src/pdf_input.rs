//! PDF files from scanners: checked with lopdf (every object, including those packed in object
//! streams, so no JavaScript hides in a compressed stream). A page that is one image over the
//! whole page — what a scanner writes — is taken as that image, without rendering: a JPEG as its
//! own bytes (carried into the PDF/A unchanged), a Flate image with PNG predictors as the PNG it
//! is, plain 8-bit samples as they are. Any other page is rendered with poppler's `pdftoppm` at
//! the resolution of the images it carries.

use crate::intake::{Limits, Refusal};
use image::DynamicImage;
use lopdf::{Document, Object, ObjectId};

/// Keys and names that make a PDF act rather than show: refused in an archive.
const ACTIVE: &[(&[u8], &str)] = &[
    (b"JavaScript", "mã JavaScript"),
    (b"JS", "mã JavaScript"),
    (b"EmbeddedFile", "tệp nhúng"),
    (b"EmbeddedFiles", "tệp nhúng"),
    (b"Launch", "lệnh chạy chương trình"),
    (b"RichMedia", "nội dung đa phương tiện"),
    (b"XFA", "biểu mẫu XFA"),
];

fn active(object: &Object) -> Option<&'static str> {
    match object {
        Object::Name(name) => ACTIVE.iter().find(|(n, _)| *n == name.as_slice() && *n != b"JS").map(|(_, what)| *what),
        Object::Array(items) => items.iter().find_map(active),
        Object::Dictionary(dict) => dict
            .iter()
            .find_map(|(key, value)| ACTIVE.iter().find(|(n, _)| *n == key.as_slice()).map(|(_, what)| *what).or_else(|| active(value))),
        Object::Stream(stream) => active(&Object::Dictionary(stream.dict.clone())),
        _ => None,
    }
}

fn load(bytes: &[u8]) -> Result<Document, Refusal> {
    let document = Document::load_mem(bytes).map_err(|e| Refusal::Damaged(e.to_string()))?;
    checked(document)
}

/// A stream's content, dropped while a file is checked: the checks read dictionaries only (what
/// a PDF does, its pages, its images' sizes), so a 200 MB scan costs its dictionaries, not a
/// second copy of its images. Object streams keep theirs: the objects packed in them are read.
fn without_content(id: (u32, u16), object: &mut Object) -> Option<((u32, u16), Object)> {
    if let Object::Stream(stream) = object
        && !stream.dict.has_type(b"ObjStm")
        && !stream.dict.has_type(b"XRef")
    {
        // One byte, not none: lopdf reads an empty stream's content again from the file.
        stream.content = vec![0];
    }
    // lopdf keeps the object it passed (changed in place); what is returned is kept only for
    // objects unpacked from an object stream, which are never streams themselves.
    Some((id, object.clone()))
}

fn checked(document: Document) -> Result<Document, Refusal> {
    if document.is_encrypted() || document.trailer.get(b"Encrypt").is_ok() {
        return Err(Refusal::PdfEncrypted);
    }
    Ok(document)
}

/// Checks a PDF: readable, not encrypted, nothing active, pages within the limit.
pub fn inspect(bytes: &[u8], limits: &Limits) -> Result<u32, Refusal> {
    let options = lopdf::LoadOptions::with_filter(without_content);
    let document = checked(Document::load_mem_with_options(bytes, options).map_err(|e| Refusal::Damaged(e.to_string()))?)?;
    // A filtered load does not rebuild a damaged page tree; the whole load does.
    let document = if document.get_pages().is_empty() { load(bytes)? } else { document };
    if let Some(what) = document.objects.values().find_map(active) {
        return Err(Refusal::PdfActive(what));
    }
    let pages = document.get_pages();
    if pages.is_empty() {
        return Err(Refusal::NoPages);
    }
    if pages.len() as u64 > u64::from(limits.max_pages) {
        return Err(Refusal::TooManyPages { max: limits.max_pages });
    }
    for (number, id) in &pages {
        let (dpi, _, width, height) = page_geometry(&document, *id);
        let (w, h) = ((width / 72.0 * dpi as f32) as u32, (height / 72.0 * dpi as f32) as u32);
        crate::intake::check_pixels(*number, w, h, limits)?;
    }
    Ok(pages.len() as u32)
}

/// A page's resolution (from its largest image; 300 when it has none), whether its images are
/// all grey, and its size in points.
fn page_geometry(document: &Document, page: ObjectId) -> (u32, bool, f32, f32) {
    let media = document
        .get_dictionary(page)
        .ok()
        .and_then(|d| d.get(b"MediaBox").ok())
        .and_then(|m| m.as_array().ok())
        .map(|a| a.iter().filter_map(|v| v.as_float().ok()).collect::<Vec<f32>>())
        .filter(|v| v.len() == 4)
        .map(|v| ((v[2] - v[0]).abs(), (v[3] - v[1]).abs()))
        .unwrap_or((595.0, 842.0));
    let mut best: Option<(f32, bool)> = None;
    let mut grey = true;
    if let Ok((direct, ids)) = document.get_page_resources(page) {
        let dicts = direct.into_iter().chain(ids.iter().filter_map(|id| document.get_dictionary(*id).ok()));
        for resources in dicts {
            let Ok(xobjects) = resources.get_deref(b"XObject", document).and_then(Object::as_dict) else { continue };
            for (_, value) in xobjects.iter() {
                let Ok((_, Object::Stream(stream))) = document.dereference(value) else { continue };
                if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Image") {
                    continue;
                }
                let width = stream.dict.get(b"Width").and_then(Object::as_i64).unwrap_or(0) as f32;
                let colour_space = stream.dict.get(b"ColorSpace").and_then(Object::as_name).unwrap_or(b"DeviceGray");
                let bits = stream.dict.get(b"BitsPerComponent").and_then(Object::as_i64).unwrap_or(1);
                let is_grey = colour_space == b"DeviceGray" || bits == 1;
                grey &= is_grey;
                let dpi = width / (media.0 / 72.0);
                if best.is_none_or(|(d, _)| dpi > d) {
                    best = Some((dpi, is_grey));
                }
            }
        }
    }
    let dpi = best.map(|(d, _)| (d / 5.0).round() as u32 * 5).filter(|d| *d >= 50).unwrap_or(300).min(1200);
    (dpi, grey, media.0, media.1)
}

/// A page of a scanner's PDF, as cheaply as it can be had, with its resolution.
pub enum PdfPage {
    /// The page's one image, as a file of its own: a JPEG or PNG.
    File(crate::intake::Format, Vec<u8>, u32),
    /// The page's pixels, its image's samples or the page rendered.
    Pixels(DynamicImage, u32),
}

/// Page `page` (from 1) of a PDF: its one image where it is nothing else, else rendered.
pub fn page_image(bytes: &[u8], page: u32, limits: &Limits) -> Result<PdfPage, Refusal> {
    let document = load(bytes)?;
    let id = *document.get_pages().get(&page).ok_or(Refusal::NoPages)?;
    let (dpi, grey, _, _) = page_geometry(&document, id);
    if let Some(image) = sole_image(&document, id) {
        let dict = &image.dict;
        let number = |key: &[u8]| dict.get(key).and_then(Object::as_i64).ok();
        let (width, height) = (number(b"Width").unwrap_or(0), number(b"Height").unwrap_or(0));
        let (Ok(width), Ok(height)) = (u32::try_from(width), u32::try_from(height)) else {
            return Err(Refusal::Damaged(format!("trang {page}: kích thước ảnh không hợp lệ")));
        };
        crate::intake::check_pixels(page, width, height, limits)?;
        let filters: Vec<&[u8]> = match dict.get(b"Filter") {
            Ok(Object::Name(name)) => vec![name.as_slice()],
            Ok(Object::Array(names)) => names.iter().filter_map(|n| n.as_name().ok()).collect(),
            _ => vec![],
        };
        let colours = match dict.get(b"ColorSpace").and_then(Object::as_name) {
            Ok(b"DeviceGray") => Some(1u8),
            Ok(b"DeviceRGB") => Some(3),
            _ => None,
        };
        let bits = number(b"BitsPerComponent").and_then(|b| u8::try_from(b).ok());
        let parms = dict.get(b"DecodeParms").and_then(Object::as_dict).ok();
        let predictor = parms.and_then(|p| p.get(b"Predictor").and_then(Object::as_i64).ok()).unwrap_or(1);
        match (filters.as_slice(), colours, bits) {
            ([b"DCTDecode"], _, _) => return Ok(PdfPage::File(crate::intake::Format::Jpeg, image.content.clone(), dpi)),
            ([b"FlateDecode"], Some(colours), Some(bits)) if predictor >= 10 => {
                let columns = parms.and_then(|p| p.get(b"Columns").and_then(Object::as_i64).ok()).unwrap_or(1);
                let per_pixel = parms.and_then(|p| p.get(b"Colors").and_then(Object::as_i64).ok()).unwrap_or(1);
                if columns == i64::from(width)
                    && per_pixel == i64::from(colours)
                    && let Some(png) = crate::png::framed(width, height, colours, bits, &image.content)
                {
                    return Ok(PdfPage::File(crate::intake::Format::Png, png, dpi));
                }
            }
            ([b"FlateDecode"], Some(colours), Some(8)) if predictor == 1 => {
                let samples = image.decompressed_content().map_err(|e| Refusal::Damaged(format!("trang {page}: {e}")))?;
                let pixels = match colours {
                    1 => image::GrayImage::from_raw(width, height, samples).map(DynamicImage::ImageLuma8),
                    _ => image::RgbImage::from_raw(width, height, samples).map(DynamicImage::ImageRgb8),
                };
                if let Some(pixels) = pixels {
                    return Ok(PdfPage::Pixels(pixels, dpi));
                }
            }
            _ => {}
        }
    }
    let (image, dpi) = render_page(bytes, page, dpi, grey, limits)?;
    Ok(PdfPage::Pixels(image, dpi))
}

/// The page's image when the page shows nothing else and the image covers it exactly: the page's
/// content draws one image XObject, unrotated, over the whole media box, and otherwise only
/// invisible text (a scanner's own OCR). Whatever else it draws (paths, forms, visible text, an
/// inline image, a mask) leaves it to be rendered.
fn sole_image(document: &Document, page: ObjectId) -> Option<&lopdf::Stream> {
    let dict = document.get_dictionary(page).ok()?;
    if dict.get(b"Rotate").and_then(Object::as_i64).unwrap_or(0) % 360 != 0 {
        return None;
    }
    let media: Vec<f32> = dict.get(b"MediaBox").ok()?.as_array().ok()?.iter().filter_map(|v| v.as_float().ok()).collect::<Vec<f32>>();
    let [x0, y0, x1, y1] = media.as_slice() else { return None };
    // A content stream is small; one that inflates past this is not a scanner's page.
    let content = lopdf::content::Content::decode(&document.get_page_content_with_limit(page, 4 << 20).ok()?).ok()?;
    let (resources, resource_ids) = document.get_page_resources(page).ok()?;
    let xobject = |name: &[u8]| -> Option<&lopdf::Stream> {
        let dicts = resources.into_iter().chain(resource_ids.iter().filter_map(|id| document.get_dictionary(*id).ok()));
        for resources in dicts {
            if let Ok(xobjects) = resources.get_deref(b"XObject", document).and_then(Object::as_dict)
                && let Ok(value) = xobjects.get(name)
            {
                return document.dereference(value).ok().and_then(|(_, o)| o.as_stream().ok());
            }
        }
        None
    };
    type Matrix = [f32; 6];
    let multiply = |m: Matrix, n: Matrix| -> Matrix {
        [
            m[0] * n[0] + m[1] * n[2],
            m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2],
            m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4],
            m[4] * n[1] + m[5] * n[3] + n[5],
        ]
    };
    let (mut ctm, mut invisible): (Matrix, bool) = ([1.0, 0.0, 0.0, 1.0, 0.0, 0.0], false);
    let mut saved: Vec<(Matrix, bool)> = vec![];
    let mut found: Option<(&lopdf::Stream, Matrix)> = None;
    for op in &content.operations {
        match op.operator.as_str() {
            "q" => saved.push((ctm, invisible)),
            "Q" => (ctm, invisible) = saved.pop().unwrap_or(([1.0, 0.0, 0.0, 1.0, 0.0, 0.0], false)),
            "cm" => {
                let m: Vec<f32> = op.operands.iter().filter_map(|v| v.as_float().ok()).collect();
                let m: Matrix = m.try_into().ok()?;
                ctm = multiply(m, ctm);
            }
            "Tr" => invisible = op.operands.first().and_then(|v| v.as_i64().ok()) == Some(3),
            "Tj" | "TJ" | "'" | "\"" if !invisible => return None,
            "Do" => {
                let stream = xobject(op.operands.first()?.as_name().ok()?)?;
                if found.is_some() || stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Image".as_slice()) {
                    return None;
                }
                found = Some((stream, ctm));
            }
            "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "S" | "s" | "sh" | "BI" | "ID" | "EI" => return None,
            _ => {}
        }
    }
    let (image, m) = found?;
    let masked = [b"ImageMask".as_slice(), b"SMask", b"Mask", b"Decode"].iter().any(|key| image.dict.has(key));
    let near = |a: f32, b: f32| (a - b).abs() <= 1.0 + 0.005 * b.abs();
    let covers = m[1] == 0.0 && m[2] == 0.0 && near(m[0], x1 - x0) && near(m[3], y1 - y0) && near(m[4], *x0) && near(m[5], *y0);
    (covers && !masked).then_some(image)
}

/// Renders page `page` (from 1) at `dpi`, with poppler's pdftoppm.
fn render_page(bytes: &[u8], page: u32, dpi: u32, grey: bool, limits: &Limits) -> Result<(DynamicImage, u32), Refusal> {
    let dir = tempfile::tempdir().map_err(|e| Refusal::Unsupported(format!("không tạo được thư mục tạm ({e})")))?;
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, bytes).map_err(|e| Refusal::Unsupported(format!("không ghi được tệp tạm ({e})")))?;
    let output = dir.path().join("page");
    let mut command = std::process::Command::new("pdftoppm");
    command.args(["-r", &dpi.to_string(), "-f", &page.to_string(), "-l", &page.to_string(), "-singlefile", "-png"]);
    if grey {
        command.arg("-gray");
    }
    let status = command
        .arg(&input)
        .arg(&output)
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| Refusal::Unsupported(format!("không chạy được pdftoppm (cài gói poppler-utils): {e}")))?;
    if !status.success() {
        return Err(Refusal::Damaged(format!("pdftoppm không dựng được trang {page}")));
    }
    let png = std::fs::read(dir.path().join("page.png")).map_err(|e| Refusal::Damaged(e.to_string()))?;
    let decoded = crate::intake::decode_page(crate::intake::Format::Png, &png, 1, limits)?;
    Ok((decoded.image, dpi))
}
