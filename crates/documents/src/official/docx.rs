//! An [`OfficialDocument`] as DOCX (WordprocessingML), written straight into a deflated zip:
//! memory follows the compressed file, not a tree of every cell. A district's mục lục has tens
//! of thousands of rows; built as a docx-rs tree, 20,000 rows took about 1 GB.
//!
//! Fonts and size are set once, as the document's defaults (Times New Roman 14, NĐ 30/2020);
//! runs carry only their size when it differs and their weight.

use super::{Block, MOTTO, NATIONAL_HEADING, OfficialDocument, Style};
use std::io::Write;

/// Text width of an A4 page with NĐ 30/2020 margins (30 mm left, 15–20 mm right), in twentieths
/// of a point.
const TEXT_WIDTH: usize = 9300;

/// A run's text for XML; a tab or line break inside a run becomes a space.
fn escape(text: &str, out: &mut String) {
    out.push_str(&kho_model::text::xml_escape(&text.replace(['\t', '\n', '\r'], " ")));
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Centre,
    Right,
    Both,
}

/// One paragraph of one run.
fn paragraph(out: &mut String, text: &str, size: usize, style: Style, align: Align) {
    out.push_str("<w:p>");
    let jc = match align {
        Align::Left => "",
        Align::Centre => "<w:pPr><w:jc w:val=\"center\"/></w:pPr>",
        Align::Right => "<w:pPr><w:jc w:val=\"right\"/></w:pPr>",
        Align::Both => "<w:pPr><w:jc w:val=\"both\"/></w:pPr>",
    };
    out.push_str(jc);
    if !text.is_empty() {
        out.push_str("<w:r><w:rPr>");
        match style {
            Style::Bold => out.push_str("<w:b/><w:bCs/>"),
            Style::Italic => out.push_str("<w:i/><w:iCs/>"),
            Style::Normal => {}
        }
        if size != 14 {
            out.push_str(&format!("<w:sz w:val=\"{}\"/><w:szCs w:val=\"{}\"/>", size * 2, size * 2));
        }
        out.push_str("</w:rPr><w:t xml:space=\"preserve\">");
        escape(text, out);
        out.push_str("</w:t></w:r>");
    }
    out.push_str("</w:p>");
}

