//! Money as marketers write it in a campaign file: `"500"`, `"499.90"` or a number of roubles.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::fiscal::{format_roubles, parse_roubles};

/// An amount in roubles in a campaign file, held as kopecks. Written as a string (`"499.90"`)
/// or a whole number of roubles (`500`); printed back as a string.
///
/// ```
/// use chek_core::campaign::Roubles;
/// let r: Roubles = serde_json::from_str("\"499.90\"").unwrap();
/// assert_eq!(r.kopecks(), 49_990);
/// let r: Roubles = serde_json::from_str("500").unwrap();
/// assert_eq!(r.kopecks(), 50_000);
/// assert_eq!(serde_json::to_string(&r).unwrap(), "\"500.00\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Roubles(i64);

impl Roubles {
    /// An amount of kopecks.
    pub const fn from_kopecks(k: i64) -> Self {
        Roubles(k)
    }
    /// The amount in kopecks.
    pub const fn kopecks(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Roubles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ₽", format_roubles(self.0))
    }
}

impl Serialize for Roubles {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_roubles(self.0))
    }
}

impl<'de> Deserialize<'de> for Roubles {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Str(String),
        }
        match Raw::deserialize(d)? {
            Raw::Int(n) if (0..=1_000_000_000).contains(&n) => Ok(Roubles(n * 100)),
            Raw::Int(n) => Err(serde::de::Error::custom(format!(
                "{n} roubles is out of range 0..1000000000"
            ))),
            Raw::Str(s) => parse_roubles(&s).map(Roubles).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "{s:?} is not an amount in roubles like \"499.90\""
                ))
            }),
        }
    }
}

impl JsonSchema for Roubles {
    fn schema_name() -> Cow<'static, str> {
        "Roubles".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An amount in roubles: a string with up to two decimals (\"499.90\") or a whole number.",
            "anyOf": [
                {"type": "string", "pattern": "^[0-9]{1,10}([.,][0-9]{1,2})?$"},
                {"type": "integer", "minimum": 0, "maximum": 1000000000}
            ]
        })
    }
}
