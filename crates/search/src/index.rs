//! [`SearchIndex`]: the lexical index, the optional semantic index, the catalog facts and the
//! shop's settings behind one search call.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, RwLock};

use aisle_domain::Item;

use crate::catalog::{embedding_text, CatalogFacts, ItemFacts};
use crate::fusion::{self, Fused};
use crate::highlight::highlight;
use crate::lexical::query::{self, PreparedSettings};
use crate::lexical::{AllHits, LexicalIndex};
use crate::request::{
    Hit, Parsed, SearchRequest, SearchResults, SortOrder, MAX_LIMIT, MAX_QUERY_CHARS,
};
use crate::semantic::SemanticIndex;
use crate::understand::{max_of, min_of, understand, ParsedKind, Vocabulary};
use crate::{facets, Error, Filters, Result, SearchSettings};

/// Candidates the shopper's scores re-rank, at least.
const PERSONAL_DEPTH: usize = 50;
/// Items matching only some of the query's words that are kept, the best first.
const MAX_PARTIAL_MATCHES: usize = 1_000;

/// The shopper's side of a search: scores for candidate items, from the shop's recommender.
pub struct Personal<'a> {
    /// Scores for the given item indexes, in order; higher means the shopper likes it more.
    pub scores: &'a dyn Fn(&[u32]) -> Vec<f32>,
}

/// How far the index is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexStatus {
    /// Items known.
    pub items: usize,
    /// Documents in the lexical index.
    pub lexical_documents: u64,
    /// The embedding model, if semantic search is on.
    pub model: Option<String>,
    /// Items embedded.
    pub semantic_items: usize,
    /// Items still to embed.
    pub semantic_pending: usize,
}

/// What a catalog sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Items (re)indexed because they were new or changed.
    pub indexed: usize,
    /// Items dropped because the catalog no longer has them.
    pub removed: usize,
    /// Items already indexed as they are.
    pub unchanged: usize,
}

struct Settings {
    shop: SearchSettings,
    prepared: PreparedSettings,
}

/// Product search over one catalog.
pub struct SearchIndex {
    lexical: LexicalIndex,
    semantic: RwLock<Option<Arc<SemanticIndex>>>,
    catalog: RwLock<CatalogFacts>,
    settings: RwLock<Arc<Settings>>,
    vocabulary: RwLock<Arc<Vocabulary>>,
    /// Attribute keys some item records (a colour in the query filters only if colours exist).
    attribute_keys: RwLock<Arc<HashSet<String>>>,
    popularity: RwLock<Arc<Vec<f32>>>,
    queries: RwLock<Arc<Vec<(String, u64)>>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("status", &self.status()).finish()
    }
}

/// Read a lock, recovering from a panicked writer (the data is replaced whole, never torn).
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|p| p.into_inner())
}

impl SearchIndex {
    /// Opens (or creates) the index kept in `dir`.
    pub fn open(dir: &Path, settings: SearchSettings) -> Result<Self> {
        Self::with_lexical(LexicalIndex::open(&dir.join("lexical"))?, settings)
    }

    /// An index held in memory.
    pub fn in_memory(settings: SearchSettings) -> Result<Self> {
        Self::with_lexical(LexicalIndex::in_memory()?, settings)
    }

    fn with_lexical(lexical: LexicalIndex, settings: SearchSettings) -> Result<Self> {
        settings.validate()?;
        let prepared = PreparedSettings::new(&settings);
        Ok(Self {
            lexical,
            semantic: RwLock::new(None),
            catalog: RwLock::new(CatalogFacts::default()),
            settings: RwLock::new(Arc::new(Settings { shop: settings, prepared })),
            vocabulary: RwLock::new(Arc::new(Vocabulary::new())),
            attribute_keys: RwLock::new(Arc::new(HashSet::new())),
            popularity: RwLock::new(Arc::new(Vec::new())),
            queries: RwLock::new(Arc::new(Vec::new())),
        })
    }

