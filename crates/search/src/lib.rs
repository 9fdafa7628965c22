//! Tra cứu: a full-text index of the catalogue (hồ sơ and văn bản metadata) and of the OCR text of
//! every page, for Vietnamese as people type it.
//!
//! Two analyzers read the same text. `vi_folded` lower-cases and folds every Vietnamese letter to
//! ASCII (đ→d, ư→u, every tone), so "dat dai" finds "đất đai"; `vi_exact` only lower-cases, so a
//! word keeps its tone — in Vietnamese a tone mark makes another word (ma, má, mà, mả, mã, mạ). A
//! query is read on both: what it finds on the folded fields it finds, and a match on the exact
//! fields weighs more, so "đường" comes before "Dương" while "duong" still reaches every spelling.
//! All text is NFC-normalised first: decomposed marks would split words in the tokenizer.
//!
//! Who may see what is part of the query, never a filter on its results: an entry is found only in
//! a fonds the reader may see, at a classification within their clearance and, for a reader, in
//! public use; counts and facets count only those. Each restriction is the cheaper of two clauses,
//! the allowed required or the others excluded. The index is derived data: it is rebuilt from the
//! catalogue and loses nothing when deleted.
//!
//! What a search costs must not grow with what it matches, for the commonest words match nearly
//! everything. A query of plain words is counted, with its facets, on the folded words alone,
//! unscored, the facets read as one ordinal per match from one column (`FacetKeys`); and ranked
//! by the words as typed with block-max pruning, which scores only what could enter the page,
//! each candidate's visibility read from columns (`SearchIndex::pruned`). Whatever holds a word
//! only under other tones follows in a second tier (`SearchIndex::tiered`). The title, the marks
//! and how near the words stand weigh only for the best [`RERANK`], whose order they then decide,
//! each asked of each candidate alone (`SearchIndex::rerank`). Phrases in quotes and the query
//! syntax are scored in full.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::Path;
use std::sync::Mutex;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, QueryParser, RangeQuery, TermQuery, TermSetQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};
use tantivy::{
    DocAddress, DocId, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SeekDangerResult, SegmentReader, TantivyDocument,
    Term, doc,
};
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("chỉ mục tra cứu: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("chỉ mục tra cứu: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
}

impl SearchError {
    /// Whether another process holds the index's writer (a `kho serve` using it).
    pub fn is_locked(&self) -> bool {
        matches!(self, SearchError::Index(tantivy::TantivyError::LockFailure(..)))
    }
}

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Kind {
    Dossier,
    Document,
    Page,
}

impl Kind {
    fn code(self) -> u64 {
        match self {
            Kind::Dossier => 1,
            Kind::Document => 2,
            Kind::Page => 3,
        }
    }

    fn from_code(code: u64) -> Kind {
        match code {
            2 => Kind::Document,
            3 => Kind::Page,
            _ => Kind::Dossier,
        }
    }
}

/// One thing to find: a hồ sơ, a văn bản or a scanned page, with what visibility and the filters
/// decide on. `classification` and `mode` are the hồ sơ's (a page or văn bản is as secret as its
/// hồ sơ, which is as secret as its most secret văn bản).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub kind: Kind,
    pub dossier_id: i64,
    pub document_id: Option<i64>,
    pub page_id: Option<i64>,
    /// The page's number in its hồ sơ's signed PDF.
    pub page_no: Option<u32>,
    pub fonds_id: i64,
    pub unit_id: i64,
    /// 0 none, 1 Mật, 2 Tối mật, 3 Tuyệt mật.
    pub classification: u8,
    /// TT05 mode: "01" public, "02" conditional, "03" restricted.
    pub mode: String,
    pub year: Option<i32>,
    /// Thời hạn bảo quản code.
    pub maintenance: Option<String>,
    /// Văn bản's type code (TT05 typeName).
    pub type_name: Option<String>,
    /// What a hit shows as its heading: the mã hồ sơ and title, the số ký hiệu and trích yếu.
    pub title: String,
    /// Everything else to find it by: codes, bodies, keywords, the page's text.
    pub text: String,
}

#[derive(Clone, Copy)]
struct Fields {
    kind: Field,
    dossier: Field,
    document: Field,
    page: Field,
    page_no: Field,
    fonds: Field,
    unit: Field,
    classification: Field,
    mode: Field,
    year: Field,
    public: Field,
    facet_keys: Field,
    facets: Field,
    all: Field,
    all_exact: Field,
    title: Field,
    title_exact: Field,
    text: Field,
}

