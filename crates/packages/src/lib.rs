//! Information packages of TT 05/2025/TT-BNV (Phụ lục I–V) on the E-ARK CSIP 2.0.4, of the
//! three kinds: SIP (to hand over), AIP (to keep) and DIP (to deliver to a reader). A root
//! `METS.xml`; the package's metadata (`metadata/descriptive/EAD.xml`, a flat `simpledc` as TT05
//! writes it: the hồ sơ, or for a DIP the request it answers); PREMIS 3 with the events that
//! made the package; `schemas/`; one representation (`representations/rep1`) with its own METS,
//! one `EAD_doc_*.xml` per văn bản in the kind's elements and the files in `data/`; zipped under
//! one root folder named by the package's OBJID.
//!
//! Written from plain values — the catalogue's fields, and each data file's size and SHA-256 as
//! recorded when it was stored — so that the same builder serves the command line and the pages;
//! the data files' bytes are asked for one at a time while the ZIP is written, so a package of
//! many gigabytes never sits in memory. Every file is listed in a METS with its size
//! and SHA-256, and the representation's METS in the root's: a package is checked from its root.
//! See `reference/research/eark/` for what eark-validator checks and what it does not.

pub mod check;
pub mod ead3;
mod xml;

use kho_model::record::{DocumentFields, DocumentInput, DossierFields, DossierInput};
use sha2::{Digest, Sha256};
use std::io::{Seek, Write};
use xml::Xml;

/// The schemas every package carries in `schemas/`: METS 1.12 (its xlink import made local),
/// TT05's flat metadata for the hồ sơ and for each văn bản, PREMIS 3.0 as the Library of
/// Congress publishes it.
const SCHEMAS: &[(&str, &[u8])] = &[
    ("mets1_12.xsd", include_bytes!("../schemas/mets1_12.xsd")),
    ("xlink.xsd", include_bytes!("../schemas/xlink.xsd")),
    ("xml.xsd", include_bytes!("../schemas/xml.xsd")),
    ("ead.xsd", include_bytes!("../schemas/ead.xsd")),
    ("ead_doc.xsd", include_bytes!("../schemas/ead_doc.xsd")),
    ("premis.xsd", include_bytes!("../schemas/premis.xsd")),
];

const METS_NS: &str = "http://www.loc.gov/METS/";
const CSIP_NS: &str = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS";
const CSIP_PROFILE: &str = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml";

/// What a reader asked for, as a DIP's `EAD.xml` records it (TT05 Phụ lục V).
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The phiếu yêu cầu's number.
    pub id: String,
    /// DD/MM/YYYY.
    pub date: String,
    /// 01 cá nhân, 02 công vụ, 03 công vụ đặc biệt.
    pub purpose: String,
    pub purpose_content: String,
    /// The fee category, 01–10.
    pub fee_object_type: String,
    pub research_topic: String,
    pub description: String,
}

impl Request {
    /// The request as a person wrote it, its codes checked — purpose 01–03, fee category 01–10
    /// ("1" as "01"), the day DD/MM/YYYY (`today` when left empty) —, or every problem in words.
    pub fn checked(
        id: &str,
        date: &str,
        purpose: &str,
        content: &str,
        fee: &str,
        topic: &str,
        today: &str,
    ) -> Result<Request, Vec<String>> {
        let code = |value: &str, last: u32| match value.trim().parse::<u32>() {
            Ok(n) if (1..=last).contains(&n) && value.trim().len() <= 2 => Some(format!("{n:02}")),
            _ => None,
        };
        let mut problems = vec![];
        if id.trim().is_empty() || id.trim().chars().count() > 100 {
            problems.push("Số phiếu yêu cầu: bắt buộc, tối đa 100 ký tự.".to_string());
        }
        let purpose_code = code(purpose, 3);
        if purpose_code.is_none() {
            problems.push(format!("Mục đích khai thác “{}”: chọn 01 (cá nhân), 02 (công vụ) hoặc 03 (công vụ đặc biệt).", purpose.trim()));
        }
        let fee_code = if fee.trim().is_empty() { Some(String::new()) } else { code(fee, 10) };
        if fee_code.is_none() {
            problems.push(format!("Đối tượng thu phí “{}”: mã từ 01 đến 10, hoặc để trống.", fee.trim()));
        }
        let day = match date.trim() {
            "" => Some(today.to_string()),
            text => chrono::NaiveDate::parse_from_str(text, "%d/%m/%Y").ok().map(|d| d.format("%d/%m/%Y").to_string()),
        };
        if day.is_none() {
            problems.push(format!("Ngày yêu cầu “{}”: viết NN/TT/NNNN.", date.trim()));
        }
        for (label, text) in [("Nội dung mục đích", content), ("Đề tài nghiên cứu", topic)] {
            if text.chars().count() > 2000 {
                problems.push(format!("{label}: tối đa 2.000 ký tự."));
            }
        }
        match (purpose_code, fee_code, day) {
            (Some(purpose), Some(fee_object_type), Some(date)) if problems.is_empty() => Ok(Request {
                id: id.trim().to_string(),
                date,
                purpose,
                purpose_content: content.trim().to_string(),
                fee_object_type,
                research_topic: topic.trim().to_string(),
                description: String::new(),
            }),
            _ => Err(problems),
        }
    }
}

