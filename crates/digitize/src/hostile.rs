//! The hostile corpus: files a careless or hostile sender makes, generated here byte for byte so
//! that every entry point (số hóa upload and its resumable pieces, attachments, `kho ingest`) is
//! tried with the same ones in tests, and `kho bench uploads` times their refusal. Each carries
//! the words its refusal must contain, per kind of entry point.

use lopdf::{Document, Object, Stream, dictionary};
use std::io::Write;

/// One hostile file.
pub struct Hostile {
    /// The name it is offered under.
    pub name: &'static str,
    pub bytes: Vec<u8>,
    /// What it is, for reports.
    pub what: &'static str,
    /// Words the refusal of a scan master names.
    pub as_scan: &'static str,
    /// Words the refusal of an attachment names.
    pub as_attachment: &'static str,
}

/// Every hostile file, in a fixed order.
pub fn corpus() -> Vec<Hostile> {
    let mut polyglot = pdf_with(|_, _| {});
    polyglot.extend(zip(&[("run.sh", b"#!/bin/sh\necho pwned\n".to_vec())], false));
    let javascript = pdf_with(|doc, catalog| {
        let action = doc.add_object(dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("app.alert(1)") });
        doc.get_dictionary_mut(catalog).expect("catalog").set("OpenAction", action);
    });
    let embedded = pdf_with(|doc, catalog| {
        let file = doc.add_object(Stream::new(dictionary! { "Type" => "EmbeddedFile" }, b"MZ".to_vec()));
        let spec = doc
            .add_object(dictionary! { "Type" => "Filespec", "F" => Object::string_literal("a.exe"), "EF" => dictionary! { "F" => file } });
        let names = dictionary! { "EmbeddedFiles" => dictionary! { "Names" => vec![Object::string_literal("a.exe"), spec.into()] } };
        doc.get_dictionary_mut(catalog).expect("catalog").set("Names", names);
    });
    let whole = pdf_with(|_, _| {});
    let macro_docx = zip(
        &[("[Content_Types].xml", b"<Types/>".to_vec()), ("word/document.xml", b"<w/>".to_vec()), ("word/vbaProject.bin", vec![1; 64])],
        true,
    );
    let png = png_of(64, 64);
    vec![
        Hostile {
            name: "bang-tinh.xlsx",
            bytes: [b"MZ".to_vec(), vec![0; 4000]].concat(),
            what: "chương trình Windows đặt tên .xlsx",
            as_scan: "không phải ảnh",
            as_attachment: "chương trình",
        },
        Hostile {
            name: "cai-dat.pdf",
            bytes: [b"\x7fELF".to_vec(), vec![0; 4000]].concat(),
            what: "chương trình Linux đặt tên .pdf",
            as_scan: "không phải ảnh",
            as_attachment: "chương trình",
        },
        Hostile {
            name: "to-trinh.docx", bytes: macro_docx, what: "DOCX có macro", as_scan: "không phải ảnh", as_attachment: "macro"
        },
        Hostile {
            name: "bom.zip",
            bytes: zip(&[("a.tif", vec![b'0'; 80 << 20])], true),
            what: "bom ZIP (80 MB nén còn 80 KB)",
            as_scan: "",
            as_attachment: "quá lớn",
        },
        Hostile {
            name: "nen.zip",
            bytes: zip(&[("../../etc/cron.d/x.tif", b"x".to_vec())], true),
            what: "ZIP có đường dẫn ra ngoài",
            as_scan: "",
            as_attachment: "ngoài thư mục",
        },
        Hostile { name: "ban-do.pdf", bytes: polyglot, what: "PDF đồng thời là ZIP", as_scan: "ZIP", as_attachment: "ZIP" },
        Hostile { name: "co-ma.pdf", bytes: javascript, what: "PDF có JavaScript", as_scan: "JavaScript", as_attachment: "JavaScript" },
        Hostile {
            name: "co-tep.pdf", bytes: embedded, what: "PDF có tệp nhúng", as_scan: "tệp nhúng", as_attachment: "tệp nhúng"
        },
        Hostile {
            name: "cut.pdf", bytes: whole[..whole.len() / 3].to_vec(), what: "PDF bị cắt", as_scan: "hỏng", as_attachment: "hỏng"
        },
        Hostile {
            name: "bom.png",
            bytes: bomb(50_000, 50_000),
            what: "bom ảnh PNG (50.000 × 50.000 điểm ảnh trong 1 KB)",
            as_scan: "vượt giới hạn",
            as_attachment: "vượt giới hạn",
        },
        Hostile {
            name: "anh.png", bytes: png[..png.len() / 2].to_vec(), what: "PNG bị cắt", as_scan: "hỏng", as_attachment: "hỏng"
        },
        Hostile {
            name: "ghi-chu.bin",
            bytes: vec![0x13, 0x37, 0, 1, 2, 3],
            what: "tệp không rõ loại",
            as_scan: "không phải ảnh",
            as_attachment: "không được đính kèm",
        },
        Hostile { name: "rong.pdf", bytes: vec![], what: "tệp rỗng", as_scan: "rỗng", as_attachment: "rỗng" },
    ]
}

/// A one-page PDF, changed by `extra` (given the document and its catalog) before it is saved.
fn pdf_with(extra: impl FnOnce(&mut Document, lopdf::ObjectId)) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content = doc.add_object(Stream::new(dictionary! {}, b"BT /F1 12 Tf 72 720 Td (Bien ban) Tj ET".to_vec()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()], "Contents" => content,
    });
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    extra(&mut doc, catalog);
    let mut out = vec![];
    doc.save_to(&mut out).expect("a PDF in memory");
    out
}

fn zip(entries: &[(&str, Vec<u8>)], deflate: bool) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    let method = if deflate { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
    for (name, bytes) in entries {
        writer.start_file(*name, zip::write::SimpleFileOptions::default().compression_method(method)).expect("zip entry");
        writer.write_all(bytes).expect("zip write");
    }
    writer.finish().expect("zip");
    out.into_inner()
}

/// A real grey PNG.
fn png_of(width: u32, height: u32) -> Vec<u8> {
    let image = image::GrayImage::from_fn(width, height, |x, y| image::Luma([((x * 7 + y * 13) % 256) as u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}

/// A PNG declaring `width` × `height` grey pixels, its data a megabyte of zeros compressed.
fn bomb(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let body = [kind, data].concat();
        out.extend_from_slice(&body);
        let mut crc = 0xFFFF_FFFFu32;
        for b in &body {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        out.extend_from_slice(&(!crc).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let header = [width.to_be_bytes().as_slice(), height.to_be_bytes().as_slice(), &[8, 0, 0, 0, 0]].concat();
    chunk(&mut png, b"IHDR", &header);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![0u8; 1 << 20]).expect("deflate");
    chunk(&mut png, b"IDAT", &z.finish().expect("deflate"));
    chunk(&mut png, b"IEND", &[]);
    png
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_hostile_file_is_refused_at_intake_for_its_reason() {
        let limits = crate::intake::Limits::default();
        for hostile in super::corpus() {
            if !hostile.as_scan.is_empty() {
                let refused = crate::intake::inspect(hostile.name, &hostile.bytes, &limits).expect_err(hostile.name).to_string();
                assert!(refused.contains(hostile.as_scan), "{}: {refused}", hostile.name);
            }
            let refused = crate::intake::attachment(hostile.name, &hostile.bytes, &limits).expect_err(hostile.name).to_string();
            assert!(refused.contains(hostile.as_attachment), "{}: {refused}", hostile.name);
        }
    }
}
