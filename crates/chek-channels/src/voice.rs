//! Robot calls: one trait ([`VoiceGateway`]) and two providers that place a call which speaks a
//! text (the notify templates' speech) and report how it ended.
//!
//! - [`Uis`]: the UIS Call API (one platform with CoMagic and CallGear), JSON-RPC 2.0 method
//!   `start.informer_call` with a `tts` message; the call-end notification is read by
//!   [`parse_uis_callback`].
//! - [`Asterisk`]: the Asterisk REST Interface (ARI), `POST /ari/channels` (originate) into a
//!   Stasis application or a dialplan context, the text in the channel variable `CHEK_TTS`
//!   (Asterisk has no TTS of its own: the host's dialplan or application speaks it); the result
//!   is read by [`parse_asterisk_callback`] from a small JSON the dialplan posts, or from the
//!   ARI events `ChannelDestroyed` / `ChannelVarset`.
//!
//! Both give a [`CallResult`] in the words of the notify outcome model (`provider`, `status`,
//! `duration_s`, `digits`, `sip_code`, `hangup_cause`); the facade crate `chek` turns it into a
//! `chek::engage::notify::ProviderReport`. Blocking calls on a one-worker runtime of their own;
//! no retries inside (the outbox retries), but every error says whether one helps
//! ([`ChannelError::retryable`](crate::ChannelError::retryable)). Credentials are
//! [`Secret`](crate::Secret)s: never in `Debug`, errors or URLs.
//!
//! ```
//! use chek_channels::voice::{CallRequest, parse_uis_callback};
//! let r = CallRequest::new("8 (916) 123-45-67", "Ваш чек принят")?;
//! assert_eq!(r.to, "79161234567");
//! let end = parse_uis_callback(br#"{"call_session_id": 1238694, "finish_reason": "success_finish", "talk_time_duration": 12}"#)?;
//! assert_eq!((end.provider, end.status.as_str(), end.duration_s), ("uis", "success_finish", Some(12)));
//! # Ok::<(), chek_channels::ChannelError>(())
//! ```

mod asterisk;
mod callback;
mod client;
mod types;
mod uis;

pub use asterisk::{Asterisk, AsteriskRoute, TTS_VARIABLE};
pub use callback::{MAX_CALLBACK_BYTES, parse_asterisk_callback, parse_uis_callback};
pub use types::{CallPlaced, CallRequest, CallResult, MAX_TTS_CHARS, VoiceGateway};
pub use uis::{UIS_URL, Uis};
