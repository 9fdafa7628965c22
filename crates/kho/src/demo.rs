//! The Điện Biên demo: the province's plan as it was issued, a few fonds (one district's, two
//! communes', one with Mật records), and demo accounts with random passwords written to
//! `<data-dir>/demo-accounts.txt`. Loaded only into an empty catalogue; never a fixed password.

use anyhow::Result;
use kho_model::Classification;
use kho_model::access::{Role, Visibility};
use kho_model::plan::{Plan, PlanFiles};
use kho_model::record::{DocumentInput, DossierInput, FondsInput, InventoryInput};
use kho_store::{Store, UserSettings};
use std::collections::BTreeSet;
use std::path::Path;

/// The plan's appendices, as shipped in `demo/dien-bien/`.
pub fn plan() -> Plan {
    Plan::parse(&PlanFiles {
        meta: include_str!("../../../demo/dien-bien/ke-hoach.csv"),
        districts: include_str!("../../../demo/dien-bien/districts.csv"),
        communes: include_str!("../../../demo/dien-bien/communes.csv"),
        tasks: include_str!("../../../demo/dien-bien/tasks.csv"),
    })
    .expect("the demo plan parses (tested)")
}

pub const ACCOUNTS_FILE: &str = "demo-accounts.txt";

pub async fn load(store: &Store, data_dir: &Path) -> Result<()> {
    if store.plan().await?.is_none() {
        store.import_plan(&plan()).await?;
        tracing::info!("loaded the Điện Biên demo plan");
    }
    let archive = crate::accounts::province_archive(store).await?;
    let mut assigned_fonds = BTreeSet::new();
    if store.list_fonds(&Visibility::everything()).await?.is_empty() {
        assigned_fonds.insert(district_fonds(store).await?);
        commune_fonds(store, "Xã Mường Ảng", "X27", true).await?;
        commune_fonds(store, "Xã Mường Phăng", "X04", false).await?;
        tracing::info!("loaded the demo fonds");
    }
    if store.count_users().await? == 0 {
        demo_accounts(store, data_dir, archive, assigned_fonds).await?;
    }
    Ok(())
}

async fn unit_id(store: &Store, name: &str) -> Result<i64> {
    store.units().await?.into_iter().find(|u| u.name == name).map(|u| u.id).ok_or_else(|| anyhow::anyhow!("the demo plan names {name}"))
}

fn dossier(notation: &str, title: &str, start: &str, end: &str, total_doc: &str, pages: &str) -> DossierInput {
    DossierInput {
        notation: notation.into(),
        title: title.into(),
        maintenance: "01".into(),
        mode: "01".into(),
        start_date: start.into(),
        end_date: end.into(),
        total_doc: total_doc.into(),
        number_of_page: pages.into(),
        format: "02".into(),
        ..Default::default()
    }
}

async fn district_fonds(store: &Store) -> Result<i64> {
    let fonds = FondsInput {
        code: "P05".into(),
        name: "Ủy ban nhân dân huyện Mường Ảng".into(),
        unit_id: unit_id(store, "Huyện Mường Ảng").await?.to_string(),
        status: "02".into(),
        start_date: "2007".into(),
        end_date: "2025".into(),
        history: "Huyện Mường Ảng được thành lập năm 2007 từ một phần huyện Tuần Giáo; giải thể ngày 01/7/2025 khi bỏ cấp huyện. \
                  Tài liệu được giao về Kho Lưu trữ tập trung của tỉnh năm 2026."
            .into(),
        ..Default::default()
    };
    let fonds_id = store.create_fonds(&fonds.parse()?).await?;
    let inventory = InventoryInput {
        number: "1".into(),
        title: "Mục lục hồ sơ bảo quản vĩnh viễn".into(),
        maintenance: "01".into(),
        ..Default::default()
    };
    let inventory_id = store.create_inventory(fonds_id, &inventory.parse()?).await?;
    let (_, _, context) = store.dossier_context(inventory_id).await?;
    let dossiers = [
        dossier("01-VP", "Tập quyết định của UBND huyện về công tác tổ chức, cán bộ năm 2015", "01/01/2015", "31/12/2015", "12", "96"),
        dossier("02-TP", "Sổ đăng ký khai sinh xã Ẳng Nưa năm 2016", "04/01/2016", "29/12/2016", "1", "200"),
        dossier("03-TNMT", "Hồ sơ giao đất, cho thuê đất tại thị trấn Mường Ảng năm 2018", "03/2018", "11/2018", "27", "143"),
        dossier("04-TCKH", "Báo cáo quyết toán ngân sách huyện năm 2019", "2019", "2020", "6", "58"),
    ];
    for input in &dossiers {
        let dossier_id = store.create_dossier(inventory_id, &input.parse(&context)?).await?;
        if input.notation == "01-VP" {
            let document = DocumentInput {
                doc_ordinal: "1".into(),
                type_name: "02".into(),
                code_number: "125".into(),
                code_notation: "QĐ-UBND".into(),
                issued_date: "12/03/2015".into(),
                organ_name: "Ủy ban nhân dân huyện Mường Ảng".into(),
                subject: "Về việc điều động, bổ nhiệm cán bộ".into(),
                number_of_page: "2".into(),
                mode: "01".into(),
                ..Default::default()
            };
            store.create_document(dossier_id, &document.parse()?).await?;
        }
    }
    Ok(fonds_id)
}

