//! Named cursors: how far a consumer of an outside stream has got (a Telegram bot's update
//! offset, a webhook feed's position), kept in the ledger so a restart resumes where the last
//! committed work ended.

use chrono::NaiveDateTime;

use crate::engage::doc::Docs;
use crate::{Ledger, StoreError};

const CURSOR: &str = "cursor";

impl Ledger {
    /// The cursor called `name`, or `None` before it was first set.
    ///
    /// ```
    /// let l = chek_store::Ledger::open(":memory:")?;
    /// let now = chrono::NaiveDate::from_ymd_opt(2026, 9, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// assert_eq!(l.cursor("tg:bot")?, None);
    /// assert_eq!(l.advance_cursor("tg:bot", 18, now)?, 18);
    /// assert_eq!(l.advance_cursor("tg:bot", 12, now)?, 18, "never backwards");
    /// assert_eq!(l.cursor("tg:bot")?, Some(18));
    /// # Ok::<(), chek_store::StoreError>(())
    /// ```
    pub fn cursor(&self, name: &str) -> Result<Option<i64>, StoreError> {
        // A read snapshot: reading the position takes no write lock (there are few cursors).
        self.docs_all(CURSOR)?
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, doc)| {
                doc.trim()
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("cursor {name:?} is {doc:?}")))
            })
            .transpose()
    }

    /// Moves the cursor called `name` forward to `to` (never backwards: a late writer with an
    /// older position changes nothing) and returns where it stands.
    pub fn advance_cursor(
        &self,
        name: &str,
        to: i64,
        now: NaiveDateTime,
    ) -> Result<i64, StoreError> {
        self.docs_tx(&mut |tx| {
            let mut d = Docs { tx, now };
            match d.get::<i64>(CURSOR, name)? {
                Some(at) if at >= to => Ok(at),
                _ => {
                    d.put(CURSOR, name, None, &to)?;
                    Ok(to)
                }
            }
        })
    }
}
