//! The leak sweep: every page, JSON answer, download and export Kho serves, read as each role ×
//! in scope × three clearances (and out of scope with the highest), against records classified at the fonds, hồ sơ and văn
//! bản levels and restricted by mode 02 and 03, digitized into PDF/As, attached, batched, listed
//! for destruction and touched in the audit trail. Every sensitive text carries a marker; a body
//! (HTML, JSON, the text of a PDF, the XML inside a DOCX or XLSX) that shows a marker its reader
//! may not see is a leak. A second pass adds more secrets and checks that nothing a reader gets
//! changes: hidden records are not counted either.

use crate::common;

use common::{Api, App, Session, apps_with};
use kho_model::access::{Action, Permissions, Role};
use kho_model::record::{DocumentInput, DossierInput, FondsInput, InventoryInput};
use kho_model::{Classification, Mode};
use kho_web::policy::{Access, ROUTES};
use std::collections::{BTreeMap, BTreeSet};

/// What a marker is as secret as: its classification and mode, all in unit A.
#[derive(Clone, Copy, Debug)]
struct Label {
    classification: Classification,
    mode: Mode,
}

const PUBLIC: Label = Label { classification: Classification::None, mode: Mode::Public };
const RESTRICTED: Label = Label { classification: Classification::None, mode: Mode::Conditional };
const MAT: Label = Label { classification: Classification::Confidential, mode: Mode::Secret };
/// What sits in a Mật fonds with its own fields public: Mật, mode 01.
const MAT_FONDS: Label = Label { classification: Classification::Confidential, mode: Mode::Public };
const TOI_MAT: Label = Label { classification: Classification::Secret, mode: Mode::Secret };

/// Record ids by kind, for the routes' `{id}`.
#[derive(Default)]
struct Ids {
    fonds: Vec<i64>,
    inventory: Vec<i64>,
    dossier: Vec<i64>,
    document: Vec<i64>,
    rendition: Vec<i64>,
    attachment: Vec<i64>,
    scan_page: Vec<i64>,
    disposal: Vec<i64>,
    batch: Vec<i64>,
    accession: Vec<i64>,
    unit: i64,
}

struct World {
    ids: Ids,
    markers: BTreeMap<String, Label>,
    blobs: kho_blobs::Blobs,
    unit_a: i64,
    public_dossier: i64,
    public_inventory: i64,
}

impl World {
    fn mark(&mut self, marker: &str, label: Label) -> String {
        assert!(self.markers.insert(marker.to_string(), label).is_none(), "marker {marker} used twice");
        marker.to_string()
    }

    async fn fonds(&mut self, app: &App, code: &str, name: &str, classification: &str) -> (i64, i64) {
        let input = FondsInput {
            code: code.into(),
            name: name.into(),
            unit_id: self.unit_a.to_string(),
            classification: classification.into(),
            ..Default::default()
        };
        let fonds = app.store.create_fonds(&input.parse().unwrap()).await.unwrap();
        let inventory = InventoryInput { number: "1".into(), title: format!("Mục lục của {name}"), ..Default::default() };
        let inventory = app.store.create_inventory(fonds, &inventory.parse().unwrap()).await.unwrap();
        self.ids.fonds.push(fonds);
        self.ids.inventory.push(inventory);
        (fonds, inventory)
    }

    /// A hồ sơ titled `title`, with one văn bản per (subject, label).
    async fn dossier(&mut self, app: &App, inventory: i64, notation: &str, title: &str, label: Label, documents: &[(&str, Label)]) -> i64 {
        let input = DossierInput {
            notation: notation.into(),
            title: title.into(),
            maintenance: "01".into(),
            mode: label.mode.code().into(),
            classification: label.classification.code().into(),
            start_date: "2020".into(),
            end_date: "2020".into(),
            total_doc: documents.len().to_string(),
            number_of_page: documents.len().max(1).to_string(),
            ..Default::default()
        };
        let dossier = app.dossier(inventory, &input).await;
        for (ordinal, (subject, label)) in documents.iter().enumerate() {
            let input = DocumentInput {
                doc_ordinal: (ordinal + 1).to_string(),
                type_name: "22".into(),
                issued_date: "2020".into(),
                organ_name: "UBND xã".into(),
                subject: (*subject).into(),
                number_of_page: "1".into(),
                mode: label.mode.code().into(),
                classification: label.classification.code().into(),
                ..Default::default()
            };
            self.ids.document.push(app.store.create_document(dossier, &input.parse().unwrap()).await.unwrap());
        }
        self.ids.dossier.push(dossier);
        dossier
    }

