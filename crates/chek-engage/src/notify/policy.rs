//! The contact policy every plan passes through: hours in the recipient's time zone that
//! depend on the kind of day, caps per day, week and month for each channel, and consent for
//! advertising. [`ContactPolicy::next_slot`] finds the first moment that satisfies all of them,
//! which is how first attempts and retries are both scheduled.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use super::{Contact, ContactChannel, NotifyError, Purpose, Recipient};
use chek_ru::calendar::{DayKind, day_kind};
use chek_ru::zone::Zone;

/// Hours of a day when contacts are allowed, in the recipient's local time: `from` inclusive,
/// `to` exclusive. A window with `from` later than `to` crosses midnight (21:00–09:00: from
/// 21:00 that day until 09:00 the next); the kind of day is the day it opens on.
///
/// ```
/// use chek_engage::notify::Window;
/// let night = Window { from: "21:00:00".parse().unwrap(), to: "09:00:00".parse().unwrap() };
/// assert!(night.crosses_midnight());
/// assert!(!Window::hours(9, 21).crosses_midnight());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// First allowed minute.
    pub from: NaiveTime,
    /// First minute no longer allowed.
    pub to: NaiveTime,
}

impl Window {
    /// A window from whole hours; `to` of 24 or more means the end of the day.
    pub fn hours(from: u32, to: u32) -> Self {
        let t = |h: u32| NaiveTime::from_hms_opt(h.min(23), 0, 0).unwrap_or(NaiveTime::MIN);
        let end = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
        Window {
            from: t(from),
            to: if to >= 24 { end } else { t(to) },
        }
    }

    /// Whether the window runs past midnight into the next day (`from` later than `to`).
    pub fn crosses_midnight(&self) -> bool {
        self.from > self.to
    }
}

/// At most this many contacts per calendar day, ISO week (Monday to Sunday) and calendar month
/// in the recipient's time zone; `None` is no cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Caps {
    /// Per day.
    #[serde(default)]
    pub day: Option<u32>,
    /// Per week.
    #[serde(default)]
    pub week: Option<u32>,
    /// Per month.
    #[serde(default)]
    pub month: Option<u32>,
}

/// Hours and caps for one kind of message.
///
/// ```
/// use chek_engage::notify::{ContactChannel, ContactPolicy};
/// let p = ContactPolicy::debt_230fz();
/// let calls = p.caps[&ContactChannel::Call];
/// assert_eq!((calls.day, calls.week, calls.month), (Some(1), Some(2), Some(8)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPolicy {
    /// A name for reports, e.g. `230-fz`.
    pub name: String,
    /// Allowed hours on working days.
    pub working_days: Window,
    /// Allowed hours on weekends and public holidays (Russian production calendar).
    pub days_off: Window,
    /// Caps per channel.
    #[serde(default)]
    pub caps: BTreeMap<ContactChannel, Caps>,
}

/// Why a slot is later than asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deferral {
    /// Before the day's window opened or after it closed.
    QuietHours,
    /// The day's cap was reached.
    DayCap,
    /// The week's cap was reached.
    WeekCap,
    /// The month's cap was reached.
    MonthCap,
}

/// A moment a contact is allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// UTC.
    pub at: NaiveDateTime,
    /// The recipient's wall time.
    pub local: NaiveDateTime,
    /// The recipient's zone.
    pub zone: Zone,
    /// Kind of the local day.
    pub day: DayKind,
    /// Why it is later than asked, first reason first (empty when it is not).
    pub deferred: Vec<Deferral>,
}

/// How far ahead [`ContactPolicy::next_slot`] looks.
pub const HORIZON_DAYS: u32 = 400;

impl ContactPolicy {
    /// The preset for service messages: 09–21 every day; at most 2 calls and 3 SMS a day.
    pub fn service() -> Self {
        let mut caps = BTreeMap::new();
        caps.insert(
            ContactChannel::Call,
            Caps {
                day: Some(2),
                week: None,
                month: None,
            },
        );
        caps.insert(
            ContactChannel::Sms,
            Caps {
                day: Some(3),
                week: None,
                month: None,
            },
        );
        ContactPolicy {
            name: "service".into(),
            working_days: Window::hours(9, 21),
            days_off: Window::hours(9, 21),
            caps,
        }
    }

