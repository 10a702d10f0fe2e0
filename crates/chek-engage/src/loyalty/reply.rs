//! Reply SMS texts: one template per outcome code and language, with placeholders, measured
//! with [`chek_ru::sms`] so that every reply says its length and segments.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Outcome, Programme, ProgrammeError};
use chek_core::{Coded, Lang};
use chek_ru::sms::{SmsEncoding, SmsLength, measure};

/// Placeholders a template may use.
pub const PLACEHOLDERS: [&str; 5] = ["card", "card_last4", "phone", "phone_last4", "programme"];

/// Longest template, in characters.
pub const MAX_TEMPLATE_CHARS: usize = 480;

/// Every outcome code a reply exists for.
pub const REPLY_CODES: [&str; 18] = [
    "loyalty.activated",
    "loyalty.already_active",
    "loyalty.profile_completed",
    "loyalty.pending",
    "loyalty.confirmed",
    "loyalty.rejected",
    "loyalty.blocked",
    "loyalty.no_card",
    "loyalty.bad_check_digit",
    "loyalty.several_cards",
    "loyalty.unknown_card",
    "loyalty.phone_bound",
    "loyalty.card_bound",
    "loyalty.card_blocked",
    "loyalty.awaiting_confirmation",
    "loyalty.bad_phone",
    "loyalty.too_long",
    "loyalty.not_pending",
];

/// The default reply for an outcome code, or `None` for an unknown code. The Russian ones fit
/// one UCS-2 SMS (70 units) with any card number up to 24 digits.
///
/// ```
/// use chek_engage::loyalty::default_template;
/// use chek_core::Lang;
/// assert_eq!(default_template("loyalty.no_card", Lang::En), Some("No card number found. Send the card number in digits."));
/// ```
pub fn default_template(code: &str, lang: Lang) -> Option<&'static str> {
    let (ru, en) = match code {
        "loyalty.activated" => (
            "Карта *{card_last4} активирована и привязана к номеру. Спасибо!",
            "Card *{card_last4} is active and bound to your number. Thank you!",
        ),
        "loyalty.already_active" => (
            "Карта *{card_last4} уже активирована на ваш номер.",
            "Card *{card_last4} is already active on your number.",
        ),
        "loyalty.profile_completed" => (
            "Карта *{card_last4}: данные анкеты сохранены. Спасибо!",
            "Card *{card_last4}: your details are saved. Thank you!",
        ),
        "loyalty.pending" => (
            "Карта *{card_last4} заработает после проверки оператором.",
            "Card *{card_last4} will work once an operator confirms it.",
        ),
        "loyalty.confirmed" => (
            "Карта *{card_last4} активирована. Спасибо!",
            "Card *{card_last4} is now active. Thank you!",
        ),
        "loyalty.rejected" => (
            "Активация карты *{card_last4} отклонена. Обратитесь в поддержку.",
            "Activation of card *{card_last4} was rejected. Please contact support.",
        ),
        "loyalty.blocked" => (
            "Карта *{card_last4} заблокирована.",
            "Card *{card_last4} is blocked.",
        ),
        "loyalty.no_card" => (
            "Не нашли номер карты. Пришлите номер цифрами, как на карте.",
            "No card number found. Send the card number in digits.",
        ),
        "loyalty.bad_check_digit" => (
            "В номере карты опечатка. Проверьте цифры и пришлите снова.",
            "The card number has a typo. Check the digits and send it again.",
        ),
        "loyalty.several_cards" => (
            "В сообщении несколько номеров. Пришлите один номер карты.",
            "Several card numbers found. Send one card number.",
        ),
        "loyalty.unknown_card" => (
            "Карта с таким номером не найдена. Проверьте номер на карте.",
            "No card with this number. Check the number on the card.",
        ),
        "loyalty.phone_bound" => (
            "Ваш номер уже привязан к другой карте. Обратитесь в поддержку.",
            "Your number is already bound to another card. Please contact support.",
        ),
        "loyalty.card_bound" => (
            "Карта *{card_last4} привязана к другому номеру. Звоните в поддержку.",
            "Card *{card_last4} is bound to another number. Please contact support.",
        ),
        "loyalty.card_blocked" => (
            "Карта *{card_last4} заблокирована. Обратитесь в поддержку.",
            "Card *{card_last4} is blocked. Please contact support.",
        ),
        "loyalty.awaiting_confirmation" => (
            "Карта *{card_last4} ждёт подтверждения оператора.",
            "Card *{card_last4} is waiting for an operator to confirm it.",
        ),
        "loyalty.bad_phone" => (
            "Не удалось распознать номер телефона.",
            "The phone number could not be recognised.",
        ),
        "loyalty.too_long" => (
            "Сообщение слишком длинное. Пришлите только номер карты.",
            "The message is too long. Send only the card number.",
        ),
        "loyalty.not_pending" => (
            "Карта *{card_last4} не ждёт подтверждения.",
            "Card *{card_last4} is not waiting for confirmation.",
        ),
        _ => return None,
    };
    Some(match lang {
        Lang::Ru => ru,
        Lang::En => en,
    })
}

