//! EASE's memory rule: how many bytes a fit needs for a number of modelled items, how many the
//! machine can give, and the [`Error::TooLarge`] that refuses a fit before anything is allocated.
//! It does not allocate or measure anything but `/proc/meminfo`.
//!
//! The rule: a fit of `m` items holds two dense `m × m` matrices of the working element type at
//! its peak (see `solve.rs`), so it needs `2 × m² × element bytes` (8 bytes per cell in `f32`,
//! 16 in `f64`). The budget is `max_memory_gb` when set; otherwise `MemAvailable` from
//! `/proc/meminfo`; otherwise (no such file) [`FALLBACK_MEMORY_GB`]. A fit is refused when it
//! needs more than the budget, so the machine never starts swapping for it.

use super::NAME;
use crate::{Error, Result};

/// Dense `m × m` buffers alive at the same time during a fit.
pub const PEAK_COPIES: f64 = 2.0;
/// The budget when neither `max_memory_gb` nor `/proc/meminfo` says otherwise.
pub const FALLBACK_MEMORY_GB: f64 = 8.0;
const GIB: f64 = (1u64 << 30) as f64;

/// Bytes a fit of `m` items needs at its peak with elements of `element_bytes`.
pub fn bytes_needed(m: usize, element_bytes: usize) -> f64 {
    PEAK_COPIES * (m as f64) * (m as f64) * element_bytes as f64
}

/// The most items a budget of `budget_bytes` fits with elements of `element_bytes`.
pub fn max_items_for(budget_bytes: f64, element_bytes: usize) -> usize {
    (budget_bytes / (PEAK_COPIES * element_bytes as f64)).max(0.0).sqrt() as usize
}

/// The memory budget in bytes and where it comes from, for messages.
pub fn budget(max_memory_gb: Option<f64>) -> (f64, &'static str) {
    if let Some(gb) = max_memory_gb {
        return (gb * GIB, "max_memory_gb");
    }
    match available_bytes() {
        Some(bytes) => (bytes as f64, "MemAvailable in /proc/meminfo"),
        None => (FALLBACK_MEMORY_GB * GIB, "the fallback budget (no /proc/meminfo)"),
    }
}

/// `MemAvailable` in bytes, when the system reports it.
fn available_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_mem_available(&text)
}

/// Reads the `MemAvailable:  123 kB` line.
fn parse_mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kb.checked_mul(1024)
}

/// Refuses a fit of `m` items that would not fit the budget; computes only, allocates nothing.
pub fn check(m: usize, element_bytes: usize, max_memory_gb: Option<f64>) -> Result<()> {
    let need = bytes_needed(m, element_bytes);
    let (have, source) = budget(max_memory_gb);
    let cells_fit = m.checked_mul(m).is_some_and(|c| c.checked_mul(element_bytes).is_some());
    if need <= have && cells_fit {
        return Ok(());
    }
    let precision = if element_bytes == 8 { "f64" } else { "f32" };
    Err(Error::TooLarge {
        model: NAME,
        detail: format!(
            "{m} items need about {:.1} GiB ({} dense {m} × {m} {precision} matrices), but the \
             budget is {:.1} GiB ({source}); EASE fits at most {} items here. Set max_items to \
             model only the most popular items, or use item-knn or als, which scale with the \
             interactions instead of the square of the catalog",
            need / GIB,
            PEAK_COPIES,
            have / GIB,
            max_items_for(have, element_bytes),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meminfo_is_read_in_kilobytes_and_garbage_is_none() {
        let check = |text: &str, expected: Option<u64>| {
            assert_eq!(parse_mem_available(text), expected, "{text:?}")
        };
        check("MemTotal: 10 kB\nMemAvailable:    2048 kB\n", Some(2048 * 1024));
        check("MemTotal: 10 kB\n", None);
        check("MemAvailable: lots kB\n", None);
        check("", None);
    }

    #[test]
    fn the_rule_names_items_memory_and_alternatives() {
        // 1 GiB of f32 fits sqrt(2^30 / 8) = 11585 items.
        assert_eq!(max_items_for(GIB, 4), 11585);
        assert!(check(11585, 4, Some(1.0)).is_ok());
        let message = match check(11586, 4, Some(1.0)) {
            Err(e) => e.to_string(),
            Ok(()) => String::new(),
        };
        for part in ["11586 items", "1.0 GiB", "max_items", "item-knn", "als", "at most 11585"] {
            assert!(message.contains(part), "{part:?} missing from {message:?}");
        }
        assert!(check(usize::MAX, 8, None).is_err());
    }
}