    async fn attachment(&mut self, app: &App, dossier: i64, name: &str) {
        let stored = self.blobs.put(format!("nội dung {name}").into_bytes(), false).await.unwrap();
        let attachment = kho_store::Attachment {
            id: 0,
            owner: kho_store::AttachmentOwner::Dossier(dossier),
            document: None,
            file_name: name.into(),
            media_type: "application/pdf".into(),
            size: stored.size as i64,
            sha256: stored.sha256,
            blob: stored.name,
            sealed: false,
            uploaded_by: "test".into(),
            uploaded_at: String::new(),
        };
        self.ids.attachment.push(app.store.create_attachment(&attachment).await.unwrap());
    }

    /// The hồ sơ scanned in a new batch and taken through the queue to one PDF/A per văn bản,
    /// each named `<mã hồ sơ>.<STT>.pdf` (a marker as secret as its văn bản) and holding
    /// `contents[i]`.
    async fn digitize(&mut self, app: &App, dossier: i64, scan_name: &str, contents: &[(&str, Label)]) {
        let store = &app.store;
        let batch = store.create_batch(self.unit_a, "Lô số hóa", kho_model::digitization::OriginalKind::Text, "test").await.unwrap();
        self.ids.batch.push(batch);
        store.add_to_batch(batch, &[(dossier, 1, "Bảo quản vĩnh viễn")]).await.unwrap();
        let scan = self.blobs.put(b"%PDF-1.7 ban quet".to_vec(), false).await.unwrap();
        let file = kho_store::NewScanFile {
            batch_id: batch,
            dossier_id: dossier,
            ordinal: None,
            file_name: scan_name.into(),
            format: "pdf".into(),
            size: scan.size as i64,
            sha256: scan.sha256.clone(),
            blob: scan.name.clone(),
            sealed: false,
            page_count: 1,
            uploaded_by: "test".into(),
        };
        store.add_scan_file(&file).await.unwrap();
        let code = store.dossier(dossier).await.unwrap().fields.file_code.to_string();
        let mut renditions = vec![];
        for (ordinal, (content, label)) in contents.iter().enumerate() {
            let ordinal = ordinal as i64 + 1;
            let file_name = self.mark(&format!("{code}.{ordinal}.pdf"), *label);
            let sealed = label.classification.is_classified();
            let stored = self.blobs.put(format!("%PDF-1.7 {content}").into_bytes(), sealed).await.unwrap();
            renditions.push(kho_store::RenditionFile {
                ordinal: Some(ordinal),
                file_name,
                standard: "PDF/A-2b".into(),
                pages: 1,
                size: stored.size as i64,
                sha256: stored.sha256,
                blob: stored.name,
                signed: false,
            });
        }
        while let Some(job) = store.claim_job("leaks", 60, 3).await.unwrap() {
            match job.kind {
                kho_store::JobKind::Page => assert!(store.finish_page(&job, job.subject_id, &Default::default()).await.unwrap()),
                kho_store::JobKind::Assemble => assert!(store.finish_assembly(&job, dossier, &renditions).await.unwrap()),
            }
        }
        self.ids.rendition.extend(store.renditions(dossier).await.unwrap().iter().map(|r| r.id));
        self.ids.scan_page.extend(store.dossier_page_ids(dossier).await.unwrap());
    }

    async fn disposal(&mut self, app: &App, fonds: i64, title: &str, dossier: i64) {
        let reason = kho_model::disposal::Reason::Duplicate;
        self.ids.disposal.push(app.store.create_disposal_list(fonds, title, "Thuyết minh", &[(dossier, reason)], "test").await.unwrap());
    }
}

