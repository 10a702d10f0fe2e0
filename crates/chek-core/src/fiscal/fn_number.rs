//! The fiscal drive (ФН) serial number, tag 1041: exactly 16 digits.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A ФН serial number. Always 16 digits; stored as a number, printed zero-padded.
///
/// ```
/// use chek_core::fiscal::FnNumber;
/// let f: FnNumber = "9282440300688488".parse().unwrap();
/// assert_eq!(f.to_string(), "9282440300688488");
/// assert_eq!(f.model().map(|m| m.name), Some("ФН-1.1 исп. 5-15-2"));
/// assert!("123".parse::<FnNumber>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FnNumber(u64);

/// What the leading digits of a ФН number say about the drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FnModel {
    /// The model name, or a description when the model is not confirmed.
    pub name: &'static str,
    /// The manufacturer, when known.
    pub maker: &'static str,
    /// `true` for the «массо-габаритная модель»: a dummy drive that never records a real sale.
    pub is_dummy: bool,
}

/// Known prefixes, longest first within a family. Sources: TextToKKT `KKTSupport.cs` (2021) for
/// the listed models; prefixes seen on real 2022–2025 receipts whose model names no public list
/// confirms are kept as "unconfirmed" so that real receipts do not raise warnings.
const MODELS: &[(u64, u32, FnModel)] = &[
    (8712000100, 10, m("ФН-1 исп. 3 v2", "Прагматик")),
    (8712000101, 10, m("ФН-1 исп. 3 v1", "НТЦ Измеритель")),
    (87100001, 8, m("ФН-1", "РИК")),
    (87110001, 8, m("ФН-1 исп. 2", "РИК")),
    (87150001, 8, m("ФН-1 Пр13-2", "Прагматик")),
    (87160001, 8, m("ФН-1 Из13-2", "НТЦ Измеритель")),
    (92810001, 8, m("ФН-1.1 исп. 4", "Инвента")),
    (92820001, 8, m("ФН-1.1 исп. 5-15-2", "Инвента")),
    (92824403, 8, m("ФН-1.1 исп. 5-15-2", "Инвента")),
    (92834403, 8, m("ФН-1.1 ЭВ36-2", "Эвотор")),
    (92840001, 8, m("ФН-1.1 ЭВ15-2", "Эвотор")),
    (92850001, 8, m("ФН-1.1 Из15-2", "НТЦ Измеритель")),
    (92854403, 8, m("ФН-1.1 Из15-2", "НТЦ Измеритель")),
    (92860001, 8, m("ФН-1.1 исп. 3", "Концерн Автоматика")),
    (92874403, 8, m("ФН-1.1 исп. 2", "Инвента")),
    (92880001, 8, m("ФН-1.1 исп. 5-15-1", "Инвента")),
    (92890001, 8, m("ФН-1.1 Пр15-2", "Прагматик")),
    (92514403, 8, m("ФН-1.1 исп. 6-15-2", "Дримкас")),
    (92804403, 8, m("ФН-1.1 Ав15-2", "Концерн Автоматика")),
    (92524403, 8, m("ФН-1.1 Ав36-2", "Концерн Автоматика")),
    (99604403, 8, m("ФН-1.1М Ин15-1М", "Инвента")),
    (99614403, 8, m("ФН-1.1М Ин36-1М", "Инвента")),
    (72814405, 8, UNCONFIRMED),
    (72814407, 8, UNCONFIRMED),
    (72844405, 8, UNCONFIRMED),
    (73804407, 8, UNCONFIRMED),
    (73804408, 8, UNCONFIRMED),
    (73804409, 8, UNCONFIRMED),
    (73814408, 8, UNCONFIRMED),
    (73844408, 8, UNCONFIRMED),
    (99604405, 8, UNCONFIRMED),
    (
        99990789,
        8,
        FnModel {
            name: "массо-габаритная модель",
            maker: "",
            is_dummy: true,
        },
    ),
];

const UNCONFIRMED: FnModel = FnModel {
    name: "ФН (seen on real receipts, model unconfirmed)",
    maker: "",
    is_dummy: false,
};

const fn m(name: &'static str, maker: &'static str) -> FnModel {
    FnModel {
        name,
        maker,
        is_dummy: false,
    }
}

impl FnNumber {
    /// The number of digits in every ФН serial.
    pub const DIGITS: usize = 16;

    /// Builds from a number; `None` if it has more than 16 digits.
    ///
    /// ```
    /// # use chek_core::fiscal::FnNumber;
    /// assert!(FnNumber::new(9_282_440_300_688_488).is_some());
    /// assert!(FnNumber::new(10_000_000_000_000_000).is_none());
    /// ```
    pub const fn new(n: u64) -> Option<Self> {
        if n < 10_000_000_000_000_000 {
            Some(FnNumber(n))
        } else {
            None
        }
    }

    /// The numeric value.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// Parses exactly 16 ASCII digits.
    pub(crate) fn parse_digits(s: &[u8]) -> Option<Self> {
        if s.len() != Self::DIGITS {
            return None;
        }
        let mut n = 0u64;
        for &b in s {
            if !b.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u64::from(b - b'0');
        }
        Some(FnNumber(n))
    }

    /// The drive model its prefix identifies, if the prefix is known.
    pub fn model(self) -> Option<FnModel> {
        MODELS.iter().find_map(|&(prefix, len, model)| {
            let div = 10u64.pow(16 - len);
            (self.0 / div == prefix).then_some(model)
        })
    }
}

impl fmt::Display for FnNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016}", self.0)
    }
}

/// The error of parsing a [`FnNumber`]: not exactly 16 digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a ФН number is exactly 16 digits")]
pub struct BadFnNumber;

impl FromStr for FnNumber {
    type Err = BadFnNumber;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FnNumber::parse_digits(s.trim().as_bytes()).ok_or(BadFnNumber)
    }
}

impl Serialize for FnNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FnNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
