//! Intake: what a scanner's file is, whether Kho will take it, and its pages as images.
//!
//! Nothing is trusted: the format is read from the bytes (an extension that lies is refused),
//! sizes and page counts are bounded before anything is decoded, every page is decoded once at
//! intake so that a truncated or damaged file is refused with its name and the reason, and a
//! PDF carrying JavaScript, embedded files or launch actions is refused outright.

use image::{DynamicImage, GrayImage, ImageBuffer, ImageDecoder, ImageReader, RgbImage};
use std::io::Cursor;

/// What a master is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Tiff,
    Jpeg,
    Png,
    Pdf,
}

impl Format {
    pub fn code(self) -> &'static str {
        match self {
            Format::Tiff => "tiff",
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Pdf => "pdf",
        }
    }

    pub fn from_code(code: &str) -> Option<Format> {
        [Format::Tiff, Format::Jpeg, Format::Png, Format::Pdf].into_iter().find(|f| f.code() == code)
    }

    fn label(self) -> &'static str {
        match self {
            Format::Tiff => "TIFF",
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Pdf => "PDF",
        }
    }

    /// The format the bytes announce.
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
            Some(Format::Tiff)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.len() >= 5 && bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
            Some(Format::Pdf)
        } else {
            None
        }
    }

    fn from_extension(name: &str) -> Option<Format> {
        match name.rsplit_once('.')?.1.to_ascii_lowercase().as_str() {
            "tif" | "tiff" => Some(Format::Tiff),
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }
}

/// How much Kho takes from one file.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_pages: u32,
    /// Pixels of one page: an A0 map at 300 dpi has 140 million.
    pub max_pixels: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_bytes: 2 << 30, max_pages: 2_000, max_pixels: 200_000_000 }
    }
}

/// Why a file was refused: shown to the clerk with the file's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("tệp rỗng")]
    Empty,
    #[error("không phải ảnh TIFF, JPEG, PNG hay tệp PDF")]
    UnknownFormat,
    #[error("phần mở rộng .{extension} nhưng nội dung là {actual}; hãy đặt đúng tên tệp")]
    ExtensionLies { extension: String, actual: &'static str },
    #[error("tệp hỏng hoặc không đầy đủ ({0}); hãy quét hoặc chép lại")]
    Damaged(String),
    #[error("tệp khai báo hơn {max} trang, vượt giới hạn một tệp; hãy chia nhỏ")]
    TooManyPages { max: u32 },
    #[error("trang {page} khai báo {width} × {height} điểm ảnh, vượt giới hạn {max} triệu điểm ảnh một trang")]
    TooManyPixels { page: u32, width: u32, height: u32, max: u64 },
    #[error("trang {page} dài {width} × {height} điểm ảnh; mỗi cạnh tối đa {MAX_SIDE} điểm ảnh (giới hạn của JPEG trong PDF/A)")]
    TooLong { page: u32, width: u32, height: u32 },
    #[error("tệp {size} MB vượt giới hạn {max} MB")]
    TooBig { size: u64, max: u64 },
    #[error("tệp PDF chứa {0}, không được phép trong tài liệu lưu trữ")]
    PdfActive(&'static str),
    #[error("tệp PDF bị đặt mật khẩu hoặc mã hóa")]
    PdfEncrypted,
    #[error("tệp PDF không có trang nào")]
    NoPages,
    #[error("tệp PDF đồng thời là tệp nén ZIP hoặc mang dữ liệu lạ sau phần kết thúc; hãy xuất lại PDF từ máy quét hoặc phần mềm gốc")]
    Polyglot,
    #[error("là chương trình chạy được ({0}); Kho không nhận tệp chương trình")]
    Executable(&'static str),
    #[error("chứa macro (VBA); hãy lưu lại thành tệp không có macro (.docx, .xlsx) rồi gửi lại")]
    Macro,
    #[error(
        "loại tệp này không được đính kèm; Kho nhận PDF, ảnh (TIFF, JPEG, PNG), DOCX, XLSX, ODT, ODS, văn bản thuần và tệp ký số (.p7s, ASiC-E)"
    )]
    UnknownKind,
    #[error("{0}")]
    Unsupported(String),
}

