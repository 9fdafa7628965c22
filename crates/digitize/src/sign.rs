//! The digitizing body's signature on each PDF/A, as TT 05/2025 asks: PAdES (ETSI.CAdES.detached)
//! added as an incremental update after the PDF/A is written, so the PDF/A bytes stay as they
//! were; a visible block at the top right of page 1 with the organisation's name and the signing
//! time in a Times-metric serif (Liberation Serif outlines), 10 pt, black, no seal — drawn in the
//! signature widget's appearance as shapes, so the page's text is the document's alone.
//!
//! Keys come from a PKCS#12 file or a PKCS#11 token (an HSM or a USB token); both only ever sign
//! a SHA-256 digest with RSASSA-PKCS1-v1_5, through [`SigningKey`].

use chrono::{DateTime, FixedOffset};
use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use der::asn1::{OctetString, SetOfVec};
use der::{Decode, Encode, Sequence};
use lopdf::{Dictionary, Document, IncrementalDocument, Object, StringFormat, dictionary};
use sha2_10::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier};
use std::sync::Mutex;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

/// Room for the CMS signature in the file (hex doubles it).
const SIGNATURE_ROOM: usize = 8192;
const BYTE_RANGE_PLACEHOLDER: [i64; 4] = [0, 9_999_999_999, 9_999_999_999, 9_999_999_999];

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("khóa ký số: {0}")]
    Key(String),
    #[error("tệp PDF: {0}")]
    Pdf(String),
    #[error("chữ ký số: {0}")]
    Cms(String),
}

fn pdf_error(e: impl std::fmt::Display) -> SignError {
    SignError::Pdf(e.to_string())
}

/// A key that signs with RSASSA-PKCS1-v1_5 over SHA-256, and its certificate chain (leaf first).
pub trait SigningKey: Send + Sync {
    fn chain(&self) -> &[Certificate];
    /// Signs `message` (SHA-256 is applied by the key).
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError>;
}

/// A key and certificates from a PKCS#12 (.p12, .pfx) file.
pub struct Pkcs12Key {
    key: rsa::pkcs1v15::SigningKey<Sha256>,
    chain: Vec<Certificate>,
}

