//! edXML (QCVN 102:2016/BTTTT): a văn bản as the provinces' e-office systems exchange it over
//! the trục liên thông — one `.edxml` file holding the header (who sent it, số và ký hiệu, ngày
//! ban hành, loại, trích yếu, người ký) and the attachments inline in base64 — read into the
//! fields of a văn bản and its files. See `reference/research/edxml/FINDINGS.md` for what real
//! senders write.
//!
//! Read as senders write it, not as the standard wishes: elements by local name in any order and
//! under any prefix; `Bussiness` or `Business`, `OrganizationInCharge` or `OrganInCharge`; dates
//! `yyyy/MM/dd` or `dd/MM/yyyy`; `cid:` on either side of the manifest; an attachment zipped
//! around one entry with a random name (the VNPT builder) taken out of its zip. A status
//! package, a revocation, an update or a replacement is not a văn bản to file: refused, saying
//! which. Bytes and counts are bounded before they are decoded.

use base64::Engine;
use kho_model::codes::DocumentType;
use kho_model::record::DocumentInput;
use quick_xml::events::Event;
use std::io::Read;

/// Bounds on one file.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of all attachments, decoded.
    pub bytes: u64,
    pub attachments: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { bytes: 256 << 20, attachments: 200 }
    }
}

/// A file that came with the văn bản.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// As the sender named it (`AttachmentName`).
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What an edXML file says of its văn bản, as written (text trimmed, NFC).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edxml {
    /// `DocumentId`: `OrganId,yyyy/MM/dd,Số/Ký hiệu` by the standard; anything in practice.
    pub document_id: String,
    pub organ_id: String,
    pub organ_name: String,
    pub code_number: String,
    pub code_notation: String,
    pub place: String,
    /// `PromulgationDate` as written.
    pub promulgation_date: String,
    pub type_code: String,
    pub type_name: String,
    pub subject: String,
    pub content: String,
    pub signer_competence: String,
    pub signer_position: String,
    pub signer_name: String,
    /// 0 Thường, 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc, 4 Hỏa tốc hẹn giờ.
    pub priority: String,
    pub page_amount: String,
    /// Whether it carries its processing trail (`TraceHeaderList`): TT05's `process`.
    pub traced: bool,
    pub attachments: Vec<Attachment>,
}

#[derive(Default)]
struct Pending {
    content_id: String,
    name: String,
    description: String,
    content_type: String,
    encoded: String,
}

fn strip_cid(id: &str) -> &str {
    let id = id.trim();
    id.strip_prefix("cid:").unwrap_or(id)
}