/// The three packages of TT05: what each is for decides its identifiers, its profile and its
/// metadata.
#[derive(Debug, Clone)]
pub enum Kind {
    /// Gói thông tin nộp lưu: handed from a commune or another system to the archive.
    Sip,
    /// Gói thông tin lưu trữ: kept; digitized output is always one.
    Aip,
    /// Gói thông tin khai thác: delivered to a reader, answering their request.
    Dip(Request),
}

impl Kind {
    /// `csip:OAISPACKAGETYPE`.
    pub fn code(&self) -> &'static str {
        match self {
            Kind::Sip => "SIP",
            Kind::Aip => "AIP",
            Kind::Dip(_) => "DIP",
        }
    }

    /// The root METS's PROFILE: E-ARK SIP and DIP (the validator holds each kind to its own);
    /// for the AIP the one TT05 names.
    fn profile(&self) -> &'static str {
        match self {
            Kind::Sip => "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml",
            Kind::Aip => "http://www.ra.ee/METS/v01/IP.xml",
            Kind::Dip(_) => "https://earkdip.dilcis.eu/profile/E-ARK-DIP.xml",
        }
    }

    /// In Vietnamese, as the README and the pages name it.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Sip => "gói nộp lưu (SIP)",
            Kind::Aip => "gói lưu trữ (AIP)",
            Kind::Dip(_) => "gói khai thác (DIP)",
        }
    }
}

/// `uuid-XXXXXXXX-…` (or `ID-…` for a METS file): a random UUID in capitals, as TT05 writes ids.
pub fn new_uuid() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02X}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// An instant as TT05 writes it: milliseconds and +07:00.
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    let vietnam = chrono::FixedOffset::east_opt(7 * 3600).expect("+07:00");
    at.with_timezone(&vietnam).format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02X}")).collect()
}

/// A file of the representation: a signed PDF/A copy of the whole hồ sơ or of one văn bản.
#[derive(Debug, Clone)]
pub struct DataFile {
    /// Its name in `data/`, e.g. `H49.64.33.2025.15.pdf`.
    pub name: String,
    pub media_type: String,
    /// What it is, for PREMIS (`PDF/A-2b`).
    pub format: String,
    pub size: u64,
    /// SHA-256, hex (either case).
    pub sha256: String,
    /// Where the caller reads its bytes from (a blob's name); opaque here.
    pub source: String,
    /// The văn bản it carries alone, by its ordinal; None for the whole hồ sơ.
    pub ordinal: Option<u32>,
}

/// A văn bản of the hồ sơ with its mã văn bản.
#[derive(Debug, Clone)]
pub struct DocumentEntry {
    pub doc_code: String,
    pub fields: DocumentFields,
}

/// What happened to the hồ sơ, in PREMIS's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// Số hóa: the paper scanned and read.
    Capture,
    /// The signed copy signed by the digitizing body.
    SignatureGeneration,
    /// A file re-hashed against the SHA-256 recorded when it was stored.
    FixityCheck,
    /// This package made.
    PackageCreation,
    /// Delivered to a reader (a DIP).
    Dissemination,
}