impl Pkcs12Key {
    pub fn open(bytes: &[u8], password: &str) -> Result<Pkcs12Key, SignError> {
        use rsa::pkcs8::DecodePrivateKey;
        let store = p12_keystore::KeyStore::from_pkcs12(bytes, password, Default::default())
            .map_err(|e| SignError::Key(format!("không mở được tệp PKCS#12 (sai mật khẩu hoặc tệp hỏng): {e}")))?;
        let chain = store
            .entries()
            .find_map(|(_, entry)| match entry {
                p12_keystore::KeyStoreEntry::PrivateKeyChain(chain) => Some(chain.clone()),
                _ => None,
            })
            .ok_or_else(|| SignError::Key("tệp PKCS#12 không có khóa bí mật kèm chứng thư".into()))?;
        let key =
            rsa::RsaPrivateKey::from_pkcs8_der(chain.key().as_der()).map_err(|e| SignError::Key(format!("khóa không phải RSA: {e}")))?;
        let certs = chain
            .certs()
            .iter()
            .map(|c| Certificate::from_der(c.as_der()).map_err(|e| SignError::Key(format!("chứng thư hỏng: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        if certs.is_empty() {
            return Err(SignError::Key("tệp PKCS#12 không có chứng thư".into()));
        }
        Ok(Pkcs12Key { key: rsa::pkcs1v15::SigningKey::new(key), chain: certs })
    }
}

impl SigningKey for Pkcs12Key {
    fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        use signature::{SignatureEncoding, Signer};
        Ok(self.key.try_sign(message).map_err(|e| SignError::Key(e.to_string()))?.to_vec())
    }
}

/// A key on a PKCS#11 token: the first private key and certificate of the token with `label`.
pub struct Pkcs11Key {
    session: Mutex<cryptoki::session::Session>,
    key: cryptoki::object::ObjectHandle,
    chain: Vec<Certificate>,
    _context: cryptoki::context::Pkcs11,
}

impl Pkcs11Key {
    pub fn open(module: &std::path::Path, label: &str, pin: &str) -> Result<Pkcs11Key, SignError> {
        use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
        use cryptoki::object::{Attribute, AttributeType, ObjectClass};
        fn e(what: &'static str) -> impl Fn(cryptoki::error::Error) -> SignError {
            move |err| SignError::Key(format!("{what}: {err}"))
        }
        let context = Pkcs11::new(module).map_err(e("không nạp được thư viện PKCS#11"))?;
        context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)).map_err(e("không khởi tạo được PKCS#11"))?;
        let slot = context
            .get_slots_with_token()
            .map_err(e("không liệt kê được token"))?
            .into_iter()
            .find(|slot| context.get_token_info(*slot).is_ok_and(|t| t.label().trim() == label))
            .ok_or_else(|| SignError::Key(format!("không thấy token “{label}”")))?;
        let session = context.open_ro_session(slot).map_err(e("không mở được phiên làm việc với token"))?;
        session
            .login(cryptoki::session::UserType::User, Some(&cryptoki::types::AuthPin::from(pin.to_string())))
            .map_err(e("đăng nhập token thất bại (sai mã PIN?)"))?;
        let key = *session
            .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])
            .map_err(e("không tìm được khóa"))?
            .first()
            .ok_or_else(|| SignError::Key("token không có khóa bí mật".into()))?;
        let mut chain = vec![];
        for handle in session.find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)]).map_err(e("không tìm được chứng thư"))? {
            for attribute in session.get_attributes(handle, &[AttributeType::Value]).map_err(e("không đọc được chứng thư"))? {
                if let Attribute::Value(der) = attribute {
                    chain.push(Certificate::from_der(&der).map_err(|err| SignError::Key(format!("chứng thư hỏng: {err}")))?);
                }
            }
        }
        if chain.is_empty() {
            return Err(SignError::Key("token không có chứng thư".into()));
        }
        Ok(Pkcs11Key { session: Mutex::new(session), key, chain, _context: context })
    }
}

impl SigningKey for Pkcs11Key {
    fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let session = self.session.lock().map_err(|_| SignError::Key("phiên token bị hỏng".into()))?;
        session.sign(&cryptoki::mechanism::Mechanism::Sha256RsaPkcs, self.key, message).map_err(|e| SignError::Key(e.to_string()))
    }
}

/// The bridge to RustCrypto's CMS builder.
struct CmsSigner<'a> {
    key: &'a dyn SigningKey,
    verifying: rsa::pkcs1v15::VerifyingKey<Sha256>,
}

impl signature::Keypair for CmsSigner<'_> {
    type VerifyingKey = rsa::pkcs1v15::VerifyingKey<Sha256>;
    fn verifying_key(&self) -> Self::VerifyingKey {
        self.verifying.clone()
    }
}

impl DynSignatureAlgorithmIdentifier for CmsSigner<'_> {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        Ok(AlgorithmIdentifierOwned { oid: const_oid::db::rfc5912::SHA_256_WITH_RSA_ENCRYPTION, parameters: Some(der::asn1::Null.into()) })
    }
}

impl signature::Signer<rsa::pkcs1v15::Signature> for CmsSigner<'_> {
    fn try_sign(&self, message: &[u8]) -> Result<rsa::pkcs1v15::Signature, signature::Error> {
        let bytes = self.key.sign(message).map_err(signature::Error::from_source)?;
        rsa::pkcs1v15::Signature::try_from(bytes.as_slice())
    }
}

/// ESS signing-certificate-v2 (RFC 5035), which PAdES requires: the signer's certificate by hash.
#[derive(Sequence)]
struct IssuerSerial {
    issuer: x509_cert::ext::pkix::name::GeneralNames,
    serial_number: x509_cert::serial_number::SerialNumber,
}

#[derive(Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
    issuer_serial: IssuerSerial,
}

