//! `kho bench preservation`: files of scan-like size (random bytes, incompressible) put into the
//! blobs with a second copy kept in step, then timed side by side with `sha256sum` over the same
//! files: the fixity check of both copies, a first and a second (incremental) backup, a restore
//! into a new data folder. `kho bench package`: a hồ sơ whose signed copies are scanner PDFs
//! exported as a SIP and received into another catalogue (handover). Print figures; assert
//! nothing.

use anyhow::{Context, Result};
use kho_blobs::Blobs;
use kho_store::{Attachment, AttachmentOwner, Store};
use std::path::Path;
use std::time::Instant;

/// Deterministic incompressible bytes (xorshift64*), so runs compare.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        out.extend_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    out.truncate(len);
    out
}

fn rate(bytes: u64, seconds: f64) -> String {
    format!("{:.0} MB/s", bytes as f64 / 1e6 / seconds.max(1e-9))
}

pub async fn preservation(data_dir: &Path, megabytes: u64, file_megabytes: u64) -> Result<()> {
    let root = data_dir.join("bench-bao-quan");
    if root.exists() {
        std::fs::remove_dir_all(&root)?;
    }
    let data = root.join("data");
    std::fs::create_dir_all(&data)?;
    let store = Store::open_embedded(&data).await?;
    let blobs = Blobs::open(&data.join("blobs"), None)?.with_replica(Blobs::open(&root.join("o-thu-hai"), None)?);
    let unit = store.create_unit(&kho_model::record::NewUnit::named("Xã Mường Ảng", kho_model::UnitKind::Commune)).await?;
    let (_, made) = kho_store::test_support::fonds_with_dossiers(&store, unit, "X27", &[("15", "Hồ sơ quét", "05", "3")]).await;
    let files = (megabytes / file_megabytes.max(1)).max(1);
    let size = (file_megabytes << 20) as usize;
    let total = files * size as u64;
    println!("{files} tệp × {file_megabytes} MiB = {:.2} GB, hai bản (bản chính và bản thứ hai trên cùng đĩa)", total as f64 / 1e9);

    let started = Instant::now();
    for n in 0..files {
        let stored = blobs.put(noise(n, size), false).await?;
        let attachment = Attachment {
            id: 0,
            owner: AttachmentOwner::Dossier(made[0].0),
            document: None,
            file_name: format!("quet-{n:05}.tif"),
            media_type: "image/tiff".into(),
            size: stored.size as i64,
            sha256: stored.sha256,
            blob: stored.name,
            sealed: false,
            uploaded_by: "bench".into(),
            uploaded_at: String::new(),
        };
        store.create_attachment(&attachment).await?;
    }
    let put = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("find \"$0\" -type f -print0 | xargs -0 sha256sum > /dev/null")
        .arg(data.join("blobs"))
        .status()
        .context("sha256sum")?;
    anyhow::ensure!(status.success(), "sha256sum failed");
    let baseline = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let options = crate::fixity::Options { restart: true, limit: None, backup: None, started_by: "lenh", progress: false };
    let slice = crate::fixity::check(&store, &blobs, options).await?;
    anyhow::ensure!(slice.findings.is_empty(), "the bench files should be whole");
    let fixity = started.elapsed().as_secs_f64();

    let backups = root.join("sao-luu");
    let started = Instant::now();
    crate::backup::backup(&store, &blobs, None, &backups, false).await?;
    let first = started.elapsed().as_secs_f64();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let started = Instant::now();
    crate::backup::backup(&store, &blobs, None, &backups, false).await?;
    let second = started.elapsed().as_secs_f64();

    let taken =
        std::fs::read_dir(&backups)?.flatten().map(|e| e.path()).filter(|p| p.join("manifest.json").exists()).min().context("backup")?;
    let restored = root.join("khoi-phuc");
    let started = Instant::now();
    crate::backup::restore(&taken, &restored, None, async || {
        Ok((Store::open_embedded(&restored).await?, Blobs::open(&restored.join("blobs"), None)?))
    })
    .await?;
    let restore = started.elapsed().as_secs_f64();

    println!();
    println!("| việc | thời gian | tốc độ |");
    println!("|---|---|---|");
    println!("| ghi vào kho (SHA-256 + hai bản, fsync) | {put:.1} s | {} |", rate(total, put));
    println!("| sha256sum trên các tệp bản chính (mốc) | {baseline:.1} s | {} |", rate(total, baseline));
    println!("| kiểm tra toàn vẹn hai bản (kho verify) | {fixity:.1} s | {} ({} mỗi bản) |", rate(2 * total, fixity), rate(total, fixity));
    println!("| sao lưu lần đầu (mọi tệp mới) | {first:.1} s | {} |", rate(total, first));
    println!("| sao lưu lần sau (không tệp mới) | {second:.2} s | — |");
    println!("| khôi phục vào thư mục mới (kiểm tra từng tệp) | {restore:.1} s | {} |", rate(total, restore));
    std::fs::remove_dir_all(&root)?;
    Ok(())
}

