//! The digitizing body's PAdES signature on a PDF/A, made with a key from a PKCS#12 file and with
//! a key on a real PKCS#11 token (SoftHSM2), checked by independent validators: poppler's pdfsig
//! (trusting the test CA through an NSS database), PDFBox preflight (still PDF/A-1b after
//! signing) and qpdf; the signature block is drawn at the top right of page 1 and is not page text.

use kho_digitize::sign::{Pkcs11Key, Pkcs12Key, SigningKey, sign};
use kho_digitize::testing::{TestPki, pki, run};
use std::path::Path;
use std::process::Command;

const ORGANISATION: &str = "Trung tâm Lưu trữ lịch sử tỉnh Điện Biên";

fn pdf_a() -> Vec<u8> {
    kho_digitize::testing::blank_pdf_a(&[])
}

fn check(pki: &TestPki, name: &str, unsigned: &[u8], signed: &[u8]) {
    let dir = pki.dir.as_path();
    assert!(signed.starts_with(unsigned), "an incremental update: the PDF/A bytes are kept as they were");
    let path = dir.join(name);
    std::fs::write(&path, signed).unwrap();
    let file = path.to_str().unwrap();
    let report = pki.pdfsig(&path);
    assert!(report.contains("Signature Validation: Signature is Valid."), "{report}");
    assert!(report.contains("Certificate Validation: Certificate is Trusted."), "{report}");
    assert!(report.contains("Signature Type: ETSI.CAdES.detached"), "{report}");
    assert!(report.contains("Total document signed"), "{report}");
    let qpdf = Command::new("qpdf").args(["--check", file]).output().unwrap();
    assert!(qpdf.status.success(), "{}", String::from_utf8_lossy(&qpdf.stdout));
    let (valid, preflight) = kho_digitize::testing::preflight(Path::new(file));
    assert!(valid, "still PDF/A-1b after signing: {preflight}");
    // The block is drawn, not written: the page's text has none of its words, the field's
    // description has them all, and the page shows ink at its top right, nowhere else.
    let text = run(dir, "pdftotext", &["-layout", file, "-"]);
    assert!(!text.contains("Ký") && !text.contains("Lưu trữ"), "the signature's words are not page text: {text}");
    let document = lopdf::Document::load_mem(signed).unwrap();
    let described = document
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .find(|d| d.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Widget".as_slice()))
        .and_then(|d| d.get(b"TU").ok())
        .map(|tu| lopdf::decode_text_string(tu).unwrap())
        .expect("the widget describes itself");
    assert_eq!(described, format!("Ký bởi: {ORGANISATION}; Thời gian ký: 25/11/2026 10:15:00 +07:00"));
    run(dir, "pdftoppm", &["-r", "72", "-png", "-gray", "-f", "1", "-l", "1", file, &format!("{}/trang", dir.display())]);
    let rendered = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("trang") && p.extension().is_some_and(|e| e == "png"))
        .expect("the rendered page");
    let page = image::open(&rendered).unwrap().to_luma8();
    std::fs::remove_file(&rendered).unwrap();
    let (w, h) = page.dimensions();
    let ink = |xs: std::ops::Range<u32>, ys: std::ops::Range<u32>| {
        ys.flat_map(|y| xs.clone().map(move |x| (x, y))).filter(|&(x, y)| page.get_pixel(x, y)[0] < 128).count()
    };
    assert!(ink(w / 3..w, 0..h / 6) > 200, "the block is seen at the top right");
    assert_eq!(ink(0..w, h / 5..h), 0, "and nowhere else on the blank page");
}

#[test]
fn a_pdf_a_is_signed_with_a_pkcs12_key_and_with_a_key_on_a_pkcs11_token() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pki = pki(d);

    let at = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:15:00+07:00").unwrap();
    let unsigned = pdf_a();
    let p12 = Pkcs12Key::open(&std::fs::read(&pki.p12).unwrap(), pki.password).unwrap();
    assert_eq!(p12.chain().len(), 2, "signer and CA");
    assert!(Pkcs12Key::open(&std::fs::read(d.join("signer.p12")).unwrap(), "sai").is_err());
    check(&pki, "p12.pdf", &unsigned, &sign(&unsigned, &p12, ORGANISATION, at).unwrap());

    // A real PKCS#11 token: SoftHSM2 with the signer's key and certificate imported.
    std::fs::create_dir(d.join("tokens")).unwrap();
    let conf = d.join("softhsm2.conf");
    std::fs::write(&conf, format!("directories.tokendir = {}\nobjectstore.backend = file\n", d.join("tokens").display())).unwrap();
    unsafe { std::env::set_var("SOFTHSM2_CONF", &conf) };
    run(d, "softhsm2-util", &["--init-token", "--free", "--label", "kho-ky-so", "--pin", "123456", "--so-pin", "654321"]);
    run(d, "openssl", &["pkcs8", "-topk8", "-nocrypt", "-in", "signer.key", "-outform", "DER", "-out", "signer.key.der"]);
    run(d, "openssl", &["x509", "-in", "signer.pem", "-outform", "DER", "-out", "signer.der"]);
    let module = "/usr/lib/softhsm/libsofthsm2.so";
    for (file, kind) in [("signer.key.der", "privkey"), ("signer.der", "cert")] {
        run(
            d,
            "pkcs11-tool",
            &[
                "--module",
                module,
                "--token-label",
                "kho-ky-so",
                "--login",
                "--pin",
                "123456",
                "--write-object",
                file,
                "--type",
                kind,
                "--id",
                "01",
                "--label",
                "kho",
            ],
        );
    }
    assert!(Pkcs11Key::open(Path::new(module), "kho-ky-so", "000000").is_err(), "a wrong PIN is refused");
    let token = Pkcs11Key::open(Path::new(module), "kho-ky-so", "123456").unwrap();
    check(&pki, "pkcs11.pdf", &unsigned, &sign(&unsigned, &token, ORGANISATION, at).unwrap());
}

