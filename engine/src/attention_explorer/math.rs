//! Pure functions on one tile's attention matrices (plain row-major `tokens x tokens`
//! `f32`s, token 0 the class token, tokens 1.. the patches in grid order): head mean, the
//! class token's and a query patch's rows, attention rollout (Abnar & Zuidema 2020) and the
//! CAM's random walk along the row-normalised patch-to-patch attention (`fusion::maps`).

/// The element-wise mean of equally sized matrices (the heads of one block).
pub fn head_mean(heads: &[Vec<f32>]) -> Vec<f32> {
    let Some(first) = heads.first() else {
        return Vec::new();
    };
    let mut mean = vec![0f32; first.len()];
    for head in heads {
        for (m, v) in mean.iter_mut().zip(head) {
            *m += v;
        }
    }
    let count = heads.len() as f32;
    mean.iter_mut().for_each(|m| *m /= count);
    mean
}

/// Row `row` of a `tokens x tokens` matrix, without its class-token column: what that
/// token attends to among the patches, `tokens - 1` values in grid order.
pub fn patch_part_of_row(matrix: &[f32], tokens: usize, row: usize) -> Vec<f32> {
    matrix[row * tokens + 1..(row + 1) * tokens].to_vec()
}

/// The class token's attention to each patch.
pub fn class_token_row(matrix: &[f32], tokens: usize) -> Vec<f32> {
    patch_part_of_row(matrix, tokens, 0)
}

/// Where patch `patch` (0-based, grid order) attends among the patches.
pub fn query_row(matrix: &[f32], tokens: usize, patch: usize) -> Vec<f32> {
    patch_part_of_row(matrix, tokens, patch + 1)
}

/// `a @ b` for square `n x n` row-major matrices.
pub fn matmul(a: &[f32], b: &[f32], n: usize) -> Vec<f32> {
    let mut out = vec![0f32; n * n];
    for i in 0..n {
        for k in 0..n {
            let aik = a[i * n + k];
            if aik == 0.0 {
                continue;
            }
            let (row, b_row) = (&mut out[i * n..(i + 1) * n], &b[k * n..(k + 1) * n]);
            for (o, bkj) in row.iter_mut().zip(b_row) {
                *o += aik * bkj;
            }
        }
    }
    out
}

/// Each row divided by its sum (rows summing to 0 stay 0).
pub fn normalise_rows(matrix: &mut [f32], n: usize) {
    for row in matrix.chunks_mut(n) {
        let sum: f32 = row.iter().sum();
        if sum > 1e-12 {
            row.iter_mut().for_each(|v| *v /= sum);
        }
    }
}

/// Attention rollout (Abnar & Zuidema 2020) over the head-mean matrices of blocks first to
/// last: each `A' = 0.5 A + 0.5 I` with rows renormalised, then `A'_L ... A'_2 A'_1`.
/// Row 0 of the result is how the last class token draws on each input token.
pub fn rollout(head_means: &[Vec<f32>], tokens: usize) -> Vec<f32> {
    let mut product: Vec<f32> = (0..tokens * tokens)
        .map(|i| if i / tokens == i % tokens { 1.0 } else { 0.0 })
        .collect();
    for matrix in head_means {
        let mut residual: Vec<f32> = matrix.iter().map(|v| 0.5 * v).collect();
        for t in 0..tokens {
            residual[t * tokens + t] += 0.5;
        }
        normalise_rows(&mut residual, tokens);
        product = matmul(&residual, &product, tokens);
    }
    product
}

/// The walk's transition matrix as `fusion::maps` builds it: the head-mean matrices summed,
/// the class token's row and column dropped, rows normalised. `patches x patches`.
pub fn walk_transition(head_means: &[Vec<f32>], tokens: usize) -> Vec<f32> {
    let n = tokens - 1;
    let mut transition = vec![0f32; n * n];
    for matrix in head_means {
        for i in 0..n {
            for (t, v) in transition[i * n..(i + 1) * n]
                .iter_mut()
                .zip(&matrix[(i + 1) * tokens + 1..(i + 2) * tokens])
            {
                *t += v;
            }
        }
    }
    normalise_rows(&mut transition, n);
    transition
}

/// The CAM after `steps` steps of the walk: `T^steps cam`, clipped to [0, 1] as
/// `fusion::compute_maps` clips its fused map.
pub fn walk(cam: &[f32], transition: &[f32], steps: usize) -> Vec<f32> {
    let n = cam.len();
    let mut walked = cam.to_vec();
    for _ in 0..steps {
        walked = transition
            .chunks(n)
            .map(|row| row.iter().zip(&walked).map(|(t, c)| t * c).sum())
            .collect();
    }
    walked.iter().map(|v: &f32| v.clamp(0.0, 1.0)).collect()
}

/// Values as multiples of an even share `1 / count`, mapped to [0, 1] the way the app's
/// attention map is (`(u - 1) / 3` clipped): 0 at or below an even share, 1 at four times.
pub fn share_scale(values: &[f32], count: usize) -> Vec<f32> {
    let full = crate::fusion::maps::ATTENTION_FULL_SCALE;
    values
        .iter()
        .map(|v| ((v * count as f32 - 1.0) / (full - 1.0)).clamp(0.0, 1.0))
        .collect()
}
