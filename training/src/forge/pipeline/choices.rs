//! Every split, choice and seed of a run, from SHA-256 (of the photograph's name and the
//! seed), never from `std`'s hasher: the same bytes on every toolchain.

use sha2::{Digest, Sha256};

/// SHA-256 of the seed and the parts, as a number: the project's one source of choices.
pub fn digest(seed: u64, parts: &[&str]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    for part in parts {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}

pub(super) fn number(seed: u64, parts: &[&str]) -> u64 {
    let d = digest(seed, parts);
    u64::from_le_bytes(d[..8].try_into().expect("8 bytes"))
}

/// The split of a photograph: from SHA-256 of its file name alone (not the seed), so a
/// photograph stays in its split across runs, seeds and toolchains.
pub fn split_of(name: &str, train_share: f32, val_share: f32) -> &'static str {
    let u = (number(0, &["split", name]) % 1_000_000) as f32 / 1_000_000.0;
    if u < train_share {
        "train"
    } else if u < train_share + val_share {
        "val"
    } else {
        "test"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_depend_on_every_part_and_the_seed() {
        assert_eq!(number(0, &["split", "a"]), number(0, &["split", "a"]));
        assert_ne!(number(0, &["split", "a"]), number(1, &["split", "a"]));
        assert_ne!(number(0, &["split", "ab"]), number(0, &["split", "a", "b"]));
    }
}