async fn world(app: &App) -> World {
    let unit_a = app.unit_id("Xã Mường Ảng").await;
    let key = kho_blobs::ContentKey::load(&app.catalogue.dir().join("keys/content.key")).unwrap();
    let blobs = kho_blobs::Blobs::open(&app.catalogue.dir().join("blobs"), Some(key)).unwrap();
    let mut w = World {
        ids: Ids { unit: unit_a, ..Default::default() },
        markers: BTreeMap::new(),
        blobs,
        unit_a,
        public_dossier: 0,
        public_inventory: 0,
    };
    let name = w.mark("LKPUBFONDS", PUBLIC);
    let (fonds, inventory) = w.fonds(app, "LK1", &format!("Phông {name}"), "00").await;
    w.public_inventory = inventory;

    // A public hồ sơ holding a public, a Mật, a restricted (02) and a Tối mật văn bản.
    let title = w.mark("LKPUBHOSO", PUBLIC);
    let documents = [
        (w.mark("LKPUBVANBAN", PUBLIC), PUBLIC),
        (w.mark("LKMATVANBAN", MAT), MAT),
        (w.mark("LKHANVANBAN", RESTRICTED), RESTRICTED),
        (w.mark("LKTOIVANBAN", TOI_MAT), TOI_MAT),
    ];
    let borrowed: Vec<(&str, Label)> = documents.iter().map(|(s, l)| (s.as_str(), *l)).collect();
    w.public_dossier = w.dossier(app, inventory, "1", &format!("Hồ sơ {title}"), PUBLIC, &borrowed).await;
    let contents: Vec<(String, Label)> = [("LKPUBBANSO", PUBLIC), ("LKMATBANSO", MAT), ("LKHANBANSO", RESTRICTED), ("LKTOIBANSO", TOI_MAT)]
        .into_iter()
        .map(|(m, l)| (w.mark(m, l), l))
        .collect();
    let borrowed: Vec<(&str, Label)> = contents.iter().map(|(s, l)| (s.as_str(), *l)).collect();
    let public_dossier = w.public_dossier;
    w.digitize(app, public_dossier, "quet-cong-khai.pdf", &borrowed).await;

    // A Mật hồ sơ, a restricted one with a file attached, a Tối mật one.
    let (title, document) = (w.mark("LKMATHOSO", MAT), w.mark("LKMATHOSOVB", MAT));
    let secret = w.dossier(app, inventory, "2", &format!("Hồ sơ {title}"), MAT, &[(&document, MAT)]).await;
    let (title, document) = (w.mark("LKHANHOSO", RESTRICTED), w.mark("LKHANHOSOVB", RESTRICTED));
    let restricted = w.dossier(app, inventory, "3", &format!("Hồ sơ {title}"), RESTRICTED, &[(&document, RESTRICTED)]).await;
    let file = w.mark("LKHANTEP.pdf", RESTRICTED);
    w.attachment(app, restricted, &file).await;
    let title = w.mark("LKTOIHOSO", TOI_MAT);
    w.dossier(app, inventory, "4", &format!("Hồ sơ {title}"), TOI_MAT, &[]).await;

    // Destruction lists are as secret as everything on them.
    let title = w.mark("LKHANDANHMUC", RESTRICTED);
    w.disposal(app, fonds, &format!("Danh mục {title}"), restricted).await;
    let title = w.mark("LKMATDANHMUC", MAT);
    w.disposal(app, fonds, &format!("Danh mục {title}"), secret).await;

    // A Mật fonds: everything in it is Mật, whatever its own fields say.
    let name = w.mark("LKMATFONDS", MAT_FONDS);
    let (_, secret_inventory) = w.fonds(app, "LK2", &format!("Phông {name}"), "01").await;
    let (title, document) = (w.mark("LKMATPHONGHOSO", MAT_FONDS), w.mark("LKMATPHONGVB", MAT_FONDS));
    w.dossier(app, secret_inventory, "1", &format!("Hồ sơ {title}"), PUBLIC, &[(&document, PUBLIC)]).await;

    w.ids.accession.push(app.accession(unit_a).await);
    w
}

