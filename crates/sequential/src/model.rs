//! The network: parameter layout and initialisation, the forward pass, and the trained
//! [`Transformer`] that scores sequences.

use std::collections::HashMap;
use std::sync::Arc;

use candle_core::{Device, Tensor};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::ops::{add_attributes, normalize_last_dim, softmax_last_dim, AttributePairs};
use crate::{Result, TransformerConfig};

/// Additive attention bias that shuts a key out; finite so a row with no visible key (a padding
/// query) stays finite instead of turning into NaN.
const MASKED: f32 = -1e9;
const NORM_EPS: f32 = 1e-6;

/// What the model knows of the catalog: how many items, and each item's attribute ids.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalog {
    /// Items, indexed `0..n_items`.
    pub n_items: usize,
    /// Attribute ids (`0..n_attributes`) of each item, by item index; empty when none are known.
    pub attributes: Vec<Vec<u32>>,
    /// Distinct attribute ids.
    pub n_attributes: usize,
}

impl Catalog {
    /// A catalog of `n_items` items without attributes.
    pub fn plain(n_items: usize) -> Self {
        Self { n_items, attributes: Vec::new(), n_attributes: 0 }
    }

    /// (item token, attribute, weight) triples: each item's attributes averaged.
    pub(crate) fn attribute_pairs(&self) -> AttributePairs {
        let mut pairs = AttributePairs::default();
        for (item, attrs) in self.attributes.iter().enumerate().take(self.n_items) {
            let valid: Vec<u32> =
                attrs.iter().copied().filter(|&a| (a as usize) < self.n_attributes).collect();
            for &a in &valid {
                pairs.items.push(item as u32 + 1);
                pairs.attributes.push(a);
                pairs.weights.push(1.0 / valid.len() as f32);
            }
        }
        pairs
    }

    pub(crate) fn uses_attributes(&self, config: &TransformerConfig) -> bool {
        config.attributes && self.n_attributes > 0 && self.attributes.iter().any(|a| !a.is_empty())
    }
}

/// How a parameter starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Init {
    Normal(f32),
    Xavier,
    Zeros,
    Ones,
}

/// A parameter's name, shape and initialisation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParamSpec {
    pub name: String,
    pub shape: Vec<usize>,
    pub init: Init,
}

/// Every parameter of a network with this configuration, in a fixed order.
pub(crate) fn layout(config: &TransformerConfig, catalog: &Catalog) -> Vec<ParamSpec> {
    let d = config.dim;
    let spec = |name: String, shape: Vec<usize>, init| ParamSpec { name, shape, init };
    let mut specs = vec![
        spec("items".into(), vec![catalog.n_items + 1, d], Init::Normal(0.1)),
        spec("positions".into(), vec![config.max_len, d], Init::Normal(0.1)),
    ];
    if catalog.uses_attributes(config) {
        specs.push(spec("attributes".into(), vec![catalog.n_attributes, d], Init::Normal(0.1)));
    }
    for b in 0..config.blocks {
        let p = |part: &str| format!("blocks.{b}.{part}");
        specs.push(spec(p("attention_norm.weight"), vec![d], Init::Ones));
        specs.push(spec(p("attention_norm.bias"), vec![d], Init::Zeros));
        for proj in ["query", "key", "value", "output"] {
            specs.push(spec(p(&format!("{proj}.weight")), vec![d, d], Init::Xavier));
            specs.push(spec(p(&format!("{proj}.bias")), vec![d], Init::Zeros));
        }
        specs.push(spec(p("feed_forward_norm.weight"), vec![d], Init::Ones));
        specs.push(spec(p("feed_forward_norm.bias"), vec![d], Init::Zeros));
        specs.push(spec(p("hidden.weight"), vec![d, d], Init::Xavier));
        specs.push(spec(p("hidden.bias"), vec![d], Init::Zeros));
        specs.push(spec(p("projection.weight"), vec![d, d], Init::Xavier));
        specs.push(spec(p("projection.bias"), vec![d], Init::Zeros));
    }
    specs.push(spec("final_norm.weight".into(), vec![d], Init::Ones));
    specs.push(spec("final_norm.bias".into(), vec![d], Init::Zeros));
    specs
}

