//! A package received — from a commune's Kho or another system — checked before anything of it is
//! taken: one root folder, no path leaving it, a root `METS.xml` that reads, every file a METS
//! lists present with its size and SHA-256, the representations' METS checked the same way,
//! and no file in the package that no METS lists. Every problem is listed, in words a clerk can
//! act on; reading stops at bounds no honest package reaches.

use quick_xml::events::Event;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Seek};

/// Bounds on what a package may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub entries: usize,
    /// Bytes of all files, uncompressed.
    pub bytes: u64,
    /// Bytes of one METS file.
    pub mets_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { entries: 200_000, bytes: 64 << 30, mets_bytes: 64 << 20 }
    }
}

/// What a package that passed is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub root: String,
    pub objid: String,
    /// SIP, AIP or DIP.
    pub kind: String,
    /// Files checked against a METS, representations' METS included.
    pub files: usize,
}

/// A file as a METS lists it.
#[derive(Debug, Clone)]
struct Listed {
    size: Option<u64>,
    sha256: Option<String>,
}

/// What a METS says: its OBJID, package type, listed files (by path from the package root) and
/// the representations' METS it points to.
#[derive(Debug, Default)]
struct Mets {
    objid: String,
    kind: String,
    listed: BTreeMap<String, Listed>,
    representations: Vec<String>,
}

fn attribute(e: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
        .map(|v| v.into_owned())
}

/// `base` + `href`, normalised; None when it climbs out or is absolute.
fn resolve(base: &str, href: &str) -> Option<String> {
    if href.starts_with('/') || href.contains('\\') || href.contains("://") {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in href.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Reads a METS file's listings; `base` is its folder within the package.
fn read_mets(text: &str, base: &str, path: &str, problems: &mut Vec<String>) -> Option<Mets> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut mets = Mets::default();
    let (mut pending, mut seen_root) = (None::<Listed>, false);
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                problems.push(format!("{path}: không đọc được XML ở vị trí {}: {e}", reader.buffer_position()));
                return None;
            }
        };
        let element = match &event {
            Event::Start(e) | Event::Empty(e) => e,
            Event::Eof => break,
            _ => continue,
        };
        let name = element.local_name();
        match name.as_ref() {
            "mets" => {
                seen_root = true;
                mets.objid = attribute(element, "OBJID").unwrap_or_default();
            }
            "metsHdr" => mets.kind = attribute(element, "OAISPACKAGETYPE").unwrap_or_default(),
            "file" => {
                let size = attribute(element, "SIZE").and_then(|s| s.parse().ok());
                pending = Some(Listed { size, sha256: attribute(element, "CHECKSUM").map(|c| c.to_uppercase()) });
            }
            "FLocat" | "mdRef" => {
                let Some(href) = attribute(element, "href") else {
                    problems.push(format!("{path}: một mục thiếu xlink:href"));
                    continue;
                };
                let listed = if name.as_ref() == "mdRef" {
                    Listed {
                        size: attribute(element, "SIZE").and_then(|s| s.parse().ok()),
                        sha256: attribute(element, "CHECKSUM").map(|c| c.to_uppercase()),
                    }
                } else {
                    pending.take().unwrap_or(Listed { size: None, sha256: None })
                };
                match resolve(base, &href) {
                    Some(target) => {
                        mets.listed.insert(target, listed);
                    }
                    None => problems.push(format!("{path}: “{href}” trỏ ra ngoài gói")),
                }
            }
            "mptr" => match attribute(element, "href").and_then(|h| resolve(base, &h)) {
                Some(target) => mets.representations.push(target),
                None => problems.push(format!("{path}: một mptr trỏ ra ngoài gói hoặc thiếu xlink:href")),
            },
            _ => {}
        }
    }
    if !seen_root {
        problems.push(format!("{path}: không phải tệp METS (không có phần tử mets)"));
        return None;
    }
    Some(mets)
}

fn sha256_of(reader: &mut impl Read, limit: u64) -> std::io::Result<(u64, String)> {
    let mut hash = Sha256::new();
    let (mut buffer, mut total) = (vec![0u8; 1 << 16], 0u64);
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > limit {
            return Err(std::io::Error::other("quá giới hạn"));
        }
        hash.update(&buffer[..n]);
    }
    Ok((total, hash.finalize().iter().map(|b| format!("{b:02X}")).collect()))
}

/// A package that passed `check`, open to read its files from.
pub struct Received<R> {
    pub checked: Checked,
    zip: zip::ZipArchive<R>,
    /// Path under the root folder → (entry index, size).
    files: BTreeMap<String, (usize, u64)>,
    /// Path → its SHA-256 (lower-case hex), as hashed here and found equal to what METS lists.
    digests: BTreeMap<String, String>,
}

/// A package's own description of its hồ sơ and văn bản: TT05's flat metadata, element by element.
#[derive(Debug, Clone, Default)]
pub struct Described {
    /// `metadata/descriptive/EAD.xml`.
    pub dossier: BTreeMap<String, String>,
    /// Each `EAD_doc_*.xml` of the representation.
    pub documents: Vec<BTreeMap<String, String>>,
    /// The representation's data files (path under the root folder), with the format PREMIS
    /// names for each (by its original name), when it does.
    pub data: Vec<(String, Option<String>)>,
}