const FOLDED: &str = "vi_folded";
const FACETS_OF_ENTRY: &str = "facets";
const EXACT: &str = "vi_exact";

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |tokenizer: &str, stored: bool| {
        let indexing = TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored { options.set_stored() } else { options }
    };
    let fields = Fields {
        kind: builder.add_u64_field("kind", INDEXED | STORED),
        dossier: builder.add_u64_field("dossier", INDEXED | STORED),
        document: builder.add_u64_field("document", STORED),
        page: builder.add_u64_field("page", STORED),
        page_no: builder.add_u64_field("page_no", STORED),
        fonds: builder.add_u64_field("fonds", INDEXED | FAST),
        unit: builder.add_u64_field("unit", INDEXED),
        classification: builder.add_u64_field("classification", INDEXED | FAST),
        mode: builder.add_text_field("mode", tantivy::schema::STRING),
        year: builder.add_i64_field("year", INDEXED | FAST),
        // 1 when in public use (mode 01): what a reader may see, read from the column.
        public: builder.add_u64_field("public", FAST),
        // "root/value" for every facet the entry counts in ("don_vi/12", "nam/2019"), filtered on
        // as terms; and all of them as one value, counted from its column (`FacetKeys`).
        facet_keys: builder.add_text_field("facet_keys", STRING),
        facets: builder.add_text_field(FACETS_OF_ENTRY, STRING | FAST),
        // The title as written, folded (stored: its snippet is cut from it) and with its marks.
        title: builder.add_text_field("title", text(FOLDED, true)),
        title_exact: builder.add_text_field("title_exact", text(EXACT, false)),
        // The text as written, only kept: its snippet is cut from it, its words found in `all`.
        text: builder.add_text_field("text", STORED),
        // The title and the text as one, folded and with their marks: what words are found by.
        all: builder.add_text_field("all", text(FOLDED, false)),
        all_exact: builder.add_text_field("all_exact", text(EXACT, false)),
    };
    (builder.build(), fields)
}

/// Text as the index reads it: NFC, so that a decomposed mark never splits a word.
pub fn normalized(text: &str) -> String {
    text.nfc().collect()
}

/// Who may see what, as the query filters it (the catalogue's `Visibility`, with the fonds it
/// allows listed).
#[derive(Debug, Clone)]
pub struct Allowed {
    pub fonds: Vec<i64>,
    pub clearance: u8,
    pub public_only: bool,
}

/// What a person narrowed the search to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub unit: Option<i64>,
    pub fonds: Option<i64>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    pub maintenance: Option<String>,
    pub type_name: Option<String>,
    pub mode: Option<String>,
    pub kind: Option<Kind>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

/// A search: the words typed, who asks, the filters, which hits.
#[derive(Debug, Clone)]
pub struct Search {
    pub text: String,
    pub allowed: Allowed,
    pub filters: Filters,
    pub offset: usize,
    pub limit: usize,
}

/// A hit: where it is and how it reads, its words marked (`<b>`, the rest escaped).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub kind: Kind,
    pub dossier_id: i64,
    pub document_id: Option<i64>,
    pub page_id: Option<i64>,
    pub page_no: Option<u32>,
    pub title_html: String,
    pub snippet_html: String,
    pub score: f32,
}

/// The hits of one page, how many match in all, and the facet counts of all of them.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Hits {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Per facet ("don_vi", "phong", "nam", "thbq", "loai", "che_do", "kieu"): each value and its count.
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
}

/// The facets counted, in the order a page shows them.
pub const FACETS: [&str; 7] = ["kieu", "don_vi", "phong", "nam", "thbq", "loai", "che_do"];

/// How much of a query is read: a longer one is cut, not refused.
pub const QUERY_MOST_CHARS: usize = 500;

/// How far apart, in words, the words typed together may stand and still weigh as near each
/// other: a name and the place written a few words after it ("Lò Văn Thắng, trú tại bản … Mường
/// Phăng").
const NEAR: u32 = 6;

/// How much more the words typed weigh when they stand near each other: Vietnamese writes a word
/// as several syllables, so syllables together are the strongest sign of the thing asked for.
const PHRASE_BOOST: f32 = 10.0;

/// How much more again the words weigh when they stand side by side as typed, tone marks and all.
const EXACT_PHRASE_BOOST: f32 = 20.0;

