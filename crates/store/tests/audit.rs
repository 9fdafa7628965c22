//! The audit trail an insider with the database but not the key tries to rewrite: an entry
//! edited and the chain recomputed, the authentication stripped, the tail cut off — each found by
//! `verify_audit`, on SQLite and PostgreSQL. And a change and its entry land together.

use kho_store::test_support::catalogues;
use kho_store::{AuditEvent, AuditSeal, Store};
use sha2::{Digest, Sha256};

fn event(n: usize) -> AuditEvent {
    AuditEvent {
        actor_name: "ltv".into(),
        action: "dossier.update".into(),
        resource_kind: "dossier".into(),
        outcome: "ok".into(),
        detail: Some(format!("lần {n}")),
        ..Default::default()
    }
}

async fn sealed(store: &Store, dir: &std::path::Path) -> Store {
    let store = store.clone().with_audit_seal(AuditSeal::load_or_create(&dir.join("audit.key")).unwrap());
    for n in 0..6 {
        store.audit(event(n)).await.unwrap();
    }
    store.audit_checkpoint().await.unwrap().unwrap();
    store.audit(event(6)).await.unwrap();
    assert_eq!(store.verify_audit(|_| {}).await.unwrap(), Ok(7));
    store
}

/// The chain's hash as an attacker without the key recomputes it (the plain SHA-256 link).
fn plain_hash(row: &kho_store::AuditEntry, prev_hash: &str) -> String {
    let fields = [
        row.seq.to_string(),
        row.at.clone(),
        row.actor_id.map(|i| i.to_string()).unwrap_or_default(),
        row.actor_name.clone(),
        row.action.clone(),
        row.resource_kind.clone(),
        row.resource_id.map(|i| i.to_string()).unwrap_or_default(),
        row.outcome.clone(),
        row.address.clone().unwrap_or_default(),
        row.detail.clone().unwrap_or_default(),
        prev_hash.to_string(),
    ];
    Sha256::digest(fields.join("\u{1f}").as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Edits entry `seq`'s detail and recomputes every later link, as someone with the database would.
async fn rewrite(catalogue: &kho_store::test_support::TestCatalogue, store: &Store, seq: i64, strip_mac: bool) {
    let filter = kho_store::AuditFilter { limit: 1000, ..Default::default() };
    let (_, mut rows) = store.list_audit(&filter).await.unwrap();
    rows.sort_by_key(|r| r.seq);
    let mut prev = rows.iter().find(|r| r.seq == seq - 1).map(|r| r.hash.clone()).unwrap();
    for row in rows.iter_mut().filter(|r| r.seq >= seq) {
        if row.seq == seq {
            row.detail = Some("đã sửa".into());
        }
        let hash = plain_hash(row, &prev);
        let mac = if strip_mac { "NULL".to_string() } else { "mac".to_string() };
        catalogue
            .tamper(&format!(
                "UPDATE audit_log SET detail = '{}', prev_hash = '{prev}', hash = '{hash}', mac = {mac} WHERE seq = {}",
                row.detail.clone().unwrap_or_default(),
                row.seq
            ))
            .await;
        prev = hash;
    }
}

#[tokio::test]
async fn a_recomputed_trail_is_found_by_its_authentication() {
    for catalogue in catalogues().await {
        let dir = tempfile::tempdir().unwrap();
        let store = sealed(&catalogue.store, dir.path()).await;
        rewrite(&catalogue, &store, 3, false).await;
        let broken = store.verify_audit(|_| {}).await.unwrap().unwrap_err();
        assert_eq!(broken.seq, 3, "{}: {}", catalogue.label, broken.reason);
        assert!(broken.reason.contains("mã xác thực"), "{}", broken.reason);
    }
}

#[tokio::test]
async fn a_recomputed_trail_stripped_of_its_authentication_is_found_by_the_checkpoint() {
    for catalogue in catalogues().await {
        let dir = tempfile::tempdir().unwrap();
        let store = sealed(&catalogue.store, dir.path()).await;
        catalogue.tamper("UPDATE audit_log SET mac = NULL").await;
        rewrite(&catalogue, &store, 2, true).await;
        catalogue.tamper("DELETE FROM audit_checkpoints").await;
        let broken = store.verify_audit(|_| {}).await.unwrap().unwrap_err();
        assert_eq!(broken.seq, 6, "{}: {}", catalogue.label, broken.reason);
        assert!(broken.reason.contains("điểm kiểm tra"), "{}", broken.reason);
    }
}

#[tokio::test]
async fn a_trail_cut_short_is_found() {
    for catalogue in catalogues().await {
        let dir = tempfile::tempdir().unwrap();
        let store = sealed(&catalogue.store, dir.path()).await;
        catalogue.tamper("DELETE FROM audit_log WHERE seq >= 5").await;
        let broken = store.verify_audit(|_| {}).await.unwrap().unwrap_err();
        assert!(broken.reason.contains("bị cắt") && broken.reason.contains("6 bản ghi"), "{}: {}", catalogue.label, broken.reason);
    }
}

#[tokio::test]
async fn a_forged_checkpoint_is_found() {
    for catalogue in catalogues().await {
        let dir = tempfile::tempdir().unwrap();
        let store = sealed(&catalogue.store, dir.path()).await;
        catalogue.tamper("UPDATE audit_checkpoints SET entries = 99").await;
        let broken = store.verify_audit(|_| {}).await.unwrap().unwrap_err();
        assert!(broken.reason.contains("không đúng chữ ký"), "{}: {}", catalogue.label, broken.reason);
    }
}

#[tokio::test]
async fn a_change_and_its_entry_land_together_or_not_at_all() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let plan = kho_model::plan::Plan::parse(&kho_model::plan::PlanFiles {
            meta: include_str!("../../../demo/dien-bien/ke-hoach.csv"),
            districts: include_str!("../../../demo/dien-bien/districts.csv"),
            communes: include_str!("../../../demo/dien-bien/communes.csv"),
            tasks: include_str!("../../../demo/dien-bien/tasks.csv"),
        })
        .unwrap();
        store.import_plan(&plan).await.unwrap();
        let unit = store.units().await.unwrap()[0].id;
        let input =
            kho_model::record::FondsInput { code: "P70".into(), name: "Phông".into(), unit_id: unit.to_string(), ..Default::default() };
        let fields = input.parse().unwrap();
        let made = store.audited(event(1)).create_fonds(&fields).await.unwrap();
        let filter = kho_store::AuditFilter { action: Some("dossier.update".into()), limit: 10, ..Default::default() };
        let (count, rows) = store.list_audit(&filter).await.unwrap();
        assert_eq!((count, rows[0].resource_id), (1, Some(made)), "{}: the entry names the new record", catalogue.label);
        // The same code again is refused: neither a fonds nor an entry is written.
        assert!(store.audited(event(2)).create_fonds(&fields).await.is_err());
        assert_eq!(store.list_audit(&filter).await.unwrap().0, 1, "{}", catalogue.label);
    }
}