/// Initial values for every parameter, from `rng`.
pub(crate) fn initial_values(specs: &[ParamSpec], rng: &mut ChaCha8Rng) -> Vec<Vec<f32>> {
    specs
        .iter()
        .map(|spec| {
            let n: usize = spec.shape.iter().product();
            match spec.init {
                Init::Zeros => vec![0.0; n],
                Init::Ones => vec![1.0; n],
                Init::Normal(std) => (0..n).map(|_| gaussian(rng) * std).collect(),
                Init::Xavier => {
                    let bound = (6.0 / (spec.shape[0] + spec.shape[1]) as f32).sqrt();
                    (0..n).map(|_| rng.random_range(-bound..bound)).collect()
                }
            }
        })
        .collect()
}

/// A standard normal draw (Box-Muller), so initialisation depends on the seed alone.
fn gaussian(rng: &mut ChaCha8Rng) -> f32 {
    let u1: f32 = rng.random_range(f32::EPSILON..1.0);
    let u2: f32 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
}

/// Draws dropout masks during training; absent at inference.
pub(crate) struct Dropout<'a> {
    pub p: f32,
    pub rng: &'a mut ChaCha8Rng,
}

impl Dropout<'_> {
    fn apply(&mut self, xs: &Tensor) -> Result<Tensor> {
        if self.p <= 0.0 {
            return Ok(xs.clone());
        }
        let keep = 1.0 - self.p;
        let scale = 1.0 / keep;
        let mask: Vec<f32> = (0..xs.elem_count())
            .map(|_| if self.rng.random::<f32>() < keep { scale } else { 0.0 })
            .collect();
        Ok((xs * Tensor::from_vec(mask, xs.shape(), xs.device())?)?)
    }
}

fn dropout(xs: Tensor, dropout: &mut Option<Dropout<'_>>) -> Result<Tensor> {
    match dropout {
        Some(d) => d.apply(&xs),
        None => Ok(xs),
    }
}

struct Norm {
    weight: Tensor,
    bias: Tensor,
}

impl Norm {
    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        Ok(normalize_last_dim(xs, NORM_EPS)?
            .broadcast_mul(&self.weight)?
            .broadcast_add(&self.bias)?)
    }
}

struct Linear {
    weight: Tensor,
    bias: Tensor,
}

impl Linear {
    /// `xs` is (rows, in); the weight is stored (in, out).
    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        Ok(xs.matmul(&self.weight)?.broadcast_add(&self.bias)?)
    }
}

struct Block {
    attention_norm: Norm,
    query: Linear,
    key: Linear,
    value: Linear,
    output: Linear,
    feed_forward_norm: Norm,
    hidden: Linear,
    projection: Linear,
}

/// The network's tensors, arranged for the forward pass. Built from trainable variables during
/// training and from plain tensors for serving.
pub(crate) struct Net {
    dim: usize,
    heads: usize,
    max_len: usize,
    items: Tensor,
    positions: Tensor,
    attributes: Option<(Tensor, Arc<AttributePairs>)>,
    blocks: Vec<Block>,
    final_norm: Norm,
}