/// How many of the best matches by the words alone are ordered again by how near the words
/// stand: enough that what the words alone rank lower than this is not what was asked for.
const RERANK: usize = 200;

/// One clause of a boolean query.
type Clause = (Occur, Box<dyn Query>);

/// Between the facet keys of an entry in its one `facets` value.
const FACET_SEPARATOR: &str = "\u{1f}";

/// A query as read: what it matches, the phrases that weigh how near its words stand (one field
/// each, see [`SearchIndex::rerank`]), and, when it is only plain words, each folded and as typed.
struct Words {
    query: Box<dyn Query>,
    near: Vec<Box<dyn Query>>,
    plain: Option<Vec<(String, String)>>,
}

/// The most hits a page may ask for.
pub const PAGE_MOST: usize = 100;

/// The index: where it lives, one writer, a reader that follows commits.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    /// Where the last commit had read up to in the log of changes: read from the index once when
    /// it opens, then set by each [`SearchIndex::commit_at`], so no search reads it from disk.
    read_up_to: Mutex<Option<i64>>,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when absent (or when it was made by another schema:
    /// derived data is rebuilt, never migrated).
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        std::fs::create_dir_all(dir).map_err(|e| tantivy::TantivyError::SystemError(e.to_string()))?;
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        let index = match Index::open_or_create(directory, schema.clone()) {
            Ok(index) => index,
            Err(tantivy::TantivyError::SchemaError(_)) => {
                std::fs::remove_dir_all(dir).map_err(|e| tantivy::TantivyError::SystemError(e.to_string()))?;
                std::fs::create_dir_all(dir).map_err(|e| tantivy::TantivyError::SystemError(e.to_string()))?;
                Index::create_in_dir(dir, schema)?
            }
            Err(e) => return Err(e.into()),
        };
        SearchIndex::with(index, fields)
    }

    /// An index in memory (tests, benchmarks).
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        SearchIndex::with(Index::create_in_ram(schema), fields)
    }

    fn with(index: Index, fields: Fields) -> Result<SearchIndex, SearchError> {
        index
            .tokenizers()
            .register(FOLDED, TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser).filter(AsciiFoldingFilter).build());
        index.tokenizers().register(EXACT, TextAnalyzer::builder(SimpleTokenizer::default()).filter(LowerCaser).build());
        let writer = index.writer_with_num_threads(1, 50_000_000)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let read_up_to = index.load_metas()?.payload.and_then(|p| p.parse().ok());
        Ok(SearchIndex { index, reader, writer: Mutex::new(writer), fields, read_up_to: Mutex::new(read_up_to) })
    }

    /// Replaces everything indexed of the hồ sơ `dossier_ids` by `entries` (which may be none: the
    /// hồ sơ is gone), visible to searches after [`SearchIndex::commit`].
    pub fn replace(&self, dossier_ids: &[i64], entries: &[Entry]) -> Result<(), SearchError> {
        let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        for id in dossier_ids {
            writer.delete_term(Term::from_field_u64(self.fields.dossier, *id as u64));
        }
        for entry in entries {
            writer.add_document(self.document(entry))?;
        }
        Ok(())
    }

    /// Empties the index (before a rebuild).
    pub fn clear(&self) -> Result<(), SearchError> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner()).delete_all_documents()?;
        Ok(())
    }

    /// Makes what was written visible to searches.
    pub fn commit(&self) -> Result<(), SearchError> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner()).commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// [`SearchIndex::commit`], recording with it how far in the catalogue's log of changes the
    /// index has read: the two cannot part, whatever stops the process.
    pub fn commit_at(&self, change: i64) -> Result<(), SearchError> {
        {
            let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&change.to_string());
            prepared.commit()?;
        }
        *self.read_up_to.lock().unwrap_or_else(|e| e.into_inner()) = Some(change);
        self.reader.reload()?;
        Ok(())
    }

    /// How far in the log of changes the last commit had read; None for an index never filled.
    pub fn read_up_to(&self) -> Option<i64> {
        *self.read_up_to.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many entries the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn document(&self, entry: &Entry) -> TantivyDocument {
        let f = &self.fields;
        let (title, text) = (normalized(&entry.title), normalized(&entry.text));
        let mut document = doc!(
            f.kind => entry.kind.code(),
            f.dossier => entry.dossier_id as u64,
            f.fonds => entry.fonds_id as u64,
            f.unit => entry.unit_id as u64,
            f.classification => entry.classification as u64,
            f.mode => entry.mode.clone(),
            f.all => title.clone(),
            f.all_exact => title.clone(),
            f.title => title.clone(),
            f.title_exact => title,
            f.all => text.clone(),
            f.all_exact => text.clone(),
            f.text => text,
            f.public => u64::from(entry.mode == "01"),
        );
        if let Some(id) = entry.document_id {
            document.add_u64(f.document, id as u64);
        }
        if let Some(id) = entry.page_id {
            document.add_u64(f.page, id as u64);
        }
        if let Some(n) = entry.page_no {
            document.add_u64(f.page_no, n as u64);
        }
        let kind = match entry.kind {
            Kind::Dossier => "ho_so",
            Kind::Document => "van_ban",
            Kind::Page => "trang",
        };
        let mut keys = vec![format!("kieu/{kind}"), format!("don_vi/{}", entry.unit_id), format!("phong/{}", entry.fonds_id)];
        keys.push(format!("che_do/{}", entry.mode));
        if let Some(year) = entry.year {
            document.add_i64(f.year, year as i64);
            keys.push(format!("nam/{year}"));
        }
        if let Some(code) = &entry.maintenance {
            keys.push(format!("thbq/{code}"));
        }
        if let Some(code) = &entry.type_name {
            keys.push(format!("loai/{code}"));
        }
        for key in &keys {
            document.add_text(f.facet_keys, key);
        }
        document.add_text(f.facets, keys.join(FACET_SEPARATOR));
        document
    }

    /// The words typed as a query on both the folded and the exact fields, exact matches weighing
    /// more; typos in the syntax are read leniently, never refused. None when nothing is left to
    /// look for (empty, or only wildcards and signs).
    fn words(&self, text: &str) -> Option<Words> {
        let text: String = normalized(text).chars().take(QUERY_MOST_CHARS).collect();
        if !text.chars().any(char::is_alphanumeric) {
            return None;
        }
        let f = &self.fields;
        let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.all, f.title_exact, f.all_exact]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.title, 2.0);
        parser.set_field_boost(f.title_exact, 6.0);
        parser.set_field_boost(f.all_exact, 3.0);
        let (query, _errors) = parser.parse_query_lenient(&text);
        let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        let plain = self.plain(&text);
        let mut near = vec![];
        if !text.contains('"') && words.len() > 1 {
            // Words typed without quotes: those that stand near each other, in order, weigh more;
            // and more again side by side as typed, tone marks and all, for a twin under other
            // tones may stand near the same words with the asked word a few words before it.
            let words = words.join(" ");
            let phrases = [
                (f.title, 2.0 * PHRASE_BOOST, NEAR),
                (f.all, PHRASE_BOOST, NEAR),
                (f.title_exact, 6.0 * PHRASE_BOOST, NEAR),
                (f.all_exact, 3.0 * PHRASE_BOOST, NEAR),
                (f.title_exact, 2.0 * EXACT_PHRASE_BOOST, 0),
                (f.all_exact, EXACT_PHRASE_BOOST, 0),
            ];
            for (field, boost, slop) in phrases {
                let terms = self
                    .tokens(field, &words)
                    .into_iter()
                    .map(|(position, word)| (position, Term::from_field_text(field, &word)))
                    .collect();
                let phrase = PhraseQuery::new_with_offset_and_slop(terms, slop);
                if phrase.phrase_terms().len() > 1 {
                    near.push(Box::new(BoostQuery::new(Box::new(phrase), boost)) as Box<dyn Query>);
                }
            }
        }
        Some(Words { query, near, plain })
    }

    /// A query of plain words (no quotes, signs or operators, each word one word to the index),
    /// each word folded and as typed. None for any other query.
    fn plain(&self, text: &str) -> Option<Vec<(String, String)>> {
        let f = &self.fields;
        let mut terms: Vec<(String, String)> = vec![];
        for piece in text.split_whitespace() {
            if piece.chars().any(|c| "\"*:+-()[]{}^~\\!'`<>=".contains(c)) || ["AND", "OR", "NOT", "IN"].contains(&piece) {
                return None;
            }
            let folded = self.tokens(f.all, piece);
            let exact = self.tokens(f.all_exact, piece);
            match (folded.as_slice(), exact.as_slice()) {
                ([], []) => continue,
                ([(_, folded)], [(_, exact)]) => {
                    let pair = (folded.clone(), exact.clone());
                    if !terms.contains(&pair) {
                        terms.push(pair);
                    }
                }
                _ => return None,
            }
        }
        (!terms.is_empty()).then_some(terms)
    }

    /// The words of `text` as `field` reads them, with their positions.
    fn tokens(&self, field: Field, text: &str) -> Vec<(usize, String)> {
        let Ok(mut analyzer) = self.index.tokenizer_for_field(field) else { return vec![] };
        let mut stream = analyzer.token_stream(text);
        let mut tokens = vec![];
        while let Some(token) = stream.next() {
            tokens.push((token.position, token.text.clone()));
        }
        tokens
    }

    /// What `search.allowed` may see of the index, narrowed by its filters.
    fn visible(&self, searcher: &tantivy::Searcher, search: &Search) -> Result<Vec<Clause>, SearchError> {
        let f = &self.fields;
        let allowed = &search.allowed;
        let fonds: std::collections::HashSet<u64> = allowed.fonds.iter().map(|id| *id as u64).collect();
        let number = |bytes: &[u8]| Some(u64::from_be_bytes(bytes.try_into().ok()?));
        let mut clauses: Vec<Clause> = vec![];
        clauses.extend(self.restricted(searcher, f.fonds, |bytes| number(bytes).is_some_and(|id| fonds.contains(&id)))?);
        clauses.extend(self.restricted(searcher, f.classification, |bytes| number(bytes).is_some_and(|c| c <= allowed.clearance as u64))?);
        if allowed.public_only {
            clauses.extend(self.restricted(searcher, f.mode, |bytes| bytes == b"01")?);
        }
        let text_term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
        };
        let filters = &search.filters;
        let u64_term = |field: Field, value: u64| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_u64(field, value), IndexRecordOption::Basic))
        };
        if let Some(unit) = filters.unit {
            clauses.push((Occur::Must, u64_term(f.unit, unit as u64)));
        }
        if let Some(fonds) = filters.fonds {
            clauses.push((Occur::Must, u64_term(f.fonds, fonds as u64)));
        }
        if let Some(kind) = filters.kind {
            clauses.push((Occur::Must, u64_term(f.kind, kind.code())));
        }
        if let Some(mode) = &filters.mode {
            clauses.push((Occur::Must, text_term(f.mode, mode)));
        }
        for (root, value) in [("thbq", &filters.maintenance), ("loai", &filters.type_name)] {
            if let Some(value) = value {
                clauses.push((Occur::Must, text_term(f.facet_keys, &format!("{root}/{value}"))));
            }
        }
        if filters.year_from.is_some() || filters.year_to.is_some() {
            let bound = |year: Option<i32>| match year {
                Some(y) => Bound::Included(Term::from_field_i64(f.year, y as i64)),
                None => Bound::Unbounded,
            };
            clauses.push((Occur::Must, Box::new(RangeQuery::new(bound(filters.year_from), bound(filters.year_to)))));
        }
        Ok(clauses)
    }

    /// Only the entries whose `field` holds a value `allowed` (as its bytes in the index), as the
    /// cheaper of two clauses: those values required, or the others excluded, whichever fewer
    /// entries hold; none when every value held is allowed.
    fn restricted(
        &self,
        searcher: &tantivy::Searcher,
        field: Field,
        allowed: impl Fn(&[u8]) -> bool,
    ) -> Result<Option<Clause>, SearchError> {
        let (mut yes, mut no) = (BTreeMap::<Vec<u8>, u64>::new(), BTreeMap::<Vec<u8>, u64>::new());
        for reader in searcher.segment_readers() {
            let inverted = reader.inverted_index(field)?;
            let mut terms = inverted.terms().stream().map_err(tantivy::TantivyError::from)?;
            while terms.advance() {
                let side = if allowed(terms.key()) { &mut yes } else { &mut no };
                *side.entry(terms.key().to_vec()).or_insert(0) += u64::from(terms.value().doc_freq);
            }
        }
        if no.is_empty() {
            return Ok(None);
        }
        let (occur, values) = if yes.values().sum::<u64>() <= no.values().sum::<u64>() { (Occur::Must, yes) } else { (Occur::MustNot, no) };
        let numeric = matches!(searcher.schema().get_field_entry(field).field_type(), tantivy::schema::FieldType::U64(_));
        let terms: Vec<Term> = values
            .into_keys()
            .filter_map(|bytes| match numeric {
                true => Some(Term::from_field_u64(field, u64::from_be_bytes(bytes.as_slice().try_into().ok()?))),
                false => Some(Term::from_field_text(field, std::str::from_utf8(&bytes).ok()?)),
            })
            .collect();
        Ok(Some((occur, Box::new(TermSetQuery::new(terms)))))
    }

    /// The hits of `search`, with their total and facet counts, all within what its reader may see.
    pub fn search(&self, search: &Search) -> Result<Hits, SearchError> {
        let Some(words) = self.words(&search.text) else { return Ok(Hits::default()) };
        if search.allowed.fonds.is_empty() {
            return Ok(Hits::default());
        }
        let searcher = self.reader.searcher();
        // Read from the term dictionaries once, then shared by every query of this search.
        let visible = self.visible(&searcher, search)?;
        let matching = within(&visible, words.query.box_clone());
        let limit = search.limit.clamp(1, PAGE_MOST);
        let offset = search.offset.min(1_000_000);
        let wanted = offset + limit;
        let (total, top, counted) = match &words.plain {
            Some(plain) if search.filters.is_empty() => {
                // Plain words: counted unscored on the folded words, ranked with pruning.
                let folded: Vec<Term> = plain.iter().map(|(folded, _)| Term::from_field_text(self.fields.all, folded)).collect();
                let (total, counted) = searcher.search(&within(&visible, all_of(folded, false)), &(Count, FacetKeys))?;
                (total, self.tiered(&searcher, search, &visible, &words, wanted, total)?, counted)
            }
            _ => {
                // The best RERANK (or as many as the page reaches) by the words alone, with the
                // count and the facets of every match; then nearness orders the best RERANK.
                let top = TopDocs::with_limit(wanted.max(RERANK)).order_by_score();
                let (total, top, counted) = searcher.search(&matching, &(Count, top, FacetKeys))?;
                (total, self.rerank(&searcher, &words.near, top)?, counted)
            }
        };
        let top: Vec<(Score, DocAddress)> = top.into_iter().skip(offset).take(limit).collect();
        let f = &self.fields;
        let mut title_snippets = SnippetGenerator::create(&searcher, &matching, f.title)?;
        title_snippets.set_max_num_chars(300);
        let mut text_snippets = SnippetGenerator::create(&searcher, &matching, f.all)?;
        text_snippets.set_max_num_chars(240);
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let document: TantivyDocument = searcher.doc(address)?;
            let number = |field: Field| document.get_first(field).and_then(|v| v.as_u64());
            let title = title_snippets.snippet_from_doc(&document);
            let title_html = if title.highlighted().is_empty() {
                escape(document.get_first(f.title).and_then(|v| v.as_str()).unwrap_or_default())
            } else {
                title.to_html()
            };
            hits.push(Hit {
                kind: Kind::from_code(number(f.kind).unwrap_or(1)),
                dossier_id: number(f.dossier).unwrap_or(0) as i64,
                document_id: number(f.document).map(|v| v as i64),
                page_id: number(f.page).map(|v| v as i64),
                page_no: number(f.page_no).map(|v| v as u32),
                title_html,
                snippet_html: text_snippets.snippet(document.get_first(f.text).and_then(|v| v.as_str()).unwrap_or_default()).to_html(),
                score,
            });
        }
        let mut facet_counts: BTreeMap<String, Vec<(String, u64)>> = FACETS.iter().map(|root| (root.to_string(), vec![])).collect();
        for (key, count) in counted {
            if let Some((root, value)) = key.split_once('/')
                && let Some(values) = facet_counts.get_mut(root)
            {
                values.push((value.to_string(), count));
            }
        }
        for values in facet_counts.values_mut() {
            values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        }
        Ok(Hits { total, hits, facets: facet_counts })
    }
}