/// A file named with what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Tệp “{file}”: {refusal}.")]
pub struct Refused {
    pub file: String,
    pub refusal: Refusal,
}

/// A master Kho accepts: its format and pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Master {
    pub format: Format,
    pub pages: u32,
}

/// Checks a file whole; `Ok` means every page decodes within the limits.
pub fn inspect(file_name: &str, bytes: &[u8], limits: &Limits) -> Result<Master, Refused> {
    inspect_inner(bytes, file_name, limits).map_err(|refusal| Refused { file: file_name.to_string(), refusal })
}

fn inspect_inner(bytes: &[u8], file_name: &str, limits: &Limits) -> Result<Master, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if bytes.len() as u64 > limits.max_bytes {
        return Err(Refusal::TooBig { size: bytes.len() as u64 >> 20, max: limits.max_bytes >> 20 });
    }
    let format = Format::sniff(bytes).ok_or(Refusal::UnknownFormat)?;
    if let Some(claimed) = Format::from_extension(file_name)
        && claimed != format
    {
        let extension = file_name.rsplit_once('.').map(|(_, e)| e.to_string()).unwrap_or_default();
        return Err(Refusal::ExtensionLies { extension, actual: format.label() });
    }
    let pages = match format {
        Format::Pdf => {
            let pages = crate::pdf_input::inspect(bytes, limits)?;
            if is_polyglot_pdf(bytes) {
                return Err(Refusal::Polyglot);
            }
            pages
        }
        Format::Tiff => {
            let count = tiff_pages(bytes, limits)?;
            for page in 1..=count {
                decode_page(format, bytes, page, limits)?;
            }
            count
        }
        Format::Jpeg | Format::Png => {
            // JPEG decoders fill a cut file with grey rather than fail: a whole JPEG ends with EOI.
            let end = bytes.iter().rposition(|b| *b != 0).map(|i| &bytes[..=i]).unwrap_or_default();
            if format == Format::Jpeg && !end.ends_with(&[0xFF, 0xD9]) {
                return Err(Refusal::Damaged("ảnh JPEG thiếu phần cuối, tệp bị cắt".into()));
            }
            decode_page(format, bytes, 1, limits)?;
            1
        }
    };
    Ok(Master { format, pages })
}

/// A decoded page and the resolution its file declares (or that its size implies).
pub struct PageImage {
    pub image: DynamicImage,
    pub dpi: u32,
    /// True when the file declared no resolution and it was inferred from an A4 sheet.
    pub dpi_inferred: bool,
    /// The file's own bytes when the PDF can carry them as they are (a JPEG, or a plain PNG:
    /// see [`crate::png::embeddable`]) rather than encode the page again.
    pub carried: Option<bytes::Bytes>,
    /// The quality of the JPEG the pixels came from, if they did: encoding them losslessly, or
    /// at a higher quality, spends bytes on the first encoding's noise.
    pub jpeg_quality: Option<u8>,
}

fn damaged(e: impl std::fmt::Display) -> Refusal {
    Refusal::Damaged(e.to_string())
}

fn tiff_decoder<'a>(bytes: &'a [u8], limits: &Limits) -> Result<tiff::decoder::Decoder<Cursor<&'a [u8]>>, Refusal> {
    let mut tiff_limits = tiff::decoder::Limits::default();
    tiff_limits.decoding_buffer_size = (limits.max_pixels * 8) as usize;
    Ok(tiff::decoder::Decoder::new(Cursor::new(bytes)).map_err(damaged)?.with_limits(tiff_limits))
}

/// Counts a TIFF's pages, refusing more than the limit without reading past it.
fn tiff_pages(bytes: &[u8], limits: &Limits) -> Result<u32, Refusal> {
    let mut decoder = tiff_decoder(bytes, limits)?;
    let mut count = 1;
    while decoder.more_images() {
        if count >= limits.max_pages {
            return Err(Refusal::TooManyPages { max: limits.max_pages });
        }
        decoder.next_image().map_err(damaged)?;
        count += 1;
    }
    Ok(count)
}

/// The longest side a page may have: its image goes into the PDF/A as a JPEG, whose sides are
/// 16-bit.
pub const MAX_SIDE: u32 = 65_000;

