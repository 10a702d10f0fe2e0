//! Phone numbers in E.164, as SMS gateways, forms and cashiers write them.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Refusal;

/// A phone number in E.164 (`+79161234567`).
///
/// Russian numbers are accepted as `+7`, `7` or `8` followed by ten digits, or as ten digits
/// starting with 9 (a mobile number without the trunk prefix); spaces, brackets, dots and
/// dashes are ignored. Other countries must be written with `+` and 8–15 digits.
///
/// ```
/// use chek_engage::loyalty::Phone;
/// for raw in ["+7 (916) 123-45-67", "8 916 123 45 67", "79161234567", "916-123-45-67"] {
///     assert_eq!(Phone::parse(raw).unwrap().as_str(), "+79161234567");
/// }
/// assert!(Phone::parse("12345").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Normalises a phone number to E.164 with the one normaliser of every flow,
    /// [`chek_ru::phone::normalise`]; [`Refusal::BadPhone`] when it is not one.
    pub fn parse(raw: &str) -> Result<Phone, Refusal> {
        chek_ru::phone::normalise(raw)
            .map(Phone)
            .map_err(|_| Refusal::BadPhone {
                input: raw.chars().take(32).collect(),
            })
    }

    /// The E.164 form, `+` and digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last four digits, for replies that must not repeat the whole number.
    pub fn last4(&self) -> &str {
        &self.0[self.0.len().saturating_sub(4)..]
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Phone {
    type Err = Refusal;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Phone::parse(s)
    }
}

impl TryFrom<String> for Phone {
    type Error = Refusal;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Phone::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_forms() {
        for raw in [
            "+79161234567",
            "+7 916 123-45-67",
            "+7(916)1234567",
            "8(916)123-45-67",
            "8 916 123 45 67",
            "7 916 123 45 67",
            "9161234567",
            "+8 916 123 45 67",
            " 8-916-123-45-67 ",
            "8.916.123.45.67",
            "+7\u{a0}916\u{a0}123\u{a0}45\u{a0}67",
        ] {
            assert_eq!(
                Phone::parse(raw).map(|p| p.0),
                Ok("+79161234567".into()),
                "{raw}"
            );
        }
    }

    #[test]
    fn landline_and_foreign() {
        assert_eq!(
            Phone::parse("8 (495) 123-45-67").map(|p| p.0),
            Ok("+74951234567".into())
        );
        assert_eq!(
            Phone::parse("+375 29 123 45 67").map(|p| p.0),
            Ok("+375291234567".into())
        );
    }

    #[test]
    fn refused() {
        for raw in [
            "",
            "+",
            "12345",
            "4951234567",
            "+7 (916) 123-45-6",
            "89161234567890",
            "+7916123456",
            "8916abc4567",
            "+0123456789",
            "８９１６１２３４５６７",
            "+79161234567 ext 5",
        ] {
            assert!(
                matches!(Phone::parse(raw), Err(Refusal::BadPhone { .. })),
                "{raw}"
            );
        }
        assert!(Phone::parse(&"9".repeat(10_000)).is_err());
    }

    #[test]
    fn serde_normalises_and_refuses() {
        let p: Phone =
            serde_json::from_str("\"8 916 123 45 67\"").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.as_str(), "+79161234567");
        assert_eq!(p.last4(), "4567");
        assert!(serde_json::from_str::<Phone>("\"x\"").is_err());
    }
}
