//! The digitizing body's signature on each PDF/A, as TT 05/2025 asks: PAdES (ETSI.CAdES.detached)
//! added as an incremental update after the PDF/A is written, so the PDF/A bytes stay as they
//! were; a visible block at the top right of page 1 with the organisation's name and the signing
//! time in a Times-metric serif (Liberation Serif, embedded and subset), 10 pt, black, no seal.
//!
//! Keys come from a PKCS#12 file or a PKCS#11 token (an HSM or a USB token); both only ever sign
//! a SHA-256 digest with RSASSA-PKCS1-v1_5, through [`SigningKey`].

use chrono::{DateTime, FixedOffset};
use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use der::asn1::{OctetString, SetOfVec};
use der::{Decode, Encode, Sequence};
use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId, Stream, StringFormat, dictionary};
use sha2_10::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier};
use std::sync::Mutex;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

/// Liberation Serif (SIL OFL 1.1): metric-compatible with Times New Roman, with Vietnamese.
const FONT: &[u8] = include_bytes!("../../documents/fonts/LiberationSerif-Regular.ttf");
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

/// The visible block: its font (a subset of Liberation Serif), its form XObject, its size.
fn appearance(doc: &mut Document, lines: &[String]) -> Result<(ObjectId, f32, f32), SignError> {
    let face = ttf_parser::Face::parse(FONT, 0).map_err(pdf_error)?;
    let units = f32::from(face.units_per_em());
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut shaped: Vec<Vec<u16>> = vec![];
    let mut widths: std::collections::BTreeMap<u16, (f32, char)> = std::collections::BTreeMap::new();
    let mut widest = 0.0f32;
    for line in lines {
        let mut glyphs = vec![];
        let mut width = 0.0;
        for ch in line.chars() {
            let gid = face.glyph_index(ch).unwrap_or(ttf_parser::GlyphId(0));
            let new = remapper.remap(gid.0);
            let advance = f32::from(face.glyph_hor_advance(gid).unwrap_or(0)) * 1000.0 / units;
            widths.insert(new, (advance, ch));
            width += advance;
            glyphs.push(new);
        }
        widest = widest.max(width * 10.0 / 1000.0);
        shaped.push(glyphs);
    }
    let subset = subsetter::subset(FONT, 0, &remapper).map_err(|e| pdf_error(format!("{e:?}")))?;
    let mut font_file = Stream::new(dictionary! { "Length1" => subset.len() as i64 }, subset);
    font_file.compress().map_err(pdf_error)?;
    let font_file = doc.add_object(font_file);
    let max_cid = widths.keys().max().copied().unwrap_or(0) as usize;
    let mut cid_set = vec![0u8; max_cid / 8 + 1];
    for cid in widths.keys() {
        cid_set[*cid as usize / 8] |= 0x80 >> (cid % 8);
    }
    let cid_set = doc.add_object(Stream::new(dictionary! {}, cid_set));
    let name = "KHOSIG+LiberationSerif";
    let bbox = face.global_bounding_box();
    let scale = |v: i16| (f32::from(v) * 1000.0 / units).round() as i64;
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => Object::Name(name.into()),
        "Flags" => 6,
        "FontBBox" => vec![scale(bbox.x_min).into(), scale(bbox.y_min).into(), scale(bbox.x_max).into(), scale(bbox.y_max).into()],
        "ItalicAngle" => 0,
        "Ascent" => scale(face.ascender()),
        "Descent" => scale(face.descender()),
        "CapHeight" => scale(face.capital_height().unwrap_or(face.ascender())),
        "StemV" => 80,
        "FontFile2" => font_file,
        "CIDSet" => cid_set,
    });
    let mut w = vec![];
    for (cid, (advance, _)) in &widths {
        w.push(Object::Integer(i64::from(*cid)));
        w.push(Object::Array(vec![Object::Integer(advance.round() as i64)]));
    }
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => Object::Name(name.into()),
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "FontDescriptor" => descriptor,
        "W" => w,
        "CIDToGIDMap" => "Identity",
    });
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    cmap.push_str(&format!("{} beginbfchar\n", widths.len()));
    for (cid, (_, ch)) in &widths {
        let unit: String = ch.encode_utf16(&mut [0; 2]).iter().map(|u| format!("{u:04X}")).collect();
        cmap.push_str(&format!("<{cid:04X}> <{unit}>\n"));
    }
    cmap.push_str("endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => Object::Name(name.into()),
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    });
    let (width, height) = (widest + 8.0, 12.0 * lines.len() as f32 + 6.0);
    let mut content = String::from("q 0 g\n");
    for (i, glyphs) in shaped.iter().enumerate() {
        let hex: String = glyphs.iter().map(|g| format!("{g:04X}")).collect();
        let y = height - 4.0 - 10.0 - 12.0 * i as f32;
        content.push_str(&format!("BT /F1 10 Tf 4 {y:.2} Td <{hex}> Tj ET\n"));
    }
    content.push_str("Q\n");
    let form = Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), Object::Real(width), Object::Real(height)],
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        },
        content.into_bytes(),
    );
    Ok((doc.add_object(form), width, height))
}

/// Signs a PDF as an incremental update; returns the whole signed file.
pub fn sign(pdf: &[u8], key: &dyn SigningKey, organisation: &str, at: DateTime<FixedOffset>) -> Result<Vec<u8>, SignError> {
    let previous = Document::load_mem(pdf).map_err(pdf_error)?;
    let page = *previous.get_pages().get(&1).ok_or_else(|| SignError::Pdf("không có trang nào".into()))?;
    let catalog = previous.trailer.get(b"Root").and_then(Object::as_reference).map_err(pdf_error)?;
    let media: Vec<f32> = previous
        .get_dictionary(page)
        .and_then(|d| d.get(b"MediaBox"))
        .and_then(Object::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_float().ok()).collect())
        .map_err(pdf_error)?;
    if media.len() != 4 {
        return Err(SignError::Pdf("trang 1 không có MediaBox".into()));
    }
    let mut update = IncrementalDocument::create_from(pdf.to_vec(), previous);
    let lines = [format!("Ký bởi: {organisation}"), format!("Thời gian ký: {}", at.format("%d/%m/%Y %H:%M:%S %:z"))];
    let (form, width, height) = appearance(&mut update.new_document, &lines)?;
    let (right, top) = (media[2] - 20.0, media[3] - 20.0);
    let rect = vec![Object::Real(right - width), Object::Real(top - height), Object::Real(right), Object::Real(top)];
    let signature = update.new_document.add_object(dictionary! {
        "Type" => "Sig",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.CAdES.detached",
        "ByteRange" => BYTE_RANGE_PLACEHOLDER.iter().map(|v| Object::Integer(*v)).collect::<Vec<_>>(),
        "Contents" => Object::String(vec![0; SIGNATURE_ROOM], StringFormat::Hexadecimal),
        "M" => pdf_date(&at),
        "Name" => utf16(organisation),
        "Reason" => utf16("Số hóa tài liệu lưu trữ theo Thông tư 05/2025/TT-BNV"),
    });
    let widget = update.new_document.add_object(dictionary! {
        "Type" => "Annot",
        "Subtype" => "Widget",
        "FT" => "Sig",
        "T" => utf16("Chữ ký số của cơ quan số hóa"),
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

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
