//! The printed labels of a receipt's fields, in the spellings cash registers use, and the search
//! for them in OCR text (case, Latin look-alikes and digit-for-letter damage folded away).

use super::chars::{Buf, is_letter};
use crate::fiscal::Operation;

/// What a label introduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Fn,
    Fd,
    Fp,
    Inn,
    Rnm,
    Zn,
    Shift,
    ReceiptNo,
    Total,
    Payment,
    Op(Operation),
    /// `ВОЗВРАТ` alone: almost always a sale refund, but not said.
    OpRefund,
}

/// Longer spellings before their prefixes, grouped by first letter. A space matches any run of
/// spaces, dots and colons (including none), so `РЕГ НОМЕР ККТ` also matches `РЕГ.НОМЕР ККТ:`.
fn labels_starting_with(c: char) -> &'static [(&'static str, Kind)] {
    match c {
        'Ф' => &[
            ("ФПД", Kind::Fp),
            ("ФП", Kind::Fp),
            ("ФН", Kind::Fn),
            ("ФД", Kind::Fd),
        ],
        'И' => &[
            ("ИНН", Kind::Inn),
            ("ИТОГО К ОПЛАТЕ", Kind::Total),
            ("ИТОГО", Kind::Total),
            ("ИТОГ", Kind::Total),
        ],
        'Р' => &[
            ("РН ККТ", Kind::Rnm),
            ("РНМ", Kind::Rnm),
            ("РЕГИСТРАЦИОННЫЙ НОМЕР ККТ", Kind::Rnm),
            ("РЕГ НОМЕР ККТ", Kind::Rnm),
            ("РЕГ НОМЕР", Kind::Rnm),
            ("РАСХОД", Kind::Op(Operation::Expense)),
        ],
        'З' => &[
            ("ЗН ККТ", Kind::Zn),
            ("ЗАВОДСКОЙ НОМЕР ККТ", Kind::Zn),
            ("ЗАВОДСКОЙ НОМЕР", Kind::Zn),
            ("ЗАВОД", Kind::Zn),
            ("ЗАВ", Kind::Zn),
        ],
        'С' => &[("СМЕНА", Kind::Shift)],
        'Ч' => &[("ЧЕК", Kind::ReceiptNo)],
        'В' => &[
            ("ВОЗВРАТ ПРИХОДА", Kind::Op(Operation::SaleRefund)),
            ("ВОЗВРАТ РАСХОДА", Kind::Op(Operation::ExpenseRefund)),
            ("ВОЗВРАТ", Kind::OpRefund),
        ],
        'П' => &[("ПРИХОД", Kind::Op(Operation::Sale))],
        'Б' => &[
            ("БЕЗНАЛИЧНЫМИ", Kind::Payment),
            ("БЕЗНАЛИЧНЫЕ", Kind::Payment),
        ],
        'Н' => &[("НАЛИЧНЫМИ", Kind::Payment), ("НАЛИЧНЫЕ", Kind::Payment)],
        'Э' => &[("ЭЛЕКТРОННЫМИ", Kind::Payment)],
        'К' => &[("КАРТОЙ", Kind::Payment), ("КАРТА", Kind::Payment)],
        _ => &[],
    }
}

/// One label found: characters `[start, end)` of the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: Kind,
}

fn is_label_sep(c: char) -> bool {
    matches!(c, ' ' | '.' | ':' | '\n')
}

/// Matches `pat` (folded) at `pos`; returns the end.
fn match_at(buf: &Buf, pos: usize, pat: &str) -> Option<usize> {
    let f = &buf.folded;
    let mut i = pos;
    let mut chars = pat.chars().peekable();
    while let Some(pc) = chars.next() {
        if pc == ' ' {
            while i < f.len() && is_label_sep(f[i]) && i - pos < 64 {
                i += 1;
            }
            continue;
        }
        if f.get(i) != Some(&pc) {
            return None;
        }
        i += 1;
        let _ = chars.peek();
    }
    Some(i)
}

/// Every label in the text, in order, none overlapping.
pub(crate) fn find_labels(buf: &Buf) -> Vec<Hit> {
    let raw = &buf.raw;
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let c = buf.folded[i];
        // Labels start a word: the character before is not a letter (digits may precede
        // when OCR merged two lines).
        let labels = labels_starting_with(c);
        if labels.is_empty() || (i > 0 && is_letter(raw[i - 1])) {
            i += 1;
            continue;
        }
        let hit = labels.iter().find_map(|&(pat, kind)| {
            let end = match_at(buf, i, pat)?;
            // …and end one: no letter right after (so ФН never matches ФНС).
            (end >= raw.len() || !is_letter(raw[end])).then_some(Hit {
                start: i,
                end,
                kind,
            })
        });
        match hit {
            Some(h) => {
                out.push(h);
                i = h.end.max(i + 1);
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Kind> {
        find_labels(&Buf::new(s))
            .into_iter()
            .map(|h| h.kind)
            .collect()
    }

    #[test]
    fn spellings_and_look_alikes() {
        assert_eq!(kinds("ФН №: 1"), vec![Kind::Fn]);
        assert_eq!(kinds("ФПД#: 1"), vec![Kind::Fp]);
        assert_eq!(kinds("PH KKT 1"), vec![Kind::Rnm]);
        assert_eq!(kinds("РЕГ.НОМЕР ККТ: 1"), vec![Kind::Rnm]);
        assert_eq!(kinds("ИT0Г =1"), vec![Kind::Total]);
        assert_eq!(kinds("САЙТ ФНС www.nalog.gov.ru"), vec![]);
        assert_eq!(kinds("НДС итога чека"), vec![]);
        assert_eq!(
            kinds("ВОЗВРАТ ПРИХОДА 1"),
            vec![Kind::Op(Operation::SaleRefund)]
        );
        assert_eq!(kinds("БЕЗНАЛИЧНЫМИ =1"), vec![Kind::Payment]);
        assert_eq!(
            kinds("ФН 7380440700076549ФД 41110"),
            vec![Kind::Fn, Kind::Fd]
        );
    }
}
