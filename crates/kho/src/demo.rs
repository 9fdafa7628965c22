//! The Điện Biên demo: the province's plan as it was issued, and one small closed fonds so that
//! every page has something to show. Loaded only into an empty catalogue.

use anyhow::Result;
use kho_model::plan::{Plan, PlanFiles};
use kho_model::record::{DocumentInput, DossierInput, FondsInput, InventoryInput};
use kho_store::Store;

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

pub async fn load(store: &Store) -> Result<()> {
    if store.plan().await?.is_none() {
        store.import_plan(&plan()).await?;
        tracing::info!("loaded the Điện Biên demo plan");
    }
    if !store.list_fonds().await?.is_empty() {
        return Ok(());
    }
    let unit = store.units().await?.into_iter().find(|u| u.name == "Huyện Mường Ảng").expect("the demo plan names Huyện Mường Ảng");
    let fonds = FondsInput {
        code: "P05".into(),
        name: "Ủy ban nhân dân huyện Mường Ảng".into(),
        unit_id: unit.id.to_string(),
        status: "02".into(),
        start_date: "2007".into(),
        end_date: "2025".into(),
        history: "Huyện Mường Ảng được thành lập năm 2007 từ một phần huyện Tuần Giáo; giải thể ngày 01/7/2025 khi bỏ cấp huyện. \
                  Tài liệu được giao về Kho Lưu trữ tập trung của tỉnh năm 2026."
            .into(),
        ..Default::default()
    };
    let fonds_id = store.create_fonds(&fonds.parse()?).await?;
    let inventory = InventoryInput { number: "1".into(), title: "Mục lục hồ sơ bảo quản vĩnh viễn".into(), maintenance: "01".into(), ..Default::default() };
    let inventory_id = store.create_inventory(fonds_id, &inventory.parse()?).await?;
    let (_, _, context) = store.dossier_context(inventory_id).await?;
    let dossiers = [
        ("01-VP", "Tập quyết định của UBND huyện về công tác tổ chức, cán bộ năm 2015", "01/01/2015", "31/12/2015", "12", "96"),
        ("02-TP", "Sổ đăng ký khai sinh xã Ẳng Nưa năm 2016", "04/01/2016", "29/12/2016", "1", "200"),
        ("03-TNMT", "Hồ sơ giao đất, cho thuê đất tại thị trấn Mường Ảng năm 2018", "03/2018", "11/2018", "27", "143"),
        ("04-TCKH", "Báo cáo quyết toán ngân sách huyện năm 2019", "2019", "2020", "6", "58"),
    ];
    for (notation, title, start, end, total_doc, pages) in dossiers {
        let input = DossierInput {
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
        };
        let dossier_id = store.create_dossier(inventory_id, &input.parse(&context)?).await?;
        if notation == "01-VP" {
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
    tracing::info!("loaded the demo fonds P05");
    Ok(())
}
