//! Choosing a provider by name, as configuration gives it (`--provider fns`,
//! `Engine(provider="checkapi")`): one place that knows the names, their default addresses and
//! how a single timeout becomes a client configuration.

use std::time::Duration;

use crate::{
    BuildError, CHECKAPI_URL, CheckApi, ClientConfig, FNS_MOBILE_URL, FnsMobile, Secret, Verifier,
};

/// A verification provider known by name.
///
/// ```
/// use chek_verify::{ClientConfig, ProviderKind, Secret};
/// use std::time::Duration;
/// let kind = ProviderKind::from_name("fns").unwrap();
/// assert_eq!(kind.default_url(), chek_verify::FNS_MOBILE_URL);
/// let config = ClientConfig::with_total_timeout(Duration::from_secs(3));
/// let v = kind.build(None, Secret::new("session"), config).unwrap();
/// assert_eq!(v.name(), "fns");
/// assert!(ProviderKind::from_name("nalog").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    /// The ФНС app API ([`FnsMobile`]); the credential is a session id.
    Fns,
    /// A proverkacheka-style service ([`CheckApi`]); the credential is an API token.
    CheckApi,
}

impl ProviderKind {
    /// `"fns"` or `"checkapi"`; anything else is `None`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "fns" => Some(ProviderKind::Fns),
            "checkapi" => Some(ProviderKind::CheckApi),
            _ => None,
        }
    }

    /// The service's public address, used when no base URL is given.
    pub fn default_url(self) -> &'static str {
        match self {
            ProviderKind::Fns => FNS_MOBILE_URL,
            ProviderKind::CheckApi => CHECKAPI_URL,
        }
    }

    /// The provider, at `base_url` or the default address.
    pub fn build(
        self,
        base_url: Option<&str>,
        credential: Secret,
        config: ClientConfig,
    ) -> Result<Box<dyn Verifier>, BuildError> {
        let url = base_url.unwrap_or(self.default_url());
        Ok(match self {
            ProviderKind::Fns => Box::new(FnsMobile::new(url, credential, config)?),
            ProviderKind::CheckApi => Box::new(CheckApi::new(url, credential, config)?),
        })
    }
}

impl ClientConfig {
    /// The defaults, with one whole request limited to `total` (the connection timeout is
    /// cut to fit inside it).
    ///
    /// ```
    /// use chek_verify::ClientConfig;
    /// use std::time::Duration;
    /// let c = ClientConfig::with_total_timeout(Duration::from_secs(2));
    /// assert_eq!(c.total_timeout, Duration::from_secs(2));
    /// assert_eq!(c.connect_timeout, Duration::from_secs(2));
    /// ```
    pub fn with_total_timeout(total: Duration) -> Self {
        let d = ClientConfig::default();
        ClientConfig {
            total_timeout: total,
            connect_timeout: total.min(d.connect_timeout),
            ..d
        }
    }
}