/// Someone reading Kho.
struct Reader {
    name: String,
    role: Role,
    in_scope: bool,
    clearance: Classification,
    session: Session,
    api: Api,
}

impl Reader {
    /// What the rules say this reader may see of a marker.
    fn may_see(&self, label: Label) -> bool {
        self.in_scope && label.classification.level() <= self.clearance.level() && (self.role != Role::Reader || label.mode == Mode::Public)
    }

    /// The audit trail is read by the administrator and the Lãnh đạo for the whole province:
    /// what it may never carry is classified text above the reader's clearance.
    fn may_see_in_audit(&self, label: Label) -> bool {
        label.classification.level() <= self.clearance.level()
    }
}

/// The readable text of a body: HTML and JSON as they are, the XML parts of a DOCX or XLSX, the
/// text of a PDF (by `pdftotext`) and its raw bytes.
fn text_of(body: &[u8]) -> String {
    if body.starts_with(b"PK") {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(body)).expect("a DOCX or XLSX");
        let mut text = String::new();
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            // (docProps hold the time of writing, not content.)
            if (name.ends_with(".xml") || name.ends_with(".rels")) && !name.starts_with("docProps/") {
                let mut part = String::new();
                std::io::Read::read_to_string(&mut entry, &mut part).unwrap();
                text.push_str(&part);
            }
        }
        text
    } else if body.starts_with(b"%PDF") {
        let mut text = String::from_utf8_lossy(body).into_owned();
        let mut child = std::process::Command::new("pdftotext")
            .args(["-q", "-", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("pdftotext (poppler-utils)");
        let mut stdin = child.stdin.take().unwrap();
        let bytes = body.to_vec();
        let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &bytes));
        let output = child.wait_with_output().unwrap();
        let _ = writer.join();
        text.push_str(&String::from_utf8_lossy(&output.stdout));
        text
    } else {
        String::from_utf8_lossy(body).into_owned()
    }
}

/// The paths a reader can GET: every GET route, each `{id}` replaced by every fixture of its kind.
fn paths(ids: &Ids, user: i64) -> Vec<String> {
    let mut out = vec![];
    for route in ROUTES.iter().filter(|r| r.method == "GET") {
        // Public routes hold no records; the trail is read once, after the sweep.
        if matches!(route.access, Access::Public) || is_audit(route.path) {
            continue;
        }
        let p = route.path.trim_start_matches("/api/v1");
        let ids_for: Vec<i64> = if !route.path.contains("{id}") {
            vec![0]
        } else if p.starts_with("/don-vi/{id}") || p.starts_with("/units/{id}") {
            vec![ids.unit]
        } else if p.starts_with("/tiep-nhan/{id}") || p.starts_with("/accessions/{id}") {
            ids.accession.clone()
        } else if p.starts_with("/so-hoa/{id}") || p.starts_with("/batches/{id}") {
            ids.batch.clone()
        } else if p.starts_with("/ban-so-hoa/{id}") || p.starts_with("/renditions/{id}") {
            ids.rendition.clone()
        } else if p.starts_with("/danh-muc-huy/{id}") || p.starts_with("/disposal-lists/{id}") {
            ids.disposal.clone()
        } else if p.starts_with("/phong/{id}") || p.starts_with("/fonds/{id}") {
            ids.fonds.clone()
        } else if p.starts_with("/muc-luc/{id}") || p.starts_with("/inventories/{id}") {
            ids.inventory.clone()
        } else if p.starts_with("/ho-so/{id}") || p.starts_with("/dossiers/{id}") {
            ids.dossier.clone()
        } else if p.starts_with("/van-ban/{id}") || p.starts_with("/documents/{id}") {
            ids.document.clone()
        } else if p.starts_with("/tep/{id}") || p.starts_with("/attachments/{id}") {
            ids.attachment.clone()
        } else if p.starts_with("/trang/{id}") || p.starts_with("/scan-pages/{id}") {
            ids.scan_page.clone()
        } else {
            vec![user]
        };
        for id in ids_for {
            out.push(route.path.replace("{id}", &id.to_string()));
        }
    }
    // The biên bản giao nhận tài liệu số of each fonds.
    for f in &ids.fonds {
        out.push(format!("/tiep-nhan/goi/bien-ban.pdf?phong={f}"));
    }
    // Search and lists with their queries.
    for q in ["LK", "LKMAT", "LKHAN", "LKTOI", "LKPUB"] {
        out.push(format!("/tra-cuu?q={q}"));
        out.push(format!("/api/v1/retention/suggest?title={q}"));
    }
    out
}

