//! Cases as a library: intake hashes against coreutils' `sha256sum` / `md5sum` (an
//! independent implementation), read-only copies and references, duplicates and non-images
//! refused, bookmarks round-tripping through a reopened case, the audit chain and its
//! cross-checks against `case.json` and `bookmarks.json`, and the case report without
//! analyses in all three formats.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use forgelens_report::case::{
    Actor, BookmarkRegion, BookmarkStatus, BookmarkView, Case, IntakeMode, NewBookmark,
    build_case_report, render_case_report, verify_case,
};
use forgelens_report::{FixedClock, ReportFormat, ToolInfo, extract_report};

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/samples")
        .join(name)
}

fn actor() -> Actor {
    Actor {
        tool_version: "test".into(),
        clock: Arc::new(FixedClock::from_unix_seconds(1_767_225_600)),
    }
}

/// The first word `program FILE` prints (coreutils' hash tools).
fn coreutils_hash(program: &str, file: &Path) -> String {
    let out = Command::new(program)
        .arg(file)
        .output()
        .expect("coreutils runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .expect("text")
        .split_whitespace()
        .next()
        .expect("a hash")
        .to_string()
}

fn new_case(dir: &Path) -> Case {
    Case::init(&dir.join("case"), "Case 7", Some("Ann Analyst"), actor()).expect("created")
}

#[test]
fn intake_hashes_equal_coreutils_and_copies_are_read_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut case = new_case(dir.path());
    let copied = case
        .add_evidence(&sample("chelsea.png"), IntakeMode::Copy)
        .expect("copied");
    let referenced = case
        .add_evidence(&sample("coffee.png"), IntakeMode::Reference)
        .expect("referenced");
    for (item, file) in [(&copied, "chelsea.png"), (&referenced, "coffee.png")] {
        let path = sample(file);
        assert_eq!(item.sha256, coreutils_hash("sha256sum", &path), "{file}");
        assert_eq!(item.md5, coreutils_hash("md5sum", &path), "{file}");
        assert_eq!(item.byte_len, std::fs::metadata(&path).expect("size").len());
        assert!(Path::new(&item.original_path).is_absolute());
    }
    let stored = copied.stored_path.as_deref().expect("a copy has a path");
    assert!(Path::new(stored).is_relative(), "{stored}");
    let copy = case.root().join(stored);
    assert_eq!(coreutils_hash("sha256sum", &copy), copied.sha256);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&copy).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o444, "{mode:o}");
    }
    assert_eq!(referenced.stored_path, None);
    assert_eq!(
        referenced.path_in(case.root()),
        sample("coffee.png")
            .canonicalize()
            .expect("the sample exists")
    );

    let again = case.add_evidence(&sample("chelsea.png"), IntakeMode::Reference);
    assert!(again.expect_err("duplicate").to_string().contains("E001"));
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not an image").expect("written");
    let refused = case.add_evidence(&text, IntakeMode::Copy);
    assert!(
        refused
            .expect_err("not an image")
            .to_string()
            .contains("not an image")
    );
    assert_eq!(case.items().len(), 2, "refusals add nothing");
    assert!(verify_case(&case).expect("verified").passed());
}

#[test]
fn a_moved_case_reopens_with_its_bookmarks_and_verifies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut case = new_case(dir.path());
    case.add_evidence(&sample("chelsea.png"), IntakeMode::Copy)
        .expect("added");
    let region: BookmarkRegion = "10,20,30,40".parse().expect("region");
    let saved = case
        .add_bookmark(NewBookmark {
            item_id: "chelsea.png".into(),
            view: BookmarkView::parse("fused", Some(0.35)).expect("view"),
            region: Some(region),
            comment: "  edge of the ear  ".into(),
            status: BookmarkStatus::Warning,
        })
        .expect("bookmarked");
    assert_eq!(
        (saved.id.as_str(), saved.item_id.as_str()),
        ("B001", "E001")
    );
    assert_eq!(saved.comment, "edge of the ear");
    let unknown = case.add_bookmark(NewBookmark {
        item_id: "E009".into(),
        view: BookmarkView::Image,
        region: None,
        comment: String::new(),
        status: BookmarkStatus::Ok,
    });
    assert!(unknown.is_err());

    // Only relative paths inside: the folder moved elsewhere still opens and verifies.
    let moved = dir.path().join("elsewhere");
    std::fs::rename(case.root(), &moved).expect("moved");
    let reopened = Case::open(&moved, actor()).expect("reopened");
    assert_eq!(reopened.bookmarks, vec![saved]);
    assert_eq!(reopened.manifest.name, "Case 7");
    let verification = verify_case(&reopened).expect("verified");
    assert!(verification.passed(), "{:?}", verification.problems);
    assert_eq!(verification.audit.entries.len(), 3);
}

