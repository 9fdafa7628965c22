//! The index as people search it: without tone marks, with them, in phrases, composed or
//! decomposed; narrowed by filters, counted by facets; and never showing or counting what the
//! reader may not see.

use kho_search::{Allowed, Entry, Filters, Kind, Search, SearchIndex};
use unicode_normalization::UnicodeNormalization;

fn entry(dossier: i64, title: &str) -> Entry {
    Entry {
        kind: Kind::Dossier,
        dossier_id: dossier,
        document_id: None,
        page_id: None,
        page_no: None,
        fonds_id: 1,
        unit_id: 10,
        classification: 0,
        mode: "01".into(),
        year: Some(2019),
        maintenance: Some("01".into()),
        type_name: None,
        title: title.into(),
        text: String::new(),
    }
}

fn everyone() -> Allowed {
    Allowed { fonds: vec![1, 2], clearance: 3, public_only: false }
}

fn search(text: &str) -> Search {
    Search { text: text.into(), allowed: everyone(), filters: Filters::default(), offset: 0, limit: 50 }
}

fn index(entries: &[Entry]) -> SearchIndex {
    let index = SearchIndex::in_memory().unwrap();
    index.replace(&[], entries).unwrap();
    index.commit().unwrap();
    index
}

fn found(index: &SearchIndex, search: &Search) -> Vec<i64> {
    index.search(search).unwrap().hits.iter().map(|h| h.dossier_id).collect()
}

/// Every tone on ă â ê ô ơ ư (and on a, e, i, o, u, y), and đ: typed without marks, each word is
/// found; typed with them, composed or decomposed, the word itself comes first.
#[test]
fn every_vietnamese_letter_folds_composed_or_decomposed() {
    let bases = [
        ("ă", "a"),
        ("â", "a"),
        ("ê", "e"),
        ("ô", "o"),
        ("ơ", "o"),
        ("ư", "u"),
        ("a", "a"),
        ("e", "e"),
        ("i", "i"),
        ("o", "o"),
        ("u", "u"),
        ("y", "y"),
    ];
    let tones = ['\u{300}', '\u{301}', '\u{309}', '\u{303}', '\u{323}'];
    let mut entries = vec![];
    let mut words = vec![];
    let mut id = 0;
    for (base, plain) in bases {
        for tone in tones {
            id += 1;
            // "đ" + the toned vowel + "ng": đắng, đầng, … each a word of its own.
            let word: String = format!("đ{base}{tone}ng").nfc().collect();
            let written = if id % 2 == 0 { word.nfd().collect::<String>() } else { word.clone() };
            entries.push(entry(id, &format!("Hồ sơ {written}")));
            words.push((id, word, format!("d{plain}ng")));
        }
    }
    let index = index(&entries);
    for (id, word, plain) in &words {
        let without = found(&index, &search(plain));
        assert!(without.contains(id), "“{plain}” finds “{word}” ({id}): {without:?}");
        for typed in [word.clone(), word.nfd().collect::<String>(), word.to_uppercase()] {
            let with = found(&index, &search(&typed));
            assert_eq!(with.first(), Some(id), "“{typed}” finds “{word}” first: {with:?}");
        }
    }
}

/// A tone mark makes another word: typed with it, the word comes before its folded namesakes;
/// typed without, every spelling is found.
#[test]
fn a_query_with_tone_marks_ranks_its_own_word_first() {
    let index = index(&[
        entry(1, "Hồ sơ ông Dương Văn Minh"),
        entry(2, "Hồ sơ làm đường giao thông nông thôn"),
        entry(3, "Sổ theo dõi bàn giao tài sản"),
        entry(4, "Hợp đồng mua bán đất"),
        entry(5, "Báo cáo năm 2020"),
        entry(6, "Hồ sơ kè sông Nậm Rốm, bản Nam"),
    ]);
    assert_eq!(found(&index, &search("đường"))[0], 2);
    assert_eq!(found(&index, &search("Dương"))[0], 1);
    let mut duong = found(&index, &search("duong"));
    duong.sort();
    assert_eq!(duong, vec![1, 2], "without marks, every spelling");
    assert_eq!(found(&index, &search("bán"))[0], 4);
    assert_eq!(found(&index, &search("bàn"))[0], 3);
    assert_eq!(found(&index, &search("năm"))[0], 5, "the year, before a river called Nam");
}

