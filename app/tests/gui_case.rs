//! Cases in the app under `egui_kittest`: File → New case, two images added and analysed
//! (runs recorded), one opened and a region of its fused view bookmarked with a comment and
//! a status; the case closed and reopened through File → Open case lists the bookmark, "Go
//! to" restores its view and threshold, and "Verify case" (and the library, on disk) passes
//! with every action logged. `FORGELENS_SCREENSHOTS=1` also writes the panel's picture for
//! the README.

use std::path::{Path, PathBuf};
use std::time::Duration;

use burn::tensor::Device;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forgelens_app::gui::{ForgeLensApp, Layout, ViewKind};
use forgelens_engine::model::{Preset, init_model_dir};
use forgelens_report::case::{Actor, BookmarkStatus, Case, verify_case};

mod gui_common;
use gui_common::{app_harness, repo, settle_within};

fn harness(model: PathBuf) -> Harness<'static, ForgeLensApp> {
    app_harness(model, [1400.0, 800.0])
}

fn settle(harness: &mut Harness<'static, ForgeLensApp>) {
    settle_within(harness, Duration::from_secs(60));
}

fn menu(harness: &mut Harness<'static, ForgeLensApp>, entry: &str) {
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label(entry).click();
    harness.run_steps(2);
}

fn no_error(harness: &Harness<'static, ForgeLensApp>) {
    assert!(
        harness.state().error.is_none(),
        "{:?}",
        harness.state().error
    );
}

fn case_on_disk(dir: &Path) -> Case {
    Case::open(dir, Actor::new("test")).expect("the case opens")
}

#[test]
fn a_case_made_in_the_app_keeps_its_bookmark_across_reopening_and_verifies() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let model = tmp.path().join("tiny");
    init_model_dir(&Preset::Tiny.config(), None, &model, &Device::flex(), 0).expect("model");
    let case_dir = tmp.path().join("gallery-case");
    let mut harness = harness(model);
    settle(&mut harness);

    menu(&mut harness, "New case…");
    {
        let panel = &mut harness.state_mut().case;
        panel.new_dir = case_dir.display().to_string();
        panel.new_name = "Gallery theft".into();
        panel.new_analyst = "Ann Analyst".into();
    }
    harness.run_steps(2);
    harness.get_by_label("Create case").click();
    harness.run_steps(2);
    no_error(&harness);
    assert!(case_dir.join("case.json").is_file());

    for image in ["chelsea.png", "coffee.png"] {
        harness.state_mut().case.add_path = repo(&format!("assets/samples/{image}"))
            .display()
            .to_string();
        harness.run_steps(2);
        harness.get_by_label("Add to case").click();
        harness.run_steps(2);
        no_error(&harness);
    }
    assert_eq!(case_on_disk(&case_dir).items().len(), 2);

    // Analyse and record every item, as `forgelens case analyze` does.
    harness.get_by_label("Analyze case").click();
    settle(&mut harness);
    no_error(&harness);
    let recorded = case_on_disk(&case_dir);
    for item in recorded.items() {
        let run = item.latest_analysis().expect("a recorded run");
        assert!(run.model_id.starts_with("tiny-"), "{}", run.model_id);
        assert!(case_dir.join(&run.folder).join("report.json").is_file());
    }
    // Each item's line, and the panel's message listing both runs.
    assert_eq!(harness.query_all_by_label_contains("(run 1)").count(), 3);
    assert_eq!(
        harness
            .query_all_by_label_contains("read-only copy · the model is untrained")
            .count(),
        2
    );

    harness.get_by_label("Open E001").click();
    settle(&mut harness);
    no_error(&harness);
    assert!(harness.state().verdict().is_some(), "the item was analysed");
    harness.state_mut().state.layout = Layout::Single(ViewKind::Fused);
    harness.state_mut().state.thresholds[2] = 0.35;
    {
        let panel = &mut harness.state_mut().case;
        panel.region = "40,30,120,90".into();
        panel.comment = "ear outline too sharp".into();
        panel.status = BookmarkStatus::Warning;
    }
    harness.run_steps(2);
    harness.get_by_label("Bookmark this view").click();
    harness.run_steps(2);
    no_error(&harness);
    let listed = "B001 [Warning] fused at 0.35 region 40,30,120,90: ear outline too sharp";
    harness.get_by_label_contains(listed);
    if std::env::var_os("FORGELENS_SCREENSHOTS").is_some() {
        harness.run_steps(4);
        let picture = harness.render().expect("rendered");
        picture
            .save(repo("docs/screenshots/case-panel.png"))
            .expect("screenshot saved");
    }

    // Close, change the view, reopen: the bookmark is listed and restores its view.
    harness.get_by_label("Close case").click();
    harness.run_steps(2);
    assert!(harness.state().case.case.is_none());
    harness.state_mut().state.layout = Layout::Grid;
    harness.state_mut().state.thresholds[2] = 0.5;
    menu(&mut harness, "Open case…");
    assert_eq!(
        harness.state().case.open_dir,
        case_dir.display().to_string()
    );
    harness.get_by_label("Open case").click();
    harness.run_steps(2);
    no_error(&harness);
    harness.get_by_label_contains(listed);
    harness.get_by_label("Go to B001").click();
    settle(&mut harness);
    assert_eq!(
        harness.state().state.layout,
        Layout::Single(ViewKind::Fused)
    );
    assert_eq!(harness.state().state.thresholds[2], 0.35);
    assert_eq!(harness.state().case.region, "40,30,120,90");

    harness.get_by_label("Verify case").click();
    harness.run_steps(2);
    harness.get_by_label_contains("Verified: 2 items intact");

    let case = case_on_disk(&case_dir);
    let verification = verify_case(&case).expect("verified");
    assert!(verification.passed(), "{:?}", verification.problems);
    let bookmark = &case.bookmarks[0];
    assert_eq!(bookmark.status, BookmarkStatus::Warning);
    assert_eq!(bookmark.comment, "ear outline too sharp");
    assert_eq!(bookmark.item_id, "E001");
    let actions: Vec<&str> = verification
        .audit
        .entries
        .iter()
        .map(|e| e.action.as_str())
        .collect();
    for action in [
        "case-init",
        "evidence-add",
        "analyze",
        "app-open-item",
        "app-analysis-shown",
        "bookmark-add",
        "app-close-case",
        "app-open-case",
        "verify",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    let shown = verification
        .audit
        .entries
        .iter()
        .find(|e| e.action == "app-analysis-shown")
        .expect("logged");
    assert!(
        shown
            .model_id
            .as_deref()
            .is_some_and(|m| m.starts_with("tiny-"))
    );
    assert_eq!(shown.parameters["matches_intake"], true);
}
