//! Official papers (văn bản hành chính) as DOCX and PDF from one description: the national
//! heading beside the issuing body, place and date, title, body paragraphs, signature blocks —
//! Times New Roman 13–14 as NĐ 30/2020 asks (Liberation Serif, metrically identical, is embedded
//! in the PDF so Vietnamese shows on any machine).

use chrono::Datelike;
use krilla::Document;
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};

const REGULAR: &[u8] = include_bytes!("../fonts/LiberationSerif-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/LiberationSerif-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("../fonts/LiberationSerif-Italic.ttf");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Normal,
    Bold,
    Italic,
}

#[derive(Debug, Clone)]
pub struct Paragraph {
    pub text: String,
    pub style: Style,
    /// Centred (headings inside the body) rather than left-aligned.
    pub centred: bool,
}

impl Paragraph {
    pub fn plain(text: impl Into<String>) -> Paragraph {
        Paragraph { text: text.into(), style: Style::Normal, centred: false }
    }

    pub fn bold(text: impl Into<String>) -> Paragraph {
        Paragraph { text: text.into(), style: Style::Bold, centred: false }
    }
}

/// A table: headers with relative widths, rows of text; the header repeats on every PDF page.
#[derive(Debug, Clone)]
pub struct Table {
    /// Columns holding numbers (written as Vietnamese text, "1.234" or "12,50"): a spreadsheet
    /// gets them as numbers, so that they sum. Every other cell stays text as written.
    pub numeric: Vec<usize>,
    pub columns: Vec<(String, f32)>,
    pub rows: Vec<Vec<String>>,
}

/// What the body of a paper is made of.
#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Table),
    PageBreak,
}

impl From<Paragraph> for Block {
    fn from(p: Paragraph) -> Block {
        Block::Paragraph(p)
    }
}

/// One signer's block: who signs, in what capacity.
#[derive(Debug, Clone)]
pub struct Signature {
    pub capacity: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct OfficialDocument {
    /// The issuing body, top left, e.g. ["UBND TỈNH ĐIỆN BIÊN", "TRUNG TÂM LƯU TRỮ LỊCH SỬ"].
    pub issuer: Vec<String>,
    /// "Số:      /BB-TTLTLSĐB" under the issuer: the number left for the văn thư to give when the
    /// paper is registered, the ký hiệu filled in.
    pub number: Option<String>,
    /// The national heading beside the issuer (letters, biên bản); finding aids go without.
    pub national_heading: bool,
    /// "Điện Biên, ngày 25 tháng 11 năm 2026".
    pub place_and_date: Option<String>,
    pub title: String,
    pub subtitle: Option<String>,
    pub body: Vec<Block>,
    pub signatures: Vec<Signature>,
}

/// The body a paper comes from, as its heading names it (NĐ 30/2020, Phụ lục I): the cơ quan chủ
/// quản trực tiếp above, in capitals, the body itself below, in bold capitals.
#[derive(Debug, Clone)]
pub struct Issuer {
    pub name: String,
    pub parent: Option<String>,
}

impl Issuer {
    pub fn heading(&self) -> Vec<String> {
        self.parent.iter().chain(std::iter::once(&self.name)).map(|l| l.to_uppercase()).collect()
    }

    /// The body's part of a ký hiệu: the initials of its name before the place it serves
    /// ("Trung tâm Lưu trữ lịch sử tỉnh Điện Biên" → TTLTLS; "UBND xã Mường Ảng" → UBND).
    pub fn abbreviation(&self) -> String {
        const PLACES: [&str; 5] = ["tỉnh", "huyện", "xã", "phường", "quận"];
        const TWO_WORD_PLACES: [&str; 3] = ["thị xã", "thị trấn", "thành phố"];
        let words: Vec<&str> = self.name.split_whitespace().collect();
        let mut out = String::new();
        for (i, word) in words.iter().enumerate() {
            let lower = word.to_lowercase();
            let pair = words.get(i + 1).map(|next| format!("{lower} {}", next.to_lowercase())).unwrap_or_default();
            if PLACES.contains(&lower.as_str()) || TWO_WORD_PLACES.contains(&pair.as_str()) {
                break;
            }
            let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
            if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
                out.extend(letters);
            } else if let Some(first) = letters.first() {
                out.push(crate::initial(*first));
            }
        }
        out
    }

    /// "Số:        /BB-TTLTLS": the number of a biên bản, left for the văn thư.
    pub fn record_number(&self) -> String {
        self.number("BB")
    }

    /// "Số:        /BC-SNV": the number of a paper of kind `kind` (BB biên bản, BC báo cáo),
    /// left for the văn thư.
    pub fn number(&self, kind: &str) -> String {
        format!("Số:        /{kind}-{}", self.abbreviation())
    }
}

pub const NATIONAL_HEADING: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

mod docx;

/// The document as DOCX, editable in Word and LibreOffice.
pub fn to_docx(doc: &OfficialDocument) -> Result<Vec<u8>, String> {
    let mut out = std::io::Cursor::new(Vec::new());
    docx::write(doc, &mut out)?;
    Ok(out.into_inner())
}

/// Width of `text` in points at `size`, from the font's advances.
fn width(face: &ttf_parser::Face, text: &str, size: f32) -> f32 {
    let units: f32 = text.chars().map(|c| face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).unwrap_or(500) as f32).sum();
    units / face.units_per_em() as f32 * size
}

