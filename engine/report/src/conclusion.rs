//! The report's conclusion on a stated verbal scale: the likelihood ratio of "manipulated"
//! (partially manipulated or fully generated) against "a real, unedited photograph", taken
//! from the calibrated probabilities and the prior the model's training implies, put into
//! words on the ENFSI scale of evaluative reporting (ENFSI Guideline for Evaluative
//! Reporting in Forensic Science, 2015), with the limits that apply.

use serde::{Deserialize, Serialize};

use forgelens_engine::analysis::Probabilities;
use forgelens_engine::model::ModelCard;
use forgelens_engine::verdict::{Verdict, percent};

/// P(manipulated) before seeing the image, as the model's probabilities assume it: training
/// weights each class by its inverse frequency (`training::train::data::class_weights`), so
/// the classifier fits as if real, partial and full each had prior 1/3, and manipulated
/// (partial or full) 2/3: prior odds 2 : 1.
pub const MODEL_PRIOR_MANIPULATED: f64 = 2.0 / 3.0;

/// Posterior probabilities are held inside `[EPS, 1 - EPS]` so the ratio stays finite.
const EPS: f64 = 1e-6;

/// The verbal scale, from no support to very strong support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 1/2 < LR < 2.
    NoSupport,
    /// 2 to 10 (or 1/10 to 1/2).
    Weak,
    /// 10 to 100.
    Moderate,
    /// 100 to 1,000.
    ModeratelyStrong,
    /// 1,000 to 10,000.
    Strong,
    /// 10,000 and more: the scale stops here (ENFSI's "extremely strong" above 10^6 is
    /// never claimed; validation on hundreds of images cannot back it).
    VeryStrong,
}

impl Level {
    pub const ALL: [Level; 6] = [
        Level::NoSupport,
        Level::Weak,
        Level::Moderate,
        Level::ModeratelyStrong,
        Level::Strong,
        Level::VeryStrong,
    ];

    pub fn words(self) -> &'static str {
        match self {
            Level::NoSupport => "no support either way",
            Level::Weak => "weak support",
            Level::Moderate => "moderate support",
            Level::ModeratelyStrong => "moderately strong support",
            Level::Strong => "strong support",
            Level::VeryStrong => "very strong support",
        }
    }

    /// The likelihood ratios (or their inverses) the level stands for.
    pub fn range(self) -> &'static str {
        match self {
            Level::NoSupport => "between 1/2 and 2",
            Level::Weak => "2 to 10",
            Level::Moderate => "10 to 100",
            Level::ModeratelyStrong => "100 to 1,000",
            Level::Strong => "1,000 to 10,000",
            Level::VeryStrong => "10,000 or more",
        }
    }
}

/// Which proposition the findings support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Favours {
    /// Partially manipulated or fully generated.
    Manipulated,
    /// A real, unedited photograph.
    Authentic,
    Neither,
}

/// The conclusion as the report states it (in `Results`, since report schema 2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conclusion {
    /// Whether the model card holds a calibration (temperature scaling on val).
    pub calibrated: bool,
    /// P(partial) + P(full), as the verdict's probabilities give it.
    pub posterior_manipulated: f32,
    /// The prior P(manipulated) the probabilities assume (`MODEL_PRIOR_MANIPULATED`).
    pub prior_manipulated: f32,
    /// Posterior odds over prior odds; `None` when no ratio is claimed (untrained or
    /// uncalibrated model).
    pub likelihood_ratio: Option<f64>,
    /// The level on the scale and whom it favours; `None` when no ratio is claimed or the
    /// verdict is inconclusive.
    pub level: Option<Level>,
    pub favours: Option<Favours>,
    /// The conclusion in one or two sentences (inconclusive said first).
    pub statement: String,
    /// How the ratio was derived, with the values used.
    pub derivation: String,
    /// What the conclusion does not cover.
    pub limits: Vec<String>,
}

/// Posterior odds of manipulated over real, divided by the prior odds.
pub fn likelihood_ratio(posterior_manipulated: f64, prior_manipulated: f64) -> f64 {
    let odds = |p: f64| {
        let p = p.clamp(EPS, 1.0 - EPS);
        p / (1.0 - p)
    };
    odds(posterior_manipulated) / odds(prior_manipulated)
}

/// The level and direction of a likelihood ratio on the scale.
pub fn scale(lr: f64) -> (Level, Favours) {
    let log = lr.log10();
    let size = log.abs();
    let level = if size < 2f64.log10() {
        Level::NoSupport
    } else if size < 1.0 {
        Level::Weak
    } else if size < 2.0 {
        Level::Moderate
    } else if size < 3.0 {
        Level::ModeratelyStrong
    } else if size < 4.0 {
        Level::Strong
    } else {
        Level::VeryStrong
    };
    let favours = match level {
        Level::NoSupport => Favours::Neither,
        _ if log > 0.0 => Favours::Manipulated,
        _ => Favours::Authentic,
    };
    (level, favours)
}

