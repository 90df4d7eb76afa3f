//! The classic toolbox in the app under `egui_kittest`: a tool view is computed on the toolbox
//! thread and shown, a parameter change recomputes while the earlier result stays cached, the
//! file panel lists a JPEG's metadata, the compare layout shows two views, computations can
//! be cancelled, and a bad or changed file is a message.

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forgelens_app::gui::{Command, ForgeLensApp, Layout, ToolMap, ToolStatus, ViewKind};
use forgelens_forensics::{Tool, credentials};

mod gui_common;
use gui_common::{app_harness, repo, settle_within, tiny_model};

fn harness(model: PathBuf) -> Harness<'static, ForgeLensApp> {
    app_harness(model, [1400.0, 1000.0])
}

fn settle(harness: &mut Harness<'static, ForgeLensApp>) {
    settle_within(harness, Duration::from_secs(90));
}

/// The README's manipulated photograph: a region of coffee.png pasted into a JPEG of
/// chelsea.png, with EXIF (docs/toolbox/make_spliced.py).
fn spliced() -> PathBuf {
    repo("docs/toolbox/spliced.jpg")
}

/// An app with the tiny model and `image` analysed and shown, the toolbox panel open.
fn opened(dir: &Path, image: PathBuf) -> Harness<'static, ForgeLensApp> {
    let mut harness = harness(tiny_model(dir));
    settle(&mut harness);
    harness.state_mut().execute(Command::Open(image));
    settle(&mut harness);
    assert!(
        harness.state().verdict().is_some(),
        "{:?}",
        harness.state().error
    );
    harness.state_mut().state.toolbox.show_panel = true;
    harness
}

fn show(harness: &mut Harness<'static, ForgeLensApp>, tool: Tool, index: u8) {
    harness.state_mut().state.layout = Layout::Single(ViewKind::Tool(ToolMap { tool, index }));
    settle(harness);
}

/// Whether some widget's label is `text` (a view title may also be a combo box's text).
fn has(harness: &Harness<'static, ForgeLensApp>, text: &str) -> bool {
    harness.query_all_by_label(text).next().is_some()
}

fn has_part(harness: &Harness<'static, ForgeLensApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

fn done(harness: &mut Harness<'static, ForgeLensApp>, tool: Tool) -> Vec<(String, f32)> {
    match harness.state_mut().tool_status(tool) {
        Some(ToolStatus::Done(maps)) => maps,
        other => panic!("{tool}: {other:?}"),
    }
}

#[test]
fn a_tool_view_is_computed_and_shown_and_a_parameter_change_recomputes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = opened(dir.path(), spliced());
    show(&mut harness, Tool::Ela, 0);
    let first = done(&mut harness, Tool::Ela);
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0].0, "difference");
    assert!(first[0].1 > 0.0, "a JPEG re-saved differs somewhere");
    assert!(has(&harness, "ela: difference"), "ela: difference");
    assert!(has_part(&harness, "1 = 12.75 levels"), "1 = 12.75 levels");
    assert!(has(&harness, "Toolbox"), "Toolbox");
    let computed = harness.state().tool_computations();

    // Another quality is another cache key: computed again, a different map.
    harness.state_mut().state.toolbox.params.ela.quality = 95;
    settle(&mut harness);
    let second = done(&mut harness, Tool::Ela);
    assert_eq!(harness.state().tool_computations(), computed + 1);
    assert_ne!(first[0].1, second[0].1);

    // Back to 75: the first result, from the cache.
    harness.state_mut().state.toolbox.params.ela.quality = 75;
    settle(&mut harness);
    assert_eq!(done(&mut harness, Tool::Ela), first);
    assert_eq!(harness.state().tool_computations(), computed + 1);

    // A per-block mean adds a second map; the noise tool's three maps are views too.
    harness.state_mut().state.toolbox.params.ela.block = 16;
    settle(&mut harness);
    let names: Vec<String> = done(&mut harness, Tool::Ela)
        .into_iter()
        .map(|m| m.0)
        .collect();
    assert_eq!(names, ["difference", "block"]);
    show(&mut harness, Tool::Noise, 2);
    assert!(
        has(&harness, "noise: inconsistency"),
        "noise: inconsistency"
    );
    assert_eq!(done(&mut harness, Tool::Noise).len(), 3);
}

#[test]
fn the_file_panel_lists_the_metadata_of_a_jpeg() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = opened(dir.path(), spliced());
    settle(&mut harness);
    assert!(has(&harness, "Metadata"), "Metadata");
    assert!(
        has_part(&harness, "ForgeLens Test Camera"),
        "ForgeLens Test Camera"
    );
    assert!(has(&harness, "GIMP 2.10.34"), "GIMP 2.10.34");
    assert!(has(&harness, "image/jpeg"), "image/jpeg");
    harness.get_by_label("Structure").click();
    harness.run_steps(12);
    assert!(has_part(&harness, "segments"), "segments");
    harness.get_by_label_contains("EXIF (").click();
    harness.run_steps(12);
    assert!(harness.query_all_by_label_contains("Make").next().is_some());
    if credentials::AVAILABLE {
        assert!(
            has_part(&harness, "Content Credentials"),
            "Content Credentials"
        );
    } else {
        assert!(
            has(&harness, "built without Content Credentials support"),
            "built without Content Credentials support"
        );
    }
}

