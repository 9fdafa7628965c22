//! The số hóa job queue on every backend: one claim per job however many workers ask at once, a
//! dead worker's job claimed again when its lease runs out, a superseded worker's answer ignored,
//! the plan's priorities respected, and a hồ sơ's assembly queued once its last page is read.

use kho_model::UnitKind;
use kho_model::access::Visibility;
use kho_model::digitization::OriginalKind;
use kho_store::test_support::catalogues;
use kho_store::{JobKind, NewScanFile, PageResult, Store};
use std::collections::BTreeSet;

/// A 3-page TIFF master of a hồ sơ, as recorded (its blob named by its checksum).
fn master(batch: i64, dossier_id: i64, file_name: String, sha256: String) -> NewScanFile {
    NewScanFile {
        batch_id: batch,
        dossier_id,
        ordinal: None,
        file_name,
        format: "tiff".into(),
        size: 10,
        blob: sha256.clone(),
        sha256,
        sealed: false,
        page_count: 3,
        uploaded_by: "test".into(),
    }
}

/// A batch with two hồ sơ: `low` (rank 7) and `urgent` (rank 1), each with a 3-page master.
async fn batch(store: &Store) -> (i64, i64, i64) {
    let unit = store.create_unit(&kho_model::record::NewUnit::named("Xã Mường Ảng", UnitKind::Commune)).await.unwrap();
    let (_, dossiers) =
        kho_store::test_support::fonds_with_dossiers(store, unit, "X27", &[("1", "Hồ sơ 1", "06", "3"), ("2", "Hồ sơ 2", "06", "3")]).await;
    let ids: Vec<i64> = dossiers.iter().map(|(id, _)| *id).collect();
    let batch = store.create_batch(unit, "Lô 1", OriginalKind::Text, "test").await.unwrap();
    store.add_to_batch(batch, &[(ids[0], 7, "Các hồ sơ còn lại"), (ids[1], 1, "Bảo quản vĩnh viễn")]).await.unwrap();
    for (i, dossier) in ids.iter().enumerate() {
        let file = master(batch, *dossier, format!("{i}.tif"), format!("{i:064}"));
        assert!(store.add_scan_file(&file).await.unwrap().1);
        assert!(!store.add_scan_file(&file).await.unwrap().1, "the same master twice is recorded once");
    }
    (batch, ids[0], ids[1])
}

#[tokio::test]
async fn each_job_is_claimed_once_however_many_workers_ask() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        batch(store).await;
        let mut handles = vec![];
        for w in 0..8 {
            let store = store.clone();
            handles.push(tokio::spawn(async move {
                let mut mine = vec![];
                while let Some(job) = store.claim_job(&format!("w{w}"), 60, 3).await.unwrap() {
                    mine.push(job.id);
                }
                mine
            }));
        }
        let mut all = vec![];
        for h in handles {
            all.extend(h.await.unwrap());
        }
        let unique: BTreeSet<i64> = all.iter().copied().collect();
        assert_eq!(all.len(), 6, "{}: six pages, six claims", catalogue.label);
        assert_eq!(unique.len(), 6, "{}: no job claimed twice", catalogue.label);
    }
}

/// Workers finishing a hồ sơ's last pages at the same moment: exactly one queues its assembly.
/// (On PostgreSQL each would otherwise count the other's page as unfinished, and neither would.)
#[tokio::test]
async fn pages_finished_at_once_queue_their_hồ_sơ_assembly_exactly_once() {
    for _ in 0..8 {
        for catalogue in catalogues().await {
            let store = &catalogue.store;
            let (_, low, urgent) = batch(store).await;
            let mut jobs = vec![];
            while let Some(job) = store.claim_job("w", 60, 3).await.unwrap() {
                jobs.push(job);
            }
            let finishing: Vec<_> = jobs
                .into_iter()
                .map(|job| {
                    let store = store.clone();
                    tokio::spawn(async move { store.finish_page(&job, job.subject_id, &PageResult::default()).await.unwrap() })
                })
                .collect();
            for f in finishing {
                assert!(f.await.unwrap());
            }
            let mut assembled = BTreeSet::new();
            while let Some(job) = store.claim_job("w", 60, 3).await.unwrap() {
                assert_eq!(job.kind, JobKind::Assemble);
                assert!(assembled.insert(job.subject_id), "{}: one assembly per hồ sơ", catalogue.label);
                assert!(store.finish_assembly(&job, job.subject_id, &[]).await.unwrap());
            }
            assert_eq!(assembled, BTreeSet::from([low, urgent]), "{}: no hồ sơ left unassembled", catalogue.label);
        }
    }
}

