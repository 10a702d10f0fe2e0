//! The first stage: whatever arrived, read it into a [`Candidate`], or say why not.

use super::{Input, OutcomeReason, ReasonKind};
use crate::Lang;
use crate::fiscal::{Candidate, Channel, FiscalQr};
use crate::scan::{ScanOptions, scan};
use crate::text::{parse_manual_entry, parse_receipt_text};

/// Reads the input into a candidate receipt; the reasons say why it could not.
pub(super) fn read(
    input: &Input,
    scan_opts: &ScanOptions,
    lang: Lang,
) -> Result<Candidate, Vec<OutcomeReason>> {
    let fail = |c: &dyn crate::Coded| vec![OutcomeReason::of(c, ReasonKind::Reject, lang)];
    match input {
        Input::Photo(bytes) => match scan(bytes, scan_opts) {
            Err(e) => Err(fail(&e)),
            Ok(out) => match out.fiscal {
                Some(qr) => Ok(Candidate::new(qr, Channel::Qr)),
                None if out.diagnostics.is_empty() => Err(fail(&crate::scan::Diagnostic::NoQr)),
                None => Err(out
                    .diagnostics
                    .iter()
                    .map(|d| OutcomeReason::of(d, ReasonKind::Reject, lang))
                    .collect()),
            },
        },
        Input::QrText(s) => FiscalQr::parse(s.trim())
            .map(|qr| Candidate::new(qr, Channel::Qr))
            .map_err(|e| fail(&e)),
        Input::OcrText(s) => parse_receipt_text(s).to_candidate().map_err(|e| fail(&e)),
        Input::Manual(s) => parse_manual_entry(s).to_candidate().map_err(|e| fail(&e)),
    }
}
