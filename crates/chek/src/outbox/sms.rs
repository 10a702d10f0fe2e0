//! The outbox's SMS channel: a message's recipient is the phone number.

use std::sync::Arc;

use chek_channels::sms::{SmsGateway, SmsRequest};
use chek_store::OutboxMessage;

use super::telegram::send_error;
use super::{Delivered, SendError, Sender};

/// Sends outbox rows of channel `"sms"` through a gateway ([`SmsRu`](chek_channels::sms::SmsRu),
/// [`Smsc`](chek_channels::sms::Smsc), or the host's own). A bad number or a text over 8
/// segments fails the row; outages and limits retry. Delivery reports come back through the
/// provider's callback: record them with
/// [`Ledger::outbox_delivery`](chek_store::Ledger::outbox_delivery)`("sms", id, status)`.
///
/// ```no_run
/// use chek::channels::Secret;
/// use chek::channels::sms::{SmsRu, SMSRU_URL};
/// use chek::outbox::{Dispatcher, SmsSender};
/// let gw = SmsRu::new(Secret::new(std::env::var("SMSRU_KEY")?), SMSRU_URL, Some("CHEK"),
///                     std::time::Duration::from_secs(20))?;
/// let d = Dispatcher::new().with_sender(Box::new(SmsSender::new(std::sync::Arc::new(gw))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct SmsSender(Arc<dyn SmsGateway>);

impl SmsSender {
    /// The channel name its rows carry.
    pub const CHANNEL: &'static str = "sms";

    /// A sender over a gateway.
    pub fn new(gateway: Arc<dyn SmsGateway>) -> Self {
        SmsSender(gateway)
    }
}

impl Sender for SmsSender {
    fn channel(&self) -> &str {
        Self::CHANNEL
    }

    fn send(&self, m: &OutboxMessage) -> Result<Delivered, SendError> {
        let r = SmsRequest::new(&m.recipient, &m.body).map_err(|e| send_error(&e))?;
        match self.0.send(&r) {
            Ok(sent) => Ok(Delivered {
                provider_id: Some(sent.provider_id),
            }),
            Err(e) => Err(send_error(&e)),
        }
    }
}