#[tokio::test]
async fn urgent_hồ_sơ_go_first_and_a_dead_workers_job_comes_back() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let (batch, low, urgent) = batch(store).await;
        let first = store.claim_job("a", 60, 3).await.unwrap().unwrap();
        assert_eq!(store.scan_page(first.subject_id).await.unwrap().dossier_id, urgent, "{}: permanent first", catalogue.label);

        // Worker "a" dies holding a job whose lease has run out: "b" gets it, and a's late answer
        // changes nothing.
        let dead = store.claim_job("a", -1, 3).await.unwrap().unwrap();
        let again = store.claim_job("b", 60, 3).await.unwrap().unwrap();
        assert_eq!(again.id, dead.id, "{}: the expired job is claimed again", catalogue.label);
        assert_eq!(again.attempt, 2);
        assert!(
            !store.finish_page(&dead, dead.subject_id, &PageResult { ocr_text: Some("muộn".into()), ..Default::default() }).await.unwrap()
        );
        assert!(!store.renew_job(&dead, 60).await.unwrap());
        assert!(
            store
                .finish_page(&again, again.subject_id, &PageResult { ocr_text: Some("trang".into()), ..Default::default() })
                .await
                .unwrap()
        );
        assert_eq!(store.scan_page(again.subject_id).await.unwrap().ocr_text.as_deref(), Some("trang"));

        // The operator moves the low hồ sơ ahead; its pages now come before the urgent one's.
        store.set_priority(batch, low, Some((0, "Lãnh đạo cần gấp")), "dieuhanh").await.unwrap();
        let next = store.claim_job("b", 60, 3).await.unwrap().unwrap();
        assert_eq!(store.scan_page(next.subject_id).await.unwrap().dossier_id, low, "{}", catalogue.label);
        let queue = store.batch_queue(&Visibility::everything(), batch, None, 1000, None).await.unwrap().entries;
        assert_eq!((queue[0].dossier_id, queue[0].override_reason.as_deref()), (low, Some("Lãnh đạo cần gấp")));

        // A job that kills its worker every time is failed after three tries, with a reason (the
        // claim above was its first).
        store.release_job(&next).await.unwrap();
        for _ in 0..2 {
            let j = store.claim_job("c", -1, 3).await.unwrap().unwrap();
            assert_eq!(j.id, next.id);
        }
        let after = store.claim_job("c", 60, 3).await.unwrap().unwrap();
        assert_ne!(after.id, next.id, "{}: the poison job is not handed out a fourth time", catalogue.label);
        assert_eq!(store.failed_jobs(&Visibility::everything(), batch, 50).await.unwrap().0.len(), 1);

        // The counts, kept by the triggers as the jobs changed: six pages, one read, one failed,
        // two claimed ("a"'s first, and `after`), two waiting; the failed one queued again.
        let counts = |c: kho_store::QueueCounts| (c.queued, c.running, c.done, c.failed);
        assert_eq!(counts(store.queue_counts(Some(batch)).await.unwrap()), (2, 2, 1, 1), "{}", catalogue.label);
        assert_eq!(counts(store.queue_counts(None).await.unwrap()), (2, 2, 1, 1), "{}", catalogue.label);
        assert_eq!(store.retry_failed_jobs(batch).await.unwrap(), 1);
        assert_eq!(counts(store.queue_counts(Some(batch)).await.unwrap()), (3, 2, 1, 0), "{}", catalogue.label);
        assert_eq!(counts(store.queue_counts(Some(batch + 1)).await.unwrap()), (0, 0, 0, 0), "{}: another batch", catalogue.label);
    }
}