fn is_audit(path: &str) -> bool {
    path.starts_with("/quan-tri/nhat-ky") || path.starts_with("/api/v1/audit")
}

/// Every path as `reader`: path → (status, text).
async fn sweep(reader: &Reader, paths: &[String]) -> BTreeMap<String, (u16, String)> {
    let mut out = BTreeMap::new();
    for path in paths {
        let request = if path.starts_with("/api/") {
            reader.api.client.get(format!("{}{path}", reader.api.base)).bearer_auth(&reader.api.token)
        } else {
            reader.session.client.get(format!("{}{path}", reader.session.base))
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        assert!(status < 500, "{path} as {}: {status}", reader.name);
        let body = response.bytes().await.unwrap();
        let text = if status == 200 { text_of(&body) } else { String::from_utf8_lossy(&body).into_owned() };
        out.insert(path.clone(), (status, text));
    }
    out
}

/// The markers in `text` this reader may not see.
fn leaked<'m>(reader: &Reader, path: &str, text: &str, markers: &'m BTreeMap<String, Label>) -> Vec<&'m str> {
    markers
        .iter()
        .filter(|(marker, label)| {
            let allowed = if is_audit(path) { reader.may_see_in_audit(**label) } else { reader.may_see(**label) };
            !allowed && text.contains(marker.as_str())
        })
        .map(|(marker, _)| marker.as_str())
        .collect()
}

async fn readers(app: &App, unit_a: i64) -> Vec<Reader> {
    let unit_b = app.unit_id("Xã Mường Phăng").await;
    let mut out = vec![];
    for role in Role::ALL {
        for (in_scope, unit) in [(true, unit_a), (false, unit_b)] {
            for clearance in [Classification::None, Classification::Confidential, Classification::Secret] {
                // Out of scope, the most cleared stands for all: if they see nothing, nobody does.
                if !in_scope && clearance != Classification::Secret {
                    continue;
                }
                let name = format!("lk-{}-{}-{}", role.code(), if in_scope { "trong" } else { "ngoai" }, clearance.code());
                app.user(&name, *role, clearance, &[unit], &[]).await;
                let (session, api) = (app.login_apart(&name).await, app.api(&name).await);
                out.push(Reader { name, role: *role, in_scope, clearance, session, api });
            }
        }
    }
    out
}

