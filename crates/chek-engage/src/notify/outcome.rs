//! How a call ended, in one vocabulary whatever the provider said.
//!
//! Mapped vocabularies:
//! - **Twilio** `CallStatus` (`twilio-openapi` `CallEnumStatus`): queued, initiated, ringing,
//!   in-progress, completed, busy, failed, no-answer, canceled; answering-machine detection in
//!   `AnsweredBy` (human, machine_start, machine_end_beep, machine_end_silence,
//!   machine_end_other, fax, unknown).
//! - **Vonage** Voice API `CallStatus` (`@vonage/voice`): started, ringing, answered, machine,
//!   completed, busy, cancelled, failed, rejected, timeout, unanswered.
//! - **Asterisk** `Dial()` `${DIALSTATUS}` (<https://docs.asterisk.org/Configuration/Dialplan/Variables/Channel-Variables/Asterisk-Standard-Channel-Variables/Dial-Channel-Variables>):
//!   ANSWER, BUSY, NOANSWER, CANCEL, CONGESTION, CHANUNAVAIL, DONTCALL, TORTURE, INVALIDARGS;
//!   `${ANSWEREDTIME}` is the listened time and `${HANGUPCAUSE}` (Q.850) tells an unallocated
//!   number (1) or an invalid format (28) from a network failure.
//!
//! - **UIS** (CoMagic, CallGear: one platform) `start.informer_call`, its call-end
//!   notification («Уведомления») and `get.calls_report`: the call's `finish_reason`
//!   (subscriber_busy, subscriber_not_responsible, subscriber_number_problems,
//!   subscriber_disconnects, success_finish, timeout, no_success_subscriber_call, numa_dnd_interval,
//!   no_money, …) and `talk_time_duration` (`talk_duration` in the report); the report fields can
//!   be passed under their UIS names. UIS has no answering-machine detection.
//!
//! An answered call is delivered only when the person listened for at least the template's
//! minimum ([`CallOutcome::with_min_listen`]): a call dropped after a second is
//! [`CallOutcome::HungUp`] and is retried.
//!
//! A failed call is an invalid number only when the provider gives the evidence (SIP 404, 410,
//! 484, 604 or Q.850 cause 1, 3, 22, 28): a number is never given up on a guess.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::NotifyError;
use chek_core::{Coded, Lang};

/// The call providers whose status vocabularies are mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Twilio Programmable Voice.
    Twilio,
    /// Vonage Voice API.
    Vonage,
    /// Asterisk `Dial()`.
    Asterisk,
    /// UIS / CoMagic / CallGear Call API (`start.informer_call`).
    Uis,
}

impl Provider {
    /// `"twilio"`, `"vonage"`, `"asterisk"` or `"uis"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Provider::Twilio => "twilio",
            Provider::Vonage => "vonage",
            Provider::Asterisk => "asterisk",
            Provider::Uis => "uis",
        }
    }

    /// A provider from its name (case-insensitive).
    pub fn parse(s: &str) -> Result<Self, NotifyError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "twilio" => Ok(Provider::Twilio),
            "vonage" | "nexmo" => Ok(Provider::Vonage),
            "asterisk" => Ok(Provider::Asterisk),
            "uis" | "uiscom" | "comagic" | "callgear" => Ok(Provider::Uis),
            _ => Err(NotifyError::UnknownProvider(s.chars().take(64).collect())),
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a provider reported about one call, as its webhook or dialplan gives it.
///
/// ```
/// use chek_engage::notify::ProviderReport;
/// let r: ProviderReport = serde_json::from_str(
///     r#"{"provider":"twilio","status":"completed","duration_s":34,"digits":"0"}"#).unwrap();
/// assert_eq!(r.duration_s, Some(34));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProviderReport {
    /// `twilio`, `vonage`, `asterisk` or `uis`.
    pub provider: String,
    /// The provider's status word (Twilio `CallStatus`, Vonage `status`, Asterisk
    /// `DIALSTATUS`, UIS `finish_reason`).
    #[serde(alias = "finish_reason")]
    pub status: String,
    /// Seconds from answer to hang-up (Twilio `CallDuration`, Vonage `duration`, Asterisk
    /// `ANSWEREDTIME`, UIS `talk_time_duration` or `talk_duration`).
    #[serde(default, alias = "talk_time_duration", alias = "talk_duration")]
    pub duration_s: Option<u32>,
    /// DTMF keys pressed during the call.
    #[serde(default)]
    pub digits: Option<String>,
    /// Twilio `AnsweredBy`.
    #[serde(default)]
    pub answered_by: Option<String>,
    /// The final SIP response code, when given.
    #[serde(default)]
    pub sip_code: Option<u16>,
    /// Asterisk `HANGUPCAUSE` (Q.850).
    #[serde(default)]
    pub hangup_cause: Option<u16>,
}

