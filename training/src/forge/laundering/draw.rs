//! The distribution a forge sample's chain is drawn from, the same for every class.

use rand::RngExt;

use super::step::{Chain, Step, round3};

/// How often each step is drawn for a forge sample; every class draws from the same
/// distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunderingConfig {
    /// Off: samples are stored as PNG, untouched (the forge's v1 behaviour).
    pub enabled: bool,
    pub resize: f32,
    /// Factors drawn uniformly from this range.
    pub resize_range: (f32, f32),
    pub blur: f32,
    pub noise: f32,
    /// Probability of a final JPEG; otherwise WebP with `webp`, else none.
    pub jpeg: f32,
    pub jpeg_quality: (u8, u8),
    /// Given a JPEG, probability that a first JPEG on another grid came before it.
    pub double_jpeg: f32,
    pub webp: f32,
}

impl Default for LaunderingConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            resize: 0.3,
            resize_range: (0.5, 1.5),
            blur: 0.1,
            noise: 0.1,
            jpeg: 0.6,
            jpeg_quality: (50, 100),
            double_jpeg: 0.3,
            webp: 0.15,
        }
    }
}

impl LaunderingConfig {
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// Draws a chain: resize, blur and noise (each with its probability), then a JPEG
    /// (sometimes preceded by another on a shifted grid) or a WebP or no encoding.
    pub fn draw(&self, rng: &mut impl rand::Rng) -> Chain {
        let mut steps = Vec::new();
        // Every draw happens whether or not the step is kept, so one choice never shifts
        // the random sequence of the others.
        let (p_resize, factor): (f32, f32) = (rng.random(), rng.random());
        let (p_blur, sigma_blur): (f32, f32) = (rng.random(), rng.random());
        let (p_noise, sigma_noise): (f32, f32) = (rng.random(), rng.random());
        let (p_codec, p_double): (f32, f32) = (rng.random(), rng.random());
        let (q1, q2, q_webp): (f32, f32, f32) = (rng.random(), rng.random(), rng.random());
        let (dx, dy): (u8, u8) = (rng.random_range(1..8), rng.random_range(0..8));
        if !self.enabled {
            return Chain::default();
        }
        if p_resize < self.resize {
            let (lo, hi) = self.resize_range;
            steps.push(Step::Resize {
                factor: round3(lo + factor * (hi - lo)),
            });
        }
        if p_blur < self.blur {
            steps.push(Step::Blur {
                sigma: round3(0.3 + 0.7 * sigma_blur),
            });
        }
        if p_noise < self.noise {
            steps.push(Step::Noise {
                sigma: round3(1.0 + 2.0 * sigma_noise),
            });
        }
        let quality = |u: f32| {
            let (lo, hi) = self.jpeg_quality;
            (f32::from(lo) + u * f32::from(hi - lo)).round() as u8
        };
        if p_codec < self.jpeg {
            if p_double < self.double_jpeg {
                steps.push(Step::Jpeg {
                    quality: quality(q1),
                    shift: (0, 0),
                });
                steps.push(Step::Jpeg {
                    quality: quality(q2),
                    shift: (dx, dy),
                });
            } else {
                steps.push(Step::Jpeg {
                    quality: quality(q1),
                    shift: (0, 0),
                });
            }
        } else if p_codec < self.jpeg + self.webp {
            steps.push(Step::Webp {
                quality: (60.0 + 40.0 * q_webp).round() as u8,
            });
        }
        Chain(steps)
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    use super::*;

    #[test]
    fn drawn_chains_are_deterministic_and_use_every_step() {
        let config = LaunderingConfig::default();
        let draw = |seed| config.draw(&mut ChaCha8Rng::seed_from_u64(seed));
        assert_eq!(draw(3), draw(3));
        let text: String = (0..400).map(|s| draw(s).to_string() + " ").collect();
        for kind in ["resize:", "blur:", "noise:", "jpeg:", "webp:", "@", "none"] {
            assert!(text.contains(kind), "{kind} never drawn");
        }
        let off = LaunderingConfig::disabled();
        assert_eq!(
            off.draw(&mut ChaCha8Rng::seed_from_u64(1)),
            Chain::default()
        );
    }
}