#[test]
fn case_json_and_bookmarks_changed_behind_the_log_are_caught() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut case = new_case(dir.path());
    case.add_evidence(&sample("coffee.png"), IntakeMode::Reference)
        .expect("added");
    case.add_bookmark(NewBookmark {
        item_id: "E001".into(),
        view: BookmarkView::parse("ela", None).expect("view"),
        region: None,
        comment: "compare with the mug".into(),
        status: BookmarkStatus::ToCheck,
    })
    .expect("bookmarked");
    let root = case.root().to_path_buf();
    let bookmarks = root.join("bookmarks.json");
    let text = std::fs::read_to_string(&bookmarks).expect("read");
    std::fs::write(&bookmarks, text.replace("to-check", "ok")).expect("written");
    let manifest = root.join("case.json");
    let text = std::fs::read_to_string(&manifest).expect("read");
    let sha = &case.items()[0].sha256;
    std::fs::write(&manifest, text.replace(sha.as_str(), &"0".repeat(64))).expect("written");

    let verification = verify_case(&Case::open(&root, actor()).expect("opens")).expect("runs");
    let problems = verification.problems.join("\n");
    assert!(problems.contains("bookmark B001 differs"), "{problems}");
    assert!(
        problems.contains("case.json's SHA-256 of E001"),
        "{problems}"
    );
    assert!(
        problems.contains("E001 (") && problems.contains("has changed"),
        "{problems}"
    );
}

#[test]
fn the_case_report_lists_items_bookmarks_and_the_audit_log_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut case = new_case(dir.path());
    case.add_evidence(&sample("chelsea.png"), IntakeMode::Copy)
        .expect("added");
    case.add_bookmark(NewBookmark {
        item_id: "E001".into(),
        view: BookmarkView::parse("cam", Some(0.6)).expect("view"),
        region: Some("1,2,3,4".parse().expect("region")),
        comment: "whiskers".into(),
        status: BookmarkStatus::Ok,
    })
    .expect("bookmarked");
    let verification = verify_case(&case).expect("verified");
    let tool = ToolInfo::forgelens("0.0.0", "test");
    let clock = FixedClock::from_unix_seconds(1_767_312_000);
    let report = build_case_report(&case, &verification, &tool, &clock).expect("built");
    assert_eq!(report.items.len(), 1);
    assert_eq!(report.items[0].integrity, "intact");
    assert!(report.items[0].analysis.is_none());
    assert_eq!(report.items[0].bookmarks.len(), 1);
    assert_eq!(report.audit.entries, 3);
    assert_eq!(report.audit.actions.get("bookmark-add"), Some(&1));
    for format in ReportFormat::ALL {
        let bytes = render_case_report(&report, format, None);
        let embedded = extract_report(&bytes).expect("the JSON is embedded");
        let back: forgelens_report::case::CaseReport =
            serde_json::from_slice(&embedded.report_json).expect("a case report");
        assert_eq!(back, report, "{format}");
    }
    let html =
        String::from_utf8(render_case_report(&report, ReportFormat::Html, None)).expect("text");
    for needle in ["whiskers", "Case 7", "Ann Analyst", &report.items[0].sha256] {
        assert!(html.contains(needle), "{needle}");
    }
}