#[derive(Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn cms_signature(key: &dyn SigningKey, digest: &[u8]) -> Result<Vec<u8>, SignError> {
    let cms = |e: &dyn std::fmt::Display| SignError::Cms(e.to_string());
    let leaf = key.chain().first().ok_or_else(|| SignError::Key("không có chứng thư".into()))?;
    use spki::DecodePublicKey;
    let public = rsa::RsaPublicKey::from_public_key_der(&leaf.tbs_certificate.subject_public_key_info.to_der().map_err(|e| cms(&e))?)
        .map_err(|e| SignError::Key(format!("chứng thư không mang khóa RSA: {e}")))?;
    let signer = CmsSigner { key, verifying: rsa::pkcs1v15::VerifyingKey::new(public) };
    let content = EncapsulatedContentInfo { econtent_type: const_oid::db::rfc5911::ID_DATA, econtent: None };
    let sha256 = AlgorithmIdentifierOwned { oid: const_oid::db::rfc5912::ID_SHA_256, parameters: None };
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: leaf.tbs_certificate.issuer.clone(),
        serial_number: leaf.tbs_certificate.serial_number.clone(),
    });
    let mut info = SignerInfoBuilder::new(&signer, sid, sha256.clone(), &content, Some(digest)).map_err(|e| cms(&e))?;
    let cert_hash = Sha256::digest(leaf.to_der().map_err(|e| cms(&e))?);
    let essential = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(cert_hash.to_vec()).map_err(|e| cms(&e))?,
            issuer_serial: IssuerSerial {
                issuer: vec![x509_cert::ext::pkix::name::GeneralName::DirectoryName(leaf.tbs_certificate.issuer.clone())],
                serial_number: leaf.tbs_certificate.serial_number.clone(),
            },
        }],
    };
    let value = der::Any::from_der(&essential.to_der().map_err(|e| cms(&e))?).map_err(|e| cms(&e))?;
    info.add_signed_attribute(Attribute {
        oid: const_oid::db::rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2,
        values: SetOfVec::try_from(vec![value]).map_err(|e| cms(&e))?,
    })
    .map_err(|e| cms(&e))?;
    let mut builder = SignedDataBuilder::new(&content);
    builder.add_digest_algorithm(sha256).map_err(|e| cms(&e))?;
    for cert in key.chain() {
        builder.add_certificate(CertificateChoices::Certificate(cert.clone())).map_err(|e| cms(&e))?;
    }
    builder.add_signer_info::<_, rsa::pkcs1v15::Signature>(info).map_err(|e| cms(&e))?;
    builder.build().map_err(|e| cms(&e))?.to_der().map_err(|e| cms(&e))
}

