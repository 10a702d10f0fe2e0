//! What the bot says, in the participant's language: a receipt's decision with its lots and
//! hint, the status of their receipts, and the fixed answers.

use chek_core::Lang;
use chek_ru::plural::PluralCategory;
use chek_store::{ParticipantRecord, ReceiptStatus};

use crate::engine::{Outcome, OutcomeStatus};

/// «3 лота», «1 lot».
fn count(n: u64, lang: Lang, ru: [&str; 3], en: [&str; 2]) -> String {
    let word = match lang {
        Lang::Ru => match PluralCategory::of_integer(n) {
            PluralCategory::One => ru[0],
            PluralCategory::Few => ru[1],
            _ => ru[2],
        },
        Lang::En => {
            if n == 1 {
                en[0]
            } else {
                en[1]
            }
        }
    };
    format!("{n} {word}")
}

fn lots(n: u64, lang: Lang) -> String {
    count(n, lang, ["лот", "лота", "лотов"], ["lot", "lots"])
}

fn receipts(n: u64, lang: Lang) -> String {
    count(n, lang, ["чек", "чека", "чеков"], ["receipt", "receipts"])
}

fn tr(lang: Lang, ru: &str, en: &str) -> String {
    match lang {
        Lang::Ru => ru.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// The reply to a submitted receipt: the decision, the lots and, when it did not count, the
/// hint of its main reason. A replayed outcome reads the same as the first (a retried message
/// gets the same answer).
///
/// ```
/// use chek::bot::outcome_reply;
/// use chek::campaign::Campaign;
/// use chek::engine::{Engine, Input, Submission, Verification};
/// use chek::store::Ledger;
/// use chek::verify::RecheckPolicy;
/// let c = Campaign::from_toml("id = \"d\"\nname = \"d\"\n[when]\nstart = \"2026-11-01\"\nend = \"2026-11-30\"\n[what]\nrequire_verification = false\n[[earn]]\nid = \"r\"\nkind = \"per_receipt\"\nlots = 3\n")?;
/// let e = Engine::new(c, Ledger::open(":memory:")?, Verification::Offline, RecheckPolicy::default());
/// let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(9, 0, 0).unwrap();
/// let qr = "t=20261105T1830&s=100.00&fn=7281440500751551&i=1&fp=1&n=1";
/// let o = e.process(Submission::new("tg:1", Input::QrText(qr.into())).received_at(now))?;
/// assert_eq!(outcome_reply(&o), "Чек принят! Начислено 3 лота.");
/// let again = e.process(Submission::new("tg:2", Input::QrText(qr.into())).received_at(now))?;
/// assert!(outcome_reply(&again).starts_with("Чек передан оператору"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn outcome_reply(o: &Outcome) -> String {
    let lang = o.lang;
    let hint = o
        .main_reason()
        .map(|r| r.hint.trim().to_owned())
        .filter(|h| !h.is_empty());
    let with_hint = |head: String| match &hint {
        Some(h) => format!("{head} {h}"),
        None => head,
    };
    match o.status {
        OutcomeStatus::Accepted if o.lots > 0 => match lang {
            Lang::Ru => format!("Чек принят! Начислено {}.", lots(o.lots, lang)),
            Lang::En => format!("Receipt accepted! {} credited.", lots(o.lots, lang)),
        },
        OutcomeStatus::Accepted => tr(lang, "Чек принят.", "Receipt accepted."),
        OutcomeStatus::Rejected => with_hint(tr(lang, "Чек не принят.", "Receipt not accepted.")),
        OutcomeStatus::PendingRecheck { next_at } => {
            let day = next_at.format("%d.%m.%Y");
            let mut s = match lang {
                Lang::Ru => format!(
                    "Чек пока не найден в ФНС: так бывает в первые дни. Проверим его ещё раз {day}."
                ),
                Lang::En => format!(
                    "The tax service does not know this receipt yet; that happens in the first days. We will check it again on {day}."
                ),
            };
            if o.lots > 0 {
                s.push(' ');
                s.push_str(&match lang {
                    Lang::Ru => format!("После подтверждения: {}.", lots(o.lots, lang)),
                    Lang::En => format!("Once confirmed: {}.", lots(o.lots, lang)),
                });
            }
            s
        }
        OutcomeStatus::AwaitingOperator => with_hint(tr(
            lang,
            "Чек передан оператору на проверку.",
            "The receipt was passed to an operator for review.",
        )),
        OutcomeStatus::Failed => with_hint(tr(
            lang,
            "Не получилось прочитать чек.",
            "The receipt could not be read.",
        )),
    }
}

/// `/status`: lots, receipts counted and receipts still being checked.
pub fn status_reply(r: Option<&ParticipantRecord>, lang: Lang) -> String {
    let Some(r) = r else {
        return tr(
            lang,
            "У вас пока нет чеков в акции. Пришлите фото чека с QR-кодом.",
            "You have no receipts in the campaign yet. Send a photo of a receipt with its QR code.",
        );
    };
    let waiting = r
        .receipts
        .iter()
        .filter(|e| {
            matches!(
                e.status,
                ReceiptStatus::PendingRecheck { .. } | ReceiptStatus::AwaitingOperator
            )
        })
        .count() as u64;
    let mut s = match lang {
        Lang::Ru => format!(
            "У вас {}: принято {}.",
            lots(r.balance.lots, lang),
            receipts(r.balance.counted, lang)
        ),
        Lang::En => format!(
            "You have {}: {} accepted.",
            lots(r.balance.lots, lang),
            receipts(r.balance.counted, lang)
        ),
    };
    if waiting > 0 {
        s.push(' ');
        s.push_str(&match lang {
            Lang::Ru => format!("На проверке: {}.", receipts(waiting, lang)),
            Lang::En => format!("Still being checked: {}.", receipts(waiting, lang)),
        });
    }
    s
}

/// `/start`.
pub(crate) fn start_reply(lang: Lang) -> String {
    tr(
        lang,
        "Здравствуйте! Пришлите фото чека так, чтобы QR-код был виден целиком. Можно прислать и текст: строку из QR-кода или ФН, ФД, ФП, дату и сумму с чека. /status — ваши лоты и чеки на проверке. Чтобы связаться с человеком, напишите «оператор».",
        "Hello! Send a photo of your receipt with the whole QR code in view. You can also send text: the QR code's line, or the ФН, ФД, ФП, date and total from the receipt. /status shows your lots and the receipts being checked. To reach a person, write “operator”.",
    )
}

/// A care case was opened.
pub(crate) fn operator_reply(lang: Lang) -> String {
    tr(
        lang,
        "Передали ваш вопрос оператору. Ответим здесь, в этом чате.",
        "Your question is with an operator. We will answer here, in this chat.",
    )
}

/// Something the bot cannot use.
pub(crate) fn unsupported_reply(lang: Lang) -> String {
    tr(
        lang,
        "Пришлите, пожалуйста, фото чека с QR-кодом или данные чека текстом. /start — подробнее.",
        "Please send a photo of a receipt with its QR code, or the receipt's data as text. /start explains.",
    )
}

/// A photo that could not be downloaded for good (too large).
pub(crate) fn file_reply(lang: Lang) -> String {
    tr(
        lang,
        "Файл слишком большой. Пришлите фото чека поменьше (до 20 МБ).",
        "The file is too large. Please send a smaller photo of the receipt (up to 20 MB).",
    )
}

/// A photo Telegram would not give (expired or refused).
pub(crate) fn file_again_reply(lang: Lang) -> String {
    tr(
        lang,
        "Не получилось загрузить фото. Пришлите его ещё раз, пожалуйста.",
        "The photo could not be downloaded. Please send it again.",
    )
}