impl SearchIndex {
    /// Plain words, ranked in two tiers, best first, at least `wanted` of them where there are.
    /// First what holds every word as typed, tone marks and all: ranked by the words alone on
    /// `all` and `all_exact` with block-max pruning, so that the cost grows with the page, not with
    /// the matches. Then, only when a page reaches past those, what holds some word only under
    /// other tones, scored in full. The best [`RERANK`] of each tier are then ordered again by the
    /// words in the title, as typed, and near each other.
    fn tiered(
        &self,
        searcher: &tantivy::Searcher,
        search: &Search,
        visible: &[Clause],
        words: &Words,
        wanted: usize,
        total: usize,
    ) -> Result<Vec<(Score, DocAddress)>, SearchError> {
        let plain = words.plain.as_deref().unwrap_or_default();
        let f = &self.fields;
        let as_typed: Vec<Term> = plain
            .iter()
            .map(
                |(folded, exact)| {
                    if folded == exact { Term::from_field_text(f.all, folded) } else { Term::from_field_text(f.all_exact, exact) }
                },
            )
            .collect();
        let k = wanted.max(RERANK).min(total);
        let first = self.pruned(searcher, &search.allowed, all_of(as_typed.clone(), true).as_ref(), k)?;
        let exhausted = first.len() < k;
        let mut leaves: Vec<Box<dyn Query>> = words.near.iter().map(|q| q.box_clone()).collect();
        for (folded, exact) in plain {
            for (field, word, boost) in [(f.title, folded, 2.0), (f.title_exact, exact, 6.0), (f.all_exact, exact, 3.0)] {
                let term = TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqs);
                leaves.push(Box::new(BoostQuery::new(Box::new(term), boost)));
            }
        }
        let mut top = self.rerank(searcher, &leaves, first)?;
        if exhausted && wanted > top.len() && plain.iter().any(|(folded, exact)| folded != exact) {
            let found = Box::new(within(visible, words.query.box_clone()));
            let others = BooleanQuery::new(vec![(Occur::Must, found as Box<dyn Query>), (Occur::MustNot, all_of(as_typed, false))]);
            let rest = TopDocs::with_limit((wanted - top.len()).max(RERANK)).order_by_score();
            let rest = searcher.search(&others, &rest)?;
            top.extend(self.rerank(searcher, &words.near, rest)?);
        }
        Ok(top)
    }

    /// The best `k` of what `query` matches and `allowed` may see, by score then place. Block-max
    /// pruning skips what cannot enter the best `k`; each candidate's visibility is read from the
    /// columns, as tantivy reads whether it was deleted.
    fn pruned(
        &self,
        searcher: &tantivy::Searcher,
        allowed: &Allowed,
        query: &dyn Query,
        k: usize,
    ) -> Result<Vec<(Score, DocAddress)>, SearchError> {
        if k == 0 {
            return Ok(vec![]);
        }
        let weight = query.weight(tantivy::query::EnableScoring::enabled_from_searcher(searcher))?;
        let fonds: std::collections::HashSet<u64> = allowed.fonds.iter().map(|id| *id as u64).collect();
        let mut best: Vec<(Score, DocAddress)> = vec![];
        for (segment, reader) in searcher.segment_readers().iter().enumerate() {
            let columns = reader.fast_fields();
            let (in_fonds, classification, public) = (columns.u64("fonds")?, columns.u64("classification")?, columns.u64("public")?);
            let alive = reader.alive_bitset();
            let visible = |doc: DocId| {
                alive.is_none_or(|a| a.is_alive(doc))
                    && in_fonds.first(doc).is_some_and(|id| fonds.contains(&id))
                    && classification.first(doc).is_some_and(|c| c <= allowed.clearance as u64)
                    && (!allowed.public_only || public.first(doc) == Some(1))
            };
            // The worst of the best k on top: lowest score, then latest place.
            let mut heap: std::collections::BinaryHeap<std::cmp::Reverse<Candidate>> = std::collections::BinaryHeap::with_capacity(k + 1);
            let mut threshold = Score::MIN;
            weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
                if !visible(doc) {
                    return threshold;
                }
                heap.push(std::cmp::Reverse(Candidate(score, doc)));
                if heap.len() > k {
                    heap.pop();
                }
                if heap.len() == k {
                    threshold = heap.peek().map(|c| c.0.0).unwrap_or(Score::MIN);
                }
                threshold
            })?;
            best.extend(heap.into_iter().map(|c| (c.0.0, DocAddress::new(segment as u32, c.0.1))));
        }
        best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        best.truncate(k);
        Ok(best)
    }

    /// The best [`RERANK`] of `top` (best first) with the score of each of the phrases `near`
    /// added where it matches, in their new order, followed by the rest as they were. Each phrase
    /// is asked of each candidate alone (`seek_danger`), never searched for between them: what it
    /// costs grows with the candidates, not with the matches.
    fn rerank(
        &self,
        searcher: &tantivy::Searcher,
        near: &[Box<dyn Query>],
        top: Vec<(Score, DocAddress)>,
    ) -> Result<Vec<(Score, DocAddress)>, SearchError> {
        if near.is_empty() {
            return Ok(top);
        }
        let cut = top.len().min(RERANK);
        let (mut best, rest) = (top[..cut].to_vec(), &top[cut..]);
        let mut order: Vec<usize> = (0..best.len()).collect();
        order.sort_by_key(|&i| (best[i].1.segment_ord, best[i].1.doc_id));
        for phrase in near {
            let weight = phrase.weight(tantivy::query::EnableScoring::enabled_from_searcher(searcher))?;
            // The scorer of the segment at hand, and the first doc it could still match.
            let mut scorer: Option<(u32, Box<dyn tantivy::query::Scorer>, DocId)> = None;
            for &i in &order {
                let address = best[i].1;
                let found = match scorer.as_mut() {
                    Some((segment, s, next)) if *segment == address.segment_ord => {
                        if address.doc_id < *next {
                            continue;
                        }
                        let found = s.seek_danger(address.doc_id);
                        (found, s)
                    }
                    _ => {
                        // Made at the candidate, not at the segment's first match: finding that
                        // could mean reading every position of the segment.
                        let reader = searcher.segment_reader(address.segment_ord);
                        let (found, s) = weight.scorer_danger(reader, address.doc_id, 1.0)?;
                        let (_, s, _) = scorer.insert((address.segment_ord, s, 0));
                        (found, s)
                    }
                };
                let next = match found {
                    (SeekDangerResult::Found, s) => {
                        best[i].0 += s.score();
                        address.doc_id + 1
                    }
                    (SeekDangerResult::SeekLowerBound(bound), _) => bound,
                };
                if let Some((_, _, n)) = scorer.as_mut() {
                    *n = next;
                }
            }
        }
        best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        best.extend_from_slice(rest);
        Ok(best)
    }
}

