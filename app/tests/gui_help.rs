//! Help → "How ForgeLens sees an image" under `egui_kittest`: the menu opens the window with
//! its title, the pipeline figure's labels and a paragraph per part; closing it sticks; and
//! README's section of the same name carries the same text.

use std::time::Duration;

use egui_kittest::kittest::Queryable;
use forgelens_app::gui::help::{self, PARTS, TITLE};

mod gui_common;
use gui_common::{app_harness, repo, settle_within, tiny_model};

#[test]
fn the_help_menu_opens_the_page_with_its_figure() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = app_harness(tiny_model(dir.path()), [1200.0, 900.0]);
    settle_within(&mut harness, Duration::from_secs(60));
    assert!(harness.query_by_label(TITLE).is_none(), "closed at start");

    harness.get_by_label("Help").click();
    harness.run_steps(2);
    harness.get_by_label(TITLE).click();
    harness.run_steps(3);
    assert!(help::is_open(&harness.ctx));
    // The window's title (the menu has closed, so this is the only one).
    harness.get_by_label(TITLE);
    for label in help::figure_labels() {
        assert!(
            harness.query_all_by_label(label).next().is_some(),
            "the figure's label {label:?}"
        );
    }
    for (name, _) in PARTS {
        assert!(
            harness.query_all_by_label(name).next().is_some(),
            "the paragraph heading {name:?}"
        );
    }
    harness.get_by_label(help::INTRO);

    // egui's close button on the window's title bar.
    harness.get_by_label("Close window").click();
    harness.run_steps(3);
    assert!(!help::is_open(&harness.ctx));
    assert!(harness.query_by_label(TITLE).is_none());
}

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn readme_carries_the_same_text() {
    let readme = words(&std::fs::read_to_string(repo("README.md")).expect("README"));
    assert!(
        readme.contains(&format!("## {TITLE}")),
        "the section heading"
    );
    assert!(readme.contains(&words(help::INTRO)), "the introduction");
    for (name, text) in PARTS {
        let paragraph = words(&format!("**{name}.** {text}"));
        assert!(readme.contains(&paragraph), "README lacks: {paragraph}");
    }
}