    /// The 230-ФЗ preset for reminders about overdue payments of private persons (Art. 7 as
    /// summarised by ФССП): 08–22 on working days and 09–20 on weekends and holidays, local
    /// time; calls at most 1 a day, 2 a week, 8 a month; texts at most 2, 4 and 16.
    ///
    /// Caps count contacts that happened (`Contact::counts`): an unanswered call is not an
    /// interaction. An automated voice message may be read as a «голосовое сообщение», which
    /// the law counts with texts; a stricter host can give calls the text caps too.
    pub fn debt_230fz() -> Self {
        let mut caps = BTreeMap::new();
        caps.insert(
            ContactChannel::Call,
            Caps {
                day: Some(1),
                week: Some(2),
                month: Some(8),
            },
        );
        caps.insert(
            ContactChannel::Sms,
            Caps {
                day: Some(2),
                week: Some(4),
                month: Some(16),
            },
        );
        ContactPolicy {
            name: "230-fz".into(),
            working_days: Window::hours(8, 22),
            days_off: Window::hours(9, 20),
            caps,
        }
    }

    /// The window of a local day.
    pub fn window(&self, d: NaiveDate) -> (DayKind, Window) {
        let k = day_kind(d);
        let w = if k.is_working() {
            self.working_days
        } else {
            self.days_off
        };
        (k, w)
    }

    /// Checks the policy itself: a window must not be empty (`from` equal to `to`); one with
    /// `from` later than `to` crosses midnight and is fine.
    pub fn validate(&self) -> Result<(), NotifyError> {
        for (n, w) in [
            ("working_days", self.working_days),
            ("days_off", self.days_off),
        ] {
            if w.from == w.to {
                return Err(NotifyError::BadConfig(format!(
                    "policy {}: {n} window {}–{} is empty (a window crossing midnight is written \
                     from > to, e.g. 21:00–09:00)",
                    self.name,
                    w.from.format("%H:%M"),
                    w.to.format("%H:%M")
                )));
            }
        }
        Ok(())
    }

    /// Whether local wall time `t` on day `d` is inside the allowed hours: the day's own window,
    /// or the tail of the previous day's window when that one crosses midnight.
    fn allowed(&self, d: NaiveDate, t: NaiveTime) -> bool {
        let (_, w) = self.window(d);
        let own = if w.crosses_midnight() {
            t >= w.from
        } else {
            t >= w.from && t < w.to
        };
        own || d
            .pred_opt()
            .map(|p| self.window(p).1)
            .is_some_and(|p| p.crosses_midnight() && t < p.to)
    }