impl EventKind {
    /// The term of the Library of Congress eventType vocabulary.
    pub fn term(self) -> &'static str {
        match self {
            EventKind::Capture => "capture",
            EventKind::SignatureGeneration => "digital signature generation",
            EventKind::FixityCheck => "fixity check",
            EventKind::PackageCreation => "information package creation",
            EventKind::Dissemination => "dissemination",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventKind,
    /// `timestamp` form.
    pub at: String,
    pub detail: String,
    pub success: bool,
    /// The data file it concerns, by name; None for the hồ sơ.
    pub file: Option<String>,
}

/// A package of one hồ sơ (TT05 Phụ lục I AIP_hoso, III SIP_hoso, V DIP).
#[derive(Debug, Clone)]
pub struct DossierPackage {
    pub kind: Kind,
    /// The fonds' code, part of an AIP's OBJID (`urn:{fonds}:uuid:{UUID}`).
    pub fonds_code: String,
    /// The body that made it (the digitizing archive).
    pub agency: String,
    /// Mã hồ sơ lưu trữ.
    pub arc_file_code: String,
    pub dossier: DossierFields,
    pub documents: Vec<DocumentEntry>,
    pub files: Vec<DataFile>,
    pub events: Vec<Event>,
    pub created: chrono::DateTime<chrono::Utc>,
    pub software_version: String,
    /// Papers that go with the package under `documentation/` beside its README (a certified
    /// DIP's authentication sheet): (file name, media type, bytes).
    pub documentation: Vec<(String, String, Vec<u8>)>,
}

/// What a package's file holds: bytes made here (metadata, schemas), or a data file, whose
/// bytes the caller gives when the ZIP is written.
#[derive(Debug, Clone)]
pub enum Content {
    Made(Vec<u8>),
    Data(DataFile),
}

/// A package, file by file, before it is zipped.
#[derive(Debug, Clone)]
pub struct Package {
    pub objid: String,
    /// The root folder: the OBJID with `:` written `_`.
    pub folder: String,
    /// (path under the root folder, content), the root METS last.
    pub files: Vec<(String, Content)>,
}

impl Package {
    /// The package as one ZIP whose entries sit under its root folder; data files are stored
    /// (a PDF does not compress), metadata deflated. `data` gives a data file's bytes, one at a
    /// time; bytes of another size than the METS lists stop the writing.
    pub fn zip<W: Write + Seek>(&self, out: W, data: impl FnMut(&DataFile) -> std::io::Result<Vec<u8>>) -> std::io::Result<W> {
        let mut zip = zip::ZipWriter::new(out);
        self.write(&mut zip, data)?;
        zip.finish().map_err(std::io::Error::other)
    }

    /// The same ZIP written front to back to a stream (a download under way), without seeking.
    pub fn zip_stream<W: Write>(&self, out: W, data: impl FnMut(&DataFile) -> std::io::Result<Vec<u8>>) -> std::io::Result<W> {
        let mut zip = zip::ZipWriter::new_stream(out);
        self.write(&mut zip, data)?;
        Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
    }

    fn write<W: Write + Seek>(
        &self,
        zip: &mut zip::ZipWriter<W>,
        mut data: impl FnMut(&DataFile) -> std::io::Result<Vec<u8>>,
    ) -> std::io::Result<()> {
        for (path, content) in &self.files {
            let fetched;
            let bytes = match content {
                Content::Made(bytes) => bytes,
                Content::Data(file) => {
                    fetched = data(file)?;
                    if fetched.len() as u64 != file.size {
                        return Err(std::io::Error::other(format!("{}: {} byte, METS ghi {} byte", file.name, fetched.len(), file.size)));
                    }
                    &fetched
                }
            };
            let method = if path.ends_with(".xml") || path.ends_with(".xsd") || path.ends_with(".txt") {
                zip::CompressionMethod::Deflated
            } else {
                zip::CompressionMethod::Stored
            };
            let options =
                zip::write::SimpleFileOptions::default().compression_method(method).large_file(bytes.len() > u32::MAX as usize / 2);
            zip.start_file(format!("{}/{path}", self.folder), options).map_err(std::io::Error::other)?;
            zip.write_all(bytes)?;
        }
        Ok(())
    }
}

/// A file as a METS lists it: where, what, how big, its checksum.
struct Listed<'a> {
    id: String,
    href: &'a str,
    media_type: &'a str,
    size: u64,
    /// Upper-case hex.
    sha256: String,
}

impl<'a> Listed<'a> {
    fn made(id: String, href: &'a str, media_type: &'a str, bytes: &[u8]) -> Listed<'a> {
        Listed { id, href, media_type, size: bytes.len() as u64, sha256: sha256(bytes) }
    }
}

fn file_element(x: &mut Xml, listed: &Listed, created: &str) {
    let size = listed.size.to_string();
    x.open(
        "file",
        &[
            ("ID", listed.id.as_str()),
            ("MIMETYPE", listed.media_type),
            ("SIZE", &size),
            ("CREATED", created),
            ("CHECKSUMTYPE", "SHA-256"),
            ("CHECKSUM", &listed.sha256),
        ],
    );
    x.empty("FLocat", &[("LOCTYPE", "URL"), ("xlink:type", "simple"), ("xlink:href", listed.href)]);
    x.close();
}

