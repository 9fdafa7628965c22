//! The copies a reader is given, read back by independent tools: the uncertified copy carries no
//! signature, keeps the page's text and shows "BẢN SAO" at the top right of page 1, and is still
//! PDF/A-1b for PDFBox preflight; the certified copy is signed by the archive (pdfsig trusts it)
//! with the "BẢN SAO" mark as its visible block.

use kho_digitize::ocr::Word;
use kho_digitize::sign::Pkcs12Key;
use kho_digitize::testing::{pki, run};
use std::path::Path;
use std::process::Command;

const ORGANISATION: &str = "Trung tâm Lưu trữ lịch sử tỉnh Điện Biên";

fn scanned_pdf() -> Vec<u8> {
    let words = ["Quyết", "định", "giao", "đất"]
        .iter()
        .enumerate()
        .map(|(i, w)| Word {
            text: w.to_string(),
            left: 100 + 120 * i as u32,
            top: 500,
            width: 100,
            height: 30,
            confidence: 90.0,
            line: (1, 1, 1),
        })
        .collect::<Vec<_>>();
    kho_digitize::testing::blank_pdf_a(&words)
}

/// Dark pixels of page 1 rendered at 72 dpi: at the top right, and elsewhere.
fn ink(dir: &Path, file: &Path) -> (usize, usize) {
    let prefix = dir.join(format!("ink-{}", file.file_stem().unwrap().to_string_lossy()));
    run(
        dir,
        "pdftoppm",
        &["-r", "72", "-png", "-gray", "-singlefile", "-f", "1", "-l", "1", file.to_str().unwrap(), prefix.to_str().unwrap()],
    );
    let page = image::open(prefix.with_extension("png")).unwrap().to_luma8();
    let (w, h) = page.dimensions();
    let dark = |xs: std::ops::Range<u32>, ys: std::ops::Range<u32>| {
        ys.flat_map(|y| xs.clone().map(move |x| (x, y))).filter(|&(x, y)| page.get_pixel(x, y)[0] < 128).count()
    };
    (dark(w / 2..w, 0..h / 8), dark(0..w, h / 8..h))
}

#[test]
fn a_copy_is_marked_bản_sao_and_a_certified_one_is_signed_by_the_archive_with_that_mark() {
    let dir = tempfile::tempdir().unwrap();
    let pki = pki(dir.path());
    let key = Pkcs12Key::open(&std::fs::read(&pki.p12).unwrap(), pki.password).unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2026-12-07T15:00:00+07:00").unwrap();
    let original = kho_digitize::sign::sign(&scanned_pdf(), &key, "UBND xã Mường Ảng", at).unwrap();

    let copy = kho_digitize::copy::uncertified(&original).unwrap();
    let path = dir.path().join("ban-sao.pdf");
    std::fs::write(&path, &copy).unwrap();
    let report = Command::new("pdfsig").arg(&path).output().unwrap();
    let report = String::from_utf8_lossy(&report.stdout).to_string() + &String::from_utf8_lossy(&report.stderr);
    assert!(report.contains("does not contain any signatures"), "the digitizing body's signature is taken off: {report}");
    let text = run(dir.path(), "pdftotext", &[path.to_str().unwrap(), "-"]);
    assert!(text.contains("Quyết định giao đất"), "the page's text is kept: {text}");
    assert!(!text.contains("BẢN SAO"), "the mark is drawn, not text");
    let (mark, elsewhere) = ink(dir.path(), &path);
    assert!(mark > 30, "BẢN SAO is seen at the top right: {mark}");
    assert_eq!(elsewhere, 0, "and nothing else is drawn on the blank page");
    let qpdf = Command::new("qpdf").args(["--check", path.to_str().unwrap()]).output().unwrap();
    assert!(qpdf.status.success(), "{}", String::from_utf8_lossy(&qpdf.stdout));
    let (valid, preflight) = kho_digitize::testing::preflight(&path);
    assert!(valid, "still PDF/A-1b: {preflight}");
    // An uncertified copy of an unsigned file, or of a copy, is marked once.
    let again = kho_digitize::copy::uncertified(&kho_digitize::copy::uncertified(&scanned_pdf()).unwrap()).unwrap();
    assert_eq!(lopdf::Document::load_mem(&again).unwrap().get_pages().len(), 1);

    let certified = kho_digitize::copy::certified(&original, &key, ORGANISATION, at).unwrap();
    let path = dir.path().join("ban-sao-xac-thuc.pdf");
    std::fs::write(&path, &certified).unwrap();
    let report = pki.pdfsig(&path);
    assert!(report.contains("Signature Validation: Signature is Valid."), "{report}");
    assert!(report.contains("Certificate Validation: Certificate is Trusted."), "{report}");
    assert_eq!(report.matches("Signature #").count(), 1, "only the archive's signature: {report}");
    let document = lopdf::Document::load_mem(&certified).unwrap();
    let described = document
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .find(|d| d.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Widget".as_slice()))
        .and_then(|d| d.get(b"TU").ok())
        .map(|tu| lopdf::decode_text_string(tu).unwrap())
        .unwrap();
    assert_eq!(described, format!("BẢN SAO; Chứng thực bởi: {ORGANISATION}; Thời gian ký: 07/12/2026 15:00:00 +07:00"));
    let (mark, elsewhere) = ink(dir.path(), &path);
    assert!(mark > 100, "the mark is the signature's block: {mark}");
    assert_eq!(elsewhere, 0);
    assert!(run(dir.path(), "pdftotext", &[path.to_str().unwrap(), "-"]).contains("Quyết định giao đất"));
}