/// Splits `text` into lines no wider than `max` points; a word wider than a line (a long code in
/// a narrow column) is broken between characters. Widths are summed word by word, so a long
/// paragraph costs one pass.
fn wrap(face: &ttf_parser::Face, text: &str, size: f32, max: f32) -> Vec<String> {
    let space = width(face, " ", size);
    let mut lines = Vec::new();
    for source_line in text.split('\n') {
        let mut pieces: Vec<(String, f32)> = Vec::new();
        for word in source_line.split(' ') {
            let w = width(face, word, size);
            if w <= max {
                pieces.push((word.to_string(), w));
                continue;
            }
            let (mut piece, mut piece_width) = (String::new(), 0.0);
            for c in word.chars() {
                let cw = width(face, c.encode_utf8(&mut [0; 4]), size);
                if !piece.is_empty() && piece_width + cw > max {
                    pieces.push((std::mem::take(&mut piece), piece_width));
                    piece_width = 0.0;
                }
                piece.push(c);
                piece_width += cw;
            }
            pieces.push((piece, piece_width));
        }
        let (mut line, mut line_width) = (String::new(), 0.0);
        for (word, w) in pieces {
            if !line.is_empty() && line_width + space + w > max {
                lines.push(std::mem::take(&mut line));
                line_width = 0.0;
            }
            if !line.is_empty() {
                line.push(' ');
                line_width += space;
            }
            line.push_str(&word);
            line_width += w;
        }
        lines.push(line);
    }
    lines
}

struct Fonts {
    regular: (Font, ttf_parser::Face<'static>),
    bold: (Font, ttf_parser::Face<'static>),
    italic: (Font, ttf_parser::Face<'static>),
}

impl Fonts {
    fn load() -> Fonts {
        let load = |bytes: &'static [u8]| {
            (Font::new(bytes.into(), 0).expect("embedded font"), ttf_parser::Face::parse(bytes, 0).expect("embedded font"))
        };
        Fonts { regular: load(REGULAR), bold: load(BOLD), italic: load(ITALIC) }
    }

    fn get(&self, style: Style) -> &(Font, ttf_parser::Face<'static>) {
        match style {
            Style::Normal => &self.regular,
            Style::Bold => &self.bold,
            Style::Italic => &self.italic,
        }
    }
}

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const LEFT: f32 = 85.0;
const RIGHT: f32 = 57.0;
const TOP: f32 = 57.0;
const BOTTOM: f32 = 57.0;

/// A line of text placed on a page: where it starts (x, baseline y), its face and size.
struct Placed {
    x: f32,
    y: f32,
    style: Style,
    size: f32,
    text: String,
}

/// Lays text out page by page.
struct Writer<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Placed>>,
    /// Ruled lines: page, x0, x1, y0, y1.
    rules: Vec<(usize, f32, f32, f32, f32)>,
    y: f32,
}

impl<'f> Writer<'f> {
    fn new(fonts: &'f Fonts) -> Self {
        Writer { fonts, pages: vec![vec![]], rules: vec![], y: TOP }
    }

    fn ensure(&mut self, height: f32) {
        if self.y + height > PAGE_H - BOTTOM {
            self.pages.push(vec![]);
            self.y = TOP;
        }
    }

    /// Text in the column `[x0, x1]`, centred or left-aligned; returns the height used.
    fn block(&mut self, text: &str, style: Style, size: f32, (x0, x1): (f32, f32), centred: bool, y: f32) -> f32 {
        let face = &self.fonts.get(style).1;
        let lines = wrap(face, text, size, x1 - x0);
        let leading = size * 1.35;
        for (i, line) in lines.iter().enumerate() {
            let w = width(face, line, size);
            let x = if centred { x0 + (x1 - x0 - w) / 2.0 } else { x0 };
            self.pages.last_mut().expect("a page").push(Placed { x, y: y + size + i as f32 * leading, style, size, text: line.clone() });
        }
        lines.len() as f32 * leading
    }

    fn paragraph(&mut self, text: &str, style: Style, size: f32, centred: bool) {
        let face = &self.fonts.get(style).1;
        let height = wrap(face, text, size, PAGE_W - LEFT - RIGHT).len() as f32 * size * 1.35;
        self.ensure(height);
        let y = self.y;
        self.y += self.block(text, style, size, (LEFT, PAGE_W - RIGHT), centred, y) + size * 0.35;
    }

    /// A table with borders; the header row repeats after every page break.
    fn table(&mut self, table: &Table) {
        let size = 10.5;
        let leading = size * 1.3;
        let pad = 3.0;
        let total: f32 = table.columns.iter().map(|(_, w)| w).sum();
        let span = PAGE_W - LEFT - RIGHT;
        let mut xs = vec![LEFT];
        for (_, w) in &table.columns {
            xs.push(xs.last().expect("start") + span * w / total);
        }
        let measure = |fonts: &Fonts, cells: &[String], style: Style| -> (Vec<Vec<String>>, f32) {
            let face = &fonts.get(style).1;
            let wrapped: Vec<Vec<String>> =
                cells.iter().enumerate().map(|(i, c)| wrap(face, c, size, xs[i + 1] - xs[i] - 2.0 * pad)).collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            (wrapped, lines as f32 * leading + 2.0 * pad)
        };
        let header: Vec<String> = table.columns.iter().map(|(h, _)| h.clone()).collect();
        let (header_lines, header_height) = measure(self.fonts, &header, Style::Bold);
        let draw_row = |w: &mut Writer, wrapped: &[Vec<String>], height: f32, style: Style| {
            let y = w.y;
            for (i, lines) in wrapped.iter().enumerate() {
                for (k, line) in lines.iter().enumerate() {
                    let baseline = y + pad + size + k as f32 * leading;
                    w.pages.last_mut().expect("a page").push(Placed { x: xs[i] + pad, y: baseline, style, size, text: line.clone() });
                }
            }
            let page = w.pages.len() - 1;
            w.rules.push((page, xs[0], *xs.last().expect("end"), y, y));
            w.rules.push((page, xs[0], *xs.last().expect("end"), y + height, y + height));
            for x in &xs {
                w.rules.push((page, *x, *x, y, y + height));
            }
            w.y += height;
        };
        self.ensure(header_height * 2.0);
        draw_row(self, &header_lines, header_height, Style::Bold);
        for row in &table.rows {
            let (wrapped, height) = measure(self.fonts, row, Style::Normal);
            if self.y + height > PAGE_H - BOTTOM {
                self.pages.push(vec![]);
                self.y = TOP;
                draw_row(self, &header_lines, header_height, Style::Bold);
            }
            draw_row(self, &wrapped, height, Style::Normal);
        }
        self.y += 8.0;
    }

