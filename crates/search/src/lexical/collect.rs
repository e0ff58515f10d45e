//! A collector that keeps every hit as (item index, score): filters, facets and fusion all need
//! the whole match set, and a catalog's match set is small enough to hold.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Collects all hits of a query with their scores.
#[derive(Debug, Clone, Copy, Default)]
pub struct AllHits;

/// The per-segment half of [`AllHits`].
pub struct SegmentHits {
    items: Column<u64>,
    hits: Vec<(u32, f32)>,
}

impl Collector for AllHits {
    type Fruit = Vec<(u32, f32)>;
    type Child = SegmentHits;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentHits> {
        Ok(SegmentHits { items: segment.fast_fields().u64("item")?, hits: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u32, f32)>>) -> tantivy::Result<Vec<(u32, f32)>> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for SegmentHits {
    type Fruit = Vec<(u32, f32)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(item) = self.items.first(doc) {
            self.hits.push((item as u32, score));
        }
    }

    fn harvest(self) -> Vec<(u32, f32)> {
        self.hits
    }
}
