//! One shard's part of a batch index (`index.shard-K-of-N.json`, written by
//! `analyze --shard K/N --report-dir DIR`): the index rows of its images, each with its
//! position among all the run's inputs, so `report-index` can merge the parts into the
//! index a single run writes. Probabilities are stored widened to f64, which reads back
//! to the same f32 exactly.

use std::path::Path;

use anyhow::{Context, Result};
use forgelens_engine::files::write_atomic;
use forgelens_report::index::IndexRow;
use serde::{Deserialize, Serialize};

use crate::shard::Shard;

/// The `format` field of an index part.
pub const PART_FORMAT: &str = "forgelens-index-shard-1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexPart {
    pub format: String,
    pub shard: u32,
    pub shards: u32,
    /// Images in the whole run (every shard's inputs).
    pub inputs: usize,
    /// The index's title.
    pub title: String,
    pub rows: Vec<PartRow>,
}

/// An `IndexRow` with its position among the run's inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartRow {
    pub position: usize,
    pub image: String,
    pub report: String,
    pub verdict: String,
    pub summary: String,
    pub p_real: Option<f64>,
    pub p_partial: Option<f64>,
    pub p_full: Option<f64>,
    pub fused_area: Option<f64>,
    pub sha256: String,
    pub error: String,
}

impl PartRow {
    pub fn new(position: usize, row: &IndexRow) -> Self {
        Self {
            position,
            image: row.image.clone(),
            report: row.report.clone(),
            verdict: row.verdict.clone(),
            summary: row.summary.clone(),
            p_real: row.p_real.map(f64::from),
            p_partial: row.p_partial.map(f64::from),
            p_full: row.p_full.map(f64::from),
            fused_area: row.fused_area.map(f64::from),
            sha256: row.sha256.clone(),
            error: row.error.clone(),
        }
    }

    pub fn to_row(&self) -> IndexRow {
        let narrow = |v: Option<f64>| v.map(|v| v as f32);
        IndexRow {
            image: self.image.clone(),
            report: self.report.clone(),
            verdict: self.verdict.clone(),
            summary: self.summary.clone(),
            p_real: narrow(self.p_real),
            p_partial: narrow(self.p_partial),
            p_full: narrow(self.p_full),
            fused_area: narrow(self.fused_area),
            sha256: self.sha256.clone(),
            error: self.error.clone(),
        }
    }
}

impl IndexPart {
    /// The part of `shard`, from `(position, row)` pairs.
    pub fn new(shard: Shard, inputs: usize, title: &str, rows: &[(usize, IndexRow)]) -> Self {
        Self {
            format: PART_FORMAT.to_string(),
            shard: shard.index,
            shards: shard.count,
            inputs,
            title: title.to_string(),
            rows: rows.iter().map(|(p, r)| PartRow::new(*p, r)).collect(),
        }
    }

    /// Writes the part into `dir` under the shard's file name; returns its path.
    pub fn write(&self, dir: &Path) -> Result<std::path::PathBuf> {
        let shard = Shard {
            index: self.shard,
            count: self.shards,
        };
        let path = dir.join(shard.index_file_name());
        let json = serde_json::to_vec_pretty(self)?;
        write_atomic(&path, &json).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }

    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path)
            .with_context(|| format!("reading the index part {}", path.display()))?;
        serde_json::from_slice(&bytes).with_context(|| {
            format!(
                "{} is not an index part of `analyze --shard`",
                path.display()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_read_back_bit_for_bit() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let rows: Vec<(usize, IndexRow)> = (0..500)
            .map(|i| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let p = f32::from_bits(0x3f00_0000 | (state >> 41) as u32) - 0.5;
                let row = IndexRow {
                    image: format!("{i}.png"),
                    report: String::new(),
                    verdict: "real".into(),
                    summary: "Real".into(),
                    p_real: Some(p),
                    p_partial: Some(1.0 - p),
                    p_full: None,
                    fused_area: Some(p / 3.0),
                    sha256: String::new(),
                    error: String::new(),
                };
                (i, row)
            })
            .collect();
        let part = IndexPart::new(Shard { index: 1, count: 3 }, 500, "t", &rows);
        let json = serde_json::to_vec(&part).expect("json");
        let back: IndexPart = serde_json::from_slice(&json).expect("parse");
        for ((_, row), read) in rows.iter().zip(&back.rows) {
            assert_eq!(&read.to_row(), row);
            assert_eq!(
                read.to_row().p_real.map(f32::to_bits),
                row.p_real.map(f32::to_bits)
            );
        }
    }
}