/// How a call ended, provider-neutral.
///
/// ```
/// use chek_engage::notify::{CallOutcome, OutcomeKind};
/// let o = CallOutcome::Answered { listened_s: 34 };
/// assert_eq!(o.kind(), OutcomeKind::Answered);
/// assert!(o.counts_as_contact());
/// assert!(!CallOutcome::Busy.counts_as_contact());
/// assert_eq!(serde_json::to_string(&o).unwrap(), r#"{"outcome":"answered","listened_s":34}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CallOutcome {
    /// A person answered and listened for `listened_s` seconds.
    Answered {
        /// Seconds listened.
        listened_s: u32,
    },
    /// A person answered and pressed a key to reach an operator.
    Operator {
        /// Seconds listened before the key.
        listened_s: u32,
        /// The key pressed.
        key: String,
    },
    /// An answering machine or voicemail took the call.
    Machine {
        /// Seconds of message played.
        listened_s: u32,
    },
    /// A person answered but hung up before the template's minimum listening time: not
    /// delivered, retried.
    HungUp {
        /// Seconds listened.
        listened_s: u32,
    },
    /// It rang and nobody answered.
    NoAnswer,
    /// Busy, or the callee rejected the call.
    Busy,
    /// The number does not exist or is malformed.
    InvalidNumber,
    /// Anything else: network failure, cancelled, refused by privacy mode.
    Failed {
        /// The provider's status and cause, for logs.
        reason: String,
    },
}

/// The kind of an outcome, without data: the key of the retry matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// [`CallOutcome::Answered`].
    Answered,
    /// [`CallOutcome::Operator`].
    Operator,
    /// [`CallOutcome::Machine`].
    Machine,
    /// [`CallOutcome::HungUp`].
    HungUp,
    /// [`CallOutcome::NoAnswer`].
    NoAnswer,
    /// [`CallOutcome::Busy`].
    Busy,
    /// [`CallOutcome::InvalidNumber`].
    InvalidNumber,
    /// [`CallOutcome::Failed`].
    Failed,
}

impl OutcomeKind {
    /// `"answered"`, `"no_answer"`, …
    pub const fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Answered => "answered",
            OutcomeKind::Operator => "operator",
            OutcomeKind::Machine => "machine",
            OutcomeKind::HungUp => "hung_up",
            OutcomeKind::NoAnswer => "no_answer",
            OutcomeKind::Busy => "busy",
            OutcomeKind::InvalidNumber => "invalid_number",
            OutcomeKind::Failed => "failed",
        }
    }
}