/// A phrase is its syllables in order; a prefix reaches the words that begin with it.
#[test]
fn phrases_keep_their_syllables_in_order() {
    let index = index(&[entry(1, "Hồ sơ cấp giấy chứng nhận quyền sử dụng đất"), entry(2, "Đất, quyền và nghĩa vụ sử dụng tài sản")]);
    assert_eq!(found(&index, &search("\"quyền sử dụng đất\"")), vec![1]);
    assert_eq!(found(&index, &search("\"quyen su dung dat\"")), vec![1]);
    let both = found(&index, &search("quyền sử dụng đất"));
    assert_eq!(both.len(), 2, "the words, in any order: {both:?}");
    assert_eq!(both[0], 1, "the phrase itself first");
}

/// Filters narrow; facets count what matches, by value.
#[test]
fn filters_narrow_and_facets_count() {
    let mut entries = vec![];
    for n in 1..=6 {
        let mut e = entry(n, &format!("Hồ sơ hộ tịch số {n}"));
        e.year = Some(2015 + n as i32);
        e.unit_id = if n <= 4 { 10 } else { 20 };
        e.maintenance = Some(if n % 2 == 0 { "01".into() } else { "05".into() });
        entries.push(e);
    }
    let mut page = entry(7, "Sổ đăng ký khai sinh");
    page.kind = Kind::Page;
    page.page_id = Some(70);
    page.page_no = Some(3);
    page.unit_id = 20;
    page.text = "Trang ghi việc đăng ký hộ tịch của xã".into();
    entries.push(page);
    let index = index(&entries);
    let all = index.search(&search("hộ tịch")).unwrap();
    assert_eq!(all.total, 7);
    assert_eq!(all.facets["don_vi"], vec![("10".to_string(), 4), ("20".to_string(), 3)]);
    assert_eq!(all.facets["kieu"], vec![("ho_so".to_string(), 6), ("trang".to_string(), 1)]);
    let hit = all.hits.iter().find(|h| h.kind == Kind::Page).unwrap();
    assert_eq!((hit.page_id, hit.page_no), (Some(70), Some(3)), "a page hit says which page of the PDF");
    assert!(hit.snippet_html.contains("<b>hộ</b> <b>tịch</b>"), "{}", hit.snippet_html);
    let narrowed = Search {
        filters: Filters {
            unit: Some(10),
            year_from: Some(2017),
            year_to: Some(2019),
            maintenance: Some("01".into()),
            ..Default::default()
        },
        ..search("ho tich")
    };
    let mut ids = found(&index, &narrowed);
    ids.sort();
    assert_eq!(ids, vec![2, 4], "unit 10, 2017–2019, Vĩnh viễn");
    // Pages: the second page of results, and one beyond the last.
    let second = index.search(&Search { offset: 5, limit: 5, ..search("hộ tịch") }).unwrap();
    assert_eq!((second.total, second.hits.len()), (7, 2));
    let beyond = index.search(&Search { offset: 500, ..search("hộ tịch") }).unwrap();
    assert_eq!((beyond.total, beyond.hits.len()), (7, 0));
}

