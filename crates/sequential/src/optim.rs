//! AdamW with linear warm-up, over candle variables, with state that checkpoints can save.

use candle_core::backprop::GradStore;
use candle_core::{Tensor, Var};
use rayon::prelude::*;

use crate::Result;

const BETA1: f32 = 0.9;
const BETA2: f32 = 0.98;
const EPSILON: f32 = 1e-8;

/// Optimiser state: first and second moments per parameter and the step count.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AdamW {
    pub step: u64,
    pub first: Vec<Vec<f32>>,
    pub second: Vec<Vec<f32>>,
}

impl AdamW {
    pub(crate) fn new(vars: &[Var]) -> Self {
        Self {
            step: 0,
            first: vars.iter().map(|v| vec![0.0; v.elem_count()]).collect(),
            second: vars.iter().map(|v| vec![0.0; v.elem_count()]).collect(),
        }
    }

    /// One update of every variable with a gradient. Weight decay applies to matrices only
    /// (not to biases and LayerNorm gains), as is usual for transformers.
    pub(crate) fn step(
        &mut self,
        vars: &[Var],
        grads: &GradStore,
        learning_rate: f32,
        weight_decay: f32,
    ) -> Result<()> {
        self.step += 1;
        let t = self.step as i32;
        let (c1, c2) = (1.0 - BETA1.powi(t), 1.0 - BETA2.powi(t));
        for ((var, m), v) in vars.iter().zip(&mut self.first).zip(&mut self.second) {
            let Some(grad) = grads.get(var) else { continue };
            let g = grad.flatten_all()?.to_vec1::<f32>()?;
            let mut theta = var.flatten_all()?.to_vec1::<f32>()?;
            let decay = if var.rank() >= 2 { weight_decay } else { 0.0 };
            theta
                .par_iter_mut()
                .zip(m.par_iter_mut())
                .zip(v.par_iter_mut())
                .zip(g.par_iter())
                .for_each(|(((p, m), v), &g)| {
                    *m = BETA1 * *m + (1.0 - BETA1) * g;
                    *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                    let update = (*m / c1) / ((*v / c2).sqrt() + EPSILON);
                    *p -= learning_rate * (update + decay * *p);
                });
            var.set(&Tensor::from_vec(theta, var.shape(), var.device())?)?;
        }
        Ok(())
    }
}

/// The learning rate at `step` (counted from 1): linear warm-up to `peak`, then constant.
pub(crate) fn warmup(peak: f32, warmup_steps: usize, step: u64) -> f32 {
    if warmup_steps == 0 {
        return peak;
    }
    peak * (step as f32 / warmup_steps as f32).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn adamw_moves_a_parameter_downhill() {
        let x = Var::from_vec(vec![3.0f32, -2.0], 2, &Device::Cpu).unwrap();
        let mut adam = AdamW::new(std::slice::from_ref(&x));
        for _ in 0..200 {
            let loss = x.as_tensor().sqr().unwrap().sum_all().unwrap();
            let grads = loss.backward().unwrap();
            adam.step(std::slice::from_ref(&x), &grads, 0.05, 0.0).unwrap();
        }
        let v = x.as_tensor().to_vec1::<f32>().unwrap();
        assert!(v.iter().all(|x| x.abs() < 0.2), "{v:?}");
    }

    #[test]
    fn warmup_rises_linearly_then_holds() {
        assert_eq!(warmup(1.0, 10, 5), 0.5);
        assert_eq!(warmup(1.0, 10, 50), 1.0);
        assert_eq!(warmup(1.0, 0, 1), 1.0);
    }
}
