//! Token table with attributes: each item's embedding plus the weighted mean of its attribute
//! embeddings, as one kernel. Built from candle's `index_add` this cost a quarter of a training
//! step; by hand it is one pass over the (item, attribute) pairs each way.

use std::sync::Arc;

use candle_core::{CpuStorage, CustomOp2, Layout, Shape, Tensor};

use super::contiguous;

/// (item token, attribute id, weight) triples.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AttributePairs {
    /// Item token (row of the item table) of each pair.
    pub items: Vec<u32>,
    /// Attribute id (row of the attribute table) of each pair.
    pub attributes: Vec<u32>,
    /// Weight of each pair (1 / the item's attribute count for a mean).
    pub weights: Vec<f32>,
}

/// `items[t] + sum over pairs (t, a, w) of w * attributes[a]`, for every token `t`.
pub fn add_attributes(
    items: &Tensor,
    attributes: &Tensor,
    pairs: &Arc<AttributePairs>,
) -> candle_core::Result<Tensor> {
    let (tokens, dim) = items.dims2()?;
    let (n_attributes, attribute_dim) = attributes.dims2()?;
    if dim != attribute_dim {
        candle_core::bail!("item width {dim} differs from attribute width {attribute_dim}");
    }
    let out_of_range = pairs.items.iter().any(|&t| t as usize >= tokens)
        || pairs.attributes.iter().any(|&a| a as usize >= n_attributes)
        || pairs.items.len() != pairs.attributes.len()
        || pairs.items.len() != pairs.weights.len();
    if out_of_range {
        candle_core::bail!(
            "attribute pairs do not fit a {tokens}-token, {n_attributes}-attribute table"
        );
    }
    items.contiguous()?.apply_op2(&attributes.contiguous()?, AddAttributes { pairs: pairs.clone() })
}

struct AddAttributes {
    pairs: Arc<AttributePairs>,
}

impl CustomOp2 for AddAttributes {
    fn name(&self) -> &'static str {
        "add-attributes"
    }

    fn cpu_fwd(
        &self,
        is: &CpuStorage,
        il: &Layout,
        a_s: &CpuStorage,
        al: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (items, attributes) = (contiguous(is, il)?, contiguous(a_s, al)?);
        let dim = il.dims()[1];
        let mut out = items.to_vec();
        let p = &self.pairs;
        for ((&t, &a), &w) in p.items.iter().zip(&p.attributes).zip(&p.weights) {
            let (t, a) = (t as usize * dim, a as usize * dim);
            for (o, &x) in out[t..t + dim].iter_mut().zip(&attributes[a..a + dim]) {
                *o += w * x;
            }
        }
        Ok((CpuStorage::F32(out), il.shape().clone()))
    }

    fn bwd(
        &self,
        _items: &Tensor,
        attributes: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let (n_attributes, dim) = attributes.dims2()?;
        let g = grad.flatten_all()?.to_vec1::<f32>()?;
        let mut d_attributes = vec![0f32; n_attributes * dim];
        let p = &self.pairs;
        for ((&t, &a), &w) in p.items.iter().zip(&p.attributes).zip(&p.weights) {
            let (t, a) = (t as usize * dim, a as usize * dim);
            for (d, &x) in d_attributes[a..a + dim].iter_mut().zip(&g[t..t + dim]) {
                *d += w * x;
            }
        }
        let d_attributes = Tensor::from_vec(d_attributes, attributes.shape(), attributes.device())?;
        Ok((Some(grad.clone()), Some(d_attributes)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Var};

    #[test]
    fn matches_index_add_and_its_gradients() {
        let device = Device::Cpu;
        let items =
            Var::from_vec((0..12).map(|i| i as f32 * 0.1).collect(), (4, 3), &device).unwrap();
        let attrs =
            Var::from_vec((0..6).map(|i| 1.0 - i as f32 * 0.2).collect(), (2, 3), &device).unwrap();
        let pairs = Arc::new(AttributePairs {
            items: vec![1, 1, 3],
            attributes: vec![0, 1, 1],
            weights: vec![0.5, 0.5, 1.0],
        });
        let weights =
            Tensor::from_vec((0..12).map(|i| (i % 5) as f32).collect(), (4, 3), &device).unwrap();
        let ours = (add_attributes(&items, &attrs, &pairs).unwrap() * &weights)
            .unwrap()
            .sum_all()
            .unwrap();
        let idx = Tensor::new(pairs.items.as_slice(), &device).unwrap();
        let aidx = Tensor::new(pairs.attributes.as_slice(), &device).unwrap();
        let w = Tensor::from_vec(pairs.weights.clone(), (3, 1), &device).unwrap();
        let per_pair = attrs.index_select(&aidx, 0).unwrap().broadcast_mul(&w).unwrap();
        let reference = items.index_add(&idx, &per_pair, 0).unwrap();
        let reference = (reference * &weights).unwrap().sum_all().unwrap();
        assert!(
            (ours.to_scalar::<f32>().unwrap() - reference.to_scalar::<f32>().unwrap()).abs() < 1e-5
        );
        let (ga, gb) = (ours.backward().unwrap(), reference.backward().unwrap());
        for var in [&items, &attrs] {
            let x = ga.get(var).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
            let y = gb.get(var).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
            assert_eq!(x.len(), y.len());
            for (p, q) in x.iter().zip(&y) {
                assert!((p - q).abs() < 1e-5, "gradient {p} vs {q}");
            }
        }
    }
}
