//! Stable assignment: a fixed 64-bit hash of `"<experiment id>/<shopper id>"` mapped to a point
//! of `[0, 1)` that falls into one variant's slice, and a second, independent point that says
//! whether the shopper is inside the traffic share.
//!
//! The hash is 64-bit FNV-1a followed by a fixed avalanche step (the 64-bit finaliser of the
//! SplitMix generator), written out here rather than taken from `std`, whose hashers may change
//! between Rust releases. The same shopper therefore lands in the same variant in every process,
//! on every machine and in every later version of Aisle; the tests pin exact assignments so a
//! change to this file cannot slip through.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The stable 64-bit hash of `bytes`.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut hash = FNV_OFFSET;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    // FNV-1a alone leaves neighbouring ids ("user-1", "user-2") close in the high bits; the
    // finaliser spreads every input bit over the whole word.
    hash ^= hash >> 30;
    hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash ^= hash >> 27;
    hash = hash.wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

/// The point in `[0, 1)` that picks a shopper's variant: the top 53 bits of the hash of
/// `"<experiment>/<shopper>"`, so every double in the range is equally likely.
pub fn unit_point(experiment: &str, shopper: &str) -> f64 {
    point_of(&[experiment, "/", shopper])
}

/// The point in `[0, 1)` that says whether a shopper is enrolled at all (below the traffic
/// share): the hash of `"<experiment>/<shopper>/enrolment"`, independent of [`unit_point`], so
/// widening the traffic enrols more shoppers without moving anyone between variants.
pub fn enrolment_point(experiment: &str, shopper: &str) -> f64 {
    point_of(&[experiment, "/", shopper, "/enrolment"])
}

fn point_of(parts: &[&str]) -> f64 {
    let key: Vec<u8> = parts.iter().flat_map(|p| p.bytes()).collect();
    (stable_hash(&key) >> 11) as f64 / (1u64 << 53) as f64
}

/// The key a shopper is remembered by in a [`crate::Ledger`]: the hash of their id. Two of a
/// million shoppers share a key with odds of about one in thirty million.
pub fn shopper_key(shopper: &str) -> u64 {
    stable_hash(shopper.as_bytes())
}

/// The slice of `[0, 1)` a point falls in, for slices proportional to `weights` (all positive);
/// `None` when there are none.
pub(crate) fn slice_of(point: f64, weights: &[f64]) -> Option<usize> {
    let total: f64 = weights.iter().sum();
    let mut upper = 0.0;
    for (k, weight) in weights.iter().enumerate() {
        upper += weight / total;
        if point < upper {
            return Some(k);
        }
    }
    // Rounding can leave the running sum a hair under 1.
    weights.len().checked_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fixed_for_all_time() {
        // Expected values computed independently of this code; they must never change, or every
        // running experiment would reshuffle its shoppers.
        let check = |input: &str, expected: u64| {
            assert_eq!(stable_hash(input.as_bytes()), expected, "{input:?}");
        };
        check("", 0xf52a_15e9_a9b5_e89b);
        check("a", 0x02c0_bdbf_4814_20f8);
        check("shopper-1", 0xb45c_40a9_fe1e_897e);
        check("shopper-2", 0x5aed_4f61_0b62_86bf);
        let point = |shopper: &str, expected: f64| {
            assert_eq!(unit_point("home-feed", shopper), expected, "{shopper}");
        };
        point("u1", 0.027_351_810_378_285_046);
        point("alice", 0.492_322_921_521_801_9);
        point("carol", 0.921_317_173_406_236);
    }

    #[test]
    fn points_fill_the_unit_interval_evenly() {
        let mut buckets = [0u32; 10];
        for k in 0..100_000 {
            let point = unit_point("exp", &format!("u{k}"));
            assert!((0.0..1.0).contains(&point));
            buckets[(point * 10.0) as usize] += 1;
        }
        for count in buckets {
            assert!((9_700..=10_300).contains(&count), "{buckets:?}");
        }
    }

    #[test]
    fn slices_follow_the_weights_and_the_edges() {
        assert_eq!(slice_of(0.0, &[1.0, 1.0]), Some(0));
        assert_eq!(slice_of(0.4999, &[1.0, 1.0]), Some(0));
        assert_eq!(slice_of(0.5, &[1.0, 1.0]), Some(1));
        assert_eq!(slice_of(0.7, &[1.0, 3.0]), Some(1));
        assert_eq!(slice_of(0.2, &[1.0, 3.0]), Some(0));
        assert_eq!(slice_of(0.999_999_999_999, &[1.0, 1.0, 1.0]), Some(2));
        assert_eq!(slice_of(0.5, &[]), None);
    }
}