impl Net {
    pub(crate) fn new(
        config: &TransformerConfig,
        catalog: &Catalog,
        tensors: &HashMap<String, Tensor>,
    ) -> Result<Self> {
        let get = |name: &str| -> Result<Tensor> {
            tensors.get(name).cloned().ok_or_else(|| {
                crate::Error::Checkpoint(format!("the weights have no `{name}` tensor"))
            })
        };
        let norm = |p: &str| -> Result<Norm> {
            Ok(Norm { weight: get(&format!("{p}.weight"))?, bias: get(&format!("{p}.bias"))? })
        };
        let linear = |p: &str| -> Result<Linear> {
            Ok(Linear { weight: get(&format!("{p}.weight"))?, bias: get(&format!("{p}.bias"))? })
        };
        let attributes = match tensors.get("attributes") {
            Some(table) if catalog.uses_attributes(config) => {
                Some((table.clone(), Arc::new(catalog.attribute_pairs())))
            }
            _ => None,
        };
        let blocks = (0..config.blocks)
            .map(|b| {
                let p = |part: &str| format!("blocks.{b}.{part}");
                Ok(Block {
                    attention_norm: norm(&p("attention_norm"))?,
                    query: linear(&p("query"))?,
                    key: linear(&p("key"))?,
                    value: linear(&p("value"))?,
                    output: linear(&p("output"))?,
                    feed_forward_norm: norm(&p("feed_forward_norm"))?,
                    hidden: linear(&p("hidden"))?,
                    projection: linear(&p("projection"))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            dim: config.dim,
            heads: config.heads,
            max_len: config.max_len,
            items: get("items")?,
            positions: get("positions")?,
            attributes,
            blocks,
            final_norm: norm("final_norm")?,
        })
    }

    /// Each token's representation, input and output side alike: its item embedding plus the
    /// mean of its attributes' embeddings. (tokens, dim)
    pub(crate) fn token_table(&self) -> Result<Tensor> {
        let Some((table, pairs)) = &self.attributes else {
            return Ok(self.items.clone());
        };
        Ok(add_attributes(&self.items, table, pairs)?)
    }

    /// Hidden states of every position, (rows * len, dim), for `tokens` (rows x len,
    /// left-padded with 0). `table` is [`Net::token_table`].
    pub(crate) fn hidden(
        &self,
        table: &Tensor,
        tokens: &[u32],
        rows: usize,
        len: usize,
        mut drop: Option<Dropout<'_>>,
    ) -> Result<Tensor> {
        let device = table.device();
        let ids = Tensor::from_slice(tokens, rows * len, device)?;
        let positions = self.positions.narrow(0, self.max_len - len, len)?;
        let embedded = (table.index_select(&ids, 0)? * (self.dim as f64).sqrt())?
            .reshape((rows, len, self.dim))?
            .broadcast_add(&positions)?;
        let mut x = dropout(embedded.reshape((rows * len, self.dim))?, &mut drop)?;
        let bias = attention_bias(tokens, rows, len, device)?;
        for block in &self.blocks {
            let attended =
                self.attention(block, &block.attention_norm.forward(&x)?, &bias, rows, len)?;
            x = (x + dropout(attended, &mut drop)?)?;
            let normed = block.feed_forward_norm.forward(&x)?;
            let inner = dropout(block.hidden.forward(&normed)?.relu()?, &mut drop)?;
            x = (x + dropout(block.projection.forward(&inner)?, &mut drop)?)?;
        }
        self.final_norm.forward(&x)
    }

    fn attention(
        &self,
        block: &Block,
        xs: &Tensor,
        bias: &Tensor,
        rows: usize,
        len: usize,
    ) -> Result<Tensor> {
        let (h, dh) = (self.heads, self.dim / self.heads);
        let split = |t: Tensor| -> Result<Tensor> {
            Ok(t.reshape((rows, len, h, dh))?.transpose(1, 2)?.contiguous()?)
        };
        let q = split((block.query.forward(xs)? * (1.0 / (dh as f64).sqrt()))?)?;
        let k = split(block.key.forward(xs)?)?;
        let v = split(block.value.forward(xs)?)?;
        let scores = q.matmul(&k.transpose(2, 3)?.contiguous()?)?.broadcast_add(bias)?;
        let weights = softmax_last_dim(&scores)?;
        let context = weights.matmul(&v)?.transpose(1, 2)?.reshape((rows * len, self.dim))?;
        block.output.forward(&context)
    }
}

/// (rows, 1, len, len): 0 where query `i` may see key `j` (`j <= i` and `j` is not padding).
fn attention_bias(tokens: &[u32], rows: usize, len: usize, device: &Device) -> Result<Tensor> {
    let mut bias = vec![MASKED; rows * len * len];
    for r in 0..rows {
        let row = &tokens[r * len..(r + 1) * len];
        for i in 0..len {
            for j in 0..=i {
                if row[j] != 0 {
                    bias[(r * len + i) * len + j] = 0.0;
                }
            }
        }
    }
    Ok(Tensor::from_vec(bias, (rows, 1, len, len), device)?)
}

/// A trained transformer, ready to score sequences.
pub struct Transformer {
    pub(crate) config: TransformerConfig,
    pub(crate) catalog: Catalog,
    /// Parameters by name, in [`layout`] order.
    pub(crate) tensors: Vec<(String, Tensor)>,
    pub(crate) net: Net,
    /// [`Net::token_table`], computed once.
    pub(crate) table: Tensor,
}

impl std::fmt::Debug for Transformer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transformer")
            .field("config", &self.config)
            .field("n_items", &self.catalog.n_items)
            .finish_non_exhaustive()
    }
}