    /// Turns semantic search on with this index (items not yet embedded in it are found by
    /// [`Self::semantic_backlog`]).
    pub fn attach_semantic(&self, semantic: SemanticIndex) {
        *write(&self.semantic) = Some(Arc::new(semantic));
    }

    /// The semantic index, if attached.
    pub fn semantic(&self) -> Option<Arc<SemanticIndex>> {
        read(&self.semantic).clone()
    }

    /// The shop's settings.
    pub fn settings(&self) -> SearchSettings {
        read(&self.settings).shop.clone()
    }

    /// Replaces the shop's settings (checked first).
    pub fn set_settings(&self, settings: SearchSettings) -> Result<()> {
        settings.validate()?;
        let prepared = PreparedSettings::new(&settings);
        *write(&self.settings) = Arc::new(Settings { shop: settings, prepared });
        Ok(())
    }

    /// Popularity by item index: the order of a search without words, the `popular` sort and
    /// the tie-breaker between equally relevant items.
    pub fn set_popularity(&self, popularity: Vec<f32>) {
        *write(&self.popularity) = Arc::new(popularity);
    }

    /// Shoppers' past queries with how often each was searched, for suggestions.
    pub fn set_popular_queries(&self, mut queries: Vec<(String, u64)>) {
        queries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        *write(&self.queries) = Arc::new(queries);
    }

    pub(crate) fn popular_queries(&self) -> Arc<Vec<(String, u64)>> {
        read(&self.queries).clone()
    }

    /// Items whose embedded text is nearest to `item`'s (as (index, cosine similarity), best
    /// first, `item` itself left out): content-based similar items for an item no behaviour
    /// model knows yet. `None` without a semantic index or when the model cannot read the
    /// item's text.
    pub fn similar_by_meaning(&self, item: &Item, k: usize) -> Result<Option<Vec<(u32, f32)>>> {
        let Some(semantic) = self.semantic() else { return Ok(None) };
        let text = embedding_text(&ItemFacts::of(item));
        let (vector, _) = semantic.embed_query(&text)?;
        let catalog = read(&self.catalog);
        let own = item.id.as_str();
        let accept = |i: u32| catalog.get(i).is_some_and(|f| !f.hidden && f.id != own);
        Ok(Some(semantic.nearest(&vector, k, &accept)))
    }

    /// The shop's id of item `index`, if the index knows it.
    pub fn item_id(&self, index: u32) -> Option<String> {
        read(&self.catalog).get(index).map(|f| f.id.clone())
    }

    /// Counts of what the index holds.
    pub fn status(&self) -> IndexStatus {
        let semantic = self.semantic();
        IndexStatus {
            items: read(&self.catalog).len(),
            lexical_documents: self.lexical.len(),
            model: semantic.as_ref().map(|s| s.encoder().model_name().to_string()),
            semantic_items: semantic.as_ref().map_or(0, |s| s.len()),
            semantic_pending: self.semantic_backlog(),
        }
    }

