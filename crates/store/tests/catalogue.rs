//! The catalogue on every backend: the plan, fonds, mục lục, hồ sơ, văn bản; refusals leave
//! nothing behind.

use kho_model::access::Visibility;
use kho_model::plan::{Plan, PlanFiles};
use kho_model::record::{DocumentInput, DossierInput, FondsInput, InventoryInput};
use kho_store::test_support::catalogues;
use kho_store::{ListDossiers, Seek, Store, StoreError};

fn all() -> ListDossiers {
    ListDossiers {
        visibility: Visibility::everything(),
        inventory_id: None,
        fonds_id: None,
        query: None,
        undisposed: false,
        seek: kho_store::Seek::First,
        limit: 100,
    }
}

fn demo_plan() -> Plan {
    Plan::parse(&PlanFiles {
        meta: include_str!("../../../demo/dien-bien/ke-hoach.csv"),
        districts: include_str!("../../../demo/dien-bien/districts.csv"),
        communes: include_str!("../../../demo/dien-bien/communes.csv"),
        tasks: include_str!("../../../demo/dien-bien/tasks.csv"),
    })
    .unwrap()
}

async fn fonds_with_inventory(store: &Store, status: &str) -> (i64, i64) {
    store.import_plan(&demo_plan()).await.unwrap();
    let unit = store.units().await.unwrap().into_iter().find(|u| u.name == "Huyện Mường Ảng").unwrap();
    let fonds = FondsInput {
        code: "P12".into(),
        name: "UBND huyện Mường Ảng".into(),
        unit_id: unit.id.to_string(),
        status: status.into(),
        ..Default::default()
    };
    let fonds_id = store.create_fonds(&fonds.parse().unwrap()).await.unwrap();
    let inventory =
        InventoryInput {
            number: "1".into(), title: "Mục lục hồ sơ vĩnh viễn".into(), maintenance: "01".into(), ..Default::default()
        };
    let inventory_id = store.create_inventory(fonds_id, &inventory.parse().unwrap()).await.unwrap();
    (fonds_id, inventory_id)
}

fn dossier(notation: &str, title: &str) -> DossierInput {
    DossierInput {
        notation: notation.into(),
        title: title.into(),
        maintenance: "01".into(),
        mode: "01".into(),
        start_date: "01/2015".into(),
        end_date: "12/2015".into(),
        total_doc: "2".into(),
        number_of_page: "14".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn plan_round_trips_through_the_catalogue() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        assert!(store.plan().await.unwrap().is_none());
        store.import_plan(&demo_plan()).await.unwrap();
        // Importing again replaces, and does not duplicate units.
        store.import_plan(&demo_plan()).await.unwrap();
        let stored = store.plan().await.unwrap().unwrap();
        assert_eq!(stored.plan.districts.len(), 10, "{}", catalogue.label);
        assert_eq!(stored.plan.communes.len(), 45);
        assert_eq!(stored.plan.tasks.len(), 17);
        assert_eq!(store.units().await.unwrap().len(), 55);
        let discrepancies = stored.plan.discrepancies();
        assert_eq!(discrepancies.len(), 1, "{}: {discrepancies:?}", catalogue.label);
        let muong_ang = stored.plan.communes.iter().position(|c| c.name == "Xã Mường Ảng").unwrap();
        let target = store.unit_target(stored.commune_units[muong_ang]).await.unwrap().unwrap();
        assert_eq!(target.secret_metres.to_string(), "2,5");
        assert_eq!(target.note.as_deref(), Some("Có tài liệu mật, cần ưu tiên bảo mật"));
    }
}