#[tokio::test]
async fn the_last_page_read_queues_the_hồ_sơ_assembly_and_a_failed_check_holds_it() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let (batch, low, urgent) = batch(store).await;
        let mut assembled = vec![];
        while let Some(job) = store.claim_job("w", 60, 3).await.unwrap() {
            match job.kind {
                JobKind::Page => {
                    let page = store.scan_page(job.subject_id).await.unwrap();
                    let problems = (page.dossier_id == low && page.page_no == 2).then(|| "[\"trang trắng\"]".to_string());
                    assert!(store.finish_page(&job, page.id, &PageResult { problems, ..Default::default() }).await.unwrap());
                }
                JobKind::Assemble => {
                    assembled.push(job.subject_id);
                    assert!(store.finish_assembly(&job, job.subject_id, &[]).await.unwrap());
                }
            }
        }
        assert_eq!(assembled, vec![urgent], "{}: the hồ sơ with a page to re-scan waits", catalogue.label);
        let progress = store.batch_progress(&Visibility::everything(), batch).await.unwrap();
        assert_eq!((progress.pages, progress.pages_done, progress.pages_rescan), (6, 5, 1));
        let rescan = store.flagged_pages(&Visibility::everything(), batch, kho_store::PageFlag::Rescan, 50).await.unwrap();
        assert_eq!((rescan.len(), rescan[0].page_no, rescan[0].problems.as_deref()), (1, 2, Some("[\"trang trắng\"]")));

        // The re-scan replaces the master; once read, the hồ sơ is assembled.
        let file = master(batch, low, "0-quet-lai.tif".into(), "f".repeat(64));
        store.add_scan_file(&file).await.unwrap();
        assert!(
            store.flagged_pages(&Visibility::everything(), batch, kho_store::PageFlag::Rescan, 50).await.unwrap().is_empty(),
            "{}: the old pages no longer count",
            catalogue.label
        );
        let progress = store.batch_progress(&Visibility::everything(), batch).await.unwrap();
        assert_eq!((progress.pages, progress.pages_done, progress.pages_rescan, progress.pages_waiting), (6, 3, 0, 3));
        let queue = store.batch_queue(&Visibility::everything(), batch, None, 1000, None).await.unwrap().entries;
        let entry = queue.iter().find(|q| q.dossier_id == low).unwrap();
        assert_eq!((entry.pages, entry.pages_done, entry.pages_rescan), (3, 0, 0), "{}", catalogue.label);
        let mut assembled = vec![];
        while let Some(job) = store.claim_job("w", 60, 3).await.unwrap() {
            match job.kind {
                JobKind::Page => assert!(store.finish_page(&job, job.subject_id, &PageResult::default()).await.unwrap()),
                JobKind::Assemble => {
                    assembled.push(job.subject_id);
                    assert!(store.finish_assembly(&job, job.subject_id, &[]).await.unwrap());
                }
            }
        }
        assert_eq!(assembled, vec![low]);
        assert_eq!(store.dossier_pages(low).await.unwrap().len(), 3);

        // The clerk sends the first master again: it comes back as the hồ sơ's master, its pages
        // read anew, and the re-scan is the replaced one now.
        let first = NewScanFile { sha256: format!("{:064}", 0), blob: format!("{:064}", 0), file_name: "0.tif".into(), ..file.clone() };
        let (first_id, taken) = store.add_scan_file(&first).await.unwrap();
        assert!(taken, "{}: a replaced master brought back is work to do", catalogue.label);
        let pages = store.dossier_pages(low).await.unwrap();
        assert!(pages.iter().all(|p| p.file_id == first_id && p.state == "waiting" && p.ocr_text.is_none()), "{}", catalogue.label);
        let progress = store.batch_progress(&Visibility::everything(), batch).await.unwrap();
        assert_eq!((progress.pages, progress.pages_done), (6, 3));
        let mut read = 0;
        while let Some(job) = store.claim_job("w", 60, 3).await.unwrap() {
            match job.kind {
                JobKind::Page => {
                    assert_eq!(store.scan_page(job.subject_id).await.unwrap().file_id, first_id);
                    assert!(store.finish_page(&job, job.subject_id, &PageResult::default()).await.unwrap());
                    read += 1;
                }
                JobKind::Assemble => assert!(store.finish_assembly(&job, job.subject_id, &[]).await.unwrap()),
            }
        }
        assert_eq!(read, 3, "{}", catalogue.label);
    }
}

