//! `kho import mucluc`: a contractor's spreadsheet into a fonds, through the same reader and
//! checks as the web upload; dry run by row, real import all or nothing, authorised as a user.

use anyhow::{Context, Result, bail};
use kho_model::access::{Action, Decision, Resource, authorize};
use kho_model::inventory_sheet::{self, Prepared};
use kho_store::{AuditEvent, Store};
use std::path::PathBuf;
use std::process::ExitCode;

pub struct Options {
    pub file: PathBuf,
    pub fonds: String,
    pub inventory: Option<u32>,
    pub dry_run: bool,
    pub json: bool,
    pub user: Option<String>,
}

fn print_report(prepared: &Prepared, file: &str, options: &Options) {
    if options.json {
        let report = serde_json::json!({
            "file": file,
            "fonds": options.fonds,
            "heading": prepared.heading,
            "sheets": prepared.sheets,
            "ignored": prepared.ignored,
            "numbers": prepared.numbers,
            "dossiers": prepared.dossiers,
            "problems": prepared.problems,
            "warnings": prepared.warnings,
            "groups": prepared.groups,
        });
        println!("{}", serde_json::to_string_pretty(&report).expect("serialisable"));
        return;
    }
    println!("Kho đọc được {} hồ sơ trong {} nhóm.", prepared.dossiers.len(), prepared.groups.len());
    for sheet in &prepared.sheets {
        println!(
            "  Trang “{}”: {} hồ sơ{}",
            kho_model::text::clean(&sheet.name),
            sheet.dossiers,
            sheet.heading.inventory_number.map(|n| format!(", mục lục số {n}")).unwrap_or_default()
        );
    }
    for ignored in &prepared.ignored {
        println!("  Bỏ qua trang “{}”: {}", kho_model::text::clean(&ignored.name), ignored.reason);
    }
    if options.dry_run {
        for (d, number) in prepared.dossiers.iter().zip(&prepared.numbers) {
            println!(
                "  {}, dòng {}: mục lục số {number} · hồ sơ số {} · “{}” · {} – {} · {} · {} tờ{}",
                d.sheet,
                d.row,
                d.number.map(|n| n.to_string()).unwrap_or_else(|| "—".into()),
                d.title,
                d.start,
                d.end,
                d.retention_label(),
                d.sheets.map(|n| n.to_string()).unwrap_or_else(|| "?".into()),
                d.group.as_ref().map(|g| format!(" · nhóm {g}")).unwrap_or_default()
            );
        }
    }
    for warning in &prepared.warnings {
        eprintln!("Cần xem lại: {warning}");
    }
    for problem in &prepared.problems {
        eprintln!("Lỗi: {problem}");
    }
}

pub async fn inventory(store: &Store, options: &Options) -> Result<ExitCode> {
    let bytes = std::fs::read(&options.file).with_context(|| format!("không đọc được {}", options.file.display()))?;
    let name = options.file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let sheets = match kho_documents::read_workbook(&name, &bytes) {
        Ok(sheets) => sheets,
        Err(e) => {
            if options.json {
                println!(
                    "{}",
                    serde_json::json!({ "file": name, "dossiers": [], "problems": [{ "file": name, "row": 0, "column": null, "code": e.code(), "message": e.to_string() }] })
                );
            } else {
                eprintln!("Lỗi: {e}");
            }
            return Ok(ExitCode::FAILURE);
        }
    };
    let fonds = store.fonds_by_code(&options.fonds).await.map_err(|_| anyhow::anyhow!("không có phông mã “{}”", options.fonds))?;
    let rules = store.retention_rules().await?;
    let prefix = store.inventory_context(&fonds, 1).await?.prefix;
    let prepared = inventory_sheet::prepare(&sheets, &kho_model::retention::known_years(&rules), &prefix, options.inventory);
    let numbers: std::collections::BTreeSet<u32> = prepared.numbers.iter().copied().collect();
    let numbers = numbers.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    print_report(&prepared, &name, options);
    if !prepared.problems.is_empty() {
        if !options.json {
            eprintln!("{} lỗi; không nhập gì.", prepared.problems.len());
        }
        return Ok(ExitCode::FAILURE);
    }
    if options.dry_run {
        if !options.json {
            println!("Chạy thử: chưa ghi gì. Nhập thật vào phông {}, mục lục số {numbers}.", options.fonds);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(username) = &options.user else {
        bail!("nhập thật cần --as TÊN_TÀI_KHOẢN có quyền ghi hồ sơ với phông {}", options.fonds)
    };
    let user = store.user_by_name(username).await?.with_context(|| format!("không có tài khoản “{username}”"))?;
    let actor = store.actor(&user).await?;
    let (place, classification) = store.fonds_place(fonds.id).await?;
    if authorize(&actor, Action::CatalogueEdit, &Resource::Record { place, classification, mode: None }) != Decision::Allow {
        bail!("tài khoản “{username}” không được ghi hồ sơ vào phông {}", options.fonds);
    }
    let ids = store.import_inventories(fonds.id, &prepared.inventories).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    for (inventory_id, inventory) in ids.iter().zip(&prepared.inventories) {
        store
            .audit(AuditEvent {
                actor_id: Some(user.id),
                actor_name: user.username.clone(),
                action: "inventory.import".into(),
                resource_kind: "inventory".into(),
                resource_id: Some(*inventory_id),
                outcome: "ok".into(),
                address: Some("console".into()),
                detail: Some(format!("{} hồ sơ từ {name}", inventory.rows.len())),
            })
            .await?;
    }
    if !options.json {
        println!("Đã nhập {} hồ sơ vào phông {}, mục lục số {numbers}.", prepared.dossiers.len(), options.fonds);
    }
    Ok(ExitCode::SUCCESS)
}