    fn finish(self) -> Result<Vec<u8>, String> {
        // PDF/A-1b, as every signed PDF Kho keeps: fonts embedded, colours device-independent,
        // XMP metadata; krilla refuses to write what would not conform.
        let configuration = krilla::configure::ConfigurationBuilder::new()
            .with_archival_validator(krilla::configure::Archival::A1_B)
            .finish()
            .map_err(|e| format!("{e:?}"))?;
        let mut document = Document::new_with(krilla::SerializeSettings { configuration, ..Default::default() });
        // Dated by the day in Vietnam, as the paper is: the same paper made twice in a day is the same.
        let today = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7")).date_naive();
        let date = krilla::metadata::DateTime::new(today.year() as u16).month(today.month() as u8).day(today.day() as u8);
        document.set_metadata(krilla::metadata::Metadata::new().language("vi".into()).creator("Kho".into()).creation_date(date));
        for (n, items) in self.pages.iter().enumerate() {
            let mut page = document.start_page_with(PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4"));
            let mut surface = page.surface();
            surface.set_fill(Some(Fill::default()));
            for Placed { x, y, style, size, text } in items {
                surface.draw_text(Point::from_xy(*x, *y), self.fonts.get(*style).0.clone(), *size, text, false, TextDirection::Auto);
            }
            let rules: Vec<_> = self.rules.iter().filter(|r| r.0 == n).collect();
            if !rules.is_empty() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke { width: 0.5, ..Stroke::default() }));
                let mut path = PathBuilder::new();
                for (_, x0, x1, y0, y1) in rules {
                    path.move_to(*x0, *y0);
                    path.line_to(*x1, *y1);
                }
                if let Some(path) = path.finish() {
                    surface.draw_path(&path);
                }
            }
            surface.finish();
            page.finish();
        }
        document.finish().map_err(|e| format!("{e:?}"))
    }
}

/// The document as an XLSX workbook: one sheet, the heading above, each table with bordered
/// cells so it can be sorted and filtered. Every value is a string cell, so text beginning with
/// =, +, - or @ stays text and no spreadsheet runs it.
pub fn to_xlsx(doc: &OfficialDocument) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
    let xlsx = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let font = || Format::new().set_font_name("Times New Roman").set_font_size(12);
    let bold = font().set_bold();
    let centred = font().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let head = font().set_bold().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Center);
    let cell = font().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
    let width =
        doc.body.iter().filter_map(|b| if let Block::Table(t) = b { Some(t.columns.len()) } else { None }).max().unwrap_or(1).max(1);
    let last = (width - 1) as u16;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    // Sheet names: at most 31 characters, none of []:*?/\.
    let name: String = doc.title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    sheet.set_name(name.trim()).map_err(xlsx)?;
    let mut row = 0u32;
    let line = |sheet: &mut rust_xlsxwriter::Worksheet, row: u32, text: &str, format: &Format| -> Result<(), String> {
        if last == 0 {
            sheet.write_string_with_format(row, 0, text, format).map(|_| ()).map_err(xlsx)
        } else {
            sheet.merge_range(row, 0, row, last, text, format).map(|_| ()).map_err(xlsx)
        }
    };
    for (i, issuer) in doc.issuer.iter().enumerate() {
        sheet.write_string_with_format(row, 0, issuer, &if i + 1 < doc.issuer.len() { font() } else { bold.clone() }).map_err(xlsx)?;
        row += 1;
    }
    if let Some(number) = &doc.number {
        sheet.write_string_with_format(row, 0, number, &font()).map_err(xlsx)?;
        row += 1;
    }
    if doc.national_heading {
        line(sheet, row, NATIONAL_HEADING, &centred)?;
        line(sheet, row + 1, MOTTO, &bold.clone().set_align(FormatAlign::Center))?;
        row += 2;
    }
    if let Some(place) = &doc.place_and_date {
        sheet.write_string_with_format(row, 0, place, &font().set_italic()).map_err(xlsx)?;
        row += 1;
    }
    row += 1;
    line(sheet, row, &doc.title, &centred)?;
    row += 1;
    if let Some(subtitle) = &doc.subtitle {
        line(sheet, row, subtitle, &bold.clone().set_align(FormatAlign::Center))?;
        row += 1;
    }
    row += 1;
    for block in &doc.body {
        match block {
            Block::Paragraph(p) => {
                let format = match p.style {
                    Style::Normal => font(),
                    Style::Bold => bold.clone(),
                    Style::Italic => font().set_italic(),
                };
                sheet
                    .write_string_with_format(row, 0, &p.text, &if p.centred { format.set_align(FormatAlign::Center) } else { format })
                    .map_err(xlsx)?;
                row += 1;
            }
            Block::Table(t) => {
                for (c, (header, relative)) in t.columns.iter().enumerate() {
                    sheet.write_string_with_format(row, c as u16, header, &head).map_err(xlsx)?;
                    sheet.set_column_width(c as u16, (relative * 14.0).clamp(6.0, 80.0) as f64).map_err(xlsx)?;
                }
                row += 1;
                for values in &t.rows {
                    for (c, value) in values.iter().enumerate() {
                        match t.numeric.contains(&c).then(|| vietnamese_number(value)).flatten() {
                            Some((number, decimals)) => {
                                let format = cell.clone().set_num_format(if decimals { "#,##0.00" } else { "#,##0" });
                                sheet.write_number_with_format(row, c as u16, number, &format).map_err(xlsx)?;
                            }
                            None => {
                                sheet.write_string_with_format(row, c as u16, value, &cell).map_err(xlsx)?;
                            }
                        }
                    }
                    row += 1;
                }
            }
            Block::PageBreak => row += 1,
        }
    }
    row += 1;
    for (i, signature) in doc.signatures.iter().enumerate() {
        let column = (last as usize).saturating_sub(i * 2) as u16;
        sheet.write_string_with_format(row, column, &signature.capacity, &bold).map_err(xlsx)?;
        sheet.write_string(row + 3, column, &signature.name).map_err(xlsx)?;
    }
    workbook.save_to_buffer().map_err(xlsx)
}

