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

/// z for a one-sided 80 % power.
pub const Z80: f64 = 0.841_621_233_572_914_3;
/// The minimum detectable effect a report sizes the test for unless told otherwise: 5
/// percentage points of conversion.
pub const DEFAULT_MDE: f64 = 0.05;

/// The standard normal distribution function Φ(x) (Hart's algorithm as given by West, 2005;
/// absolute error below 1e-14).
///
/// ```
/// use chek_engage::feedback::normal_cdf;
/// assert!((normal_cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-12);
/// assert_eq!(normal_cdf(0.0), 0.5);
/// ```
pub fn normal_cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let a = x.abs();
    let tail = if a > 37.0 {
        0.0
    } else {
        let e = (-a * a / 2.0).exp();
        if a < 7.071_067_811_865_47 {
            const NUM: [f64; 7] = [
                3.526_249_659_989_11e-2,
                0.700_383_064_443_688,
                6.373_962_203_531_65,
                33.912_866_078_383,
                112.079_291_497_871,
                221.213_596_169_931,
                220.206_867_912_376,
            ];
            const DEN: [f64; 8] = [
                8.838_834_764_831_84e-2,
                1.755_667_163_182_64,
                16.064_177_579_207,
                86.780_732_202_946_1,
                296.564_248_779_674,
                637.333_633_378_831,
                793.826_512_519_948,
                440.413_735_824_752,
            ];
            let horner = |c: &[f64]| c.iter().fold(0.0, |acc, &k| acc * a + k);
            e * horner(&NUM) / horner(&DEN)
        } else {
            let b = a + 1.0 / (a + 2.0 / (a + 3.0 / (a + 4.0 / (a + 0.65))));
            e / b / 2.506_628_274_631
        }
    };
    if x > 0.0 { 1.0 - tail } else { tail }
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms; relative error about 1e-15).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection; not reached from the Beta parameters (all ≥ 1).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Terms summed exactly before the normal approximation takes over.
const MAX_BAYES_TERMS: u64 = 200_000;

/// The probability that variant B's conversion rate is above A's, with uniform Beta(1, 1)
/// priors: `P(p_B > p_A)` for `p_A ~ Beta(1 + cA, 1 + nA − cA)` and likewise B. Exact (Evan
/// Miller's closed form) up to 200,000 conversions, a normal approximation of the two
/// posteriors beyond.
///
/// ```
/// use chek_engage::feedback::prob_beat;
/// assert!((prob_beat(0, 0, 0, 0) - 0.5).abs() < 1e-12);
/// assert!(prob_beat(10, 100, 20, 100) > 0.95);
/// ```
pub fn prob_beat(conv_a: u64, n_a: u64, conv_b: u64, n_b: u64) -> f64 {
    let (conv_a, conv_b) = (conv_a.min(n_a), conv_b.min(n_b));
    let (aa, ba) = (1.0 + conv_a as f64, 1.0 + (n_a - conv_a) as f64);
    let (ab, bb) = (1.0 + conv_b as f64, 1.0 + (n_b - conv_b) as f64);
    // Sum over the variant with fewer conversions: P(B > A) = 1 − P(A > B).
    // αA, βA, βB and the number of terms αB.
    let exact = |aa: f64, ba: f64, bb: f64, terms: u64| {
        let base = ln_beta(aa, ba);
        let mut sum = 0.0;
        for i in 0..terms {
            let i = i as f64;
            sum += (ln_beta(aa + i, ba + bb) - (bb + i).ln() - ln_beta(1.0 + i, bb) - base).exp();
        }
        sum.clamp(0.0, 1.0)
    };
    if conv_b.min(conv_a) < MAX_BAYES_TERMS {
        if conv_b <= conv_a {
            exact(aa, ba, bb, conv_b + 1)
        } else {
            1.0 - exact(ab, bb, ba, conv_a + 1)
        }
    } else {
        let moments = |a: f64, b: f64| {
            let m = a / (a + b);
            (m, a * b / ((a + b) * (a + b) * (a + b + 1.0)))
        };
        let (ma, va) = moments(aa, ba);
        let (mb, vb) = moments(ab, bb);
        normal_cdf((mb - ma) / (va + vb).sqrt())
    }
}

