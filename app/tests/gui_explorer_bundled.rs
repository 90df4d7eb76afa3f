//! The attention explorer on the bundled model (the others use a seeded `tiny` one): in the
//! app, on chelsea.png, a head grid of the last block, a query patch's attention and the
//! walk's last step each come with their one-line description, and each view's picture
//! differs from the others. `FORGELENS_SCREENSHOTS=1` also writes the three views for the
//! README (`docs/explorer/app-*.png`).

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forgelens_app::gui::explorer::SourceKind;
use forgelens_app::gui::{Command, ForgeLensApp, Layout, ViewKind};

mod gui_common;
use gui_common::{app_harness, repo, settle_within};

fn settle(harness: &mut Harness<'static, ForgeLensApp>) {
    settle_within(harness, Duration::from_secs(120));
}

/// Steps until the explorer's tile has come from the worker.
fn wait_for_tile(harness: &mut Harness<'static, ForgeLensApp>) {
    for _ in 0..1200 {
        harness.step();
        if harness.state().explorer.tile().is_some() {
            harness.run_steps(4);
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("no tile from the worker");
}

/// The view's picture, saved for the README when asked; its pixels either way.
fn picture(harness: &mut Harness<'static, ForgeLensApp>, name: &str) -> Vec<u8> {
    harness.run_steps(4);
    let image = harness.render().expect("rendered");
    if std::env::var_os("FORGELENS_SCREENSHOTS").is_some() {
        image
            .save(repo(&format!("docs/explorer/app-{name}.png")))
            .expect("screenshot saved");
    }
    image.into_raw()
}

#[test]
fn the_bundled_models_heads_query_and_walk_in_the_app() {
    let mut harness = app_harness(repo("assets/model"), [1400.0, 820.0]);
    settle(&mut harness);
    harness.state_mut().state.layout = Layout::Single(ViewKind::Image);
    harness
        .state_mut()
        .execute(Command::Open(repo("assets/samples/chelsea.png")));
    settle(&mut harness);
    assert!(
        harness.state().error.is_none(),
        "{:?}",
        harness.state().error
    );
    harness.get_by_label("Attention explorer").click();
    wait_for_tile(&mut harness);
    let blocks = harness.state().explorer.tile().expect("a tile").blocks();
    assert!(
        blocks >= 2,
        "the bundled model's fusion net has {blocks} blocks"
    );

    let explorer = &mut harness.state_mut().explorer;
    explorer.block = blocks - 1;
    explorer.source = SourceKind::ClassToken;
    explorer.head_grid = true;
    let grid = picture(&mut harness, "head-grid");
    assert!(harness.state().explorer.description().contains("head"));

    let explorer = &mut harness.state_mut().explorer;
    explorer.head_grid = false;
    explorer.source = SourceKind::Query;
    explorer.query = Some(27);
    let query = picture(&mut harness, "query");
    let described = harness.state().explorer.description().to_string();
    assert!(described.contains("patch"), "{described}");

    let explorer = &mut harness.state_mut().explorer;
    explorer.source = SourceKind::Walk;
    explorer.steps = 4;
    let walk = picture(&mut harness, "walk");
    let described = harness.state().explorer.description().to_string();
    assert!(described.contains('4'), "{described}");

    assert_ne!(grid, query, "the head grid and the query view differ");
    assert_ne!(query, walk, "the query view and the walk differ");
    assert!(
        harness.state().error.is_none(),
        "{:?}",
        harness.state().error
    );
}
