//! A/B assignment `chek-ab-v1` (spec: `docs/ab-v1.md`, vectors: `docs/ab-v1-vectors.json`) and
//! per-variant conversion with a Wilson confidence interval. Changing the hash changes who sees
//! what: add `v2` instead.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::FeedbackError;
use super::error::check_id;

/// The algorithm name.
pub const AB_ALGORITHM: &str = "chek-ab-v1";
/// Buckets per experiment.
pub const BUCKETS: u32 = 10_000;
/// At most this many variants.
pub const MAX_VARIANTS: usize = 100;
/// Largest weight of one variant.
pub const MAX_WEIGHT: u32 = 1_000_000;
/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The bucket of a client in an experiment, in `[0, 10000)`: the first eight bytes of
/// `SHA-256("chek-ab-v1" 0x00 experiment 0x00 client)` as a big-endian integer, mod 10000.
///
/// ```
/// use chek_engage::feedback::bucket;
/// assert_eq!(bucket("review-sms-2026-11", "client-1"), bucket("review-sms-2026-11", "client-1"));
/// assert!(bucket("review-sms-2026-11", "client-1") < 10_000);
/// ```
pub fn bucket(experiment: &str, client: &str) -> u32 {
    let h = Sha256::new()
        .chain_update(AB_ALGORITHM.as_bytes())
        .chain_update([0])
        .chain_update(experiment.as_bytes())
        .chain_update([0])
        .chain_update(client.as_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&h[..8]);
    (u64::from_be_bytes(first) % u64::from(BUCKETS)) as u32
}

/// One variant of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Name, as reported.
    pub name: String,
    /// Relative weight (0 switches the variant off).
    #[serde(default = "one")]
    pub weight: u32,
    /// The invitation text; `{link}` is replaced by the review link.
    #[serde(default)]
    pub message: String,
}

fn one() -> u32 {
    1
}

/// An experiment: a name (part of the hash) and weighted variants, in order.
///
/// ```
/// use chek_engage::feedback::{Experiment, Variant};
/// let e = Experiment {
///     name: "review-sms".into(),
///     variants: vec![
///         Variant { name: "A".into(), weight: 1, message: String::new() },
///         Variant { name: "B".into(), weight: 1, message: String::new() },
///     ],
/// };
/// let v = e.assign("client-42").unwrap();
/// assert_eq!(v.name, e.assign("client-42").unwrap().name);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Experiment {
    /// Name; changing it reshuffles everyone.
    pub name: String,
    /// Variants, in order: variant i holds buckets `[⌊10000·Cᵢ/W⌋, ⌊10000·Cᵢ₊₁/W⌋)`.
    pub variants: Vec<Variant>,
}

impl Experiment {
    /// Reads and checks an experiment from TOML.
    pub fn from_toml(text: &str) -> Result<Experiment, FeedbackError> {
        if text.len() > 256 * 1024 {
            return Err(FeedbackError::BadExperiment("the file is too large".into()));
        }
        let e: Experiment =
            toml::from_str(text).map_err(|e| FeedbackError::BadExperiment(e.to_string()))?;
        e.check()?;
        Ok(e)
    }

    /// Reads and checks an experiment from JSON.
    pub fn from_json(text: &str) -> Result<Experiment, FeedbackError> {
        if text.len() > 256 * 1024 {
            return Err(FeedbackError::BadExperiment("the file is too large".into()));
        }
        let e: Experiment =
            serde_json::from_str(text).map_err(|e| FeedbackError::BadExperiment(e.to_string()))?;
        e.check()?;
        Ok(e)
    }

    /// Checks names and weights.
    pub fn check(&self) -> Result<(), FeedbackError> {
        let bad = |m: String| Err(FeedbackError::BadExperiment(m));
        check_id(&self.name).or_else(|_| bad("the name must be 1–128 bytes".into()))?;
        if self.variants.is_empty() || self.variants.len() > MAX_VARIANTS {
            return bad(format!("1–{MAX_VARIANTS} variants are needed"));
        }
        let mut total = 0u64;
        for (i, v) in self.variants.iter().enumerate() {
            check_id(&v.name).or_else(|_| bad(format!("variant {i}: bad name")))?;
            if self.variants[..i].iter().any(|w| w.name == v.name) {
                return bad(format!("variant {:?} twice", v.name));
            }
            if v.weight > MAX_WEIGHT {
                return bad(format!("variant {:?}: weight over {MAX_WEIGHT}", v.name));
            }
            if v.message.chars().count() > 1000 {
                return bad(format!("variant {:?}: message over 1000 chars", v.name));
            }
            total += u64::from(v.weight);
        }
        if total == 0 {
            return bad("every weight is 0".into());
        }
        Ok(())
    }

    /// The variant whose bucket range holds the client's bucket.
    pub fn assign(&self, client: &str) -> Result<&Variant, FeedbackError> {
        self.check()?;
        check_id(client)?;
        let b = u64::from(bucket(&self.name, client));
        let total: u64 = self.variants.iter().map(|v| u64::from(v.weight)).sum();
        let mut cumulative = 0u64;
        for v in &self.variants {
            cumulative += u64::from(v.weight);
            if b < u64::from(BUCKETS) * cumulative / total {
                return Ok(v);
            }
        }
        // The last upper bound is exactly BUCKETS, which every bucket is below.
        Err(FeedbackError::BadExperiment(
            "no variant holds the bucket".into(),
        ))
    }
}