    /// Starts a full comparison of the catalog with the index: hand it every item, then finish.
    pub fn begin_sync(&self) -> Result<CatalogSync<'_>> {
        Ok(CatalogSync {
            index: self,
            stored: self.lexical.stored_hashes()?,
            catalog: CatalogFacts::default(),
            report: SyncReport::default(),
        })
    }

    /// Adds or replaces items now (the catalog changed through the API).
    pub fn upsert(&self, items: &[(u32, Item)]) -> Result<()> {
        let facts: Vec<(u32, ItemFacts)> =
            items.iter().map(|(i, item)| (*i, ItemFacts::of(item))).collect();
        self.lexical
            .upsert(items.iter().zip(&facts).map(|((i, item), (_, f))| (*i, item, f.text_hash)))?;
        self.lexical.commit()?;
        let mut catalog = write(&self.catalog);
        for (index, facts) in facts {
            catalog.set(index, facts);
        }
        drop(catalog);
        self.refresh_vocabulary();
        Ok(())
    }

    /// Removes an item now.
    pub fn remove(&self, index: u32) -> Result<()> {
        self.lexical.remove(index);
        self.lexical.commit()?;
        write(&self.catalog).remove(index);
        if let Some(semantic) = self.semantic() {
            semantic.remove(index);
        }
        Ok(())
    }

    /// Items whose current text is not embedded yet.
    pub fn semantic_backlog(&self) -> usize {
        let Some(semantic) = self.semantic() else { return 0 };
        read(&self.catalog).iter().filter(|(i, f)| !semantic.is_current(*i, f.text_hash)).count()
    }

    /// Embeds up to `max` items not yet embedded, reporting (done, total) after each batch.
    /// Returns how many were embedded; saves the semantic index when any were.
    pub fn catch_up_semantic(
        &self,
        max: usize,
        on_progress: &mut dyn FnMut(usize, usize),
    ) -> Result<usize> {
        let Some(semantic) = self.semantic() else { return Ok(0) };
        let pending: Vec<(u32, String, u64)> = read(&self.catalog)
            .iter()
            .filter(|(i, f)| !semantic.is_current(*i, f.text_hash))
            .take(max)
            .map(|(i, f)| (i, embedding_text(f), f.text_hash))
            .collect();
        let total = pending.len();
        let mut done = 0;
        for batch in pending.chunks(crate::semantic::EMBED_BATCH) {
            semantic.add(batch)?;
            done += batch.len();
            on_progress(done, total);
        }
        if total > 0 {
            semantic.save()?;
        }
        Ok(total)
    }

    fn refresh_vocabulary(&self) {
        let catalog = read(&self.catalog);
        let mut names: HashSet<&str> = HashSet::new();
        let mut keys: HashSet<String> = HashSet::new();
        for (_, facts) in catalog.iter() {
            names.extend(facts.categories.iter().map(String::as_str));
            keys.extend(
                facts.attributes.keys().filter(|k| !keys.contains(*k)).cloned().collect::<Vec<_>>(),
            );
        }
        let mut vocabulary = Vocabulary::new();
        for name in names {
            let words = category_words(name);
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            vocabulary.add_category(name, &words);
        }
        *write(&self.vocabulary) = Arc::new(vocabulary);
        *write(&self.attribute_keys) = Arc::new(keys);
    }

    /// Searches. `personal` re-ranks the best candidates with the shopper's scores when the
    /// order is by relevance.
    pub fn search(
        &self,
        request: &SearchRequest,
        personal: Option<&Personal<'_>>,
    ) -> Result<SearchResults> {
        check_request(request)?;
        let settings = read(&self.settings).clone();
        let catalog = read(&self.catalog);
        let mut results = SearchResults::default();
        let (text, filters) = self.understood(request, &mut results.parsed);
        let filters = filters.lowered();
        let accept = |index: u32| catalog.get(index).is_some_and(|f| filters.accepts(f));
        let wanted = request.offset + request.limit;

        let mut ratio = request.semantic_ratio.unwrap_or(settings.shop.semantic_ratio);
        let semantic = self.semantic();
        if text.trim().is_empty() {
            ratio = 0.0;
        } else if ratio > 0.0 {
            match &semantic {
                None => {
                    results.notes.push(
                        "semantic search is off (no embedding model); lexical results only".into(),
                    );
                    ratio = 0.0;
                }
                Some(s) if !s.can_read(&text) => {
                    results.notes.push(format!(
                        "the embedding model {} does not know most of this query's words (script); lexical results only",
                        s.encoder().model_name()
                    ));
                    ratio = 0.0;
                }
                Some(_) => {}
            }
        }

        let lexical = if ratio < 1.0 {
            self.lexical_hits(&text, &settings.prepared, request.prefix, wanted, &accept, &catalog)?
        } else {
            LexicalHits::default()
        };
        let semantic_hits = match (&semantic, ratio > 0.0) {
            (Some(s), true) => {
                let (vector, _) = s.embed_query(&text)?;
                let pool = (wanted * 3).max(100);
                let floor = settings.shop.semantic_min_similarity;
                s.nearest(&vector, pool, &accept)
                    .into_iter()
                    .filter(|&(_, sim)| sim >= floor)
                    .collect()
            }
            _ => Vec::new(),
        };
        results.semantic_ratio = ratio;

        let popularity = read(&self.popularity).clone();
        let mut fused = fusion::fuse(&lexical.scored, &semantic_hits, ratio);
        // Popularity is heavy-tailed: on a log scale the prior still tells apart the many items
        // below the few best-sellers.
        let popular =
            |item: u32| popularity.get(item as usize).copied().unwrap_or(0.0).max(0.0).ln_1p();
        let best = fused.iter().map(|f| popular(f.item)).fold(0.0f32, f32::max);
        if lexical.without_words {
            for f in &mut fused {
                f.score = popular(f.item) / best.max(1e-9);
            }
        } else if best > 0.0 && settings.shop.popularity_weight > 0.0 {
            let weight = settings.shop.popularity_weight;
            for f in &mut fused {
                f.score += weight * popular(f.item) / best;
            }
        }
        let depth = wanted.max(PERSONAL_DEPTH);
        if request.sort == SortOrder::Relevance {
            fusion::best_first(&mut fused, depth);
        }
        let highlight_terms = lexical.highlight;
        results.total = fused.len();
        if request.facets.as_ref().is_none_or(|f| !f.is_empty()) {
            results.facets = facets::count(
                fused.iter().filter_map(|f| catalog.get(f.item)),
                request.facets.as_deref(),
            );
        }
        match request.sort {
            SortOrder::Relevance => {
                if let Some(personal) = personal {
                    let depth = wanted.max(PERSONAL_DEPTH).min(fused.len());
                    let items: Vec<u32> = fused[..depth].iter().map(|f| f.item).collect();
                    let scores = (personal.scores)(&items);
                    fusion::personalize(&mut fused, &scores, settings.shop.personalization_weight);
                    results.personalized =
                        settings.shop.personalization_weight > 0.0 && scores.len() > 1;
                }
            }
            order => sort_by_facts(&mut fused, order, wanted, &catalog, &popularity),
        }
        results.hits = fused
            .iter()
            .skip(request.offset)
            .take(request.limit)
            .filter_map(|f| {
                let facts = catalog.get(f.item)?;
                Some(Hit {
                    item: f.item,
                    id: facts.id.clone(),
                    title: facts.title.clone(),
                    highlight: highlight(&facts.title, &highlight_terms, lexical.prefix.as_deref()),
                    score: f.score,
                    lexical: f.lexical,
                    semantic: f.semantic,
                    price: facts.price,
                })
            })
            .collect();
        Ok(results)
    }

    /// The query's text and filters after understanding, with what was understood recorded.
    fn understood(&self, request: &SearchRequest, parsed: &mut Parsed) -> (String, Filters) {
        let mut filters = request.filters.clone();
        if !request.understand {
            parsed.text = request.query.clone();
            return (request.query.clone(), filters);
        }
        let vocabulary = read(&self.vocabulary).clone();
        let attribute_keys = read(&self.attribute_keys).clone();
        let understood = understand(&request.query, &vocabulary);
        let mut taken = Filters::default();
        if understood.min_price.is_some() || understood.max_price.is_some() {
            taken.min_price = understood.min_price;
            taken.max_price = understood.max_price;
            filters.min_price = max_of(filters.min_price, understood.min_price);
            filters.max_price = min_of(filters.max_price, understood.max_price);
        }
        // A colour or size becomes a filter only where the catalog records it (otherwise the
        // words stay in the text: a catalog without attributes still names colours in titles),
        // and a lenient one: items that record no colour at all (a lipstick in a shop that
        // colours only clothes) still pass.
        let mut applied = vec![ParsedKind::Price];
        for (key, kind, values) in [
            ("colour", ParsedKind::Colour, &understood.colours),
            ("size", ParsedKind::Size, &understood.sizes),
        ] {
            if !values.is_empty() && attribute_keys.contains(key) {
                taken.lenient_attributes.push((key.to_string(), values.clone()));
                filters.lenient_attributes.push((key.to_string(), values.clone()));
                applied.push(kind);
            }
        }
        // The text keeps everything not applied as a filter: category words in particular still
        // match titles and category paths, which ranks better than a hard category filter.
        let mut text = String::with_capacity(request.query.len());
        let mut at = 0;
        for span in understood.spans.iter().filter(|s| applied.contains(&s.kind)) {
            if span.start >= at && span.end <= request.query.len() {
                text.push_str(&request.query[at..span.start]);
                text.push(' ');
                at = span.end;
            }
        }
        text.push_str(&request.query[at..]);
        let mut text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if request.query.ends_with(char::is_whitespace) && !text.is_empty() {
            // Keep "the last word is finished" for prefix matching.
            text.push(' ');
        }
        parsed.text = text.clone();
        parsed.filters = taken;
        parsed.categories = understood.categories.clone();
        (text, filters)
    }

    fn lexical_hits(
        &self,
        text: &str,
        prepared: &PreparedSettings,
        prefix: bool,
        wanted: usize,
        accept: &dyn Fn(u32) -> bool,
        catalog: &CatalogFacts,
    ) -> Result<LexicalHits> {
        let searcher = self.lexical.searcher();
        let fields = self.lexical.fields();
        let Some(mut built) = query::build(text, prepared, &searcher, fields, prefix, false) else {
            let scored =
                catalog.iter().filter(|(i, _)| accept(*i)).map(|(i, _)| (i, 0.0)).collect();
            return Ok(LexicalHits { scored, without_words: true, ..LexicalHits::default() });
        };
        let mut strict: Vec<(u32, f32)> = searcher.search(&built.strict, &AllHits)?;
        strict.retain(|&(i, _)| accept(i));
        // Misspellings are tried only when the words as typed find too little, as Typesense's
        // typo threshold does: a correct word then never drags in its one-letter neighbours
        // (boots and books), and the common case stays fast.
        if strict.len() < wanted {
            if let Some(tolerant) = query::build(text, prepared, &searcher, fields, prefix, true) {
                let mut found: Vec<(u32, f32)> = searcher.search(&tolerant.strict, &AllHits)?;
                found.retain(|&(i, _)| accept(i));
                if found.len() > strict.len() {
                    (strict, built) = (found, tolerant);
                }
            }
        }
        let mut scored = scale(&strict, 0.5, 1.0);
        if strict.len() < wanted {
            if let Some(loose) = &built.loose {
                let seen: HashSet<u32> = strict.iter().map(|&(i, _)| i).collect();
                let mut extra: Vec<(u32, f32)> = searcher.search(loose.as_ref(), &AllHits)?;
                extra.retain(|&(i, _)| !seen.contains(&i));
                // Partial matches of a broad query can be most of the catalog; the best of them
                // are what a shopper will see, and the rest would only cost time.
                if extra.len() > MAX_PARTIAL_MATCHES {
                    extra.select_nth_unstable_by(MAX_PARTIAL_MATCHES, |a, b| b.1.total_cmp(&a.1));
                    extra.truncate(MAX_PARTIAL_MATCHES);
                }
                extra.retain(|&(i, _)| accept(i));
                scored.extend(scale(&extra, 0.0, 0.5));
            }
        }
        Ok(LexicalHits {
            scored,
            without_words: false,
            highlight: built.highlight,
            prefix: built.prefix,
        })
    }
}

