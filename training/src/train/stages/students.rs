//! Stage 2: the students N_S1 and N_S2 against the frozen teacher (eq. 1-5). Both stay
//! close to the teacher on real images; on partial fakes N_S1 stays close and N_S2 is
//! pushed beyond the margin on generalised features G_PF(f); on full fakes the roles swap
//! with G_FF.

use std::collections::BTreeMap;

use burn::tensor::Device;

use super::{Batch, Losses, Stage, TrainStage};
use crate::train::data::{DetectorBatch, Part};
use crate::train::losses::{close_loss, discrepancy, margin_loss};
use crate::train::networks::{Networks, Trainable};
use crate::train::run_data::RunData;

pub struct Students;

impl TrainStage for Students {
    fn stage(&self) -> Stage {
        Stage::Students
    }

    fn trains(&self) -> Trainable {
        Trainable::Students
    }

    fn loss(&self, data: &RunData, nets: &Networks, batch: &mut Batch<'_>) -> Losses {
        let batch_data = DetectorBatch::new(&data.train, batch.rows, batch.device);
        loss(nets, &batch_data, data.config.margin)
    }

    fn validate(&self, data: &RunData, nets: &Networks, device: &Device) -> BTreeMap<String, f32> {
        validate(nets, &data.val, device)
    }
}

pub fn loss(nets: &Networks, batch: &DetectorBatch, margin: f32) -> Losses {
    let f = batch.tokens.clone();
    let [real, partial, full] = batch.is_class.clone();
    let z_t = nets.teacher.forward(f.clone()).z;
    let z_s1 = nets.student1.forward(f.clone()).z;
    let z_s2 = nets.student2.forward(f.clone()).z;
    // Eq. 1 for both students.
    let real_close = close_loss(z_t.clone(), z_s1.clone(), real.clone())
        + close_loss(z_t.clone(), z_s2.clone(), real);
    // Eq. 3 and 5: the student that should agree, on the original features.
    let partial_close = close_loss(z_t.clone(), z_s1, partial.clone());
    let full_close = close_loss(z_t, z_s2, full.clone());
    // Eq. 2: N_S2 beyond the margin on G_PF(f).
    let g_pf = nets.generalizer_pf.forward(f.clone());
    let partial_far = margin_loss(
        nets.teacher.forward(g_pf.clone()).z,
        nets.student2.forward(g_pf).z,
        margin,
        partial,
    );
    // Eq. 4: N_S1 beyond the margin on G_FF(f).
    let g_ff = nets.generalizer_ff.forward(f);
    let full_far = margin_loss(
        nets.teacher.forward(g_ff.clone()).z,
        nets.student1.forward(g_ff).z,
        margin,
        full,
    );
    Losses::sum_of(vec![
        ("real_close", real_close),
        ("partial_close", partial_close),
        ("partial_far", partial_far),
        ("full_close", full_close),
        ("full_far", full_far),
    ])
}

/// Mean d1 (teacher vs N_S1) and d2 (teacher vs N_S2) per class: the students are right
/// when d1 is large only for full fakes and d2 only for partial fakes.
pub fn validate(nets: &Networks, val: &Part, device: &Device) -> BTreeMap<String, f32> {
    let (d1, d2) = discrepancies(nets, val, device);
    let mut sums = [[0.0f64; 2]; 3];
    let mut counts = [0usize; 3];
    for r in 0..val.len() {
        let k = val.label(r).index();
        sums[k][0] += f64::from(d1[r]);
        sums[k][1] += f64::from(d2[r]);
        counts[k] += 1;
    }
    let mut out = BTreeMap::new();
    for (k, name) in ["real", "partial", "full"].iter().enumerate() {
        let n = counts[k].max(1) as f64;
        out.insert(format!("d1_{name}"), (sums[k][0] / n) as f32);
        out.insert(format!("d2_{name}"), (sums[k][1] / n) as f32);
    }
    out
}

/// Per-image d1 and d2 over a whole part (no generalizers: what inference sees).
pub fn discrepancies(nets: &Networks, part: &Part, device: &Device) -> (Vec<f32>, Vec<f32>) {
    let mut d1 = Vec::with_capacity(part.len());
    let mut d2 = Vec::with_capacity(part.len());
    let rows: Vec<usize> = (0..part.len()).collect();
    for chunk in rows.chunks(64) {
        let batch = DetectorBatch::new(part, chunk, device);
        let z_t = nets.teacher.forward(batch.tokens.clone()).z;
        let z_s1 = nets.student1.forward(batch.tokens.clone()).z;
        let z_s2 = nets.student2.forward(batch.tokens).z;
        d1.extend(read(discrepancy(z_t.clone(), z_s1)));
        d2.extend(read(discrepancy(z_t, z_s2)));
    }
    (d1, d2)
}

fn read(t: burn::tensor::Tensor<1>) -> Vec<f32> {
    super::values(t.into_data())
}