fn utf16(text: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn pdf_date(at: &DateTime<FixedOffset>) -> Object {
    let offset = at.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let text = format!("D:{}{sign}{:02}'{:02}'", at.format("%Y%m%d%H%M%S"), offset.abs() / 3600, (offset.abs() % 3600) / 60);
    Object::String(text.into_bytes(), StringFormat::Literal)
}

/// What a signature shows and says: the lines of its visible block (top right of page 1), the
/// field's name and the reason it was signed for.
pub struct Mark {
    pub lines: Vec<String>,
    pub field: &'static str,
    pub reason: &'static str,
    /// At the foot of page 1, right, rather than its top right (a paper whose top right holds
    /// the national heading).
    pub at_foot: bool,
}

impl Mark {
    /// The digitizing body's signature on its PDF/A.
    pub fn digitized(organisation: &str, at: DateTime<FixedOffset>) -> Mark {
        Mark {
            lines: vec![format!("Ký bởi: {organisation}"), format!("Thời gian ký: {}", at.format("%d/%m/%Y %H:%M:%S %:z"))],
            field: "Chữ ký số của cơ quan số hóa",
            reason: "Số hóa tài liệu lưu trữ theo Thông tư 05/2025/TT-BNV",
            at_foot: false,
        }
    }

    /// The archive's signature on a certified copy, shown as the "BẢN SAO" mark (TT 05/2025).
    pub fn certified_copy(organisation: &str, at: DateTime<FixedOffset>) -> Mark {
        Mark {
            lines: vec![
                "BẢN SAO".to_string(),
                format!("Chứng thực bởi: {organisation}"),
                format!("Thời gian ký: {}", at.format("%d/%m/%Y %H:%M:%S %:z")),
            ],
            field: "Chữ ký số chứng thực bản sao",
            reason: "Cấp bản sao có xác thực tài liệu lưu trữ theo Thông tư 05/2025/TT-BNV",
            at_foot: false,
        }
    }

    /// The archive's signature on a certified DIP's authentication sheet, at the sheet's foot.
    pub fn dip_authentication(organisation: &str, at: DateTime<FixedOffset>) -> Mark {
        Mark {
            lines: vec![format!("Ký bởi: {organisation}"), format!("Thời gian ký: {}", at.format("%d/%m/%Y %H:%M:%S %:z"))],
            field: "Chữ ký số xác thực gói khai thác",
            reason: "Xác thực bản sao dạng gói thông tin khai thác (DIP) theo Thông tư 05/2025/TT-BNV",
            at_foot: true,
        }
    }
}

/// Signs a PDF as the digitizing body, as an incremental update; returns the whole signed file.
pub fn sign(pdf: &[u8], key: &dyn SigningKey, organisation: &str, at: DateTime<FixedOffset>) -> Result<Vec<u8>, SignError> {
    sign_as(pdf, key, organisation, &Mark::digitized(organisation, at), at)
}

/// Signs a PDF as an incremental update, showing `mark`; returns the whole signed file.
pub fn sign_as(pdf: &[u8], key: &dyn SigningKey, organisation: &str, mark: &Mark, at: DateTime<FixedOffset>) -> Result<Vec<u8>, SignError> {
    let previous = Document::load_mem(pdf).map_err(pdf_error)?;
    let page = *previous.get_pages().get(&1).ok_or_else(|| SignError::Pdf("không có trang nào".into()))?;
    let catalog = previous.trailer.get(b"Root").and_then(Object::as_reference).map_err(pdf_error)?;
    let media = media_box(&previous, page)?;
    let mut update = IncrementalDocument::create_from(pdf.to_vec(), previous);
    let lines = &mark.lines;
    let (form, width, height) = crate::lettering::pdf_block(&mut update.new_document, lines).map_err(pdf_error)?;
    let (right, top) = if mark.at_foot { (media[2] - 20.0, media[1] + 20.0 + height) } else { (media[2] - 20.0, media[3] - 20.0) };
    let rect = vec![Object::Real(right - width), Object::Real(top - height), Object::Real(right), Object::Real(top)];
    let signature = update.new_document.add_object(dictionary! {
        "Type" => "Sig",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.CAdES.detached",
        "ByteRange" => BYTE_RANGE_PLACEHOLDER.iter().map(|v| Object::Integer(*v)).collect::<Vec<_>>(),
        "Contents" => Object::String(vec![0; SIGNATURE_ROOM], StringFormat::Hexadecimal),
        "M" => pdf_date(&at),
        "Name" => utf16(organisation),
        "Reason" => utf16(mark.reason),
    });
    let widget = update.new_document.add_object(dictionary! {
        "Type" => "Annot",
        "Subtype" => "Widget",
        "FT" => "Sig",
        "T" => utf16(mark.field),
        "TU" => utf16(&lines.join("; ")),
        "V" => signature,
        "F" => 132,
        "P" => page,
        "Rect" => rect,
        "AP" => dictionary! { "N" => form },
    });
    update.opt_clone_object_to_new_document(page).map_err(pdf_error)?;
    let page_dict = update.new_document.get_dictionary_mut(page).map_err(pdf_error)?;
    let mut annots = match page_dict.get(b"Annots") {
        Ok(Object::Array(a)) => a.clone(),
        _ => vec![],
    };
    annots.push(widget.into());
    page_dict.set("Annots", annots);
    update.opt_clone_object_to_new_document(catalog).map_err(pdf_error)?;
    let catalog_dict = update.new_document.get_dictionary_mut(catalog).map_err(pdf_error)?;
    let mut fields = match catalog_dict.get(b"AcroForm").and_then(Object::as_dict).and_then(|f| f.get(b"Fields")) {
        Ok(Object::Array(a)) => a.clone(),
        _ => vec![],
    };
    fields.push(widget.into());
    let mut acro = Dictionary::new();
    acro.set("Fields", fields);
    acro.set("SigFlags", 3);
    catalog_dict.set("AcroForm", acro);
    let mut out = vec![];
    update.save_to(&mut out).map_err(pdf_error)?;

    // The placeholders, found in what was written, then filled at the same width.
    let zeros = format!("<{}>", "0".repeat(SIGNATURE_ROOM * 2));
    let start = find(&out, zeros.as_bytes()).ok_or_else(|| SignError::Pdf("không thấy chỗ dành cho chữ ký".into()))?;
    let end = start + zeros.len();
    let placeholder = format!("[{}]", BYTE_RANGE_PLACEHOLDER.map(|v| v.to_string()).join(" "));
    let range_at = find(&out, placeholder.as_bytes()).ok_or_else(|| SignError::Pdf("không thấy ByteRange".into()))?;
    let mut range = format!("[0 {start} {end} {}", out.len() - end);
    while range.len() < placeholder.len() - 1 {
        range.push(' ');
    }
    range.push(']');
    out[range_at..range_at + placeholder.len()].copy_from_slice(range.as_bytes());
    let mut hasher = Sha256::new();
    hasher.update(&out[..start]);
    hasher.update(&out[end..]);
    let der = cms_signature(key, &hasher.finalize())?;
    if der.len() > SIGNATURE_ROOM {
        return Err(SignError::Cms(format!("chữ ký {} byte, vượt chỗ dành sẵn {SIGNATURE_ROOM} byte", der.len())));
    }
    let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
    out[start + 1..start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// A page's MediaBox: [left, bottom, right, top].
pub(crate) fn media_box(doc: &Document, page: lopdf::ObjectId) -> Result<Vec<f32>, SignError> {
    let media: Vec<f32> = doc
        .get_dictionary(page)
        .and_then(|d| d.get(b"MediaBox"))
        .and_then(Object::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_float().ok()).collect())
        .map_err(pdf_error)?;
    if media.len() != 4 {
        return Err(SignError::Pdf("trang 1 không có MediaBox".into()));
    }
    Ok(media)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What a PDF's signatures say, read back the way a receiving archive reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// No signature at all.
    Unsigned,
    /// Every signature verifies and the last covers the whole file; who signed last, and the
    /// trusted certificate their chain reaches (None when no trusted certificate is configured).
    Valid { signer: String, anchor: Option<String> },
    /// Why it cannot be trusted, in words a clerk can pass on.
    Invalid(String),
}

/// Verifies every signature of a PDF: its byte range, the CMS message digest against those bytes,
/// the signature over the signed attributes with the certificate the CMS carries (RSA with
/// SHA-256, SHA-384 or SHA-512), and that the last one covers the file to its end (nothing added
/// after signing). When `trusted` holds certificates, each signer's certificate must chain to one
/// of them, every link's signature checked, and be valid when it signed.
pub fn verify(pdf: &[u8], trusted: &TrustedSigners) -> SignatureCheck {
    let Ok(doc) = Document::load_mem(pdf) else { return SignatureCheck::Invalid("không đọc được tệp PDF".into()) };
    let mut signatures: Vec<(Vec<i64>, Vec<u8>)> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter_map(|d| {
            let range = d.get(b"ByteRange").and_then(Object::as_array).ok()?;
            let contents = d.get(b"Contents").and_then(Object::as_str).ok()?;
            Some((range.iter().map(|v| v.as_i64().unwrap_or(-1)).collect(), contents.to_vec()))
        })
        .collect();
    if signatures.is_empty() {
        return SignatureCheck::Unsigned;
    }
    signatures.sort_by_key(|(range, _)| range.iter().copied().max().unwrap_or(0));
    let (mut signer, mut anchor) = (String::new(), None);
    for (n, (range, contents)) in signatures.iter().enumerate() {
        let which = if signatures.len() > 1 { format!("chữ ký thứ {}: ", n + 1) } else { String::new() };
        let [a, b, c, d] = range[..] else { return SignatureCheck::Invalid(format!("{which}ByteRange không đúng dạng")) };
        let len = pdf.len() as i64;
        if a != 0 || b < 0 || c < a + b || d < 0 || c + d > len {
            return SignatureCheck::Invalid(format!("{which}ByteRange [{a} {b} {c} {d}] nằm ngoài tệp"));
        }
        match verify_cms(contents, [&pdf[..b as usize], &pdf[c as usize..(c + d) as usize]], trusted) {
            Ok((name, reached)) => (signer, anchor) = (name, reached),
            Err(reason) => return SignatureCheck::Invalid(format!("{which}{reason}")),
        }
        if n + 1 == signatures.len() && c + d != len {
            return SignatureCheck::Invalid(format!("{which}tệp bị thêm {} byte sau khi ký", len - c - d));
        }
    }
    SignatureCheck::Valid { signer, anchor }
}

/// The hashes a signature may be made with (RSASSA-PKCS1-v1_5), named by a CMS digest algorithm or
/// an X.509 signature algorithm.
#[derive(Clone, Copy)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn of_digest(oid: const_oid::ObjectIdentifier) -> Option<Hash> {
        use const_oid::db::rfc5912::{ID_SHA_256, ID_SHA_384, ID_SHA_512};
        [(ID_SHA_256, Hash::Sha256), (ID_SHA_384, Hash::Sha384), (ID_SHA_512, Hash::Sha512)]
            .into_iter()
            .find(|(o, _)| *o == oid)
            .map(|(_, h)| h)
    }

    fn of_signature(oid: const_oid::ObjectIdentifier) -> Option<Hash> {
        use const_oid::db::rfc5912::{SHA_256_WITH_RSA_ENCRYPTION, SHA_384_WITH_RSA_ENCRYPTION, SHA_512_WITH_RSA_ENCRYPTION};
        [
            (SHA_256_WITH_RSA_ENCRYPTION, Hash::Sha256),
            (SHA_384_WITH_RSA_ENCRYPTION, Hash::Sha384),
            (SHA_512_WITH_RSA_ENCRYPTION, Hash::Sha512),
        ]
        .into_iter()
        .find(|(o, _)| *o == oid)
        .map(|(_, h)| h)
    }

    /// The digest of `parts`, one after the other.
    fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            parts.iter().fold(D::new(), |d, p| d.chain_update(p)).finalize().to_vec()
        }
        match self {
            Hash::Sha256 => run::<Sha256>(parts),
            Hash::Sha384 => run::<sha2_10::Sha384>(parts),
            Hash::Sha512 => run::<sha2_10::Sha512>(parts),
        }
    }

    /// Whether `signature` over `message` holds under `public`.
    fn verifies(self, public: rsa::RsaPublicKey, message: &[u8], signature: &rsa::pkcs1v15::Signature) -> bool {
        use signature::Verifier;
        match self {
            Hash::Sha256 => rsa::pkcs1v15::VerifyingKey::<Sha256>::new(public).verify(message, signature).is_ok(),
            Hash::Sha384 => rsa::pkcs1v15::VerifyingKey::<sha2_10::Sha384>::new(public).verify(message, signature).is_ok(),
            Hash::Sha512 => rsa::pkcs1v15::VerifyingKey::<sha2_10::Sha512>::new(public).verify(message, signature).is_ok(),
        }
    }
}

