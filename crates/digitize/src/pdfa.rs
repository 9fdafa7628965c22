//! The two-layer PDF/A of TT 05/2025: each page the scanned image, and over it the words Tesseract
//! read, invisible (text render mode 3) and placed on their boxes, so that search, selection and
//! `pdftotext` find the Vietnamese text, diacritics intact and words apart.
//!
//! The text is drawn in Tesseract's GlyphLessFont (Apache-2.0; every glyph blank, 500 units wide,
//! CID = UTF-16 code unit, ToUnicode identity): each word carries its trailing space, is sized to
//! its line and stretched (Tz) to reach the next word, so extraction neither merges nor splits
//! words. The file declares PDF/A-2b (or -1b) in XMP that mirrors the Info dictionary, carries an
//! sRGB output intent, embeds its one font, and uses no transparency, JavaScript or encryption.

use crate::ocr::Word;
use chrono::{DateTime, FixedOffset};
use pdf_writer::types::{CidFontType, FontFlags, OutputIntentSubtype, Predictor, SystemInfo, TextRenderingMode};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::io::Write;

const GLYPHLESS_FONT: &[u8] = include_bytes!("../assets/GlyphLessFont.ttf");
const SRGB: &[u8] = include_bytes!("../assets/sRGB-v2.icc");

/// Which PDF/A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conformance {
    /// PDF/A-1b (ISO 19005-1): what PDFBox preflight can validate.
    A1b,
    /// PDF/A-2b (ISO 19005-2): TT 05/2025's target.
    A2b,
}

impl Conformance {
    pub fn label(self) -> &'static str {
        match self {
            Conformance::A1b => "PDF/A-1b",
            Conformance::A2b => "PDF/A-2b",
        }
    }
}

/// A page's image as the PDF carries it: JPEG bytes (DCTDecode) or a PNG's compressed rows
/// (FlateDecode with the PNG predictors), unchanged either way.
pub enum Picture<'a> {
    Jpeg(&'a [u8]),
    Png(crate::png::Embeddable),
}

impl<'a> Picture<'a> {
    /// The picture in a page image's bytes (JPEG, or a PNG the PDF can carry); `None` otherwise.
    pub fn of(bytes: &'a [u8]) -> Option<Picture<'a>> {
        if bytes.starts_with(&[0xFF, 0xD8]) { Some(Picture::Jpeg(bytes)) } else { crate::png::embeddable(bytes).map(Picture::Png) }
    }
}

/// A page to write: its image, its size in pixels and resolution, and the words on it.
pub struct Page<'a> {
    pub picture: Picture<'a>,
    pub width: u32,
    pub height: u32,
    pub dpi: u32,
    pub colour: bool,
    pub words: &'a [Word],
}