    /// The first moment at or after `earliest` (UTC) when `ch` may be used for a recipient in
    /// `zone`, given the contacts already made (`history`, any recipients: only this one's
    /// with the same channel and purpose are counted). Looks at most [`HORIZON_DAYS`] ahead.
    ///
    /// ```
    /// use chek_engage::notify::{ContactChannel, ContactPolicy, Purpose};
    /// use chek_ru::zone::Zone;
    /// let p = ContactPolicy::debt_230fz();
    /// let zone: Zone = "Asia/Vladivostok".parse().unwrap(); // UTC+10
    /// // 12:00 UTC on Friday 14 August 2026 is 22:00 in Vladivostok: too late.
    /// let at = chrono::NaiveDate::from_ymd_opt(2026, 8, 14).unwrap().and_hms_opt(12, 0, 0).unwrap();
    /// let s = p.next_slot(ContactChannel::Call, Purpose::Debt, "c1", &zone, &[], at).unwrap();
    /// // Saturday: 09:00 local, 23:00 UTC on Friday.
    /// assert_eq!(s.local.to_string(), "2026-08-15 09:00:00");
    /// assert_eq!(s.at.to_string(), "2026-08-14 23:00:00");
    /// ```
    pub fn next_slot(
        &self,
        ch: ContactChannel,
        purpose: Purpose,
        recipient: &str,
        zone: &Zone,
        history: &[Contact],
        earliest: NaiveDateTime,
    ) -> Result<Slot, NotifyError> {
        self.validate()?;
        let caps = self.caps.get(&ch).copied().unwrap_or_default();
        let mut past: Vec<NaiveDateTime> = history
            .iter()
            .filter(|c| c.counts && c.recipient == recipient && c.channel == ch)
            .filter(|c| c.purpose == purpose)
            .map(|c| zone.local(c.at))
            .collect();
        past.sort_unstable();
        let count = |from: NaiveDateTime, to: NaiveDateTime| {
            past.partition_point(|t| *t < to) - past.partition_point(|t| *t < from)
        };
        let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN);
        let no_slot = NotifyError::NoSlot {
            channel: ch.as_str(),
            days: HORIZON_DAYS,
        };
        // Whole minutes: a slot is a time a person reads, and seconds add nothing.
        let mut local = zone.local(earliest);
        if local.second() != 0 || local.nanosecond() != 0 {
            local = local
                .with_second(0)
                .and_then(|t| t.with_nanosecond(0))
                .and_then(|t| t.checked_add_signed(Duration::minutes(1)))
                .ok_or(no_slot.clone())?;
        }
        let end = local
            .checked_add_signed(Duration::days(i64::from(HORIZON_DAYS)))
            .ok_or(no_slot.clone())?;
        let mut deferred: Vec<Deferral> = Vec::new();
        // Quiet hours after a jump to the next day, week or month are implied by the cap,
        // so only the cap is reported.
        let defer = |d: Deferral, deferred: &mut Vec<Deferral>| {
            let implied = d == Deferral::QuietHours && !deferred.is_empty();
            if !implied && !deferred.contains(&d) {
                deferred.push(d);
            }
        };
        // Each step moves `local` forward to a day, week or month boundary or a window
        // opening, so the loop ends within a few steps per day of the horizon.
        for _ in 0..(HORIZON_DAYS * 6) {
            if local > end {
                return Err(no_slot);
            }
            let d = local.date();
            let Some(next_day) = d.succ_opt() else {
                return Err(no_slot);
            };
            let (kind, w) = self.window(d);
            if !self.allowed(d, local.time()) {
                defer(Deferral::QuietHours, &mut deferred);
                // The next opening: this day's window later today, else the next midnight
                // (where the loop looks again, the previous night's tail included).
                local = if local.time() < w.from {
                    d.and_time(w.from)
                } else {
                    midnight(next_day)
                };
                continue;
            }
            if caps
                .day
                .is_some_and(|c| count(midnight(d), midnight(next_day)) >= c as usize)
            {
                defer(Deferral::DayCap, &mut deferred);
                local = midnight(next_day);
                continue;
            }
            let monday = d
                .checked_sub_signed(Duration::days(i64::from(
                    d.weekday().num_days_from_monday(),
                )))
                .unwrap_or(d);
            let Some(next_monday) = monday.checked_add_signed(Duration::days(7)) else {
                return Err(no_slot);
            };
            if caps
                .week
                .is_some_and(|c| count(midnight(monday), midnight(next_monday)) >= c as usize)
            {
                defer(Deferral::WeekCap, &mut deferred);
                local = midnight(next_monday);
                continue;
            }
            let first = d.with_day(1).unwrap_or(d);
            let next_first = if d.month() == 12 {
                NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
            };
            let Some(next_first) = next_first else {
                return Err(no_slot);
            };
            if caps
                .month
                .is_some_and(|c| count(midnight(first), midnight(next_first)) >= c as usize)
            {
                defer(Deferral::MonthCap, &mut deferred);
                local = midnight(next_first);
                continue;
            }
            return Ok(Slot {
                at: zone.utc(local),
                local,
                zone: zone.clone(),
                day: kind,
                deferred,
            });
        }
        Err(no_slot)
    }
}

/// The policies of a sender: one for service messages, one for debt reminders to private
/// persons (230-ФЗ by default), one for advertising; advertising also needs consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySet {
    /// Service messages, and debt reminders to companies.
    #[serde(default = "ContactPolicy::service")]
    pub service: ContactPolicy,
    /// Debt reminders to private persons.
    #[serde(default = "ContactPolicy::debt_230fz")]
    pub debt: ContactPolicy,
    /// Advertising (to consenting recipients).
    #[serde(default = "ContactPolicy::service")]
    pub advertising: ContactPolicy,
}

impl Default for PolicySet {
    fn default() -> Self {
        PolicySet {
            service: ContactPolicy::service(),
            debt: ContactPolicy::debt_230fz(),
            advertising: ContactPolicy::service(),
        }
    }
}