/// Counts every facet key of the matches from the column of `facets`, which holds all of an
/// entry's keys as one value: one array increment per match, the keys read and split once per
/// segment at the end.
struct FacetKeys;

struct SegmentFacetKeys {
    column: Option<tantivy::columnar::StrColumn>,
    counts: Vec<u64>,
}

impl Collector for FacetKeys {
    type Fruit = BTreeMap<String, u64>;
    type Child = SegmentFacetKeys;

    fn for_segment(&self, _segment: u32, reader: &SegmentReader) -> tantivy::Result<SegmentFacetKeys> {
        let column = reader.fast_fields().str(FACETS_OF_ENTRY)?;
        let terms = column.as_ref().map(|c| c.num_terms()).unwrap_or(0);
        Ok(SegmentFacetKeys { column, counts: vec![0; terms] })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<BTreeMap<String, u64>>) -> tantivy::Result<BTreeMap<String, u64>> {
        let mut all = BTreeMap::new();
        for fruit in fruits {
            for (key, count) in fruit {
                *all.entry(key).or_insert(0) += count;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentFacetKeys {
    type Fruit = BTreeMap<String, u64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(ord) = self.column.as_ref().and_then(|c| c.ords().first(doc)) {
            self.counts[ord as usize] += 1;
        }
    }

    fn harvest(self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        let Some(column) = self.column else { return out };
        let mut keys = String::new();
        for (ord, count) in self.counts.into_iter().enumerate() {
            if count > 0 && column.ord_to_str(ord as u64, &mut keys).unwrap_or(false) {
                for key in keys.split(FACET_SEPARATOR) {
                    *out.entry(key.to_string()).or_insert(0) += count;
                }
            }
        }
        out
    }
}

/// A candidate for the best k: its score, then its place (earlier is better).
#[derive(PartialEq)]
struct Candidate(Score, DocId);

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0).then(other.1.cmp(&self.1))
    }
}

/// `words` within the `visible` clauses of a search (what it may see and is narrowed to).
fn within(visible: &[Clause], words: Box<dyn Query>) -> BooleanQuery {
    let mut clauses: Vec<Clause> = visible.iter().map(|(occur, query)| (*occur, query.box_clone())).collect();
    clauses.push((Occur::Must, words));
    BooleanQuery::new(clauses)
}

/// The conjunction of `terms`, scored or not.
fn all_of(terms: Vec<Term>, scored: bool) -> Box<dyn Query> {
    let option = if scored { IndexRecordOption::WithFreqs } else { IndexRecordOption::Basic };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        terms.into_iter().map(|t| (Occur::Must, Box::new(TermQuery::new(t, option)) as Box<dyn Query>)).collect();
    if clauses.len() == 1 {
        return clauses.remove(0).1;
    }
    Box::new(BooleanQuery::new(clauses))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
