//! The attention explorer's arithmetic against hand-computed small matrices, and one tile of
//! a `tiny` model: its walk equals the model's fused map, a clicked patch's view is its row.

use std::path::PathBuf;

use forgelens_engine::AnalyzerOptions;
use forgelens_engine::attention_explorer::{
    AttentionError, ExplorerView, Head, Source, TileAttention, math, tile_attention,
};
use forgelens_engine::image_input::{ImageLimits, read_image_file};
use forgelens_engine::model::{Preset, init_model_dir};
use forgelens_engine::{DeviceChoice, select_device};

fn close(got: &[f32], want: &[f32], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: {got:?}");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-5, "{what}: {got:?} vs {want:?}");
    }
}

#[test]
fn rollout_mixes_identity_and_multiplies_later_blocks_on_the_left() {
    // A1 = [[1, 0], [.5, .5]] -> A1' = [[1, 0], [.25, .75]]; A2 = [[0, 1], [1, 0]] -> A2' all
    // 0.5. A2' A1' = [[.625, .375], [.625, .375]] (A1' A2' would be all 0.5).
    let a1 = vec![1.0, 0.0, 0.5, 0.5];
    let a2 = vec![0.0, 1.0, 1.0, 0.0];
    close(
        &math::rollout(std::slice::from_ref(&a1), 2),
        &[1.0, 0.0, 0.25, 0.75],
        "one block",
    );
    close(
        &math::rollout(&[a1, a2], 2),
        &[0.625, 0.375, 0.625, 0.375],
        "two blocks",
    );
    // Rows renormalised: an unnormalised [[2, 0], [0, 2]] becomes the identity.
    close(
        &math::rollout(&[vec![2.0, 0.0, 0.0, 2.0]], 2),
        &[1.0, 0.0, 0.0, 1.0],
        "renormalised",
    );
}

#[test]
fn the_walk_averages_the_cam_along_row_normalised_patch_attention() {
    // Class token + 2 patches; patch rows [1, 0] and [1, 1] (the class token's column does
    // not count): T = [[1, 0], [.5, .5]]; CAM [1, 0] -> [1, .5] -> [1, .75].
    let block = vec![1.0, 0.0, 0.0, 5.0, 1.0, 0.0, 5.0, 1.0, 1.0];
    let t = math::walk_transition(std::slice::from_ref(&block), 3);
    close(&t, &[1.0, 0.0, 0.5, 0.5], "transition");
    close(&math::walk(&[1.0, 0.0], &t, 0), &[1.0, 0.0], "0 steps");
    close(&math::walk(&[1.0, 0.0], &t, 1), &[1.0, 0.5], "1 step");
    close(&math::walk(&[1.0, 0.0], &t, 2), &[1.0, 0.75], "2 steps");
    // Two blocks are summed before normalising: rows [2, 0] and [2, 2] normalise the same.
    close(
        &math::walk_transition(&[block.clone(), block], 3),
        &t,
        "summed",
    );
}

#[test]
fn head_mean_and_rows() {
    let h1 = vec![1.0, 0.0, 0.0, 0.2, 0.3, 0.5, 0.0, 0.0, 1.0];
    let h2 = vec![0.0, 1.0, 0.0, 0.4, 0.1, 0.5, 0.0, 1.0, 0.0];
    let mean = math::head_mean(&[h1.clone(), h2]);
    close(
        &mean,
        &[0.5, 0.5, 0.0, 0.3, 0.2, 0.5, 0.0, 0.5, 0.5],
        "mean",
    );
    close(&math::class_token_row(&mean, 3), &[0.5, 0.0], "class row");
    close(&math::query_row(&h1, 3, 0), &[0.3, 0.5], "patch 0's row");
    close(&math::query_row(&h1, 3, 1), &[0.0, 1.0], "patch 1's row");
    // An even share of 3 tokens is 1/3: 1/3 -> 0, 4/3 and more -> 1, 2/3 -> 1/3.
    close(
        &math::share_scale(&[1.0 / 3.0, 2.0 / 3.0, 1.0], 3),
        &[0.0, 1.0 / 3.0, 0.666_667],
        "scale",
    );
}