async fn commune_fonds(store: &Store, commune: &str, code: &str, with_secret: bool) -> Result<i64> {
    let fonds = FondsInput {
        code: code.into(),
        name: format!("Ủy ban nhân dân {}", commune.to_lowercase()),
        unit_id: unit_id(store, commune).await?.to_string(),
        status: "01".into(),
        start_date: "2025".into(),
        ..Default::default()
    };
    let fonds_id = store.create_fonds(&fonds.parse()?).await?;
    let inventory = InventoryInput { number: "1".into(), title: "Mục lục hồ sơ".into(), ..Default::default() };
    let inventory_id = store.create_inventory(fonds_id, &inventory.parse()?).await?;
    let (_, _, context) = store.dossier_context(inventory_id).await?;
    let public = dossier("01-HT", &format!("Sổ đăng ký kết hôn {} năm 2025", commune.to_lowercase()), "07/2025", "12/2025", "1", "48");
    store.create_dossier(inventory_id, &public.parse(&context)?).await?;
    // A small land file, ready to be scanned (three pages) in the số hóa demo.
    let land =
        dossier("03-DC", &format!("Hồ sơ giao đất ở tại bản Co Mận, {} năm 2019", commune.to_lowercase()), "03/2019", "11/2019", "3", "3");
    store.create_dossier(inventory_id, &land.parse(&context)?).await?;
    if with_secret {
        let secret = DossierInput {
            mode: "03".into(),
            classification: "01".into(),
            ..dossier("02-QS", "Hồ sơ về công tác quốc phòng, an ninh trên địa bàn xã năm 2025", "07/2025", "12/2025", "5", "31")
        };
        store.create_dossier(inventory_id, &secret.parse(&context)?).await?;
        // Under conditional use (mode 02): a reader asks, a Lãnh đạo decides (khai thác demo).
        let conditional = DossierInput {
            mode: "02".into(),
            ..dossier(
                "04-KN",
                "Hồ sơ giải quyết đơn khiếu nại về tranh chấp đất đai của hộ ông Lò Văn Pọm, bản Co Mận năm 2020",
                "02/2020",
                "09/2020",
                "1",
                "1",
            )
        };
        store.create_dossier(inventory_id, &conditional.parse(&context)?).await?;
    }
    Ok(fonds_id)
}