#[tokio::test]
async fn dossiers_and_documents_round_trip_with_their_codes() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let (fonds_id, inventory_id) = fonds_with_inventory(store, "02").await;
        let (_, _, context) = store.dossier_context(inventory_id).await.unwrap();
        let input =
            DossierInput {
                language: "01,09".into(), keyword: "hộ tịch".into(), ..dossier("12-HT", "Sổ đăng ký khai sinh năm 2015")
            };
        let fields = input.parse(&context).unwrap();
        let id = store.create_dossier(inventory_id, &fields).await.unwrap();
        let stored = store.dossier(id).await.unwrap();
        assert_eq!(stored.fields, fields, "{}", catalogue.label);
        assert_eq!(stored.fonds_id, fonds_id);
        assert_eq!(stored.fields.file_code.to_string(), "P12.2015.12-HT.1");

        let document = DocumentInput {
            doc_ordinal: "1".into(),
            type_name: "22".into(),
            code_number: "15".into(),
            code_notation: "UBND-VP".into(),
            issued_date: "05/03/2015".into(),
            organ_name: "UBND huyện Mường Ảng".into(),
            subject: "V/v đăng ký hộ tịch".into(),
            number_of_page: "2".into(),
            mode: "01".into(),
            ..Default::default()
        };
        let document_fields = document.parse().unwrap();
        let document_id = store.create_document(id, &document_fields).await.unwrap();
        let stored_document = store.document(document_id).await.unwrap();
        assert_eq!(stored_document.doc_code, "P12.2015.12-HT.1.0000001");
        assert_eq!(stored_document.fields, document_fields);
        assert!(
            matches!(store.create_document(id, &document_fields).await, Err(StoreError::Conflict(e)) if e.code == "duplicate_doc_ordinal")
        );
        assert_eq!(store.next_doc_ordinal(id).await.unwrap(), 2);

        // A new số ký hiệu renames the hồ sơ and its documents' codes together.
        let renamed = dossier("13-HT", "Sổ đăng ký khai sinh năm 2015").parse(&context).unwrap();
        store.update_dossier(id, &renamed).await.unwrap();
        assert_eq!(store.document(document_id).await.unwrap().doc_code, "P12.2015.13-HT.1.0000001");
    }
}

/// Two hồ sơ of one year may share a số ký hiệu — and so a mã hồ sơ, composed from its parts —
/// but never a hồ sơ số in their mục lục; a số ký hiệu with dots reads back whole.
#[tokio::test]
async fn the_hồ_sơ_số_identifies_a_hồ_sơ_in_its_mục_lục_not_the_mã_hồ_sơ() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let (fonds_id, inventory_id) = fonds_with_inventory(store, "02").await;
        let (_, _, context) = store.dossier_context(inventory_id).await.unwrap();
        let first = store.create_dossier(inventory_id, &dossier("01.TCCB", "Hồ sơ thứ nhất").parse(&context).unwrap()).await.unwrap();
        let second = store.create_dossier(inventory_id, &dossier("01.TCCB", "Hồ sơ cùng ký hiệu").parse(&context).unwrap()).await.unwrap();
        let read = store.dossier(second).await.unwrap();
        assert_eq!(read.fields.file_code.to_string(), "P12.2015.01.TCCB.1", "{}", catalogue.label);
        assert_eq!(read.fields.file_code.notation().as_str(), "01.TCCB");
        assert_eq!(store.dossier(first).await.unwrap().fields.file_code, read.fields.file_code);
        assert!(matches!(store.dossier_by_code("P12.2015.01.TCCB.1").await, Err(StoreError::Conflict(_))), "the code alone names neither");

        let second_inventory = kho_model::record::DossierContext { prefix: context.prefix.clone(), inventory_number: Some(2) };
        let row = |number: u32, title: &str| kho_model::inventory_sheet::PreparedRow {
            fields: dossier("02/HS", title).parse(&second_inventory).unwrap(),
            number: Some(number),
            box_number: None,
            group: None,
        };
        let inventory = |rows| vec![kho_model::inventory_sheet::PreparedInventory { number: 2, rows }];
        store.import_inventories(fonds_id, &inventory(vec![row(7, "Hồ sơ số 7")])).await.unwrap();
        let error =
            store.import_inventories(fonds_id, &inventory(vec![row(8, "Hồ sơ số 8"), row(7, "Hồ sơ số 7 lần nữa")])).await.unwrap_err();
        match error {
            StoreError::Conflict(e) => assert_eq!(e.code, "duplicate_number", "{}", catalogue.label),
            other => panic!("{}: expected a conflict, got {other:?}", catalogue.label),
        }
        let page = store.list_dossiers(&ListDossiers { fonds_id: Some(fonds_id), limit: 100, ..all() }).await.unwrap();
        assert_eq!(page.total, 3, "{}: nothing of the refused import is kept", catalogue.label);
    }
}

