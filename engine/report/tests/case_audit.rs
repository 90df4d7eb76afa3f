//! The audit log's chain on its own (`case::audit`): an intact log passes; an edited line,
//! an edited last line (caught by the head), a removed line, a removed tail, two swapped
//! lines and an unreadable line are each named by line. Bookmark views, statuses and regions
//! parse and refuse nonsense.

use std::fs;
use std::path::Path;

use forgelens_engine::MapKind;
use forgelens_report::case::audit::{AUDIT_FILE, AuditProblem, AuditRecord, append, verify_audit};
use forgelens_report::case::{BookmarkRegion, BookmarkStatus, BookmarkView};

fn log_with(n: usize) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..n {
        append(
            dir.path(),
            AuditRecord::new("step", serde_json::json!({ "i": i })),
            format!("2026-01-01T00:00:0{i}.000Z"),
            "test",
        )
        .expect("appended");
    }
    let text = fs::read_to_string(dir.path().join(AUDIT_FILE)).expect("read");
    (dir, text.lines().map(str::to_string).collect())
}

fn check(dir: &Path, lines: &[String]) -> Vec<AuditProblem> {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    fs::write(dir.join(AUDIT_FILE), text).expect("written");
    verify_audit(dir).expect("read").problems
}

#[test]
fn an_intact_log_has_no_problems() {
    let (dir, lines) = log_with(4);
    assert_eq!(lines.len(), 4);
    assert!(check(dir.path(), &lines).is_empty());
}

#[test]
fn edits_removals_and_swaps_are_named_by_line() {
    let (dir, lines) = log_with(5);
    let mut edited = lines.clone();
    edited[1] = edited[1].replace("\"i\":1", "\"i\":7");
    let p = check(dir.path(), &edited);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].line, 2);
    assert!(p[0].problem.contains("edited"), "{p:?}");

    let mut last = lines.clone();
    last[4] = last[4].replace("step", "stop");
    let p = check(dir.path(), &last);
    assert_eq!((p.len(), p[0].line), (1, 5), "{p:?}");

    let mut removed = lines.clone();
    removed.remove(2);
    let p = check(dir.path(), &removed);
    assert_eq!((p.len(), p[0].line), (1, 3), "{p:?}");
    assert!(p[0].problem.contains("entry 3 is missing"), "{p:?}");

    let mut tail = lines.clone();
    tail.pop();
    let p = check(dir.path(), &tail);
    assert!(
        p.iter().any(|p| p.problem.contains("entry 5 is missing")),
        "{p:?}"
    );

    let mut swapped = lines.clone();
    swapped.swap(1, 2);
    let p = check(dir.path(), &swapped);
    assert!(
        p.iter()
            .any(|p| p.line == 2 && p.problem.contains("reordered")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|p| p.line == 3 && p.problem.contains("reordered")),
        "{p:?}"
    );

    let mut doubled = lines.clone();
    doubled.insert(3, lines[2].clone());
    let p = check(dir.path(), &doubled);
    assert!(
        p.iter()
            .any(|p| p.line == 4 && p.problem.contains("repeats entry 3")),
        "{p:?}"
    );

    let mut garbage = lines;
    garbage[0] = "{not json".into();
    let p = check(dir.path(), &garbage);
    assert!(
        p.iter()
            .any(|p| p.line == 1 && p.problem.contains("not a valid")),
        "{p:?}"
    );
}

#[test]
fn views_statuses_and_regions_parse_and_refuse_nonsense() {
    assert_eq!(
        BookmarkView::parse("fused", Some(0.4)),
        Ok(BookmarkView::Map {
            map: MapKind::Fused,
            threshold: Some(0.4)
        })
    );
    let ela = BookmarkView::parse("ela", None).expect("a tool");
    assert!(ela.describe().starts_with("ela {"), "{}", ela.describe());
    assert!(BookmarkView::parse("fuse", None).is_err());
    assert!(BookmarkView::parse("cam", Some(1.5)).is_err());
    assert_eq!("to-check".parse(), Ok(BookmarkStatus::ToCheck));
    assert!("fine".parse::<BookmarkStatus>().is_err());
    assert_eq!(
        "1,2,30,40".parse::<BookmarkRegion>().map(|r| r.to_string()),
        Ok("1,2,30,40".to_string())
    );
    assert!("1,2,0,4".parse::<BookmarkRegion>().is_err());
    assert!("1,2,3".parse::<BookmarkRegion>().is_err());
    let json = serde_json::to_string(&BookmarkStatus::ToCheck).expect("serialises");
    assert_eq!(json, "\"to-check\"");
}
