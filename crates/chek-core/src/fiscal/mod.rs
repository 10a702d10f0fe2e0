//! Russian fiscal receipts: the ФНС QR string, the receipt model, and offline validation.
//!
//! Facts and sources are in the shared `fiscal.md`; the short version: the QR carries six fields
//! (`t`, `s`, `fn`, `i`, `fp`, `n`), `t` is the cash register's local time, `s` is roubles, and
//! the fiscal sign cannot be checked offline — only ФНС can say a receipt is genuine.

mod candidate;
mod finding;
mod fn_number;
mod fns_json;
mod identity;
mod inn;
mod money;
mod operation;
mod qr;
mod qr_error;
mod receipt;
mod rnm;
mod validate;

pub use candidate::{Candidate, Channel};
pub use finding::{Finding, FindingCode, Severity};
pub use fn_number::{FnModel, FnNumber};
pub use identity::ReceiptId;
pub use inn::{inn_is_valid, normalize_inn};
pub use money::{format_roubles, parse_roubles};
pub use operation::Operation;
pub use qr::FiscalQr;
pub use qr_error::{QrError, QrField};
pub use receipt::{Item, Payments, Receipt, ReceiptError};
pub(crate) use rnm::crc16_ccitt_false;
pub use rnm::{RnmCheck, rnm_check_digits, rnm_is_valid};
pub use validate::{
    ValidationOptions, has_errors, receipt_matches_qr, validate_qr, validate_receipt,
};
