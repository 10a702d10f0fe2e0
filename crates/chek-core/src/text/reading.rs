//! The result of reading a receipt text or a manual entry.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{FieldProblem, Found, TextError, TextField};
use crate::fiscal::{Candidate, Channel, FiscalQr, FnNumber, Item, Operation};

/// An item line: name, quantity × price = sum.
///
/// ```
/// use chek_core::text::parse_receipt_text;
/// let r = parse_receipt_text("1 Хлеб 45.50*2шт. =91.00");
/// let it = &r.items[0];
/// assert_eq!((it.name.as_str(), it.quantity, it.price_kopecks, it.sum_kopecks), ("Хлеб", 2.0, 4550, 9100));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextItem {
    /// The name as printed (OCR damage and all).
    pub name: String,
    /// Quantity (pieces or kilograms).
    pub quantity: f64,
    /// Price per unit, kopecks.
    pub price_kopecks: i64,
    /// Sum, kopecks.
    pub sum_kopecks: i64,
    /// The 0-based line of the numbers.
    pub line: usize,
}

impl TextItem {
    /// As a receipt [`Item`] (tags the text does not carry are left empty).
    pub fn to_item(&self) -> Item {
        Item {
            name: self.name.clone(),
            price_kopecks: self.price_kopecks,
            quantity: self.quantity,
            sum_kopecks: self.sum_kopecks,
            vat_rate: None,
            payment_type: None,
            product_type: None,
            gtin: None,
        }
    }
}

/// Every field found in a receipt text or a manual entry, each with where it came from and how
/// sure the reading is, plus the item lines and the fields that need attention.
///
/// ```
/// use chek_core::text::{parse_receipt_text, TextField};
/// use chek_core::fiscal::Channel;
/// let r = parse_receipt_text("ИТОГ =460.00\nФН 7380440700076549\nФД 41110\nФП 2026476352\nПРИХОД 19.07.24 13:14");
/// assert!(r.missing().is_empty());
/// let c = r.to_candidate()?;
/// assert_eq!(c.channel, Channel::Ocr);
/// assert_eq!(c.qr.to_string(), "t=20240719T1314&s=460.00&fn=7380440700076549&i=41110&fp=2026476352&n=1");
/// # Ok::<(), chek_core::text::TextError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextReading {
    /// `ocr` for [`parse_receipt_text`](super::parse_receipt_text), `manual` for
    /// [`parse_manual_entry`](super::parse_manual_entry).
    pub channel: Channel,
    /// Date and time.
    pub datetime: Option<Found<NaiveDateTime>>,
    /// ИТОГ in kopecks.
    pub total_kopecks: Option<Found<i64>>,
    /// ФН.
    #[serde(rename = "fn")]
    pub fn_number: Option<Found<FnNumber>>,
    /// ФД.
    pub fd: Option<Found<u32>>,
    /// ФП / ФПД.
    pub fp: Option<Found<u32>>,
    /// ПРИХОД, ВОЗВРАТ ПРИХОДА…
    pub operation: Option<Found<Operation>>,
    /// Seller's ИНН (check digits valid).
    pub inn: Option<Found<String>>,
    /// РН ККТ.
    pub rnm: Option<Found<String>>,
    /// ЗН ККТ.
    pub zn: Option<Found<String>>,
    /// Смена №.
    pub shift: Option<Found<u32>>,
    /// Чек №.
    pub receipt_number: Option<Found<u32>>,
    /// Item lines.
    #[serde(default)]
    pub items: Vec<TextItem>,
    /// Fields whose label was found but whose value could not be read safely.
    #[serde(default)]
    pub unreadable: Vec<TextField>,
    /// Set when the input was refused whole (empty or too long).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<Refusal>,
}

/// Why a whole input was not read.
///
/// ```
/// use chek_core::text::{parse_receipt_text, Refusal, MAX_TEXT_BYTES};
/// assert_eq!(parse_receipt_text("  ").refused, Some(Refusal::Empty));
/// let long = "x".repeat(MAX_TEXT_BYTES + 1);
/// assert_eq!(parse_receipt_text(&long).refused, Some(Refusal::TooLong { len: MAX_TEXT_BYTES + 1 }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Refusal {
    /// Nothing but whitespace.
    Empty,
    /// Longer than the parser's bound.
    TooLong {
        /// The length in bytes.
        len: usize,
    },
}

impl TextReading {
    pub(crate) fn empty(channel: Channel) -> Self {
        TextReading {
            channel,
            datetime: None,
            total_kopecks: None,
            fn_number: None,
            fd: None,
            fp: None,
            operation: None,
            inn: None,
            rnm: None,
            zn: None,
            shift: None,
            receipt_number: None,
            items: Vec::new(),
            unreadable: Vec::new(),
            refused: None,
        }
    }

