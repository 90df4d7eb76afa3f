//! The attention explorer under `egui_kittest`: a tiny model's tile arrives over the
//! worker's reply channel, a click on the tile picks a query patch, the block and walk-step
//! sliders change what is shown, and the one-line description follows each change.

use burn::tensor::Device;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forgelens_app::gui::explorer::{Explorer, SourceKind};
use forgelens_engine::AnalyzerOptions;
use forgelens_engine::attention_explorer::{ExplorerView, Head, Source, tile_attention};
use forgelens_engine::image_input::{ImageLimits, read_image_file};
use forgelens_engine::model::{Preset, init_model_dir};

#[test]
fn clicking_a_patch_and_moving_the_sliders_update_the_view() {
    let dir = tempfile::tempdir().expect("tempdir");
    let device = Device::flex();
    let model = init_model_dir(
        &Preset::Tiny.config(),
        None,
        &dir.path().join("tiny"),
        &device,
        0,
    )
    .expect("tiny model");
    let path =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/samples/chelsea.png");
    let image = read_image_file(&path, &ImageLimits::default())
        .expect("chelsea")
        .rgb;
    let tile =
        tile_attention(&model, &device, &image, None, &AnalyzerOptions::default()).expect("tile");
    let blocks = tile.blocks();
    assert!(blocks >= 2);

    let mut explorer = Explorer::default();
    explorer.set_image(std::sync::Arc::new(image));
    let request = explorer.tile_request().expect("a new image wants its tile");
    assert_eq!(request.point, None, "the tile nearest the centre");
    assert!(explorer.tile_request().is_none(), "asked for once");
    let reply = request.reply;
    let mut harness = Harness::builder()
        .with_size([700.0, 900.0])
        .build_ui_state(|ui, explorer: &mut Explorer| explorer.ui(ui), explorer);
    harness.run_steps(2);
    assert!(harness.state().is_waiting());
    harness.get_by_label("Computing the tile's attention…");
    // As the worker answers.
    reply.send(Ok(tile.clone())).expect("send");
    harness.run_steps(3);
    assert!(!harness.state().is_waiting());
    let first = harness.state().description().to_string();
    assert!(first.starts_with("Class token's attention"), "{first}");
    assert!(first.contains(&format!("block 1 of {blocks}")), "{first}");

    // A click at the picture's centre picks the patch under the tile's centre.
    harness.get_by_label("attention tile").click();
    harness.run_steps(3);
    let (ox, oy) = tile.origin_image();
    let (w, h) = tile.size_image();
    let centre = tile.patch_at(ox + w / 2.0, oy + h / 2.0).expect("centre");
    assert_eq!(harness.state().source, SourceKind::Query);
    assert_eq!(harness.state().query, Some(centre));
    let query = harness.state().description().to_string();
    assert!(query.starts_with("Where the patch at row"), "{query}");
    let want = tile
        .view(&ExplorerView {
            block: 0,
            head: Head::Mean,
            source: Source::Query { patch: centre },
        })
        .expect("view");
    assert_eq!(query, want.description);

    // The block slider.
    harness
        .get_by_role_and_label(Role::Slider, "Block")
        .set_value_accesskit(2.0);
    harness.run_steps(3);
    assert_eq!(harness.state().block, 1);
    let moved = harness.state().description().to_string();
    assert!(moved.contains(&format!("block 2 of {blocks}")), "{moved}");

    // Every head of block 2 as small multiples.
    harness.get_by_label("All heads").click();
    harness.run_steps(2);
    for h in 1..=tile.heads {
        harness.get_by_label(&format!("block 2, head {h}"));
    }

    // A head, then the walk and its step slider.
    harness.get_by_label("Head 1").click();
    harness.run_steps(2);
    assert_eq!(harness.state().head, Head::Index(0));
    assert!(harness.state().description().contains("head 1"));
    harness.get_by_label("CAM walk").click();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::Slider, "Walk step")
        .set_value_accesskit(2.0);
    harness.run_steps(3);
    assert_eq!(harness.state().steps, 2);
    let walk = harness.state().description().to_string();
    assert!(walk.starts_with("The CAM after 2 of"), "{walk}");
    harness.get_by_label(&walk);

    // The overview: a click at its centre asks for the tile under the image's centre.
    harness.get_by_label("image overview").click();
    harness.run_steps(2);
    let request = harness.state_mut().tile_request().expect("another tile");
    let (x, y) = request.point.expect("a point");
    assert!(
        (x - 225.5).abs() < 3.0 && (y - 150.0).abs() < 3.0,
        "{x}, {y}"
    );
    assert!(harness.state().is_waiting());
}

#[test]
fn a_failed_tile_is_a_message() {
    let mut explorer = Explorer::default();
    let reply = explorer.expect_tile();
    let mut harness =
        Harness::new_ui_state(|ui, explorer: &mut Explorer| explorer.ui(ui), explorer);
    reply
        .send(Err(
            "no model is loaded: choose one in the Model menu".into()
        ))
        .expect("send");
    harness.run_steps(2);
    harness.get_by_label("Attention explorer: no model is loaded: choose one in the Model menu");
}
