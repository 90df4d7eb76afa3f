//! The paper's losses (eq. 1-7) and class-weighted cross-entropy, as plain functions of
//! network outputs. `d(a, b)` is the per-image squared discrepancy, averaged over z's
//! components (the same quantity the app shows as d1 / d2). Every loss is averaged over
//! the images it applies to, selected by a 0/1 `mask` over the batch; an empty selection
//! gives zero.

use burn::tensor::activation::{log_softmax, relu};
use burn::tensor::{Int, Tensor};
use forgelens_engine::Label;

/// `[batch]`: mean over components of `(a - b)^2`.
pub fn discrepancy(a: Tensor<2>, b: Tensor<2>) -> Tensor<1> {
    // a, b: [batch, z]
    let [batch, _] = a.dims();
    (a - b).powi_scalar(2).mean_dim(1).reshape([batch])
}

/// Mean of `values` over the images where `mask` is 1.
pub fn masked_mean(values: Tensor<1>, mask: Tensor<1>) -> Tensor<1> {
    let count = mask.clone().sum().clamp_min(1.0);
    (values * mask).sum() / count
}

/// Eq. 1, 3, 5: keep a student close to the teacher, `mean d(z_T, z_S)`.
pub fn close_loss(z_t: Tensor<2>, z_s: Tensor<2>, mask: Tensor<1>) -> Tensor<1> {
    masked_mean(discrepancy(z_t, z_s), mask)
}

/// Eq. 2, 4: push a student at least `margin` away, `mean [M - d(z_T, z_S)]_+`.
pub fn margin_loss(z_t: Tensor<2>, z_s: Tensor<2>, margin: f32, mask: Tensor<1>) -> Tensor<1> {
    let d = discrepancy(z_t, z_s);
    masked_mean(relu(d.neg().add_scalar(margin)), mask)
}

/// Eq. 6 (G_PF): `mean [M - d(z_T, z_S1)]_+ + d(z_T, z_S2)`; eq. 7 (G_FF) is the same with
/// the students swapped, so callers pass `(far, close)` = `(S1, S2)` for eq. 6 and
/// `(S2, S1)` for eq. 7.
pub fn generalizer_loss(
    z_t: Tensor<2>,
    z_far: Tensor<2>,
    z_close: Tensor<2>,
    margin: f32,
    mask: Tensor<1>,
) -> Tensor<1> {
    let far = relu(discrepancy(z_t.clone(), z_far).neg().add_scalar(margin));
    let close = discrepancy(z_t, z_close);
    masked_mean(far + close, mask)
}

/// Cross-entropy of `logits` `[batch, classes]` against `targets` `[batch]`, each image
/// weighted by its class's weight and normalised by the weights' sum.
pub fn weighted_cross_entropy(
    logits: Tensor<2>,
    targets: Tensor<1, Int>,
    class_weights: &[f32],
) -> Tensor<1> {
    let [batch, classes] = logits.dims();
    let device = logits.device();
    let log_p = log_softmax(logits, 1); // [batch, classes]
    let picked = log_p
        .gather(1, targets.clone().reshape([batch, 1]))
        .reshape([batch]); // [batch]
    let weights = Tensor::<1>::from_floats(&class_weights[..classes], &device).select(0, targets); // [batch]
    let total = weights.clone().sum();
    (picked * weights).sum().neg() / total
}

