//! The problem segments a verification outcome puts a receipt in.

use serde::{Serialize, Serializer};

use crate::campaign::Segment;

/// A problem segment of verification: a group of shoppers an operator or bot handles at once.
///
/// `NotFoundInFns` is the campaign's own [`Segment::NotFoundInFns`] (same id and names); the
/// other two exist only here.
///
/// ```
/// use chek_core::verify::VerifySegment;
/// use chek_core::campaign::Segment;
/// assert_eq!(VerifySegment::NotFoundInFns.id(), Segment::NotFoundInFns.id());
/// assert_eq!(VerifySegment::AwaitingOperator.id(), "awaiting_operator");
/// assert_eq!(VerifySegment::Invalid.campaign_segment(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum VerifySegment {
    /// «Не найден в ФНС»: ФНС does not know the receipt yet; re-checked later.
    NotFoundInFns,
    /// «Недействительный чек»: ФНС rejected the fiscal data, or they differ from the QR.
    Invalid,
    /// «Ждёт оператора»: the re-checks are spent or the receipt can never be fetched.
    AwaitingOperator,
}

impl VerifySegment {
    /// Stable machine id.
    pub const fn id(self) -> &'static str {
        match self {
            VerifySegment::NotFoundInFns => Segment::NotFoundInFns.id(),
            VerifySegment::Invalid => "invalid",
            VerifySegment::AwaitingOperator => "awaiting_operator",
        }
    }

    /// The Russian name operators know.
    pub const fn name_ru(self) -> &'static str {
        match self {
            VerifySegment::NotFoundInFns => Segment::NotFoundInFns.name_ru(),
            VerifySegment::Invalid => "Недействительный чек",
            VerifySegment::AwaitingOperator => "Ждёт оператора",
        }
    }

    /// An English name.
    pub const fn name_en(self) -> &'static str {
        match self {
            VerifySegment::NotFoundInFns => Segment::NotFoundInFns.name_en(),
            VerifySegment::Invalid => "Invalid",
            VerifySegment::AwaitingOperator => "Awaiting an operator",
        }
    }

    /// The campaign segment with the same meaning, when there is one.
    pub const fn campaign_segment(self) -> Option<Segment> {
        match self {
            VerifySegment::NotFoundInFns => Some(Segment::NotFoundInFns),
            VerifySegment::Invalid | VerifySegment::AwaitingOperator => None,
        }
    }
}

impl Serialize for VerifySegment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}
