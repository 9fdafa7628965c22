//! Scope and clearance inside the queries, and the audit chain catching tampering — on every backend.

use kho_model::access::{Actor, Role, Visibility};
use kho_model::record::{DossierInput, FondsInput, InventoryInput};
use kho_model::{Classification, UnitKind};
use kho_store::test_support::catalogues;
use kho_store::{AuditEvent, ListDossiers, Store, UserSettings};
use std::collections::BTreeSet;

async fn unit(store: &Store, name: &str, kind: UnitKind) -> i64 {
    store.create_unit(&kho_model::record::NewUnit::named(name, kind)).await.unwrap()
}

/// A fonds for `unit_id` with one public, one restricted and one Mật dossier.
async fn fonds(store: &Store, code: &str, unit_id: i64) -> i64 {
    let fonds = FondsInput { code: code.into(), name: format!("Phông {code}"), unit_id: unit_id.to_string(), ..Default::default() };
    let fonds_id = store.create_fonds(&fonds.parse().unwrap()).await.unwrap();
    let inventory = InventoryInput { number: "1".into(), title: "Mục lục 1".into(), ..Default::default() };
    let inventory_id = store.create_inventory(fonds_id, &inventory.parse().unwrap()).await.unwrap();
    let (_, _, context) = store.dossier_context(inventory_id).await.unwrap();
    for (notation, mode, classification) in [("1", "01", "00"), ("2", "02", "00"), ("3", "03", "01")] {
        let input = DossierInput {
            notation: notation.into(),
            title: format!("Hồ sơ {notation} của {code}"),
            maintenance: "01".into(),
            mode: mode.into(),
            classification: classification.into(),
            start_date: "2020".into(),
            end_date: "2020".into(),
            total_doc: "1".into(),
            number_of_page: "1".into(),
            ..Default::default()
        };
        store.create_dossier(inventory_id, &input.parse(&context).unwrap()).await.unwrap();
    }
    fonds_id
}

fn actor(role: Role, clearance: Classification, units: &[i64]) -> Actor {
    Actor {
        user_id: None,
        name: "t".into(),
        role,
        clearance,
        all_units: false,
        units: units.iter().copied().collect(),
        fonds: BTreeSet::new(),
    }
}

async fn titles(store: &Store, visibility: Visibility) -> Vec<String> {
    let page = store
        .list_dossiers(&ListDossiers {
            visibility,
            inventory_id: None,
            fonds_id: None,
            query: None,
            undisposed: false,
            seek: kho_store::Seek::First,
            limit: 100,
        })
        .await
        .unwrap();
    assert_eq!(page.total as usize, page.items.len(), "count and list apply the same rule");
    page.items.into_iter().map(|d| d.fields.title).collect()
}

#[tokio::test]
async fn lists_and_counts_hold_only_what_the_actor_may_see() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let a = unit(store, "Xã A", UnitKind::Commune).await;
        let b = unit(store, "Xã B", UnitKind::Commune).await;
        fonds(store, "PA", a).await;
        let fonds_b = fonds(store, "PB", b).await;

        let clerk_a = actor(Role::Archivist, Classification::None, &[a]).visibility();
        assert_eq!(titles(store, clerk_a.clone()).await, vec!["Hồ sơ 1 của PA", "Hồ sơ 2 của PA"], "{}", catalogue.label);
        assert_eq!(store.list_fonds(&clerk_a).await.unwrap().len(), 1);
        assert!(store.list_inventories(&clerk_a, fonds_b).await.unwrap().is_empty(), "another commune's mục lục");

        let cleared_a = actor(Role::Archivist, Classification::Confidential, &[a]).visibility();
        assert_eq!(titles(store, cleared_a).await.len(), 3);

        let mut province = actor(Role::Archivist, Classification::None, &[]);
        province.all_units = true;
        assert_eq!(titles(store, province.visibility()).await.len(), 4);

        let mut reader = actor(Role::Reader, Classification::None, &[]);
        reader.all_units = true;
        assert_eq!(titles(store, reader.visibility()).await, vec!["Hồ sơ 1 của PA", "Hồ sơ 1 của PB"]);

        let mut contractor = actor(Role::Contractor, Classification::None, &[]);
        contractor.fonds.insert(fonds_b);
        assert_eq!(titles(store, contractor.visibility()).await, vec!["Hồ sơ 1 của PB", "Hồ sơ 2 của PB"]);

        let nobody = actor(Role::Archivist, Classification::TopSecret, &[]);
        assert!(titles(store, nobody.visibility()).await.is_empty());
    }
}

#[tokio::test]
async fn a_user_bound_to_the_province_archive_sees_every_unit() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let archive = unit(store, "Trung tâm Lưu trữ lịch sử", UnitKind::ProvinceArchive).await;
        let settings = UserSettings {
            full_name: "Lưu trữ viên tỉnh".into(),
            role: Role::Archivist,
            clearance: Classification::None,
            disabled: false,
            units: [archive].into(),
            fonds: BTreeSet::new(),
        };
        let id = store.create_user("ltv", "hash", &settings).await.unwrap();
        let user = store.user(id).await.unwrap();
        assert!(store.actor(&user).await.unwrap().all_units, "{}", catalogue.label);
        assert!(store.create_user("ltv", "hash", &settings).await.is_err(), "username is unique");
    }
}

async fn chain_of_five(store: &Store) {
    for i in 0..5 {
        store
            .audit(AuditEvent {
                actor_name: "ltv".into(),
                action: "dossier.view".into(),
                resource_kind: "dossier".into(),
                resource_id: Some(i),
                outcome: "ok".into(),
                address: Some("127.0.0.1".into()),
                ..Default::default()
            })
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_audit_chain_names_the_first_edited_deleted_or_reordered_row() {
    for (sql, seq) in [
        ("UPDATE audit_log SET actor_name = 'ai-do' WHERE seq = 3", 3),
        ("DELETE FROM audit_log WHERE seq = 2", 2),
        ("UPDATE audit_log SET resource_id = 7 - resource_id WHERE seq IN (2, 4)", 2),
    ] {
        for catalogue in catalogues().await {
            let store = &catalogue.store;
            chain_of_five(store).await;
            assert_eq!(store.verify_audit(|_| {}).await.unwrap(), Ok(5), "{}", catalogue.label);
            catalogue.tamper(sql).await;
            let broken = store.verify_audit(|_| {}).await.unwrap().unwrap_err();
            assert_eq!(broken.seq, seq, "{}: {sql}: {}", catalogue.label, broken.reason);
        }
    }
}

#[tokio::test]
async fn concurrent_appends_keep_one_chain() {
    for catalogue in catalogues().await {
        let store = catalogue.store.clone();
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    for j in 0..5 {
                        store
                            .audit(AuditEvent {
                                actor_name: format!("u{i}"),
                                action: "x".into(),
                                resource_kind: "y".into(),
                                resource_id: Some(j),
                                outcome: "ok".into(),
                                ..Default::default()
                            })
                            .await
                            .unwrap();
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(store.verify_audit(|_| {}).await.unwrap(), Ok(40), "{}", catalogue.label);
    }
}
