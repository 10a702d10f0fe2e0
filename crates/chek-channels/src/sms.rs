//! SMS gateways: one trait ([`SmsGateway`]) and two Russian providers' documented HTTP APIs,
//! [`SmsRu`] (sms.ru) and [`Smsc`] (smsc.ru). Each sends with the sender name, says how many
//! segments went out (GSM-7 or UCS-2, as `chek-ru` measures them) and what they cost when the
//! provider says, asks for the delivery status, and reads the provider's delivery callbacks.
//! Blocking calls on a one-worker runtime of their own; no retries inside (the outbox retries),
//! but every error says whether one helps. Credentials are [`Secret`](crate::Secret)s.

mod callback;
mod client;
mod smsc;
mod smsru;
mod types;

pub use callback::parse_smsru_callback;
pub use smsc::{SMSC_URL, Smsc};
pub use smsru::{SMSRU_URL, SmsRu};
pub use types::{MAX_SMS_SEGMENTS, SmsDelivery, SmsGateway, SmsRequest, SmsSent, SmsStatus};
