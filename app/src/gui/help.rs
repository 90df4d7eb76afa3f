//! Help → "How ForgeLens sees an image": a window with the pipeline figure, drawn with egui
//! shapes, and a paragraph per part saying what it computes and how far the bundled model's
//! output can be trusted. README's section of the same name carries the same text (a test
//! holds them together). Whether the window is open is kept in egui's persisted memory.

use egui::{
    Align2, Direction, FontId, Id, Label, Layout, Pos2, Rect, RichText, Sense, Stroke, Ui,
    UiBuilder, pos2, vec2,
};

pub const TITLE: &str = "How ForgeLens sees an image";

pub const INTRO: &str = "Two networks look at every image: a detector that gives the verdict \
and a fusion net that draws the maps. The figure shows the pipeline; below it, each part in \
a paragraph, with how far the bundled model's output can be trusted (its test-split numbers, \
from README's section The bundled model).";

/// Each part of the pipeline: its name (as in the figure) and what to know about it.
pub const PARTS: [(&str, &str); 9] = [
    (
        "The image",
        "The file's bytes are read once and decoded (the format from the bytes, EXIF \
orientation applied). Two paths start here. The verdict looks at the whole image, resized to \
the extractor's input (256 px for the bundled model). The maps look at overlapping tiles at \
native resolution, stitched back together, so a large photograph is not squashed.",
    ),
    (
        "Frozen extractor E",
        "A pretrained network that ForgeLens never trains. The bundled model uses ImageNet \
MobileNetV2 cut after its eleventh block and shows it the image's neighbouring-pixel residual \
(NPR: each pixel minus the top-left pixel of its 2x2 block, times 4), the trace that \
up-sampling leaves, rather than the image itself. Its output is a grid of 8 x 8 feature \
tokens. The paper uses CLIP ViT, whose weights do not ship with ForgeLens.",
    ),
    (
        "Teacher and students",
        "Three small transformers on E's tokens. The teacher N_T learns the three classes. \
The students N_S1 and N_S2 learn to agree with the teacher on real images, N_S1 to disagree \
on fully generated images and N_S2 on partial fakes, while two generalizers disguise the \
fakes during training so that the students do not learn one generator by heart. d1 and d2, \
each student's squared distance from the teacher, are in the verdict's details.",
    ),
    (
        "Classifier N_C and the verdict",
        "N_C reads the squared discrepancies (the paper's eq. 8) and gives probabilities for \
real, partial and full. They are calibrated on the val split by temperature scaling \
(temperature 1.37 for the bundled model), and the verdict is inconclusive when the top \
probability is below the model card's threshold (0.687) or the analyst's own. How far to \
trust it: the bundled model's verdict has a macro-F1 of 0.542 on its test split, one of the \
51 real test images is conclusively called manipulated, and most verdicts are inconclusive, \
which is what this model knows.",
    ),
    (
        "Fusion net (CNN + transformer)",
        "A Conformer / TransCAM network run on each tile: a convolutional branch for local \
detail and a transformer branch for relations across the tile, exchanging features at every \
block. It is trained with image-level labels only, never a mask. It gives the maps below, \
and a classification of its own that the app shows as not the verdict.",
    ),
    (
        "CAM",
        "The class activation map, from the convolutional side: for each cell, how \
manipulated it looks, 1 - P(real) of that cell, so 0.5 means even odds. It judges each cell \
from its neighbourhood alone.",
    ),
    (
        "Attention",
        "Where the transformer's class token looks: its share of attention per patch as a \
multiple u of an even share, shown as (u - 1) / 3, so 0.5 is 2.5 times an even share. It \
says where the network looked, not what was edited: on the bundled model's partial test \
fakes its pixel F1 at 0.5 is 0.066. The Attention explorer shows every block and head, the \
attention of a clicked patch, and rollout.",
    ),
    (
        "Walk along the row-normalised attention",
        "The CAM is walked along the transformer's patch-to-patch attention, each row \
normalised to sum to one: one step replaces each patch's value by the attention-weighted \
mean of the patches it attends to (TransCAM's A @ CAM); the bundled model takes four steps. \
Training taught the attention to stay within the CAM's confident regions, so the walk is \
meant to spread the CAM over a whole edited region and smooth away lone cells. The \
explorer's walk slider shows each step.",
    ),
    (
        "Fused map",
        "The walk's result, on the CAM's scale. No map is stretched per image, so 0.5 means \
the same on every image (the app's stretch-contrast option changes the screen only). How far \
to trust the maps: on the bundled model's 52 partial test fakes the fused map's pixel F1 at \
0.5 is 0.247, below the 0.289 of marking every pixel, and on real test images its mean value \
is 0.39, not near 0: real photographs' maps are cold only in part. Read them as where the \
network's evidence sits, next to the classic toolbox, never as a mask of the edit.",
    ),
];