#[tokio::test]
async fn listing_finds_titles_without_tone_marks_and_pages() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let (_, inventory_id) = fonds_with_inventory(store, "01").await;
        let (_, _, context) = store.dossier_context(inventory_id).await.unwrap();
        for (i, title) in
            ["Hồ sơ giao đất đai xã Ẳng Nưa", "Sổ hộ tịch 2015", "Báo cáo tài chính – ngân sách", "Hồ sơ đất ở 100%_x"].iter().enumerate()
        {
            store.create_dossier(inventory_id, &dossier(&(i + 1).to_string(), title).parse(&context).unwrap()).await.unwrap();
        }
        let find = |q: &str| ListDossiers { inventory_id: Some(inventory_id), query: Some(q.into()), limit: 10, ..all() };
        assert_eq!(store.list_dossiers(&find("dat dai")).await.unwrap().total, 1, "{}", catalogue.label);
        assert_eq!(store.list_dossiers(&find("ĐẤT")).await.unwrap().total, 2);
        assert_eq!(store.list_dossiers(&find("HỘ TỊCH")).await.unwrap().total, 1);
        assert_eq!(store.list_dossiers(&find("100%_")).await.unwrap().total, 1, "LIKE wildcards are literal");
        assert_eq!(store.list_dossiers(&find("%")).await.unwrap().total, 1);
        let page =
            store.list_dossiers(&ListDossiers { inventory_id: Some(inventory_id), seek: Seek::Page(2), limit: 1, ..all() }).await.unwrap();
        assert_eq!((page.total, page.items.len(), page.before), (4, 1, Some(1)));
        assert_eq!(page.items[0].fields.title, "Sổ hộ tịch 2015");
    }
}

#[tokio::test]
async fn fonds_code_and_inventory_number_are_unique() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let (fonds_id, _) = fonds_with_inventory(store, "02").await;
        let fonds = store.fonds(fonds_id).await.unwrap();
        let again = store.create_fonds(&fonds.fields).await.unwrap_err();
        assert!(matches!(again, StoreError::Conflict(e) if e.code == "duplicate_fonds_code"), "{}", catalogue.label);
        let inventory = InventoryInput { number: "1".into(), title: "Trùng số".into(), ..Default::default() };
        let error = store.create_inventory(fonds_id, &inventory.parse().unwrap()).await.unwrap_err();
        assert!(matches!(error, StoreError::Conflict(e) if e.code == "duplicate_inventory_number"));
        assert!(matches!(store.dossier(999_999).await, Err(StoreError::NotFound(_))));
    }
}

