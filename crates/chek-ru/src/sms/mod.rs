//! SMS length, segments and cost, counted the way gateways count them.
//!
//! One message is either GSM-7 (160 septets alone, 153 per segment when concatenated) or, as soon
//! as one character falls outside the GSM-7 tables, UCS-2 (70 units alone, 67 per segment). Every
//! Cyrillic letter, `«»`, `—`, `№`, `₽` and emoji forces UCS-2. Characters outside the BMP take two
//! UTF-16 units, GSM-7 extension characters (`€`, `[`, `]`, `{`, `}`, `\`, `^`, `~`, `|`, form feed)
//! take two septets, and neither pair is ever split across segments, so a segment may end one unit
//! short. `../shared/docs/engagement.md` §4c lists the open-source counters that get this wrong.
//!
//! ```
//! use chek_ru::sms::{measure, SmsEncoding};
//! let m = measure("Карта 1234 активирована. Спасибо!");
//! assert_eq!(m.encoding, SmsEncoding::Ucs2);
//! assert_eq!((m.units, m.segments), (33, 1));
//! assert!(m.fits_one());
//!
//! let m = measure("Card 1234 is active. Thank you!");
//! assert_eq!((m.encoding, m.units, m.segments), (SmsEncoding::Gsm7, 31, 1));
//! assert_eq!(m.cost_kopecks(250), 250);
//! ```

mod encoding;
mod length;

pub use encoding::{SmsEncoding, gsm7_septets};
pub use length::{SmsLength, measure, split};