/// Two-sided p-value of the pooled two-proportion z-test of `cB/nB` against `cA/nA`, with its
/// z; `(0, 1)` when either side has no exposure or nobody (or everybody) converted.
///
/// ```
/// use chek_engage::feedback::two_proportion_z;
/// let (z, p) = two_proportion_z(100, 1000, 130, 1000);
/// assert!((z - 2.1027).abs() < 1e-3 && (p - 0.0355).abs() < 1e-3);
/// ```
pub fn two_proportion_z(conv_a: u64, n_a: u64, conv_b: u64, n_b: u64) -> (f64, f64) {
    if n_a == 0 || n_b == 0 {
        return (0.0, 1.0);
    }
    let (na, nb) = (n_a as f64, n_b as f64);
    let (pa, pb) = (conv_a.min(n_a) as f64 / na, conv_b.min(n_b) as f64 / nb);
    let pooled = (conv_a.min(n_a) + conv_b.min(n_b)) as f64 / (na + nb);
    let se = (pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb)).sqrt();
    if se == 0.0 || !se.is_finite() {
        return (0.0, 1.0);
    }
    let z = (pb - pa) / se;
    (z, (2.0 * normal_cdf(-z.abs())).min(1.0))
}

/// Clients needed in each of two variants to detect an absolute difference `mde` from a
/// baseline conversion `base` with a two-sided test at α = 0.05 and 80 % power:
/// `(z₀.₉₇₅·√(2p̄q̄) + z₀.₈·√(p₁q₁ + p₂q₂))² / mde²` (Fleiss, without continuity correction),
/// `p₂ = base + mde` (or `base − mde` past 1). `None` for an `mde` outside (0, 1).
///
/// ```
/// use chek_engage::feedback::sample_size;
/// assert_eq!(sample_size(0.10, 0.05), Some(686));
/// assert_eq!(sample_size(0.10, 0.0), None);
/// ```
pub fn sample_size(base: f64, mde: f64) -> Option<u64> {
    if !(mde > 0.0 && mde < 1.0 && (0.0..=1.0).contains(&base)) {
        return None;
    }
    let p1 = base;
    let p2 = if p1 + mde <= 1.0 { p1 + mde } else { p1 - mde };
    if !(0.0..=1.0).contains(&p2) {
        return None;
    }
    let pbar = (p1 + p2) / 2.0;
    let a = Z95 * (2.0 * pbar * (1.0 - pbar)).sqrt();
    let b = Z80 * (p1 * (1.0 - p1) + p2 * (1.0 - p2)).sqrt();
    let n = ((a + b) * (a + b) / (mde * mde)).ceil();
    (n.is_finite() && n >= 1.0).then_some(n as u64)
}

