//! Which images an evaluation scores, and the refusals that keep it honest: never an image
//! training fitted on, never an image training chose epochs on outside the val split, and
//! never a split chosen without saying so.

use std::collections::HashSet;
use std::path::PathBuf;

use forgelens_engine::Label;
use forgelens_engine::model::ModelCard;

use crate::data::{Dataset, Sample, Split};

#[derive(Debug, thiserror::Error)]
pub enum ScopeError {
    #[error("no images in split `{0}`")]
    EmptySplit(Split),
    #[error(
        "refusing to score {count} of the {total} images of split `{split}`: training fitted on them \
         (e.g. {example}, {why}); score a split training did not use (--split test), or other data"
    )]
    TrainingImages {
        split: Split,
        count: usize,
        total: usize,
        example: PathBuf,
        why: String,
    },
    #[error(
        "refusing to score {count} of the {total} images of split `{split}`: training chose its \
         epochs on them (e.g. {example}); they are scored only as `--split val`, never as a test"
    )]
    ValidationImages {
        split: Split,
        count: usize,
        total: usize,
        example: PathBuf,
    },
}

/// The images to score.
#[derive(Debug)]
pub struct Scope<'a> {
    pub split: Split,
    pub samples: Vec<&'a Sample>,
    /// Said when the split was not asked for and is not a test split.
    pub note: Option<String>,
}

/// The split to score: the one asked for (`Unassigned` = every image), else test, else
/// val (said so), else every image of data without splits (said so).
pub fn resolve_split(dataset: &Dataset, requested: Option<Split>) -> (Split, Option<String>) {
    if let Some(split) = requested {
        return (split, None);
    }
    let has = |split: Split| dataset.samples.iter().any(|s| s.split == split);
    if has(Split::Test) {
        (Split::Test, None)
    } else if has(Split::Val) {
        (
            Split::Val,
            Some("the data has no test split: scoring val, where choices are made (not a test result)".into()),
        )
    } else if has(Split::Train) {
        // Only training images: `select` refuses them with the reason.
        (Split::Train, None)
    } else {
        (
            Split::Unassigned,
            Some("the data assigns no splits: scoring every image".into()),
        )
    }
}

/// Real images and fakes of `families` (empty = all) in `split`, refusing any image the
/// model card says training used.
pub fn select<'a>(
    dataset: &'a Dataset,
    requested: Option<Split>,
    families: &[String],
    card: &ModelCard,
) -> Result<Scope<'a>, ScopeError> {
    let (split, note) = resolve_split(dataset, requested);
    let samples: Vec<&Sample> = dataset
        .samples
        .iter()
        .filter(|s| split == Split::Unassigned || s.split == split)
        .filter(|s| s.label == Label::Real || families.is_empty() || families.contains(&s.family))
        .collect();
    if samples.is_empty() {
        return Err(ScopeError::EmptySplit(split));
    }
    let fitted: HashSet<&str> = card.training_sources.iter().map(String::as_str).collect();
    let fitted_on = |s: &Sample| -> Option<String> {
        if s.split == Split::Train {
            Some("in the train split".into())
        } else if fitted.contains(s.source.as_str()) {
            Some(format!(
                "from photograph `{}`, a training source on the model card",
                s.source
            ))
        } else {
            None
        }
    };
    let used: Vec<(&Sample, String)> = samples
        .iter()
        .filter_map(|s| fitted_on(s).map(|why| (*s, why)))
        .collect();
    if let Some((example, why)) = used.first() {
        return Err(ScopeError::TrainingImages {
            split,
            count: used.len(),
            total: samples.len(),
            example: example.path.clone(),
            why: why.clone(),
        });
    }
    if split != Split::Val {
        let validated: HashSet<&str> = card.validation_sources.iter().map(String::as_str).collect();
        let chosen_on: Vec<&Sample> = samples
            .iter()
            .copied()
            .filter(|s| s.split == Split::Val || validated.contains(s.source.as_str()))
            .collect();
        if let Some(example) = chosen_on.first() {
            return Err(ScopeError::ValidationImages {
                split,
                count: chosen_on.len(),
                total: samples.len(),
                example: example.path.clone(),
            });
        }
    }
    Ok(Scope {
        split,
        samples,
        note,
    })
}
