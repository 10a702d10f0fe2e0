//! Draws over the ledger's lots, commit–reveal recorded, plus segments and the report.

use chek_store::{Balance, DrawRecord, ParticipantRecord, Report, SegmentMember};
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

/// A period's draw announced before the period ends: its days, the SHA-256 of the secret seed,
/// and the public randomness it will use (a beacon source and a round that lies in the future
/// at commit time, e.g. a drand round after the period's end). One draw per period and prize
/// set; no two commitments of a prize set share a day.
///
/// ```
/// use chek::engine::DrawCommitment;
/// let d = |n| chrono::NaiveDate::from_ymd_opt(2026, 11, n).unwrap();
/// let c = DrawCommitment::new("november", d(1), d(30),
///     chek::draw::seed_commitment(&[7; 16]), "drand-quicknet", "14500000");
/// assert_eq!(c.prize_set, "main");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawCommitment {
    /// The period's name, unique per campaign.
    pub period: String,
    /// First day (campaign-local) whose lots count.
    pub from: NaiveDate,
    /// Last day (campaign-local, inclusive); the commitment must be recorded before it ends.
    pub to: NaiveDate,
    /// SHA-256 of the secret seed, hex.
    pub seed_commitment: String,
    /// The named public randomness source (`drand-quicknet`, `nist-beacon`…).
    pub beacon_source: String,
    /// The source's round whose value will be the beacon.
    pub beacon_round: String,
    /// The prize set (`main` unless named).
    pub prize_set: String,
}

impl DrawCommitment {
    /// A commitment of the `main` prize set.
    pub fn new(
        period: impl Into<String>,
        from: NaiveDate,
        to: NaiveDate,
        seed_commitment: impl Into<String>,
        beacon_source: impl Into<String>,
        beacon_round: impl Into<String>,
    ) -> Self {
        DrawCommitment {
            period: period.into(),
            from,
            to,
            seed_commitment: seed_commitment.into(),
            beacon_source: beacon_source.into(),
            beacon_round: beacon_round.into(),
            prize_set: "main".into(),
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

    /// Records the commitment of a period's draw before the period ends (step 1 of the
    /// procedure in [`crate::draw`]): a commitment at or after the end of its last day
    /// (campaign-local) is refused, as is a second one for the period or one sharing a day
    /// with another of the same prize set. [`Engine::draw`] later needs it.
    pub fn commit_draw(&self, c: &DrawCommitment, now: NaiveDateTime) -> Result<(), EngineError> {
        let hash = c.seed_commitment.trim().to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DrawError::BadParameters(
                "a seed commitment is 64 hex digits (SHA-256)".into(),
            )
            .into());
        }
        if c.beacon_source.trim().is_empty() || c.beacon_round.trim().is_empty() {
            return Err(DrawError::BadParameters(
                "a commitment names the beacon source and the future round it will use".into(),
            )
            .into());
        }
        if c.to < c.from {
            return Err(DrawError::BadParameters("the period ends before it starts".into()).into());
        }
        let (_, end) = self.utc_range(c.from, c.to);
        if now >= end {
            return Err(DrawError::CommitTooLate(c.period.clone()).into());
        }
        let mut rec = DrawRecord::commitment(
            self.campaign_id(),
            c.period.clone(),
            c.from,
            c.to,
            hash,
            c.beacon_source.trim(),
            c.beacon_round.trim(),
            now,
        );
        rec.prize_set = c.prize_set.clone();
        self.ledger.record_draw(&rec)?;
        Ok(())
    }

    /// Runs the period's draw on the ledger's lots and records its result beside the
    /// commitment (which keeps its time). The draw needs a commitment recorded before the
    /// period ended, for the same days, whose seed hash the revealed seed matches; it runs
    /// only after the period's end, and once. The beacon is the value of the committed round.
    pub fn draw(&self, req: &DrawRequest, now: NaiveDateTime) -> Result<DrawResult, EngineError> {
        let commitment = seed_commitment(&req.seed);
        let Some(d) = self
            .ledger
            .draws(self.campaign_id())?
            .into_iter()
            .find(|d| d.period == req.period)
        else {
            return Err(DrawError::NotCommitted(req.period.clone()).into());
        };
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
        if d.from.is_some_and(|f| f != req.from) || d.to.is_some_and(|t| t != req.to) {
            return Err(DrawError::BadParameters(format!(
                "the days {}..{} differ from the commitment of {:?}",
                req.from, req.to, req.period
            ))
            .into());
        }
        let (_, end) = self.utc_range(req.from, req.to);
        if now < end {
            return Err(DrawError::TooEarly(req.period.clone()).into());
        }
        let entries = self.lots(req.from, req.to)?;
        let result = draw(&entries, &req.seed, &req.beacon, req.prizes, &req.exclude)?;
        self.ledger.record_draw(&DrawRecord {
            seed_commitment: commitment,
            result: Some(result.clone()),
            drawn_at: Some(now),
            ..d
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

    /// A participant's history in this campaign: their balance (counted receipts, lots,
    /// points) and every receipt they sent with where it stands now; `None` for a participant
    /// the ledger has never seen.
    ///
    /// ```
    /// use chek::engine::{Engine, Input, Verification};
    /// let c = chek::campaign::Campaign::from_toml("id = \"d\"\nname = \"d\"\n[when]\nstart = \"2026-09-01\"\nend = \"2026-09-30\"\n[what]\nrequire_verification = false\n[[earn]]\nid = \"r\"\nkind = \"per_receipt\"\nlots = 1\n")?;
    /// let e = Engine::new(c, chek::store::Ledger::open(":memory:")?, Verification::Offline, Default::default());
    /// let at = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// let sub = chek::engine::Submission::new("anna", Input::QrText("t=20260915T1200&s=10.00&fn=7281440500751551&i=1&fp=1&n=1".into())).received_at(at);
    /// e.process(sub)?;
    /// let h = e.history("anna")?.expect("anna sent a receipt");
    /// assert_eq!((h.balance.counted, h.balance.lots, h.receipts.len()), (1, 1, 1));
    /// assert_eq!(e.balances()?.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn history(&self, participant: &str) -> Result<Option<ParticipantRecord>, EngineError> {
        Ok(self.ledger.participant(self.campaign_id(), participant)?)
    }

    /// Every participant's balance (counted receipts, lots, points), sorted by participant id.
    pub fn balances(&self) -> Result<Vec<Balance>, EngineError> {
        Ok(self.ledger.balances(self.campaign_id())?)
    }
}