/// Real photographs and fully generated images are homogeneous: every location carries
/// the image's label. Class-weighted cross-entropy at every cell of a CAM of those images;
/// partial fakes, whose manipulated locations training never knows, are left out. Zero
/// for a batch of partial fakes only.
pub fn homogeneous_location_loss(
    cam: Tensor<4>,
    labels: Tensor<1, Int>,
    class_weights: &[f32],
) -> Tensor<1> {
    let [batch, classes, h, w] = cam.dims();
    let n = h * w;
    let device = cam.device();
    let logits = cam
        .reshape([batch, classes, n])
        .swap_dims(1, 2)
        .reshape([batch * n, classes]); // [batch * cells, classes]
    let targets = labels
        .reshape([batch, 1])
        .repeat_dim(1, n)
        .reshape([batch * n]); // [batch * cells]
    let picked = log_softmax(logits, 1)
        .gather(1, targets.clone().reshape([batch * n, 1]))
        .reshape([batch * n]);
    let mut weights = class_weights[..classes].to_vec();
    weights[Label::Partial.index()] = 0.0;
    let weights = Tensor::<1>::from_floats(weights.as_slice(), &device).select(0, targets);
    let total = weights.clone().sum().clamp_min(1e-6);
    (picked * weights).sum().neg() / total
}