impl Transformer {
    /// Assembles a model from named parameter values (checked against the layout).
    pub(crate) fn from_values(
        config: TransformerConfig,
        catalog: Catalog,
        values: Vec<(String, Vec<usize>, Vec<f32>)>,
    ) -> Result<Self> {
        let specs = layout(&config, &catalog);
        if specs.len() != values.len() {
            return Err(crate::Error::Checkpoint(format!(
                "expected {} tensors for this configuration, found {}",
                specs.len(),
                values.len()
            )));
        }
        let mut tensors = Vec::with_capacity(specs.len());
        for (spec, (name, shape, data)) in specs.iter().zip(values) {
            if spec.name != name || spec.shape != shape {
                return Err(crate::Error::Checkpoint(format!(
                    "tensor `{name}` {shape:?} where this configuration and catalog need `{}` {:?} \
                     (was the model trained on another catalog?)",
                    spec.name, spec.shape
                )));
            }
            tensors.push((name, Tensor::from_vec(data, shape, &Device::Cpu)?));
        }
        let map: HashMap<String, Tensor> = tensors.iter().cloned().collect();
        let net = Net::new(&config, &catalog, &map)?;
        let table = net.token_table()?;
        Ok(Self { config, catalog, tensors, net, table })
    }

    /// The configuration it was trained with.
    pub fn config(&self) -> &TransformerConfig {
        &self.config
    }

    /// Items it scores.
    pub fn n_items(&self) -> usize {
        self.catalog.n_items
    }

    /// The item-embedding table the model scores with, (n_items, dim), row per item.
    pub fn item_embeddings(&self) -> Result<Vec<f32>> {
        Ok(self.table.narrow(0, 1, self.catalog.n_items)?.flatten_all()?.to_vec1::<f32>()?)
    }

    /// The item-table tensor without the padding row.
    pub(crate) fn output_table(&self) -> Result<Tensor> {
        Ok(self.table.narrow(0, 1, self.catalog.n_items)?)
    }

    /// Sum of squared parameter values (used by tests to see training moved the weights).
    pub fn weight_norm(&self) -> Result<f32> {
        let mut total = 0.0;
        for (_, t) in &self.tensors {
            total += t.sqr()?.sum_all()?.to_scalar::<f32>()?;
        }
        Ok(total)
    }

    /// The hidden state after a batch of token contexts' last positions, (rows, dim).
    pub(crate) fn last_hidden(&self, contexts: &[&[u32]]) -> Result<Tensor> {
        let batch = crate::batches::context_batch(contexts);
        let hidden = self.net.hidden(&self.table, &batch.tokens, batch.rows, batch.len, None)?;
        let last: Vec<u32> =
            (0..batch.rows).map(|r| (r * batch.len + batch.len - 1) as u32).collect();
        let index = Tensor::from_vec(last, batch.rows, hidden.device())?;
        Ok(hidden.index_select(&index, 0)?)
    }
}

/// Scores of every token for each row of `hidden` (rows, tokens), as a tensor.
pub(crate) fn token_scores(hidden: &Tensor, table: &Tensor) -> Result<Tensor> {
    Ok(hidden.matmul(&table.t()?)?)
}