#[tokio::test]
async fn an_interrupted_fixity_run_resumes_after_its_last_blob() {
    use kho_store::{BlobCopy, FixityFinding};
    let finding = |blob: &str, copy, outcome: &str, mended: Option<&str>| FixityFinding {
        blob: blob.repeat(64),
        copy,
        outcome: outcome.into(),
        mended_from: mended.map(Into::into),
    };
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let (run, after) = store.fixity_run(false, "lenh", 2).await.unwrap();
        assert_eq!(after, "");
        let first = [finding("0", BlobCopy::Primary, "missing", Some("replica")), finding("0", BlobCopy::Replica, "corrupt", None)];
        store.fixity_progress(run, &"a".repeat(64), 500, &first).await.unwrap();
        // The process stops here; the next `kho verify` takes up the same run where it stopped.
        let (again, after) = store.fixity_run(false, "lich", 2).await.unwrap();
        assert_eq!((again, after), (run, "a".repeat(64)), "{}", catalogue.label);
        store.fixity_progress(run, &"f".repeat(64), 20, &[finding("b", BlobCopy::Primary, "corrupt", None)]).await.unwrap();
        let finished = store.finish_fixity_run(run).await.unwrap();
        assert_eq!(
            (finished.checked, finished.missing, finished.corrupt, finished.repaired, finished.unmended(), finished.started_by.as_str()),
            (520, 1, 2, 1, 2, "lenh"),
            "{}",
            catalogue.label
        );
        let (_, findings) = store.fixity_run_by_id(run).await.unwrap();
        assert_eq!(findings, [first[0].clone(), first[1].clone(), finding("b", BlobCopy::Primary, "corrupt", None)], "{}", catalogue.label);
        let (fresh, after) = store.fixity_run(false, "lenh", 1).await.unwrap();
        assert!(fresh != run && after.is_empty(), "a finished run is not resumed");
        let (restarted, _) = store.fixity_run(true, "lenh", 1).await.unwrap();
        assert_ne!(restarted, fresh, "--restart abandons the open run");
        assert_eq!(store.fixity_runs(10).await.unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), [restarted, fresh, run]);

        // The server's daily slice is claimed once a day, however many servers ask.
        assert!(store.claim_fixity_slice(chrono::Duration::hours(23)).await.unwrap(), "{}", catalogue.label);
        assert!(!store.claim_fixity_slice(chrono::Duration::hours(23)).await.unwrap(), "{}: not twice a day", catalogue.label);
        assert!(store.claim_fixity_slice(chrono::Duration::zero()).await.unwrap(), "{}: the next day", catalogue.label);
    }
}

/// A batch's queue read a page at a time, each page starting after the last hồ sơ of the one
/// before: every hồ sơ once, in working order; hồ sơ the
/// reader may not see are neither listed nor counted.
#[tokio::test]
async fn a_batch_queue_is_read_a_page_at_a_time_after_the_last_hồ_sơ_seen() {
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let unit = store.create_unit(&kho_model::record::NewUnit::named("Xã Mường Ảng", UnitKind::Commune)).await.unwrap();
        let notations: Vec<String> = (1..=250).map(|n| n.to_string()).collect();
        let titles = ["Hồ sơ giao đất năm 2019", "Báo cáo tổng kết năm 2019", "Sổ đăng ký khai sinh năm 2019"];
        let specs: Vec<(&str, &str, &str, &str)> =
            notations.iter().enumerate().map(|(i, n)| (n.as_str(), titles[i % 3], if i % 3 == 1 { "01" } else { "05" }, "1")).collect();
        let (_, made) = kho_store::test_support::fonds_with_dossiers(store, unit, "X27", &specs).await;
        let batch = store.create_batch(unit, "Lô lớn", OriginalKind::Text, "test").await.unwrap();
        add_ranked(store, batch, &made.iter().map(|(id, _)| *id).collect::<Vec<_>>()).await;
        let everything = Visibility::everything();
        let whole = store.batch_queue(&everything, batch, None, 1000, None).await.unwrap();
        assert_eq!((whole.total, whole.entries.len(), whole.next), (250, 250, None), "{}", catalogue.label);
        let mut walked = vec![];
        let mut after = None;
        loop {
            let page = store.batch_queue(&everything, batch, after, 100, None).await.unwrap();
            assert_eq!(page.total, 250);
            walked.extend(page.entries.iter().map(|e| e.dossier_id));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(
            walked,
            whole.entries.iter().map(|e| e.dossier_id).collect::<Vec<_>>(),
            "{}: every hồ sơ once, in order",
            catalogue.label
        );
        let nobody = Visibility { all_units: false, units: vec![], fonds: vec![], ..Visibility::everything() };
        let hidden = store.batch_queue(&nobody, batch, None, 100, None).await.unwrap();
        assert_eq!((hidden.total, hidden.entries.len()), (0, 0), "{}", catalogue.label);
    }
}