/// A signature read back as a receiving archive reads it (`sign::verify`), agreeing with pdfsig:
/// valid as signed; a byte changed under the signature, bytes added after it, a signature value
/// forged, or no signature at all — each named.
#[test]
fn a_signature_is_verified_and_every_forgery_is_named() {
    use kho_digitize::sign::{SignatureCheck, TrustedSigners, verify};
    let dir = tempfile::tempdir().unwrap();
    let pki = pki(dir.path());
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:15:00+07:00").unwrap();
    let unsigned = pdf_a();
    let p12 = Pkcs12Key::open(&std::fs::read(&pki.p12).unwrap(), pki.password).unwrap();
    let signed = sign(&unsigned, &p12, ORGANISATION, at).unwrap();
    let signer = "Trung tam Luu tru lich su tinh Dien Bien".to_string();
    let nobody = TrustedSigners::default();
    assert_eq!(verify(&signed, &nobody), SignatureCheck::Valid { signer: signer.clone(), anchor: None });
    assert_eq!(verify(&unsigned, &nobody), SignatureCheck::Unsigned);
    // Chained to what the archive trusts: the CA that issued the signer's certificate, or the
    // signer's own; a certificate from another CA is refused.
    let ca = TrustedSigners::load(&dir.path().join("ca.pem")).unwrap();
    assert_eq!(verify(&signed, &ca), SignatureCheck::Valid { signer: signer.clone(), anchor: Some("Kho test CA".into()) });
    let own = TrustedSigners::load(&dir.path().join("signer.pem")).unwrap();
    assert_eq!(verify(&signed, &own), SignatureCheck::Valid { signer: signer.clone(), anchor: Some(signer.clone()) });
    let elsewhere = tempfile::tempdir().unwrap();
    kho_digitize::testing::pki(elsewhere.path());
    let other = TrustedSigners::load(&elsewhere.path().join("ca.pem")).unwrap();
    match verify(&signed, &other) {
        SignatureCheck::Invalid(reason) => {
            assert!(reason.contains("không do cơ quan chứng thực nào trong danh sách tin cậy cấp"), "{reason}")
        }
        got => panic!("another CA's signer is not trusted: {got:?}"),
    }
    std::fs::write(dir.path().join("rac.pem"), b"-----BEGIN CERTIFICATE-----\nkhong phai\n-----END CERTIFICATE-----\n").unwrap();
    assert!(TrustedSigners::load(&dir.path().join("rac.pem")).is_err(), "a file that is no certificate is refused when loaded");

    let pdfsig = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out =
            Command::new("pdfsig").arg("-nssdir").arg(format!("sql:{}", dir.path().join("nss").display())).arg(&path).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let invalid = |bytes: &[u8]| match verify(bytes, &nobody) {
        SignatureCheck::Invalid(reason) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    };
    // A byte of the page image changed: same size, the digest no longer matches.
    let mut changed = signed.clone();
    let image = signed.windows(6).position(|w| w == b"stream").unwrap() + 200;
    changed[image] ^= 0x55;
    assert!(invalid(&changed).contains("thay đổi sau khi ký"), "{}", invalid(&changed));
    assert!(pdfsig("doi.pdf", &changed).contains("Digest Mismatch"), "pdfsig agrees");
    // Bytes added after signing (an update that would change what is shown).
    let mut added = signed.clone();
    added.extend_from_slice(b"\n1 0 obj\n(them)\nendobj\n");
    assert!(invalid(&added).contains("thêm"), "{}", invalid(&added));
    // The signature value itself altered: the last hex digit of the CMS.
    let mut forged = signed.clone();
    let contents = forged.windows(10).position(|w| w == b"/Contents<").unwrap() + 10;
    let end = contents + forged[contents..].iter().position(|&b| b == b'>').unwrap();
    let last = contents + forged[contents..end].iter().rposition(|&b| b != b'0').unwrap();
    forged[last] = if forged[last] == b'1' { b'2' } else { b'1' };
    assert!(invalid(&forged).contains("chữ ký giả"), "{}", invalid(&forged));
    assert!(!pdfsig("gia.pdf", &forged).contains("Signature is Valid"), "pdfsig agrees");
}