/// The sweeps below are compared page by page, and some pages print today's date (reports, EAD,
/// packages): none may start so near midnight in Vietnam that the day turns between them. Waits
/// for the new day when less than ten minutes are left (a sweep takes about three).
async fn clear_of_midnight() {
    use chrono::Timelike;
    let now = chrono::Utc::now().with_timezone(&kho_web::reports::vietnam());
    let left = 24 * 3600 - i64::from(now.num_seconds_from_midnight());
    if left < 10 * 60 {
        eprintln!("{left} s to midnight in Vietnam: waiting for the new day before the sweeps");
        tokio::time::sleep(std::time::Duration::from_secs(left as u64 + 5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_leaves_kho_to_a_reader_who_may_not_see_it() {
    // The enclave: the only place classified content is held, sealed.
    let config = kho_web::WebConfig { enclave: true, ..Default::default() };
    for app in apps_with(config, true).await {
        clear_of_midnight().await;
        let mut w = world(&app).await;
        let readers = readers(&app, w.unit_a).await;
        let top = readers.iter().find(|r| r.role == Role::Archivist && r.in_scope && r.clearance == Classification::Secret).unwrap();

        // The cleared archivist works on the secrets, so the trail has entries about them: files
        // attached to the Mật hồ sơ and to the restricted one, and one refused (a broken PDF).
        let (secret, restricted) = (w.ids.dossier[1], w.ids.dossier[2]);
        let image = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../digitize/tests/pages/trang-trang.png")).unwrap();
        let broken = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
        let refused = w.mark("LKMATTUCHOI.pdf", MAT);
        let offered = [
            (secret, w.mark("LKMATTEPMOI.png", MAT), image.clone()),
            (restricted, w.mark("LKHANTEPMOI.png", RESTRICTED), image),
            (secret, refused.clone(), broken),
        ];
        for (dossier, name, bytes) in offered {
            let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
            let url = format!("{}/ho-so/{dossier}/tep?_csrf={}", app.base, top.session.csrf);
            top.session.client.post(url).multipart(form).send().await.unwrap();
        }
        let user = app.store.user_by_name(&top.name).await.unwrap().unwrap().id;
        let paths = paths(&w.ids, user);
        let mut failures = vec![];
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut before = BTreeMap::new();
        for reader in &readers {
            let answers = sweep(reader, &paths).await;
            for (path, (status, text)) in &answers {
                for marker in leaked(reader, path, text, &w.markers) {
                    failures.push(format!("{} GET {path} as {} ({status}): shows {marker}", app.label, reader.name));
                }
                seen.extend(w.markers.keys().filter(|m| text.contains(m.as_str())).cloned());
            }
            before.insert(reader.name.clone(), answers);
        }
        // The audit trail again, now that every reader has been through every page.
        for reader in &readers {
            for (path, (status, text)) in
                sweep(reader, &["/quan-tri/nhat-ky".into(), "/quan-tri/nhat-ky.xlsx".into(), "/api/v1/audit?limit=1000".into()]).await
            {
                for marker in leaked(reader, &path, &text, &w.markers) {
                    failures.push(format!("{} GET {path} as {} ({status}), after the sweep: shows {marker}", app.label, reader.name));
                }
            }
        }
        // The sweep can fail: everyone cleared sees every marker somewhere.
        // (A refused file's name is shown to nobody: it was offered to a Mật hồ sơ.)
        let unseen: Vec<_> = w.markers.keys().filter(|m| !seen.contains(*m) && **m != refused).collect();
        assert!(unseen.is_empty(), "{}: markers nobody saw (the sweep misses where they are shown): {unseen:?}", app.label);
        assert!(failures.is_empty(), "{} leaks:\n{}", failures.len(), failures.join("\n"));

        // More secrets, hidden from every reader below Tối mật: nothing those readers get may change.
        let inventory = w.public_inventory;
        w.dossier(&app, inventory, "9", "Hồ sơ LKTOITHEM", TOI_MAT, &[("LKTOITHEMVB", TOI_MAT)]).await;
        let input = DocumentInput {
            doc_ordinal: "5".into(),
            type_name: "22".into(),
            issued_date: "2020".into(),
            organ_name: "UBND xã".into(),
            subject: "LKTOITHEMVB2".into(),
            number_of_page: "1".into(),
            mode: "03".into(),
            classification: "02".into(),
            ..Default::default()
        };
        app.store.create_document(w.public_dossier, &input.parse().unwrap()).await.unwrap();
        let mut changed = vec![];
        // (Readers out of scope see none of it either way; the sweep above showed that.)
        for reader in readers.iter().filter(|r| r.in_scope && r.clearance.level() < Classification::Secret.level()) {
            let after = sweep(reader, &paths).await;
            for (path, answer) in after {
                // The trail and the token lists change as the sweep itself goes on. An editor's
                // form for a new văn bản proposes the next STT after every văn bản of the hồ sơ,
                // hidden ones included, so that two never share a number (THREATS.md, accepted).
                let editor = Permissions::shipped().allows(reader.role, Action::CatalogueEdit);
                if path.contains("/ma-truy-cap") || path.contains("/tokens") || (editor && path.ends_with("/van-ban/moi")) {
                    continue;
                }
                if before[&reader.name][&path] != answer {
                    changed.push(format!("{} GET {path} as {}", app.label, reader.name));
                }
            }
        }
        assert!(changed.is_empty(), "hidden records changed {} answers:\n{}", changed.len(), changed.join("\n"));
    }
}
