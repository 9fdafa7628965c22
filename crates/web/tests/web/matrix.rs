//! The authorization matrix: every route of the policy table × every role × in or out of scope ×
//! with or without clearance, each against a plain and a classified record, compared with what
//! `policy/permissions.csv` and the scope and clearance rules say. Sessions for pages, tokens for
//! the API. Runs on SQLite and PostgreSQL.

use crate::common;

use common::{Api, App, Session, apps};
use kho_model::access::{Action, Permissions, Role};
use kho_model::record::{DocumentInput, DossierInput, FondsInput, InventoryInput};
use kho_model::{Classification, Mode};
use kho_web::policy::{Access, ROUTES};
use reqwest::{Method, StatusCode};

/// One fixture record and what access needs to know of it.
#[derive(Clone, Copy)]
struct Target {
    id: i64,
    classification: Classification,
    mode: Option<Mode>,
}

struct Fixtures {
    fonds: [Target; 2],
    inventory: [Target; 2],
    dossier: [Target; 2],
    document: [Target; 2],
    attachment: [Target; 2],
    /// Unit A as a resource of its own (editing its description is scoped).
    unit_target: [Target; 1],
    /// An accession from unit A to the province archive.
    accession: [Target; 1],
    /// A danh mục tài liệu hủy of the plain fonds.
    disposal: [Target; 1],
    /// A lô số hóa of unit A.
    batch: [Target; 1],
    /// The PDF/A of the public hồ sơ.
    rendition: [Target; 1],
    scan_page: [Target; 1],
    unit: i64,
    user: i64,
    token: i64,
    /// A finished fixity run (Bảo quản).
    fixity_run: i64,
}

