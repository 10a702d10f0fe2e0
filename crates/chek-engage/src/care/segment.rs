//! Campaign problem segments open cases in their queues, with the quick reply to send.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::{Desk, Event, Rendered};
use chek_core::campaign::{Decision, Segment};

/// A case a problem segment opens: the queue, the topic, the first event and the quick reply
/// with the values known so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentCase {
    /// The segment.
    pub segment: Segment,
    /// The queue (group).
    pub group: String,
    /// Topic: the segment's Russian name.
    pub topic: String,
    /// The event that opens the case (replay it with [`replay`](super::replay)).
    pub event: Event,
    /// The quick reply, rendered with the known values; `missing` lists what to ask.
    pub reply: Option<Rendered>,
}

impl Desk {
    /// The queue and quick-reply id of a segment: from the desk's `[segments]` table, else the
    /// default group and no reply.
    pub fn segment_queue(&self, s: Segment) -> (&str, Option<&str>) {
        match self.segments.get(&s) {
            Some(d) => (d.group.as_str(), d.reply.as_deref()),
            None => (self.default_group.as_str(), None),
        }
    }

    /// Opens a case for a segment with the values known (`receipt`, `receipt_date`, `sum`, …).
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use chek_core::campaign::Segment;
    /// use chek_engage::care::Desk;
    /// let desk = Desk::parse(r#"
    ///     default_group = "general"
    ///     [groups.general]
    ///     [groups.fns]
    ///     [[replies]]
    ///     id = "fns"
    ///     text = "Чек от {{receipt_date}} проверим снова {{recheck_date}}."
    ///     [segments.not_found_in_fns]
    ///     group = "fns"
    ///     reply = "fns"
    /// "#)?;
    /// let at = chrono::NaiveDate::from_ymd_opt(2026, 3, 3).unwrap().and_hms_opt(10, 0, 0).unwrap();
    /// let mut v = BTreeMap::new();
    /// v.insert("receipt_date".into(), "2026-03-01".into());
    /// let c = desk.open_segment_case(Segment::NotFoundInFns, v, at);
    /// assert_eq!((c.group.as_str(), c.topic.as_str()), ("fns", "Не найден в ФНС"));
    /// let r = c.reply.unwrap();
    /// assert_eq!(r.missing[0].name, "recheck_date");
    /// # Ok::<(), chek_engage::care::CareError>(())
    /// ```
    pub fn open_segment_case(
        &self,
        segment: Segment,
        values: BTreeMap<String, String>,
        at: NaiveDateTime,
    ) -> SegmentCase {
        let (group, reply) = self.segment_queue(segment);
        let reply = reply
            .and_then(|id| self.reply(id))
            .map(|q| q.render(&values));
        SegmentCase {
            segment,
            group: group.to_owned(),
            topic: segment.name_ru().to_owned(),
            event: Event::Segment {
                at,
                segment: segment.id().to_owned(),
                values,
            },
            reply,
        }
    }

    /// One case per problem segment of a campaign decision (none when it is accepted), with
    /// the receipt identity as the `receipt` value.
    pub fn cases_for_decision(&self, d: &Decision, at: NaiveDateTime) -> Vec<SegmentCase> {
        d.segments()
            .into_iter()
            .map(|s| {
                let mut v = BTreeMap::new();
                v.insert("receipt".to_owned(), d.receipt.to_string());
                self.open_segment_case(s, v, at)
            })
            .collect()
    }
}