/// What the reader may not see is neither found nor counted: another fonds, a classification
/// above their clearance, and for a reader anything not in public use.
#[test]
fn what_one_may_not_see_is_neither_shown_nor_counted() {
    let mut other_fonds = entry(2, "Hồ sơ đất đai phông khác");
    other_fonds.fonds_id = 3;
    let mut secret = entry(3, "Hồ sơ đất đai mật");
    secret.classification = 1;
    let mut restricted = entry(4, "Hồ sơ đất đai hạn chế");
    restricted.mode = "03".into();
    let index = index(&[entry(1, "Hồ sơ đất đai công khai"), other_fonds, secret, restricted]);
    let staff = index.search(&search("đất đai")).unwrap();
    assert_eq!(staff.total, 3, "staff cleared for everything, in fonds 1 and 2");
    let uncleared = Search { allowed: Allowed { clearance: 0, ..everyone() }, ..search("đất đai") };
    let hits = index.search(&uncleared).unwrap();
    assert_eq!((hits.total, found(&index, &uncleared).contains(&3)), (2, false));
    let reader = Search { allowed: Allowed { clearance: 0, public_only: true, ..everyone() }, ..search("đất đai") };
    let hits = index.search(&reader).unwrap();
    assert_eq!(hits.total, 1);
    assert_eq!(hits.facets["che_do"], vec![("01".to_string(), 1)], "facets count only what is visible");
    // Whichever is cheaper, the allowed required or the others excluded, says the same.
    let one_fonds = Search { allowed: Allowed { fonds: vec![3], ..everyone() }, ..search("đất đai") };
    assert_eq!(found(&index, &one_fonds), vec![2], "fonds 3 alone");
    let one_fonds = Search { allowed: Allowed { fonds: vec![3], ..everyone() }, ..search("\"đất đai\"") };
    assert_eq!(index.search(&one_fonds).unwrap().total, 1, "fonds 3 alone, counted by a phrase");
    let mut many = vec![];
    for n in 10..20 {
        let mut e = entry(n, "Hồ sơ đất đai tối mật");
        e.classification = 2;
        many.push(e);
    }
    index.replace(&[], &many).unwrap();
    index.commit().unwrap();
    let cleared_once = Search { allowed: Allowed { clearance: 1, ..everyone() }, ..search("đất đai") };
    assert_eq!((index.search(&cleared_once).unwrap().total, found(&index, &cleared_once).contains(&10)), (3, false));
    let reader = Search { allowed: Allowed { clearance: 0, public_only: true, ..everyone() }, ..search("đất đai") };
    assert_eq!(found(&index, &reader), vec![1], "the many secret ones excluded by the allowed required");
    let nobody = Search { allowed: Allowed { fonds: vec![], ..everyone() }, ..search("đất đai") };
    assert_eq!(index.search(&nobody).unwrap().total, 0);
}

/// Malformed, hostile or empty queries answer an empty or lenient result, never an error.
#[test]
fn any_query_answers() {
    let index = index(&[entry(1, "Hồ sơ đất đai")]);
    for text in ["", "   ", "*", "**?", "\"đất", "AND OR (", "đất AND", "title:đất", ")(][", &"đất ".repeat(2000), "\u{0}\u{301}"]
    {
        let hits = index.search(&search(text)).unwrap_or_else(|e| panic!("“{}…”: {e}", text.chars().take(20).collect::<String>()));
        assert!(hits.total <= 1);
    }
    assert_eq!(found(&index, &search("\"đất")), vec![1], "an unclosed quote is read leniently");
}

/// Replacing a hồ sơ's entries takes the old ones away.
#[test]
fn a_hồ_sơ_reindexed_is_found_by_its_new_words_only() {
    let index = index(&[entry(1, "Hồ sơ đất đai"), entry(2, "Hồ sơ hộ tịch")]);
    index.replace(&[1], &[entry(1, "Hồ sơ xây dựng")]).unwrap();
    index.commit().unwrap();
    assert!(found(&index, &search("đất đai")).is_empty());
    assert_eq!(found(&index, &search("xây dựng")), vec![1]);
    index.replace(&[2], &[]).unwrap();
    index.commit().unwrap();
    assert_eq!(index.len(), 1);
}

/// The index on disk is found again when reopened, and one made by another schema is rebuilt.
#[test]
fn an_index_on_disk_reopens() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        index.replace(&[], &[entry(1, "Hồ sơ đất đai")]).unwrap();
        index.commit().unwrap();
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(found(&index, &search("dat dai")), vec![1]);
}

