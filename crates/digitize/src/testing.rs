//! Helpers for tests and benchmarks: a large scanner PDF; and for tests that sign, a throw-away PKI made with openssl (a CA, a signer certificate
//! for the organisation, a PKCS#12), an NSS database trusting the CA for poppler's pdfsig, and
//! pdfsig's verdict. Not used by Kho itself.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct TestPki {
    pub dir: PathBuf,
    pub p12: PathBuf,
    pub password: &'static str,
}

pub fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).current_dir(dir).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{program} {args:?}: {text}");
    text
}

/// A CA, a signer (key, certificate, PKCS#12 with the chain) and an NSS database trusting the CA.
pub fn pki(dir: &Path) -> TestPki {
    run(
        dir,
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "30",
            "-subj",
            "/CN=Kho test CA/O=Kho",
        ],
    );
    run(
        dir,
        "openssl",
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "signer.key",
            "-out",
            "signer.csr",
            "-subj",
            "/CN=Trung tam Luu tru lich su tinh Dien Bien/O=Kho",
        ],
    );
    std::fs::write(dir.join("ext.cnf"), "keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\n").unwrap();
    run(
        dir,
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "signer.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "signer.pem",
            "-days",
            "30",
            "-extfile",
            "ext.cnf",
        ],
    );
    run(
        dir,
        "openssl",
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "signer.key",
            "-in",
            "signer.pem",
            "-certfile",
            "ca.pem",
            "-out",
            "signer.p12",
            "-passout",
            "pass:mat-khau",
        ],
    );
    std::fs::create_dir_all(dir.join("nss")).unwrap();
    let nss = format!("sql:{}", dir.join("nss").display());
    run(dir, "certutil", &["-N", "-d", &nss, "--empty-password"]);
    run(dir, "certutil", &["-A", "-d", &nss, "-n", "kho-ca", "-t", "C,C,C", "-i", "ca.pem"]);
    TestPki { dir: dir.to_path_buf(), p12: dir.join("signer.p12"), password: "mat-khau" }
}

impl TestPki {
    /// pdfsig's report on a signed file, trusting the test CA.
    pub fn pdfsig(&self, file: &Path) -> String {
        run(&self.dir, "pdfsig", &["-nssdir", &format!("sql:{}", self.dir.join("nss").display()), file.to_str().unwrap()])
    }
}

/// A scanner's PDF of about `megabytes` MB: A4 pages at 300 dpi, each one 8-bit grey image
/// stored as it is (2480 × 3508, 8.7 MB), its pixels noise from `seed`. Returns the file and the
/// offset of the first image's pixels (to vary a copy without building another). The noise keeps
/// to 128–255, so no ZIP signature can appear by chance.
pub fn large_scan_pdf(megabytes: u64, seed: u64) -> (Vec<u8>, usize) {
    use lopdf::{Document, Object, Stream, dictionary};
    const WIDTH: i64 = 2480;
    const HEIGHT: i64 = 3508;
    let page_bytes = (WIDTH * HEIGHT) as u64;
    let pages = ((megabytes << 20) / page_bytes).max(1);
    let mut state = seed | 1;
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut kids = vec![];
    for _ in 0..pages {
        let mut pixels = vec![0u8; page_bytes as usize];
        for chunk in pixels.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let word = (state | 0x8080_8080_8080_8080).to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        let image = doc.add_object(Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => WIDTH, "Height" => HEIGHT, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
            pixels,
        ));
        let content = doc.add_object(Stream::new(dictionary! {}, b"q 595 0 0 842 0 0 cm /I Do Q".to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "I" => image } }, "Contents" => content,
        });
        kids.push(Object::from(page));
    }
    let count = kids.len() as i64;
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = vec![];
    doc.save_to(&mut out).expect("a PDF in memory");
    let first = out.windows(7).position(|w| w == b"stream\n").map(|p| p + 7).unwrap_or(0);
    // The first stream may be a content stream: find the first long one.
    let mut offset = first;
    while let Some(p) = out[offset..].windows(7).position(|w| w == b"stream\n") {
        let start = offset + p + 7;
        if out.len() > start + 1024 && out[start..start + 1024].iter().all(|b| *b >= 0x80) {
            return (out, start);
        }
        offset = start;
    }
    (out, first)
}
