//! The attention explorer under `egui_kittest`: a tiny model's tile arrives over the
//! worker's reply channel, a click on the tile picks a query patch (also after zooming and
//! panning: screen -> image -> patch through the view's transform), the block and walk-step
//! sliders change what is shown, the one-line description follows each change, and in the
//! app the explorer and the image view share one zoom / pan.

use std::time::Duration;

use burn::tensor::Device;
use egui::accesskit::Role;
use egui::{Event, Modifiers, PointerButton, Pos2, Rect, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forgelens_app::gui::explorer::{Explorer, SourceKind, VIEW_LABEL};
use forgelens_app::gui::{Command, ForgeLensApp, Layout, State, ViewKind, ViewTransform};
use forgelens_engine::AnalyzerOptions;
use forgelens_engine::attention_explorer::{
    ExplorerView, Head, Source, TileAttention, tile_attention,
};
use forgelens_engine::image_input::{ImageLimits, read_image_file};
use forgelens_engine::model::load_model_dir;
use image::RgbImage;

mod gui_common;
use gui_common::{app_harness, repo, settle_within, tiny_model};

/// The explorer and the transform it shares, as the app holds them.
type Views = (Explorer, ViewTransform);

/// Chelsea and the attention of its centre tile under a seeded `tiny` model.
fn chelsea_tile() -> (RgbImage, TileAttention) {
    let dir = tempfile::tempdir().expect("tempdir");
    let device = Device::flex();
    let model = load_model_dir(&tiny_model(dir.path()), &device).expect("tiny model");
    let image = read_image_file(&repo("assets/samples/chelsea.png"), &ImageLimits::default())
        .expect("chelsea")
        .rgb;
    let tile =
        tile_attention(&model, &device, &image, None, &AnalyzerOptions::default()).expect("tile");
    (image, tile)
}

/// The explorer on `image` with `tile` arrived, in a `size` window.
fn explorer_harness(
    image: RgbImage,
    tile: &TileAttention,
    size: [f32; 2],
) -> Harness<'static, Views> {
    let mut explorer = Explorer::default();
    explorer.set_image(std::sync::Arc::new(image));
    let request = explorer
        .tile_request(&ViewTransform::default())
        .expect("a new image wants its tile");
    let state = State::default();
    let mut harness = Harness::builder()
        .with_size(size)
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(
            move |ui, (explorer, transform): &mut Views| explorer.ui(ui, transform, &state),
            (explorer, ViewTransform::default()),
        );
    request.reply.send(Ok(tile.clone())).expect("send");
    harness.run_steps(3);
    harness
}

/// Where an image point (pixels) is on screen in the view `node` with `transform`, worked
/// out here by hand: the image fitted into the node keeping its aspect, centred, showing
/// the transform's part of the image.
fn on_screen(node: Rect, image: (u32, u32), transform: &ViewTransform, p: (f32, f32)) -> Pos2 {
    let (w, h) = (image.0 as f32, image.1 as f32);
    let fitted = fitted(node, image);
    let half = 0.5 / transform.zoom;
    let (u0, v0) = (transform.center.x - half, transform.center.y - half);
    pos2(
        fitted.min.x + (p.0 / w - u0) / (2.0 * half) * fitted.width(),
        fitted.min.y + (p.1 / h - v0) / (2.0 * half) * fitted.height(),
    )
}

/// The whole image's rectangle at zoom 1: fitted into `node` keeping its aspect, centred.
fn fitted(node: Rect, image: (u32, u32)) -> Rect {
    let (w, h) = (image.0 as f32, image.1 as f32);
    let scale = (node.width() / w).min(node.height() / h);
    Rect::from_center_size(node.center(), vec2(w, h) * scale)
}