/// Words standing near each other order the best matches, page after page: every match is shown
/// once whatever the page size, the near ones first, and what the words alone rank lower keeps
/// its place after them.
#[test]
fn pages_of_many_matches_show_each_once_the_near_ones_first() {
    let mut entries = vec![];
    for n in 0..450 {
        let title = if n % 50 == 7 {
            format!("Hồ sơ số {n} về giao đất ở cho hộ gia đình")
        } else {
            format!("Hồ sơ số {n}: đất nông nghiệp, đất rừng và việc giao khoán bảo vệ rừng cho các hộ trong bản")
        };
        entries.push(entry(n, &title));
    }
    let index = index(&entries);
    let total = index.search(&search("giao đất")).unwrap().total;
    assert_eq!(total, 450);
    for size in [10, 37, 100] {
        let mut seen = vec![];
        let mut offset = 0;
        while offset < total {
            let page = Search { offset, limit: size, ..search("giao đất") };
            seen.extend(found(&index, &page));
            offset += size;
        }
        assert_eq!(seen.len(), total, "page size {size}");
        let unique: std::collections::BTreeSet<i64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), total, "page size {size}: each once");
        let near: Vec<i64> = seen[..9].to_vec();
        assert!(near.iter().all(|n| n % 50 == 7), "page size {size}: the nine with “giao đất” together first: {near:?}");
    }
}

/// A word typed with its tone marks beside the words typed after it comes first, even where its
/// twin under other tones stands beside them and the word itself a few words before: "đường Huổi
/// Khạ" is not "đường giao thông … dương Huổi Khạ".
#[test]
fn a_word_typed_with_its_tones_beside_the_next_comes_before_its_twin_nearby() {
    let mut entries = vec![];
    for n in 0..40 {
        let text = if n % 4 == 0 {
            format!("đường dây điện, Lò Văn Thắng, bản đồ số {n}, đường Huổi Khạ")
        } else {
            format!("đường dây điện, đường giao thông nông thôn dương Huổi Khạ {n}")
        };
        entries.push(Entry { kind: Kind::Document, document_id: Some(n), text, ..entry(n, "Văn bản") });
    }
    let index = index(&entries);
    let first: Vec<i64> = found(&index, &search("đường Huổi Khạ")).into_iter().take(10).collect();
    assert!(first.iter().all(|n| n % 4 == 0), "the ten with “đường Huổi Khạ” first: {first:?}");
    assert_eq!(found(&index, &search("duong Huoi Kha")).len(), 40, "typed without marks, every spelling");
}

/// A word typed with its tone marks, where hundreds hold it as typed and hundreds only under
/// other tones, some in a fonds the reader may not see and some since reindexed: every page
/// shows each visible match once, every one holding the word as typed before any that does not,
/// and all of them are what the same words find narrowed by a filter that keeps everything.
#[test]
fn pages_of_a_word_with_its_tones_show_it_as_typed_first_and_each_once() {
    let mut entries = vec![];
    for n in 0..750 {
        let (text, fonds) = match n % 3 {
            0 => (format!("Sửa chữa đường liên bản số {n}"), 1),
            1 => (format!("Ông Dương Văn {n} xin cấp đất"), 2),
            _ => (format!("Mở đường vào bản số {n}"), 3),
        };
        entries.push(Entry { kind: Kind::Document, document_id: Some(n), text, fonds_id: fonds, ..entry(n, "Văn bản") });
    }
    let index = index(&entries);
    let renamed: Vec<Entry> = [0, 3].iter().map(|n| entry(*n, "Văn bản về chợ")).collect();
    index.replace(&[0, 3], &renamed).unwrap();
    index.commit().unwrap();
    let total = index.search(&search("đường")).unwrap().total;
    assert_eq!(total, 248 + 250, "fonds 3 is not the reader's; 0 and 3 no longer hold the word");
    let narrowed = Search { filters: Filters { unit: Some(10), ..Filters::default() }, limit: 100, ..search("đường") };
    let mut everything = std::collections::BTreeSet::new();
    for offset in (0..total).step_by(100) {
        everything.extend(found(&index, &Search { offset, ..narrowed.clone() }));
    }
    assert_eq!(everything.len(), total);
    for size in [37, 100] {
        let mut seen = vec![];
        for offset in (0..total + size).step_by(size) {
            seen.extend(found(&index, &Search { offset, limit: size, ..search("đường") }));
        }
        let unique: std::collections::BTreeSet<i64> = seen.iter().copied().collect();
        assert_eq!((seen.len(), unique.len()), (total, total), "page size {size}: each once");
        assert_eq!(unique, everything, "page size {size}: what the narrowed search finds");
        assert!(seen[..248].iter().all(|n| n % 3 == 0), "page size {size}: “đường” as typed first");
    }
}