/// TT05's flat `simpledc`: element name → text.
fn simpledc(path: &str, text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut out, mut current, mut depth) = (BTreeMap::new(), None::<String>, 0usize);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                current = (depth == 2).then(|| e.local_name().as_ref().to_string());
            }
            Ok(Event::Text(t)) => {
                if let Some(name) = &current {
                    let value = t.xml_content(quick_xml::XmlVersion::Implicit1_0);
                    out.entry(name.clone()).or_insert_with(String::new).push_str(&value);
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some(name) = &current {
                    let entity = match r.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => return Err(format!("{path}: thực thể “&{other};” không được dùng")),
                    };
                    out.entry(name.clone()).or_insert_with(String::new).push_str(entity);
                }
            }
            Ok(Event::End(_)) => {
                depth = depth.saturating_sub(1);
                current = None;
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("{path}: không đọc được XML ở vị trí {}: {e}", reader.buffer_position())),
        }
    }
    Ok(out)
}

impl<R: Read + Seek> Received<R> {
    /// A file of the package, by its path under the root folder.
    pub fn read(&mut self, path: &str) -> std::io::Result<Vec<u8>> {
        let &(index, size) = self.files.get(path).ok_or_else(|| std::io::Error::other(format!("{path}: không có trong gói")))?;
        let mut bytes = Vec::with_capacity(size as usize);
        self.zip.by_index(index).map_err(std::io::Error::other)?.read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    /// The SHA-256 (lower-case hex) a file was checked to have against its METS listing.
    pub fn digest(&self, path: &str) -> Option<&str> {
        self.digests.get(path).map(String::as_str)
    }

    fn text(&mut self, path: &str) -> Result<String, String> {
        let bytes = self.read(path).map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map_err(|_| format!("{path}: không phải UTF-8"))
    }

    /// What the package says of its hồ sơ and văn bản; every problem at once.
    pub fn described(&mut self) -> Result<Described, Vec<String>> {
        let mut problems = vec![];
        let mut described = Described::default();
        match self.text("metadata/descriptive/EAD.xml").and_then(|t| simpledc("metadata/descriptive/EAD.xml", &t)) {
            Ok(fields) => described.dossier = fields,
            Err(e) => problems.push(format!("Siêu dữ liệu hồ sơ: {e}")),
        }
        let paths: Vec<String> = self.files.keys().cloned().collect();
        for path in paths.iter().filter(|p| p.starts_with("representations/rep1/metadata/descriptive/EAD_doc_") && p.ends_with(".xml")) {
            match self.text(path).and_then(|t| simpledc(path, &t)) {
                Ok(fields) => described.documents.push(fields),
                Err(e) => problems.push(format!("Siêu dữ liệu văn bản: {e}")),
            }
        }
        let formats = self.formats();
        for path in paths.iter().filter(|p| p.starts_with("representations/rep1/data/")) {
            let name = path.rsplit('/').next().unwrap_or_default();
            described.data.push((path.clone(), formats.get(name).cloned()));
        }
        if described.data.is_empty() {
            problems.push("Gói không có tệp dữ liệu nào trong representations/rep1/data/.".into());
        }
        if problems.is_empty() { Ok(described) } else { Err(problems) }
    }

    /// originalName → formatName from the representation's PREMIS, when there is one.
    fn formats(&mut self) -> BTreeMap<String, String> {
        let Ok(text) = self.text("representations/rep1/metadata/preservation/PREMIS_rep1.xml") else { return BTreeMap::new() };
        let mut reader = quick_xml::Reader::from_str(&text);
        let (mut out, mut element, mut format, mut name) = (BTreeMap::new(), String::new(), None::<String>, None::<String>);
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) => {
                    element = e.local_name().as_ref().to_string();
                    if element == "object" {
                        (format, name) = (None, None);
                    }
                }
                Ok(Event::Text(t)) => {
                    let value = t.xml_content(quick_xml::XmlVersion::Implicit1_0).into_owned();
                    match element.as_str() {
                        "formatName" => format = Some(value),
                        "originalName" => name = Some(value),
                        _ => {}
                    }
                }
                Ok(Event::End(e)) => {
                    if e.local_name().as_ref() == "object"
                        && let (Some(f), Some(n)) = (format.take(), name.take())
                    {
                        out.insert(n, f);
                    }
                    element.clear();
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
        out
    }
}

/// Checks a package (a ZIP); every problem at once, or the package open to read.
pub fn check<R: Read + Seek>(package: R, limits: Limits) -> Result<Received<R>, Vec<String>> {
    let mut problems = vec![];
    let mut zip = match zip::ZipArchive::new(package) {
        Ok(zip) => zip,
        Err(e) => return Err(vec![format!("Không phải tệp ZIP đọc được: {e}")]),
    };
    if zip.len() > limits.entries {
        return Err(vec![format!("Gói có {} mục, quá giới hạn {}.", zip.len(), limits.entries)]);
    }
    // The names: one root folder, nothing climbing out.
    let (mut roots, mut files) = (BTreeSet::new(), BTreeMap::new());
    for i in 0..zip.len() {
        let entry = match zip.by_index_raw(i) {
            Ok(entry) => entry,
            Err(e) => return Err(vec![format!("Mục thứ {} của ZIP hỏng: {e}", i + 1)]),
        };
        let name = entry.name().unwrap_or_default().to_string();
        if entry.enclosed_name().is_none() || name.contains('\\') || name.split('/').any(|p| p == "..") {
            problems.push(format!("“{name}”: đường dẫn ra ngoài gói"));
            continue;
        }
        let Some((root, rest)) = name.split_once('/') else {
            problems.push(format!("“{name}”: nằm ngoài thư mục gốc của gói"));
            continue;
        };
        roots.insert(root.to_string());
        if !entry.is_dir() && !rest.is_empty() {
            files.insert(rest.to_string(), (i, entry.size()));
        }
    }
    if roots.len() > 1 {
        problems.push(format!(
            "Gói phải nằm trong một thư mục gốc; có {}: {}.",
            roots.len(),
            roots.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    let total: u64 = files.values().map(|(_, size)| size).sum();
    if total > limits.bytes {
        problems.push(format!("Gói giải nén ra {} byte, quá giới hạn {} byte.", total, limits.bytes));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let root = roots.into_iter().next().unwrap_or_default();
    let read_text = |zip: &mut zip::ZipArchive<R>, path: &str, problems: &mut Vec<String>| -> Option<String> {
        let &(index, _) = files.get(path)?;
        let mut text = String::new();
        let read = zip.by_index(index).map_err(std::io::Error::other).and_then(|f| f.take(limits.mets_bytes + 1).read_to_string(&mut text));
        match read {
            Ok(n) if n as u64 > limits.mets_bytes => {
                problems.push(format!("{path}: quá {} byte", limits.mets_bytes));
                None
            }
            Ok(_) => Some(text),
            Err(e) => {
                problems.push(format!("{path}: không đọc được ({e}); METS phải là UTF-8"));
                None
            }
        }
    };
    let Some(text) = read_text(&mut zip, "METS.xml", &mut problems) else {
        problems.push("Thiếu METS.xml ở thư mục gốc của gói.".into());
        return Err(problems);
    };
    let Some(mets) = read_mets(&text, "", "METS.xml", &mut problems) else { return Err(problems) };
    if !matches!(mets.kind.as_str(), "SIP" | "AIP" | "DIP") {
        problems.push(format!("METS.xml: loại gói (csip:OAISPACKAGETYPE) “{}” không phải SIP, AIP hay DIP.", mets.kind));
    }
    if mets.objid.is_empty() {
        problems.push("METS.xml: thiếu OBJID.".into());
    }
    // Every METS's listings, the representations' included.
    let mut listed: BTreeMap<String, Listed> = mets.listed.clone();
    let mut covered: BTreeSet<String> = BTreeSet::from(["METS.xml".to_string()]);
    for rep in &mets.representations {
        covered.insert(rep.clone());
        let base = rep.rsplit_once('/').map(|(folder, _)| folder).unwrap_or("");
        match read_text(&mut zip, rep, &mut problems) {
            Some(text) => {
                if let Some(rep_mets) = read_mets(&text, base, rep, &mut problems) {
                    listed.extend(rep_mets.listed);
                }
            }
            None => problems.push(format!("{rep}: METS của thành phần không có trong gói")),
        }
    }
    let (mut checked, mut digests) = (0, BTreeMap::new());
    for (path, expected) in &listed {
        let Some(&(index, _)) = files.get(path) else {
            problems.push(format!("{path}: METS ghi nhưng không có trong gói"));
            continue;
        };
        covered.insert(path.clone());
        let hashed = zip.by_index(index).map_err(std::io::Error::other).and_then(|mut f| sha256_of(&mut f, limits.bytes));
        match hashed {
            Ok((size, sha256)) => {
                if expected.size.is_some_and(|s| s != size) {
                    problems.push(format!("{path}: kích thước {size} byte, METS ghi {} byte", expected.size.unwrap_or_default()));
                } else if expected.sha256.as_ref().is_some_and(|c| *c != sha256) {
                    problems.push(format!("{path}: mã SHA-256 không khớp METS (tệp đã bị thay đổi hoặc hỏng)"));
                } else if expected.sha256.is_none() {
                    problems.push(format!("{path}: METS không ghi mã kiểm tra (CHECKSUM)"));
                } else {
                    checked += 1;
                    digests.insert(path.clone(), sha256.to_lowercase());
                }
            }
            Err(e) => problems.push(format!("{path}: không đọc được ({e})")),
        }
    }
    for path in files.keys().filter(|p| !covered.contains(*p)) {
        problems.push(format!("{path}: có trong gói nhưng không METS nào ghi"));
    }
    if problems.is_empty() {
        Ok(Received { checked: Checked { root, objid: mets.objid, kind: mets.kind, files: checked }, zip, files, digests })
    } else {
        Err(problems)
    }
}