/// A box of the figure: its label and its cell span (columns, rows) on a 5 x 3 grid.
struct Node {
    label: &'static str,
    col: f32,
    row: f32,
    rows: f32,
    detector: bool,
}

const VERDICT: &str = "Verdict: calibrated, with an inconclusive band";

/// The figure's boxes, left to right: the detector on the top row, the maps below.
const NODES: [Node; 10] = [
    node("Image", 0.0, 0.0, 3.0, true),
    node("Frozen extractor E", 1.0, 0.0, 1.0, true),
    node("Teacher N_T, students N_S1, N_S2", 2.0, 0.0, 1.0, true),
    node("Classifier N_C", 3.0, 0.0, 1.0, true),
    node(VERDICT, 4.0, 0.0, 1.0, true),
    node("Fusion net (CNN + transformer)", 1.0, 1.0, 2.0, false),
    node("CAM", 2.0, 1.0, 1.0, false),
    node("Attention", 2.0, 2.0, 1.0, false),
    node(
        "Walk along the row-normalised attention",
        3.0,
        1.0,
        2.0,
        false,
    ),
    node("Fused map", 4.0, 1.0, 2.0, false),
];

const fn node(label: &'static str, col: f32, row: f32, rows: f32, detector: bool) -> Node {
    Node {
        label,
        col,
        row,
        rows,
        detector,
    }
}

/// Arrows between boxes (indices into `NODES`), with a caption for some.
const EDGES: [(usize, usize, &str); 10] = [
    (0, 1, "whole view"),
    (1, 2, "tokens"),
    (2, 3, "d1, d2"),
    (3, 4, ""),
    (0, 5, "native tiles"),
    (5, 6, ""),
    (5, 7, ""),
    (6, 8, ""),
    (7, 8, ""),
    (8, 9, ""),
];

/// Every label the figure shows, in drawing order.
pub fn figure_labels() -> impl Iterator<Item = &'static str> {
    NODES.iter().map(|n| n.label)
}

const COLUMNS: f32 = 5.0;
const ROW_HEIGHT: f32 = 66.0;
/// Between columns, room for an arrow's caption.
const GAP: f32 = 56.0;

/// Asks for the help window to be shown (from the menu).
pub fn open(ctx: &egui::Context) {
    ctx.data_mut(|d| d.insert_persisted(open_id(), true));
}

pub fn is_open(ctx: &egui::Context) -> bool {
    ctx.data_mut(|d| d.get_persisted(open_id()).unwrap_or(false))
}

fn open_id() -> Id {
    Id::unique("forgelens_help_open")
}

/// Draws the help window when it is open.
pub fn window(ctx: &egui::Context) {
    let mut open = is_open(ctx);
    if !open {
        return;
    }
    egui::Window::new(TITLE)
        .open(&mut open)
        .pivot(Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .default_size([820.0, 660.0])
        .resizable(true)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().show(ui, page_ui);
        });
    if !open {
        ctx.data_mut(|d| d.insert_persisted(open_id(), false));
    }
}

