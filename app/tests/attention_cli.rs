//! `forgelens attention` as a user runs it: captioned PNGs over the tile and a JSON for a
//! tiny model and the bundled one; a point outside the image or a missing block is a clear
//! error (exit 1).

mod common;

use common::{assert_success, forgelens, init_tiny, repo};

#[test]
fn writes_every_view_with_captions_and_a_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(dir.path());
    let out_dir = dir.path().join("out");
    let out = forgelens()
        .arg("attention")
        .arg(repo("assets/samples/chelsea.png"))
        .args(["--device", "cpu", "--block", "2", "--head", "1"])
        .args([
            "--query",
            "200,150",
            "--rollout",
            "--walk-steps",
            "2",
            "--all-heads",
            "--model",
        ])
        .arg(&model)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert_success(&out);
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out_dir.join("chelsea.attention.json")).expect("json"),
    )
    .expect("JSON");
    let maps = json["maps"].as_array().expect("maps");
    // Class token, query, every head of both (the tiny net has 2), rollout, walk 0, 1, 2.
    let heads = json["heads"].as_u64().expect("heads") as usize;
    assert_eq!(maps.len(), 6 + 2 * heads, "{json}");
    let grid: Vec<&str> = maps[2..2 + 2 * heads]
        .iter()
        .map(|m| m["file"].as_str().expect("file"))
        .collect();
    assert_eq!(grid[0], "chelsea.attention.block-2.head-1.class-token.png");
    assert!(grid[heads].starts_with("chelsea.attention.block-2.head-1.query-patch-"));
    let (rows, cols) = (json["grid"][0].as_u64(), json["grid"][1].as_u64());
    let patches = (rows.expect("rows") * cols.expect("cols")) as usize;
    let tile_w = json["tile_size"][0].as_f64().expect("width").round() as u32;
    for map in maps {
        let file = map["file"].as_str().expect("file");
        let png = image::open(out_dir.join(file)).expect("png").into_rgb8();
        assert_eq!(png.width(), tile_w, "{file}");
        let caption =
            std::fs::read_to_string(out_dir.join(file.replace(".png", ".txt"))).expect("caption");
        assert_eq!(caption.trim(), map["caption"].as_str().expect("caption"));
        assert_eq!(map["values"].as_array().expect("values").len(), patches);
    }
    let query = &maps[1];
    assert_eq!(query["view"]["source"]["kind"], "query");
    assert_eq!(query["view"]["block"], 1);
    assert_eq!(query["view"]["head"]["index"], 0);
    assert!(
        query["file"]
            .as_str()
            .is_some_and(|f| f.starts_with("chelsea.attention.block-2.head-1.query-patch-")),
        "{query}"
    );
    assert!(
        maps[2 + 2 * heads]["description"]
            .as_str()
            .expect("d")
            .contains("rollout")
    );
    assert!(
        maps[5 + 2 * heads]["caption"]
            .as_str()
            .expect("c")
            .contains("after 2 of")
    );
    assert!(out_dir.join("chelsea.attention.tile.png").is_file());
}

#[test]
fn bad_points_and_blocks_are_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(dir.path());
    let run = |args: &[&str]| {
        forgelens()
            .arg("attention")
            .arg(repo("assets/samples/chelsea.png"))
            .args(["--device", "cpu", "--model"])
            .arg(&model)
            .arg("--out")
            .arg(dir.path().join("out"))
            .args(args)
            .output()
            .expect("runs")
    };
    let out = run(&["--point", "500,10"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the point (500, 10) is outside the 451 x 300 image"),
        "{stderr}"
    );
    let out = run(&["--block", "99"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("block 99 does not exist"), "{stderr}");
    let out = run(&["--head", "first"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses it");
}

#[test]
fn the_bundled_model_explores_a_sample() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("out");
    let out = forgelens()
        .arg("attention")
        .arg(repo("assets/samples/chelsea.png"))
        .args(["--device", "cpu", "--walk-steps", "4", "--out"])
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert_success(&out);
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out_dir.join("chelsea.attention.json")).expect("json"),
    )
    .expect("JSON");
    assert_eq!(json["maps"].as_array().expect("maps").len(), 6);
    assert!(json["blocks"].as_u64().expect("blocks") >= 2);
    for map in json["maps"].as_array().expect("maps") {
        for v in map["values"].as_array().expect("values") {
            let v = v.as_f64().expect("number");
            assert!((0.0..=1.0).contains(&v), "{v}");
        }
    }
}