    /// Whether `field` was read, and with which confidence.
    ///
    /// ```
    /// use chek_core::text::{parse_receipt_text, TextField};
    /// let r = parse_receipt_text("ФД 411l0");
    /// assert_eq!(r.confidence(TextField::Fd), Some(0.9)); // a letter read as a digit
    /// assert_eq!(r.confidence(TextField::Fp), None);
    /// ```
    pub fn confidence(&self, field: TextField) -> Option<f32> {
        fn c<T>(f: &Option<Found<T>>) -> Option<f32> {
            f.as_ref().map(|x| x.confidence)
        }
        match field {
            TextField::DateTime => c(&self.datetime),
            TextField::Total => c(&self.total_kopecks),
            TextField::Fn => c(&self.fn_number),
            TextField::Fd => c(&self.fd),
            TextField::Fp => c(&self.fp),
            TextField::Operation => c(&self.operation),
            TextField::Inn => c(&self.inn),
            TextField::Rnm => c(&self.rnm),
            TextField::Zn => c(&self.zn),
            TextField::Shift => c(&self.shift),
            TextField::ReceiptNumber => c(&self.receipt_number),
        }
    }

    /// The QR fields not read, in [`TextField::REQUIRED`] order.
    ///
    /// ```
    /// use chek_core::text::{parse_receipt_text, TextField};
    /// let r = parse_receipt_text("ФН 7380440700076549\nФД 41110\nПРИХОД 19.07.24 13:14");
    /// assert_eq!(r.missing(), vec![TextField::Total, TextField::Fp]);
    /// ```
    pub fn missing(&self) -> Vec<TextField> {
        TextField::REQUIRED
            .into_iter()
            .filter(|&f| self.confidence(f).is_none())
            .collect()
    }

    /// Every field that needs attention: missing or unreadable QR fields, unreadable printed
    /// fields, doubtful readings. Each has a code and a ru/en hint.
    ///
    /// ```
    /// use chek_core::text::{parse_manual_entry, FieldProblem, TextField};
    /// let r = parse_manual_entry("9289000100123456 12345 1234567890 15.03.21 12:34");
    /// assert_eq!(r.problems(), vec![FieldProblem::Missing(TextField::Total)]);
    /// ```
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        for f in TextField::ALL {
            match self.confidence(f) {
                None if self.unreadable.contains(&f) => out.push(FieldProblem::Unreadable(f)),
                None if TextField::REQUIRED.contains(&f) => out.push(FieldProblem::Missing(f)),
                Some(c) if c < Found::<()>::DOUBTFUL => out.push(FieldProblem::Doubtful(f)),
                _ => {}
            }
        }
        out
    }

    /// The six QR fields as a [`FiscalQr`], or the error listing what is missing.
    ///
    /// ```
    /// use chek_core::text::{parse_manual_entry, TextError};
    /// let r = parse_manual_entry("фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34 1500,00");
    /// assert_eq!(r.to_qr()?.total_kopecks, 150_000);
    /// assert_eq!(parse_manual_entry("").to_qr(), Err(TextError::Empty));
    /// # Ok::<(), TextError>(())
    /// ```
    pub fn to_qr(&self) -> Result<FiscalQr, TextError> {
        match self.refused {
            Some(Refusal::Empty) => return Err(TextError::Empty),
            Some(Refusal::TooLong { len }) => return Err(TextError::TooLong { len }),
            None => {}
        }
        match (
            &self.datetime,
            &self.total_kopecks,
            &self.fn_number,
            &self.fd,
            &self.fp,
            &self.operation,
        ) {
            (Some(t), Some(s), Some(f), Some(i), Some(fp), Some(n)) => Ok(FiscalQr {
                datetime: t.value,
                total_kopecks: s.value,
                fn_number: f.value,
                fd: i.value,
                fp: fp.value,
                operation: n.value,
                extra: Vec::new(),
            }),
            _ => Err(TextError::Incomplete {
                missing: self.missing(),
            }),
        }
    }

    /// The same candidate the QR path produces, with this reading's channel.
    ///
    /// ```
    /// use chek_core::fiscal::Channel;
    /// use chek_core::text::parse_manual_entry;
    /// let c = parse_manual_entry("фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34 1500,00").to_candidate()?;
    /// assert_eq!(c.channel, Channel::Manual);
    /// # Ok::<(), chek_core::text::TextError>(())
    /// ```
    pub fn to_candidate(&self) -> Result<Candidate, TextError> {
        self.to_qr().map(|qr| Candidate::new(qr, self.channel))
    }
}