/// What the catalogue says of the document, written into Info and XMP.
pub struct Metadata {
    pub title: String,
    /// The digitizing organisation.
    pub author: String,
    /// The mã hồ sơ (or mã văn bản).
    pub subject: String,
    pub keywords: String,
    pub created: DateTime<FixedOffset>,
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

fn utf16be(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

fn pdf_date(date: &DateTime<FixedOffset>) -> pdf_writer::Date {
    let offset = date.offset().local_minus_utc();
    let (hours, minutes) = ((offset / 3600) as i8, ((offset.abs() % 3600) / 60) as u8);
    use chrono::{Datelike, Timelike};
    pdf_writer::Date::new(date.year() as u16)
        .month(date.month() as u8)
        .day(date.day() as u8)
        .hour(date.hour() as u8)
        .minute(date.minute() as u8)
        .second(date.second() as u8)
        .utc_offset_hour(hours)
        .utc_offset_minute(minutes)
}

fn xmp(meta: &Metadata, conformance: Conformance) -> String {
    let date = meta.created.format("%Y-%m-%dT%H:%M:%S%:z").to_string();
    let part = if conformance == Conformance::A1b { 1 } else { 2 };
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n\
<dc:format>application/pdf</dc:format>\n\
<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>\n\
<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{subject}</rdf:li></rdf:Alt></dc:description>\n\
</rdf:Description>\n\
<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n\
<xmp:CreateDate>{date}</xmp:CreateDate>\n<xmp:ModifyDate>{date}</xmp:ModifyDate>\n<xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
<xmp:CreatorTool>Kho</xmp:CreatorTool>\n\
</rdf:Description>\n\
<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n\
<pdf:Producer>Kho</pdf:Producer>\n<pdf:Keywords>{keywords}</pdf:Keywords>\n\
</rdf:Description>\n\
<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n\
<pdfaid:part>{part}</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n\
</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>",
        title = kho_model::text::xml_escape(&meta.title),
        author = kho_model::text::xml_escape(&meta.author),
        subject = kho_model::text::xml_escape(&meta.subject),
        keywords = kho_model::text::xml_escape(&meta.keywords),
    )
}

/// The invisible text of one page, in PDF points (the image fills the page). Every word of a
/// line shares the line's baseline and size, so extraction keeps the line together.
fn text_layer(content: &mut Content, page: &Page, scale: f32, page_height: f32) {
    if page.words.is_empty() {
        return;
    }
    let mut lines: std::collections::HashMap<(u32, u32, u32), (u32, u32)> = std::collections::HashMap::new();
    for word in page.words {
        let entry = lines.entry(word.line).or_insert((word.top, word.top + word.height));
        entry.0 = entry.0.min(word.top);
        entry.1 = entry.1.max(word.top + word.height);
    }
    content.begin_text();
    content.set_text_rendering_mode(TextRenderingMode::Invisible);
    for (i, word) in page.words.iter().enumerate() {
        let next = page.words.get(i + 1).filter(|n| n.line == word.line);
        // The word with its trailing space reaches the next word on its line.
        let (text, right) = match next {
            Some(n) if n.left > word.left => (format!("{} ", word.text), n.left),
            _ => (word.text.clone(), word.left + word.width),
        };
        let (top, bottom) = lines[&word.line];
        let size = ((bottom - top) as f32 * scale).max(1.0);
        let natural = text.encode_utf16().count() as f32 * 0.5 * size;
        let target = (right - word.left).max(1) as f32 * scale;
        content.set_font(Name(b"F1"), size);
        content.set_horizontal_scaling(100.0 * target / natural);
        let baseline = page_height - bottom as f32 * scale;
        content.set_text_matrix([1.0, 0.0, 0.0, 1.0, word.left as f32 * scale, baseline]);
        content.show(Str(&utf16be(&text)));
    }
    content.end_text();
}

/// Writes the document. Pages keep their physical size (pixels ÷ dpi).
pub fn write(pages: &[Page], meta: &Metadata, conformance: Conformance) -> Vec<u8> {
    let mut pdf = Pdf::new();
    if conformance == Conformance::A1b {
        pdf.set_version(1, 4);
    } else {
        pdf.set_version(1, 7);
    }
    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let (catalog, tree, info, metadata, icc) = (alloc(), alloc(), alloc(), alloc(), alloc());
    let (font, cid_font, descriptor, font_file, to_unicode, cid_map) = (alloc(), alloc(), alloc(), alloc(), alloc(), alloc());
    let page_refs: Vec<(Ref, Ref, Ref)> = pages.iter().map(|_| (alloc(), alloc(), alloc())).collect();

    {
        let mut cat = pdf.catalog(catalog);
        cat.pages(tree).metadata(metadata).lang(TextStr("vi-VN"));
        let mut intents = cat.output_intents();
        intents
            .push()
            .subtype(OutputIntentSubtype::PDFA)
            .output_condition_identifier(TextStr("sRGB IEC61966-2.1"))
            .output_condition(TextStr("sRGB IEC61966-2.1"))
            .registry_name(TextStr("http://www.color.org"))
            .dest_output_profile(icc);
    }
    pdf.icc_profile(icc, SRGB).n(3).range([0.0, 1.0, 0.0, 1.0, 0.0, 1.0]);
    let date = pdf_date(&meta.created);
    pdf.document_info(info)
        .title(TextStr(&meta.title))
        .author(TextStr(&meta.author))
        .subject(TextStr(&meta.subject))
        .keywords(TextStr(&meta.keywords))
        .producer(TextStr("Kho"))
        .creator(TextStr("Kho"))
        .creation_date(date)
        .modified_date(date);
    let xmp = xmp(meta, conformance);
    pdf.metadata(metadata, xmp.as_bytes());

    // GlyphLessFont: one blank glyph (GID 1) for every CID.
    pdf.type0_font(font)
        .base_font(Name(b"GlyphLessFont"))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_font)
        .to_unicode(to_unicode);
    pdf.cid_font(cid_font)
        .subtype(CidFontType::Type2)
        .base_font(Name(b"GlyphLessFont"))
        .system_info(SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 })
        .font_descriptor(descriptor)
        .default_width(500.0)
        .cid_to_gid_map_stream(cid_map);
    pdf.font_descriptor(descriptor)
        .name(Name(b"GlyphLessFont"))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(0.0, 0.0, 500.0, 1000.0))
        .italic_angle(0.0)
        .ascent(1000.0)
        .descent(0.0)
        .cap_height(1000.0)
        .stem_v(80.0)
        .font_file2(font_file);
    let font_bytes = deflate(GLYPHLESS_FONT);
    pdf.stream(font_file, &font_bytes).filter(Filter::FlateDecode).pair(Name(b"Length1"), GLYPHLESS_FONT.len() as i32);
    let map: Vec<u8> = (0..65536u32).flat_map(|_| [0u8, 1u8]).collect();
    let map = deflate(&map);
    pdf.stream(cid_map, &map).filter(Filter::FlateDecode);
    let cmap = b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\n\
endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    pdf.cmap(to_unicode, cmap);

    let mut kids = vec![];
    for (page, (page_ref, image_ref, content_ref)) in pages.iter().zip(&page_refs) {
        let scale = 72.0 / page.dpi.max(1) as f32;
        let (w, h) = (page.width as f32 * scale, page.height as f32 * scale);
        let mut image = match &page.picture {
            Picture::Jpeg(bytes) => {
                let mut image = pdf.image_xobject(*image_ref, bytes);
                image.filter(Filter::DctDecode);
                image.bits_per_component(8);
                image
            }
            Picture::Png(png) => {
                let mut image = pdf.image_xobject(*image_ref, &png.data);
                image.filter(Filter::FlateDecode);
                image.bits_per_component(i32::from(png.bits));
                image
                    .decode_parms()
                    .predictor(Predictor::PngOptimum)
                    .colors(i32::from(png.colours))
                    .bits_per_component(i32::from(png.bits))
                    .columns(png.width as i32);
                image
            }
        };
        image.width(page.width as i32).height(page.height as i32).interpolate(false);
        image.color_space_name(if page.colour { Name(b"DeviceRGB") } else { Name(b"DeviceGray") });
        image.finish();
        let mut content = Content::new();
        content.save_state().transform([w, 0.0, 0.0, h, 0.0, 0.0]).x_object(Name(b"Im0")).restore_state();
        text_layer(&mut content, page, scale, h);
        let stream = deflate(&content.finish());
        pdf.stream(*content_ref, &stream).filter(Filter::FlateDecode);
        let mut p = pdf.page(*page_ref);
        p.parent(tree).media_box(Rect::new(0.0, 0.0, w, h)).contents(*content_ref);
        let mut resources = p.resources();
        resources.x_objects().pair(Name(b"Im0"), *image_ref);
        resources.fonts().pair(Name(b"F1"), font);
        resources.finish();
        p.finish();
        kids.push(*page_ref);
    }
    pdf.pages(tree).kids(kids.iter().copied()).count(kids.len() as i32);
    // A stable file identifier from the content: the same pages make the same file.
    let id: Vec<u8> = kho_blobs::sha256_hex(xmp.as_bytes()).as_bytes()[..32].to_vec();
    pdf.set_file_id((id.clone(), id));
    pdf.finish()
}