impl PolicySet {
    /// The policy a message falls under, or why it may not be sent at all (the recipient
    /// refused interaction, or advertising without consent).
    ///
    /// ```
    /// use chek_engage::notify::{PolicySet, Purpose, Recipient};
    /// let r: Recipient = serde_json::from_str(r#"{"id":"c1","phone":"+79000000000"}"#).unwrap();
    /// let set = PolicySet::default();
    /// assert_eq!(set.for_message(Purpose::Debt, &r).unwrap().name, "230-fz");
    /// assert!(set.for_message(Purpose::Advertising, &r).is_err()); // no consent
    /// ```
    pub fn for_message(
        &self,
        purpose: Purpose,
        r: &Recipient,
    ) -> Result<&ContactPolicy, NotifyError> {
        match purpose {
            _ if r.opt_out => Err(NotifyError::OptedOut),
            Purpose::Advertising if !r.advertising_consent => Err(NotifyError::NoConsent),
            Purpose::Advertising => Ok(&self.advertising),
            Purpose::Debt if r.private_person => Ok(&self.debt),
            _ => Ok(&self.service),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, m, d)
            .and_then(|x| x.and_hms_opt(h, min, 0))
            .unwrap_or_default()
    }

    fn zone(s: &str) -> Zone {
        s.parse().unwrap_or_default()
    }