fn table_start(out: &mut String, widths: &[usize], borders: bool) {
    out.push_str("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/>");
    if borders {
        out.push_str(
            "<w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders>",
        );
    }
    out.push_str("<w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>");
    for w in widths {
        out.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    out.push_str("</w:tblGrid>");
}

fn cell_start(out: &mut String, width: usize) {
    out.push_str(&format!("<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr>"));
}

/// Writes the document into `sink` as a DOCX, each part deflated as it is written.
pub fn write(doc: &OfficialDocument, sink: impl Write + std::io::Seek) -> Result<(), String> {
    let mut zip = zip::ZipWriter::new(sink);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let error = |e: &dyn std::fmt::Display| e.to_string();
    let part = |zip: &mut zip::ZipWriter<_>, name: &str, content: &str| -> Result<(), String> {
        zip.start_file(name, options).map_err(|e| error(&e))?;
        zip.write_all(content.as_bytes()).map_err(|e| error(&e))
    };
    part(&mut zip, "[Content_Types].xml", CONTENT_TYPES)?;
    part(&mut zip, "_rels/.rels", PACKAGE_RELS)?;
    part(&mut zip, "word/_rels/document.xml.rels", DOCUMENT_RELS)?;
    part(&mut zip, "word/styles.xml", STYLES)?;
    zip.start_file("word/document.xml", options).map_err(|e| error(&e))?;
    // The body goes out a block (or a table row) at a time.
    let mut out = String::with_capacity(1 << 16);
    let flush = |zip: &mut zip::ZipWriter<_>, out: &mut String| -> Result<(), String> {
        zip.write_all(out.as_bytes()).map_err(|e| error(&e))?;
        out.clear();
        Ok(())
    };
    out.push_str(DOCUMENT_START);
    // NĐ 30/2020: the cơ quan chủ quản in capitals, the body in bold capitals, the số under them.
    fn issuer(out: &mut String, doc: &OfficialDocument) {
        for (i, line) in doc.issuer.iter().enumerate() {
            paragraph(out, line, 13, if i + 1 < doc.issuer.len() { Style::Normal } else { Style::Bold }, Align::Centre);
        }
        if let Some(number) = &doc.number {
            paragraph(out, number, 13, Style::Normal, Align::Centre);
        }
    }
    if doc.national_heading {
        table_start(&mut out, &[3800, 5500], false);
        out.push_str("<w:tr>");
        cell_start(&mut out, 3800);
        issuer(&mut out, doc);
        out.push_str("</w:tc>");
        cell_start(&mut out, 5500);
        paragraph(&mut out, NATIONAL_HEADING, 13, Style::Bold, Align::Centre);
        paragraph(&mut out, MOTTO, 14, Style::Bold, Align::Centre);
        out.push_str("</w:tc></w:tr></w:tbl>");
    } else {
        issuer(&mut out, doc);
    }
    if let Some(place_and_date) = &doc.place_and_date {
        paragraph(&mut out, place_and_date, 14, Style::Italic, Align::Right);
    }
    paragraph(&mut out, &doc.title, 14, Style::Bold, Align::Centre);
    if let Some(subtitle) = &doc.subtitle {
        paragraph(&mut out, subtitle, 14, Style::Bold, Align::Centre);
    }
    for block in &doc.body {
        match block {
            Block::Paragraph(p) => {
                paragraph(&mut out, &p.text, 14, p.style, if p.centred { Align::Centre } else { Align::Both });
            }
            Block::PageBreak => out.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>"),
            Block::Table(t) => {
                let total: f32 = t.columns.iter().map(|(_, w)| w).sum();
                let widths: Vec<usize> = t.columns.iter().map(|(_, w)| (TEXT_WIDTH as f32 * w / total) as usize).collect();
                table_start(&mut out, &widths, true);
                // The header row repeats at the top of every page.
                out.push_str("<w:tr><w:trPr><w:tblHeader/></w:trPr>");
                for ((heading, _), width) in t.columns.iter().zip(&widths) {
                    cell_start(&mut out, *width);
                    paragraph(&mut out, heading, 12, Style::Bold, Align::Centre);
                    out.push_str("</w:tc>");
                }
                out.push_str("</w:tr>");
                for row in &t.rows {
                    out.push_str("<w:tr>");
                    for (value, width) in row.iter().zip(&widths) {
                        cell_start(&mut out, *width);
                        paragraph(&mut out, value, 12, Style::Normal, Align::Left);
                        out.push_str("</w:tc>");
                    }
                    out.push_str("</w:tr>");
                    if out.len() > 1 << 16 {
                        flush(&mut zip, &mut out)?;
                    }
                }
                out.push_str("</w:tbl>");
            }
        }
        flush(&mut zip, &mut out)?;
    }
    if !doc.signatures.is_empty() {
        let width = TEXT_WIDTH / doc.signatures.len();
        paragraph(&mut out, "", 14, Style::Normal, Align::Left);
        table_start(&mut out, &vec![width; doc.signatures.len()], false);
        out.push_str("<w:tr>");
        for signature in &doc.signatures {
            cell_start(&mut out, width);
            paragraph(&mut out, &signature.capacity, 13, Style::Bold, Align::Centre);
            paragraph(&mut out, "(Ký, ghi rõ họ tên)", 13, Style::Italic, Align::Centre);
            for _ in 0..3 {
                paragraph(&mut out, "", 14, Style::Normal, Align::Left);
            }
            paragraph(&mut out, &signature.name, 14, Style::Bold, Align::Centre);
            out.push_str("</w:tc>");
        }
        out.push_str("</w:tr></w:tbl>");
    }
    out.push_str(DOCUMENT_END);
    flush(&mut zip, &mut out)?;
    zip.finish().map_err(|e| error(&e))?;
    Ok(())
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
</Types>";

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
</Relationships>";

const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr>\
<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"Times New Roman\" w:cs=\"Times New Roman\"/>\
<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/><w:lang w:val=\"vi-VN\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:after=\"60\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style>\
<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
<w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:left w:w=\"108\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
</w:styles>";

const DOCUMENT_START: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>";

/// A4 portrait; margins of NĐ 30/2020: top 20 mm, bottom 20 mm, left 30 mm, right 15 mm.
const DOCUMENT_END: &str = "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
<w:pgMar w:top=\"1134\" w:right=\"851\" w:bottom=\"1134\" w:left=\"1701\" w:header=\"720\" w:footer=\"720\" w:gutter=\"0\"/>\
</w:sectPr></w:body></w:document>";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::official::{Paragraph, Table};
    use std::io::Read;

    fn document_xml(doc: &OfficialDocument) -> String {
        let mut bytes = std::io::Cursor::new(Vec::new());
        write(doc, &mut bytes).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.into_inner())).unwrap();
        let mut xml = String::new();
        archive.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
        xml
    }

    #[test]
    fn text_from_a_spreadsheet_cannot_break_the_xml() {
        // A cell pasted from an old system: markup characters, a form feed and a NUL, which XML
        // 1.0 forbids and Word would refuse the whole file for.
        let doc = OfficialDocument {
            issuer: vec!["UBND XÃ <MƯỜNG ẢNG>".into()],
            number: None,
            national_heading: false,
            place_and_date: None,
            title: "MỤC LỤC HỒ SƠ".into(),
            subtitle: None,
            body: vec![
                Block::Paragraph(Paragraph::plain("a & b \"c\"")),
                Block::Table(Table {
                    numeric: vec![],
                    columns: vec![("Tiêu đề".into(), 1.0)],
                    rows: vec![vec!["Hồ sơ\u{c}\u{0} đất</w:t>".into()]],
                }),
            ],
            signatures: vec![],
        };
        let xml = document_xml(&doc);
        assert!(xml.contains("UBND XÃ &lt;MƯỜNG ẢNG&gt;") && xml.contains("a &amp; b &quot;c&quot;"));
        assert!(xml.contains("Hồ sơ đất&lt;/w:t&gt;"), "{xml}");
        assert!(!xml.contains('\u{c}') && !xml.contains('\u{0}'));
        assert!(xml.contains("<w:tblHeader/>"), "the header row repeats on every page");
    }
}