pub(crate) fn check_pixels(page: u32, width: u32, height: u32, limits: &Limits) -> Result<(), Refusal> {
    if width == 0 || height == 0 {
        return Err(Refusal::Damaged(format!("trang {page} không có điểm ảnh")));
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(Refusal::TooManyPixels { page, width, height, max: limits.max_pixels / 1_000_000 });
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(Refusal::TooLong { page, width, height });
    }
    Ok(())
}

/// Resolution from an A4 sheet (297 mm on the long side) when a file declares none.
fn a4_dpi(width: u32, height: u32) -> u32 {
    (f64::from(width.max(height)) / (297.0 / 25.4)).round() as u32
}

/// Decodes page `page` (from 1) of a master.
pub fn decode_page(format: Format, bytes: &[u8], page: u32, limits: &Limits) -> Result<PageImage, Refusal> {
    let (image, declared) = match format {
        Format::Tiff => decode_tiff_page(bytes, page, limits)?,
        Format::Jpeg | Format::Png => {
            let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(damaged)?;
            let mut image_limits = image::Limits::default();
            image_limits.max_alloc = Some(limits.max_pixels * 4);
            reader.limits(image_limits);
            let decoder = reader.into_decoder().map_err(damaged)?;
            let (width, height) = decoder.dimensions();
            check_pixels(page, width, height, limits)?;
            let image = DynamicImage::from_decoder(decoder).map_err(damaged)?;
            let dpi = if format == Format::Jpeg { jpeg_dpi(bytes) } else { crate::png::dpi(bytes) };
            (image, dpi)
        }
        Format::Pdf => {
            return match crate::pdf_input::page_image(bytes, page, limits)? {
                // The page's own image, read as the file it is, at the resolution the page gives it.
                crate::pdf_input::PdfPage::File(format, image, dpi) => {
                    Ok(PageImage { dpi, dpi_inferred: false, ..decode_page(format, &image, 1, limits)? })
                }
                crate::pdf_input::PdfPage::Pixels(image, dpi) => {
                    Ok(PageImage { image, dpi, dpi_inferred: false, carried: None, jpeg_quality: None })
                }
            };
        }
    };
    // A resolution no scanner writes (a corrupt or hand-made header) is treated as missing: it
    // would make the page a few points wide in the PDF.
    let declared = declared.filter(|dpi| (1..=MAX_DPI).contains(dpi));
    let dpi_inferred = declared.is_none();
    let dpi = declared.unwrap_or_else(|| a4_dpi(image.width(), image.height()));
    let plain = matches!(image, DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_));
    let carriable = match format {
        Format::Jpeg => plain && jpeg_is_grey_or_ycc(bytes),
        Format::Png => plain && crate::png::carriable(bytes),
        _ => false,
    };
    let carried = carriable.then(|| bytes::Bytes::copy_from_slice(bytes));
    let jpeg_quality = if format == Format::Jpeg { Some(jpeg_quality(bytes).unwrap_or(100)) } else { None };
    Ok(PageImage { image, dpi, dpi_inferred, carried, jpeg_quality })
}

