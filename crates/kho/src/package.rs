//! `kho package export sip|aip|dip HỒ_SƠ -o FILE`: a package of a digitized hồ sơ as one ZIP
//! (TT 05/2025, Phụ lục I, III, V), gathered by `kho_digitize::package`; `kho package check
//! FILE`: a package received, checked whole before anything of it is taken; `kho package import
//! FILE`: received into the catalogue, at handover from a commune's Kho.

use anyhow::{Context, Result};
use kho_blobs::Blobs;
use kho_store::Store;
use std::path::Path;
use std::process::ExitCode;

/// The request a DIP answers, its codes checked as the page checks them.
pub fn request(id: &str, date: Option<&str>, purpose: &str, content: &str, fee: &str, topic: &str) -> Result<kho_packages::Request> {
    let today = kho_web::reports::today().format("%d/%m/%Y").to_string();
    kho_packages::Request::checked(id, date.unwrap_or(""), purpose, content, fee, topic, &today)
        .map_err(|problems| anyhow::anyhow!(problems.join(" ")))
}

pub async fn export(store: &Store, blobs: &Blobs, reference: &str, out: &Path, agency: &str, kind: kho_packages::Kind) -> Result<ExitCode> {
    let dossier = match reference.trim().parse::<i64>() {
        Ok(id) => store.dossier(id).await,
        Err(_) => store.dossier_by_code(reference.trim()).await,
    }
    .with_context(|| format!("không có hồ sơ “{reference}”"))?;
    let name = kind.name();
    let package = kho_digitize::package::dossier_package(store, &dossier, agency, kind).await?.build();
    write_zip(&package, blobs, out).await?;
    println!("Đã lập {name} {} ({} tệp) vào {}.", package.objid, package.files.len(), out.display());
    Ok(ExitCode::SUCCESS)
}

/// A package written to `out` whole, then renamed: a cut leaves no half package under the name
/// asked for. Its data files are read from the blobs one at a time, each re-hashed.
pub async fn write_zip(package: &kho_packages::Package, blobs: &Blobs, out: &Path) -> Result<()> {
    let partial = out.with_extension("zip.part");
    let file = std::fs::File::create(&partial).with_context(|| format!("không tạo được {}", partial.display()))?;
    let (package, data) = (package.clone(), kho_digitize::package::data_from(blobs.clone(), tokio::runtime::Handle::current()));
    let written = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        package.zip(std::io::BufWriter::new(file), data)?.into_inner().map_err(|e| e.into_error())?.sync_all()
    })
    .await?;
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e).context("không ghi được gói");
    }
    std::fs::rename(&partial, out)?;
    Ok(())
}

pub fn check(file: &Path) -> Result<ExitCode> {
    let opened = std::fs::File::open(file).with_context(|| format!("không mở được {}", file.display()))?;
    match kho_packages::check::check(std::io::BufReader::new(opened), kho_packages::check::Limits::default()) {
        Ok(received) => {
            let checked = received.checked;
            println!(
                "Gói {} ({}) đạt: {} tệp đúng kích thước và SHA-256 như METS ghi, trong thư mục gốc {}.",
                checked.objid, checked.kind, checked.files, checked.root
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            println!("Gói {} không đạt, {} lỗi:", file.display(), problems.len());
            for problem in &problems {
                println!("  {problem}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

pub async fn import(
    store: &Store,
    blobs: &Blobs,
    file: &Path,
    fonds: Option<&str>,
    username: &str,
    trusted: &kho_digitize::sign::TrustedSigners,
) -> Result<ExitCode> {
    let opened = std::fs::File::open(file).with_context(|| format!("không mở được {}", file.display()))?;
    let user = store.user_by_name(username).await?.with_context(|| format!("không có tài khoản “{username}”"))?;
    let actor = store.actor(&user).await?;
    match kho_digitize::package::receive(store, blobs, &actor, std::io::BufReader::new(opened), fonds, trusted).await {
        Ok(kho_digitize::package::Receipt::Created { dossier, file_code, fonds, documents, files, bytes, signers }) => {
            let detail = format!("nhận gói {}: hồ sơ {file_code}", file.display());
            crate::accounts::record(store, &actor, "package.import", "dossier", Some(dossier), Some(detail)).await?;
            println!(
                "Đã nhận hồ sơ {file_code} vào phông {fonds}: {documents} văn bản, {files} bản số hóa ({bytes} byte), mọi tệp đúng SHA-256, chữ ký số hợp lệ — ký bởi {}.",
                signers.join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
        Ok(kho_digitize::package::Receipt::AlreadyHere { dossier, file_code }) => {
            println!("Hồ sơ {file_code} đã có trong Kho (số {dossier}, nhận trước đây): không tạo thêm gì.");
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            println!("Không nhận gói {}: {} lỗi, không tạo gì.", file.display(), problems.len());
            for problem in &problems {
                println!("  {problem}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}