/// The page: introduction, figure, one paragraph per part.
pub fn page_ui(ui: &mut Ui) {
    ui.label(INTRO);
    ui.add_space(8.0);
    figure_ui(ui);
    ui.add_space(8.0);
    for (name, text) in PARTS {
        ui.label(RichText::new(name).strong());
        ui.label(text);
        ui.add_space(4.0);
    }
}

/// The pipeline as boxes and arrows; each box's label is a real label (readable by screen
/// readers and tests), placed inside a painted box.
fn figure_ui(ui: &mut Ui) {
    let width = ui.available_width().max(600.0);
    let (rect, _) = ui.allocate_exact_size(vec2(width, 3.0 * ROW_HEIGHT), Sense::hover());
    let box_width = (rect.width() - (COLUMNS - 1.0) * GAP) / COLUMNS;
    let boxes: Vec<Rect> = NODES
        .iter()
        .map(|n| {
            Rect::from_min_size(
                pos2(
                    rect.left() + n.col * (box_width + GAP),
                    rect.top() + n.row * ROW_HEIGHT + 5.0,
                ),
                vec2(box_width, n.rows * ROW_HEIGHT - 10.0),
            )
        })
        .collect();
    let visuals = ui.visuals().clone();
    let detector_fill = visuals.faint_bg_color;
    let maps_fill = visuals.extreme_bg_color;
    let line = Stroke::new(1.5, visuals.text_color());
    let painter = ui.painter().clone();
    for (n, b) in NODES.iter().zip(&boxes) {
        let fill = if n.detector { detector_fill } else { maps_fill };
        painter.rect(*b, 6.0, fill, line, egui::StrokeKind::Inside);
    }
    let caption_font = FontId::proportional(10.5);
    for (from, to, caption) in EDGES {
        let (start, end) = arrow_ends(boxes[from], boxes[to]);
        arrow(&painter, start, end, line);
        if !caption.is_empty() {
            painter.text(
                pos2((start.x + end.x) / 2.0, start.y - 3.0),
                Align2::CENTER_BOTTOM,
                caption,
                caption_font.clone(),
                visuals.weak_text_color(),
            );
        }
    }
    // Centred both ways, not justified (a justified label spreads its words).
    let centred = Layout::centered_and_justified(Direction::TopDown).with_cross_justify(false);
    for (n, b) in NODES.iter().zip(&boxes) {
        ui.scope_builder(
            UiBuilder::new().max_rect(b.shrink(4.0)).layout(centred),
            |ui| ui.add(Label::new(RichText::new(n.label).size(12.5)).wrap()),
        );
    }
}

/// From `a`'s right side to `b`'s left side, level where their heights overlap.
fn arrow_ends(a: Rect, b: Rect) -> (Pos2, Pos2) {
    let y = b.center().y.clamp(a.top() + 8.0, a.bottom() - 8.0);
    let end_y = y.clamp(b.top() + 8.0, b.bottom() - 8.0);
    (pos2(a.right(), y), pos2(b.left(), end_y))
}

fn arrow(painter: &egui::Painter, start: Pos2, end: Pos2, stroke: Stroke) {
    painter.line_segment([start, end], stroke);
    let dir = (end - start).normalized();
    let normal = vec2(-dir.y, dir.x);
    let back = end - dir * 7.0;
    painter.add(egui::Shape::convex_polygon(
        vec![end, back + normal * 4.0, back - normal * 4.0],
        stroke.color,
        Stroke::NONE,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_edge_joins_two_boxes_left_to_right() {
        for (from, to, _) in EDGES {
            assert!(NODES[from].col < NODES[to].col, "{from} -> {to}");
        }
    }

    #[test]
    fn every_box_lies_on_the_grid() {
        for n in &NODES {
            assert!(
                n.col < COLUMNS && n.rows >= 1.0 && n.row + n.rows <= 3.0,
                "{}",
                n.label
            );
        }
    }
}