#[derive(Default)]
struct LexicalHits {
    scored: Vec<(u32, f32)>,
    /// The query had no word (empty or punctuation): every item matches, by popularity.
    without_words: bool,
    highlight: HashSet<String>,
    prefix: Option<String>,
}

/// Scales scores into `low..=high` by the best one (strict matches above loose ones).
fn scale(hits: &[(u32, f32)], low: f32, high: f32) -> Vec<(u32, f32)> {
    let best = hits.iter().map(|&(_, s)| s).fold(0.0f32, f32::max).max(1e-9);
    hits.iter().map(|&(i, s)| (i, low + (high - low) * (s / best))).collect()
}

fn check_request(request: &SearchRequest) -> Result<()> {
    let chars = request.query.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(Error::Invalid {
            field: "q",
            reason: format!("the query is {chars} characters long; at most {MAX_QUERY_CHARS} are searched, so shorten it"),
        });
    }
    if request.limit == 0 || request.limit > MAX_LIMIT {
        return Err(Error::Invalid {
            field: "n",
            reason: format!("{} is not between 1 and {MAX_LIMIT}", request.limit),
        });
    }
    if let Some(ratio) = request.semantic_ratio {
        if !(0.0..=1.0).contains(&ratio) {
            return Err(Error::Invalid {
                field: "semantic_ratio",
                reason: format!("{ratio} is not between 0 and 1"),
            });
        }
    }
    Ok(())
}

