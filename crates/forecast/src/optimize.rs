//! Nelder-Mead: derivative-free minimisation of a function of a few unbounded variables, used
//! to fit the smoothing parameters. Bounds are the caller's business (transform the variables);
//! this finds a local minimum and promises nothing about a global one.

/// Stopping rules for [`minimize`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    /// Side of the starting simplex along each axis.
    pub step: f64,
    /// Stop when the simplex's best and worst values differ by less than this, relatively.
    pub tolerance: f64,
    /// Stop after this many function evaluations.
    pub max_evals: usize,
}

/// Minimises `f` from `start`; returns the best point and its value. NaN counts as +infinity,
/// so `f` may signal an infeasible point with either.
pub(crate) fn minimize(
    mut f: impl FnMut(&[f64]) -> f64,
    start: &[f64],
    settings: Settings,
) -> (Vec<f64>, f64) {
    let dim = start.len();
    // A Cell, because the loop reads the count while the closure that bumps it is alive.
    let evals = std::cell::Cell::new(0usize);
    let mut eval = |x: &[f64]| {
        evals.set(evals.get() + 1);
        let v = f(x);
        if v.is_nan() {
            f64::INFINITY
        } else {
            v
        }
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(dim + 1);
    simplex.push((start.to_vec(), eval(start)));
    for i in 0..dim {
        let mut x = start.to_vec();
        x[i] += settings.step;
        let v = eval(&x);
        simplex.push((x, v));
    }
    if dim == 0 {
        let (x, v) = simplex.swap_remove(0);
        return (x, v);
    }
    let along = |from: &[f64], to: &[f64], t: f64| -> Vec<f64> {
        from.iter().zip(to).map(|(a, b)| a + t * (b - a)).collect()
    };
    loop {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let best = simplex[0].1;
        let worst = simplex[dim].1;
        let spread = (worst - best).abs();
        let converged = spread <= settings.tolerance * (best.abs() + settings.tolerance)
            || (best.is_infinite() && worst.is_infinite());
        if converged || evals.get() >= settings.max_evals {
            break;
        }
        let mut centroid = vec![0.0; dim];
        for (x, _) in &simplex[..dim] {
            for (c, xi) in centroid.iter_mut().zip(x) {
                *c += xi / dim as f64;
            }
        }
        let worst_x = simplex[dim].0.clone();
        let reflected = along(&centroid, &worst_x, -1.0);
        let fr = eval(&reflected);
        if fr < best {
            let expanded = along(&centroid, &worst_x, -2.0);
            let fe = eval(&expanded);
            simplex[dim] = if fe < fr { (expanded, fe) } else { (reflected, fr) };
            continue;
        }
        if fr < simplex[dim - 1].1 {
            simplex[dim] = (reflected, fr);
            continue;
        }
        let (contracted, limit) = if fr < worst {
            (along(&centroid, &reflected, 0.5), fr)
        } else {
            (along(&centroid, &worst_x, 0.5), worst)
        };
        let fc = eval(&contracted);
        if fc < limit {
            simplex[dim] = (contracted, fc);
            continue;
        }
        let best_x = simplex[0].0.clone();
        for vertex in simplex.iter_mut().skip(1) {
            let x = along(&best_x, &vertex.0, 0.5);
            let v = eval(&x);
            *vertex = (x, v);
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (x, v) = simplex.swap_remove(0);
    (x, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_the_rosenbrock_valley() {
        let rosenbrock = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let settings = Settings { step: 0.5, tolerance: 1e-14, max_evals: 5000 };
        let (x, v) = minimize(rosenbrock, &[-1.2, 1.0], settings);
        assert!(v < 1e-8, "{v} at {x:?}");
        assert!((x[0] - 1.0).abs() < 1e-3 && (x[1] - 1.0).abs() < 1e-3, "{x:?}");
    }

    #[test]
    fn steps_around_infeasible_points() {
        // Infinite left of 0.5: the minimum at 1 is reached from the feasible side.
        let f = |x: &[f64]| if x[0] < 0.5 { f64::NAN } else { (x[0] - 1.0).powi(2) };
        let settings = Settings { step: 1.0, tolerance: 1e-12, max_evals: 500 };
        let (x, _) = minimize(f, &[3.0], settings);
        assert!((x[0] - 1.0).abs() < 1e-4, "{x:?}");
    }
}
