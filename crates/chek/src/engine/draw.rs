//! Draws over the ledger's lots, commit–reveal recorded, plus segments and the report.

use chek_store::{DrawRecord, Report, SegmentMember};
use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};

use super::{Engine, EngineError};
use crate::draw::{DrawEntry, DrawError, DrawResult, draw, seed_commitment};

/// One draw of a campaign period: who takes part is read from the ledger's lots.
///
/// ```
/// use chek::engine::DrawRequest;
/// let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
/// let r = DrawRequest::new("november", d, d, vec![7; 16], b"beacon".to_vec(), 1);
/// assert_eq!(r.prizes, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawRequest {
    /// The period's name, unique per campaign (`2026-W47`, `final`).
    pub period: String,
    /// First day (campaign-local) whose lots count.
    pub from: NaiveDate,
    /// Last day (campaign-local, inclusive).
    pub to: NaiveDate,
    /// The secret seed, revealed now (at least 16 bytes).
    pub seed: Vec<u8>,
    /// The public beacon value.
    pub beacon: Vec<u8>,
    /// Number of prizes.
    pub prizes: u32,
    /// Participants who cannot win.
    pub exclude: Vec<String>,
}

impl DrawRequest {
    /// A request without exclusions.
    pub fn new(
        period: impl Into<String>,
        from: NaiveDate,
        to: NaiveDate,
        seed: Vec<u8>,
        beacon: Vec<u8>,
        prizes: u32,
    ) -> Self {
        DrawRequest {
            period: period.into(),
            from,
            to,
            seed,
            beacon,
            prizes,
            exclude: Vec::new(),
        }
    }
}

impl Engine {
    /// The UTC range `[from 00:00, to+1 00:00)` of campaign-local days.
    fn utc_range(&self, from: NaiveDate, to: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
        let c = &self.campaign;
        let start = c.local_to_utc(from.and_time(NaiveTime::MIN));
        let end = to
            .checked_add_days(Days::new(1))
            .map_or(NaiveDateTime::MAX, |d| {
                c.local_to_utc(d.and_time(NaiveTime::MIN))
            });
        (start, end)
    }

    /// Lots per participant credited on campaign-local days `from..=to`: a draw's entries.
    pub fn lots(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<DrawEntry>, EngineError> {
        let (a, b) = self.utc_range(from, to);
        Ok(self
            .ledger
            .lots_by_participant(self.campaign_id(), a, b)?
            .into_iter()
            .map(|(participant, lots)| DrawEntry { participant, lots })
            .collect())
    }

    /// Publishes the seed commitment of a period's draw before it closes (step 1 of the
    /// procedure in [`crate::draw`]); [`Engine::draw`] later checks the revealed seed against it.
    pub fn commit_draw(
        &self,
        period: &str,
        commitment: &str,
        now: NaiveDateTime,
    ) -> Result<(), EngineError> {
        let c = commitment.trim().to_ascii_lowercase();
        if c.len() != 64 || !c.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DrawError::BadParameters(
                "a seed commitment is 64 hex digits (SHA-256)".into(),
            )
            .into());
        }
        self.ledger.record_draw(&DrawRecord {
            campaign: self.campaign_id().to_owned(),
            period: period.to_owned(),
            seed_commitment: c,
            result: None,
            recorded_at: now,
        })?;
        Ok(())
    }

    /// Runs the period's draw on the ledger's lots and records it (commitment, revealed seed,
    /// beacon, winners). If a commitment was published with [`Engine::commit_draw`], the seed
    /// must match it; a period is drawn once.
    pub fn draw(&self, req: &DrawRequest, now: NaiveDateTime) -> Result<DrawResult, EngineError> {
        let commitment = seed_commitment(&req.seed);
        if let Some(d) = self
            .ledger
            .draws(self.campaign_id())?
            .into_iter()
            .find(|d| d.period == req.period)
        {
            if d.result.is_some() {
                return Err(DrawError::BadParameters(format!(
                    "the draw of period {:?} has already been run",
                    req.period
                ))
                .into());
            }
            if !d.seed_commitment.eq_ignore_ascii_case(&commitment) {
                return Err(DrawError::BadParameters(format!(
                    "the seed does not match the commitment {} published for {:?}",
                    d.seed_commitment, req.period
                ))
                .into());
            }
        }
        let entries = self.lots(req.from, req.to)?;
        let result = draw(&entries, &req.seed, &req.beacon, req.prizes, &req.exclude)?;
        self.ledger.record_draw(&DrawRecord {
            campaign: self.campaign_id().to_owned(),
            period: req.period.clone(),
            seed_commitment: commitment,
            result: Some(result.clone()),
            recorded_at: now,
        })?;
        Ok(result)
    }

    /// Every draw of the campaign recorded so far.
    pub fn draws(&self) -> Result<Vec<DrawRecord>, EngineError> {
        Ok(self.ledger.draws(self.campaign_id())?)
    }

    /// Participants in a problem segment (`out_of_period`, `not_found_in_fns`,
    /// `awaiting_operator`…), with the receipt that put them there and their language: the
    /// list a bot messages.
    pub fn segment(&self, name: &str) -> Result<Vec<SegmentMember>, EngineError> {
        Ok(self.ledger.segment(self.campaign_id(), name)?)
    }

    /// Per-day counts, lots and the top reasons for not counting.
    pub fn report(&self) -> Result<Report, EngineError> {
        Ok(self.ledger.report(self.campaign_id())?)
    }
}
