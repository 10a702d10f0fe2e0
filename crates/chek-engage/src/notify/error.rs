//! Why a notification cannot be rendered, planned or mapped.

use std::borrow::Cow;

use chek_core::{Coded, Lang};

/// Everything that can go wrong in `engage::notify`. Hostile templates, values, rules and
/// provider reports all end here, never in a panic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotifyError {
    /// The template does not parse.
    #[error("template error at byte {pos}: {reason}")]
    BadTemplate {
        /// Byte offset in the template.
        pos: usize,
        /// What is wrong.
        reason: String,
    },
    /// A placeholder names a formatter that does not exist, or gives it wrong arguments.
    #[error("unknown formatter or bad arguments: {0}")]
    BadFormatter(String),
    /// A placeholder's variable is not given and has no default.
    #[error("variable {0:?} is missing")]
    MissingVar(String),
    /// A variable's value does not suit its formatter (a date that is not a date…).
    #[error("variable {var:?} cannot be shown as {formatter}: {reason}")]
    BadValue {
        /// The variable.
        var: String,
        /// The formatter.
        formatter: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// An input is larger than the limit.
    #[error("{what} is too long (limit {limit})")]
    TooLong {
        /// What.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// Rules, policy or prices that do not parse or contradict themselves.
    #[error("bad notification config: {0}")]
    BadConfig(String),
    /// Events, contacts or a provider report that do not parse.
    #[error("bad input: {0}")]
    BadInput(String),
    /// No moment within the horizon satisfies quiet hours and caps.
    #[error("no allowed slot for {channel} within {days} days")]
    NoSlot {
        /// The channel.
        channel: &'static str,
        /// The horizon searched.
        days: u32,
    },
    /// Advertising to a recipient who has not consented.
    #[error("advertising needs the recipient's consent")]
    NoConsent,
    /// The recipient has no phone (call, SMS) or e-mail.
    #[error("the recipient has no address for {0}")]
    NoAddress(&'static str),
    /// The recipient's phone is not a phone number ([`chek_ru::phone::normalise`] refuses it):
    /// no call or SMS is planned to it.
    #[error("the recipient's phone {0:?} is not a phone number")]
    BadPhone(String),
    /// None of the rule's channels fits (length, address, consent, slot).
    #[error("no channel fits: {0}")]
    NoChannel(String),
    /// The recipient refused interaction («отказ от взаимодействия»).
    #[error("the recipient refused interaction")]
    OptedOut,
    /// A provider the mapping does not know.
    #[error("unknown call provider {0:?}: use twilio, vonage, asterisk or uis")]
    UnknownProvider(String),
    /// A status a provider does not have.
    #[error("{provider} has no call status {status:?}")]
    UnknownStatus {
        /// The provider.
        provider: &'static str,
        /// The status as given.
        status: String,
    },
    /// A status that is not final yet (ringing, in progress): wait for the final callback.
    #[error("{provider} status {status:?} is not final yet")]
    NotFinal {
        /// The provider.
        provider: &'static str,
        /// The status.
        status: String,
    },
}

impl Coded for NotifyError {
    fn code(&self) -> &'static str {
        match self {
            NotifyError::BadTemplate { .. } => "notify.bad_template",
            NotifyError::BadFormatter(_) => "notify.bad_formatter",
            NotifyError::MissingVar(_) => "notify.missing_var",
            NotifyError::BadValue { .. } => "notify.bad_value",
            NotifyError::TooLong { .. } => "notify.too_long",
            NotifyError::BadConfig(_) => "notify.bad_config",
            NotifyError::BadInput(_) => "notify.bad_input",
            NotifyError::NoSlot { .. } => "notify.no_slot",
            NotifyError::NoConsent => "notify.no_consent",
            NotifyError::NoAddress(_) => "notify.no_address",
            NotifyError::BadPhone(_) => "notify.bad_phone",
            NotifyError::NoChannel(_) => "notify.no_channel",
            NotifyError::OptedOut => "notify.opted_out",
            NotifyError::UnknownProvider(_) => "notify.unknown_provider",
            NotifyError::UnknownStatus { .. } => "notify.unknown_status",
            NotifyError::NotFinal { .. } => "notify.not_final",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        use NotifyError as E;
        match (self, lang) {
            (E::BadTemplate { pos, reason }, Lang::Ru) => {
                format!("Исправьте шаблон около символа {pos}: {reason}. Подстановка пишется {{имя|формат:аргументы}}, блоки — {{#sms}}…{{/sms}}.").into()
            }
            (E::BadTemplate { pos, reason }, Lang::En) => {
                format!("Fix the template near byte {pos}: {reason}. A placeholder is {{name|format:args}}, a block {{#sms}}…{{/sms}}.").into()
            }
            (E::BadFormatter(f), Lang::Ru) => format!("Формат «{f}» неизвестен или с неверными аргументами: используйте amount, number, plural, word, date, time, order, phone, name, text.").into(),
            (E::BadFormatter(f), Lang::En) => format!("Formatter {f:?} is unknown or has bad arguments: use amount, number, plural, word, date, time, order, phone, name, text.").into(),
            (E::MissingVar(v), Lang::Ru) => format!("Передайте значение «{v}» или задайте его по умолчанию: {{{v}?…}}.").into(),
            (E::MissingVar(v), Lang::En) => format!("Pass a value for {v:?} or give a default: {{{v}?…}}.").into(),
            (E::BadValue { var, formatter, .. }, Lang::Ru) => format!("Значение «{var}» не подходит для формата {formatter}: суммы — целые копейки, даты — ГГГГ-ММ-ДД.").into(),
            (E::BadValue { var, formatter, .. }, Lang::En) => format!("The value of {var:?} does not suit {formatter}: amounts are integer kopecks, dates YYYY-MM-DD.").into(),
            (E::TooLong { what, limit }, Lang::Ru) => format!("Слишком длинно ({what}): не больше {limit}.").into(),
            (E::TooLong { what, limit }, Lang::En) => format!("Too long ({what}): at most {limit}.").into(),
            (E::BadConfig(_), Lang::Ru) => "Проверьте правила, шаблоны, политику и цены уведомлений.".into(),
            (E::BadConfig(_), Lang::En) => "Check the notification rules, templates, policy and prices.".into(),
            (E::BadInput(_), Lang::Ru) => "Проверьте формат входного файла (события, контакты или отчёт провайдера).".into(),
            (E::BadInput(_), Lang::En) => "Check the input file format (events, contacts or the provider report).".into(),
            (E::NoSlot { .. }, Lang::Ru) => "Лимиты контактов и тихие часы не оставляют времени: выберите другой канал или дождитесь нового периода.".into(),
            (E::NoSlot { .. }, Lang::En) => "Contact caps and quiet hours leave no time: use another channel or wait for the next period.".into(),
            (E::NoConsent, Lang::Ru) => "Реклама только с согласия получателя: сообщение не отправляется.".into(),
            (E::NoConsent, Lang::En) => "Advertising only with the recipient's consent: the message is not sent.".into(),
            (E::NoAddress(c), Lang::Ru) => format!("У получателя нет адреса для канала {c}: добавьте телефон или e-mail.").into(),
            (E::NoAddress(c), Lang::En) => format!("The recipient has no address for {c}: add a phone or e-mail.").into(),
            (E::BadPhone(p), Lang::Ru) => format!("Телефон получателя «{p}» — не номер телефона: исправьте его в CRM (например, +7 912 345-67-89).").into(),
            (E::BadPhone(p), Lang::En) => format!("The recipient's phone {p:?} is not a phone number: fix it in the CRM (e.g. +7 912 345-67-89).").into(),
            (E::NoChannel(_), Lang::Ru) => "Ни один канал правила не подходит: сократите текст, добавьте канал или адрес.".into(),
            (E::NoChannel(_), Lang::En) => "None of the rule's channels fits: shorten the text, add a channel or an address.".into(),
            (E::OptedOut, Lang::Ru) => "Получатель отказался от взаимодействия: сообщения и звонки ему не планируются.".into(),
            (E::OptedOut, Lang::En) => "The recipient refused interaction: no messages or calls are planned for them.".into(),
            (E::UnknownProvider(_), Lang::Ru) => "Неизвестный провайдер звонков: twilio, vonage, asterisk или uis.".into(),
            (E::UnknownProvider(_), Lang::En) => "Unknown call provider: twilio, vonage, asterisk or uis.".into(),
            (E::UnknownStatus { provider, .. }, Lang::Ru) => format!("Статус звонка не из словаря {provider}: проверьте отчёт провайдера.").into(),
            (E::UnknownStatus { provider, .. }, Lang::En) => format!("The call status is not in {provider}'s vocabulary: check the provider report.").into(),
            (E::NotFinal { .. }, Lang::Ru) => "Звонок ещё идёт: дождитесь итогового статуса.".into(),
            (E::NotFinal { .. }, Lang::En) => "The call is still going on: wait for the final status.".into(),
        }
    }
}