fn click_at<S>(harness: &mut Harness<'_, S>, pos: Pos2) {
    harness.hover_at(pos);
    for pressed in [true, false] {
        harness.event(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run_steps(3);
}

/// A pinch of `factor` with the pointer at `pos`.
fn pinch_at<S>(harness: &mut Harness<'_, S>, pos: Pos2, factor: f32) {
    harness.hover_at(pos);
    harness.run_steps(1);
    harness.event(Event::Zoom(factor));
    harness.run_steps(2);
}

/// The first patch whose centre is inside the view's node (10 points in) on screen, other
/// than `not`, with where it is.
fn visible_patch(
    tile: &TileAttention,
    node: Rect,
    transform: &ViewTransform,
    not: Option<usize>,
) -> (usize, Pos2) {
    (0..tile.patches())
        .filter(|&p| Some(p) != not)
        .map(|p| {
            let at = on_screen(
                node,
                (tile.image_width, tile.image_height),
                transform,
                tile.patch_centre(p),
            );
            (p, at)
        })
        .find(|(_, at)| node.shrink(10.0).contains(*at))
        .expect("a patch of the tile in view")
}

#[test]
fn clicking_a_patch_and_moving_the_sliders_update_the_view() {
    let (image, tile) = chelsea_tile();
    let blocks = tile.blocks();
    assert!(blocks >= 2);

    let mut explorer = Explorer::default();
    explorer.set_image(std::sync::Arc::new(image.clone()));
    let request = explorer
        .tile_request(&ViewTransform::default())
        .expect("a new image wants its tile");
    assert_eq!(request.point, None, "the tile nearest the centre");
    assert!(
        explorer.tile_request(&ViewTransform::default()).is_none(),
        "asked for once"
    );
    let reply = request.reply;
    let state = State::default();
    let mut harness = Harness::builder().with_size([900.0, 900.0]).build_ui_state(
        move |ui, (explorer, transform): &mut Views| explorer.ui(ui, transform, &state),
        (explorer, ViewTransform::default()),
    );
    harness.run_steps(2);
    assert!(harness.state().0.is_waiting());
    harness.get_by_label("Computing the tile's attention…");
    // As the worker answers.
    reply.send(Ok(tile.clone())).expect("send");
    harness.run_steps(3);
    assert!(!harness.state().0.is_waiting());
    let first = harness.state().0.description().to_string();
    assert!(first.starts_with("Class token's attention"), "{first}");
    assert!(first.contains(&format!("block 1 of {blocks}")), "{first}");

    // A click on a patch's centre (the whole image in view) picks that patch.
    let node = harness.get_by_label(VIEW_LABEL).rect();
    let (patch, at) = visible_patch(&tile, node, &ViewTransform::default(), None);
    click_at(&mut harness, at);
    assert_eq!(harness.state().0.source, SourceKind::Query);
    assert_eq!(harness.state().0.query, Some(patch));
    let query = harness.state().0.description().to_string();
    assert!(query.starts_with("Where the patch at row"), "{query}");
    let want = tile
        .view(&ExplorerView {
            block: 0,
            head: Head::Mean,
            source: Source::Query { patch },
        })
        .expect("view");
    assert_eq!(query, want.description);

    // The block slider.
    harness
        .get_by_role_and_label(Role::Slider, "Block")
        .set_value_accesskit(2.0);
    harness.run_steps(3);
    assert_eq!(harness.state().0.block, 1);
    let moved = harness.state().0.description().to_string();
    assert!(moved.contains(&format!("block 2 of {blocks}")), "{moved}");

    // Every head of block 2 as small multiples, unzoomed, said so.
    harness.get_by_label("All heads").click();
    harness.run_steps(2);
    for h in 1..=tile.heads {
        harness.get_by_label(&format!("block 2, head {h}"));
    }
    harness.get_by_label_contains("not zoomed");

    // A head, then the walk and its step slider.
    harness.get_by_label("Head 1").click();
    harness.run_steps(2);
    assert_eq!(harness.state().0.head, Head::Index(0));
    assert!(harness.state().0.description().contains("head 1"));
    harness.get_by_label("CAM walk").click();
    harness.run_steps(2);
    harness
        .get_by_role_and_label(Role::Slider, "Walk step")
        .set_value_accesskit(2.0);
    harness.run_steps(3);
    assert_eq!(harness.state().0.steps, 2);
    let walk = harness.state().0.description().to_string();
    assert!(walk.starts_with("The CAM after 2 of"), "{walk}");
    harness.get_by_label(&walk);

    // The overview: a click at its centre asks for the tile under the image's centre.
    harness.get_by_label("image overview").click();
    harness.run_steps(2);
    let request = harness
        .state_mut()
        .0
        .tile_request(&ViewTransform::default())
        .expect("another tile");
    let (x, y) = request.point.expect("a point");
    assert!(
        (x - 225.5).abs() < 3.0 && (y - 150.0).abs() < 3.0,
        "{x}, {y}"
    );
    assert!(harness.state().0.is_waiting());
}

#[test]
fn after_zoom_and_pan_a_click_picks_the_patch_under_it_and_double_click_resets() {
    let (image, tile) = chelsea_tile();
    let mut harness = explorer_harness(image, &tile, [900.0, 700.0]);
    let node = harness.get_by_label(VIEW_LABEL).rect();

    // Pinch about the view's centre: the zoom follows.
    pinch_at(&mut harness, node.center(), 3.0);
    let zoomed = harness.state().1;
    assert!((zoomed.zoom - 3.0).abs() < 1e-3, "{zoomed:?}");

    // Drag left and up: the view moves right and down over the image.
    let from = node.center();
    let to = from - vec2(60.0, 30.0);
    harness.hover_at(from);
    harness.drag_at(from);
    harness.run_steps(1);
    harness.hover_at(pos2(from.x - 20.0, from.y - 10.0));
    harness.run_steps(1);
    harness.hover_at(to);
    harness.run_steps(1);
    harness.drop_at(to);
    harness.run_steps(2);
    let panned = harness.state().1;
    assert_eq!(panned.zoom, zoomed.zoom);
    assert!(
        panned.center.x > zoomed.center.x && panned.center.y > zoomed.center.y,
        "{zoomed:?} -> {panned:?}"
    );
    assert_eq!(harness.state().0.query, None, "a drag is not a click");

    // A click on a known image point (a patch's centre, placed on screen through the
    // transform by hand) picks the patch containing it.
    let (patch, at) = visible_patch(&tile, node, &panned, None);
    let unzoomed = on_screen(
        node,
        (tile.image_width, tile.image_height),
        &ViewTransform::default(),
        tile.patch_centre(patch),
    );
    assert!(
        (at - unzoomed).length() > 20.0,
        "the patch moved on screen with the zoom"
    );
    click_at(&mut harness, at);
    assert_eq!(harness.state().0.query, Some(patch));
    assert_eq!(harness.state().0.source, SourceKind::Query);
    assert_eq!(harness.state().1, panned, "a click neither zooms nor pans");
    let (other, at) = visible_patch(&tile, node, &panned, Some(patch));
    click_at(&mut harness, at);
    assert_eq!(harness.state().0.query, Some(other));

    // "Zoom to the tile" fills the view with the tile; a double-click resets the view.
    harness.get_by_label("Zoom to the tile").click();
    harness.run_steps(2);
    let (ox, oy) = tile.origin_image();
    let (tw, th) = tile.size_image();
    let on_tile = harness.state().1;
    let size = (tile.image_width, tile.image_height);
    let shown = Rect::from_min_max(
        on_screen(node, size, &on_tile, (ox, oy)),
        on_screen(node, size, &on_tile, (ox + tw, oy + th)),
    );
    let view = fitted(node, size);
    assert!(
        view.expand(1.0).contains_rect(shown),
        "{shown:?} in {view:?}"
    );
    assert!(
        shown.width() > view.width() - 2.0 || shown.height() > view.height() - 2.0,
        "the tile fills the view: {shown:?} in {view:?}"
    );
    // (The harness runs a frame per event: frames of 1/60 s keep the two clicks within
    // egui's double-click delay; half a second first, so they are not a triple click with
    // the button's.)
    harness.run_steps(30);
    harness.hover_at(node.center());
    for _ in 0..2 {
        for pressed in [true, false] {
            harness.event(Event::PointerButton {
                pos: node.center(),
                button: PointerButton::Primary,
                pressed,
                modifiers: Modifiers::NONE,
            });
        }
    }
    harness.run_steps(2);
    assert_eq!(harness.state().1, ViewTransform::default());
}

#[test]
fn the_explorer_and_the_image_view_share_one_zoom_and_pan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = app_harness(tiny_model(dir.path()), [1200.0, 760.0]);
    let settle = |h: &mut Harness<'static, ForgeLensApp>| {
        settle_within(h, Duration::from_secs(60));
    };
    settle(&mut harness);
    harness.state_mut().state.layout = Layout::Single(ViewKind::Image);
    harness
        .state_mut()
        .execute(Command::Open(repo("assets/samples/chelsea.png")));
    settle(&mut harness);
    harness.get_by_label("Attention explorer").click();
    for _ in 0..600 {
        harness.step();
        if harness.state().explorer.tile().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    harness.run_steps(3);
    assert!(harness.state().explorer.tile().is_some(), "the tile came");
    let node = harness.get_by_label(VIEW_LABEL).rect();

    // Zoom in the explorer; the image view shows the same part of the image.
    pinch_at(&mut harness, node.center(), 2.0);
    let in_explorer = harness.state().transform;
    assert!((in_explorer.zoom - 2.0).abs() < 1e-3, "{in_explorer:?}");
    harness.get_by_label("Image view").click();
    harness.run_steps(3);
    assert!(
        harness.query_by_label(VIEW_LABEL).is_none(),
        "the image view"
    );
    assert_eq!(harness.state().transform, in_explorer);

    // Zoom again in the image view, then back: the explorer keeps that view and zooms on
    // from it (one transform, not two).
    pinch_at(&mut harness, node.center(), 1.5);
    let in_image_view = harness.state().transform;
    assert!((in_image_view.zoom - 3.0).abs() < 1e-3, "{in_image_view:?}");
    harness.get_by_label("Attention explorer").click();
    harness.run_steps(3);
    harness.get_by_label(VIEW_LABEL);
    assert_eq!(harness.state().transform, in_image_view);
    pinch_at(&mut harness, node.center(), 2.0);
    assert!((harness.state().transform.zoom - 6.0).abs() < 1e-3);
}

#[test]
fn a_zoomed_view_asks_for_the_tile_at_its_centre() {
    let mut explorer = Explorer::default();
    explorer.set_image(std::sync::Arc::new(RgbImage::new(400, 200)));
    let zoomed = ViewTransform::centred(vec2(0.75, 0.25), 4.0);
    let request = explorer.tile_request(&zoomed).expect("a request");
    assert_eq!(request.point, Some((300.0, 50.0)));
}

#[test]
fn a_failed_tile_is_a_message() {
    let mut explorer = Explorer::default();
    let reply = explorer.expect_tile();
    let state = State::default();
    let mut harness = Harness::new_ui_state(
        move |ui, (explorer, transform): &mut Views| explorer.ui(ui, transform, &state),
        (explorer, ViewTransform::default()),
    );
    reply
        .send(Err(
            "no model is loaded: choose one in the Model menu".into()
        ))
        .expect("send");
    harness.run_steps(2);
    harness.get_by_label("Attention explorer: no model is loaded: choose one in the Model menu");
}