/// One CMS SignedData checked against the bytes it covers (`covered`, the two sides of the
/// signature's gap); the signer's name and the trusted certificate its chain reached.
fn verify_cms(contents: &[u8], covered: [&[u8]; 2], trusted: &TrustedSigners) -> Result<(String, Option<String>), String> {
    use cms::content_info::ContentInfo;
    use cms::signed_data::SignedData;
    let mut reader = der::SliceReader::new(contents).map_err(|e| format!("chữ ký hỏng: {e}"))?;
    let info = ContentInfo::decode(&mut reader).map_err(|e| format!("chữ ký không phải CMS: {e}"))?;
    if info.content_type != const_oid::db::rfc5911::ID_SIGNED_DATA {
        return Err("chữ ký không phải CMS SignedData".into());
    }
    let signed = info.content.decode_as::<SignedData>().map_err(|e| format!("chữ ký hỏng: {e}"))?;
    let info = signed.signer_infos.0.iter().next().ok_or("chữ ký không có người ký")?;
    let attributes = info.signed_attrs.as_ref().ok_or("chữ ký thiếu thuộc tính được ký (PAdES bắt buộc)")?;
    let digest = attributes
        .iter()
        .find(|a| a.oid == const_oid::db::rfc5911::ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or("chữ ký thiếu messageDigest")?;
    let algorithm = info.digest_alg.oid;
    let hash = Hash::of_digest(algorithm).ok_or_else(|| format!("thuật toán băm {algorithm} của chữ ký chưa được hỗ trợ"))?;
    if digest.as_bytes() != hash.digest(&covered).as_slice() {
        return Err("nội dung tệp đã bị thay đổi sau khi ký (mã băm không khớp chữ ký)".into());
    }
    // The certificates the signature carries; the signer's among them.
    let carried: Vec<&Certificate> = signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c),
            _ => None,
        })
        .collect();
    let certificate = *carried
        .iter()
        .find(|c| match &info.sid {
            SignerIdentifier::IssuerAndSerialNumber(id) => {
                c.tbs_certificate.issuer == id.issuer && c.tbs_certificate.serial_number == id.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(id) => {
                c.tbs_certificate.get::<x509_cert::ext::pkix::SubjectKeyIdentifier>().ok().flatten().is_some_and(|(_, ski)| ski.0 == id.0)
            }
        })
        .ok_or("chữ ký không kèm chứng thư của người ký")?;
    use spki::DecodePublicKey;
    let spki = certificate.tbs_certificate.subject_public_key_info.to_der().map_err(|e| e.to_string())?;
    let public =
        rsa::RsaPublicKey::from_public_key_der(&spki).map_err(|_| "chứng thư người ký không mang khóa RSA (chưa hỗ trợ)".to_string())?;
    let message = attributes.to_der().map_err(|e| e.to_string())?;
    let signature = rsa::pkcs1v15::Signature::try_from(info.signature.as_bytes()).map_err(|e| format!("chữ ký hỏng: {e}"))?;
    if !hash.verifies(public, &message, &signature) {
        return Err("chữ ký không khớp chứng thư kèm theo (chữ ký giả hoặc bị sửa)".into());
    }
    let name = common_name(&certificate.tbs_certificate.subject);
    if trusted.anchors.is_empty() {
        return Ok((name, None));
    }
    let signed_at = attributes
        .iter()
        .find(|a| a.oid == const_oid::db::rfc5911::ID_SIGNING_TIME)
        .and_then(|a| a.values.iter().next())
        .and_then(|v| v.to_der().ok())
        .and_then(|der| x509_cert::time::Time::from_der(&der).ok())
        .map(|t| t.to_unix_duration());
    let anchor = trusted.chain(certificate, &carried, signed_at).map_err(|reason| format!("chứng thư của “{name}”: {reason}"))?;
    Ok((name, Some(anchor)))
}