/// A mục lục is walked page by page along its index in catalogue order (hồ sơ số, the
/// unnumbered last): forward, backward, from the end, to a page and to a hồ sơ số, each page
/// knowing what lies before and after it, and a viewer never meeting what they may not see.
#[tokio::test]
async fn a_mucluc_is_walked_page_by_page_along_its_index() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let label = catalogue.label;
        let (_, inventory_id) = fonds_with_inventory(store, "01").await;
        let (_, _, context) = store.dossier_context(inventory_id).await.unwrap();
        let mut ids = vec![];
        for i in 0..25 {
            let mut input = dossier(&format!("{i:02}"), &format!("Hồ sơ {i}"));
            if i % 10 == 3 {
                input.classification = "01".into();
                input.mode = "03".into();
            }
            ids.push(store.create_dossier(inventory_id, &input.parse(&context).unwrap()).await.unwrap());
        }
        // Twenty numbered in reverse order of entry, 7 left out; five never numbered.
        let numbers: Vec<(i64, u32)> = ids[..20].iter().rev().zip((1..=21).filter(|n| *n != 7)).map(|(id, n)| (*id, n)).collect();
        store.renumber(inventory_id, &numbers).await.unwrap();
        let mut expected: Vec<i64> = numbers.iter().map(|(id, _)| *id).collect();
        expected.extend(&ids[20..]);
        let list = |seek, visibility: &Visibility| ListDossiers {
            visibility: visibility.clone(),
            inventory_id: Some(inventory_id),
            seek,
            limit: 4,
            ..all()
        };
        let all_of = Visibility::everything();
        let ids_of = |page: &kho_store::DossierPage| page.items.iter().map(|d| d.id).collect::<Vec<_>>();

        // Forward to the end, then back to the start.
        let mut walked = vec![];
        let mut page = store.list_dossiers(&list(Seek::First, &all_of)).await.unwrap();
        assert_eq!((page.total, page.before, page.prev), (25, Some(0), None), "{label}");
        loop {
            walked.extend(ids_of(&page));
            let Some(next) = page.next else { break };
            page = store.list_dossiers(&list(Seek::After(next), &all_of)).await.unwrap();
            assert!(page.prev.is_some(), "{label}: a later page has one before it");
        }
        assert_eq!(walked, expected, "{label}: forward in catalogue order, the unnumbered last");
        let mut back = vec![];
        let mut page = store.list_dossiers(&list(Seek::Last, &all_of)).await.unwrap();
        assert_eq!((page.before, page.next), (Some(24), None), "{label}: the last page holds the 25th alone");
        loop {
            back.splice(0..0, ids_of(&page));
            let Some(prev) = page.prev else { break };
            page = store.list_dossiers(&list(Seek::Before(prev), &all_of)).await.unwrap();
            assert!(page.next.is_some(), "{label}");
        }
        assert_eq!(back, expected, "{label}: backward the same");
        assert_eq!(page.before, Some(0), "{label}: the first page, reached backward, knows it is first");

        // Jumps.
        let page = store.list_dossiers(&list(Seek::Page(3), &all_of)).await.unwrap();
        assert_eq!((ids_of(&page), page.before), (expected[8..12].to_vec(), Some(8)), "{label}");
        let page = store.list_dossiers(&list(Seek::Page(99), &all_of)).await.unwrap();
        assert_eq!((ids_of(&page), page.before), (expected[24..].to_vec(), Some(24)), "{label}: past the end is the last page");
        let page = store.list_dossiers(&list(Seek::Number(7), &all_of)).await.unwrap();
        assert_eq!((ids_of(&page), page.before), (expected[6..10].to_vec(), Some(6)), "{label}: hồ sơ số 7 is missing: from số 8");
        assert_eq!(page.items[0].number, Some(8), "{label}");
        let page = store.list_dossiers(&list(Seek::Number(500), &all_of)).await.unwrap();
        assert_eq!(ids_of(&page), expected[20..24].to_vec(), "{label}: beyond the numbers, the unnumbered");

        // Someone without clearance walks the same list without the classified ones, and counts
        // only what they see.
        let uncleared = Visibility { clearance: 0, ..Visibility::everything() };
        let secret: Vec<i64> = ids.iter().enumerate().filter(|(i, _)| i % 10 == 3).map(|(_, id)| *id).collect();
        let visible: Vec<i64> = expected.iter().copied().filter(|id| !secret.contains(id)).collect();
        let mut walked = vec![];
        let mut page = store.list_dossiers(&list(Seek::First, &uncleared)).await.unwrap();
        assert_eq!(page.total, visible.len() as i64, "{label}");
        loop {
            walked.extend(ids_of(&page));
            let Some(next) = page.next else { break };
            page = store.list_dossiers(&list(Seek::After(next), &uncleared)).await.unwrap();
        }
        assert_eq!(walked, visible, "{label}");
        // Stepping from a classified hồ sơ's place tells nothing of where it stands: it is as if
        // no place were named.
        let from_secret = store.list_dossiers(&list(Seek::After(secret[0]), &uncleared)).await.unwrap();
        assert_eq!((ids_of(&from_secret), from_secret.before), (visible[..4].to_vec(), Some(0)), "{label}");
    }
}