/// A number as Kho writes it for people ("1.234", "12,50", "7"): its value and whether it has
/// decimals. Anything else (a blank, "1–4", "01") is not a number.
/// The document's tables as CSV for other systems: UTF-8 with a BOM (Excel reads Vietnamese
/// right), a header row per table, numbers written as numbers (`1234.5`, not `1.234,5`), every
/// other cell as written.
pub fn to_csv(doc: &OfficialDocument) -> Result<Vec<u8>, String> {
    let mut writer = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    for table in doc.body.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }) {
        writer.write_record(table.columns.iter().map(|(name, _)| name.as_str())).map_err(|e| e.to_string())?;
        for row in &table.rows {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(c, value)| match table.numeric.contains(&c).then(|| vietnamese_number(value)).flatten() {
                    Some((number, _)) => number.to_string(),
                    None => value.clone(),
                })
                .collect();
            writer.write_record(&cells).map_err(|e| e.to_string())?;
        }
    }
    writer.into_inner().map_err(|e| e.to_string())
}

fn vietnamese_number(text: &str) -> Option<(f64, bool)> {
    let text = text.trim();
    let (whole, fraction) = match text.split_once(',') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let digits = whole.strip_prefix('-').unwrap_or(whole);
    let groups: Vec<&str> = digits.split('.').collect();
    let grouped = groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3);
    let plain = groups.iter().all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
    if !plain || !grouped || (digits.len() > 1 && digits.starts_with('0')) {
        return None;
    }
    if let Some(f) = fraction
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let value: f64 = format!("{}.{}", whole.replace('.', ""), fraction.unwrap_or("0")).parse().ok()?;
    Some((value, fraction.is_some()))
}

/// The document as PDF, fonts embedded.
pub fn to_pdf(doc: &OfficialDocument) -> Result<Vec<u8>, String> {
    let fonts = Fonts::load();
    let mut w = Writer::new(&fonts);
    let split = LEFT + 190.0;
    if doc.national_heading {
        let mut left_y = TOP;
        for (i, line) in doc.issuer.iter().enumerate() {
            let style = if i + 1 < doc.issuer.len() { Style::Normal } else { Style::Bold };
            left_y += w.block(line, style, 12.0, (LEFT - 30.0, split), true, left_y);
        }
        if let Some(number) = &doc.number {
            left_y += 4.0 + w.block(number, Style::Normal, 13.0, (LEFT - 30.0, split), true, left_y + 4.0);
        }
        let mut right_y = TOP;
        right_y += w.block(NATIONAL_HEADING, Style::Bold, 12.0, (split, PAGE_W - RIGHT + 20.0), true, right_y);
        right_y += w.block(MOTTO, Style::Bold, 13.0, (split, PAGE_W - RIGHT + 20.0), true, right_y);
        let motto_width = width(&fonts.bold.1, MOTTO, 13.0);
        let centre = (split + PAGE_W - RIGHT + 20.0) / 2.0;
        w.rules.push((0, centre - motto_width / 2.0, centre + motto_width / 2.0, right_y + 2.0, right_y + 2.0));
        w.y = left_y.max(right_y) + 10.0;
    } else {
        for (i, line) in doc.issuer.iter().enumerate() {
            w.paragraph(line, if i + 1 < doc.issuer.len() { Style::Normal } else { Style::Bold }, 13.0, true);
        }
        if let Some(number) = &doc.number {
            w.paragraph(number, Style::Normal, 13.0, true);
        }
        w.y += 10.0;
    }
    if let Some(place_and_date) = &doc.place_and_date {
        let y = w.y;
        w.y += w.block(place_and_date, Style::Italic, 13.0, (split, PAGE_W - RIGHT), true, y) + 14.0;
    }
    w.paragraph(&doc.title, Style::Bold, 14.0, true);
    if let Some(subtitle) = &doc.subtitle {
        w.paragraph(subtitle, Style::Bold, 14.0, true);
    }
    w.y += 8.0;
    for block in &doc.body {
        match block {
            Block::Paragraph(p) => w.paragraph(&p.text, p.style, 13.0, p.centred),
            Block::Table(t) => w.table(t),
            Block::PageBreak => {
                w.pages.push(vec![]);
                w.y = TOP;
            }
        }
    }
    if !doc.signatures.is_empty() {
        w.ensure(120.0);
        w.y += 16.0;
        let column = (PAGE_W - LEFT - RIGHT) / doc.signatures.len() as f32;
        let top = w.y;
        let mut lowest = top;
        for (i, s) in doc.signatures.iter().enumerate() {
            let (x0, x1) = (LEFT + i as f32 * column, LEFT + (i + 1) as f32 * column);
            let mut y = top;
            y += w.block(&s.capacity, Style::Bold, 13.0, (x0, x1), true, y);
            y += w.block("(Ký, ghi rõ họ tên)", Style::Italic, 13.0, (x0, x1), true, y);
            y += 60.0;
            y += w.block(&s.name, Style::Bold, 13.0, (x0, x1), true, y);
            lowest = lowest.max(y);
        }
        w.y = lowest;
    }
    w.finish()
}

/// "Điện Biên, ngày 05 tháng 03 năm 2026".
pub fn place_and_date(place: &str, date: &kho_model::ArchiveDate) -> String {
    let (y, m, d) = date.earliest();
    format!("{place}, ngày {d:02} tháng {m:02} năm {y}")
}

