//! `analyze --shard K/N`: a stable share of a batch for one of N machines. An image belongs
//! to shard `u64(first 8 bytes of SHA-256(file bytes)) mod N`, so the split depends on the
//! contents alone (not on names, order or machine), and identical files go to one shard.
//! Shards are numbered from 0, as a Kubernetes Indexed Job numbers its pods.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0..count`.
    pub index: u32,
    pub count: u32,
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not K/N (e.g. 0/4: the first of 4 shards)"))?;
        let number = |t: &str| {
            t.trim()
                .parse::<u32>()
                .map_err(|_| format!("`{t}` in `{text}` is not a whole number"))
        };
        let (index, count) = (number(k)?, number(n)?);
        if count == 0 {
            return Err(format!("`{text}`: the number of shards must be at least 1"));
        }
        if index >= count {
            return Err(format!(
                "`{text}`: shards are numbered from 0 to {}",
                count - 1
            ));
        }
        Ok(Self { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The shard a file's bytes belong to.
    pub fn of_bytes(bytes: &[u8], count: u32) -> u32 {
        let digest = Sha256::digest(bytes);
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        (u64::from_be_bytes(first) % u64::from(count)) as u32
    }

    /// Whether the file at `path` is this shard's. A file that cannot be read goes to
    /// shard 0, so its error row is in exactly one shard's index.
    pub fn takes(&self, path: &Path) -> bool {
        let shard = std::fs::read(path).map_or(0, |bytes| Self::of_bytes(&bytes, self.count));
        shard == self.index
    }

    /// The file name of this shard's part of the index (`report-index` merges them).
    pub fn index_file_name(&self) -> String {
        format!("index.shard-{}-of-{}.json", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!("2/5".parse::<Shard>(), Ok(Shard { index: 2, count: 5 }));
        assert_eq!(
            "0/1".parse::<Shard>().map(|s| s.to_string()),
            Ok("0/1".into())
        );
        for bad in ["5/5", "1/0", "a/2", "2", "-1/3", "1/2/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad} refused");
        }
    }

    #[test]
    fn every_file_lands_in_exactly_one_shard_and_the_split_is_even() {
        let count = 4;
        let mut sizes = [0usize; 4];
        for i in 0..4000u32 {
            let bytes = i.to_le_bytes();
            let owners = (0..count)
                .filter(|&k| Shard::of_bytes(&bytes, count) == k)
                .count();
            assert_eq!(owners, 1);
            sizes[Shard::of_bytes(&bytes, count) as usize] += 1;
        }
        assert!(sizes.iter().all(|&n| (900..1100).contains(&n)), "{sizes:?}");
    }

    #[test]
    fn pinned_to_sha256() {
        // SHA-256("abc") starts ba7816bf8f01cfea = 13436514500253700074.
        assert_eq!(Shard::of_bytes(b"abc", 1000), 74);
        assert_eq!(
            Shard::of_bytes(b"abc", 7),
            (0xba7816bf8f01cfea_u64 % 7) as u32
        );
    }
}