/// Puts hồ sơ into a batch, ranked 1–4 by position: many share a rank, as in a real batch.
async fn add_ranked(store: &Store, batch: i64, dossiers: &[i64]) {
    let entries: Vec<(i64, i64, &str)> = dossiers.iter().enumerate().map(|(i, id)| (*id, (i % 4) as i64 + 1, "Theo kế hoạch")).collect();
    store.add_to_batch(batch, &entries).await.unwrap();
}

/// What each viewer is shown of a batch is what a fresh count finds, after every kind of change
/// the triggers keep the tallies through: pages read and flagged, a master replaced and brought
/// back, hồ sơ assembled twice over, a hồ sơ reclassified and made restricted, then made public
/// again.
#[tokio::test]
async fn a_batchs_tallies_agree_with_a_fresh_count_through_every_change() {
    use kho_store::RenditionFile;
    use kho_store::test_support::counted_batch_progress;
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let (batch, low, urgent) = batch(store).await;
        let views = [
            ("mọi thứ", Visibility::everything()),
            ("không mật, chỉ công khai", Visibility { clearance: 0, public_only: true, ..Visibility::everything() }),
            ("ngoài phạm vi", Visibility { all_units: false, ..Visibility::everything() }),
        ];
        let agree = |step: &'static str| {
            let views = &views;
            async move {
                for (name, view) in views {
                    let kept = store.batch_progress(view, batch).await.unwrap();
                    let counted = counted_batch_progress(store, view, batch).await;
                    assert_eq!(kept, counted, "{}: {step}, {name}", catalogue.label);
                }
            }
        };
        agree("lô mới").await;
        let rendition = |name: &str| RenditionFile {
            ordinal: None,
            file_name: name.into(),
            standard: "PDF/A-2b".into(),
            pages: 3,
            size: 100,
            sha256: "a".repeat(64),
            blob: "a".repeat(64),
            signed: true,
        };
        while let Some(job) = store.claim_job("w", 60, 3).await.unwrap() {
            match job.kind {
                JobKind::Page => {
                    let page = store.scan_page(job.subject_id).await.unwrap();
                    let problems = (page.dossier_id == low && page.page_no == 1).then(|| "[\"trang trắng\"]".to_string());
                    assert!(store.finish_page(&job, page.id, &PageResult { problems, ..Default::default() }).await.unwrap());
                }
                JobKind::Assemble => {
                    let parts = [rendition("1.pdf"), rendition("2.pdf")];
                    assert!(store.finish_assembly(&job, job.subject_id, &parts).await.unwrap());
                }
            }
        }
        agree("trang đã đọc, một trang chờ quét lại, hồ sơ đã ghép").await;
        let progress = store.batch_progress(&Visibility::everything(), batch).await.unwrap();
        assert_eq!(
            (progress.dossiers, progress.files, progress.pages, progress.pages_done, progress.pages_rescan, progress.renditions),
            (2, 2, 6, 5, 1, 2),
            "{}",
            catalogue.label
        );
        assert_eq!((progress.rendition_pages, progress.rendition_bytes), (6, 200), "{}: two copies of 3 pages, 100 bytes", catalogue.label);
        assert_eq!(progress.dossiers_done, 1, "{}: only the urgent hồ sơ is assembled", catalogue.label);

        // The re-scan replaces the low hồ sơ's master; it is read and assembled again.
        let file = master(batch, low, "0-quet-lai.tif".into(), "f".repeat(64));
        store.add_scan_file(&file).await.unwrap();
        agree("bản quét lại thay bản cũ").await;
        while let Some(job) = store.claim_job("w", 60, 3).await.unwrap() {
            match job.kind {
                JobKind::Page => assert!(store.finish_page(&job, job.subject_id, &PageResult::default()).await.unwrap()),
                JobKind::Assemble => assert!(store.finish_assembly(&job, job.subject_id, &[rendition("1.pdf")]).await.unwrap()),
            }
        }
        agree("hồ sơ quét lại đã ghép").await;

        // The first master sent again comes back; its pages wait to be read anew.
        let first = NewScanFile { sha256: format!("{:064}", 0), blob: format!("{:064}", 0), file_name: "0.tif".into(), ..file.clone() };
        store.add_scan_file(&first).await.unwrap();
        agree("bản cũ gửi lại").await;

        // The urgent hồ sơ becomes Mật, then restricted: the uncleared reader no longer counts
        // it; made public and unclassified again, it is counted again.
        let mut fields = store.dossier(urgent).await.unwrap().fields;
        let public = fields.clone();
        fields.classification = kho_model::Classification::Confidential;
        fields.mode = kho_model::Mode::Secret;
        store.update_dossier(urgent, &fields).await.unwrap();
        agree("hồ sơ thành Mật").await;
        let uncleared = store.batch_progress(&views[1].1, batch).await.unwrap();
        assert_eq!(uncleared.dossiers, 1, "{}: the Mật hồ sơ is not counted for the uncleared", catalogue.label);
        fields.classification = kho_model::Classification::None;
        fields.mode = kho_model::Mode::Conditional;
        store.update_dossier(urgent, &fields).await.unwrap();
        agree("hồ sơ sử dụng có điều kiện").await;
        assert_eq!(store.batch_progress(&views[1].1, batch).await.unwrap().dossiers, 1, "{}", catalogue.label);
        store.update_dossier(urgent, &public).await.unwrap();
        agree("hồ sơ công khai trở lại").await;
        assert_eq!(store.batch_progress(&views[1].1, batch).await.unwrap().dossiers, 2, "{}", catalogue.label);
    }
}

