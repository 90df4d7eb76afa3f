//! Rows per family and per generator (the paper's Table 2 shape), and the in-domain /
//! cross-domain split: by the model card's training families, or for older cards (and
//! `--in-domain`) by its training generators.

use std::collections::BTreeMap;

use forgelens_engine::Label;
use forgelens_engine::model::ModelCard;

use super::aggregate::{confusion_of, maps_at_half, pixel_of};
use super::report::{DomainScores, GroupScores, ImageScores, PredictedClasses};
use super::scoring::Scored;
use crate::data::Sample;

/// What training saw: families, or generators where the card names no families.
#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    pub by_families: bool,
    pub names: Vec<String>,
}

impl Domain {
    /// `generators` (from `--in-domain`) first, then the card's families, then its
    /// generators; `None` when nothing says.
    pub fn of(card: &ModelCard, generators: &[String]) -> Option<Self> {
        let (by_families, names) = if !generators.is_empty() {
            (false, generators)
        } else if !card.training_families.is_empty() {
            (true, card.training_families.as_slice())
        } else {
            (false, card.training_generators.as_slice())
        };
        (!names.is_empty()).then(|| Self {
            by_families,
            names: names.to_vec(),
        })
    }

    /// Whether a fake's family (or generator) was trained on.
    pub fn inside(&self, sample: &Sample) -> bool {
        let key = if self.by_families {
            &sample.family
        } else {
            &sample.generator
        };
        self.names.contains(key)
    }

    fn decided_by(&self) -> &'static str {
        if self.by_families {
            "families"
        } else {
            "generators"
        }
    }
}

fn sorted_unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut items: Vec<String> = items.collect();
    items.sort();
    items.dedup();
    items
}

/// One row: `items` share a true class; fakes are scored beside every real image.
fn row(items: &[&Scored], reals: &[&Scored], domain: Option<&Domain>) -> GroupScores {
    let label = items.first().map_or(Label::Real, |s| s.sample.label);
    let mut predicted = PredictedClasses::default();
    for s in items {
        match Label::from_index(s.predicted) {
            Label::Real => predicted.real += 1,
            Label::Partial => predicted.partial += 1,
            Label::Full => predicted.full += 1,
        }
    }
    let right = items
        .iter()
        .filter(|s| s.predicted == label.index())
        .count();
    let families = sorted_unique(items.iter().map(|s| s.sample.family.clone()));
    let with_reals: Vec<&Scored> = if label == Label::Real {
        items.to_vec()
    } else {
        reals.iter().chain(items).copied().collect()
    };
    GroupScores {
        family: match families.as_slice() {
            [one] => one.clone(),
            _ => "mixed".into(),
        },
        label: label.name().to_string(),
        images: items.len(),
        recall: right as f32 / items.len().max(1) as f32,
        predicted,
        pixel_f1_at_0_5: maps_at_half(items.iter().copied()),
        in_domain: domain
            .filter(|_| label != Label::Real)
            .map(|d| items.iter().all(|s| d.inside(&s.sample))),
        image: ImageScores::from_confusion(&confusion_of(with_reals.into_iter())),
    }
}

/// Rows keyed by `key` of each image (real images form their own rows).
fn rows_by(
    scored: &[Scored],
    domain: Option<&Domain>,
    key: impl Fn(&Sample) -> String,
) -> BTreeMap<String, GroupScores> {
    let reals: Vec<&Scored> = scored
        .iter()
        .filter(|s| s.sample.label == Label::Real)
        .collect();
    let mut groups: BTreeMap<String, Vec<&Scored>> = BTreeMap::new();
    for s in scored {
        groups.entry(key(&s.sample)).or_default().push(s);
    }
    groups
        .into_iter()
        .map(|(k, items)| (k, row(&items, &reals, domain)))
        .collect()
}

/// One row per family, `real` included.
pub fn per_family(scored: &[Scored], domain: Option<&Domain>) -> BTreeMap<String, GroupScores> {
    rows_by(scored, domain, |s| s.family.clone())
}

/// One row per `generator:label` of the fakes.
pub fn per_generator(scored: &[Scored], domain: Option<&Domain>) -> BTreeMap<String, GroupScores> {
    let mut rows = rows_by(scored, domain, |s| {
        format!("{}:{}", s.generator, s.label.name())
    });
    rows.retain(|_, r| r.label != Label::Real.name());
    rows
}

/// Real images plus the fakes on one side of the domain line, with their scores; `None`
/// without a domain or without fakes on that side.
pub fn domain_side<'a>(
    scored: &'a [Scored],
    domain: Option<&Domain>,
    inside: bool,
) -> Option<(DomainScores, Vec<&'a Scored>)> {
    let domain = domain?;
    let fakes: Vec<&Scored> = scored
        .iter()
        .filter(|s| s.sample.label != Label::Real && domain.inside(&s.sample) == inside)
        .collect();
    if fakes.is_empty() {
        return None;
    }
    let images: Vec<&Scored> = scored
        .iter()
        .filter(|s| s.sample.label == Label::Real)
        .chain(fakes.iter().copied())
        .collect();
    let scores = DomainScores {
        decided_by: domain.decided_by().to_string(),
        families: sorted_unique(fakes.iter().map(|s| s.sample.family.clone())),
        generators: sorted_unique(fakes.iter().map(|s| s.sample.generator.clone())),
        image: ImageScores::from_confusion(&confusion_of(images.iter().copied())),
        pixel: pixel_of(fakes.iter().copied()),
    };
    Some((scores, images))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::scoring::five_scored;

    #[test]
    fn family_rows_match_hand_computation() {
        let scored = five_scored();
        let domain = Domain {
            by_families: true,
            names: vec!["full-regeneration".into()],
        };
        let rows = per_family(&scored, Some(&domain));
        let inpainting = &rows["inpainting"];
        assert_eq!((inpainting.images, inpainting.recall), (2, 0.5));
        assert_eq!(
            inpainting.predicted,
            PredictedClasses {
                real: 0,
                partial: 1,
                full: 1
            }
        );
        let px = inpainting.pixel_f1_at_0_5.as_ref().expect("masks");
        assert!((px.cam - 0.4).abs() < 1e-6 && (px.attention - 0.3).abs() < 1e-6);
        assert!((px.fused - 0.7).abs() < 1e-6);
        assert_eq!(inpainting.in_domain, Some(false));
        // Both reals + both inpaintings: real F1 2/3 (tp 1, fn 1), partial F1 1/2 (tp 1,
        // fp 1 from the whole photograph, fn 1); full does not occur in the truth.
        let expected = (2.0 / 3.0 + 0.5) / 2.0;
        assert!((inpainting.image.macro_f1 - expected).abs() < 1e-6);
        assert_eq!(rows["full-regeneration"].in_domain, Some(true));
        let real = &rows["real"];
        assert_eq!((real.images, real.recall, real.in_domain), (2, 0.5, None));
        assert_eq!(real.image.images, 2);

        let generators = per_generator(&scored, Some(&domain));
        let keys: Vec<&str> = generators.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "full-regeneration-generator:full",
                "inpainting-generator:partial"
            ]
        );
        assert_eq!(
            generators["inpainting-generator:partial"].family,
            "inpainting"
        );

        let (cross, images) = domain_side(&scored, Some(&domain), false).expect("cross");
        assert_eq!(cross.families, ["inpainting"]);
        assert_eq!((cross.decided_by.as_str(), images.len()), ("families", 4));
        assert!(domain_side(&scored, None, true).is_none());
    }
}
