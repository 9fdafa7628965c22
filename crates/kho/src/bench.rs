//! `kho bench catalogue`: bulk-inserts hồ sơ and văn bản into a fresh catalogue, then times the
//! listing of one mục lục over HTTP, as a client would see it. Prints figures; asserts nothing.

use anyhow::{Context, Result};
use kho_model::access::Visibility;
use kho_model::record::{DocumentInput, DossierInput, FondsInput, InventoryInput};
use kho_store::Store;
use std::path::Path;
use std::time::{Duration, Instant};

const TITLES: &[&str] = &[
    "Hồ sơ giao đất, cho thuê đất",
    "Sổ đăng ký khai sinh",
    "Báo cáo quyết toán ngân sách",
    "Tập quyết định về tổ chức cán bộ",
    "Hồ sơ hội nghị tổng kết công tác",
    "Kế hoạch phát triển kinh tế - xã hội",
];

/// How big the bench's catalogue is and how much one listing fetches.
pub struct Sizes {
    pub dossiers: u64,
    pub documents: u64,
    /// Hồ sơ fetched by one listing (the store query, the API).
    pub listing: u64,
    /// Hồ sơ per mục lục: the pages of the first one are timed.
    pub per_inventory: u64,
}

pub async fn catalogue(data_dir: &Path, database_url: Option<&str>, sizes: Sizes, requests: u32) -> Result<()> {
    let Sizes { dossiers, documents, listing, per_inventory } = sizes;
    let bench_dir = data_dir.join("bench");
    let store = match database_url {
        Some(url) => Store::open(url).await?,
        None => {
            let _ = std::fs::remove_dir_all(&bench_dir);
            Store::open_embedded(&bench_dir).await?
        }
    };
    if !store.list_fonds(&Visibility::everything()).await?.is_empty() {
        anyhow::bail!("bench cần một cơ sở dữ liệu trống");
    }
    println!(
        "Kho bench catalogue trên {}: {dossiers} hồ sơ, {documents} văn bản, {per_inventory} hồ sơ mỗi mục lục, liệt kê {listing} hồ sơ",
        store.backend().name()
    );
    store.import_plan(&crate::demo::plan()).await?;
    let unit = store.units().await?.into_iter().next().context("không có đơn vị")?;
    let fonds = FondsInput {
        code: "P99".into(),
        name: "Phông đo hiệu năng".into(),
        unit_id: unit.id.to_string(),
        status: "02".into(),
        ..Default::default()
    };
    let fonds_id = store.create_fonds(&fonds.parse()?).await?;

    let per_inventory = per_inventory.max(1);
    let inventories = dossiers.div_ceil(per_inventory);
    let started = Instant::now();
    let mut first_inventory = None;
    let mut inserted = 0u64;
    for n in 1..=inventories {
        let inventory = InventoryInput { number: n.to_string(), title: format!("Mục lục số {n}"), ..Default::default() };
        let inventory_id = store.create_inventory(fonds_id, &inventory.parse()?).await?;
        first_inventory.get_or_insert(inventory_id);
        let (_, _, context) = store.dossier_context(inventory_id).await?;
        let count = per_inventory.min(dossiers - inserted);
        let mut batch = Vec::with_capacity(count as usize);
        for i in 0..count {
            let year = 2000 + (i % 25);
            let input = DossierInput {
                notation: format!("{}", i + 1),
                year: year.to_string(),
                title: format!("{} năm {year}, số {}", TITLES[(i as usize) % TITLES.len()], i + 1),
                maintenance: if i % 3 == 0 { "01" } else { "05" }.into(),
                mode: "01".into(),
                start_date: format!("01/01/{year}"),
                end_date: format!("31/12/{year}"),
                total_doc: "10".into(),
                number_of_page: "40".into(),
                ..Default::default()
            };
            batch.push(kho_store::NewDossier {
                fields: input.parse(&context).map_err(|e| anyhow::anyhow!("{e}"))?,
                number: Some(i as u32 + 1),
                box_id: None,
                temp_number: None,
                scheme_group: None,
            });
        }
        store.insert_dossiers(inventory_id, &batch).await?;
        inserted += count;
    }
    let dossier_time = started.elapsed();
    println!("  thêm {inserted} hồ sơ: {:.1} s ({:.0} hồ sơ/s)", dossier_time.as_secs_f64(), inserted as f64 / dossier_time.as_secs_f64());

    let started = Instant::now();
    let mut documents_left = documents;
    let per_dossier = documents.div_ceil(dossiers.max(1)).max(1);
    let document = DocumentInput {
        doc_ordinal: "1".into(),
        type_name: "22".into(),
        code_number: "15".into(),
        code_notation: "UBND-VP".into(),
        issued_date: "05/03/2015".into(),
        organ_name: "Ủy ban nhân dân huyện".into(),
        subject: "V/v triển khai công tác lưu trữ".into(),
        number_of_page: "4".into(),
        mode: "01".into(),
        ..Default::default()
    }
    .parse()
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut written = 0u64;
    'inventories: for inventory in store.list_inventories(&Visibility::everything(), fonds_id).await? {
        let mut batch = Vec::new();
        for (dossier_id, code) in store.dossier_codes(inventory.id).await? {
            for ordinal in 1..=per_dossier {
                if documents_left == 0 {
                    break;
                }
                let mut fields = document.clone();
                fields.doc_ordinal = ordinal as u32;
                batch.push((dossier_id, code.clone(), fields));
                documents_left -= 1;
            }
        }
        written += batch.len() as u64;
        store.insert_documents(&batch).await?;
        if documents_left == 0 {
            break 'inventories;
        }
    }
    let document_time = started.elapsed();
    println!(
        "  thêm {written} văn bản: {:.1} s ({:.0} văn bản/s)",
        document_time.as_secs_f64(),
        written as f64 / document_time.as_secs_f64()
    );
    println!("  dung lượng cơ sở dữ liệu: {:.1} MiB", store.size_bytes().await? as f64 / 1024.0 / 1024.0);

    let inventory_id = first_inventory.context("không có mục lục")?;

    // The cost of authorization inside the query: the same listing, unfiltered and as a commune
    // clerk whose scope and clearance become SQL conditions.
    let everything = Visibility::everything();
    let mut clerk = kho_model::access::Actor::operator("bench");
    clerk.all_units = false;
    clerk.units = [unit.id].into();
    clerk.role = kho_model::access::Role::Archivist;
    for (label, visibility) in [("không lọc quyền", everything), ("lọc theo phạm vi và độ mật", clerk.visibility())] {
        let mut times = Vec::with_capacity(requests as usize);
        let mut found = 0;
        for _ in 0..requests {
            let started = Instant::now();
            let page = store
                .list_dossiers(&kho_store::ListDossiers {
                    visibility: visibility.clone(),
                    inventory_id: Some(inventory_id),
                    fonds_id: None,
                    query: None,
                    undisposed: false,
                    seek: kho_store::Seek::First,
                    limit: listing,
                })
                .await?;
            found = page.items.len();
            times.push(started.elapsed());
        }
        report(&format!("truy vấn {found} hồ sơ, {label}"), &mut times, None, requests);
    }

    accounts_for_bench(&store).await?;
    let token = crate::accounts::create_token(&store, "bench", "bench").await?;
    // Sở Nội vụ's leader, bound to the province archive: the province's Tổng quan and report.
    let archive = store
        .create_unit(&kho_model::record::NewUnit::named("Trung tâm Lưu trữ lịch sử tỉnh", kho_model::UnitKind::ProvinceArchive))
        .await?;
    let leader = crate::accounts::NewUser {
        username: "bench-tinh".into(),
        full_name: None,
        role: kho_model::access::Role::Leader,
        clearance: kho_model::Classification::None,
        units: vec![archive.to_string()],
    };
    crate::accounts::add_user(&store, leader, Some("mat-khau-do-thu-1".into())).await?;
    let province_token = crate::accounts::create_token(&store, "bench-tinh", "bench").await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let server = tokio::spawn(kho_web::serve(
        listener,
        kho_web::AppState::new(store.clone(), kho_blobs::Blobs::open(&bench_dir.join("blobs"), None)?, kho_web::WebConfig::default()),
    ));
    // A batch of the whole fonds, as a district's số hóa would have it.
    let batch = store.create_batch(unit.id, "Lô đo hiệu năng", kho_model::digitization::OriginalKind::Text, "bench").await?;
    let mut entries = vec![];
    for inventory in store.list_inventories(&Visibility::everything(), fonds_id).await? {
        for (dossier_id, _) in store.dossier_codes(inventory.id).await? {
            entries.push((dossier_id, (dossier_id % 9) + 1, "Theo kế hoạch"));
        }
    }
    store.add_to_batch(batch, &entries).await?;
    let last_page = entries.iter().rev().nth(50).map(|e| e.0).unwrap_or_default();
    let dossier_id = entries.get(entries.len() / 2).map(|e| e.0).unwrap_or_default();
    println!("  lô số hóa {batch}: {} hồ sơ", entries.len());
    let client = reqwest::Client::new();
    for (label, url) in [
        ("API JSON, một lần liệt kê", format!("http://{address}/api/v1/inventories/{inventory_id}/dossiers?limit={}", listing.min(10_000))),
        ("trang mục lục, 100 hồ sơ đầu", format!("http://{address}/muc-luc/{inventory_id}")),
        ("trang mục lục, trang cuối", format!("http://{address}/muc-luc/{inventory_id}?cuoi=1")),
        ("trang mục lục, tới trang giữa", format!("http://{address}/muc-luc/{inventory_id}?trang={}", per_inventory / 200 + 1)),
        (
            "trang mục lục, tới hồ sơ số gần cuối",
            format!("http://{address}/muc-luc/{inventory_id}?so={}", per_inventory.saturating_sub(150).max(1)),
        ),
        ("trang mục lục, trang sau (sau hồ sơ giữa)", format!("http://{address}/muc-luc/{inventory_id}?sau={dossier_id}&tu=2")),
        ("trang hủy tài liệu, ứng viên trang đầu", format!("http://{address}/phong/{fonds_id}/huy")),
        ("Tổng quan của lưu trữ viên", format!("http://{address}/")),
        ("trang hồ sơ", format!("http://{address}/ho-so/{dossier_id}")),
        ("trang lô số hóa, 100 hồ sơ đầu", format!("http://{address}/so-hoa/{batch}")),
        ("trang lô số hóa, gần cuối", format!("http://{address}/so-hoa/{batch}?sau={last_page}")),
        ("tiến độ lô số hóa (JSON)", format!("http://{address}/so-hoa/{batch}/tien-do")),
        ("Tổng quan toàn tỉnh (tiến độ, biểu đồ, dự báo)", format!("http://{address}/")),
        ("báo cáo năm toàn tỉnh (DOCX)", format!("http://{address}/bao-cao/nam.docx?nam=2026")),
    ] {
        let token = if label.contains("toàn tỉnh") { province_token.clone() } else { token.clone() };
        for clients in [1usize, 20] {
            let mut times: Vec<Duration> = Vec::with_capacity(requests as usize);
            let mut bytes = 0;
            let rounds = (requests as usize).div_ceil(clients).max(1);
            for _ in 0..rounds {
                let mut round = tokio::task::JoinSet::new();
                for _ in 0..clients {
                    let (client, url, token) = (client.clone(), url.clone(), token.clone());
                    round.spawn(async move {
                        let started = Instant::now();
                        let response = client.get(&url).bearer_auth(&token).send().await?.error_for_status()?;
                        let size = response.bytes().await?.len();
                        Ok::<_, anyhow::Error>((started.elapsed(), size))
                    });
                }
                while let Some(done) = round.join_next().await {
                    let (took, size) = done??;
                    times.push(took);
                    bytes = size;
                }
            }
            let count = times.len() as u32;
            report(&format!("HTTP, {label}, {clients} máy cùng lúc"), &mut times, Some(bytes), count);
        }
    }
    server.abort();

    // Login cost: one argon2id verification with the build's parameters.
    let hash = kho_web::auth::hash_password("mat-khau-do-thu-1");
    let mut times = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        assert!(kho_web::auth::verify_password(&hash, "mat-khau-do-thu-1"));
        times.push(started.elapsed());
    }
    report(&format!("kiểm tra mật khẩu argon2id ({})", hash.split('$').nth(3).unwrap_or("")), &mut times, None, 20);
    Ok(())
}