/// What Tổng quan and the reports read from the tallies kept by triggers is what a fresh count of
/// the rows finds, for each viewer, through every kind of change: hồ sơ and văn bản added, a page
/// scanned, a hồ sơ made Mật then restricted, moved to another fonds, destroyed, a văn bản moved
/// between hồ sơ; and a catalogue from before the tallies gets them counted when it opens.
#[tokio::test]
async fn a_units_figures_from_the_tallies_agree_with_a_fresh_count_through_every_change() {
    use kho_store::test_support::{StoredFile, add_dossier, counted_unit_figures, digitized, fonds_with_dossiers};
    let year = chrono::Datelike::year(&(chrono::Utc::now() + chrono::Duration::hours(7)));
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let (_, inventory) = fonds_with_inventory(store, "02").await;
        let units = store.units().await.unwrap();
        let (muong_ang, tuan_giao) = (
            units.iter().find(|u| u.name == "Huyện Mường Ảng").unwrap().id,
            units.iter().find(|u| u.name == "Huyện Tuần Giáo").unwrap().id,
        );
        let (other_fonds, _) = fonds_with_dossiers(store, tuan_giao, "P20", &[("01", "Hồ sơ hội nghị", "01", "4")]).await;
        let mut dossiers = vec![];
        for n in 0..3 {
            let id = add_dossier(store, inventory, (&format!("{n:02}"), "Tập quyết định về cán bộ", "01", "10")).await;
            for ordinal in 1..=2 {
                let document = DocumentInput {
                    doc_ordinal: ordinal.to_string(),
                    type_name: "22".into(),
                    issued_date: "05/03/2019".into(),
                    organ_name: "UBND huyện Mường Ảng".into(),
                    subject: format!("Quyết định số {ordinal}"),
                    number_of_page: "2".into(),
                    mode: "01".into(),
                    ..Default::default()
                };
                store.create_document(id, &document.parse().unwrap()).await.unwrap();
            }
            dossiers.push(id);
        }
        let views = [
            ("mọi thứ", Visibility::everything()),
            ("không mật, chỉ công khai", Visibility { clearance: 0, public_only: true, ..Visibility::everything() }),
            ("chỉ Mường Ảng", Visibility { all_units: false, units: vec![muong_ang], ..Visibility::everything() }),
        ];
        let agree = |step: &'static str| {
            let views = &views;
            async move {
                for (name, view) in views {
                    let counted = counted_unit_figures(store, view, year).await;
                    let progress = store.progress_by_unit(view).await.unwrap();
                    let reported = store.report_figures(view, year).await.unwrap();
                    let kept: std::collections::BTreeMap<i64, [i64; 5]> = progress
                        .iter()
                        .map(|(unit, p)| {
                            let in_year = reported.get(unit).map(|f| f.dossiers_in_year).unwrap_or(0);
                            (*unit, [p.dossiers, p.destroyed, p.documents, p.pages_scanned, in_year])
                        })
                        .filter(|(_, figures)| figures.iter().any(|n| *n != 0))
                        .collect();
                    assert_eq!(kept, counted, "{}: {step}, {name}", catalogue.label);
                }
            }
        };
        agree("hồ sơ và văn bản mới").await;
        assert_eq!(store.progress_by_unit(&views[0].1).await.unwrap()[&muong_ang].documents, 6, "{}", catalogue.label);

        let scan = StoredFile { blob: &"b".repeat(64), sha256: &"b".repeat(64), size: 10 };
        digitized(store, muong_ang, dossiers[0], scan, None).await;
        agree("một trang đã quét").await;

        let mut fields = store.dossier(dossiers[1]).await.unwrap().fields;
        fields.classification = kho_model::Classification::Confidential;
        store.update_dossier(dossiers[1], &fields).await.unwrap();
        agree("hồ sơ thành Mật").await;
        fields.classification = kho_model::Classification::None;
        fields.mode = kho_model::Mode::Conditional;
        store.update_dossier(dossiers[1], &fields).await.unwrap();
        agree("hồ sơ sử dụng có điều kiện").await;

        catalogue.tamper(&format!("UPDATE dossiers SET fonds_id = {other_fonds} WHERE id = {}", dossiers[2])).await;
        agree("hồ sơ chuyển sang phông khác").await;
        catalogue.tamper(&format!("UPDATE dossiers SET disposal = 'da_huy' WHERE id = {}", dossiers[0])).await;
        agree("hồ sơ đã hủy").await;
        catalogue
            .tamper(&format!(
                "UPDATE documents SET dossier_id = {}, doc_ordinal = doc_ordinal + 10 WHERE dossier_id = {}",
                dossiers[2], dossiers[1]
            ))
            .await;
        agree("văn bản chuyển sang hồ sơ khác").await;
        catalogue.tamper(&format!("UPDATE dossiers SET created_at = '{}-06-01T00:00:00Z' WHERE id = {}", year - 1, dossiers[1])).await;
        catalogue.tamper("DELETE FROM fonds_tallies").await;
        catalogue.tamper("DELETE FROM schema_migrations WHERE version = 26").await;
        catalogue.tamper("DROP TABLE fonds_tallies").await;
        catalogue.tamper("DROP INDEX renditions_created").await;
        for trigger in [
            "dossiers_fonds_tally_insert",
            "dossiers_fonds_tally_update",
            "dossiers_fonds_tally_delete",
            "documents_fonds_tally_insert",
            "documents_fonds_tally_delete",
            "documents_fonds_tally_move",
        ] {
            catalogue
                .tamper(&match store.backend() {
                    kho_store::Backend::Sqlite => format!("DROP TRIGGER {trigger}"),
                    kho_store::Backend::Postgres => format!("DROP FUNCTION kho_{trigger}() CASCADE"),
                })
                .await;
        }
        let reopened = Store::open(&catalogue.url).await.unwrap();
        for (name, view) in &views {
            let counted = counted_unit_figures(&reopened, view, year).await;
            let progress = reopened.progress_by_unit(view).await.unwrap();
            let reported = reopened.report_figures(view, year).await.unwrap();
            for (unit, figures) in &counted {
                let p = &progress[unit];
                assert_eq!(
                    [p.dossiers, p.destroyed, p.documents, p.pages_scanned, reported[unit].dossiers_in_year],
                    *figures,
                    "{}: mở lại, {name}",
                    catalogue.label
                );
            }
        }
        reopened.close().await;
    }
}