fn sort_by_facts(
    fused: &mut [Fused],
    order: SortOrder,
    depth: usize,
    catalog: &CatalogFacts,
    popularity: &[f32],
) {
    let price = |f: &Fused| catalog.get(f.item).and_then(|x| x.price);
    let created = |f: &Fused| catalog.get(f.item).map_or(0, |x| x.created_millis);
    let popular = |f: &Fused| popularity.get(f.item as usize).copied().unwrap_or(0.0);
    let by = |a: &Fused, b: &Fused| match order {
        // Items without a price go last either way.
        SortOrder::PriceAscending => {
            price(a).unwrap_or(f64::MAX).total_cmp(&price(b).unwrap_or(f64::MAX))
        }
        SortOrder::PriceDescending => price(b).unwrap_or(-1.0).total_cmp(&price(a).unwrap_or(-1.0)),
        SortOrder::Newest => created(b).cmp(&created(a)),
        SortOrder::Popular => popular(b).total_cmp(&popular(a)),
        SortOrder::Relevance => b.score.total_cmp(&a.score),
    };
    fusion::partial_sort(fused, depth, |a, b| by(a, b).then(a.item.cmp(&b.item)));
}

/// The words a shopper may use for a category named like "跑步鞋 Running Shoes": the whole
/// name, its Chinese part and its English part.
fn category_words(name: &str) -> Vec<String> {
    let mut words = vec![name.to_lowercase()];
    let han: String = name.chars().filter(|c| aisle_text::is_han(*c)).collect();
    let latin: String = name.chars().filter(|c| !aisle_text::is_han(*c)).collect();
    for part in [han, latin] {
        let part = part.trim().to_lowercase();
        if !part.is_empty() && !words.contains(&part) {
            words.push(part);
        }
    }
    words
}

