//! `forgelens attention`: the attention explorer's maps for one fusion tile of an image as
//! PNGs over the tile, each with a caption file, and a JSON of what was computed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use forgelens_engine::attention_explorer::{
    ExplorerView, Head, Source, TileAttention, mark_patch, over_tile, tile_attention, tile_crop,
};
use forgelens_engine::files::{write_atomic, write_png};
use forgelens_engine::image_input::{ImageLimits, read_image_file};
use forgelens_engine::model::load_model_dir;
use forgelens_engine::render::Colormap;
use forgelens_engine::{AnalyzerOptions, select_device};
use serde::Serialize;

use crate::cli::DeviceArgs;
use crate::model_location::resolve_model_dir;

#[derive(Debug, Args)]
pub struct AttentionArgs {
    /// The image; only read.
    pub image: PathBuf,
    /// Model directory (default: the bundled model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    #[command(flatten)]
    pub device: DeviceArgs,
    /// Transformer block, counted from 1 (default: the last).
    #[arg(long)]
    pub block: Option<usize>,
    /// Head, counted from 1, or `mean` (the mean of the block's heads).
    #[arg(long, default_value = "mean")]
    pub head: Head,
    /// Also where the patch under this image point (X,Y pixels) attends.
    #[arg(long, value_parser = parse_point)]
    pub query: Option<(f32, f32)>,
    /// Also every head of the block on its own (class token, and the query patch if given):
    /// the head grid.
    #[arg(long)]
    pub all_heads: bool,
    /// Also attention rollout of the class token through blocks 1 to --block.
    #[arg(long)]
    pub rollout: bool,
    /// Also the CAM after 0, 1, ..., K steps of the fused map's walk.
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=64))]
    pub walk_steps: Option<u32>,
    /// The image point (X,Y pixels) whose tile is explored (default: the query point, else
    /// the image's centre).
    #[arg(long, value_parser = parse_point)]
    pub point: Option<(f32, f32)>,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
}

fn parse_point(s: &str) -> Result<(f32, f32), String> {
    let parse = |v: &str| v.trim().parse::<f32>().ok().filter(|v| v.is_finite());
    match s.split_once(',') {
        Some((x, y)) => parse(x)
            .zip(parse(y))
            .ok_or_else(|| format!("a point is X,Y in pixels, not '{s}'")),
        None => Err(format!("a point is X,Y in pixels, not '{s}'")),
    }
}

#[derive(Serialize)]
struct Written {
    file: String,
    caption: String,
    view: ExplorerView,
    description: String,
    /// The view's values per patch (grid order, row by row), in [0, 1].
    values: Vec<f32>,
}

#[derive(Serialize)]
struct Summary<'a> {
    image: &'a Path,
    model: String,
    model_trained: bool,
    device: &'a str,
    point: (f32, f32),
    tile_origin: (f32, f32),
    tile_size: (f32, f32),
    work_scale: (f32, f32),
    grid: (usize, usize),
    blocks: usize,
    heads: usize,
    maps: Vec<Written>,
}