/// Templates overriding the defaults: outcome code → text, per language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    /// Russian.
    #[serde(default)]
    pub ru: BTreeMap<String, String>,
    /// English.
    #[serde(default)]
    pub en: BTreeMap<String, String>,
}

/// Values the placeholders are filled with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplyValues<'a> {
    /// `{card}` and `{card_last4}`.
    pub card: &'a str,
    /// `{phone}` and `{phone_last4}`.
    pub phone: &'a str,
    /// `{programme}`.
    pub programme: &'a str,
}

fn last4(s: &str) -> &str {
    let n = s.chars().count();
    s.char_indices()
        .nth(n.saturating_sub(4))
        .map_or("", |(i, _)| &s[i..])
}

/// Fills `{name}` placeholders; anything else between braces is left as it is.
fn fill(template: &str, v: &ReplyValues<'_>) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err("a '{' is never closed".into());
        };
        let value = match &after[..close] {
            "card" => v.card,
            "card_last4" => last4(v.card),
            "phone" => v.phone,
            "phone_last4" => last4(v.phone),
            "programme" => v.programme,
            other => {
                return Err(format!(
                    "unknown placeholder {{{}}}; use one of {}",
                    other.chars().take(32).collect::<String>(),
                    PLACEHOLDERS.join(", ")
                ));
            }
        };
        out.push_str(value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

impl Templates {
    fn map(&self, lang: Lang) -> &BTreeMap<String, String> {
        match lang {
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        }
    }

    /// The template for a code: the programme's own, else the default.
    pub fn get(&self, code: &str, lang: Lang) -> Option<&str> {
        self.map(lang)
            .get(code)
            .map(String::as_str)
            .or_else(|| default_template(code, lang))
    }

    /// Refuses templates for unknown codes, with unknown placeholders, or too long.
    pub fn check(&self) -> Result<(), ProgrammeError> {
        for lang in [Lang::Ru, Lang::En] {
            for (code, t) in self.map(lang) {
                let bad = |problem: String| ProgrammeError::BadTemplate {
                    code: code.chars().take(64).collect(),
                    lang,
                    problem,
                };
                if !REPLY_CODES.contains(&code.as_str()) {
                    return Err(bad("no outcome has this code".into()));
                }
                if t.chars().count() > MAX_TEMPLATE_CHARS {
                    return Err(bad(format!("longer than {MAX_TEMPLATE_CHARS} characters")));
                }
                fill(t, &ReplyValues::default()).map_err(bad)?;
            }
        }
        Ok(())
    }
}

/// A rendered reply SMS with its measured length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reply {
    /// The outcome code it answers.
    pub code: &'static str,
    /// Language.
    pub lang: Lang,
    /// The text to send.
    pub text: String,
    /// Encoding, units and segments ([`chek_ru::sms::measure`]).
    pub sms: SmsLength,
    /// Whether it goes out as one SMS.
    pub fits_one: bool,
}

/// How a template fares at its longest: placeholders filled with the longest values the
/// programme allows (full card number, full phone, programme name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateCheck {
    /// Outcome code.
    pub code: &'static str,
    /// Language.
    pub lang: Lang,
    /// Length at its longest.
    pub worst: SmsLength,
    /// Whether the longest rendering fits one SMS, and if it is UCS-2, 70 units.
    pub fits_one: bool,
}

