//! Item lines: `1 Молоко 80.00*1шт. =80.00` (price × quantity) and `2 X 80.00 =160.00`
//! (quantity × price, the name on the line above).

use super::TextItem;
use super::chars::{Buf, digit_of};

fn is_mult(c: char) -> bool {
    matches!(c, '*' | '×' | 'x' | 'X' | 'х' | 'Х')
}

/// A decimal number `[start, end)` of the line; (value scaled to `10^scale`, scale).
fn decimal(raw: &[char]) -> Option<(i64, u32)> {
    let mut v: i64 = 0;
    let mut scale = 0u32;
    let mut seen_sep = false;
    let mut digits = 0;
    let mut letters = 0;
    for &c in raw {
        if matches!(c, '.' | ',') && !seen_sep {
            seen_sep = true;
            continue;
        }
        let (d, l) = digit_of(c)?;
        letters += usize::from(l);
        digits += 1;
        v = v.checked_mul(10)?.checked_add(i64::from(d))?;
        if seen_sep {
            scale += 1;
        }
    }
    (digits > 0 && digits <= 12 && scale <= 3 && letters * 2 <= digits).then_some((v, scale))
}

fn to_scale(v: i64, scale: u32, want: u32) -> Option<i64> {
    if scale > want {
        return None;
    }
    v.checked_mul(10i64.pow(want - scale))
}

fn num_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '.' | ',') || digit_of(c).is_some_and(|(_, l)| l)
}

/// The number ending just before `end` (spaces and a unit such as `шт.` or `кг` skipped).
fn number_before(line: &[char], end: usize) -> Option<(usize, usize, bool)> {
    let mut e = end;
    while e > 0 && line[e - 1] == ' ' {
        e -= 1;
    }
    // A unit after the quantity: letters and a dot, not a confusable-only run glued to digits.
    let mut unit = false;
    let mut u = e;
    while u > 0 && (line[u - 1].is_alphabetic() || line[u - 1] == '.') && e - u < 4 {
        u -= 1;
    }
    if u < e && u > 0 && (line[u - 1].is_ascii_digit() || line[u - 1] == ' ') {
        let word: String = line[u..e].iter().collect::<String>().to_lowercase();
        if ["шт", "шт.", "кг", "кг.", "л", "л.", "ед", "ед."].contains(&word.as_str())
        {
            unit = true;
            e = u;
            while e > 0 && line[e - 1] == ' ' {
                e -= 1;
            }
        }
    }
    let mut s = e;
    while s > 0 && num_char(line[s - 1]) {
        s -= 1;
    }
    // Trim letters read as digits off the front: they belong to the name.
    while s < e && !line[s].is_ascii_digit() {
        s += 1;
    }
    (s < e).then_some((s, e, unit))
}

/// The number starting at `start` (spaces skipped); then a unit if any.
fn number_after(line: &[char], start: usize) -> Option<(usize, usize, bool)> {
    let mut s = start;
    while s < line.len() && line[s] == ' ' {
        s += 1;
    }
    if !line.get(s).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let mut e = s;
    while e < line.len() && num_char(line[e]) {
        e += 1;
    }
    while e > s && !line[e - 1].is_ascii_digit() && !matches!(line[e - 1], 'O' | 'О' | 'о' | 'o')
    {
        e -= 1;
    }
    let mut u = e;
    while u < line.len() && line[u] == ' ' {
        u += 1;
    }
    let unit = line
        .get(u)
        .is_some_and(|c| matches!(c, 'ш' | 'Ш' | 'к' | 'К' | 'л' | 'Л' | 'е'));
    Some((s, e, unit))
}

/// The item on `line_idx`, if it has the shape `A × B = C` with `A·B = C`.
pub(crate) fn item_on_line(
    buf: &Buf,
    line_idx: usize,
    prev_name: &dyn Fn() -> Option<String>,
) -> Option<TextItem> {
    let &(ls, le) = buf.lines.get(line_idx)?;
    let line = &buf.raw[ls..le];
    if line.len() > 500 {
        return None;
    }
    // Names carry `x` too (`42х68`): try every sign, the last one first.
    (1..line.len().saturating_sub(1))
        .rev()
        .filter(|&i| {
            is_mult(line[i])
                && (line[i] == '*'
                    || line[i] == '×'
                    || line[i - 1] == ' '
                    || line[i - 1].is_ascii_digit())
                && line[i + 1..].iter().take(3).any(char::is_ascii_digit)
        })
        .take(4)
        .find_map(|m| item_at(line, m, line_idx, prev_name))
}