async fn accounts_for_bench(store: &Store) -> Result<()> {
    let new = crate::accounts::NewUser {
        username: "bench".into(),
        full_name: None,
        role: kho_model::access::Role::Archivist,
        clearance: kho_model::Classification::None,
        units: vec![],
    };
    crate::accounts::add_user(store, new, Some("mat-khau-do-thu-1".into())).await?;
    Ok(())
}

fn report(label: &str, times: &mut [Duration], bytes: Option<usize>, requests: u32) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).saturating_sub(1).min(times.len() - 1)];
    let size = bytes.map(|b| format!(", {b} byte")).unwrap_or_default();
    println!("  {label}: p50 {:.1} ms, p95 {:.1} ms{size}, {requests} lần", at(0.50).as_secs_f64() * 1e3, at(0.95).as_secs_f64() * 1e3);
}

/// A contractor-style workbook of `rows` hồ sơ (title rows, two-row header, groups every 500 rows).
fn workbook(rows: u32) -> Result<Vec<u8>> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "MỤC LỤC HỒ SƠ")?;
    sheet.write_string(1, 0, "Mục lục số: 1")?;
    for (c, h) in
        ["Số TT", "Hộp số", "Hồ sơ số", "Tiêu đề hồ sơ", "Thời gian", "", "Thời hạn bảo quản", "Số tờ", "Ghi chú"].iter().enumerate()
    {
        sheet.write_string(3, c as u16, *h)?;
    }
    sheet.write_string(3, 4, "Thời gian")?;
    sheet.write_string(4, 4, "Bắt đầu")?;
    sheet.write_string(4, 5, "Kết thúc")?;
    let mut r = 5u32;
    for i in 0..rows {
        if i % 500 == 0 {
            sheet.write_string(r, 0, format!("{}. NHÓM {}", roman(i / 500 + 1), i / 500 + 1))?;
            r += 1;
        }
        let year = 2000 + (i % 25);
        sheet.write_number(r, 0, f64::from(i + 1))?;
        sheet.write_number(r, 1, f64::from(i / 10 + 1))?;
        sheet.write_number(r, 2, f64::from(i + 1))?;
        sheet.write_string(r, 3, format!("{} năm {year}, số {}", TITLES[(i as usize) % TITLES.len()], i + 1))?;
        sheet.write_string(r, 4, format!("01/01/{year}"))?;
        sheet.write_string(r, 5, format!("31/12/{year}"))?;
        sheet.write_string(r, 6, if i % 3 == 0 { "Vĩnh viễn" } else { "20 năm" })?;
        sheet.write_number(r, 7, 40.0)?;
        r += 1;
    }
    Ok(workbook.save_to_buffer()?)
}

