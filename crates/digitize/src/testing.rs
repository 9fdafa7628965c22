//! Helpers for tests that sign: a throw-away PKI made with openssl (a CA, a signer certificate
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