/// Reads one `.edxml` file; every problem at once.
pub fn read(bytes: &[u8], limits: Limits) -> Result<Edxml, Vec<String>> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buffer = vec![];
    let (mut stack, mut text): (Vec<String>, String) = (vec![], String::new());
    let mut out = Edxml::default();
    let (mut header_seen, mut status, mut business_type) = (false, false, String::new());
    let (mut pending, mut attachments, mut manifest): (Option<Pending>, Vec<Pending>, Vec<(String, String)>) = (None, vec![], vec![]);
    let mut manifest_entry = (String::new(), String::new());
    let mut problems = vec![];
    loop {
        let event = match reader.read_event_into(&mut buffer) {
            Ok(event) => event,
            Err(e) => {
                return Err(vec![format!(
                    "Tệp không phải XML đọc được (lỗi ở byte {}): {e}. Hãy xuất lại văn bản từ hệ thống quản lý văn bản.",
                    reader.buffer_position()
                )]);
            }
        };
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                if stack.is_empty() && name != "edXML" && name != "edXMLEnvelope" {
                    return Err(vec![format!("Tệp không phải gói edXML (phần tử gốc là “{name}”, cần “edXML”).")]);
                }
                match name.as_str() {
                    "MessageHeader" => header_seen = true,
                    "TraceHeader" | "Bussiness" | "Business" => out.traced = true,
                    "Status" | "StatusCode" => status = true,
                    "Attachment" if stack.last().is_some_and(|p| p == "AttachmentEncoded") => {
                        if attachments.len() >= limits.attachments {
                            return Err(vec![format!("Gói có hơn {} tệp đính kèm, quá giới hạn.", limits.attachments)]);
                        }
                        pending = Some(Pending::default());
                    }
                    "Reference" => manifest_entry = (String::new(), String::new()),
                    _ => {}
                }
                stack.push(name);
                text.clear();
            }
            Event::Empty(e) => {
                let name = e.local_name();
                if stack.is_empty() {
                    return Err(vec!["Tệp edXML rỗng.".into()]);
                }
                if name.as_ref() == "StatusCode" {
                    status = true;
                }
            }
            Event::Text(t) => text.push_str(&t.xml_content(quick_xml::XmlVersion::Implicit1_0)),
            Event::CData(t) => text.push_str(&t.into_inner()),
            Event::GeneralRef(r) => {
                let entity = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match r.as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => {
                            problems.push(format!("Thực thể “&{other};” không được dùng trong edXML."));
                            String::new()
                        }
                    },
                };
                text.push_str(&entity);
            }
            Event::End(_) => {
                let Some(name) = stack.pop() else { break };
                let parent = stack.last().map(String::as_str).unwrap_or_default();
                let grand = stack.len().checked_sub(2).and_then(|i| stack.get(i)).map(String::as_str).unwrap_or_default();
                // The base64 of a file is taken as it is, not cleaned as a value is.
                let value = if name == "ContentTransferEncoded" { String::new() } else { kho_model::text::clean(&text) };
                let in_header = stack.iter().any(|s| s == "MessageHeader");
                match (grand, parent, name.as_str()) {
                    (_, "From", "OrganId") if in_header => out.organ_id = value,
                    (_, "From", "OrganName") if in_header => out.organ_name = value,
                    (_, "From", "OrganizationInCharge" | "OrganInCharge") if in_header && out.organ_name.is_empty() => {
                        out.organ_name = value
                    }
                    (_, "MessageHeader", "DocumentId") => out.document_id = value,
                    (_, "Code", "CodeNumber") if in_header => out.code_number = value,
                    (_, "Code", "CodeNotation") if in_header => out.code_notation = value,
                    (_, "PromulgationInfo", "Place") if in_header => out.place = value,
                    (_, "PromulgationInfo", "PromulgationDate") if in_header => out.promulgation_date = value,
                    (_, "DocumentType", "Type") if in_header => out.type_code = value,
                    (_, "DocumentType", "TypeName") if in_header => out.type_name = value,
                    (_, "MessageHeader", "Subject") => out.subject = value,
                    (_, "MessageHeader", "Content") => out.content = value,
                    (_, "SignerInfo", "Competence") => out.signer_competence = value,
                    (_, "SignerInfo", "Position") => out.signer_position = value,
                    (_, "SignerInfo", "FullName") => out.signer_name = value,
                    (_, "OtherInfo", "Priority") => out.priority = value,
                    (_, "OtherInfo", "PageAmount") => out.page_amount = value,
                    (_, "Bussiness" | "Business", "BussinessDocType" | "BusinessDocType") => business_type = value,
                    (_, "Attachment", field) if pending.is_some() => {
                        if let Some(p) = pending.as_mut() {
                            match field {
                                "ContentId" => p.content_id = strip_cid(&value).to_string(),
                                "AttachmentName" => p.name = value,
                                "Description" => p.description = value,
                                "ContentType" => p.content_type = value,
                                "ContentTransferEncoded" => p.encoded = std::mem::take(&mut text),
                                _ => {}
                            }
                        }
                    }
                    (_, "Reference", "ContentId") => manifest_entry.0 = strip_cid(&value).to_string(),
                    (_, "Reference", "AttachmentName") => manifest_entry.1 = value,
                    (_, "edXMLManifest", "Reference") => manifest.push(std::mem::take(&mut manifest_entry)),
                    (_, "AttachmentEncoded", "Attachment") => {
                        if let Some(p) = pending.take() {
                            attachments.push(p);
                        }
                    }
                    _ => {}
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    if status && !header_seen {
        return Err(vec!["Đây là gói trạng thái xử lý văn bản (StatusCode), không phải văn bản: không có gì để nhập.".into()]);
    }
    if !header_seen {
        return Err(vec!["Gói edXML không có phần đầu văn bản (MessageHeader).".into()]);
    }
    match business_type.as_str() {
        "" | "0" => {}
        "1" => problems.push("Gói này thu hồi một văn bản đã gửi (BussinessDocType 1), không phải văn bản mới để nhập.".into()),
        "2" => problems
            .push("Gói này cập nhật một văn bản đã gửi (BussinessDocType 2): sửa văn bản đã có trong hồ sơ thay vì nhập mới.".into()),
        "3" => problems
            .push("Gói này thay thế một văn bản đã gửi (BussinessDocType 3): sửa văn bản đã có trong hồ sơ thay vì nhập mới.".into()),
        other => problems.push(format!("Loại nghiệp vụ (BussinessDocType) “{other}” không rõ.")),
    }
    // The files: decoded within bounds, a one-entry zip around a file of another kind opened,
    // named as the manifest (or the attachment) names them.
    let mut total = 0u64;
    for (n, p) in attachments.into_iter().enumerate() {
        let name = Some(p.name.clone())
            .filter(|n| !n.is_empty())
            .or_else(|| manifest.iter().find(|(id, _)| *id == p.content_id).map(|(_, name)| name.clone()).filter(|n| !n.is_empty()))
            .or_else(|| Some(p.description.clone()).filter(|d| !d.is_empty()))
            .unwrap_or_else(|| format!("tep-dinh-kem-{}", n + 1));
        let encoded: String = p.encoded.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        if (encoded.len() as u64 / 4) * 3 > limits.bytes.saturating_sub(total) {
            problems.push(format!("Tệp đính kèm “{name}”: quá giới hạn {} MB của một gói.", limits.bytes >> 20));
            break;
        }
        let decoded = match base64::engine::general_purpose::STANDARD.decode(encoded.as_bytes()) {
            Ok(bytes) => bytes,
            Err(e) => {
                problems.push(format!("Tệp đính kèm “{name}”: nội dung base64 hỏng ({e})."));
                continue;
            }
        };
        let bytes = match unwrap_zip(&decoded, &name, limits.bytes.saturating_sub(total)) {
            Ok(bytes) => bytes,
            Err(problem) => {
                problems.push(format!("Tệp đính kèm “{name}”: {problem}"));
                continue;
            }
        };
        total += bytes.len() as u64;
        out.attachments.push(Attachment { name, content_type: p.content_type, bytes });
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

/// The VNPT builder zips every file around one entry with a random name: bytes that open as a
/// ZIP of exactly one entry, under a name that does not say it is a ZIP (nor an office file,
/// which is a ZIP of its own), are that entry, read within `limit` bytes. Anything else is kept
/// as the sender sent it.
fn unwrap_zip(bytes: &[u8], name: &str, limit: u64) -> Result<Vec<u8>, String> {
    let lower = name.to_lowercase();
    let zipped_kinds = [".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".epub", ".jar"];
    if !bytes.starts_with(b"PK\x03\x04") || zipped_kinds.iter().any(|k| lower.ends_with(k)) {
        return Ok(bytes.to_vec());
    }
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else { return Ok(bytes.to_vec()) };
    if zip.len() != 1 {
        return Ok(bytes.to_vec());
    }
    let mut entry = zip.by_index(0).map_err(|e| format!("tệp nén hỏng ({e})"))?;
    let mut out = vec![];
    entry.by_ref().take(limit + 1).read_to_end(&mut out).map_err(|e| format!("tệp nén hỏng ({e})"))?;
    if out.len() as u64 > limit {
        return Err(format!("giải nén ra quá {} MB", limit >> 20));
    }
    Ok(out)
}

/// `yyyy/MM/dd` or `dd/MM/yyyy` (also with `-`) as DD/MM/YYYY; anything else as written, for the
/// form's own check to refuse in words.
fn issued_date(text: &str) -> String {
    let parts: Vec<&str> = text.trim().split(['/', '-']).collect();
    match parts[..] {
        [y, m, d] if y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()) => format!("{d:0>2}/{m:0>2}/{y}"),
        [d, m, y] if y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()) => format!("{d:0>2}/{m:0>2}/{y}"),
        _ => text.trim().to_string(),
    }
}

impl Edxml {
    /// The văn bản as its form would be filled: số và ký hiệu, ngày ban hành, cơ quan ban hành,
    /// trích yếu, loại (by its name; a name outside TT05's list is Khác, kept in the ghi chú),
    /// số trang, born digital with its processing trail when it carries one; `ordinal` and `mode`
    /// as the hồ sơ gives them. The signer, the
    /// priority and the sender's document id go into the ghi chú.
    pub fn document_input(&self, ordinal: u32, mode: &str) -> DocumentInput {
        let folded = kho_model::text::fold(&self.type_name);
        let known = DocumentType::ALL.iter().find(|t| kho_model::text::fold(t.label()) == folded);
        let mut notes = vec![];
        if known.is_none() && !self.type_name.is_empty() {
            notes.push(format!("Loại văn bản: {}", self.type_name));
        }
        let signer: Vec<&str> = [&self.signer_competence, &self.signer_position, &self.signer_name]
            .into_iter()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect();
        if !signer.is_empty() {
            notes.push(format!("Người ký: {}", signer.join(", ")));
        }
        let priority = match self.priority.as_str() {
            "1" => Some("Khẩn"),
            "2" => Some("Thượng khẩn"),
            "3" => Some("Hỏa tốc"),
            "4" => Some("Hỏa tốc hẹn giờ"),
            _ => None,
        };
        if let Some(p) = priority {
            notes.push(format!("Độ khẩn: {p}"));
        }
        if !self.document_id.is_empty() {
            notes.push(format!("Nhận qua trục liên thông (edXML), mã văn bản: {}", self.document_id));
        }
        if self.page_amount.is_empty() {
            notes.push("Gói edXML không ghi số trang".into());
        }
        DocumentInput {
            doc_ordinal: ordinal.to_string(),
            type_name: known.unwrap_or(&DocumentType::Other).code().to_string(),
            code_number: self.code_number.clone(),
            code_notation: self.code_notation.clone(),
            issued_date: issued_date(&self.promulgation_date),
            organ_name: self.organ_name.clone(),
            subject: if self.subject.is_empty() { self.content.clone() } else { self.subject.clone() },
            language: "01".into(),
            number_of_page: if self.page_amount.is_empty() { "0".into() } else { self.page_amount.clone() },
            mode: mode.to_string(),
            confidence_level: "01".into(),
            process: if self.traced { "1" } else { "0" }.into(),
            description: notes.join(". "),
            ..Default::default()
        }
    }
}