/// The Wilson score interval for `successes` out of `n` at `z` (1.96 for 95 %); `(0, 1)` for
/// `n = 0`.
///
/// ```
/// use chek_engage::feedback::{wilson, Z95};
/// let (lo, hi) = wilson(10, 100, Z95);
/// assert!((lo - 0.0552).abs() < 1e-4 && (hi - 0.1744).abs() < 1e-4);
/// ```
pub fn wilson(successes: u64, n: u64, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n_f = n as f64;
    let p = successes.min(n) as f64 / n_f;
    let z2 = z * z;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = z * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Counts and conversion of one variant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantStats {
    /// Variant name.
    pub variant: String,
    /// Clients who got this variant.
    pub exposed: u64,
    /// Of them, how many converted.
    pub converted: u64,
    /// `converted / exposed` (0 when nobody was exposed).
    pub rate: f64,
    /// Lower end of the 95 % Wilson interval.
    pub ci_low: f64,
    /// Upper end of the 95 % Wilson interval.
    pub ci_high: f64,
}

/// Per-variant counts, conversion and 95 % Wilson intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbReport {
    /// Experiment name.
    pub experiment: String,
    /// Always [`AB_ALGORITHM`].
    pub algorithm: &'static str,
    /// The interval's confidence level.
    pub confidence: f64,
    /// Variants in the experiment's order, then any others seen in the data.
    pub variants: Vec<VariantStats>,
}

impl AbReport {
    /// A report from `(variant, converted)` observations, one per exposed client.
    ///
    /// ```
    /// use chek_engage::feedback::{AbReport, Experiment, Variant};
    /// let e = Experiment { name: "x".into(), variants: vec![
    ///     Variant { name: "A".into(), weight: 1, message: String::new() },
    ///     Variant { name: "B".into(), weight: 1, message: String::new() }] };
    /// let r = AbReport::from_observations(&e, [("A", true), ("A", false), ("B", false)]);
    /// assert_eq!((r.variants[0].exposed, r.variants[0].converted), (2, 1));
    /// assert_eq!(r.variants[1].rate, 0.0);
    /// ```
    pub fn from_observations<'a>(
        experiment: &Experiment,
        observations: impl IntoIterator<Item = (&'a str, bool)>,
    ) -> AbReport {
        let mut counts: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for (v, converted) in observations {
            let c = counts.entry(v).or_default();
            c.0 += 1;
            c.1 += u64::from(converted);
        }
        let mut order: Vec<String> = experiment.variants.iter().map(|v| v.name.clone()).collect();
        for k in counts.keys() {
            if !order.iter().any(|o| o == k) {
                order.push((*k).to_owned());
            }
        }
        let variants = order
            .into_iter()
            .map(|name| {
                let (exposed, converted) = counts.get(name.as_str()).copied().unwrap_or_default();
                let (ci_low, ci_high) = wilson(converted, exposed, Z95);
                VariantStats {
                    rate: if exposed == 0 {
                        0.0
                    } else {
                        converted as f64 / exposed as f64
                    },
                    variant: name,
                    exposed,
                    converted,
                    ci_low,
                    ci_high,
                }
            })
            .collect();
        AbReport {
            experiment: experiment.name.clone(),
            algorithm: AB_ALGORITHM,
            confidence: 0.95,
            variants,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exp(weights: &[u32]) -> Experiment {
        Experiment {
            name: "exp".into(),
            variants: weights
                .iter()
                .enumerate()
                .map(|(i, &w)| Variant {
                    name: format!("v{i}"),
                    weight: w,
                    message: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn split_is_close_to_the_weights() {
        let e = exp(&[1, 3]);
        let mut n = [0u32; 2];
        for i in 0..20_000 {
            let v = e.assign(&format!("c{i}")).map(|v| v.name.clone());
            n[usize::from(v.as_deref() == Ok("v1"))] += 1;
        }
        // 25 % ± 1.5 points over 20,000 clients (the standard error is 0.3 points).
        assert!((4_700..=5_300).contains(&n[0]), "{n:?}");
    }

    #[test]
    fn zero_weight_gets_nobody_and_bad_experiments_are_refused() {
        let e = exp(&[0, 1]);
        for i in 0..500 {
            assert_eq!(
                e.assign(&format!("c{i}")).map(|v| v.name.as_str()),
                Ok("v1")
            );
        }
        assert!(exp(&[0, 0]).check().is_err());
        assert!(exp(&[]).check().is_err());
        assert!(exp(&[MAX_WEIGHT + 1]).check().is_err());
        let mut dup = exp(&[1, 1]);
        dup.variants[1].name = "v0".into();
        assert!(dup.check().is_err());
        assert!(exp(&[1]).assign("bad\0id").is_err());
    }

    #[test]
    fn wilson_edges() {
        assert_eq!(wilson(0, 0, Z95), (0.0, 1.0));
        let (lo, hi) = wilson(0, 10, Z95);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.2775).abs() < 1e-4, "{hi}");
        let (lo, hi) = wilson(10, 10, Z95);
        assert!((lo - 0.7225).abs() < 1e-4, "{lo}");
        assert!((hi - 1.0).abs() < 1e-12);
    }
}
