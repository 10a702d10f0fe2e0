//! # chek-core
//!
//! The pure domain of chek: everything that can be decided from data alone, with no images,
//! HTTP, databases or clocks. Adapters (`chek-scan`, `chek-verify`, `chek-store`) depend on this
//! crate, never the reverse. Time is always passed in (`now: NaiveDateTime`), money is always
//! integer kopecks.
//!
//! ```
//! use chek_core::fiscal::FiscalQr;
//! use chek_core::Lang;
//!
//! let qr: FiscalQr = "t=20240917T1801&s=1285.21&fn=7281440500751551&i=30526&fp=1168453787&n=1".parse()?;
//! assert_eq!(qr.total_kopecks, 128_521);
//! assert_eq!(qr.fd, 30526);
//!
//! let err = "hello".parse::<FiscalQr>().unwrap_err();
//! use chek_core::Coded;
//! assert_eq!(err.code(), "qr.not_fiscal");
//! assert!(err.hint(Lang::En).contains("QR"));
//! # Ok::<(), chek_core::fiscal::QrError>(())
//! ```
#![forbid(unsafe_code)]

pub mod campaign;
pub mod draw;
pub mod fiscal;
mod hint;
mod lang;
pub mod secret;
pub mod text;
pub mod verify;

pub use hint::{Coded, Hint};
pub use lang::Lang;
