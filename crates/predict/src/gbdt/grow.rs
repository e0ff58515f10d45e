//! Growing one tree on gradient histograms: best-first (the leaf with the largest gain splits
//! next) under depth and leaf-count limits, with the histogram-subtraction trick (only the
//! smaller child's histogram is built; the larger one is the parent's minus it).

use super::bins::BinnedMatrix;
use super::tree::{Node, Tree};

/// Below this many (row, feature) cells a histogram is built on one thread: spawning a thread
/// (tens of microseconds) costs more than it saves. Measured with `examples/gbdt_speed.rs`.
pub(crate) const PARALLEL_MIN_CELLS: usize = 256 * 1024;

/// Sums of gradients, hessians and rows in one bin, node or side of a split.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Stat {
    g: f64,
    h: f64,
    n: u32,
}

impl Stat {
    fn add(&mut self, o: &Stat) {
        self.g += o.g;
        self.h += o.h;
        self.n += o.n;
    }

    fn minus(&self, o: &Stat) -> Stat {
        Stat { g: self.g - o.g, h: self.h - o.h, n: self.n - o.n }
    }
}

/// The tree-shape and regularisation settings growth needs.
#[derive(Debug, Clone)]
pub(crate) struct GrowParams {
    pub(crate) max_depth: usize,
    pub(crate) max_leaves: usize,
    pub(crate) l2: f64,
    pub(crate) min_split_gain: f64,
    pub(crate) min_samples_leaf: usize,
    pub(crate) min_hessian_leaf: f64,
    pub(crate) learning_rate: f64,
    pub(crate) threads: usize,
}

impl GrowParams {
    fn leaf_value(&self, s: &Stat) -> f64 {
        -s.g / (s.h + self.l2) * self.learning_rate
    }

    fn score(&self, s: &Stat) -> f64 {
        s.g * s.g / (s.h + self.l2)
    }

    fn admissible(&self, s: &Stat) -> bool {
        s.n as usize >= self.min_samples_leaf && s.h >= self.min_hessian_leaf
    }
}

/// The best split found for a leaf.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    feature: usize,
    /// Present values in bins `1..=bin` go left.
    bin: usize,
    missing_left: bool,
    gain: f64,
    left: Stat,
    right: Stat,
}

/// A grown tree, the (feature, gain) of each of its splits, and the rows it was grown on,
/// grouped by the leaf they reached (node index, rows).
pub(crate) struct GrownTree {
    pub(crate) tree: Tree,
    pub(crate) split_gains: Vec<(usize, f64)>,
    pub(crate) leaf_rows: Vec<(usize, Vec<u32>)>,
}

/// Sums the gradient pairs of `rows` into per-feature histograms for the `active` features.
///
/// Large nodes share the features out among threads. Each feature's sums are still taken by one
/// thread in row order, so the result is the same for any thread count.
pub(crate) fn build_histogram(
    data: &BinnedMatrix,
    gh: &[[f64; 2]],
    rows: &[u32],
    active: &[usize],
    threads: usize,
    hist: &mut [Stat],
) {
    hist.fill(Stat::default());
    let fill = |features: &[usize], hist: &mut [Stat], base: usize| {
        for &f in features {
            let column = data.column(f);
            let h = &mut hist[data.offsets[f] - base..data.offsets[f + 1] - base];
            for &r in rows {
                let r = r as usize;
                let s = &mut h[column[r] as usize];
                s.g += gh[r][0];
                s.h += gh[r][1];
                s.n += 1;
            }
        }
    };
    let threads = threads.min(active.len()).max(1);
    if threads == 1 || rows.len() * active.len() < PARALLEL_MIN_CELLS {
        fill(active, hist, 0);
        return;
    }
    // Consecutive active features own a contiguous range of the histogram, so each thread
    // gets its features' range as its own slice.
    let chunk = active.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let mut rest = hist;
        let mut base = 0;
        let mut chunks = active.chunks(chunk).peekable();
        while let Some(features) = chunks.next() {
            let end = data.offsets[features[features.len() - 1] + 1];
            let (mine, tail) = rest.split_at_mut(end - base);
            rest = tail;
            let start = base;
            base = end;
            if chunks.peek().is_none() {
                // The calling thread takes the last share instead of idling.
                fill(features, mine, start);
            } else {
                let fill = &fill;
                scope.spawn(move || fill(features, mine, start));
            }
        }
    });
}

/// The best admissible split of a leaf over the active features, if any beats
/// `min_split_gain`.
fn best_split(
    data: &BinnedMatrix,
    hist: &[Stat],
    total: &Stat,
    active: &[usize],
    p: &GrowParams,
) -> Option<Candidate> {
    let parent_score = p.score(total);
    let mut best: Option<Candidate> = None;
    let mut consider = |c: Candidate| {
        if c.gain > p.min_split_gain && best.is_none_or(|b| c.gain > b.gain) {
            best = Some(c);
        }
    };
    for &feature in active {
        let h = &hist[data.offsets[feature]..data.offsets[feature + 1]];
        let missing = h[0];
        let value_bins = h.len() - 1;
        let mut present_left = Stat::default();
        for (bin, stat) in h.iter().enumerate().skip(1) {
            present_left.add(stat);
            // Missing rows right (with `bin == value_bins` this separates present from
            // missing); then, when there are missing rows, missing rows left.
            for missing_left in [false, true] {
                if missing_left && (missing.n == 0 || bin == value_bins) {
                    continue;
                }
                let mut left = present_left;
                if missing_left {
                    left.add(&missing);
                }
                let right = total.minus(&left);
                if !p.admissible(&left) || !p.admissible(&right) {
                    continue;
                }
                let gain = 0.5 * (p.score(&left) + p.score(&right) - parent_score);
                // With no missing rows in training, unseen missing values follow the majority.
                let missing_left = if missing.n == 0 { left.n >= right.n } else { missing_left };
                consider(Candidate { feature, bin, missing_left, gain, left, right });
            }
        }
    }
    best
}