/// The certificates an archive trusts to sign what it receives — certification authorities, or
/// a signer's own certificate —, read from PEM or DER files (`--trusted-certs`).
#[derive(Debug, Clone, Default)]
pub struct TrustedSigners {
    anchors: Vec<Certificate>,
}

impl TrustedSigners {
    /// Every certificate in `path`: a file (PEM with one or more certificates, or DER), or a
    /// folder of such files.
    pub fn load(path: &std::path::Path) -> Result<TrustedSigners, SignError> {
        let files: Vec<std::path::PathBuf> = if path.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(path)
                .map_err(|e| SignError::Key(format!("{}: {e}", path.display())))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect();
            files.sort();
            files
        } else {
            vec![path.to_path_buf()]
        };
        let mut anchors = vec![];
        for file in files {
            let bytes = std::fs::read(&file).map_err(|e| SignError::Key(format!("{}: {e}", file.display())))?;
            let read = if bytes.starts_with(b"-----BEGIN") {
                Certificate::load_pem_chain(&bytes).map_err(|e| e.to_string())
            } else {
                Certificate::from_der(&bytes).map(|c| vec![c]).map_err(|e| e.to_string())
            };
            anchors
                .extend(read.map_err(|e| SignError::Key(format!("{}: không phải chứng thư X.509 (PEM hoặc DER): {e}", file.display())))?);
        }
        if anchors.is_empty() {
            return Err(SignError::Key(format!("{}: không có chứng thư nào", path.display())));
        }
        Ok(TrustedSigners { anchors })
    }

    /// The trusted certificate `leaf`'s chain reaches through `carried` (the certificates the
    /// signature brings), each link's signature checked and each certificate valid when it signed.
    fn chain(&self, leaf: &Certificate, carried: &[&Certificate], signed_at: Option<std::time::Duration>) -> Result<String, String> {
        let valid_at = |c: &Certificate| {
            let Some(at) = signed_at else { return true };
            let v = &c.tbs_certificate.validity;
            v.not_before.to_unix_duration() <= at && at <= v.not_after.to_unix_duration()
        };
        if !valid_at(leaf) {
            return Err("không còn hiệu lực vào lúc ký".into());
        }
        let mut current = leaf.clone();
        // The leaf, up to seven authorities above it, and the anchor found at the next step.
        for _ in 0..9 {
            if let Some(anchor) = self.anchors.iter().find(|a| **a == current) {
                return Ok(common_name(&anchor.tbs_certificate.subject));
            }
            let issuers =
                self.anchors.iter().chain(carried.iter().copied()).filter(|c| c.tbs_certificate.subject == current.tbs_certificate.issuer);
            let Some(issuer) = issuers.into_iter().find(|issuer| issued_by(&current, issuer)) else {
                return Err("không do cơ quan chứng thực nào trong danh sách tin cậy cấp".into());
            };
            if *issuer == current {
                break;
            }
            current = issuer.clone();
        }
        Err("không do cơ quan chứng thực nào trong danh sách tin cậy cấp".into())
    }
}