/// A listing counts the trail only so far: past its bound it says "more", and its cost does not
/// grow with a trail of millions. The page still walks by the key to the oldest entry.
#[tokio::test]
async fn a_listing_counts_the_trail_only_up_to_its_bound() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        for n in 0..12 {
            store.audit(event(n)).await.unwrap();
        }
        let bounded = kho_store::AuditFilter { limit: 5, count_most: Some(8), ..Default::default() };
        let (count, rows) = store.list_audit(&bounded).await.unwrap();
        assert_eq!((count, rows.len()), (9, 5), "{}: 8 counted, and one more to say there are more", catalogue.label);
        let exact = kho_store::AuditFilter { limit: 5, count_most: Some(12), ..Default::default() };
        assert_eq!(store.list_audit(&exact).await.unwrap().0, 12, "{}: within the bound, exact", catalogue.label);
        let mut before = None;
        let mut walked = 0;
        loop {
            let page = kho_store::AuditFilter { limit: 5, count_most: Some(8), before_seq: before, ..Default::default() };
            let (_, rows) = store.list_audit(&page).await.unwrap();
            let Some(last) = rows.last() else { break };
            walked += rows.len();
            before = Some(last.seq);
        }
        assert_eq!(walked, 12, "{}: every entry reached by its key", catalogue.label);
    }
}

/// A checkpoint reads the trail's head and then writes; entries appended beside it meanwhile must
/// not fail it. On SQLite a transaction that reads before it writes cannot take the write lock
/// once another has written (SQLITE_BUSY_SNAPSHOT, "database is locked" at once, whatever the
/// busy timeout): Kho's write transactions take the lock when they begin.
#[tokio::test]
async fn checkpoints_taken_while_entries_are_appended_all_succeed() {
    for catalogue in catalogues().await {
        let dir = tempfile::tempdir().unwrap();
        let store = catalogue.store.clone().with_audit_seal(AuditSeal::load_or_create(&dir.path().join("audit.key")).unwrap());
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let store = store.clone();
                tokio::spawn(async move {
                    for n in 0..60 {
                        store.audit(event(w * 100 + n)).await.unwrap();
                    }
                })
            })
            .collect();
        let mut failures = vec![];
        for _ in 0..40 {
            if let Err(e) = store.audit_checkpoint().await {
                failures.push(e.to_string());
            }
            tokio::task::yield_now().await;
        }
        for w in writers {
            w.await.unwrap();
        }
        assert!(failures.is_empty(), "{}: {failures:?}", catalogue.label);
        assert_eq!(store.verify_audit(|_| {}).await.unwrap().map(|_| ()), Ok(()), "{}", catalogue.label);
    }
}