pub fn run(args: AttentionArgs) -> Result<ExitCode> {
    let image = read_image_file(&args.image, &ImageLimits::default())
        .with_context(|| format!("reading {}", args.image.display()))?
        .rgb;
    let model_dir = resolve_model_dir(args.model.clone())?;
    let device = select_device(args.device.device)?;
    let model = load_model_dir(&model_dir, &device.device)
        .with_context(|| format!("loading the model from {}", model_dir.display()))?;
    if !model.card.trained {
        eprintln!(
            "warning: model {} is UNTRAINED; its attention is that of random weights",
            model.id()
        );
    }
    let point = args.point.or(args.query);
    let tile = tile_attention(
        &model,
        &device.device,
        &image,
        point,
        &AnalyzerOptions::default(),
    )?;
    let block = match args.block {
        Some(0) => bail!("blocks are counted from 1"),
        Some(b) => b - 1,
        None => tile.blocks() - 1,
    };
    let query_patch = args.query.map(|(x, y)| tile.patch_at(x, y)).transpose()?;

    let mut views = vec![(
        ExplorerView {
            block,
            head: args.head,
            source: Source::ClassToken,
        },
        "class-token".to_string(),
    )];
    if let Some(patch) = query_patch {
        views.push((
            ExplorerView {
                block,
                head: args.head,
                source: Source::Query { patch },
            },
            format!("query-patch-{}", patch + 1),
        ));
    }
    if args.all_heads {
        let sources = std::iter::once((Source::ClassToken, "class-token".to_string())).chain(
            query_patch.map(|patch| {
                (
                    Source::Query { patch },
                    format!("query-patch-{}", patch + 1),
                )
            }),
        );
        for (source, name) in sources.collect::<Vec<_>>() {
            for h in 0..tile.heads {
                let head = Head::Index(h);
                views.push((
                    ExplorerView {
                        block,
                        head,
                        source,
                    },
                    name.clone(),
                ));
            }
        }
    }
    if args.rollout {
        let view = ExplorerView {
            block,
            head: Head::Mean,
            source: Source::Rollout,
        };
        views.push((view, "rollout".to_string()));
    }
    let walk: Vec<usize> = args
        .walk_steps
        .map_or_else(Vec::new, |k| (0..=k as usize).collect());
    for steps in walk {
        let view = ExplorerView {
            block,
            head: Head::Mean,
            source: Source::Walk { steps },
        };
        views.push((view, format!("walk-{steps}")));
    }

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating the output directory {}", args.out.display()))?;
    let stem = args
        .image
        .file_stem()
        .map_or_else(|| "image".into(), |s| s.to_string_lossy().into_owned());
    let tile_file = args.out.join(format!("{stem}.attention.tile.png"));
    write_png(&tile_file, &tile_crop(&image, &tile))?;
    let mut maps = Vec::new();
    for (view, name) in views {
        maps.push(write_view(&args.out, &stem, &image, &tile, view, &name)?);
    }
    let summary = Summary {
        image: &args.image,
        model: model.id(),
        model_trained: model.card.trained,
        device: &device.name,
        point: tile.point,
        tile_origin: tile.origin_image(),
        tile_size: tile.size_image(),
        work_scale: tile.scale,
        grid: tile.grid,
        blocks: tile.blocks(),
        heads: tile.heads,
        maps,
    };
    let json = args.out.join(format!("{stem}.attention.json"));
    write_atomic(&json, &serde_json::to_vec_pretty(&summary)?)
        .with_context(|| format!("writing {}", json.display()))?;
    for map in &summary.maps {
        println!("{}: {}", map.file, map.caption);
    }
    println!("{}", json.display());
    Ok(ExitCode::SUCCESS)
}

fn write_view(
    out: &Path,
    stem: &str,
    image: &image::RgbImage,
    tile: &TileAttention,
    view: ExplorerView,
    name: &str,
) -> Result<Written> {
    let map = tile.view(&view)?;
    let mut picture = over_tile(image, tile, &map.values, Colormap::Inferno, 0.6);
    if let Source::Query { patch } = view.source {
        mark_patch(&mut picture, tile, patch);
    }
    let blockname = match view.source {
        Source::Walk { .. } => String::new(),
        _ => format!(".block-{}", view.block + 1),
    };
    let head = match (view.source, view.head) {
        (Source::Rollout | Source::Walk { .. }, _) => String::new(),
        (_, Head::Mean) => ".head-mean".to_string(),
        (_, Head::Index(h)) => format!(".head-{}", h + 1),
    };
    let file = format!("{stem}.attention{blockname}{head}.{name}.png");
    let (x, y) = tile.origin_image();
    let (w, h) = tile.size_image();
    let caption = format!(
        "{} [tile at ({x:.0}, {y:.0}), {w:.0} x {h:.0} image pixels, {} x {} patches]",
        map.description, tile.grid.1, tile.grid.0
    );
    write_png(&out.join(&file), &picture)?;
    let caption_file = out.join(format!("{}.txt", file.trim_end_matches(".png")));
    write_atomic(&caption_file, format!("{caption}\n").as_bytes())
        .with_context(|| format!("writing {}", caption_file.display()))?;
    Ok(Written {
        file,
        caption,
        view,
        description: map.description,
        values: map.values,
    })
}