async fn fixtures(app: &App) -> Fixtures {
    let store = &app.store;
    let unit_a = app.unit_id("Xã Mường Ảng").await;
    let mut fonds_ids = vec![];
    let mut inventory_ids = vec![];
    for (code, classification) in [("XA1", "00"), ("XA2", "01")] {
        let input = FondsInput {
            code: code.into(),
            name: format!("Phông {code}"),
            unit_id: unit_a.to_string(),
            classification: classification.into(),
            ..Default::default()
        };
        let fonds = store.create_fonds(&input.parse().unwrap()).await.unwrap();
        let inventory = store
            .create_inventory(fonds, &InventoryInput { number: "1".into(), title: "Mục lục".into(), ..Default::default() }.parse().unwrap())
            .await
            .unwrap();
        fonds_ids.push(fonds);
        inventory_ids.push(inventory);
    }
    let (_, _, context) = store.dossier_context(inventory_ids[0]).await.unwrap();
    let mut dossier_ids = vec![];
    let mut document_ids = vec![];
    let mut attachment_ids = vec![];
    let blobs = kho_blobs::Blobs::open(&app.catalogue.dir().join("blobs"), None).unwrap();
    for (notation, mode, classification) in [("1", "01", "00"), ("2", "03", "01")] {
        let input = DossierInput {
            notation: notation.into(),
            title: "Hồ sơ".into(),
            maintenance: "01".into(),
            mode: mode.into(),
            classification: classification.into(),
            start_date: "2020".into(),
            end_date: "2020".into(),
            total_doc: "1".into(),
            number_of_page: "1".into(),
            ..Default::default()
        };
        let dossier = store.create_dossier(inventory_ids[0], &input.parse(&context).unwrap()).await.unwrap();
        let document = DocumentInput {
            doc_ordinal: "1".into(),
            type_name: "22".into(),
            issued_date: "2020".into(),
            organ_name: "UBND".into(),
            subject: "Văn bản".into(),
            number_of_page: "1".into(),
            mode: mode.into(),
            classification: classification.into(),
            ..Default::default()
        };
        document_ids.push(store.create_document(dossier, &document.parse().unwrap()).await.unwrap());
        let stored = blobs.put(format!("tệp {notation}").into_bytes(), false).await.unwrap();
        let attachment = kho_store::Attachment {
            id: 0,
            owner: kho_store::AttachmentOwner::Dossier(dossier),
            document: None,
            file_name: format!("tep-{notation}.pdf"),
            media_type: "application/pdf".into(),
            size: stored.size as i64,
            sha256: stored.sha256,
            blob: stored.name,
            sealed: false,
            uploaded_by: "test".into(),
            uploaded_at: String::new(),
        };
        attachment_ids.push(store.create_attachment(&attachment).await.unwrap());
        dossier_ids.push(dossier);
    }
    let plain = |id| Target { id, classification: Classification::None, mode: None };
    let secret = |id| Target { id, classification: Classification::Confidential, mode: None };
    let accession = app.accession(unit_a).await;
    let (batch, rendition) = {
        let pdf = blobs.put(b"%PDF-1.7 ban so hoa".to_vec(), false).await.unwrap();
        // The page read, with the image the viewer shows.
        let image = blobs
            .put(std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../digitize/tests/pages/150dpi.png")).unwrap(), false)
            .await
            .unwrap();
        let scan = kho_store::test_support::StoredFile { blob: &pdf.name, sha256: &pdf.sha256, size: pdf.size as i64 };
        kho_store::test_support::digitized(store, unit_a, dossier_ids[0], scan, Some(image.name)).await
    };
    let scan_page = store.dossier_page_ids(dossier_ids[0]).await.unwrap()[0];
    let disposal_list = store
        .create_disposal_list(fonds_ids[0], "Danh mục", "Thuyết minh", &[(dossier_ids[0], kho_model::disposal::Reason::Duplicate)], "test")
        .await
        .unwrap();
    let user = app.user("muc-tieu", Role::Reader, Classification::None, &[app.archive], &[]).await;
    let _ = app.token("muc-tieu").await;
    Fixtures {
        fonds: [plain(fonds_ids[0]), secret(fonds_ids[1])],
        inventory: [plain(inventory_ids[0]), secret(inventory_ids[1])],
        dossier: [
            Target { mode: Some(Mode::Public), ..plain(dossier_ids[0]) },
            Target { mode: Some(Mode::Secret), ..secret(dossier_ids[1]) },
        ],
        document: [
            Target { mode: Some(Mode::Public), ..plain(document_ids[0]) },
            Target { mode: Some(Mode::Secret), ..secret(document_ids[1]) },
        ],
        attachment: [
            Target { mode: Some(Mode::Public), ..plain(attachment_ids[0]) },
            Target { mode: Some(Mode::Secret), ..secret(attachment_ids[1]) },
        ],
        unit_target: [plain(unit_a)],
        accession: [plain(accession)],
        disposal: [plain(disposal_list)],
        batch: [plain(batch)],
        rendition: [Target { mode: Some(Mode::Public), ..plain(rendition) }],
        scan_page: [Target { mode: Some(Mode::Public), ..plain(scan_page) }],
        unit: unit_a,
        user,
        token: app.store.list_tokens().await.unwrap()[0].id,
        fixity_run: {
            let (run, _) = store.fixity_run(true, "lenh", 1).await.unwrap();
            store.finish_fixity_run(run).await.unwrap().id
        },
    }
}

/// Which fixture a path's `{id}` names, if it is a catalogue record.
fn record_targets<'f>(method: &str, path: &str, f: &'f Fixtures) -> Option<&'f [Target]> {
    let p = path.trim_start_matches("/api/v1");
    let unit_work = ["/don-vi/{id}/sua", "/don-vi/{id}/ngoai-kho", "/units/{id}/outside-work", "/units/{id}/complexity"];
    if unit_work.contains(&p) || (p == "/units/{id}" && method == "PUT") {
        Some(&f.unit_target)
    } else if p.starts_with("/tiep-nhan/{id}") || p.starts_with("/accessions/{id}") {
        Some(&f.accession)
    } else if p.starts_with("/so-hoa/{id}") || p.starts_with("/batches/{id}") {
        Some(&f.batch)
    } else if p.starts_with("/ban-so-hoa/{id}") || p.starts_with("/renditions/{id}") {
        Some(&f.rendition)
    } else if p.starts_with("/danh-muc-huy/{id}") || p.starts_with("/disposal-lists/{id}") {
        Some(&f.disposal)
    } else if p.starts_with("/phong/{id}") || p.starts_with("/fonds/{id}") {
        Some(&f.fonds)
    } else if p.starts_with("/muc-luc/{id}") || p.starts_with("/inventories/{id}") {
        Some(&f.inventory)
    } else if p.starts_with("/ho-so/{id}") || p.starts_with("/dossiers/{id}") {
        Some(&f.dossier)
    } else if p.starts_with("/van-ban/{id}") || p.starts_with("/documents/{id}") {
        Some(&f.document)
    } else if p.starts_with("/tep/{id}") || p.starts_with("/attachments/{id}") {
        Some(&f.attachment)
    } else if p.starts_with("/trang/{id}") || p.starts_with("/scan-pages/{id}") {
        Some(&f.scan_page)
    } else {
        None
    }
}

