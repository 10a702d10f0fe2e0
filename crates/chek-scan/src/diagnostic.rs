//! What is wrong with a photo that gave no fiscal QR, each with a code and a hint.

use std::borrow::Cow;

use chek_core::fiscal::QrError;
use chek_core::{Coded, Lang};

/// A finding about the photo, reported when no fiscal QR was read.
///
/// ```
/// use chek_scan::Diagnostic;
/// use chek_core::{Coded, Lang};
/// assert_eq!(Diagnostic::Blurry.code(), "scan.blurry");
/// assert!(Diagnostic::QrUnreadable.hint(Lang::En).contains("closer"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Diagnostic {
    /// No QR code, not even its corner squares, is in the picture.
    NoQr,
    /// Corner squares of a QR were seen, but the code could not be read (damaged, cut off,
    /// creased, too far).
    QrUnreadable,
    /// The picture is out of focus or shaken.
    Blurry,
    /// The picture is too dark.
    TooDark,
    /// The picture is overexposed: the paper and the code are washed out.
    Overexposed,
    /// A bright reflection (flash, lamp) covers part of the code.
    Glare,
    /// A QR code was read, but it is not a receipt's (a shop link, a payment code).
    NotFiscal,
    /// A QR that looks fiscal was read but its content is broken; the inner error says how.
    FiscalInvalid(QrError),
    /// The picture has too few pixels to hold a readable QR.
    ImageTooSmall,
    /// The time budget ran out before every preprocessing step was tried.
    OutOfTime,
    /// The QR's corner squares were seen, but its modules are too small to read: the photo was
    /// taken from too far away.
    QrTooSmall,
    /// The QR is cut off by the edge of the picture.
    QrCutOff,
    /// The print is faded: the code is too pale against the paper to read. The printed fiscal
    /// lines (ФН, ФД, ФП) can still be typed in.
    Faded,
}

impl Coded for Diagnostic {
    fn code(&self) -> &'static str {
        match self {
            Diagnostic::NoQr => "scan.no_qr",
            Diagnostic::QrUnreadable => "scan.qr_unreadable",
            Diagnostic::Blurry => "scan.blurry",
            Diagnostic::TooDark => "scan.too_dark",
            Diagnostic::Overexposed => "scan.overexposed",
            Diagnostic::Glare => "scan.glare",
            Diagnostic::NotFiscal => "scan.not_fiscal",
            Diagnostic::FiscalInvalid(e) => e.code(),
            Diagnostic::ImageTooSmall => "scan.image_too_small",
            Diagnostic::OutOfTime => "scan.out_of_time",
            Diagnostic::QrTooSmall => "scan.qr_too_small",
            Diagnostic::QrCutOff => "scan.qr_cut_off",
            Diagnostic::Faded => "scan.faded",
        }
    }

    fn hint(&self, lang: Lang) -> Cow<'static, str> {
        use Diagnostic as D;
        match (self, lang) {
            (D::NoQr, Lang::Ru) => "На фото не видно QR-кода. Найдите QR-код внизу чека и сфотографируйте его так, чтобы он был целиком в кадре.".into(),
            (D::NoQr, Lang::En) => "No QR code is visible. Find the QR code at the bottom of the receipt and photograph it with the whole code in the frame.".into(),
            (D::QrUnreadable, Lang::Ru) => "QR-код виден, но не читается. Сфотографируйте ближе, чтобы весь код был в кадре, расправьте чек и держите телефон ровно.".into(),
            (D::QrUnreadable, Lang::En) => "The QR code is visible but cannot be read. Take the photo closer with the whole code in the frame, flatten the receipt and hold the phone level.".into(),
            (D::Blurry, Lang::Ru) => "Фото размыто. Держите телефон неподвижно, коснитесь экрана на QR-коде для фокусировки и не подносите слишком близко.".into(),
            (D::Blurry, Lang::En) => "The photo is blurred. Hold the phone still, tap the QR code on the screen to focus, and do not hold it too close.".into(),
            (D::TooDark, Lang::Ru) => "Фото слишком тёмное. Переснимите при хорошем освещении.".into(),
            (D::TooDark, Lang::En) => "The photo is too dark. Retake it in good light.".into(),
            (D::Overexposed, Lang::Ru) => "Фото засвечено. Уберите чек от яркого света или выключите вспышку.".into(),
            (D::Overexposed, Lang::En) => "The photo is washed out. Move the receipt out of bright light or turn the flash off.".into(),
            (D::Glare, Lang::Ru) => "На QR-код падает блик. Выключите вспышку или наклоните телефон, чтобы отражение ушло с кода.".into(),
            (D::Glare, Lang::En) => "A reflection covers the QR code. Turn off the flash or tilt the phone so the glare moves off the code.".into(),
            (D::NotFiscal, Lang::Ru) => "Прочитан QR-код, но это не код кассового чека. Сфотографируйте QR-код рядом с надписями ФН, ФД, ФП.".into(),
            (D::NotFiscal, Lang::En) => "A QR code was read, but it is not a receipt's. Photograph the QR code next to the ФН, ФД, ФП lines.".into(),
            (D::FiscalInvalid(e), lang) => e.hint(lang),
            (D::ImageTooSmall, Lang::Ru) => "Изображение слишком маленькое. Пришлите исходное фото, а не миниатюру.".into(),
            (D::ImageTooSmall, Lang::En) => "The picture is too small. Send the original photo, not a thumbnail.".into(),
            (D::OutOfTime, Lang::Ru) => "Не удалось прочитать QR-код за отведённое время. Переснимите код крупнее и чётче.".into(),
            (D::OutOfTime, Lang::En) => "The QR code could not be read in the time allowed. Retake the code larger and sharper.".into(),
            (D::QrTooSmall, Lang::Ru) => "QR-код на фото слишком мелкий. Поднесите телефон ближе, чтобы код занимал не меньше трети кадра.".into(),
            (D::QrTooSmall, Lang::En) => "The QR code is too small in the photo. Move the phone closer so the code fills at least a third of the frame.".into(),
            (D::QrCutOff, Lang::Ru) => "QR-код обрезан краем кадра. Сфотографируйте так, чтобы весь код с белыми полями вокруг был в кадре.".into(),
            (D::QrCutOff, Lang::En) => "The QR code is cut off by the edge of the photo. Retake it with the whole code and a white margin around it in the frame.".into(),
            (D::Faded, Lang::Ru) => "Печать чека выцвела, QR-код слишком бледный. Введите ФН, ФД и ФП с чека вручную или сфотографируйте строки с ними.".into(),
            (D::Faded, Lang::En) => "The receipt's print has faded and the QR code is too pale to read. Type in the ФН, ФД and ФП from the receipt, or photograph those lines.".into(),
        }
    }
}