fn decode_tiff_page(bytes: &[u8], page: u32, limits: &Limits) -> Result<(DynamicImage, Option<u32>), Refusal> {
    use tiff::ColorType;
    use tiff::decoder::DecodingResult;
    let mut decoder = tiff_decoder(bytes, limits)?;
    decoder.seek_to_image((page - 1) as usize).map_err(damaged)?;
    let (width, height) = decoder.dimensions().map_err(damaged)?;
    check_pixels(page, width, height, limits)?;
    let colour = decoder.colortype().map_err(damaged)?;
    let dpi = tiff_dpi(&mut decoder);
    let pixels = decoder.read_image().map_err(damaged)?;
    let wrong = || Refusal::Damaged(format!("trang {page}: dữ liệu ảnh không khớp kích thước"));
    let image = match (colour, pixels) {
        (ColorType::Gray(1), DecodingResult::U8(packed)) => {
            let row_bytes = width.div_ceil(8) as usize;
            if packed.len() < row_bytes * height as usize {
                return Err(wrong());
            }
            let mut out = Vec::with_capacity((width * height) as usize);
            for row in packed.chunks_exact(row_bytes).take(height as usize) {
                for x in 0..width as usize {
                    out.push(if row[x / 8] & (0x80 >> (x % 8)) != 0 { 255 } else { 0 });
                }
            }
            DynamicImage::ImageLuma8(GrayImage::from_raw(width, height, out).ok_or_else(wrong)?)
        }
        (ColorType::Gray(8), DecodingResult::U8(v)) => DynamicImage::ImageLuma8(GrayImage::from_raw(width, height, v).ok_or_else(wrong)?),
        (ColorType::Gray(16), DecodingResult::U16(v)) => {
            DynamicImage::ImageLuma16(ImageBuffer::from_raw(width, height, v).ok_or_else(wrong)?)
        }
        (ColorType::RGB(8) | ColorType::YCbCr(8), DecodingResult::U8(v)) => {
            DynamicImage::ImageRgb8(RgbImage::from_raw(width, height, v).ok_or_else(wrong)?)
        }
        (ColorType::RGB(16), DecodingResult::U16(v)) => {
            DynamicImage::ImageRgb16(ImageBuffer::from_raw(width, height, v).ok_or_else(wrong)?)
        }
        (ColorType::RGBA(8), DecodingResult::U8(v)) => {
            DynamicImage::ImageRgba8(ImageBuffer::from_raw(width, height, v).ok_or_else(wrong)?).to_rgb8().into()
        }
        (other, _) => {
            return Err(Refusal::Unsupported(format!(
                "trang {page} dùng hệ màu {other:?}, Kho chưa đọc được; hãy quét ở chế độ màu RGB hoặc thang xám"
            )));
        }
    };
    Ok((image, dpi))
}

fn tiff_dpi(decoder: &mut tiff::decoder::Decoder<Cursor<&[u8]>>) -> Option<u32> {
    use tiff::tags::Tag;
    let value = decoder.find_tag(Tag::XResolution).ok()??;
    let resolution = match value {
        tiff::decoder::ifd::Value::Rational(n, d) if d != 0 => f64::from(n) / f64::from(d),
        other => other.into_f64().ok()?,
    };
    let unit = decoder.find_tag_unsigned::<u16>(Tag::ResolutionUnit).ok().flatten().unwrap_or(2);
    let dpi = match unit {
        3 => resolution * 2.54,
        2 => resolution,
        _ => return None,
    };
    (dpi >= 1.0).then(|| dpi.round() as u32)
}

/// The JFIF density of a JPEG, in dots per inch.
/// The segments of a JPEG before its image data: (marker, data).
fn jpeg_segments(bytes: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    let mut i = 2;
    std::iter::from_fn(move || {
        if bytes.get(i) != Some(&0xFF) || bytes.get(i + 1) == Some(&0xDA) {
            return None;
        }
        let marker = *bytes.get(i + 1)?;
        let length = usize::from(u16::from_be_bytes([*bytes.get(i + 2)?, *bytes.get(i + 3)?]));
        let data = bytes.get(i + 4..(i + 2 + length).max(i + 4))?;
        i += 2 + length;
        Some((marker, data))
    })
}

fn jpeg_dpi(bytes: &[u8]) -> Option<u32> {
    let (_, app0) = jpeg_segments(bytes).find(|(marker, data)| *marker == 0xE0 && data.starts_with(b"JFIF\0"))?;
    let units = *app0.get(7)?;
    let x = u16::from_be_bytes([*app0.get(8)?, *app0.get(9)?]);
    match units {
        1 if x > 1 => Some(u32::from(x)),
        2 if x > 1 => Some((f64::from(x) * 2.54).round() as u32),
        _ => None,
    }
}

/// The highest resolution taken as declared; above it the file's figure is not believed.
const MAX_DPI: u32 = 4800;

/// True when a JPEG has one or three components and no Adobe CMYK/YCCK transform: what a PDF's
/// DCTDecode shows as DeviceGray or DeviceRGB. A CMYK JPEG decodes to RGB pixels but its bytes
/// are four-channel: it is encoded again rather than carried.
fn jpeg_is_grey_or_ycc(bytes: &[u8]) -> bool {
    let mut components = None;
    for (marker, data) in jpeg_segments(bytes) {
        match marker {
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => components = data.get(5).copied(),
            0xEE if data.starts_with(b"Adobe") && data.get(11) == Some(&2) => return false,
            _ => {}
        }
    }
    matches!(components, Some(1 | 3))
}