impl Programme {
    /// The reply to an outcome, from the programme's template or the default.
    ///
    /// ```
    /// use chek_engage::loyalty::{Programme, Refusal, Outcome};
    /// use chek_core::Lang;
    /// let p = Programme::example();
    /// let r = p.reply(&Outcome::Refused(Refusal::NoCardNumber), Lang::Ru);
    /// assert!(r.fits_one);
    /// assert_eq!(r.sms.encoding.as_str(), "ucs2");
    /// assert!(r.sms.units <= 70);
    /// ```
    pub fn reply(&self, outcome: &Outcome, lang: Lang) -> Reply {
        let code = outcome.code();
        let values = ReplyValues {
            card: outcome.card().map_or("", |c| c.as_str()),
            phone: outcome.phone().map_or("", |p| p.as_str()),
            programme: &self.name,
        };
        // Templates were checked at load; a code without one (added later) falls back to the hint.
        let text = self
            .templates
            .get(code, lang)
            .and_then(|t| fill(t, &values).ok())
            .unwrap_or_else(|| outcome.hint(lang).into_owned());
        let sms = measure(&text);
        Reply {
            code,
            lang,
            text,
            fits_one: sms.fits_one(),
            sms,
        }
    }

    /// Every reply template measured at its longest, so an operator sees which ones cost more
    /// than one SMS before any client gets one.
    ///
    /// ```
    /// let checks = chek_engage::loyalty::Programme::example().check_replies();
    /// assert!(checks.iter().all(|c| c.fits_one));
    /// ```
    pub fn check_replies(&self) -> Vec<TemplateCheck> {
        let card = "9".repeat(self.max_card_len());
        let values = ReplyValues {
            card: &card,
            phone: "+999999999999999",
            programme: &self.name,
        };
        let mut out = Vec::new();
        for lang in [Lang::Ru, Lang::En] {
            for code in REPLY_CODES {
                let text = self
                    .templates
                    .get(code, lang)
                    .and_then(|t| fill(t, &values).ok())
                    .unwrap_or_default();
                let worst = measure(&text);
                let fits_one =
                    worst.fits_one() && (worst.encoding == SmsEncoding::Gsm7 || worst.units <= 70);
                out.push(TemplateCheck {
                    code,
                    lang,
                    worst,
                    fits_one,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_defaults_in_both_languages() {
        for code in REPLY_CODES {
            assert!(default_template(code, Lang::Ru).is_some(), "{code}");
            assert!(default_template(code, Lang::En).is_some(), "{code}");
        }
    }

    #[test]
    fn defaults_fit_one_sms_at_their_longest() {
        let mut p = Programme::example();
        p.formats[0].length = 24;
        for c in p.check_replies() {
            assert!(c.fits_one, "{} {:?}: {:?}", c.code, c.lang, c.worst);
            if c.lang == Lang::Ru {
                assert_eq!(c.worst.encoding, SmsEncoding::Ucs2);
                assert!(c.worst.units <= 70, "{}: {}", c.code, c.worst.units);
            }
        }
    }

    #[test]
    fn fill_placeholders() {
        let v = ReplyValues {
            card: "4600682000013",
            phone: "+79161234567",
            programme: "Клуб",
        };
        assert_eq!(
            fill(
                "{programme}: *{card_last4} {card} {phone_last4} {phone}",
                &v
            ),
            Ok("Клуб: *0013 4600682000013 4567 +79161234567".into())
        );
        assert!(fill("{nope}", &v).is_err());
        assert!(fill("{card", &v).is_err());
        assert_eq!(fill("", &v), Ok(String::new()));
    }

    #[test]
    fn bad_templates_are_refused() {
        let mut t = Templates::default();
        t.ru.insert("loyalty.activated".into(), "{name}".into());
        assert_eq!(t.check().map_err(|e| e.code()), Err("loyalty.bad_template"));
        let mut t = Templates::default();
        t.en.insert("loyalty.nope".into(), "x".into());
        assert!(t.check().is_err());
        let mut t = Templates::default();
        t.en.insert(
            "loyalty.activated".into(),
            "x".repeat(MAX_TEMPLATE_CHARS + 1),
        );
        assert!(t.check().is_err());
    }

    #[test]
    fn a_long_template_is_reported() {
        let mut p = Programme::example();
        p.templates.ru.insert(
            "loyalty.activated".into(),
            "Поздравляем! Ваша карта {card} успешно активирована и привязана к номеру {phone}."
                .into(),
        );
        let checks = p.check_replies();
        let c = checks
            .iter()
            .find(|c| c.code == "loyalty.activated" && c.lang == Lang::Ru)
            .unwrap_or_else(|| panic!("no check"));
        assert!(!c.fits_one);
        assert_eq!(c.worst.segments, 2);
    }
}