impl CallOutcome {
    /// The kind.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            CallOutcome::Answered { .. } => OutcomeKind::Answered,
            CallOutcome::Operator { .. } => OutcomeKind::Operator,
            CallOutcome::Machine { .. } => OutcomeKind::Machine,
            CallOutcome::HungUp { .. } => OutcomeKind::HungUp,
            CallOutcome::NoAnswer => OutcomeKind::NoAnswer,
            CallOutcome::Busy => OutcomeKind::Busy,
            CallOutcome::InvalidNumber => OutcomeKind::InvalidNumber,
            CallOutcome::Failed { .. } => OutcomeKind::Failed,
        }
    }

    /// Whether the call reached the person (or their voicemail, which the law counts as a
    /// voice message): it then counts towards contact caps. A call the person hung up on
    /// counts too: the interaction took place, even if the message did not get through.
    pub fn counts_as_contact(&self) -> bool {
        matches!(
            self,
            CallOutcome::Answered { .. }
                | CallOutcome::Operator { .. }
                | CallOutcome::Machine { .. }
                | CallOutcome::HungUp { .. }
        )
    }

    /// Seconds listened, when someone (or something) answered.
    pub fn listened_s(&self) -> Option<u32> {
        match self {
            CallOutcome::Answered { listened_s }
            | CallOutcome::Operator { listened_s, .. }
            | CallOutcome::Machine { listened_s }
            | CallOutcome::HungUp { listened_s } => Some(*listened_s),
            _ => None,
        }
    }

    /// An answered call listened to for less than `min_listen_s` seconds becomes
    /// [`CallOutcome::HungUp`] (not delivered, retried); every other outcome stays as it is (a
    /// key pressed for an operator is an answer whatever the time).
    ///
    /// ```
    /// use chek_engage::notify::CallOutcome;
    /// let short = CallOutcome::Answered { listened_s: 1 }.with_min_listen(8);
    /// assert_eq!(short, CallOutcome::HungUp { listened_s: 1 });
    /// let full = CallOutcome::Answered { listened_s: 8 }.with_min_listen(8);
    /// assert_eq!(full, CallOutcome::Answered { listened_s: 8 });
    /// ```
    pub fn with_min_listen(self, min_listen_s: u32) -> CallOutcome {
        match self {
            CallOutcome::Answered { listened_s } if listened_s < min_listen_s => {
                CallOutcome::HungUp { listened_s }
            }
            other => other,
        }
    }
}

impl Coded for CallOutcome {
    fn code(&self) -> &'static str {
        match self.kind() {
            OutcomeKind::Answered => "notify.call_answered",
            OutcomeKind::Operator => "notify.call_operator",
            OutcomeKind::Machine => "notify.call_machine",
            OutcomeKind::HungUp => "notify.call_hung_up",
            OutcomeKind::NoAnswer => "notify.call_no_answer",
            OutcomeKind::Busy => "notify.call_busy",
            OutcomeKind::InvalidNumber => "notify.call_invalid_number",
            OutcomeKind::Failed => "notify.call_failed",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        match (self.kind(), lang) {
            (OutcomeKind::Answered, Lang::Ru) => "Клиент прослушал сообщение.".into(),
            (OutcomeKind::Answered, Lang::En) => "The customer listened to the message.".into(),
            (OutcomeKind::Operator, Lang::Ru) => {
                "Клиент попросил оператора: перезвоните ему.".into()
            }
            (OutcomeKind::Operator, Lang::En) => {
                "The customer asked for an operator: call back.".into()
            }
            (OutcomeKind::Machine, Lang::Ru) => "Ответил автоответчик.".into(),
            (OutcomeKind::Machine, Lang::En) => "An answering machine took the call.".into(),
            (OutcomeKind::HungUp, Lang::Ru) => {
                "Клиент ответил, но положил трубку, не дослушав: позвоним ещё раз.".into()
            }
            (OutcomeKind::HungUp, Lang::En) => {
                "The customer answered but hung up before the message ended: call again.".into()
            }
            (OutcomeKind::NoAnswer, Lang::Ru) => "Клиент не ответил.".into(),
            (OutcomeKind::NoAnswer, Lang::En) => "The customer did not answer.".into(),
            (OutcomeKind::Busy, Lang::Ru) => "Занято или звонок отклонён.".into(),
            (OutcomeKind::Busy, Lang::En) => "Busy, or the call was declined.".into(),
            (OutcomeKind::InvalidNumber, Lang::Ru) => {
                "Номер не существует: исправьте телефон в CRM.".into()
            }
            (OutcomeKind::InvalidNumber, Lang::En) => {
                "The number does not exist: fix the phone in the CRM.".into()
            }
            (OutcomeKind::Failed, Lang::Ru) => {
                "Звонок не состоялся по техническим причинам.".into()
            }
            (OutcomeKind::Failed, Lang::En) => "The call failed for technical reasons.".into(),
        }
    }
}