#[test]
fn the_compare_layout_shows_two_views_side_by_side_or_swiped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = opened(dir.path(), spliced());
    let ela = ViewKind::Tool(ToolMap::first(Tool::Ela));
    harness.state_mut().state.layout = Layout::Compare {
        left: ViewKind::Fused,
        right: ela,
        swipe: false,
    };
    settle(&mut harness);
    assert!(has(&harness, "Fused"), "Fused");
    assert!(has(&harness, "ela: difference"), "ela: difference");
    harness.state_mut().state.layout = Layout::Compare {
        left: ViewKind::Image,
        right: ela,
        swipe: true,
    };
    settle(&mut harness);
    assert!(has(&harness, "Image"), "Image");
    assert!(has(&harness, "ela: difference"), "ela: difference");
    assert!(has(&harness, "swipe"), "swipe");
    assert!(harness.query_by_label("Fused").is_none());
}

#[test]
fn a_computation_can_be_cancelled_and_started_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A 2400x1800 texture: copy-move takes seconds on it.
    let big = dir.path().join("big.png");
    image::RgbImage::from_fn(2400, 1800, |x, y| {
        let v = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)).wrapping_mul(2_654_435_761);
        image::Rgb([(v >> 24) as u8, (v >> 16) as u8, (v >> 8) as u8])
    })
    .save(&big)
    .expect("write");
    let mut harness = opened(dir.path(), big);
    harness.state_mut().state.toolbox.tool = Tool::CopyMove;
    harness.state_mut().state.layout =
        Layout::Single(ViewKind::Tool(ToolMap::first(Tool::CopyMove)));
    harness.run_steps(2);
    assert_eq!(
        harness.state_mut().tool_status(Tool::CopyMove),
        Some(ToolStatus::Computing)
    );
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state_mut().tool_status(Tool::CopyMove),
        Some(ToolStatus::Cancelled)
    );
    assert!(!harness.state().is_busy(), "the UI is free at once");
    assert!(has_part(&harness, "cancelled"), "cancelled");
    harness.get_by_label("Compute").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state_mut().tool_status(Tool::CopyMove),
        Some(ToolStatus::Computing)
    );
    settle(&mut harness);
    assert_eq!(done(&mut harness, Tool::CopyMove).len(), 1);
}

#[test]
fn a_bad_or_changed_file_is_a_message_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let evidence = dir.path().join("evidence.jpg");
    std::fs::copy(spliced(), &evidence).expect("copy");
    let mut harness = opened(dir.path(), evidence.clone());

    // The file is overwritten after it was analysed: the toolbox says what it now holds.
    std::fs::write(&evidence, b"not a picture any more").expect("overwrite");
    show(&mut harness, Tool::Noise, 0);
    match harness.state_mut().tool_status(Tool::Noise) {
        Some(ToolStatus::Failed(e)) => assert!(e.contains("not an image"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert!(has_part(&harness, "not an image"), "not an image");

    // Replaced by another image: not the evidence that was analysed.
    std::fs::copy(repo("assets/samples/coffee.png"), &evidence).expect("replace");
    show(&mut harness, Tool::Gradient, 0);
    match harness.state_mut().tool_status(Tool::Gradient) {
        Some(ToolStatus::Failed(e)) => assert!(e.contains("changed since"), "{e}"),
        other => panic!("{other:?}"),
    }

    // An image that cannot be decoded at all: the analysis' message, the panel waits.
    harness
        .state_mut()
        .execute(Command::Open(repo("tests/fixtures/images/truncated.png")));
    settle(&mut harness);
    assert!(has_part(&harness, "cannot decode"), "cannot decode");
}

#[test]
fn an_exported_report_includes_the_cached_tools() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = opened(dir.path(), spliced());
    show(&mut harness, Tool::Ela, 0);
    done(&mut harness, Tool::Ela);
    let out = dir.path().join("spliced.report.json");
    harness.state_mut().execute(Command::ReportTo(
        out.clone(),
        forgelens_report::ReportFormat::Json,
    ));
    settle(&mut harness);
    assert!(
        harness.state().error.is_none(),
        "{:?}",
        harness.state().error
    );
    let envelope: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("the report was written"))
            .expect("JSON");
    let tools: Vec<&str> = envelope
        .pointer("/report/toolbox/runs")
        .and_then(|r| r.as_array())
        .expect("toolbox runs")
        .iter()
        .filter_map(|r| r["tool"].as_str())
        .collect();
    // ELA was shown; the open panel computed the file tools. Noise never ran.
    assert!(
        tools.contains(&"ela") && tools.contains(&"metadata"),
        "{tools:?}"
    );
    assert!(!tools.contains(&"noise"), "{tools:?}");
}
