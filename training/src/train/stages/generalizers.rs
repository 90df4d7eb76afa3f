//! Stage 3: the adversarial feature generalizers G_PF and G_FF (eq. 6-7), teacher and
//! students frozen. Each learns to reshape fake features so the students' discrepancy
//! pattern flips, which the next student round must then withstand.

use std::collections::BTreeMap;

use burn::tensor::Device;

use super::{Batch, Losses, Stage, TrainStage};
use crate::train::data::{DetectorBatch, Part};
use crate::train::losses::generalizer_loss;
use crate::train::networks::{Networks, Trainable};
use crate::train::run_data::RunData;

pub struct Generalizers;

impl TrainStage for Generalizers {
    fn stage(&self) -> Stage {
        Stage::Generalizers
    }

    fn trains(&self) -> Trainable {
        Trainable::Generalizers
    }

    fn loss(&self, data: &RunData, nets: &Networks, batch: &mut Batch<'_>) -> Losses {
        let batch_data = DetectorBatch::new(&data.train, batch.rows, batch.device);
        loss(nets, &batch_data, data.config.margin)
    }

    fn validate(&self, data: &RunData, nets: &Networks, device: &Device) -> BTreeMap<String, f32> {
        validate(nets, &data.val, data.config.margin, device)
    }
}

pub fn loss(nets: &Networks, batch: &DetectorBatch, margin: f32) -> Losses {
    let f = batch.tokens.clone();
    let [_, partial, full] = batch.is_class.clone();
    // Eq. 6 on G_PF(f) of partial fakes: N_S1 pushed away, N_S2 pulled close.
    let g_pf = nets.generalizer_pf.forward(f.clone());
    let pf = generalizer_loss(
        nets.teacher.forward(g_pf.clone()).z,
        nets.student1.forward(g_pf.clone()).z,
        nets.student2.forward(g_pf).z,
        margin,
        partial,
    );
    // Eq. 7 on G_FF(f) of full fakes: N_S2 pushed away, N_S1 pulled close.
    let g_ff = nets.generalizer_ff.forward(f);
    let ff = generalizer_loss(
        nets.teacher.forward(g_ff.clone()).z,
        nets.student2.forward(g_ff.clone()).z,
        nets.student1.forward(g_ff).z,
        margin,
        full,
    );
    Losses::sum_of(vec![("pf", pf), ("ff", ff)])
}

/// The same losses on validation features.
pub fn validate(
    nets: &Networks,
    val: &Part,
    margin: f32,
    device: &Device,
) -> BTreeMap<String, f32> {
    let rows: Vec<usize> = (0..val.len()).collect();
    let mut sums = BTreeMap::new();
    let mut batches = 0.0f32;
    for chunk in rows.chunks(64) {
        let batch = DetectorBatch::new(val, chunk, device);
        for (name, value) in loss(nets, &batch, margin).named() {
            *sums.entry(format!("loss_{name}")).or_insert(0.0) += value.into_scalar::<f32>();
        }
        batches += 1.0;
    }
    sums.values_mut().for_each(|v| *v /= batches.max(1.0));
    sums
}