async fn demo_accounts(store: &Store, data_dir: &Path, archive: i64, contractor_fonds: BTreeSet<i64>) -> Result<()> {
    let muong_ang = unit_id(store, "Xã Mường Ảng").await?;
    let muong_phang = unit_id(store, "Xã Mường Phăng").await?;
    let settings = |full_name: &str, role: Role, clearance: Classification, units: BTreeSet<i64>, fonds: BTreeSet<i64>| UserSettings {
        full_name: full_name.into(),
        role,
        clearance,
        disabled: false,
        units,
        fonds,
    };
    let none = BTreeSet::new;
    // Each account: its name, its settings, and its scope as the accounts file says it.
    let accounts: [(&str, UserSettings, &str); 7] = [
        ("quantri", settings("Quản trị hệ thống", Role::Admin, Classification::None, [archive].into(), none()), "toàn tỉnh"),
        // A Lãnh đạo approves what others propose up to their own clearance: with none, the demo's
        // proposals of Mật and its danh mục hủy holding Mật hồ sơ would wait for ever.
        (
            "lanhdao",
            settings("Lãnh đạo Trung tâm", Role::Leader, Classification::Confidential, [archive].into(), none()),
            "toàn tỉnh, độ Mật",
        ),
        (
            "luutru.tinh",
            settings("Lưu trữ viên tỉnh", Role::Archivist, Classification::Confidential, [archive].into(), none()),
            "toàn tỉnh, độ Mật",
        ),
        (
            "canbo.muongang",
            settings("Văn thư xã Mường Ảng", Role::Archivist, Classification::Confidential, [muong_ang].into(), none()),
            "Xã Mường Ảng, độ Mật",
        ),
        (
            "canbo.muongphang",
            settings("Văn thư xã Mường Phăng", Role::Archivist, Classification::None, [muong_phang].into(), none()),
            "Xã Mường Phăng",
        ),
        ("sohoa", settings("Nhân viên đơn vị số hóa", Role::Contractor, Classification::None, none(), contractor_fonds), "phông P05"),
        ("docgia", settings("Độc giả phòng đọc", Role::Reader, Classification::None, [archive].into(), none()), "tài liệu công khai"),
    ];
    let mut lines =
        vec!["# Tài khoản mẫu của Kho (mật khẩu ngẫu nhiên, chỉ dùng để thử)".to_string(), "# tên\tmật khẩu\tvai trò\tphạm vi".to_string()];
    let operator = crate::accounts::operator();
    for (username, settings, scope) in accounts {
        let password = kho_web::auth::new_secret()[..16].to_string();
        let role = settings.role;
        let id = store.create_user(username, &kho_web::auth::hash_password(&password), &settings).await?;
        crate::accounts::record(store, &operator, "user.create", "user", Some(id), Some(format!("tài khoản mẫu {username}"))).await?;
        lines.push(format!("{username}\t{password}\t{}\t{scope}", role.label()));
    }
    std::fs::create_dir_all(data_dir)?;
    let path = data_dir.join(ACCOUNTS_FILE);
    std::fs::write(&path, lines.join("\n") + "\n")?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    eprintln!("Tài khoản mẫu (mật khẩu ngẫu nhiên) đã ghi vào {}", path.display());
    Ok(())
}

/// The demo's signing key: a self-signed certificate made once with openssl and kept in the data
/// folder, so that the demo's PDF/A are signed as production's are. It proves nothing about who
/// signed: a province signs with its organisation's certificate (`--sign-p12` or a token).
pub const SIGNING_KEY_FILE: &str = "demo-ky-so.p12";
const SIGNING_KEY_PASSWORD: &str = "kho-demo";

pub fn signing_key(data_dir: &Path, organisation: &str) -> Result<std::sync::Arc<dyn kho_digitize::sign::SigningKey>> {
    use anyhow::Context;
    let path = data_dir.join(SIGNING_KEY_FILE);
    if !path.exists() {
        let work = tempfile::tempdir()?;
        let openssl = |args: &[&str]| -> Result<()> {
            let out = std::process::Command::new("openssl")
                .args(args)
                .current_dir(work.path())
                .output()
                .context("không chạy được openssl (gói openssl) để tạo chứng thư thử nghiệm")?;
            anyhow::ensure!(out.status.success(), "openssl {}: {}", args[0], String::from_utf8_lossy(&out.stderr));
            Ok(())
        };
        let subject = format!("/CN={organisation} (chứng thư thử nghiệm)/O=Kho demo/C=VN");
        openssl(&[
            "req",
            "-x509",
            "-utf8",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
            "-days",
            "3650",
            "-subj",
            &subject,
            "-addext",
            "keyUsage=critical,digitalSignature,nonRepudiation",
        ])?;
        let pass = format!("pass:{SIGNING_KEY_PASSWORD}");
        openssl(&["pkcs12", "-export", "-inkey", "key.pem", "-in", "cert.pem", "-out", "demo.p12", "-passout", &pass])?;
        std::fs::create_dir_all(data_dir)?;
        let partial = data_dir.join(format!("{SIGNING_KEY_FILE}.tmp"));
        std::fs::copy(work.path().join("demo.p12"), &partial)?;
        std::fs::rename(&partial, &path)?;
    }
    let bytes = std::fs::read(&path)?;
    Ok(std::sync::Arc::new(kho_digitize::sign::Pkcs12Key::open(&bytes, SIGNING_KEY_PASSWORD)?))
}
