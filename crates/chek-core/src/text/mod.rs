//! Receipts from printed text: what OCR reads off a receipt whose QR is gone, and what a shopper
//! types by hand. Both end as the same [`Candidate`](crate::fiscal::Candidate) the QR path
//! produces, with the channel recorded, and both say precisely which fields are missing.
//!
//! Pure: an OCR adapter (on-device ML Kit / Apple Vision, or Tesseract on a server) only feeds
//! [`parse_receipt_text`] the text it read.
//!
//! ```
//! use chek_core::text::{parse_receipt_text, parse_manual_entry};
//! use chek_core::fiscal::Channel;
//!
//! let ocr = parse_receipt_text("ИТОГ =1500.00\nФН 9289000100123456\nФД 12345\nФПД 1234567890\nПРИХОД 15.03.21 12:34");
//! let typed = parse_manual_entry("фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34 1500,00");
//! let (a, b) = (ocr.to_candidate()?, typed.to_candidate()?);
//! assert_eq!(a.identity(), b.identity());
//! assert_eq!((a.channel, b.channel), (Channel::Ocr, Channel::Manual));
//! # Ok::<(), chek_core::text::TextError>(())
//! ```

mod chars;
mod check_digits;
mod datetime;
mod field;
mod items;
mod labels;
mod manual;
mod numbers;
mod problem;
mod reading;
mod receipt_text;

pub use field::{Found, Repair, TextField};
pub use manual::{MAX_MANUAL_BYTES, parse_manual_entry};
pub use problem::{FieldProblem, TextError};
pub use reading::{Refusal, TextItem, TextReading};
pub use receipt_text::{MAX_TEXT_BYTES, parse_receipt_text};