fn md_ref(x: &mut Xml, href: &str, mdtype: &[(&str, &str)], bytes: &[u8], created: &str) {
    let (size, checksum) = (bytes.len().to_string(), sha256(bytes));
    let mut attrs = vec![("LOCTYPE", "URL"), ("xlink:type", "simple"), ("xlink:href", href)];
    attrs.extend_from_slice(mdtype);
    attrs.extend_from_slice(&[
        ("MIMETYPE", "text/xml"),
        ("SIZE", size.as_str()),
        ("CREATED", created),
        ("CHECKSUMTYPE", "SHA-256"),
        ("CHECKSUM", checksum.as_str()),
    ]);
    x.empty("mdRef", &attrs);
}

fn mets_root(x: &mut Xml, objid: &str, label: &str, schemas: &str, profile: &str) {
    x.open(
        "mets",
        &[
            ("xmlns", METS_NS),
            ("xmlns:xlink", "http://www.w3.org/1999/xlink"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xmlns:csip", CSIP_NS),
            ("OBJID", objid),
            ("LABEL", label),
            ("TYPE", "Mixed"),
            ("csip:CONTENTINFORMATIONTYPE", "MIXED"),
            ("PROFILE", profile),
            (
                "xsi:schemaLocation",
                &format!("http://www.loc.gov/METS/ {schemas}mets1_12.xsd http://www.w3.org/1999/xlink {schemas}xlink.xsd"),
            ),
        ],
    );
}

fn mets_header(x: &mut Xml, created: &str, kind: &str, version: &str, submission: Option<&str>) {
    x.open("metsHdr", &[("CREATEDATE", created), ("LASTMODDATE", created), ("RECORDSTATUS", "NEW"), ("csip:OAISPACKAGETYPE", kind)]);
    x.open("agent", &[("ROLE", "CREATOR"), ("TYPE", "OTHER"), ("OTHERTYPE", "SOFTWARE")]);
    x.text("name", &[], "Kho");
    x.text("note", &[("csip:NOTETYPE", "SOFTWARE VERSION")], version);
    x.close();
    if let Some(agreement) = submission {
        x.text("altRecordID", &[("TYPE", "SUBMISSIONAGREEMENT")], agreement);
    }
    x.close();
}

/// TT05's flat metadata: `<simpledc>` with one element per field, in the order given, empty
/// values left out.
fn simpledc(fields: &[(&str, String)]) -> Vec<u8> {
    let mut x = Xml::new();
    x.open("simpledc", &[]);
    for (name, value) in fields {
        if !value.is_empty() {
            x.text(name, &[], value);
        }
    }
    x.close();
    x.finish()
}

/// `EAD.xml`: the hồ sơ (AIP: arcFileCode first; SIP: without it), or the request a DIP answers.
fn package_metadata(kind: &Kind, arc_file_code: &str, f: &DossierFields) -> Vec<u8> {
    if let Kind::Dip(r) = kind {
        return simpledc(&[
            ("requestID", r.id.clone()),
            ("requestDate", r.date.clone()),
            ("purpose", r.purpose.clone()),
            ("purposeContent", r.purpose_content.clone()),
            ("feeObjectType", r.fee_object_type.clone()),
            ("researchTopic", r.research_topic.clone()),
            ("description", r.description.clone()),
        ]);
    }
    let i = DossierInput::from(f);
    let arc = if matches!(kind, Kind::Aip) { arc_file_code.to_string() } else { String::new() };
    simpledc(&[
        ("arcFileCode", arc),
        ("fileCode", f.file_code.to_string()),
        ("title", i.title),
        ("maintenance", i.maintenance),
        ("mode", i.mode),
        ("language", i.language),
        ("startDate", i.start_date),
        ("endDate", i.end_date),
        ("keyword", i.keyword),
        ("totalDoc", i.total_doc),
        ("numberOfPaper", i.number_of_paper),
        ("numberOfPage", i.number_of_page),
        ("format", i.format),
        ("inforSign", i.infor_sign),
        ("confidenceLevel", i.confidence_level),
        ("paperFileCode", i.paper_file_code),
        ("riskRecovery", i.risk_recovery),
        ("riskRecoveryStatus", i.risk_recovery_status),
        ("description", i.description),
    ])
}

/// One `EAD_doc_*.xml` in the kind's elements: SIP 21 (docId, docCode), AIP 19 (arcFileCode,
/// docOrdinal), DIP 20 (arcDocCode, no organName).
fn document_metadata(kind: &Kind, arc_file_code: &str, dossier: &DossierFields, d: &DocumentEntry) -> Vec<u8> {
    let i = DocumentInput::from(&d.fields);
    let doc_id = format!("{}.{}", dossier.file_code, d.fields.doc_ordinal);
    let dossier = DossierInput::from(dossier);
    // SIP and DIP share their head and their middle, and differ in what comes first and in the
    // order of their tail.
    let head = |first: (&'static str, String)| {
        vec![
            ("docId", doc_id.clone()),
            first,
            ("maintenance", dossier.maintenance.clone()),
            ("typeName", i.type_name.clone()),
            ("codeNumber", i.code_number.clone()),
            ("codeNotation", i.code_notation.clone()),
            ("issuedDate", i.issued_date.clone()),
        ]
    };
    let middle = [
        ("subject", i.subject.clone()),
        ("language", i.language.clone()),
        ("numberOfPage", i.number_of_page.clone()),
        ("inforSign", i.infor_sign.clone()),
        ("keyword", i.keyword.clone()),
        ("mode", i.mode.clone()),
        ("confidenceLevel", i.confidence_level.clone()),
        ("autograph", i.autograph.clone()),
        ("format", i.format.clone()),
    ];
    let (process, risk, risk_status, description) = (
        ("process", i.process.clone()),
        ("riskRecovery", dossier.risk_recovery.clone()),
        ("riskRecoveryStatus", dossier.risk_recovery_status.clone()),
        ("description", i.description.clone()),
    );
    match kind {
        Kind::Sip => {
            let mut fields = head(("docCode", d.doc_code.clone()));
            fields.push(("organName", i.organ_name.clone()));
            fields.extend(middle);
            fields.extend([risk, risk_status, process, description]);
            return simpledc(&fields);
        }
        Kind::Dip(_) => {
            let ordinal = d.doc_code.rsplit('.').next().unwrap_or_default();
            let mut fields = head(("arcDocCode", format!("{arc_file_code}.{ordinal}")));
            fields.extend(middle);
            fields.extend([process, risk, risk_status, description]);
            return simpledc(&fields);
        }
        Kind::Aip => {}
    }
    simpledc(&[
        ("arcFileCode", arc_file_code.to_string()),
        ("mode", i.mode),
        ("language", i.language),
        ("keyword", i.keyword),
        ("numberOfPage", i.number_of_page),
        ("format", i.format),
        ("inforSign", i.infor_sign),
        ("confidenceLevel", i.confidence_level),
        ("description", i.description),
        ("docCode", d.doc_code.clone()),
        ("docOrdinal", i.doc_ordinal),
        ("typeName", i.type_name),
        ("codeNumber", i.code_number),
        ("codeNotation", i.code_notation),
        ("issuedDate", i.issued_date),
        ("organName", i.organ_name),
        ("subject", i.subject),
        ("autograph", i.autograph),
        ("process", i.process),
    ])
}

fn premis_open(x: &mut Xml) {
    x.open(
        "premis",
        &[("xmlns", "http://www.loc.gov/premis/v3"), ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"), ("version", "3.0")],
    );
}

fn identifier(x: &mut Xml, element: &'static str, kind: &str, value: &str) {
    let (type_name, value_name) = match element {
        "objectIdentifier" => ("objectIdentifierType", "objectIdentifierValue"),
        "eventIdentifier" => ("eventIdentifierType", "eventIdentifierValue"),
        "agentIdentifier" => ("agentIdentifierType", "agentIdentifierValue"),
        "linkingAgentIdentifier" => ("linkingAgentIdentifierType", "linkingAgentIdentifierValue"),
        _ => ("linkingObjectIdentifierType", "linkingObjectIdentifierValue"),
    };
    x.open(element, &[]);
    x.text(type_name, &[], kind);
    x.text(value_name, &[], value);
}

impl DossierPackage {
    /// The package's files, every one listed with its size and SHA-256.
    pub fn build(&self) -> Package {
        let uuid = new_uuid();
        let objid = match self.kind {
            Kind::Aip => format!("urn:{}:uuid:{uuid}", self.fonds_code),
            Kind::Sip | Kind::Dip(_) => format!("uuid-{uuid}"),
        };
        let kind = self.kind.code();
        let folder = objid.replace(':', "_");
        let created = timestamp(self.created);
        let title = self.dossier.title.clone();
        let mut files: Vec<(String, Content)> = vec![];

        // ---- the representation ----
        let doc_metadata: Vec<(String, Vec<u8>)> = self
            .documents
            .iter()
            .map(|d| {
                (
                    format!("metadata/descriptive/EAD_doc_{}.{}.xml", self.dossier.file_code, d.fields.doc_ordinal),
                    document_metadata(&self.kind, &self.arc_file_code, &self.dossier, d),
                )
            })
            .collect();
        let file_ids: Vec<String> = self.files.iter().map(|_| format!("ID-{}", new_uuid())).collect();
        let software = ("software", "Kho");
        let agent_org = ("organization", self.agency.as_str());
        let premis_rep = {
            let mut x = Xml::new();
            premis_open(&mut x);
            x.open("object", &[("xsi:type", "representation")]);
            identifier(&mut x, "objectIdentifier", "local", "rep1");
            x.close();
            x.close();
            for (file, id) in self.files.iter().zip(&file_ids) {
                x.open("object", &[("xsi:type", "file")]);
                identifier(&mut x, "objectIdentifier", "local", id);
                x.close();
                x.open("objectCharacteristics", &[]);
                x.text("compositionLevel", &[], "0");
                x.open("fixity", &[]);
                x.text("messageDigestAlgorithm", &[], "SHA-256");
                x.text("messageDigest", &[], &file.sha256.to_uppercase());
                x.close();
                x.text("size", &[], &file.size.to_string());
                x.open("format", &[]);
                x.open("formatDesignation", &[]);
                x.text("formatName", &[], &file.format);
                x.close();
                x.close();
                x.close();
                x.text("originalName", &[], &file.name);
                x.close();
            }
            for event in self.events.iter().filter(|e| e.file.is_some()) {
                write_event(
                    &mut x,
                    event,
                    &[software, agent_org],
                    event.file.as_ref().and_then(|n| self.files.iter().position(|f| &f.name == n)).map(|i| file_ids[i].as_str()),
                );
            }
            write_agents(&mut x, &self.agency, &self.software_version);
            x.close();
            x.finish()
        };
        let rep_mets = {
            let mut x = Xml::new();
            mets_root(&mut x, "rep1", &title, "../../schemas/", CSIP_PROFILE);
            // TT05's example names the organisation as a second agent here, but CSIP12/13 hold
            // every agent to the software one: the organisation is named in PREMIS instead.
            mets_header(&mut x, &created, kind, &self.software_version, None);
            let dmd_ids: Vec<String> = doc_metadata.iter().map(|_| format!("uuid-{}", new_uuid())).collect();
            for ((path, bytes), id) in doc_metadata.iter().zip(&dmd_ids) {
                x.open("dmdSec", &[("ID", id), ("CREATED", &created), ("STATUS", "CURRENT")]);
                md_ref(&mut x, path, &[("MDTYPE", "DC"), ("MDTYPEVERSION", "1.0")], bytes, &created);
                x.close();
            }
            let premis_id = format!("uuid-{}", new_uuid());
            x.open("amdSec", &[("ID", &format!("uuid-{}", new_uuid()))]);
            x.open("digiprovMD", &[("ID", &premis_id), ("STATUS", "CURRENT")]);
            md_ref(&mut x, "metadata/preservation/PREMIS_rep1.xml", &[("MDTYPE", "PREMIS")], &premis_rep, &created);
            x.close();
            x.close();
            let data_group = format!("uuid-{}", new_uuid());
            x.open("fileSec", &[("ID", &format!("uuid-{}", new_uuid()))]);
            x.open("fileGrp", &[("ID", &data_group), ("USE", "Data")]);
            let hrefs: Vec<String> = self.files.iter().map(|f| format!("data/{}", f.name)).collect();
            for ((file, id), href) in self.files.iter().zip(&file_ids).zip(&hrefs) {
                let listed =
                    Listed { id: id.clone(), href, media_type: &file.media_type, size: file.size, sha256: file.sha256.to_uppercase() };
                file_element(&mut x, &listed, &created);
            }
            x.close();
            x.close();
            x.open("structMap", &[("ID", &format!("uuid-{}", new_uuid())), ("TYPE", "PHYSICAL"), ("LABEL", "CSIP")]);
            x.open("div", &[("ID", &format!("uuid-{}", new_uuid())), ("LABEL", "rep1")]);
            x.open("div", &[("ID", &format!("uuid-{}", new_uuid())), ("LABEL", "Data")]);
            x.empty("fptr", &[("FILEID", &data_group)]);
            x.close();
            x.empty("div", &[("ID", &format!("uuid-{}", new_uuid())), ("LABEL", "Metadata"), ("ADMID", &premis_id)]);
            // Each văn bản's metadata beside the file that carries it: its own, or the whole hồ sơ's.
            x.open("div", &[("ID", &format!("uuid-{}", new_uuid())), ("LABEL", "MetadataLink")]);
            for (d, dmd) in self.documents.iter().zip(&dmd_ids) {
                let carrier = self
                    .files
                    .iter()
                    .position(|f| f.ordinal == Some(d.fields.doc_ordinal))
                    .or_else(|| self.files.iter().position(|f| f.ordinal.is_none()));
                x.open(
                    "div",
                    &[("ID", &format!("uuid-{}", new_uuid())), ("LABEL", "MetadataLink/File"), ("DMDID", dmd), ("ADMID", &premis_id)],
                );
                if let Some(i) = carrier {
                    x.empty("fptr", &[("FILEID", &file_ids[i])]);
                }
                x.close();
            }
            x.close();
            x.close();
            x.close();
            x.close();
            x.finish()
        };
        for (file, _) in self.files.iter().zip(&file_ids) {
            files.push((format!("representations/rep1/data/{}", file.name), Content::Data(file.clone())));
        }
        for (path, bytes) in &doc_metadata {
            files.push((format!("representations/rep1/{path}"), Content::Made(bytes.clone())));
        }
        files.push(("representations/rep1/metadata/preservation/PREMIS_rep1.xml".into(), Content::Made(premis_rep)));

        // ---- the package ----
        let ead = package_metadata(&self.kind, &self.arc_file_code, &self.dossier);
        let premis = {
            let mut x = Xml::new();
            premis_open(&mut x);
            x.open("object", &[("xsi:type", "intellectualEntity")]);
            identifier(&mut x, "objectIdentifier", "local", &objid);
            x.close();
            x.close();
            for event in self.events.iter().filter(|e| e.file.is_none()) {
                write_event(&mut x, event, &[software, agent_org], Some(&objid));
            }
            write_agents(&mut x, &self.agency, &self.software_version);
            x.close();
            x.finish()
        };
        let mut named = self.kind.name().to_string();
        named[..1].make_ascii_uppercase();
        let readme = format!(
            "{named} của hồ sơ {} — {}\nLập bởi Kho {} ngày {created}, theo Thông tư 05/2025/TT-BNV trên E-ARK CSIP 2.0.4.\n\
             METS.xml liệt kê mọi tệp với kích thước và mã SHA-256; representations/rep1 chứa bản số hóa đã ký và siêu dữ liệu từng văn bản.\n\
             schemas/mets1_12.xsd là lược đồ METS 1.12 của Thư viện Quốc hội Hoa Kỳ, với xlink.xsd trỏ vào bản trong gói.\n",
            self.dossier.file_code, title, self.software_version
        )
        .into_bytes();
        let root = {
            let mut x = Xml::new();
            mets_root(&mut x, &objid, &title, "schemas/", self.kind.profile());
            // A SIP names what it is submitted under: the mã hồ sơ, as the sample packages do.
            let submission = matches!(self.kind, Kind::Sip).then(|| self.dossier.file_code.to_string());
            mets_header(&mut x, &created, kind, &self.software_version, submission.as_deref());
            let dmd = format!("uuid-{}", new_uuid());
            x.open("dmdSec", &[("ID", &dmd), ("CREATED", &created), ("STATUS", "CURRENT")]);
            md_ref(
                &mut x,
                "metadata/descriptive/EAD.xml",
                &[("MDTYPE", "OTHER"), ("OTHERMDTYPE", "simpledc"), ("MDTYPEVERSION", "1.0")],
                &ead,
                &created,
            );
            x.close();
            let premis_id = format!("uuid-{}", new_uuid());
            x.open("amdSec", &[("ID", &format!("uuid-{}", new_uuid()))]);
            x.open("digiprovMD", &[("ID", &premis_id), ("STATUS", "CURRENT")]);
            md_ref(&mut x, "metadata/preservation/PREMIS.xml", &[("MDTYPE", "PREMIS")], &premis, &created);
            x.close();
            x.close();
            let (doc_group, schema_group, rep_group) =
                (format!("uuid-{}", new_uuid()), format!("uuid-{}", new_uuid()), format!("uuid-{}", new_uuid()));
            x.open("fileSec", &[("ID", &format!("uuid-{}", new_uuid()))]);
            x.open("fileGrp", &[("ID", &doc_group), ("USE", "Documentation")]);
            file_element(&mut x, &Listed::made(format!("ID-{}", new_uuid()), "documentation/README.txt", "text/plain", &readme), &created);
            for (name, media_type, bytes) in &self.documentation {
                let href = format!("documentation/{name}");
                file_element(&mut x, &Listed::made(format!("ID-{}", new_uuid()), &href, media_type, bytes), &created);
            }
            x.close();
            x.open("fileGrp", &[("ID", &schema_group), ("USE", "Schemas")]);
            let schema_paths: Vec<String> = SCHEMAS.iter().map(|(name, _)| format!("schemas/{name}")).collect();
            for ((_, bytes), href) in SCHEMAS.iter().zip(&schema_paths) {
                file_element(&mut x, &Listed::made(format!("ID-{}", new_uuid()), href, "application/xml", bytes), &created);
            }
            x.close();
            x.open("fileGrp", &[("ID", &rep_group), ("USE", "Representations"), ("csip:CONTENTINFORMATIONTYPE", "MIXED")]);
            file_element(
                &mut x,
                &Listed::made(format!("ID-{}", new_uuid()), "representations/rep1/METS.xml", "text/xml", &rep_mets),
                &created,
            );
            x.close();
            x.close();
            x.open("structMap", &[("ID", &format!("uuid-{}", new_uuid())), ("TYPE", "PHYSICAL"), ("LABEL", "CSIP")]);
            x.open("div", &[("ID", &format!("uuid-{}", new_uuid())), ("LABEL", &objid)]);
            x.empty("div", &[("ID", &format!("uuid-{}", new_uuid())), ("LABEL", "Metadata"), ("DMDID", &dmd), ("ADMID", &premis_id)]);
            x.open("div", &[("ID", &format!("uuid-{}", new_uuid())), ("LABEL", "Documentation")]);
            x.empty("fptr", &[("FILEID", &doc_group)]);
            x.close();
            x.open("div", &[("ID", &format!("uuid-{}", new_uuid())), ("LABEL", "Schemas")]);
            x.empty("fptr", &[("FILEID", &schema_group)]);
            x.close();
            x.open("div", &[("ID", &format!("uuid-{}", new_uuid())), ("LABEL", "Representations")]);
            x.empty("fptr", &[("FILEID", &rep_group)]);
            x.open("div", &[("ID", &format!("uuid-{}", new_uuid())), ("LABEL", "Representations/rep1")]);
            x.empty(
                "mptr",
                &[
                    ("LOCTYPE", "URL"),
                    ("xlink:type", "simple"),
                    ("xlink:href", "representations/rep1/METS.xml"),
                    ("xlink:title", &rep_group),
                ],
            );
            x.close();
            x.close();
            x.close();
            x.close();
            x.close();
            x.finish()
        };
        files.push(("representations/rep1/METS.xml".into(), Content::Made(rep_mets)));
        files.push(("metadata/descriptive/EAD.xml".into(), Content::Made(ead)));
        files.push(("metadata/preservation/PREMIS.xml".into(), Content::Made(premis)));
        files.push(("documentation/README.txt".into(), Content::Made(readme)));
        for (name, _, bytes) in &self.documentation {
            files.push((format!("documentation/{name}"), Content::Made(bytes.clone())));
        }
        for (name, bytes) in SCHEMAS {
            files.push((format!("schemas/{name}"), Content::Made(bytes.to_vec())));
        }
        files.push(("METS.xml".into(), Content::Made(root)));
        Package { objid, folder, files }
    }
}

fn write_event(x: &mut Xml, event: &Event, agents: &[(&str, &str)], object: Option<&str>) {
    x.open("event", &[]);
    identifier(x, "eventIdentifier", "UUID", &new_uuid().to_lowercase());
    x.close();
    x.text("eventType", &[], event.kind.term());
    x.text("eventDateTime", &[], &event.at);
    x.open("eventDetailInformation", &[]);
    x.text("eventDetail", &[], &event.detail);
    x.close();
    x.open("eventOutcomeInformation", &[]);
    x.text("eventOutcome", &[], if event.success { "success" } else { "failure" });
    x.close();
    for (kind, name) in agents {
        identifier(x, "linkingAgentIdentifier", "local", name);
        x.text("linkingAgentRole", &[], if *kind == "software" { "executing program" } else { "implementer" });
        x.close();
    }
    if let Some(object) = object {
        identifier(x, "linkingObjectIdentifier", "local", object);
        x.close();
    }
    x.close();
}

fn write_agents(x: &mut Xml, agency: &str, version: &str) {
    x.open("agent", &[]);
    identifier(x, "agentIdentifier", "local", "Kho");
    x.close();
    x.text("agentName", &[], &format!("Kho {version}"));
    x.text("agentType", &[], "software");
    x.close();
    x.open("agent", &[]);
    identifier(x, "agentIdentifier", "local", agency);
    x.close();
    x.text("agentName", &[], agency);
    x.text("agentType", &[], "organization");
    x.close();
}