/// The biên bản giao nhận tài liệu (NĐ 30/2020 Phụ lục V): parties, material, totals in hộp,
/// hồ sơ and mét giá, condition, and two signatures.
pub fn accession_record(
    accession: &kho_model::accession::AccessionFields,
    giving: &str,
    receiving_body: &Issuer,
    province: &str,
) -> OfficialDocument {
    let receiving = receiving_body.name.as_str();
    use kho_model::vn;
    let f = accession;
    let count = |n: Option<u32>| n.map(|n| vn::integer(n as i64)).unwrap_or_else(|| "chưa xác định".into());
    let mut body = Vec::new();
    if let Some(basis) = &f.basis {
        body.push(Paragraph::plain(basis.clone()));
    }
    body.push(Paragraph::plain(format!(
        "Hôm nay, {}, tại {receiving}, chúng tôi gồm:",
        place_and_date(province, &f.received_on).split_once(", ").map(|(_, d)| d.to_string()).unwrap_or_default()
    )));
    body.push(Paragraph::bold(format!("BÊN GIAO: {giving}")));
    body.push(Paragraph::plain(format!(
        "Ông (bà): {}{}",
        f.giving_person,
        f.giving_position.as_ref().map(|p| format!(", chức vụ: {p}")).unwrap_or_default()
    )));
    body.push(Paragraph::bold(format!("BÊN NHẬN: {receiving}")));
    body.push(Paragraph::plain(format!(
        "Ông (bà): {}{}",
        f.receiving_person,
        f.receiving_position.as_ref().map(|p| format!(", chức vụ: {p}")).unwrap_or_default()
    )));
    body.push(Paragraph::plain("Thống nhất lập biên bản giao nhận tài liệu với nội dung như sau:"));
    body.push(Paragraph::plain(format!("1. Tên khối tài liệu giao nộp: {}.", f.material)));
    let span = match (&f.start_year, &f.end_year) {
        (Some(s), Some(e)) => format!("{s} – {e}"),
        (Some(s), None) => format!("từ {s}"),
        (None, Some(e)) => format!("đến {e}"),
        (None, None) => "chưa xác định".into(),
    };
    body.push(Paragraph::plain(format!("2. Thời gian của tài liệu: {span}.")));
    let metres = f.metres.map(|m| format!("{} mét giá", vn::hundredths(m))).unwrap_or_else(|| "chưa xác định".into());
    body.push(Paragraph::plain(format!(
        "3. Số lượng tài liệu: tổng số bao (gói): {}; tổng số hộp (cặp): {}; tổng số hồ sơ (đơn vị bảo quản): {}; quy ra mét giá: {metres}.",
        count(f.bags),
        count(f.boxes),
        count(f.dossiers)
    )));
    body.push(Paragraph::plain(format!(
        "4. Tình trạng tài liệu giao nộp: {}.",
        f.condition.clone().unwrap_or_else(|| "không ghi nhận hư hỏng".into())
    )));
    if let Some(notes) = &f.notes {
        body.push(Paragraph::plain(format!("5. Ghi chú: {notes}")));
    }
    body.push(Paragraph::plain("Biên bản này được lập thành hai bản; bên giao giữ một bản, bên nhận giữ một bản."));
    OfficialDocument {
        issuer: receiving_body.heading(),
        number: Some(receiving_body.record_number()),
        national_heading: true,
        place_and_date: Some(place_and_date(province, &f.received_on)),
        title: "BIÊN BẢN".into(),
        subtitle: Some("Về việc giao nhận tài liệu lưu trữ".into()),
        body: body.into_iter().map(Block::from).collect(),
        signatures: vec![
            Signature { capacity: "ĐẠI DIỆN BÊN GIAO".into(), name: f.giving_person.clone() },
            Signature { capacity: "ĐẠI DIỆN BÊN NHẬN".into(), name: f.receiving_person.clone() },
        ],
    }
}