    fn slot(
        p: &ContactPolicy,
        ch: ContactChannel,
        z: &str,
        h: &[Contact],
        at: NaiveDateTime,
    ) -> Slot {
        p.next_slot(ch, Purpose::Debt, "c1", &zone(z), h, at)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn contact(ch: ContactChannel, at: NaiveDateTime) -> Contact {
        Contact {
            recipient: "c1".into(),
            channel: ch,
            purpose: Purpose::Debt,
            at,
            counts: true,
            key: None,
        }
    }

    #[test]
    fn quiet_hours_follow_the_recipient_zone() {
        let p = ContactPolicy::debt_230fz();
        // Tuesday 18 August 2026, 05:30 UTC.
        let at = utc(8, 18, 5, 30);
        // Moscow 08:30: allowed at once.
        let s = slot(&p, ContactChannel::Call, "Europe/Moscow", &[], at);
        assert_eq!((s.at, s.deferred.clone()), (at, vec![]));
        // Kaliningrad 07:30: wait until 08:00 local = 06:00 UTC.
        let s = slot(&p, ContactChannel::Call, "Europe/Kaliningrad", &[], at);
        assert_eq!(s.at, utc(8, 18, 6, 0));
        assert_eq!(s.deferred, vec![Deferral::QuietHours]);
        // Kamchatka 17:30: allowed.
        assert_eq!(
            slot(&p, ContactChannel::Call, "Asia/Kamchatka", &[], at).at,
            at
        );
        // Kamchatka at 10:00 UTC is 22:00: next morning 08:00 local = 20:00 UTC.
        let s = slot(
            &p,
            ContactChannel::Call,
            "Asia/Kamchatka",
            &[],
            utc(8, 18, 10, 0),
        );
        assert_eq!(s.local, utc(8, 19, 8, 0));
        assert_eq!(s.at, utc(8, 18, 20, 0));
        // 21:59 local is still allowed.
        let s = slot(
            &p,
            ContactChannel::Call,
            "Europe/Moscow",
            &[],
            utc(8, 18, 18, 59),
        );
        assert_eq!(s.at, utc(8, 18, 18, 59));
        // Seconds round up to the next minute.
        let s = slot(
            &p,
            ContactChannel::Call,
            "Europe/Moscow",
            &[],
            utc(8, 18, 10, 0) + Duration::seconds(1),
        );
        assert_eq!(s.at, utc(8, 18, 10, 1));
    }

    #[test]
    fn weekdays_weekends_and_holidays_under_230fz() {
        let p = ContactPolicy::debt_230fz();
        let msk = "Europe/Moscow";
        // Working day (Thursday 12 November), 08:10 Moscow: allowed.
        let s = slot(&p, ContactChannel::Call, msk, &[], utc(11, 12, 5, 10));
        assert_eq!((s.day, s.deferred.len()), (DayKind::Working, 0));
        // Saturday 14 November, 08:10 Moscow: weekends open at 09:00.
        let s = slot(&p, ContactChannel::Call, msk, &[], utc(11, 14, 5, 10));
        assert_eq!((s.day, s.local), (DayKind::Weekend, utc(11, 14, 9, 0)));
        // Saturday 20:30 Moscow: weekends close at 20:00 → Sunday 09:00.
        let s = slot(&p, ContactChannel::Sms, msk, &[], utc(11, 14, 17, 30));
        assert_eq!(s.local, utc(11, 15, 9, 0));
        // Wednesday 4 November (Day of Unity) 08:30 Moscow: a holiday, 09:00.
        let s = slot(&p, ContactChannel::Call, msk, &[], utc(11, 4, 5, 30));
        assert_eq!((s.day, s.local), (DayKind::Holiday, utc(11, 4, 9, 0)));
        // Friday 9 January (transferred day off) 21:00 Moscow: holiday closes at 20:00; the
        // weekend follows, then Monday 12 January opens at 08:00.
        let s = slot(&p, ContactChannel::Call, msk, &[], utc(1, 9, 18, 0));
        assert_eq!(s.local, utc(1, 10, 9, 0));
        let s = slot(&p, ContactChannel::Call, msk, &[], utc(1, 11, 17, 30));
        assert_eq!((s.day, s.local), (DayKind::Working, utc(1, 12, 8, 0)));
    }

    #[test]
    fn caps_per_day_week_and_month() {
        let p = ContactPolicy::debt_230fz();
        let msk = "Europe/Moscow";
        // Monday 17 August 2026: one call made at 10:00 Moscow.
        let h = vec![contact(ContactChannel::Call, utc(8, 17, 7, 0))];
        let s = slot(&p, ContactChannel::Call, msk, &h, utc(8, 17, 9, 0));
        assert_eq!(s.local, utc(8, 18, 8, 0));
        assert_eq!(s.deferred, vec![Deferral::DayCap]);
        // Texts: 2 a day, so a second text is fine.
        let s = slot(&p, ContactChannel::Sms, msk, &h, utc(8, 17, 9, 0));
        assert!(s.deferred.is_empty());
        // Two calls this week (Mon, Tue) → next Monday 24 August 08:00.
        let h2 = vec![
            contact(ContactChannel::Call, utc(8, 17, 7, 0)),
            contact(ContactChannel::Call, utc(8, 18, 7, 0)),
        ];
        let s = slot(&p, ContactChannel::Call, msk, &h2, utc(8, 19, 7, 0));
        assert_eq!(
            (s.local, s.deferred.clone()),
            (utc(8, 24, 8, 0), vec![Deferral::WeekCap])
        );
        // Unanswered calls do not count.
        let mut h3 = h2.clone();
        for c in &mut h3 {
            c.counts = false;
        }
        assert!(
            slot(&p, ContactChannel::Call, msk, &h3, utc(8, 19, 7, 0))
                .deferred
                .is_empty()
        );
        // Another recipient's or another purpose's contacts do not count.
        let mut h4 = h2.clone();
        h4[0].recipient = "c2".into();
        h4[1].purpose = Purpose::Service;
        assert!(
            slot(&p, ContactChannel::Call, msk, &h4, utc(8, 19, 7, 0))
                .deferred
                .is_empty()
        );
        // Eight calls in August (two a week) → 1 September.
        let days = [3, 4, 10, 11, 17, 18, 24, 25];
        let h8: Vec<Contact> = days
            .iter()
            .map(|&d| contact(ContactChannel::Call, utc(8, d, 7, 0)))
            .collect();
        let s = slot(&p, ContactChannel::Call, msk, &h8, utc(8, 26, 7, 0));
        assert_eq!(s.local, utc(9, 1, 8, 0));
        assert!(s.deferred.contains(&Deferral::MonthCap));
        // 16 texts in August → September.
        let h16: Vec<Contact> = days
            .iter()
            .flat_map(|&d| [utc(8, d, 7, 0), utc(8, d, 8, 0)])
            .map(|at| contact(ContactChannel::Sms, at))
            .collect();
        assert_eq!(h16.len(), 16);
        let s = slot(&p, ContactChannel::Sms, msk, &h16, utc(8, 28, 7, 0));
        assert_eq!(s.local, utc(9, 1, 8, 0));
    }

    #[test]
    fn windows_crossing_midnight() {
        // A night desk: 21:00–09:00 every day, Moscow (UTC+3).
        let mut p = ContactPolicy::service();
        p.working_days = Window {
            from: NaiveTime::from_hms_opt(21, 0, 0).unwrap_or(NaiveTime::MIN),
            to: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
        };
        p.days_off = p.working_days;
        assert!(p.validate().is_ok());
        let msk = "Europe/Moscow";
        // Tuesday 18 August, 12:00 Moscow: closed until 21:00.
        let s = p
            .next_slot(
                ContactChannel::Sms,
                Purpose::Service,
                "c1",
                &zone(msk),
                &[],
                utc(8, 18, 9, 0),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.local, s.deferred),
            (utc(8, 18, 21, 0), vec![Deferral::QuietHours])
        );
        // 23:30 and 03:00 are inside the window.
        for at in [utc(8, 18, 20, 30), utc(8, 19, 0, 0)] {
            let s = p
                .next_slot(
                    ContactChannel::Sms,
                    Purpose::Service,
                    "c1",
                    &zone(msk),
                    &[],
                    at,
                )
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((s.at, s.deferred.len()), (at, 0));
        }
        // 09:00 sharp is closed again: 21:00 the same day.
        let s = p
            .next_slot(
                ContactChannel::Sms,
                Purpose::Service,
                "c1",
                &zone(msk),
                &[],
                utc(8, 19, 6, 0),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.local, utc(8, 19, 21, 0));
        // The day's cap counts calendar days: three SMS on the 18th (service cap 3) → the
        // next allowed moment is 00:00 on the 19th, inside the night window.
        let h: Vec<Contact> = [19, 20, 20]
            .iter()
            .map(|&hh| Contact {
                purpose: Purpose::Service,
                ..contact(ContactChannel::Sms, utc(8, 18, hh, 0))
            })
            .collect();
        let s = p
            .next_slot(
                ContactChannel::Sms,
                Purpose::Service,
                "c1",
                &zone(msk),
                &h,
                utc(8, 18, 20, 30),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.local, utc(8, 19, 0, 0));
    }