const INVALID_SIP: [u16; 4] = [404, 410, 484, 604];
const INVALID_Q850: [u16; 4] = [1, 3, 22, 28];

/// Maps a provider report to the neutral outcome. `operator_keys` are the DTMF keys that ask
/// for an operator (e.g. `"0"`); a status that is not final yet is an error
/// (`notify.not_final`), so is a word the provider does not have (`notify.unknown_status`).
///
/// ```
/// use chek_engage::notify::{map_outcome, CallOutcome, ProviderReport};
/// let r = |p: &str, s: &str| ProviderReport { provider: p.into(), status: s.into(), ..Default::default() };
/// assert_eq!(map_outcome(&r("twilio", "no-answer"), "0").unwrap(), CallOutcome::NoAnswer);
/// assert_eq!(map_outcome(&r("vonage", "timeout"), "0").unwrap(), CallOutcome::NoAnswer);
/// assert_eq!(map_outcome(&r("asterisk", "BUSY"), "0").unwrap(), CallOutcome::Busy);
/// ```
pub fn map_outcome(r: &ProviderReport, operator_keys: &str) -> Result<CallOutcome, NotifyError> {
    let provider = Provider::parse(&r.provider)?;
    let status = r.status.trim().to_ascii_lowercase();
    let listened_s = r.duration_s.unwrap_or(0);
    let invalid_evidence = r.sip_code.is_some_and(|c| INVALID_SIP.contains(&c))
        || r.hangup_cause.is_some_and(|c| INVALID_Q850.contains(&c));
    let failed = |why: &str| {
        let mut reason = format!("{provider} {why}");
        if let Some(c) = r.sip_code {
            reason.push_str(&format!(", SIP {c}"));
        }
        if let Some(c) = r.hangup_cause {
            reason.push_str(&format!(", cause {c}"));
        }
        CallOutcome::Failed { reason }
    };
    let answered = || {
        let key = r
            .digits
            .as_deref()
            .unwrap_or("")
            .chars()
            .take(32)
            .find(|c| operator_keys.contains(*c));
        match key {
            Some(k) => CallOutcome::Operator {
                listened_s,
                key: k.to_string(),
            },
            None => CallOutcome::Answered { listened_s },
        }
    };
    let not_final = || NotifyError::NotFinal {
        provider: provider.as_str(),
        status: r.status.chars().take(64).collect(),
    };
    let unknown = || NotifyError::UnknownStatus {
        provider: provider.as_str(),
        status: r.status.chars().take(64).collect(),
    };
    Ok(match provider {
        Provider::Twilio => match status.as_str() {
            "queued" | "initiated" | "ringing" | "in-progress" => return Err(not_final()),
            "completed" => {
                let by = r.answered_by.as_deref().unwrap_or("").to_ascii_lowercase();
                if by.starts_with("machine") || by == "fax" {
                    CallOutcome::Machine { listened_s }
                } else {
                    answered()
                }
            }
            "busy" => CallOutcome::Busy,
            "no-answer" => CallOutcome::NoAnswer,
            "canceled" => failed("canceled"),
            "failed" if invalid_evidence => CallOutcome::InvalidNumber,
            "failed" => failed("failed"),
            _ => return Err(unknown()),
        },
        Provider::Vonage => match status.as_str() {
            "started" | "ringing" | "answered" => return Err(not_final()),
            "completed" => answered(),
            "machine" => CallOutcome::Machine { listened_s },
            "busy" | "rejected" => CallOutcome::Busy,
            "timeout" | "unanswered" => CallOutcome::NoAnswer,
            "cancelled" => failed("cancelled"),
            "failed" if invalid_evidence => CallOutcome::InvalidNumber,
            "failed" => failed("failed"),
            _ => return Err(unknown()),
        },
        Provider::Asterisk => match status.as_str() {
            "answer" => answered(),
            "busy" => CallOutcome::Busy,
            "noanswer" => CallOutcome::NoAnswer,
            "congestion" | "chanunavail" if invalid_evidence => CallOutcome::InvalidNumber,
            "congestion" | "chanunavail" | "cancel" | "dontcall" | "torture" | "invalidargs" => {
                failed(&status.to_ascii_uppercase())
            }
            _ => return Err(unknown()),
        },
        Provider::Uis => match status.as_str() {
            // The message played to the end, or the person hung up after listening: the
            // minimum listening time of the template decides which.
            "success_finish"
            | "subscriber_disconnects"
            | "scenario_disconnects"
            | "operator_answer"
            | "operator_disconnects"
            | "transfer_disconnects" => answered(),
            "fax_session_done" => CallOutcome::Machine { listened_s },
            "subscriber_busy" => CallOutcome::Busy,
            "subscriber_not_responsible" | "timeout" | "no_success_subscriber_call" => {
                CallOutcome::NoAnswer
            }
            "subscriber_number_problems" => CallOutcome::InvalidNumber,
            "call_enqueued" => return Err(not_final()),
            "numa_dnd_interval"
            | "numa_in_spam_list"
            | "locked_numb"
            | "call_not_allowed_on_tp"
            | "no_money"
            | "limit_exceeded"
            | "no_resources"
            | "net_lock"
            | "locked_phone"
            | "sip_trunk_is_locked"
            | "out_call_not_allowed"
            | "out_call_not_allowed_by_status"
            | "external_call_not_allowed"
            | "external_call_not_allowed_by_status"
            | "max_out_call_reached"
            | "disconnect_before_call_processing"
            | "internal_error"
            | "incorrect_config"
            | "communication_unavailable"
            | "account_not_found"
            | "contract_not_found"
            | "scenario_not_found"
            | "no_operation" => failed(&status),
            _ => return Err(unknown()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(p: &str, s: &str) -> ProviderReport {
        ProviderReport {
            provider: p.into(),
            status: s.into(),
            ..Default::default()
        }
    }

    fn map(r: &ProviderReport) -> CallOutcome {
        map_outcome(r, "0").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn answered_listened_and_operator_key() {
        for p in ["twilio", "vonage"] {
            let mut r = report(p, "completed");
            r.duration_s = Some(42);
            assert_eq!(map(&r), CallOutcome::Answered { listened_s: 42 });
            r.digits = Some("10".into());
            assert_eq!(
                map(&r),
                CallOutcome::Operator {
                    listened_s: 42,
                    key: "0".into()
                }
            );
        }
        let mut a = report("asterisk", "ANSWER");
        a.duration_s = Some(17);
        assert_eq!(map(&a), CallOutcome::Answered { listened_s: 17 });
    }

    #[test]
    fn machines() {
        let mut t = report("twilio", "completed");
        t.answered_by = Some("machine_end_beep".into());
        t.duration_s = Some(20);
        assert_eq!(map(&t), CallOutcome::Machine { listened_s: 20 });
        t.answered_by = Some("human".into());
        assert_eq!(map(&t).kind(), OutcomeKind::Answered);
        assert_eq!(
            map(&report("vonage", "machine")).kind(),
            OutcomeKind::Machine
        );
    }

    #[test]
    fn no_answer_busy_invalid_failed() {
        let cases: &[(&str, &str, OutcomeKind)] = &[
            ("twilio", "no-answer", OutcomeKind::NoAnswer),
            ("twilio", "busy", OutcomeKind::Busy),
            ("twilio", "failed", OutcomeKind::Failed),
            ("twilio", "canceled", OutcomeKind::Failed),
            ("vonage", "unanswered", OutcomeKind::NoAnswer),
            ("vonage", "timeout", OutcomeKind::NoAnswer),
            ("vonage", "busy", OutcomeKind::Busy),
            ("vonage", "rejected", OutcomeKind::Busy),
            ("vonage", "failed", OutcomeKind::Failed),
            ("vonage", "cancelled", OutcomeKind::Failed),
            ("asterisk", "NOANSWER", OutcomeKind::NoAnswer),
            ("asterisk", "BUSY", OutcomeKind::Busy),
            ("asterisk", "CONGESTION", OutcomeKind::Failed),
            ("asterisk", "CHANUNAVAIL", OutcomeKind::Failed),
            ("asterisk", "CANCEL", OutcomeKind::Failed),
            ("asterisk", "DONTCALL", OutcomeKind::Failed),
        ];
        for &(p, s, k) in cases {
            assert_eq!(map(&report(p, s)).kind(), k, "{p} {s}");
        }
        let mut t = report("twilio", "failed");
        t.sip_code = Some(404);
        assert_eq!(map(&t), CallOutcome::InvalidNumber);
        let mut v = report("vonage", "failed");
        v.sip_code = Some(484);
        assert_eq!(map(&v), CallOutcome::InvalidNumber);
        let mut a = report("asterisk", "CONGESTION");
        a.hangup_cause = Some(1);
        assert_eq!(map(&a), CallOutcome::InvalidNumber);
        a.hangup_cause = Some(34);
        assert_eq!(
            map(&a),
            CallOutcome::Failed {
                reason: "asterisk CONGESTION, cause 34".into()
            }
        );
    }

    #[test]
    fn uis_finish_reasons() {
        // Was refused as an unknown provider.
        let cases: &[(&str, OutcomeKind)] = &[
            ("subscriber_busy", OutcomeKind::Busy),
            ("subscriber_not_responsible", OutcomeKind::NoAnswer),
            ("timeout", OutcomeKind::NoAnswer),
            ("no_success_subscriber_call", OutcomeKind::NoAnswer),
            ("subscriber_number_problems", OutcomeKind::InvalidNumber),
            ("numa_dnd_interval", OutcomeKind::Failed),
            ("no_money", OutcomeKind::Failed),
            ("fax_session_done", OutcomeKind::Machine),
        ];
        for &(s, k) in cases {
            for p in ["uis", "UIS", "comagic", "callgear"] {
                assert_eq!(map(&report(p, s)).kind(), k, "{p} {s}");
            }
        }
        // The call-end notification under its own field names.
        let r: ProviderReport = serde_json::from_str(
            r#"{"provider":"uis","finish_reason":"subscriber_disconnects","talk_time_duration":27,
                "call_session_id":998677427,"external_id":"k1"}"#,
        )
        .unwrap_or_default();
        assert_eq!(map(&r), CallOutcome::Answered { listened_s: 27 });
        assert_eq!(
            map(&r).with_min_listen(30),
            CallOutcome::HungUp { listened_s: 27 }
        );
        let code = |s: &str| map_outcome(&report("uis", s), "0").err().map(|e| e.code());
        assert_eq!(code("call_enqueued"), Some("notify.not_final"));
        assert_eq!(code("exploded"), Some("notify.unknown_status"));
    }

    #[test]
    fn not_final_and_unknown() {
        let code = |p: &str, s: &str| map_outcome(&report(p, s), "0").err().map(|e| e.code());
        assert_eq!(code("twilio", "ringing"), Some("notify.not_final"));
        assert_eq!(code("twilio", "in-progress"), Some("notify.not_final"));
        assert_eq!(code("vonage", "answered"), Some("notify.not_final"));
        assert_eq!(code("twilio", "exploded"), Some("notify.unknown_status"));
        assert_eq!(code("asterisk", ""), Some("notify.unknown_status"));
        assert_eq!(code("zvonobot", "busy"), Some("notify.unknown_provider"));
        let huge = report("twilio", &"x".repeat(1_000_000));
        let e = map_outcome(&huge, "0").err().map(|e| e.to_string().len());
        assert!(e.unwrap_or(usize::MAX) < 200);
    }
}