/// A number with at most three significant digits (`0.0455`, `4.55`, `93.9`, `1,000`).
pub fn sig3(x: f64) -> String {
    if !x.is_finite() {
        return "not a number".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let step = 10f64.powi(x.abs().log10().floor() as i32 - 2);
    let rounded = (x / step).round() * step;
    let magnitude = rounded.abs().log10().floor() as i32;
    if magnitude >= 3 {
        return thousands(rounded.round() as i64);
    }
    let decimals = (2 - magnitude).max(0) as usize;
    format!("{rounded:.decimals$}")
}

fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A share as a percentage with at most three significant digits (`4.55%`).
pub fn pct3(share: f64) -> String {
    format!("{}%", sig3(share * 100.0))
}

/// A threshold for people: 100% when it is 1 (`percent` never claims certainty).
pub fn threshold_text(t: f32) -> String {
    if t >= 1.0 { "100%".into() } else { percent(t) }
}

fn ratio_text(lr: f64) -> String {
    if lr >= 1.0 {
        sig3(lr)
    } else {
        format!("1/{}", sig3(1.0 / lr))
    }
}

/// The conclusion for the verdict's probabilities; `limits` are added as they are.
pub fn conclude(
    probabilities: &Probabilities,
    verdict: &Verdict,
    card: &ModelCard,
    limits: Vec<String>,
) -> Conclusion {
    let posterior = f64::from(probabilities.partial) + f64::from(probabilities.full);
    let calibrated = card.calibration.is_some();
    let lr = likelihood_ratio(posterior, MODEL_PRIOR_MANIPULATED);
    let hypotheses = "H1: the image was manipulated (partially manipulated or fully \
                      generated); H2: it is a real, unedited photograph";
    let derivation = match &card.calibration {
        Some(c) => format!(
            "{hypotheses}. P(H1 | image) = P(partial) + P(full) = {} from the probabilities \
             calibrated by temperature {} on {} {} images. Training weighs the three classes \
             equally, so the probabilities assume the prior P(H1) = 2/3 (odds 2 : 1). \
             Likelihood ratio = posterior odds / prior odds = {}.",
            percent(posterior as f32),
            sig3(f64::from(c.temperature)),
            c.images,
            c.split,
            ratio_text(lr)
        ),
        None => format!(
            "{hypotheses}. P(H1 | image) = P(partial) + P(full) = {}, as the model gives it. \
             The model card has no calibration: these probabilities are not calibrated, so no \
             likelihood ratio is derived from them.",
            percent(posterior as f32)
        ),
    };
    let (likelihood_ratio, level, favours, statement) = if !card.trained {
        (
            None,
            None,
            None,
            "No conclusion: the model is untrained, its output is not evidence.".to_string(),
        )
    } else if !calibrated {
        (
            None,
            None,
            None,
            "No conclusion on the likelihood-ratio scale: the model's probabilities are not \
             calibrated, so their size says nothing reliable about the strength of the \
             evidence."
                .to_string(),
        )
    } else if verdict.inconclusive {
        (
            Some(lr),
            None,
            None,
            format!(
                "Inconclusive: the model does not decide on this image (top probability {}, \
                 below the {} its validation requires). No support either way is claimed; \
                 the likelihood ratio ({}) is given for information only.",
                percent(verdict.confidence),
                verdict
                    .inconclusive_below
                    .map_or("threshold".into(), threshold_text),
                ratio_text(lr)
            ),
        )
    } else {
        let (level, favours) = scale(lr);
        let statement = match favours {
            Favours::Neither => format!(
                "The findings give no support either way: they are about as probable if the \
                 image was manipulated as if it is a real photograph (likelihood ratio {}).",
                ratio_text(lr)
            ),
            Favours::Manipulated => format!(
                "The findings give {} to the proposition that the image was manipulated \
                 (partially or fully generated) rather than a real, unedited photograph \
                 (likelihood ratio {}, in the band {}).",
                level.words(),
                ratio_text(lr),
                level.range()
            ),
            Favours::Authentic => format!(
                "The findings give {} to the proposition that the image is a real, unedited \
                 photograph rather than manipulated (likelihood ratio {}, in the band 1/{}). \
                 This does not exclude manipulation by a method the model was never tested on.",
                level.words(),
                ratio_text(lr),
                level
                    .range()
                    .replace(" to ", " to 1/")
                    .replace(" or more", " or less")
            ),
        };
        (Some(lr), Some(level), Some(favours), statement)
    };
    Conclusion {
        calibrated,
        posterior_manipulated: posterior as f32,
        prior_manipulated: MODEL_PRIOR_MANIPULATED as f32,
        likelihood_ratio,
        level,
        favours,
        statement,
        derivation,
        limits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits() {
        assert_eq!(sig3(0.045454), "0.0455");
        assert_eq!(sig3(4.5454), "4.55");
        assert_eq!(sig3(93.939), "93.9");
        assert_eq!(sig3(99.96), "100");
        assert_eq!(sig3(999.5), "1,000");
        assert_eq!(sig3(49_999.0), "50,000");
        assert_eq!(sig3(0.0), "0");
        assert_eq!(pct3(0.939393), "93.9%");
        assert_eq!(pct3(1.0), "100%");
    }
}