/// `kho bench package`: a hồ sơ whose signed copies are scanner PDFs of `megabytes` in all,
/// exported as its SIP (copies read back one at a time, re-hashed, zipped) and received into
/// another catalogue (checked whole, each copy opened and its signature verified, stored),
/// timed beside `sha256sum` over the same package. Prints figures; asserts nothing.
pub async fn package(data_dir: &Path, megabytes: u64, file_megabytes: u64) -> Result<()> {
    let root = data_dir.join("bench-goi");
    if root.exists() {
        std::fs::remove_dir_all(&root)?;
    }
    let data = root.join("data");
    std::fs::create_dir_all(&data)?;
    let store = Store::open_embedded(&data).await?;
    let blobs = Blobs::open(&data.join("blobs"), None)?;
    let unit = store.create_unit(&kho_model::record::NewUnit::named("Xã Mường Ảng", kho_model::UnitKind::Commune)).await?;
    let (_, made) = kho_store::test_support::fonds_with_dossiers(&store, unit, "X27", &[("15", "Hồ sơ quét", "05", "3")]).await;
    let files = (megabytes / file_megabytes.max(1)).max(1);
    println!("{files} bản PDF quét × {file_megabytes} MB, đã ký số");
    let inventory = store.dossier(made[0].0).await?.inventory_id;
    let (_, _, context) = store.dossier_context(inventory).await?;
    let input = kho_model::record::DossierInput {
        notation: "16".into(),
        title: "Hồ sơ quét để đo gói".into(),
        maintenance: "01".into(),
        mode: "01".into(),
        start_date: "2019".into(),
        end_date: "2019".into(),
        total_doc: "0".into(),
        number_of_page: "1".into(),
        ..Default::default()
    };
    let fields = input.parse(&context).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let code = fields.file_code.to_string();
    let mut renditions = vec![];
    // Signed, as a copy handed over must be (the receiver verifies each signature).
    let key = crate::demo::signing_key(&root.join("ky-so"), "UBND xã Mường Ảng")?;
    let at = chrono::Utc::now().fixed_offset();
    for n in 0..files {
        let (pdf, pages) = kho_digitize::testing::large_scan_pdf(file_megabytes, n + 1);
        let pdf = kho_digitize::sign::sign(&pdf, key.as_ref(), "UBND xã Mường Ảng", at)?;
        let stored = blobs.put(pdf, false).await?;
        renditions.push(kho_store::RenditionFile {
            ordinal: Some(n as i64 + 1),
            file_name: format!("{code}.{}.pdf", n + 1),
            standard: "PDF/A-2b".into(),
            pages: pages as i64,
            size: stored.size as i64,
            sha256: stored.sha256,
            blob: stored.name,
            signed: true,
        });
    }
    let scanned = store.receive_dossier(inventory, &fields, &[], &renditions, None).await?;
    let package_bytes: u64 = renditions.iter().map(|r| r.size as u64).sum();
    let zip_path = root.join("goi.zip");
    let started = Instant::now();
    let dossier = store.dossier(scanned).await?;
    let aip = kho_digitize::package::dossier_package(&store, &dossier, "Trung tâm Lưu trữ lịch sử", kho_packages::Kind::Sip).await?;
    crate::package::write_zip(&aip.build(), &blobs, &zip_path).await?;
    let export = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let status = std::process::Command::new("sha256sum").arg(&zip_path).stdout(std::process::Stdio::null()).status()?;
    anyhow::ensure!(status.success(), "sha256sum failed");
    let zip_baseline = started.elapsed().as_secs_f64();
    // The package carries the copies now: the sender's are removed, so that a run of many
    // gigabytes needs room for two copies at a time, not three.
    drop(blobs);
    std::fs::remove_dir_all(data.join("blobs"))?;
    let other = root.join("kho-nhan");
    std::fs::create_dir_all(&other)?;
    let receiver = Store::open_embedded(&other).await?;
    let receiver_blobs = Blobs::open(&other.join("blobs"), None)?;
    let unit = receiver.create_unit(&kho_model::record::NewUnit::named("Xã Mường Ảng", kho_model::UnitKind::Commune)).await?;
    let fonds =
        kho_model::record::FondsInput { code: "X27".into(), name: "Phông X27".into(), unit_id: unit.to_string(), ..Default::default() };
    receiver.create_fonds(&fonds.parse().map_err(|e| anyhow::anyhow!("{e:?}"))?).await?;
    let started = Instant::now();
    let opened = std::io::BufReader::new(std::fs::File::open(&zip_path)?);
    let archivist = kho_model::access::Actor {
        role: kho_model::access::Role::Archivist,
        all_units: true,
        ..kho_model::access::Actor::operator("bench")
    };
    let receipt = kho_digitize::package::receive(&receiver, &receiver_blobs, &archivist, opened, None, &Default::default())
        .await
        .map_err(|problems| anyhow::anyhow!(problems.join("; ")))?;
    let import = started.elapsed().as_secs_f64();
    anyhow::ensure!(matches!(receipt, kho_digitize::package::Receipt::Created { .. }), "the package should be received");

    println!();
    println!("| việc | thời gian | tốc độ |");
    println!("|---|---|---|");
    println!(
        "| lập gói SIP ({files} bản PDF quét, {:.2} GB; đọc lại, SHA-256, ZIP) | {export:.1} s | {} |",
        package_bytes as f64 / 1e9,
        rate(package_bytes, export)
    );
    println!("| sha256sum trên tệp gói (mốc) | {zip_baseline:.1} s | {} |", rate(package_bytes, zip_baseline));
    println!(
        "| nhận gói vào Kho khác (kiểm tra SHA-256, mở PDF, xác minh chữ ký, lưu, ghi hồ sơ) | {import:.1} s | {} |",
        rate(package_bytes, import)
    );
    std::fs::remove_dir_all(&root)?;
    Ok(())
}
