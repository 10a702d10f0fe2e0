//! # chek-ru
//!
//! Russian grammar and calendar for messages that leave chek: CLDR plural categories (with
//! fractions), numbers in words with grammatical gender, money for SMS and for speech, dates in
//! the genitive, names, phone and order numbers read aloud, the production calendar, and the
//! Russian time zones.
//!
//! Everything here is pure and total: any input gives an answer or `None`, never a panic.
//!
//! ```
//! use chek_ru::{money, plural::PluralCategory};
//! assert_eq!(PluralCategory::of_decimal("1,5"), Some(PluralCategory::Other));
//! assert_eq!(money::amount_words(150_000), "1\u{A0}500 рублей");
//! assert_eq!(money::amount_spoken(150_000), "тысяча пятьсот рублей");
//! assert_eq!(money::amount_sms(150_000), "1\u{202F}500\u{A0}₽");
//! ```

#![forbid(unsafe_code)]

pub mod calendar;
pub mod date;
pub mod money;
pub mod name;
pub mod phone;
pub mod plural;
pub mod sms;
pub mod spoken;
pub mod translit;
pub mod words;
pub mod zone;