fn item_at(
    line: &[char],
    m: usize,
    line_idx: usize,
    prev_name: &dyn Fn() -> Option<String>,
) -> Option<TextItem> {
    let (a_s, a_e, a_unit) = number_before(line, m)?;
    let (b_s, b_e, b_unit) = number_after(line, m + 1)?;
    // The sum: the last number on the line, after `=` when there is one.
    let rest = &line[b_e..];
    let eq = rest.iter().rposition(|&c| c == '=');
    let from = b_e + eq.map_or(0, |p| p + 1);
    let mut c_s = from;
    while c_s < line.len() && !line[c_s].is_ascii_digit() {
        if line[c_s].is_alphabetic() && eq.is_some() {
            return None;
        }
        c_s += 1;
    }
    let mut c_e = c_s;
    while c_e < line.len() && num_char(line[c_e]) {
        c_e += 1;
    }
    if c_s >= c_e {
        return None;
    }
    let (av, asc) = decimal(&line[a_s..a_e])?;
    let (bv, bsc) = decimal(&line[b_s..b_e])?;
    let (cv, csc) = decimal(&line[c_s..c_e])?;
    let sum = to_scale(cv, csc, 2)?;
    let fits = |price: (i64, u32), qty: (i64, u32)| -> Option<(i64, i64)> {
        let p = to_scale(price.0, price.1, 2)?;
        let q = to_scale(qty.0, qty.1, 3)?;
        let product = p.checked_mul(q)?;
        // Registers round the sum to the kopeck.
        let rounded = product.saturating_add(500) / 1000;
        ((rounded - sum).abs() <= 1 && q > 0).then_some((p, q))
    };
    // `*` is ATOL's price*quantity; `x` is quantity x price. A unit marks the quantity.
    let price_first = if a_unit != b_unit {
        b_unit
    } else {
        line[m] == '*'
    };
    let (a, b) = ((av, asc), (bv, bsc));
    let (price, qty) = if price_first {
        fits(a, b).or_else(|| fits(b, a))?
    } else {
        fits(b, a).or_else(|| fits(a, b))?
    };
    let name = name_before(&line[..a_s]).or_else(prev_name)?;
    Some(TextItem {
        name,
        quantity: qty as f64 / 1000.0,
        price_kopecks: price,
        sum_kopecks: sum,
        line: line_idx,
    })
}

/// The name before the numbers, without the item index (`1 `, `1.`, `1)`).
fn name_before(part: &[char]) -> Option<String> {
    let s: String = part.iter().collect();
    let t = s.trim();
    let t = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(p) if p > 0 && t[p..].starts_with([' ', '.', ')']) => {
            t[p..].trim_start_matches(['.', ')']).trim()
        }
        _ => t,
    };
    let t = t.trim_end_matches(['=', ' ']);
    t.chars().any(char::is_alphabetic).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(s: &str) -> Option<(String, f64, i64, i64)> {
        let b = Buf::new(s);
        let last = b.lines.len() - 1;
        item_on_line(&b, last, &|| Some("Прошлая строка".to_owned()))
            .map(|i| (i.name, i.quantity, i.price_kopecks, i.sum_kopecks))
    }

    #[test]
    fn item_layouts() {
        assert_eq!(
            item("1 Молоко 3,2% 1л 80.00*1шт. =80.00"),
            Some(("Молоко 3,2% 1л".into(), 1.0, 8000, 8000))
        );
        assert_eq!(
            item("   2 X 80.00     =160.00"),
            Some(("Прошлая строка".into(), 2.0, 8000, 16000))
        );
        assert_eq!(
            item("Бананы 0.532 кг x 129,90 = 69,11"),
            Some(("Бананы".into(), 0.532, 12990, 6911))
        );
        assert_eq!(
            item("Хлеб 45.5О*2шт. =91.ОО"),
            Some(("Хлеб".into(), 2.0, 4550, 9100))
        );
        assert_eq!(item("Хлеб 45.50*2шт. =92.00"), None);
        assert_eq!(item("ИТОГ =460.00"), None);
    }
}