/// Affinity from attention (AFA, Ru et al. 2022; AffinityNet before it), image labels only:
/// in each image selected by `mask` (the partial fakes), the CAM's confident cells give
/// pseudo-labels, manipulated where the per-image min-max normalised CAM is at least
/// `high`, untouched where it is at most `low`, unknown between. Each confident cell's row
/// of `affinity` should put its weight on cells of its own pseudo-label rather than the
/// other's: `-ln((same + e) / (same + other + e))`, averaged over manipulated rows and over
/// untouched rows, then the two halves averaged (the manipulated part is small). Unknown
/// cells neither ask nor count. A CAM whose range is under `MIN_RANGE` is normalised as if
/// its range were `MIN_RANGE`, so a nearly flat map (range under `high * MIN_RANGE`) has no
/// manipulated cell and teaches nothing. `cam` is a pseudo-label source: pass it detached.
pub fn attention_affinity_loss(
    affinity: Tensor<3>,
    cam: Tensor<2>,
    mask: Tensor<1>,
    low: f32,
    high: f32,
) -> Tensor<1> {
    const MIN_RANGE: f32 = 0.05;
    const EPS: f32 = 1e-6;
    // affinity: [batch, cells, cells], rows >= 0; cam: [batch, cells]
    let [batch, cells] = cam.dims();
    let min = cam.clone().min_dim(1); // [batch, 1]
    let range = cam.clone().max_dim(1) - min.clone();
    let normalised = (cam - min) / range.clamp_min(MIN_RANGE); // [batch, cells]
    let selected = mask.reshape([batch, 1]);
    let manipulated = normalised.clone().greater_equal_elem(high).float() * selected.clone();
    let untouched = normalised.lower_equal_elem(low).float() * selected;
    let towards = |target: &Tensor<2>| {
        affinity
            .clone()
            .matmul(target.clone().reshape([batch, cells, 1]))
            .reshape([batch, cells])
    };
    let to_manipulated = towards(&manipulated); // [batch, cells]
    let to_untouched = towards(&untouched);
    let total = to_manipulated.clone() + to_untouched.clone() + EPS;
    let half = |rows: Tensor<2>, same: Tensor<2>| {
        let nll = ((same + EPS) / total.clone()).log().neg();
        (nll * rows.clone()).sum() / rows.sum().clamp_min(1.0)
    };
    (half(manipulated, to_manipulated) + half(untouched, to_untouched)) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, TensorData};

    fn t2(rows: &[[f32; 2]]) -> Tensor<2> {
        let flat: Vec<f32> = rows.iter().flatten().copied().collect();
        Tensor::from_data(TensorData::new(flat, [rows.len(), 2]), &Device::flex())
    }
    fn t1(v: &[f32]) -> Tensor<1> {
        Tensor::from_floats(v, &Device::flex())
    }
    fn scalar(t: Tensor<1>) -> f32 {
        t.into_scalar()
    }

    // z_T = [[0,0],[1,1],[2,0]], z_S = [[1,1],[1,3],[2,0]]:
    // d = [(1+1)/2, (0+4)/2, 0] = [1, 2, 0].
    fn pair() -> (Tensor<2>, Tensor<2>) {
        (
            t2(&[[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]]),
            t2(&[[1.0, 1.0], [1.0, 3.0], [2.0, 0.0]]),
        )
    }

    #[test]
    fn discrepancy_is_mean_squared_difference() {
        let (a, b) = pair();
        let d: Vec<f32> = discrepancy(a, b)
            .into_data()
            .try_into_vec::<f32>()
            .expect("present");
        assert_eq!(d, vec![1.0, 2.0, 0.0]);
    }

    #[test]
    fn close_loss_averages_over_selected_images() {
        let (a, b) = pair();
        assert_eq!(
            scalar(close_loss(a.clone(), b.clone(), t1(&[1.0, 1.0, 1.0]))),
            1.0
        );
        assert_eq!(
            scalar(close_loss(a.clone(), b.clone(), t1(&[0.0, 1.0, 0.0]))),
            2.0
        );
        assert_eq!(scalar(close_loss(a, b, t1(&[0.0, 0.0, 0.0]))), 0.0);
    }

    #[test]
    fn margin_loss_is_hinge_on_discrepancy() {
        let (a, b) = pair();
        // M = 4: [3, 2, 4] -> mean 3; with M = 1.5: [0.5, 0, 1.5] -> mean 2/3.
        assert_eq!(
            scalar(margin_loss(a.clone(), b.clone(), 4.0, t1(&[1.0; 3]))),
            3.0
        );
        let m = scalar(margin_loss(a, b, 1.5, t1(&[1.0; 3])));
        assert!((m - 2.0 / 3.0).abs() < 1e-6, "{m}");
    }

    #[test]
    fn generalizer_loss_combines_hinge_and_closeness() {
        // z_T = [[0,0],[0,0]]; far student [[2,2],[0,0]] (d = 4, 0); close student
        // [[1,1],[0,2]] (d = 1, 2). M = 4: image 1: 0 + 1 = 1, image 2: 4 + 2 = 6.
        let z_t = t2(&[[0.0, 0.0], [0.0, 0.0]]);
        let far = t2(&[[2.0, 2.0], [0.0, 0.0]]);
        let close = t2(&[[1.0, 1.0], [0.0, 2.0]]);
        let all = scalar(generalizer_loss(
            z_t.clone(),
            far.clone(),
            close.clone(),
            4.0,
            t1(&[1.0, 1.0]),
        ));
        assert_eq!(all, 3.5);
        let second = scalar(generalizer_loss(z_t, far, close, 4.0, t1(&[0.0, 1.0])));
        assert_eq!(second, 6.0);
    }

    #[test]
    fn weighted_cross_entropy_matches_hand_computation() {
        // logits [0, ln 3] -> p = [1/4, 3/4]; target 1 -> -ln(3/4); target 0 -> -ln(1/4).
        let device = Device::flex();
        let logits = t2(&[[0.0, 3f32.ln()], [0.0, 3f32.ln()]]);
        let targets = Tensor::<1, Int>::from_ints([1, 0], &device);
        let unweighted = scalar(weighted_cross_entropy(
            logits.clone(),
            targets.clone(),
            &[1.0, 1.0],
        ));
        let expected = (-(0.75f32).ln() - (0.25f32).ln()) / 2.0;
        assert!(
            (unweighted - expected).abs() < 1e-5,
            "{unweighted} vs {expected}"
        );
        // Weights 3 for class 0, 1 for class 1: (3 * -ln 1/4 + 1 * -ln 3/4) / 4.
        let weighted = scalar(weighted_cross_entropy(logits, targets, &[3.0, 1.0]));
        let expected = (3.0 * -(0.25f32).ln() - (0.75f32).ln()) / 4.0;
        assert!(
            (weighted - expected).abs() < 1e-5,
            "{weighted} vs {expected}"
        );
    }

    #[test]
    fn homogeneous_location_loss_labels_every_cell_of_real_and_full_images() {
        let device = Device::flex();
        let ln2 = 2f32.ln();
        // Three images (real, partial, full), each a 1x2 grid of (real, partial, full) logits.
        // Real: cells (ln 2, 0, 0) and (0, 0, 0): -log p_real = ln 2 and ln 3.
        // Full: cells (0, 0, ln 2) and (0, 0, 0): -log p_full = ln 2 and ln 3.
        // The partial image's cells must not count, whatever they hold.
        #[rustfmt::skip]
        let cam = vec![
            ln2, 0.0, 0.0, 0.0, 0.0, 0.0,
            9.0, -9.0, 5.0, 5.0, 1.0, 7.0,
            0.0, 0.0, 0.0, 0.0, ln2, 0.0,
        ];
        let cam = Tensor::<4>::from_data(TensorData::new(cam, [3, 3, 1, 2]), &device);
        let labels = Tensor::<1, Int>::from_data(TensorData::new(vec![0i64, 1, 2], [3]), &device);
        let ln3 = 3f32.ln();
        // Weights 1 (real) and 3 (full): (ln2 + ln3 + 3 ln2 + 3 ln3) / (1 + 1 + 3 + 3).
        let expected = (4.0 * ln2 + 4.0 * ln3) / 8.0;
        let got = scalar(homogeneous_location_loss(
            cam.clone(),
            labels,
            &[1.0, 5.0, 3.0],
        ));
        assert!((got - expected).abs() < 1e-5, "{got} vs {expected}");
        let only_partial =
            Tensor::<1, Int>::from_data(TensorData::new(vec![1i64, 1, 1], [3]), &device);
        assert_eq!(
            scalar(homogeneous_location_loss(
                cam,
                only_partial,
                &[1.0, 5.0, 3.0]
            )),
            0.0
        );
    }

    #[test]
    fn attention_affinity_loss_rewards_rows_that_stay_within_their_pseudo_label() {
        let device = Device::flex();
        // One partial image of four cells. CAM 0.9, 0.8, 0.5, 0.1 normalises to
        // 1, 0.875, 0.5, 0: cells 0 and 1 manipulated (>= 0.6), cell 3 untouched (<= 0.35),
        // cell 2 unknown.
        let cam =
            Tensor::<2>::from_data(TensorData::new(vec![0.9, 0.8, 0.5, 0.1], [1, 4]), &device);
        #[rustfmt::skip]
        let affinity = vec![
            0.5, 0.2, 0.1, 0.2, // manipulated: same 0.7, other 0.2
            0.4, 0.4, 0.2, 0.0, // manipulated: same 0.8, other 0
            0.0, 0.0, 1.0, 0.0, // unknown: does not count
            0.3, 0.0, 0.0, 0.6, // untouched: same 0.6, other 0.3
        ];
        let affinity = Tensor::<3>::from_data(TensorData::new(affinity, [1, 4, 4]), &device);
        let manipulated = (-(0.7f32 / 0.9).ln() - (0.8f32 / 0.8).ln()) / 2.0;
        let untouched = -(0.6f32 / 0.9).ln();
        let expected = (manipulated + untouched) / 2.0;
        let got = scalar(attention_affinity_loss(
            affinity.clone(),
            cam.clone(),
            t1(&[1.0]),
            0.35,
            0.6,
        ));
        assert!((got - expected).abs() < 1e-4, "{got} vs {expected}");
        // Not a partial fake: nothing to learn.
        assert_eq!(
            scalar(attention_affinity_loss(
                affinity.clone(),
                cam,
                t1(&[0.0]),
                0.35,
                0.6
            )),
            0.0
        );
        // A nearly flat CAM (range 0.02, under 0.6 x 0.05) has no manipulated cell: its
        // confident cells are all untouched, and every such row stays within its own label.
        let flat = Tensor::<2>::from_data(
            TensorData::new(vec![0.50, 0.51, 0.52, 0.50], [1, 4]),
            &device,
        );
        let got = scalar(attention_affinity_loss(
            affinity,
            flat,
            t1(&[1.0]),
            0.35,
            0.6,
        ));
        assert!(got.abs() < 1e-4, "{got}");
    }
}