/// The IJG quality (1–100) a JPEG's luminance quantisation table corresponds to: the scale of
/// the table against the standard one (Annex K), read back through libjpeg's quality formula.
pub fn jpeg_quality(bytes: &[u8]) -> Option<u8> {
    const STANDARD_SUM: u32 = 3_688; // the sum of ITU-T T.81 table K.1
    for (marker, mut data) in jpeg_segments(bytes) {
        if marker != 0xDB {
            continue;
        }
        while let Some((&spec, rest)) = data.split_first() {
            let (wide, table) = (spec >> 4 != 0, spec & 0x0F);
            let size = if wide { 128 } else { 64 };
            let values = rest.get(..size)?;
            if table == 0 {
                let sum: u32 = if wide {
                    values.chunks(2).map(|v| u32::from(u16::from_be_bytes([v[0], v[1]]))).sum()
                } else {
                    values.iter().map(|v| u32::from(*v)).sum()
                };
                let scale = f64::from(sum) * 100.0 / f64::from(STANDARD_SUM);
                let quality = if scale <= 100.0 { (200.0 - scale) / 2.0 } else { 5000.0 / scale };
                return Some(quality.round().clamp(1.0, 100.0) as u8);
            }
            data = &rest[size..];
        }
    }
    None
}

/// A PDF that is also something else: a ZIP a zip reader finds (its central directory near the
/// end), or bytes after the last `%%EOF` that are not padding.
fn is_polyglot_pdf(bytes: &[u8]) -> bool {
    if zip::ZipArchive::new(Cursor::new(bytes)).is_ok() {
        return true;
    }
    match bytes.windows(5).rposition(|w| w == b"%%EOF") {
        Some(end) => !bytes[end + 5..].iter().all(|b| b.is_ascii_whitespace() || *b == 0),
        None => false,
    }
}

/// What a file attached to a hồ sơ or a biên bản is, decided from its bytes, after the checks of
/// its kind: PDFs and images as số hóa checks them; DOCX, XLSX, ODT, ODS and ASiC-E containers by
/// their parts (macros, bombs, paths out refused); plain text; CMS signatures. Executables and
/// anything else are refused. Returns the media type to serve it with.
pub fn attachment(file_name: &str, bytes: &[u8], limits: &Limits) -> Result<&'static str, Refused> {
    let refused = |refusal| Refused { file: file_name.to_string(), refusal };
    if bytes.is_empty() {
        return Err(refused(Refusal::Empty));
    }
    if bytes.len() as u64 > limits.max_bytes {
        return Err(refused(Refusal::TooBig { size: bytes.len() as u64 >> 20, max: limits.max_bytes >> 20 }));
    }
    for (magic, what) in [
        (&b"MZ"[..], "Windows"),
        (&b"\x7fELF"[..], "Linux"),
        (&b"\xcf\xfa\xed\xfe"[..], "macOS"),
        (&b"\xca\xfe\xba\xbe"[..], "macOS/Java"),
        (&b"#!"[..], "tập lệnh"),
    ] {
        if bytes.starts_with(magic) {
            return Err(refused(Refusal::Executable(what)));
        }
    }
    if let Some(format) = Format::sniff(bytes) {
        inspect(file_name, bytes, limits)?;
        return Ok(match format {
            Format::Pdf => "application/pdf",
            Format::Tiff => "image/tiff",
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
        });
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return container(bytes, limits).map_err(refused);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        let vba: Vec<u8> = "_VBA_PROJECT".encode_utf16().flat_map(u16::to_le_bytes).collect();
        if bytes.windows(vba.len()).any(|w| w == vba.as_slice()) {
            return Err(refused(Refusal::Macro));
        }
        return match file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref() {
            Some("doc") => Ok("application/msword"),
            Some("xls") => Ok("application/vnd.ms-excel"),
            _ => Err(refused(Refusal::UnknownKind)),
        };
    }
    let extension = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if bytes[0] == 0x30 && matches!(extension.as_str(), "p7s" | "p7m" | "sig") {
        return Ok("application/pkcs7-signature");
    }
    let text = std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0);
    if text && matches!(extension.as_str(), "txt" | "csv" | "xml" | "md" | "") {
        return Ok("text/plain; charset=utf-8");
    }
    Err(refused(Refusal::UnknownKind))
}