fn roman(mut n: u32) -> String {
    let table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, letters) in table {
        while n >= value {
            out.push_str(letters);
            n -= value;
        }
    }
    out
}

/// `kho bench import`: dry run and commit of a large mục lục, as `kho import mucluc` does them.
pub async fn import(data_dir: &Path, database_url: Option<&str>, rows: u32) -> Result<()> {
    let bench_dir = data_dir.join("bench-import");
    let store = match database_url {
        Some(url) => Store::open(url).await?,
        None => {
            let _ = std::fs::remove_dir_all(&bench_dir);
            Store::open_embedded(&bench_dir).await?
        }
    };
    store.import_plan(&crate::demo::plan()).await?;
    if store.retention_rules().await?.is_empty() {
        store.replace_retention(&kho_model::retention::parse(kho_model::retention::SHIPPED_CSV).expect("shipped")).await?;
    }
    let unit = store.units().await?.into_iter().next().context("không có đơn vị")?;
    let fonds = FondsInput {
        code: "P98".into(),
        name: "Phông đo nhập mục lục".into(),
        unit_id: unit.id.to_string(),
        status: "02".into(),
        ..Default::default()
    };
    let fonds_id = store.create_fonds(&fonds.parse()?).await?;
    let fonds = store.fonds(fonds_id).await?;
    let started = Instant::now();
    let bytes = workbook(rows)?;
    println!(
        "Kho bench import trên {}: bảng tính {rows} dòng, {:.1} MiB, tạo trong {:.1} s",
        store.backend().name(),
        bytes.len() as f64 / 1048576.0,
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let sheets = kho_documents::read_workbook("bench.xlsx", &bytes)?;
    let read = started.elapsed();
    let years = kho_model::retention::known_years(&store.retention_rules().await?);
    let prefix = store.inventory_context(&fonds, 1).await?.prefix;
    let prepared = kho_model::inventory_sheet::prepare(&sheets, &years, &prefix, Some(1));
    let dry_run = started.elapsed();
    anyhow::ensure!(
        prepared.problems.is_empty(),
        "bench workbook has problems: {:?}",
        &prepared.problems[..prepared.problems.len().min(3)]
    );
    println!(
        "  chạy thử (đọc tệp {:.1} s + hiểu và kiểm tra): {:.1} s, {} hồ sơ, {} nhóm",
        read.as_secs_f64(),
        dry_run.as_secs_f64(),
        prepared.dossiers.len(),
        prepared.groups.len()
    );
    let started = Instant::now();
    store.import_inventories(fonds_id, &prepared.inventories).await?;
    println!("  nhập thật (một giao dịch): {:.1} s", started.elapsed().as_secs_f64());

    // The finding aid of a 20.000-hồ sơ mục lục.
    let rows: Vec<_> = prepared.dossiers.iter().take(20_000).cloned().collect();
    let cover = kho_documents::finding_aid::InventoryCover {
        archive: "Trung tâm Lưu trữ lịch sử",
        fonds_code: "P98",
        fonds_name: "Phông đo nhập mục lục",
        inventory_number: 1,
        history: Some("Lịch sử đơn vị hình thành phông."),
    };
    let document = kho_documents::finding_aid::inventory(&cover, &rows);
    let started = Instant::now();
    let docx = kho_documents::official::to_docx(&document).map_err(anyhow::Error::msg)?;
    println!("  mục lục {} hồ sơ ra DOCX: {:.1} s, {:.1} MiB", rows.len(), started.elapsed().as_secs_f64(), docx.len() as f64 / 1048576.0);
    let started = Instant::now();
    let pdf = kho_documents::official::to_pdf(&document).map_err(anyhow::Error::msg)?;
    println!("  mục lục {} hồ sơ ra PDF: {:.1} s, {:.1} MiB", rows.len(), started.elapsed().as_secs_f64(), pdf.len() as f64 / 1048576.0);
    Ok(())
}
