//! edXML files as the provinces' e-office systems send them (the VNPT builder's shape, with its
//! attachment zipped around a random name; Bkav's, with dd/MM/yyyy dates, `Business`,
//! `OrganInCharge`, no prefixes and `cid:` on one side only) read into a văn bản and its files;
//! a status package, a revocation, a broken file and one over the bounds refused in words.

use kho_documents::edxml::{Limits, read};

const HERE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/edxml/");

fn file(name: &str) -> Vec<u8> {
    std::fs::read(format!("{HERE}{name}")).unwrap()
}

#[test]
fn a_vnpt_công_văn_reads_into_a_văn_bản_with_its_file_out_of_its_zip() {
    let edxml = read(&file("vnpt-cong-van.edxml"), Limits::default()).unwrap();
    assert_eq!((edxml.code_number.as_str(), edxml.code_notation.as_str()), ("1203", "UBND-VP"));
    assert_eq!(edxml.organ_name, "Văn phòng UBND tỉnh Điện Biên");
    assert_eq!(edxml.subject, "V/v bàn giao hồ sơ, tài liệu của xã Mường Ảng & xã Ẳng Nưa sau sắp xếp");
    assert_eq!(edxml.attachments.len(), 1);
    assert_eq!(edxml.attachments[0].name, "1203_UBND-VP.pdf");
    assert_eq!(edxml.attachments[0].bytes, file("1203_UBND-VP.pdf"), "the PDF itself, not the zip around it");

    let input = edxml.document_input(3, "01");
    assert_eq!(input.issued_date, "04/11/2025");
    assert_eq!(input.type_name, "22", "Công văn");
    assert_eq!((input.number_of_page.as_str(), input.confidence_level.as_str()), ("2", "01"));
    assert!(input.description.contains("Người ký: TL. CHỦ TỊCH, Chánh Văn phòng, Lò Văn Thắng"), "{}", input.description);
    assert!(input.description.contains("Độ khẩn: Khẩn") && input.description.contains("000.00.12.H18,2025/11/04,1203/UBND-VP"));
    let fields = input.parse().expect("a văn bản the form accepts");
    assert_eq!(fields.doc_ordinal, 3);
}

#[test]
fn a_bkav_quyết_định_reads_as_its_sender_wrote_it() {
    let edxml = read(&file("bkav-quyet-dinh.edxml"), Limits::default()).unwrap();
    assert_eq!(edxml.organ_name, "UBND huyện Mường Ảng", "OrganInCharge when there is no OrganName");
    let names: Vec<&str> = edxml.attachments.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["45_QD-UBND_signed.pdf", "Phu luc danh sach.docx"], "named from the manifest when the attachment is not");
    assert_eq!(edxml.attachments[1].bytes, file("Phu luc danh sach.docx"), "an office file is a zip of its own: kept whole");
    let input = edxml.document_input(1, "01");
    assert_eq!((input.issued_date.as_str(), input.type_name.as_str()), ("30/06/2025", "02"));
    assert_eq!(input.number_of_page, "0");
    assert!(input.description.contains("không ghi số trang"), "{}", input.description);
    input.parse().expect("a văn bản the form accepts");
}

#[test]
fn what_is_not_a_văn_bản_to_file_is_refused_in_words() {
    let refused = |name: &str| read(&file(name), Limits::default()).unwrap_err().join(" | ");
    assert!(refused("trang-thai.edxml").contains("gói trạng thái"), "{}", refused("trang-thai.edxml"));
    assert!(refused("thu-hoi.edxml").contains("thu hồi"), "{}", refused("thu-hoi.edxml"));
    assert!(
        refused("hong.edxml").contains("không phải XML đọc được") || refused("hong.edxml").contains("không có phần đầu"),
        "{}",
        refused("hong.edxml")
    );
    let small = Limits { bytes: 100, attachments: 10 };
    let over = read(&file("vnpt-cong-van.edxml"), small).unwrap_err().join(" | ");
    assert!(over.contains("quá giới hạn") || over.contains("giải nén ra quá"), "{over}");
    let not_edxml = read(b"<?xml version=\"1.0\"?><html><body>x</body></html>", Limits::default()).unwrap_err().join(" ");
    assert!(not_edxml.contains("không phải gói edXML"), "{not_edxml}");
    let empty = read(b"", Limits::default()).unwrap_err().join(" ");
    assert!(empty.contains("không có phần đầu"), "{empty}");
    // Broken base64: named, nothing taken.
    let text = String::from_utf8(file("vnpt-cong-van.edxml")).unwrap();
    let start = text.find("QCVN_102_2016\">UEsDB").unwrap() + "QCVN_102_2016\">".len();
    let mut broken = text.clone();
    broken.replace_range(start..start + 8, "!!!!****");
    let refused = read(broken.as_bytes(), Limits::default()).unwrap_err().join(" ");
    assert!(refused.contains("base64 hỏng"), "{refused}");
}