/// An office file or signed container by its parts, without extracting it.
fn container(bytes: &[u8], limits: &Limits) -> Result<&'static str, Refusal> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    let mut total = 0u64;
    let mut names = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(damaged)?;
        let name = entry.name().map_err(damaged)?.replace('\\', "/");
        if name.starts_with('/') || name.split('/').any(|part| part == "..") || name.contains(':') {
            return Err(Refusal::Unsupported(format!("có đường dẫn “{name}” trỏ ra ngoài thư mục")));
        }
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("vbaproject.bin") || lower.starts_with("basic/") {
            return Err(Refusal::Macro);
        }
        total = total.saturating_add(entry.size());
        if total > limits.max_bytes || (entry.size() > 64 << 20 && entry.size() > entry.compressed_size().saturating_mul(200)) {
            return Err(Refusal::Unsupported("giải nén ra quá lớn (tệp nén “bom”)".into()));
        }
        names.push(lower);
    }
    let has = |n: &str| names.iter().any(|x| x == n);
    let mimetype = if has("mimetype") {
        let mut text = String::new();
        let mut part = archive.by_name("mimetype").map_err(damaged)?;
        std::io::Read::read_to_string(&mut std::io::Read::take(&mut part, 200), &mut text).map_err(damaged)?;
        text.trim().to_string()
    } else {
        String::new()
    };
    if has("[content_types].xml") {
        let mut types = String::new();
        let mut part = archive.by_name("[Content_Types].xml").map_err(damaged)?;
        std::io::Read::read_to_string(&mut std::io::Read::take(&mut part, 1 << 20), &mut types).map_err(damaged)?;
        if types.contains("macroEnabled") {
            return Err(Refusal::Macro);
        }
        if has("word/document.xml") {
            return Ok("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        }
        if has("xl/workbook.xml") {
            return Ok("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        }
    }
    match mimetype.as_str() {
        "application/vnd.oasis.opendocument.text" => Ok("application/vnd.oasis.opendocument.text"),
        "application/vnd.oasis.opendocument.spreadsheet" => Ok("application/vnd.oasis.opendocument.spreadsheet"),
        "application/vnd.etsi.asic-e+zip" | "application/vnd.etsi.asic-s+zip" => Ok("application/vnd.etsi.asic-e+zip"),
        _ => Err(Refusal::Unsupported("tệp nén (ZIP) không được đính kèm nguyên khối; hãy gửi từng tệp".into())),
    }
}

/// The files inside a zip of scans, refusing paths that climb out (`../`) or start at the
/// root, and more bytes than the limit once unpacked (a zip bomb).
pub fn unzip(file_name: &str, bytes: &[u8], limits: &Limits) -> Result<Vec<(String, Vec<u8>)>, Refused> {
    let refused = |refusal| Refused { file: file_name.to_string(), refusal };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| refused(damaged(e)))?;
    let mut files = vec![];
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| refused(damaged(e)))?;
        let name = entry.name().map_err(|e| refused(damaged(e)))?.replace('\\', "/");
        if name.starts_with('/') || name.split('/').any(|part| part == "..") || name.contains(':') {
            return Err(refused(Refusal::Unsupported(format!("có đường dẫn “{name}” trỏ ra ngoài thư mục; không giải nén"))));
        }
        if entry.is_dir() || name.starts_with("__MACOSX/") || name.rsplit('/').next().is_some_and(|n| n.starts_with('.')) {
            continue;
        }
        total += entry.size();
        if total > limits.max_bytes {
            return Err(refused(Refusal::TooBig { size: total >> 20, max: limits.max_bytes >> 20 }));
        }
        let declared = entry.size();
        let mut content = Vec::with_capacity(declared.min(64 << 20) as usize);
        // Read at most what the header declared, plus one byte to catch a lying header.
        std::io::Read::read_to_end(&mut std::io::Read::take(&mut entry, declared + 1), &mut content).map_err(|e| refused(damaged(e)))?;
        if content.len() as u64 > declared {
            return Err(refused(Refusal::Damaged(format!("“{name}” lớn hơn kích thước khai báo"))));
        }
        files.push((name, content));
    }
    Ok(files)
}