/// Whether `issuer`'s key signed `cert` (RSA with SHA-256, SHA-384 or SHA-512).
fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    use spki::DecodePublicKey;
    let Some(hash) = Hash::of_signature(cert.signature_algorithm.oid) else { return false };
    let Ok(spki) = issuer.tbs_certificate.subject_public_key_info.to_der() else { return false };
    let Ok(public) = rsa::RsaPublicKey::from_public_key_der(&spki) else { return false };
    let Ok(tbs) = cert.tbs_certificate.to_der() else { return false };
    let Some(bytes) = cert.signature.as_bytes() else { return false };
    let Ok(signature) = rsa::pkcs1v15::Signature::try_from(bytes) else { return false };
    hash.verifies(public, &tbs, &signature)
}

/// The CN of a name, else the whole name.
fn common_name(name: &x509_cert::name::Name) -> String {
    for rdn in name.0.iter() {
        for atv in rdn.0.iter() {
            if atv.oid == const_oid::db::rfc4519::CN {
                if let Ok(s) = atv.value.decode_as::<der::asn1::Utf8StringRef>() {
                    return s.as_str().to_string();
                }
                if let Ok(s) = atv.value.decode_as::<der::asn1::PrintableStringRef>() {
                    return s.as_str().to_string();
                }
            }
        }
    }
    name.to_string()
}