/// A catalogue written before the tallies existed (migration 20 undone behind Kho's back, as an
/// older Kho left it) gets them counted from its pages, files and renditions when it opens.
#[tokio::test]
async fn a_catalogue_from_before_the_tallies_has_them_counted_when_it_opens() {
    use kho_store::test_support::counted_batch_progress;
    for catalogue in catalogues().await {
        let store = &catalogue.store;
        let (batch, low, _) = batch(store).await;
        let mut read = 0;
        while let Some(job) = store.claim_job("w", 60, 3).await.unwrap() {
            if job.kind == JobKind::Page && read < 4 {
                let page = store.scan_page(job.subject_id).await.unwrap();
                let problems = (page.dossier_id == low).then(|| "[\"mờ\"]".to_string());
                assert!(store.finish_page(&job, page.id, &PageResult { problems, ..Default::default() }).await.unwrap());
                read += 1;
            }
        }
        let before = counted_batch_progress(store, &Visibility::everything(), batch).await;
        let triggers = [
            "scan_files_tally_insert",
            "scan_files_tally_update",
            "scan_pages_tally_insert",
            "scan_pages_tally_update",
            "renditions_tally_insert",
            "renditions_tally_delete",
            "batch_dossiers_tally_insert",
            "batch_dossiers_tally_update",
            "dossiers_tally_move",
        ];
        for trigger in triggers {
            catalogue
                .tamper(&match store.backend() {
                    kho_store::Backend::Sqlite => format!("DROP TRIGGER {trigger}"),
                    kho_store::Backend::Postgres => format!("DROP FUNCTION kho_{trigger}() CASCADE"),
                })
                .await;
        }
        catalogue.tamper("DROP TABLE batch_tallies").await;
        for column in ["files", "pages", "pages_done", "pages_rescan", "pages_warned", "renditions", "rendition_pages", "rendition_bytes"] {
            catalogue.tamper(&format!("ALTER TABLE batch_dossiers DROP COLUMN {column}")).await;
        }
        catalogue.tamper("DROP INDEX scan_pages_warned").await;
        catalogue.tamper("ALTER TABLE scan_pages DROP COLUMN warnings").await;
        catalogue.tamper("DELETE FROM schema_migrations WHERE version IN (20, 21)").await;

        let reopened = Store::open(&catalogue.url).await.unwrap();
        let kept = reopened.batch_progress(&Visibility::everything(), batch).await.unwrap();
        assert_eq!(kept, before, "{}", catalogue.label);
        assert!(kept.pages_done > 0 && kept.pages_rescan > 0, "{}: {kept:?}", catalogue.label);
        let queue = reopened.batch_queue(&Visibility::everything(), batch, None, 10, None).await.unwrap().entries;
        assert_eq!(queue.iter().map(|e| e.pages).sum::<i64>(), 6, "{}", catalogue.label);
        reopened.close().await;
    }
}