/// A variant against the control (the experiment's first variant).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The control's name.
    pub control: String,
    /// `rate − control rate`, absolute.
    pub difference: f64,
    /// z of the pooled two-proportion test.
    pub z: f64,
    /// Its two-sided p-value.
    pub p_value: f64,
    /// Whether `p_value < 0.05`.
    pub significant: bool,
    /// Bayesian probability (uniform priors) that this variant converts better than the
    /// control.
    pub prob_beat_control: f64,
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
    /// The comparison with the control (`None` for the control itself, or when either has no
    /// exposure).
    pub vs_control: Option<Comparison>,
    /// Clients this variant still needs to reach [`AbReport::sample_size`] (0 when reached;
    /// `None` when the sample size is unknown).
    pub still_needed: Option<u64>,
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
    /// The variant the others are compared with: the experiment's first.
    pub control: Option<String>,
    /// The minimum detectable effect the test is sized for (absolute difference of
    /// conversion rates).
    pub mde: f64,
    /// Significance level of the test (two-sided).
    pub alpha: f64,
    /// Power the sample size is computed for.
    pub power: f64,
    /// Clients needed per variant to detect [`mde`](Self::mde) from the control's rate
    /// ([`sample_size`]); `None` before the control has any exposure.
    pub sample_size: Option<u64>,
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
                    vs_control: None,
                    still_needed: None,
                }
            })
            .collect();
        let mut r = AbReport {
            experiment: experiment.name.clone(),
            algorithm: AB_ALGORITHM,
            confidence: 0.95,
            variants,
            control: experiment.variants.first().map(|v| v.name.clone()),
            mde: DEFAULT_MDE,
            alpha: 0.05,
            power: 0.8,
            sample_size: None,
        };
        r.compare();
        r
    }

    /// The same report sized for another minimum detectable effect (absolute, in (0, 1):
    /// `0.02` is two percentage points); [`FeedbackError::BadExperiment`] otherwise.
    ///
    /// ```
    /// use chek_engage::feedback::{AbReport, Experiment, Variant};
    /// let v = |n: &str| Variant { name: n.into(), weight: 1, message: String::new() };
    /// let e = Experiment { name: "x".into(), variants: vec![v("A"), v("B")] };
    /// let obs = (0..200).map(|i| (if i % 2 == 0 { "A" } else { "B" }, i % 20 < 2));
    /// let r = AbReport::from_observations(&e, obs).with_mde(0.05).unwrap();
    /// assert_eq!(r.sample_size, Some(686)); // 10 % in A: 686 clients per variant
    /// assert_eq!(r.variants[0].still_needed, Some(586));
    /// let b = r.variants[1].vs_control.as_ref().unwrap();
    /// assert!(b.p_value > 0.05 && !b.significant);
    /// assert!(AbReport::from_observations(&e, []).with_mde(1.5).is_err());
    /// ```
    pub fn with_mde(mut self, mde: f64) -> Result<AbReport, FeedbackError> {
        if !(mde > 0.0 && mde < 1.0) {
            return Err(FeedbackError::BadExperiment(format!(
                "the minimum detectable effect must be in (0, 1), not {mde}"
            )));
        }
        self.mde = mde;
        self.compare();
        Ok(self)
    }

    fn compare(&mut self) {
        let control = self
            .control
            .as_ref()
            .and_then(|c| self.variants.iter().find(|v| &v.variant == c))
            .map(|c| (c.variant.clone(), c.exposed, c.converted, c.rate));
        self.sample_size = control
            .as_ref()
            .filter(|c| c.1 > 0)
            .and_then(|c| sample_size(c.3, self.mde));
        for v in &mut self.variants {
            v.still_needed = self.sample_size.map(|n| n.saturating_sub(v.exposed));
            v.vs_control = match &control {
                Some((name, n_c, c_c, rate_c))
                    if *name != v.variant && *n_c > 0 && v.exposed > 0 =>
                {
                    let (z, p_value) = two_proportion_z(*c_c, *n_c, v.converted, v.exposed);
                    Some(Comparison {
                        control: name.clone(),
                        difference: v.rate - rate_c,
                        z,
                        p_value,
                        significant: p_value < self.alpha,
                        prob_beat_control: prob_beat(*c_c, *n_c, v.converted, v.exposed),
                    })
                }
                _ => None,
            };
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

    /// Φ against Python's `0.5 * math.erfc(-x / math.sqrt(2))`.
    #[test]
    fn normal_cdf_against_erfc() {
        for (x, want) in [
            (-8.0, 6.220_960_574_271_819e-16),
            (-3.0, 0.001_349_898_031_630_094_6),
            (-1.0, 0.158_655_253_931_457_05),
            (-0.1, 0.460_172_162_722_971),
            (0.5, 0.691_462_461_274_013_1),
            (2.5, 0.993_790_334_674_223_8),
            (7.5, 0.999_999_999_999_968),
        ] {
            let got = normal_cdf(x);
            assert!(
                (got - want).abs() <= 1e-14_f64.max(want * 1e-12),
                "{x}: {got} vs {want}"
            );
        }
        assert_eq!(normal_cdf(-40.0), 0.0);
        assert_eq!(normal_cdf(40.0), 1.0);
    }

    #[test]
    fn bayes_exact_and_approximate_agree() {
        // Symmetric: equal data is a coin toss.
        assert!((prob_beat(30, 100, 30, 100) - 0.5).abs() < 1e-9);
        // Monte-Carlo free check: P(B > A) + P(A > B) = 1.
        let p = prob_beat(12, 150, 25, 160);
        assert!((p + prob_beat(25, 160, 12, 150) - 1.0).abs() < 1e-9, "{p}");
        assert!(p > 0.98 && p < 1.0, "{p}");
        // The exact sum and the normal approximation agree on large samples.
        let exact = prob_beat(5_000, 50_000, 5_200, 50_000);
        let (aa, ba, ab, bb) = (5_001.0, 45_001.0, 5_201.0, 44_801.0);
        let m = |a: f64, b: f64| (a / (a + b), a * b / ((a + b) * (a + b) * (a + b + 1.0)));
        let ((ma, va), (mb, vb)) = (m(aa, ba), m(ab, bb));
        let approx = normal_cdf((mb - ma) / (va + vb).sqrt());
        assert!((exact - approx).abs() < 2e-3, "{exact} vs {approx}");
        assert!(ln_gamma(1.0).abs() < 1e-14 && (ln_gamma(10.0) - 362_880f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn z_test_and_sample_size() {
        // 10 % vs 13 % of 1000: z = 2.1027, p = 0.03549 (pooled test; Python's statistics).
        let (z, p) = two_proportion_z(100, 1000, 130, 1000);
        assert!(
            (z - 2.102_740_6).abs() < 1e-6 && (p - 0.035_488_45).abs() < 1e-6,
            "{z} {p}"
        );
        assert_eq!(two_proportion_z(0, 10, 0, 10), (0.0, 1.0));
        assert_eq!(two_proportion_z(0, 0, 1, 10), (0.0, 1.0));
        // Fleiss without continuity correction: 10 % → 15 % needs 686 per group, 50 % → 55 % 1565.
        assert_eq!(sample_size(0.10, 0.05), Some(686));
        assert_eq!(sample_size(0.50, 0.05), Some(1565));
        assert_eq!(sample_size(0.98, 0.05), sample_size(0.93, 0.05));
        assert_eq!(sample_size(0.1, f64::NAN), None);
    }

    #[test]
    fn report_compares_with_the_control() {
        let e = exp(&[1, 1, 1]);
        let mut obs = Vec::new();
        for i in 0..1000 {
            obs.push(("v0", i < 100));
            obs.push(("v1", i < 130));
        }
        let r = AbReport::from_observations(&e, obs);
        assert_eq!(r.control.as_deref(), Some("v0"));
        assert_eq!(r.mde, DEFAULT_MDE);
        assert_eq!(r.sample_size, Some(686));
        assert!(r.variants[0].vs_control.is_none());
        let c = r.variants[1]
            .vs_control
            .as_ref()
            .unwrap_or_else(|| panic!("none"));
        assert!(
            c.significant && c.p_value < 0.05 && c.prob_beat_control > 0.98,
            "{c:?}"
        );
        assert!((c.difference - 0.03).abs() < 1e-12);
        assert_eq!(r.variants[1].still_needed, Some(0));
        // v2 has no exposure: no comparison, all 686 still needed.
        assert!(r.variants[2].vs_control.is_none());
        assert_eq!(r.variants[2].still_needed, Some(686));
        let r = r.with_mde(0.02).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.sample_size, sample_size(0.1, 0.02));
        assert!(r.variants[1].still_needed > Some(0));
        let json = serde_json::to_value(&r).unwrap_or_default();
        for k in ["experiment", "algorithm", "confidence", "variants"] {
            assert!(json.get(k).is_some(), "{k}");
        }
        for k in [
            "variant",
            "exposed",
            "converted",
            "rate",
            "ci_low",
            "ci_high",
        ] {
            assert!(json["variants"][0].get(k).is_some(), "{k}");
        }
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