/// The burn-up of chỉnh lý dates metres arranged by when a box's thickness was first recorded: a
/// box made by an import without it counts when it is filled and placed, once, in its month.
#[tokio::test]
async fn metres_arranged_are_dated_when_a_box_is_placed() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let (fonds, _) = fonds_with_inventory(store, "02").await;
        let unit = store.units().await.unwrap().into_iter().find(|u| u.name == "Huyện Mường Ảng").unwrap().id;
        let month = chrono::Utc::now().format("%Y-%m").to_string();
        store.fill_box(fonds, 1, None, None, None, None).await.unwrap();
        assert!(
            store.arranged_by_month(&Visibility::everything()).await.unwrap().is_empty(),
            "{}: no thickness, not arranged",
            catalogue.label
        );
        store.fill_box(fonds, 1, None, Some(125), None, None).await.unwrap();
        store.fill_box(fonds, 2, None, Some(100), None, None).await.unwrap();
        store.fill_box(fonds, 1, None, Some(120), None, None).await.unwrap();
        let arranged = store.arranged_by_month(&Visibility::everything()).await.unwrap();
        assert_eq!(arranged, vec![(unit, month, 22)], "{}: 120 + 100 mm = 0,22 m", catalogue.label);
        let elsewhere = Visibility { all_units: false, units: vec![unit + 1000], ..Visibility::everything() };
        assert!(store.arranged_by_month(&elsewhere).await.unwrap().is_empty(), "{}", catalogue.label);
    }
}