    #[test]
    fn consent_and_empty_windows() {
        use chek_core::Coded;
        let r = Recipient {
            id: "c1".into(),
            name: None,
            phone: Some("+79000000000".into()),
            email: None,
            zone: Zone::moscow(),
            private_person: false,
            advertising_consent: true,
            opt_out: false,
        };
        let set = PolicySet::default();
        assert_eq!(
            set.for_message(Purpose::Debt, &r).map(|p| p.name.as_str()),
            Ok("service")
        );
        assert_eq!(
            set.for_message(Purpose::Advertising, &r)
                .map(|p| p.name.as_str()),
            Ok("service")
        );
        // An empty window (from = to) is refused, and the message says how to write a window
        // that crosses midnight.
        let mut bad = ContactPolicy::service();
        bad.days_off = Window::hours(9, 9);
        let e = bad.next_slot(
            ContactChannel::Sms,
            Purpose::Service,
            "c1",
            &Zone::moscow(),
            &[],
            utc(8, 1, 0, 0),
        );
        let e = e.err();
        assert_eq!(e.as_ref().map(|e| e.code()), Some("notify.bad_config"));
        assert!(
            e.map(|e| e.to_string())
                .unwrap_or_default()
                .contains("21:00–09:00")
        );
        // A cap of zero never allows a slot.
        let mut zero = ContactPolicy::service();
        zero.caps.insert(
            ContactChannel::Email,
            Caps {
                day: Some(0),
                week: None,
                month: None,
            },
        );
        let e = zero.next_slot(
            ContactChannel::Email,
            Purpose::Service,
            "c1",
            &Zone::moscow(),
            &[],
            utc(8, 1, 0, 0),
        );
        assert_eq!(e.err().map(|e| e.code()), Some("notify.no_slot"));
        let e = zero.next_slot(
            ContactChannel::Email,
            Purpose::Service,
            "c1",
            &Zone::moscow(),
            &[],
            NaiveDateTime::MAX,
        );
        assert!(e.is_err());
    }
}
