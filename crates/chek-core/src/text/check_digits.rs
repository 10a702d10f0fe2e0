//! ИНН and РН ККТ carry check digits; together with ЗН ККТ they confirm a reading or pick the one
//! correction of an OCR-misread digit that makes them all agree. Nothing is corrected when zero
//! or several corrections fit.

use super::chars::{Digits, digit_confusions};
use crate::fiscal::inn_is_valid;

/// How a number came out of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The check digits confirm the number as read.
    Confirmed,
    /// One digit was corrected and the check digits confirm the correction.
    Corrected,
    /// The number has the right shape; nothing could confirm it.
    Plausible,
    /// The checks fail and no single correction fits: the number cannot be trusted.
    Doubtful,
    /// Wrong length or failed its own check digits with nothing to repair it.
    Bad,
}

fn ascii(d: &Digits, buf: &mut [u8; 24]) -> usize {
    for (i, &x) in d.as_slice().iter().enumerate() {
        buf[i] = b'0' + x;
    }
    d.len()
}

pub(crate) fn inn_ok(d: &Digits) -> bool {
    let mut b = [0u8; 24];
    let n = ascii(d, &mut b);
    (n == 10 || n == 12) && std::str::from_utf8(&b[..n]).is_ok_and(inn_is_valid)
}

fn rnm_shape_ok(d: &Digits) -> bool {
    let s = d.as_slice();
    s.len() == 16
        && s[10] == 0
        && s[10..].iter().fold(0u32, |a, &x| a * 10 + u32::from(x)) <= 65_535
}

fn rnm_ok(rnm: &Digits, inn: &Digits, zn: &Digits) -> bool {
    if !rnm_shape_ok(rnm) || inn.len() > 12 || zn.len() > 20 {
        return false;
    }
    let mut buf = [b'0'; 42];
    for (i, &x) in rnm.as_slice()[..10].iter().enumerate() {
        buf[i] = b'0' + x;
    }
    let inn_at = 10 + 12 - inn.len();
    for (i, &x) in inn.as_slice().iter().enumerate() {
        buf[inn_at + i] = b'0' + x;
    }
    let zn_at = 22 + 20 - zn.len();
    for (i, &x) in zn.as_slice().iter().enumerate() {
        buf[zn_at + i] = b'0' + x;
    }
    let crc = crate::fiscal::crc16_ccitt_false(&buf);
    let check = rnm.as_slice()[10..]
        .iter()
        .fold(0u32, |a, &x| a * 10 + u32::from(x));
    u32::from(crc) == check
}

/// Every number one confusable digit away from `d`.
fn neighbours(d: &Digits) -> impl Iterator<Item = Digits> + '_ {
    (0..d.len()).flat_map(move |i| {
        digit_confusions(d.as_slice()[i]).iter().map(move |&alt| {
            let mut x = *d;
            x.set(i, alt);
            x
        })
    })
}

/// The outcome for ИНН, РН ККТ and ЗН ККТ read together.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settled {
    pub(crate) inn: Option<(Digits, Verdict)>,
    pub(crate) rnm: Option<(Digits, Verdict)>,
    pub(crate) zn: Option<(Digits, Verdict)>,
}

/// Checks the three numbers against each other and repairs one misread digit when exactly one
/// correction satisfies every check.
pub(crate) fn settle(inn: Option<Digits>, rnm: Option<Digits>, zn: Option<Digits>) -> Settled {
    let (Some(i), Some(r), Some(z)) = (inn, rnm, zn) else {
        return Settled {
            inn: inn.map(|i| {
                let v = if inn_ok(&i) {
                    Verdict::Plausible
                } else {
                    Verdict::Bad
                };
                (i, v)
            }),
            rnm: rnm.map(|r| {
                let v = if rnm_shape_ok(&r) {
                    Verdict::Plausible
                } else {
                    Verdict::Bad
                };
                (r, v)
            }),
            zn: zn.map(|z| (z, Verdict::Plausible)),
        };
    };
    if inn_ok(&i) && rnm_ok(&r, &i, &z) {
        return Settled {
            inn: Some((i, Verdict::Confirmed)),
            rnm: Some((r, Verdict::Confirmed)),
            zn: Some((z, Verdict::Confirmed)),
        };
    }
    // One correction in one of the three numbers.
    let mut found: Option<(Digits, Digits, Digits, u8)> = None;
    let mut count = 0;
    let inn_fixes = neighbours(&i).filter(inn_ok).map(|x| (x, r, z, 0u8));
    let rnm_fixes = if inn_ok(&i) {
        Some(neighbours(&r).map(|x| (i, x, z, 1u8)))
    } else {
        None
    };
    let zn_fixes = if inn_ok(&i) {
        Some(neighbours(&z).map(|x| (i, r, x, 2u8)))
    } else {
        None
    };
    for (a, b, c, which) in inn_fixes
        .chain(rnm_fixes.into_iter().flatten())
        .chain(zn_fixes.into_iter().flatten())
    {
        if rnm_ok(&b, &a, &c) {
            count += 1;
            found = Some((a, b, c, which));
        }
    }
    match (count, found) {
        (1, Some((a, b, c, which))) => {
            let v = |n: u8| {
                if n == which {
                    Verdict::Corrected
                } else {
                    Verdict::Confirmed
                }
            };
            Settled {
                inn: Some((a, v(0))),
                rnm: Some((b, v(1))),
                zn: Some((c, v(2))),
            }
        }
        _ => Settled {
            inn: Some((
                i,
                if inn_ok(&i) {
                    Verdict::Doubtful
                } else {
                    Verdict::Bad
                },
            )),
            rnm: Some((
                r,
                if rnm_shape_ok(&r) {
                    Verdict::Doubtful
                } else {
                    Verdict::Bad
                },
            )),
            zn: Some((z, Verdict::Doubtful)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Digits {
        Digits::from_str_digits(s).unwrap()
    }

    #[test]
    fn the_transcribed_receipt_is_repaired() {
        // fiscal.md §2.3: ИНН 7725699008 printed (OCR) for 7725699808.
        let s = settle(
            Some(d("7725699008")),
            Some(d("0000373856050035")),
            Some(d("00106304241645")),
        );
        let (inn, v) = s.inn.unwrap();
        assert_eq!(
            (inn.to_string_lossy().as_str(), v),
            ("7725699808", Verdict::Corrected)
        );
        assert_eq!(s.rnm.unwrap().1, Verdict::Confirmed);
    }

    #[test]
    fn a_real_triple_is_confirmed_and_a_lone_bad_inn_is_not_guessed() {
        let s = settle(
            Some(d("7825706086")),
            Some(d("0007795807005569")),
            Some(d("00105726645591")),
        );
        assert_eq!(s.inn.unwrap().1, Verdict::Confirmed);
        let s = settle(Some(d("7825706080")), None, None);
        assert_eq!(s.inn.unwrap().1, Verdict::Bad);
    }
}
