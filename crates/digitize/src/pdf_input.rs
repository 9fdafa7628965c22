//! PDF files from scanners: checked with lopdf (every object, including those packed in object
//! streams, so no JavaScript hides in a compressed stream), and their pages rendered with
//! poppler's `pdftoppm` at the resolution of the images they carry.

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

/// Renders page `page` (from 1) at the resolution of its images, with poppler's pdftoppm.
pub fn render_page(bytes: &[u8], page: u32, limits: &Limits) -> Result<(DynamicImage, Option<u32>), Refusal> {
    let document = load(bytes)?;
    let id = *document.get_pages().get(&page).ok_or(Refusal::NoPages)?;
    let (dpi, grey, _, _) = page_geometry(&document, id);
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
    Ok((decoded.image, Some(dpi)))
}