struct OpenLeaf {
    node: usize,
    rows: Vec<u32>,
    hist: Vec<Stat>,
    total: Stat,
    depth: usize,
    best: Option<Candidate>,
}

/// Grows one tree on the rows `rows` (sorted) and features `active` (sorted).
pub(crate) fn grow_tree(
    data: &BinnedMatrix,
    gh: &[[f64; 2]],
    rows: Vec<u32>,
    active: &[usize],
    p: &GrowParams,
) -> GrownTree {
    let mut total = Stat::default();
    for &r in &rows {
        total.add(&Stat { g: gh[r as usize][0], h: gh[r as usize][1], n: 1 });
    }
    let mut nodes = vec![Node::Leaf { value: p.leaf_value(&total) }];
    let mut split_gains = Vec::new();
    let can_split =
        |depth: usize, rows: usize| depth < p.max_depth && rows >= 2 * p.min_samples_leaf;

    let mut open = Vec::new();
    let mut leaf_rows = Vec::new();
    if can_split(0, rows.len()) {
        let mut hist = vec![Stat::default(); data.histogram_len()];
        build_histogram(data, gh, &rows, active, p.threads, &mut hist);
        let best = best_split(data, &hist, &total, active, p);
        if best.is_some() {
            open.push(OpenLeaf { node: 0, rows, hist, total, depth: 0, best });
        } else {
            leaf_rows.push((0, rows));
        }
    } else {
        leaf_rows.push((0, rows));
    }

    let mut leaves = 1;
    while leaves < p.max_leaves {
        let Some(pick) = open
            .iter()
            .enumerate()
            .filter_map(|(i, leaf)| leaf.best.map(|b| (i, b.gain)))
            .fold(None, |acc: Option<(usize, f64)>, (i, g)| match acc {
                Some((_, best)) if best >= g => acc,
                _ => Some((i, g)),
            })
            .map(|(i, _)| i)
        else {
            break;
        };
        let leaf = open.remove(pick);
        let Some(c) = leaf.best else { break };

        let column = data.column(c.feature);
        let (left_rows, right_rows): (Vec<u32>, Vec<u32>) = leaf.rows.iter().partition(|&&r| {
            let code = column[r as usize] as usize;
            if code == 0 {
                c.missing_left
            } else {
                code <= c.bin
            }
        });
        let left_node = nodes.len();
        nodes.push(Node::Leaf { value: p.leaf_value(&c.left) });
        nodes.push(Node::Leaf { value: p.leaf_value(&c.right) });
        nodes[leaf.node] = Node::Split {
            feature: c.feature,
            threshold: data.features[c.feature].threshold(c.bin),
            missing_left: c.missing_left,
            left: left_node,
            right: left_node + 1,
            value: p.leaf_value(&leaf.total),
        };
        split_gains.push((c.feature, c.gain));
        leaves += 1;

        let depth = leaf.depth + 1;
        let left_open = can_split(depth, left_rows.len());
        let right_open = can_split(depth, right_rows.len());
        if !left_open && !right_open {
            leaf_rows.push((left_node, left_rows));
            leaf_rows.push((left_node + 1, right_rows));
            continue;
        }
        // Build the smaller child's histogram; the larger one's is the parent's minus it.
        let mut parent_hist = leaf.hist;
        let mut small_hist = vec![Stat::default(); parent_hist.len()];
        let left_is_small = left_rows.len() <= right_rows.len();
        let small_rows = if left_is_small { &left_rows } else { &right_rows };
        build_histogram(data, gh, small_rows, active, p.threads, &mut small_hist);
        for (parent, small) in parent_hist.iter_mut().zip(&small_hist) {
            *parent = parent.minus(small);
        }
        let (left_hist, right_hist) =
            if left_is_small { (small_hist, parent_hist) } else { (parent_hist, small_hist) };
        for (node, rows, hist, total, is_open) in [
            (left_node, left_rows, left_hist, c.left, left_open),
            (left_node + 1, right_rows, right_hist, c.right, right_open),
        ] {
            let best = if is_open { best_split(data, &hist, &total, active, p) } else { None };
            if best.is_some() {
                open.push(OpenLeaf { node, rows, hist, total, depth, best });
            } else {
                leaf_rows.push((node, rows));
            }
        }
    }
    leaf_rows.extend(open.into_iter().map(|leaf| (leaf.node, leaf.rows)));
    GrownTree { tree: Tree { nodes }, split_gains, leaf_rows }
}