fn other_id(path: &str, f: &Fixtures) -> i64 {
    if path.contains("/tai-khoan/") || path.contains("/do-mat/") || path.contains("/users/") || path.contains("/clearance-proposals/") {
        f.user
    } else if path.contains("/ma-truy-cap/") || path.contains("/tokens/") {
        f.token
    } else if path.contains("/bao-quan/") || path.contains("/preservation/runs/") {
        f.fixity_run
    } else {
        f.unit
    }
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Expect {
    Allowed,
    Forbidden,
    NotFound,
}

fn expected(role: Role, in_scope: bool, clearance: Classification, action: Action, target: Option<Target>) -> Expect {
    if !Permissions::shipped().allows(role, action) {
        return Expect::Forbidden;
    }
    match target {
        None => Expect::Allowed,
        Some(t) => {
            let cleared = t.classification.level() <= clearance.level();
            let readable = role != Role::Reader || t.mode.is_none_or(|m| m == Mode::Public);
            if in_scope && cleared && readable { Expect::Allowed } else { Expect::NotFound }
        }
    }
}

fn classify(status: StatusCode) -> Option<Expect> {
    match status.as_u16() {
        403 => Some(Expect::Forbidden),
        404 => Some(Expect::NotFound),
        401 | 500..=599 => None,
        _ => Some(Expect::Allowed),
    }
}

enum Caller {
    Page(Session),
    Api(Api),
}

async fn call(caller: &Caller, method: &str, path: &str) -> StatusCode {
    match caller {
        Caller::Page(session) => match method {
            "GET" => session.get(path).await.0,
            "POST" => session.post(path, &[]).await.status(),
            other => {
                let method = Method::from_bytes(other.as_bytes()).unwrap();
                let url = format!("{}{path}", session.base);
                session.client.request(method, url).header("x-csrf-token", &session.csrf).send().await.unwrap().status()
            }
        },
        Caller::Api(api) => {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let body = (method != Method::GET).then(|| serde_json::json!({}));
            api.call(method, path, body).await.0
        }
    }
}

#[tokio::test]
async fn every_route_role_scope_and_clearance_follows_the_policy() {
    for app in apps().await {
        let f = fixtures(&app).await;
        let unit_b = app.unit_id("Xã Mường Phăng").await;
        let mut checked = 0;
        let mut failures = Vec::new();
        for role in Role::ALL {
            for (in_scope, unit) in [(true, f.unit), (false, unit_b)] {
                for clearance in [Classification::None, Classification::Confidential] {
                    let username = format!("{}-{}-{}", role.code(), if in_scope { "trong" } else { "ngoai" }, clearance.code());
                    app.user(&username, *role, clearance, &[unit], &[]).await;
                    let callers = [Caller::Page(app.login(&username).await), Caller::Api(app.api(&username).await)];
                    for route in ROUTES {
                        let Access::Act(action) = route.access else { continue };
                        // A phiếu yêu cầu khai thác is its reader's and its approvers': who may
                        // reach it is not the role table's alone (tests/access.rs).
                        if route.path.starts_with("/khai-thac/{id}") || route.path.starts_with("/api/v1/access-requests/{id}") {
                            continue;
                        }
                        let is_api = route.path.starts_with("/api/");
                        let caller = if is_api { &callers[1] } else { &callers[0] };
                        let targets: Vec<Option<Target>> = match record_targets(route.method, route.path, &f) {
                            Some(pair) => pair.iter().copied().map(Some).collect(),
                            None => vec![None],
                        };
                        for target in targets {
                            let id = target.map(|t| t.id).unwrap_or_else(|| other_id(route.path, &f));
                            // A hồ sơ of the batch, where a route names one inside it.
                            let path = route.path.replace("{id}", &id.to_string()).replace("{dossier}", &f.dossier[0].id.to_string());
                            let status = call(caller, route.method, &path).await;
                            let want = expected(*role, in_scope, clearance, action, target);
                            checked += 1;
                            if classify(status) != Some(want) {
                                failures.push(format!("{} {} {path} as {username}: got {status}, want {want:?}", app.label, route.method));
                            }
                        }
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
        assert!(checked > 1000, "the matrix walked {checked} cases");
    }
}
