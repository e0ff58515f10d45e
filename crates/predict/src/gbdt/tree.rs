//! One regression tree of the ensemble: routing a row, and the path contributions behind it.

use serde::{Deserialize, Serialize};

use crate::model::exact;

/// A node of a tree; `value` is the node's own Newton step (the leaf value it would have had),
/// which is what path contributions take differences of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Node {
    Leaf {
        #[serde(with = "exact::f64")]
        value: f64,
    },
    Split {
        feature: usize,
        /// Rows with `x <= threshold` go left.
        #[serde(with = "exact::f32")]
        threshold: f32,
        /// Where missing values go.
        missing_left: bool,
        left: usize,
        right: usize,
        #[serde(with = "exact::f64")]
        value: f64,
    },
}

impl Node {
    pub(crate) fn value(&self) -> f64 {
        match *self {
            Node::Leaf { value } | Node::Split { value, .. } => value,
        }
    }
}

/// A tree as a node list, the root first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Tree {
    pub(crate) nodes: Vec<Node>,
}

impl Tree {
    /// The child a row goes to from a split node.
    #[inline]
    fn next(row: &[f32], feature: usize, threshold: f32, missing_left: bool) -> bool {
        let x = row[feature];
        if x.is_nan() {
            missing_left
        } else {
            x <= threshold
        }
    }

    /// The leaf value of a row.
    pub(crate) fn predict(&self, row: &[f32]) -> f64 {
        let mut node = 0;
        loop {
            match self.nodes[node] {
                Node::Leaf { value } => return value,
                Node::Split { feature, threshold, missing_left, left, right, .. } => {
                    node = if Self::next(row, feature, threshold, missing_left) {
                        left
                    } else {
                        right
                    };
                }
            }
        }
    }

    /// Adds each split's change in node value along the row's path to `contributions` (the
    /// Saabas attribution) and returns the root value; root value plus the additions is the
    /// leaf value.
    pub(crate) fn contributions(&self, row: &[f32], contributions: &mut [f64]) -> f64 {
        let mut node = 0;
        loop {
            match self.nodes[node] {
                Node::Leaf { .. } => return self.nodes[0].value(),
                Node::Split { feature, threshold, missing_left, left, right, value } => {
                    let child = if Self::next(row, feature, threshold, missing_left) {
                        left
                    } else {
                        right
                    };
                    contributions[feature] += self.nodes[child].value() - value;
                    node = child;
                }
            }
        }
    }

    /// Checks child indices point forward and features are in range, so a loaded tree cannot
    /// loop or index out of bounds.
    pub(crate) fn validate(&self, n_features: usize) -> Result<(), String> {
        if self.nodes.is_empty() {
            return Err("a tree has no nodes".into());
        }
        for (i, node) in self.nodes.iter().enumerate() {
            if let Node::Split { feature, left, right, .. } = *node {
                if feature >= n_features {
                    return Err(format!("node {i} splits on feature {feature} of {n_features}"));
                }
                for child in [left, right] {
                    if child <= i || child >= self.nodes.len() {
                        return Err(format!("node {i} has child {child} out of order"));
                    }
                }
            }
        }
        Ok(())
    }
}