/// A comparison of the whole catalog with the index, fed page by page.
pub struct CatalogSync<'a> {
    index: &'a SearchIndex,
    stored: HashMap<u32, u64>,
    catalog: CatalogFacts,
    report: SyncReport,
}

impl CatalogSync<'_> {
    /// Takes the next page of the catalog.
    pub fn page(&mut self, items: &[(u32, Item)]) -> Result<()> {
        let mut changed = Vec::new();
        for (index, item) in items {
            let facts = ItemFacts::of(item);
            if self.stored.remove(index) == Some(facts.text_hash) {
                self.report.unchanged += 1;
            } else {
                changed.push((*index, item, facts.text_hash));
            }
            self.catalog.set(*index, facts);
        }
        self.report.indexed += changed.len();
        self.index.lexical.upsert(changed)
    }

    /// Drops items the catalog no longer has, commits, and makes the new facts current.
    pub fn finish(self) -> Result<SyncReport> {
        let mut report = self.report;
        for &index in self.stored.keys() {
            self.index.lexical.remove(index);
            if let Some(semantic) = self.index.semantic() {
                semantic.remove(index);
            }
            report.removed += 1;
        }
        self.index.lexical.commit()?;
        *write(&self.index.catalog) = self.catalog;
        self.index.refresh_vocabulary();
        Ok(report)
    }
}