/// The danh mục tài liệu giao nhận, the list that goes with the biên bản giao nhận.
pub fn accession_items(
    accession: &kho_model::accession::AccessionFields,
    giving: &str,
    receiving_body: &Issuer,
    province: &str,
) -> OfficialDocument {
    let receiving = receiving_body.name.as_str();
    use kho_model::vn;
    let f = accession;
    let bags: u64 = f.items.iter().filter_map(|i| i.bags).map(u64::from).sum();
    let metres: i64 = f.items.iter().filter_map(|i| i.metres).sum();
    let mut rows: Vec<Vec<String>> = f
        .items
        .iter()
        .enumerate()
        .map(|(n, i)| {
            vec![
                (n + 1).to_string(),
                i.name.clone(),
                i.dates.clone().unwrap_or_default(),
                i.bags.map(|b| vn::integer(b as i64)).unwrap_or_default(),
                i.metres.map(vn::hundredths).unwrap_or_default(),
                i.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    rows.push(vec![String::new(), "Cộng".into(), String::new(), vn::integer(bags as i64), vn::hundredths(metres), String::new()]);
    OfficialDocument {
        issuer: receiving_body.heading(),
        number: None,
        national_heading: false,
        place_and_date: Some(place_and_date(province, &f.received_on)),
        title: "DANH MỤC TÀI LIỆU GIAO NHẬN".into(),
        subtitle: Some(format!("Kèm theo biên bản giao nhận tài liệu ngày {} giữa {giving} và {receiving}", f.received_on)),
        body: vec![Block::Table(Table {
            numeric: vec![3, 4],
            columns: vec![
                ("STT".into(), 0.5),
                ("Tên tài liệu".into(), 3.6),
                ("Thời gian".into(), 1.3),
                ("Số bao (gói)".into(), 0.9),
                ("Mét giá".into(), 0.9),
                ("Ghi chú".into(), 1.4),
            ],
            rows,
        })],
        signatures: vec![
            Signature { capacity: "ĐẠI DIỆN BÊN GIAO".into(), name: f.giving_person.clone() },
            Signature { capacity: "ĐẠI DIỆN BÊN NHẬN".into(), name: f.receiving_person.clone() },
        ],
    }
}

/// A hồ sơ received in a package, as the biên bản bàn giao lists it.
#[derive(Debug, Clone)]
pub struct HandedOver {
    pub file_code: String,
    pub title: String,
    /// "2019" or "2019 – 2020", as the hồ sơ's dates read.
    pub span: String,
    pub documents: i64,
    pub pages: i64,
    pub files: i64,
    pub bytes: i64,
    pub signers: Vec<String>,
}

/// What a biên bản bàn giao is about: who hands over, whose fonds, over which days.
#[derive(Debug, Clone)]
pub struct Handover {
    /// The unit that formed the fonds (bên giao).
    pub giving: String,
    pub fonds: String,
    /// The first and the last day of the period, DD/MM/YYYY.
    pub from: String,
    pub to: String,
    /// The day the paper is made.
    pub on: kho_model::ArchiveDate,
}

/// The biên bản giao nhận tài liệu lưu trữ số (NĐ 30/2020 Phụ lục V's layout): the parties, the
/// fonds, the totals — hồ sơ, văn bản, pages, files, megabytes —, how they came (TT05 packages,
/// checksums and signatures verified on receipt), and the danh mục of the hồ sơ received with
/// its total row; two signatures.
pub fn package_handover_record(handover: &Handover, items: &[HandedOver], receiving_body: &Issuer, province: &str) -> OfficialDocument {
    use kho_model::vn;
    let receiving = receiving_body.name.as_str();
    let sum = |f: fn(&HandedOver) -> i64| items.iter().map(f).sum::<i64>();
    let (documents, pages, files, bytes) = (sum(|i| i.documents), sum(|i| i.pages), sum(|i| i.files), sum(|i| i.bytes));
    let mut signers: Vec<&str> = items.iter().flat_map(|i| i.signers.iter().map(String::as_str)).collect();
    signers.sort_unstable();
    signers.dedup();
    let dated = place_and_date(province, &handover.on);
    let period = if handover.from == handover.to {
        format!("ngày {}", handover.from)
    } else {
        format!("từ ngày {} đến ngày {}", handover.from, handover.to)
    };
    let mut body: Vec<Block> = vec![
        Paragraph::plain("Căn cứ Luật Lưu trữ số 33/2024/QH15;").into(),
        Paragraph::plain("Căn cứ Thông tư số 05/2025/TT-BNV của Bộ trưởng Bộ Nội vụ về gói thông tin lưu trữ số;").into(),
        Paragraph::plain(format!("Hôm nay, {}, tại {receiving}, chúng tôi gồm:", dated.split_once(", ").map(|(_, d)| d).unwrap_or_default())).into(),
        Paragraph::bold(format!("BÊN GIAO: {}", handover.giving)).into(),
        Paragraph::plain("Ông (bà): ……………………………………, chức vụ: ……………………………………").into(),
        Paragraph::bold(format!("BÊN NHẬN: {receiving}")).into(),
        Paragraph::plain("Ông (bà): ……………………………………, chức vụ: ……………………………………").into(),
        Paragraph::plain("Thống nhất lập biên bản giao nhận tài liệu lưu trữ số với nội dung như sau:").into(),
        Paragraph::plain(format!("1. Tên phông: {}.", handover.fonds)).into(),
        Paragraph::plain(format!("2. Thời gian giao nhận: {period}.")).into(),
        Paragraph::plain(format!(
            "3. Số lượng: {} hồ sơ, {} văn bản, {} tệp bản số hóa ({} trang), dung lượng {} MB.",
            vn::integer(items.len() as i64),
            vn::integer(documents),
            vn::integer(files),
            vn::integer(pages),
            vn::megabytes(bytes)
        ))
        .into(),
        Paragraph::plain(
            "4. Hình thức giao nộp: mỗi hồ sơ một gói thông tin theo Thông tư số 05/2025/TT-BNV (chuẩn E-ARK), gồm siêu dữ liệu hồ sơ, \
             từng văn bản và bản số hóa định dạng PDF/A đã ký số.",
        )
        .into(),
        Paragraph::plain(format!(
            "5. Tình trạng khi tiếp nhận: mọi tệp đúng kích thước và mã kiểm tra SHA-256 ghi trong gói; chữ ký số trên các bản số hóa hợp lệ ({}).",
            if signers.is_empty() { "không có bản nào".to_string() } else { format!("ký bởi {}", signers.join("; ")) }
        ))
        .into(),
        Paragraph::plain("6. Danh mục hồ sơ giao nhận:").into(),
    ];
    let mut rows: Vec<Vec<String>> = items
        .iter()
        .enumerate()
        .map(|(n, i)| {
            vec![
                vn::integer(n as i64 + 1),
                i.file_code.clone(),
                i.title.clone(),
                i.span.clone(),
                vn::integer(i.documents),
                vn::integer(i.pages),
                vn::integer(i.files),
                vn::megabytes(i.bytes),
            ]
        })
        .collect();
    rows.push(vec![
        String::new(),
        "Cộng".into(),
        format!("{} hồ sơ", vn::integer(items.len() as i64)),
        String::new(),
        vn::integer(documents),
        vn::integer(pages),
        vn::integer(files),
        vn::megabytes(bytes),
    ]);
    body.push(Block::Table(Table {
        numeric: vec![4, 5, 6, 7],
        columns: vec![
            ("STT".into(), 0.5),
            ("Mã hồ sơ".into(), 1.6),
            ("Tiêu đề hồ sơ".into(), 3.2),
            ("Thời gian".into(), 1.0),
            ("Số văn bản".into(), 0.8),
            ("Số trang".into(), 0.8),
            ("Số tệp".into(), 0.7),
            ("Dung lượng (MB)".into(), 1.0),
        ],
        rows,
    }));
    body.push(Paragraph::plain("Biên bản này được lập thành hai bản; bên giao giữ một bản, bên nhận giữ một bản.").into());
    OfficialDocument {
        issuer: receiving_body.heading(),
        number: Some(receiving_body.record_number()),
        national_heading: true,
        place_and_date: Some(dated),
        title: "BIÊN BẢN".into(),
        subtitle: Some("Về việc giao nhận tài liệu lưu trữ số".into()),
        body,
        signatures: vec![
            Signature { capacity: "ĐẠI DIỆN BÊN GIAO".into(), name: String::new() },
            Signature { capacity: "ĐẠI DIỆN BÊN NHẬN".into(), name: String::new() },
        ],
    }
}

/// One unit's line of an annual report (metres in hundredths).
#[derive(Debug, Clone, Default)]
pub struct ReportLine {
    pub name: String,
    /// Mét giá the plan gives it; None for a unit outside the plan.
    pub target: Option<i64>,
    pub received_in_year: i64,
    pub received: i64,
    pub arranged: i64,
    pub dossiers_in_year: i64,
    pub dossiers: i64,
    pub documents: i64,
    pub pages: i64,
    pub pages_signed_in_year: i64,
    pub destroyed_in_year: i64,
    pub destroyed: i64,
    pub packages_in_year: i64,
    pub packages: i64,
}

/// Khai thác in a year: phiếu yêu cầu and their readers, hồ sơ asked for, granted and refused,
/// bản đọc opened, copies given.
#[derive(Debug, Clone, Default)]
pub struct ReadingRoom {
    pub requests: i64,
    pub readers: i64,
    pub dossiers_asked: i64,
    pub granted: i64,
    pub refused: i64,
    pub readings: i64,
    pub copies: i64,
    /// Certified copies, the gói khai thác (DIP) included.
    pub certified: i64,
}

/// An annual report on the plan: by a commune to Sở Nội vụ, or by Sở Nội vụ to the UBND tỉnh.
#[derive(Debug, Clone)]
pub struct AnnualReport {
    pub issuer: Issuer,
    /// "Ủy ban nhân dân tỉnh Điện Biên".
    pub recipient: String,
    pub year: i32,
    /// The plan's name, as it is cited.
    pub plan: String,
    /// The deadline that applies, DD/MM/YYYY.
    pub deadline: String,
    pub place: String,
    pub on: kho_model::ArchiveDate,
    pub lines: Vec<ReportLine>,
    /// The reading room in the year, over the hồ sơ the report covers.
    pub reading_room: ReadingRoom,
    /// Work done outside Kho in the year, one sentence each, kept apart from the figures above.
    pub outside: Vec<String>,
    /// Free text; the paper leaves dotted lines to fill in when empty.
    pub difficulties: String,
    pub proposals: String,
    /// "GIÁM ĐỐC", "CHỦ TỊCH".
    pub signer: String,
}

/// The báo cáo kết quả thực hiện kế hoạch (NĐ 30/2020's layout): heading, số, place and date,
/// Kính gửi, results to date and in the year against the plan — in words for the whole and in a
/// table by unit with its total row —, difficulties, proposals, nơi nhận and the signature.
/// Every figure comes from the catalogue.
pub fn annual_report(r: &AnnualReport) -> OfficialDocument {
    use kho_model::vn;
    let sum = |f: fn(&ReportLine) -> i64| r.lines.iter().map(f).sum::<i64>();
    let target: i64 = r.lines.iter().filter_map(|l| l.target).sum();
    let received = sum(|l| l.received);
    let metres = |m: i64| format!("{} mét giá", vn::hundredths(m));
    let free = |text: &str| {
        if text.trim().is_empty() {
            vec![Paragraph::plain("……………………………………………………………………………………………"), Paragraph::plain("……………………………………………………………………………………………")]
        } else {
            text.lines().filter(|l| !l.trim().is_empty()).map(|l| Paragraph::plain(l.trim())).collect()
        }
    };
    let mut plan = r.plan.clone();
    if let Some(first) = plan.chars().next() {
        plan.replace_range(..first.len_utf8(), &first.to_lowercase().to_string());
    }
    let mut body: Vec<Block> = vec![
        Paragraph { text: format!("Kính gửi: {}.", r.recipient), style: Style::Normal, centred: true }.into(),
        Paragraph::plain(format!("Thực hiện {plan}, {} báo cáo kết quả thực hiện năm {} như sau:", r.issuer.name, r.year)).into(),
        Paragraph::bold("I. KẾT QUẢ THỰC HIỆN").into(),
        Paragraph::plain(format!(
            "1. Tiếp nhận tài liệu: trong năm tiếp nhận {}; lũy kế {} trên tổng số {} theo kế hoạch, đạt {}. Thời hạn hoàn thành: {}.",
            metres(sum(|l| l.received_in_year)),
            metres(received),
            metres(target),
            vn::percent(received, target),
            r.deadline
        ))
        .into(),
        Paragraph::plain(format!(
            "2. Chỉnh lý: lũy kế {} sau chỉnh lý; {} hồ sơ được lập và biên mục ({} trong năm), gồm {} văn bản.",
            metres(sum(|l| l.arranged)),
            vn::integer(sum(|l| l.dossiers)),
            vn::integer(sum(|l| l.dossiers_in_year)),
            vn::integer(sum(|l| l.documents))
        ))
        .into(),
        Paragraph::plain(format!(
            "3. Tiêu hủy tài liệu hết giá trị: {} trong năm; lũy kế {}.",
            metres(sum(|l| l.destroyed_in_year)),
            metres(sum(|l| l.destroyed))
        ))
        .into(),
        Paragraph::plain(format!(
            "4. Số hóa: lũy kế {} trang đã quét, kiểm tra và nhận dạng; {} trang được lập bản số hóa ký số trong năm.",
            vn::integer(sum(|l| l.pages)),
            vn::integer(sum(|l| l.pages_signed_in_year))
        ))
        .into(),
        Paragraph::plain(format!(
            "5. Bàn giao tài liệu lưu trữ số: {} hồ sơ nhận trong năm; lũy kế {} hồ sơ.",
            vn::integer(sum(|l| l.packages_in_year)),
            vn::integer(sum(|l| l.packages))
        ))
        .into(),
        Paragraph::plain({
            let (u, n) = (&r.reading_room, vn::integer);
            format!(
                "6. Phục vụ khai thác, sử dụng tài liệu: trong năm có {} phiếu yêu cầu khai thác của {} người, yêu cầu {} lượt hồ sơ; \
                 {} lượt hồ sơ được phục vụ, {} lượt không được khai thác; {} lượt đọc bản đọc, cấp {} bản sao và {} bản sao có xác thực.",
                n(u.requests),
                n(u.readers),
                n(u.dossiers_asked),
                n(u.granted),
                n(u.refused),
                n(u.readings),
                n(u.copies),
                n(u.certified)
            )
        })
        .into(),
        Paragraph::plain("7. Kết quả theo từng đơn vị:").into(),
    ];
    let mut rows: Vec<Vec<String>> = r
        .lines
        .iter()
        .enumerate()
        .map(|(n, l)| {
            vec![
                vn::integer(n as i64 + 1),
                l.name.clone(),
                l.target.map(vn::hundredths).unwrap_or_default(),
                vn::hundredths(l.received_in_year),
                vn::hundredths(l.received),
                l.target.map(|t| vn::percent(l.received, t)).unwrap_or_else(|| "—".into()),
                vn::hundredths(l.arranged),
                vn::integer(l.dossiers),
                vn::integer(l.pages),
                vn::hundredths(l.destroyed),
            ]
        })
        .collect();
    rows.push(vec![
        String::new(),
        "Cộng".into(),
        vn::hundredths(target),
        vn::hundredths(sum(|l| l.received_in_year)),
        vn::hundredths(received),
        vn::percent(received, target),
        vn::hundredths(sum(|l| l.arranged)),
        vn::integer(sum(|l| l.dossiers)),
        vn::integer(sum(|l| l.pages)),
        vn::hundredths(sum(|l| l.destroyed)),
    ]);
    body.push(Block::Table(Table {
        numeric: vec![2, 3, 4, 6, 7, 8, 9],
        columns: vec![
            ("STT".into(), 0.45),
            ("Đơn vị".into(), 2.2),
            ("Kế hoạch (m)".into(), 0.9),
            ("Tiếp nhận trong năm (m)".into(), 0.9),
            ("Lũy kế tiếp nhận (m)".into(), 0.9),
            ("Tỷ lệ".into(), 0.7),
            ("Sau chỉnh lý (m)".into(), 0.9),
            ("Hồ sơ".into(), 0.8),
            ("Trang số hóa".into(), 0.9),
            ("Đã hủy (m)".into(), 0.8),
        ],
        rows,
    }));
    body.push(
        Paragraph::plain("8. Số liệu thực hiện ngoài Kho trong năm (ghi nhận theo văn bản làm căn cứ, không cộng vào các số liệu trên):")
            .into(),
    );
    if r.outside.is_empty() {
        body.push(Paragraph::plain("Không có.").into());
    }
    body.extend(r.outside.iter().map(|line| Block::from(Paragraph::plain(format!("- {line}")))));
    body.push(Paragraph::bold("II. KHÓ KHĂN, VƯỚNG MẮC").into());
    body.extend(free(&r.difficulties).into_iter().map(Block::from));
    body.push(Paragraph::bold("III. ĐỀ XUẤT, KIẾN NGHỊ").into());
    body.extend(free(&r.proposals).into_iter().map(Block::from));
    body.push(Paragraph { text: "Nơi nhận:".into(), style: Style::Bold, centred: false }.into());
    body.push(Paragraph { text: "- Như trên;".into(), style: Style::Italic, centred: false }.into());
    body.push(Paragraph { text: "- Lưu: VT.".into(), style: Style::Italic, centred: false }.into());
    OfficialDocument {
        issuer: r.issuer.heading(),
        number: Some(r.issuer.number("BC")),
        national_heading: true,
        place_and_date: Some(place_and_date(&r.place, &r.on)),
        title: "BÁO CÁO".into(),
        subtitle: Some(format!("Kết quả thực hiện kế hoạch chỉnh lý, số hóa tài liệu lưu trữ năm {}", r.year)),
        body,
        signatures: vec![Signature { capacity: r.signer.clone(), name: String::new() }],
    }
}

/// What a certified DIP's authentication sheet says (TT 05/2025, Điều 42): eleven items.
#[derive(Debug, Clone)]
pub struct DipAuthentication {
    /// Mã xác thực lưu trữ: the code that finds this issue again in the archive's log.
    pub code: String,
    /// Tên lưu trữ lịch sử.
    pub archive: String,
    pub recipient: String,
    pub recipient_id: String,
    /// Mã lưu trữ of the original (the mã hồ sơ).
    pub original_code: String,
    /// Số, ký hiệu.
    pub notation: String,
    /// Tên loại.
    pub type_name: String,
    /// Trích yếu nội dung (the hồ sơ's title).
    pub summary: String,
    pub purpose: String,
    /// Ngày cấp, DD/MM/YYYY.
    pub issued: String,
    /// Thời hạn sử dụng, DD/MM/YYYY HH:MM.
    pub valid_until: String,
    pub copies: u32,
}

/// The authentication sheet of a bản sao có xác thực dạng gói khai thác (DIP).
pub fn dip_authentication(a: &DipAuthentication, issuer: &Issuer, place_and_date: String) -> OfficialDocument {
    let rows = [
        ("Mã xác thực lưu trữ", a.code.clone()),
        ("Tên lưu trữ lịch sử", a.archive.clone()),
        ("Họ và tên, số định danh của người nhận", format!("{} — {}", a.recipient, a.recipient_id)),
        ("Mã lưu trữ tài liệu gốc", a.original_code.clone()),
        ("Số, ký hiệu", a.notation.clone()),
        ("Tên loại", a.type_name.clone()),
        ("Trích yếu nội dung", a.summary.clone()),
        ("Mục đích khai thác", a.purpose.clone()),
        ("Ngày cấp", a.issued.clone()),
        ("Thời hạn sử dụng", a.valid_until.clone()),
        ("Số lượng bản", a.copies.to_string()),
    ];
    OfficialDocument {
        issuer: issuer.heading(),
        number: Some(issuer.number("XT")),
        national_heading: true,
        place_and_date: Some(place_and_date),
        title: "GIẤY XÁC THỰC".into(),
        subtitle: Some("Bản sao có xác thực dạng gói thông tin khai thác (DIP)".into()),
        body: vec![
            Block::Table(Table {
                numeric: vec![0],
                columns: vec![("STT".into(), 0.5), ("Thông tin".into(), 2.4), ("Nội dung".into(), 3.6)],
                rows: rows.iter().enumerate().map(|(i, (k, v))| vec![(i + 1).to_string(), (*k).to_string(), v.clone()]).collect(),
            }),
            Paragraph::plain(
                "Gói thông tin khai thác kèm giấy này là bản sao có xác thực của tài liệu lưu trữ, được ký số bởi cơ quan lưu trữ; \
                 giấy xác thực có giá trị trong thời hạn sử dụng ghi trên.",
            )
            .into(),
        ],
        signatures: vec![Signature { capacity: "THỦ TRƯỞNG CƠ QUAN LƯU TRỮ".into(), name: String::new() }],
    }
}
