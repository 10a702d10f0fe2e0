//! The outbox's voice channel: a message's recipient is the phone number, its body the text
//! the robot call speaks.

use std::sync::Arc;

use chek_channels::voice::{CallRequest, VoiceGateway};
use chek_store::OutboxMessage;

use super::telegram::send_error;
use super::{Delivered, SendError, Sender};

/// Places outbox rows of channel `"voice"` as robot calls through a gateway
/// ([`Uis`](chek_channels::voice::Uis), [`Asterisk`](chek_channels::voice::Asterisk), or the
/// host's own). The call carries the external id `outbox:<row id>`, so the call-end callback
/// can be joined back to the row. A bad number or a text over
/// [`MAX_TTS_CHARS`](chek_channels::voice::MAX_TTS_CHARS) fails the row; outages and limits
/// retry. The row is *sent* once the call is placed: how the call ended comes through the
/// provider's callback ([`call_report`](crate::channels::call_report) turns it into the
/// notify model's report).
///
/// ```no_run
/// use chek::channels::Secret;
/// use chek::channels::voice::{Uis, UIS_URL};
/// use chek::outbox::{Dispatcher, VoiceSender};
/// let gw = Uis::new(Secret::new(std::env::var("UIS_TOKEN")?), "74993720692", UIS_URL,
///                   std::time::Duration::from_secs(20))?;
/// let d = Dispatcher::new().with_sender(Box::new(VoiceSender::new(std::sync::Arc::new(gw))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct VoiceSender(Arc<dyn VoiceGateway>);

impl VoiceSender {
    /// The channel name its rows carry.
    pub const CHANNEL: &'static str = "voice";

    /// A sender over a gateway.
    pub fn new(gateway: Arc<dyn VoiceGateway>) -> Self {
        VoiceSender(gateway)
    }
}

impl Sender for VoiceSender {
    fn channel(&self) -> &str {
        Self::CHANNEL
    }

    fn send(&self, m: &OutboxMessage) -> Result<Delivered, SendError> {
        let r = CallRequest::new(&m.recipient, &m.body)
            .and_then(|r| r.with_external_id(&format!("outbox:{}", m.id)))
            .map_err(|e| send_error(&e))?;
        match self.0.place_call(&r) {
            Ok(placed) => Ok(Delivered {
                provider_id: Some(placed.call_id),
            }),
            Err(e) => Err(send_error(&e)),
        }
    }
}