/// A 2 x 2-patch tile at (16, 8) of a 64 x 48 image, 32 px wide, no scaling; 2 blocks of 2
/// heads: block b, head h attends from every token to token `(b + h + row) % 5`.
fn synthetic() -> TileAttention {
    let tokens = 5;
    let attention = (0..2)
        .map(|b| {
            (0..2)
                .map(|h| {
                    (0..tokens * tokens)
                        .map(|i| {
                            let (row, col) = (i / tokens, i % tokens);
                            if col == (b + h + row) % tokens {
                                1.0
                            } else {
                                0.0
                            }
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    TileAttention {
        image_width: 64,
        image_height: 48,
        point: (30.0, 20.0),
        work_width: 64,
        work_height: 48,
        scale: (1.0, 1.0),
        origin_work: (16, 8),
        tile: 32,
        grid: (2, 2),
        heads: 2,
        attention,
        cam: vec![1.0, 0.0, 0.0, 0.0],
        fused: vec![0.0; 4],
        attention_layers: 0,
        propagation_steps: 1,
    }
}

#[test]
fn a_clicked_patch_shows_its_row_of_the_chosen_head_or_the_mean() {
    let tile = synthetic();
    // (40, 30) is 24 px right and 22 px down of the origin: row 1, column 1, patch 3.
    let patch = tile.patch_at(40.0, 30.0).expect("inside");
    assert_eq!(patch, 3);
    assert_eq!(tile.patch_centre(3), (40.0, 32.0));
    for head in [Head::Index(0), Head::Index(1), Head::Mean] {
        let view = ExplorerView {
            block: 1,
            head,
            source: Source::Query { patch },
        };
        let map = tile.view(&view).expect("view");
        let matrix = tile.head_matrix(1, head).expect("matrix");
        let row: Vec<f32> = matrix[4 * 5 + 1..5 * 5].to_vec();
        assert_eq!(map.raw.as_deref(), Some(&row[..]), "{head}");
        assert!(
            map.description.contains("row 2, column 2"),
            "{}",
            map.description
        );
        assert!(
            map.description.contains("block 2 of 2"),
            "{}",
            map.description
        );
    }
    // Block 1 (0-based 0), head 1 (0): token 4 attends to (0 + 0 + 4) % 5 = 4, patch 3.
    let map = tile
        .view(&ExplorerView {
            block: 0,
            head: Head::Index(0),
            source: Source::Query { patch },
        })
        .expect("view");
    assert_eq!(map.raw, Some(vec![0.0, 0.0, 0.0, 1.0]));
    assert_eq!(map.values, vec![0.0, 0.0, 0.0, 1.0]);
}

#[test]
fn bad_input_is_a_clear_error() {
    let tile = synthetic();
    let view = |block, head, source| {
        tile.view(&ExplorerView {
            block,
            head,
            source,
        })
    };
    let err = view(2, Head::Mean, Source::ClassToken).expect_err("block 3");
    assert_eq!(
        err,
        AttentionError::NoBlock {
            block: 3,
            blocks: 2
        }
    );
    assert_eq!(
        err.to_string(),
        "block 3 does not exist: the fusion net has 2 blocks (1 to 2)"
    );
    let err = view(0, Head::Index(2), Source::ClassToken).expect_err("head 3");
    assert_eq!(
        err.to_string(),
        "head 3 does not exist: each block has 2 heads (1 to 2)"
    );
    assert!(view(0, Head::Mean, Source::Query { patch: 4 }).is_err());
    assert!(view(5, Head::Mean, Source::Rollout).is_err());
    let err = tile.patch_at(64.0, 10.0).expect_err("outside");
    assert_eq!(
        err.to_string(),
        "the point (64, 10) is outside the 64 x 48 image"
    );
    assert!(matches!(
        tile.patch_at(2.0, 2.0),
        Err(AttentionError::PointOutsideTile { .. })
    ));
    assert_eq!("mean".parse::<Head>(), Ok(Head::Mean));
    assert_eq!("2".parse::<Head>(), Ok(Head::Index(1)));
    assert!("0".parse::<Head>().is_err());
}

#[test]
fn a_tiny_models_tile_walks_to_its_own_fused_map() {
    let dir = tempfile::tempdir().expect("tempdir");
    let device = select_device(DeviceChoice::Cpu).expect("cpu");
    let mut model = init_model_dir(
        &Preset::Tiny.config(),
        None,
        &dir.path().join("tiny"),
        &device.device,
        0,
    )
    .expect("init");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/samples/chelsea.png");
    let image = read_image_file(&path, &ImageLimits::default())
        .expect("chelsea")
        .rgb;
    let options = AnalyzerOptions::default();
    let err = tile_attention(&model, &device.device, &image, Some((451.0, 3.0)), &options)
        .expect_err("outside");
    assert!(
        err.to_string().contains("outside the 451 x 300 image"),
        "{err}"
    );

    for (layers, steps) in [(0, 1), (1, 4)] {
        model.config.maps.attention_layers = layers;
        model.config.maps.propagation_steps = steps;
        let tile = tile_attention(
            &model,
            &device.device,
            &image,
            Some((400.0, 250.0)),
            &options,
        )
        .expect("tile");
        let tokens = tile.tokens();
        assert!(tile.blocks() >= 2 && tile.heads >= 1);
        assert_eq!(tile.cam.len(), tile.patches());
        for heads in &tile.attention {
            assert_eq!(heads.len(), tile.heads);
            for matrix in heads {
                assert_eq!(matrix.len(), tokens * tokens);
                for row in matrix.chunks(tokens) {
                    assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-4, "softmax rows");
                }
            }
        }
        // The tile chosen for (400, 250) holds it: its patch's centre is within half a tile.
        let patch = tile
            .patch_at(400.0, 250.0)
            .expect("the point is in its tile");
        let (cx, cy) = tile.patch_centre(patch);
        assert!(
            (cx - 400.0).abs() <= 8.0 && (cy - 250.0).abs() <= 8.0,
            "{cx}, {cy}"
        );
        let walked = tile
            .view(&ExplorerView {
                source: Source::Walk { steps },
                ..ExplorerView::default()
            })
            .expect("walk");
        close(
            &walked.values,
            &tile.fused,
            "the walk is the model's fused map",
        );
        assert!(walked.description.contains("the model's fused map"));
        let start = tile
            .view(&ExplorerView {
                source: Source::Walk { steps: 0 },
                ..ExplorerView::default()
            })
            .expect("walk 0");
        close(&start.values, &tile.cam, "0 steps is the CAM");
    }
}
