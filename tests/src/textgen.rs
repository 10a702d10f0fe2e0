//! A deterministic generator of printed receipt texts in the layouts common cash registers print,
//! with the damage OCR does to thermal print, and the fields a correct reader must find.
//!
//! Everything comes from a seeded xorshift generator, so a seed always gives the same texts.
//! Damage that leaves a field recoverable (letters for digits, Latin look-alikes in labels,
//! split and merged lines, a misread ИНН digit that РН ККТ pins down, a lost decimal point the
//! items reconcile) keeps the field expected; damage that destroys it (an unreadable character
//! inside) makes the field expected missing: a reader must report it, never guess it.
//!
//! ```
//! use chek_tests::textgen::{generate, score};
//! let samples = generate(7, 20);
//! assert_eq!(samples.len(), 20);
//! assert_eq!(generate(7, 20)[3].text, samples[3].text);
//! let report = score(&samples);
//! assert_eq!(report.receipts, 20);
//! ```

use std::fmt;

use chek::fiscal::{Operation, inn_is_valid, rnm_check_digits};
use chek::text::{TextReading, parse_receipt_text};
use chrono::{NaiveDate, NaiveDateTime};

/// xorshift64*: small, fast, deterministic; no `rand` needed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced, xorshift needs a non-zero state).
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

/// An item line as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpectedItem {
    /// Price per unit, kopecks.
    pub price_kopecks: i64,
    /// Quantity in thousandths.
    pub quantity_milli: i64,
    /// Sum, kopecks.
    pub sum_kopecks: i64,
}

/// What a correct reader finds in a generated text (`None`: the field is absent or destroyed).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expected {
    /// ФН.
    pub fn_number: Option<String>,
    /// ФД.
    pub fd: Option<u32>,
    /// ФП.
    pub fp: Option<u32>,
    /// Date and time.
    pub datetime: Option<NaiveDateTime>,
    /// ИТОГ.
    pub total_kopecks: Option<i64>,
    /// Operation.
    pub operation: Option<Operation>,
    /// ИНН.
    pub inn: Option<String>,
    /// РН ККТ.
    pub rnm: Option<String>,
    /// ЗН ККТ.
    pub zn: Option<String>,
    /// Смена.
    pub shift: Option<u32>,
    /// Чек №.
    pub receipt_number: Option<u32>,
    /// Items.
    pub items: Vec<ExpectedItem>,
}

/// One generated receipt text with its truth.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The damaged text.
    pub text: String,
    /// What must be read from it.
    pub expected: Expected,
    /// The layout name.
    pub layout: &'static str,
    /// The damage applied, by name.
    pub damage: Vec<&'static str>,
}

/// `n` samples from `seed`.
pub fn generate(seed: u64, n: usize) -> Vec<Sample> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| sample(&mut rng)).collect()
}

/// The same receipts with no damage at all.
pub fn generate_clean(seed: u64, n: usize) -> Vec<Sample> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let truth = Truth::new(&mut rng);
            let mut g = Gen::new(rng.clone(), 0.0);
            let s = g.render(&truth);
            rng = g.rng;
            s
        })
        .collect()
}

/// One damaged sample.
pub fn sample(rng: &mut Rng) -> Sample {
    let truth = Truth::new(rng);
    let mut g = Gen::new(rng.clone(), 1.0);
    let s = g.render(&truth);
    *rng = g.rng;
    s
}

const FN_PREFIXES: &[&str] = &[
    "7380440700",
    "7281440500",
    "9289000100",
    "9282440300",
    "9960440300",
    "7380440800",
    "9251440300",
];
const NAMES: &[&str] = &[
    "Молоко 3,2% 1л",
    "Хлеб Бородинский",
    "Бананы",
    "Сыр Российский 45%",
    "Яйцо С1 10шт",
    "Кофе молотый 250г",
    "Вода питьевая 1,5л",
    "Шоколад горький",
    "Масло сливочное 82,5%",
    "Пакет-майка",
    "Огурцы",
    "Гречка 900г",
];
const SELLERS: &[&str] = &[
    "ООО \"РОМАШКА\"",
    "ООО \"АГРОТОРГ\"",
    "ИП Петров А.В.",
    "АО \"ТАНДЕР\"",
    "ООО \"ЛЕНТА\"",
];

/// The undamaged receipt.
#[derive(Debug, Clone)]
struct Truth {
    fn_number: String,
    fd: u32,
    fp: u32,
    fp_padded: bool,
    fd_padded: bool,
    datetime: NaiveDateTime,
    operation: Operation,
    inn: String,
    rnm: String,
    zn: String,
    shift: u32,
    receipt_number: u32,
    items: Vec<(String, ExpectedItem, bool)>,
    total: i64,
    seller: &'static str,
    card: bool,
}

fn valid_inn(rng: &mut Rng) -> String {
    loop {
        let twelve = rng.chance(0.2);
        let base = rng.digits(if twelve { 10 } else { 9 });
        let tails: Vec<String> = if twelve {
            (0..100).map(|i| format!("{i:02}")).collect()
        } else {
            (0..10).map(|i| i.to_string()).collect()
        };
        if let Some(inn) = tails
            .into_iter()
            .map(|t| format!("{base}{t}"))
            .find(|s| inn_is_valid(s))
            && !inn.starts_with("00")
        {
            return inn;
        }
    }
}

impl Truth {
    fn new(rng: &mut Rng) -> Self {
        let prefix = rng.pick(FN_PREFIXES);
        let fn_number = format!("{prefix}{}", rng.digits(16 - prefix.len()));
        let fd = rng.range(1, 300_000) as u32;
        let fp = if rng.chance(0.9) {
            rng.range(100_000_000, u64::from(u32::MAX)) as u32
        } else {
            rng.range(100_000, 99_999_999) as u32
        };
        let date = NaiveDate::from_ymd_opt(
            rng.range(2019, 2026) as i32,
            rng.range(1, 12) as u32,
            rng.range(1, 28) as u32,
        )
        .and_then(|d| d.and_hms_opt(rng.range(0, 23) as u32, rng.range(0, 59) as u32, 0))
        .unwrap_or_default();
        let operation = match rng.below(100) {
            0..=91 => Operation::Sale,
            92..=97 => Operation::SaleRefund,
            98 => Operation::Expense,
            _ => Operation::ExpenseRefund,
        };
        let inn = valid_inn(rng);
        let zn = match rng.below(3) {
            0 => format!("0010{}", rng.digits(10)),
            1 => format!("00000003{}", rng.digits(12)),
            _ => format!("0{}", rng.digits(15)),
        };
        let ordinal = format!("000{}", rng.digits(7));
        let rnm = format!(
            "{ordinal}{}",
            rnm_check_digits(&ordinal, &inn, &zn).unwrap_or_default()
        );
        let n_items = rng.range(1, 6) as usize;
        let mut items = Vec::new();
        let mut total = 0;
        for _ in 0..n_items {
            let name = (*rng.pick(NAMES)).to_owned();
            let weighed = rng.chance(0.25);
            let quantity_milli = if weighed {
                rng.range(100, 2500) as i64
            } else {
                rng.range(1, 5) as i64 * 1000
            };
            let price_kopecks =
                rng.range(1000, 200_000) as i64 / 10 * 10 + if rng.chance(0.5) { 9 } else { 0 };
            let sum_kopecks = (price_kopecks * quantity_milli + 500) / 1000;
            total += sum_kopecks;
            items.push((
                name,
                ExpectedItem {
                    price_kopecks,
                    quantity_milli,
                    sum_kopecks,
                },
                weighed,
            ));
        }
        Truth {
            fn_number,
            fd,
            fp,
            fp_padded: rng.chance(0.15),
            fd_padded: rng.chance(0.1),
            datetime: date,
            operation,
            inn,
            rnm,
            zn,
            shift: rng.range(1, 500) as u32,
            receipt_number: rng.range(1, 400) as u32,
            items,
            total,
            seller: rng.pick::<&str>(SELLERS),
            card: rng.chance(0.7),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum F {
    Fn,
    Fd,
    Fp,
    Date,
    Total,
    Inn,
    Rnm,
    Zn,
}

/// A line of the rendered receipt; footer lines may be merged or split.
struct Line {
    text: String,
    fiscal: bool,
}

struct Gen {
    rng: Rng,
    /// 0 for clean texts, 1 for the standard damage rates.
    rate: f64,
    damage: Vec<&'static str>,
    destroyed: Vec<F>,
    comma: bool,
    inn_misread: bool,
}

fn letter_for(d: char, rng: &mut Rng) -> Option<char> {
    let opts: &[char] = match d {
        '0' => &['О', 'O', 'о'],
        '1' => &['l', 'I'],
        '2' => &['Z'],
        '3' => &['З'],
        '4' => &['Ч'],
        '5' => &['S'],
        '6' => &['Б'],
        '8' => &['В', 'B'],
        _ => return None,
    };
    Some(*rng.pick(opts))
}

fn latin_for(c: char) -> Option<char> {
    Some(match c {
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'Х' => 'X',
        _ => return None,
    })
}

fn money(k: i64, comma: bool) -> String {
    let s = format!("{}.{:02}", k / 100, k % 100);
    if comma { s.replace('.', ",") } else { s }
}

fn qty(milli: i64) -> String {
    if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{}.{:03}", milli / 1000, milli % 1000)
    }
}

fn op_label(op: Operation) -> &'static str {
    match op {
        Operation::Sale => "ПРИХОД",
        Operation::SaleRefund => "ВОЗВРАТ ПРИХОДА",
        Operation::Expense => "РАСХОД",
        Operation::ExpenseRefund => "ВОЗВРАТ РАСХОДА",
    }
}

impl Gen {
    fn new(rng: Rng, rate: f64) -> Self {
        Gen {
            rng,
            rate,
            damage: Vec::new(),
            destroyed: Vec::new(),
            comma: false,
            inn_misread: false,
        }
    }

    fn hit(&mut self, p: f64) -> bool {
        self.rate > 0.0 && self.rng.chance(p * self.rate)
    }

    fn note(&mut self, d: &'static str) {
        if !self.damage.contains(&d) {
            self.damage.push(d);
        }
    }

    /// A label, maybe in Latin look-alikes or with `0` for `О`.
    fn label(&mut self, l: &str) -> String {
        if !self.hit(0.12) {
            return l.to_owned();
        }
        self.note("latin_label");
        let zero = self.rng.chance(0.3);
        l.chars()
            .map(|c| {
                if zero && c == 'О' {
                    '0'
                } else if self.rng.chance(0.6) {
                    latin_for(c).unwrap_or(c)
                } else {
                    c
                }
            })
            .collect()
    }

    /// A number, maybe with letters for digits, maybe destroyed.
    fn num(&mut self, s: &str, field: Option<F>) -> String {
        let mut chars: Vec<char> = s.chars().collect();
        if let Some(f) = field
            && self.hit(0.025)
            && !chars.is_empty()
        {
            {
                self.note("destroyed");
                self.destroyed.push(f);
                let i = self.rng.below(chars.len() as u64) as usize;
                if chars[i].is_ascii_digit() {
                    chars[i] = *self.rng.pick(&['?', '_', '~', '*']);
                    return chars.into_iter().collect();
                }
            }
        }
        if self.hit(0.15) {
            let k = self.rng.range(1, 2);
            let digit_pos: Vec<usize> = (0..chars.len())
                .filter(|&i| chars[i].is_ascii_digit())
                .collect();
            for _ in 0..k {
                if digit_pos.len() < 3 {
                    break;
                }
                let i = *self.rng.pick(&digit_pos);
                // Letters go between digits, where OCR puts them; not at the ends.
                if i == 0 || i + 1 >= chars.len() {
                    continue;
                }
                if let Some(l) = letter_for(chars[i], &mut self.rng) {
                    chars[i] = l;
                    self.note("letter_for_digit");
                }
            }
        }
        chars.into_iter().collect()
    }

    /// A long number maybe split by a space or a line break.
    fn split(&mut self, s: String) -> String {
        if !self.hit(0.06) {
            return s;
        }
        self.note("split_number");
        let chars: Vec<char> = s.chars().collect();
        let at = self.rng.range(4, chars.len() as u64 - 4) as usize;
        let sep = if self.rng.chance(0.5) { " " } else { "\n" };
        let (a, b) = chars.split_at(at);
        format!(
            "{}{sep}{}",
            a.iter().collect::<String>(),
            b.iter().collect::<String>()
        )
    }

    fn field(&mut self, label: &str, sep: &str, value: String) -> String {
        let dropped = self.rate > 0.0 && self.rng.chance(0.015 * self.rate);
        let lost = match label.trim_end_matches([':', ' ']) {
            "ФД" => Some(F::Fd),
            "ФП" | "ФПД" => Some(F::Fp),
            "ИНН" => Some(F::Inn),
            "ИТОГ" | "ИТОГО" => Some(F::Total),
            _ => None,
        };
        if let (true, Some(f)) = (dropped, lost) {
            // OCR lost the label's first letter: the value has nothing left to say what it is
            // (a lost ИТОГ is still on the payment lines).
            self.note("label_lost");
            self.destroyed.push(f);
            let rest: String = label.chars().skip(1).collect();
            return format!("{rest}{sep}{value}");
        }
        let l = self.label(label);
        if self.hit(0.05) && !value.contains('\n') {
            self.note("value_on_next_line");
            return format!("{l}\n{value}");
        }
        format!("{l}{sep}{value}")
    }

    fn date(&mut self, t: &Truth, four: bool) -> String {
        let dt = t.datetime;
        let mut d = if four {
            dt.format("%d.%m.%Y").to_string()
        } else {
            dt.format("%d.%m.%y").to_string()
        };
        if self.hit(0.03) {
            self.note("date_separator");
            d = d.replacen('.', ",", 1);
        }
        if self.hit(0.02) {
            self.note("destroyed");
            self.destroyed.push(F::Date);
            d = d.replacen(|c: char| c.is_ascii_digit(), "?", 1);
        }
        d
    }

    fn time(&mut self, t: &Truth) -> String {
        let s = t.datetime.format("%H:%M").to_string();
        if self.hit(0.03) {
            self.note("time_separator");
            return s.replace(':', ".");
        }
        s
    }

    fn fn_value(&mut self, t: &Truth) -> String {
        let v = self.num(&t.fn_number, Some(F::Fn));
        self.split(v)
    }

    fn fd_value(&mut self, t: &Truth) -> String {
        let s = if t.fd_padded {
            format!("{:010}", t.fd)
        } else {
            t.fd.to_string()
        };
        let s = self.num(&s, Some(F::Fd));
        self.gap(s, F::Fd)
    }

    /// A gap OCR put inside a counter: nothing tells it from the counter's end, so the field
    /// is expected unreadable.
    fn gap(&mut self, s: String, f: F) -> String {
        let chars: Vec<char> = s.chars().collect();
        if chars.len() < 4 || self.destroyed.contains(&f) || !self.hit(0.02) {
            return s;
        }
        self.note("counter_gap");
        self.destroyed.push(f);
        let at = self.rng.range(1, chars.len() as u64 - 2) as usize;
        let (a, b) = chars.split_at(at);
        format!(
            "{} {}",
            a.iter().collect::<String>(),
            b.iter().collect::<String>()
        )
    }

    fn fp_value(&mut self, t: &Truth) -> String {
        let s = if t.fp_padded {
            format!("{:010}", t.fp)
        } else {
            t.fp.to_string()
        };
        let s = self.num(&s, Some(F::Fp));
        self.gap(s, F::Fp)
    }

    fn inn_value(&mut self, t: &Truth) -> String {
        if self.hit(0.06) {
            // One digit misread as another; РН ККТ and ЗН ККТ single the repair out.
            let chars: Vec<char> = t.inn.chars().collect();
            for _ in 0..20 {
                let i = self.rng.below(chars.len() as u64) as usize;
                let alt = match chars[i] {
                    '8' => '0',
                    '0' => '8',
                    '3' => '8',
                    '6' => '5',
                    '5' => '6',
                    '1' => '7',
                    '9' => '0',
                    _ => continue,
                };
                let mut c = chars.clone();
                c[i] = alt;
                let s: String = c.into_iter().collect();
                if !inn_is_valid(&s) {
                    self.note("inn_digit_misread");
                    // Recoverable only with both companions intact: settled in `expected`.
                    self.inn_misread = true;
                    return self.num(&s, None);
                }
            }
        }
        let v = self.num(&t.inn, Some(F::Inn));
        self.split(v)
    }

    fn render(&mut self, t: &Truth) -> Sample {
        self.comma = self.hit(0.3);
        let layout = *self.rng.pick(&["atol", "shtrih", "compact", "evotor"]);
        let mut lines: Vec<Line> = Vec::new();
        let body = |text: String| Line {
            text,
            fiscal: false,
        };
        let foot = |text: String| Line { text, fiscal: true };
        let op = op_label(t.operation);
        let total_str = self.total_value(t);
        let pay = if t.card {
            "БЕЗНАЛИЧНЫМИ"
        } else {
            "НАЛИЧНЫМИ"
        };
        let pay_amount = money(t.total, self.comma);
        let (has_shift, has_no);
        match layout {
            "atol" => {
                has_shift = false;
                has_no = false;
                lines.push(body(t.seller.to_owned()));
                let l = self.label(&format!("КАССОВЫЙ ЧЕК/{op}"));
                lines.push(body(l));
                for (i, (name, it, weighed)) in t.items.iter().enumerate() {
                    let unit = if *weighed { "кг" } else { "шт." };
                    let price = self.num(&money(it.price_kopecks, self.comma), None);
                    let sum = self.num(&money(it.sum_kopecks, self.comma), None);
                    lines.push(body(format!(
                        "{} {name} {price}*{}{unit} ={sum}",
                        i + 1,
                        qty(it.quantity_milli)
                    )));
                    lines.push(body("НДС 20%".into()));
                }
                let l = self.field("ИТОГ", " =", total_str);
                lines.push(body(l));
                lines.push(body(format!("{pay} ={pay_amount}")));
                lines.push(body("Кассир Иванова А.".into()));
                lines.push(body("Место расчетов Магазин".into()));
                self.push_noise(&mut lines);
                let zn = self.num(&t.zn, Some(F::Zn));
                let l = self.field("ЗН ККТ", " ", zn);
                lines.push(foot(l));
                let rnm = self.num(&t.rnm, Some(F::Rnm));
                let rnm = self.split(rnm);
                let l = self.field("РН ККТ", " ", rnm);
                lines.push(foot(l));
                let inn = self.inn_value(t);
                let l = self.field("ИНН", " ", inn);
                lines.push(foot(l));
                let v = self.fn_value(t);
                let l = self.field("ФН", " ", v);
                lines.push(foot(l));
                let v = self.fd_value(t);
                let l = self.field("ФД", " ", v);
                lines.push(foot(l));
                let v = self.fp_value(t);
                let fp_label = if self.rng.chance(0.3) {
                    "ФПД"
                } else {
                    "ФП"
                };
                let l = self.field(fp_label, " ", v);
                lines.push(foot(l));
                let (d, tm) = (self.date(t, false), self.time(t));
                let l = self.label(op);
                lines.push(foot(format!("{l} {d} {tm}")));
            }
            "shtrih" => {
                has_shift = true;
                has_no = true;
                lines.push(body(t.seller.to_owned()));
                let inn = self.inn_value(t);
                let l = self.field("ИНН", ": ", inn);
                lines.push(body(l));
                lines.push(body("КАССОВЫЙ ЧЕК".into()));
                let l = self.label(op);
                lines.push(body(l));
                let (s, n) = (self.label("Смена №"), self.label("Чек №"));
                lines.push(body(format!(
                    "{s} {}        {n} {}",
                    t.shift, t.receipt_number
                )));
                let (d, tm) = (self.date(t, true), self.time(t));
                lines.push(body(format!("{d} {tm}")));
                for (name, it, _) in &t.items {
                    lines.push(body(name.clone()));
                    let price = self.num(&money(it.price_kopecks, self.comma), None);
                    let sum = self.num(&money(it.sum_kopecks, self.comma), None);
                    lines.push(body(format!(
                        "   {} X {price}            ={sum}",
                        qty(it.quantity_milli)
                    )));
                }
                let l = self.field("ИТОГО:", "           =", total_str);
                lines.push(body(l));
                lines.push(body(format!(
                    "Наличные            ={}",
                    if t.card {
                        money(0, self.comma)
                    } else {
                        pay_amount.clone()
                    }
                )));
                lines.push(body(format!(
                    "Карта               ={}",
                    if t.card {
                        pay_amount.clone()
                    } else {
                        money(0, self.comma)
                    }
                )));
                lines.push(body("ВИД НАЛОГООБЛОЖЕНИЯ: ОСН".into()));
                self.push_noise(&mut lines);
                let rnm = self.num(&t.rnm, Some(F::Rnm));
                let rnm = self.split(rnm);
                let l = self.field("РЕГ.НОМЕР ККТ:", " ", rnm);
                lines.push(foot(l));
                let zn = self.num(&t.zn, Some(F::Zn));
                let l = self.field("ЗАВОД. №:", " ", zn);
                lines.push(foot(l));
                let v = self.fn_value(t);
                let l = self.field("ФН №:", " ", v);
                lines.push(foot(l));
                let (fd, fp) = (self.fd_value(t), self.fp_value(t));
                let (a, b) = (self.label("ФД №:"), self.label("ФПД#:"));
                lines.push(foot(format!("{a} {fd}   {b} {fp}")));
                lines.push(body("САЙТ ФНС www.nalog.gov.ru".into()));
            }
            "compact" => {
                has_shift = true;
                has_no = true;
                let opl = op.to_lowercase();
                let l = self.label(&format!("Кассовый чек. {opl}"));
                lines.push(body(l));
                let (s, n) = (self.label("Смена"), self.label("Чек"));
                lines.push(body(format!("{s} {} {n} {}", t.shift, t.receipt_number)));
                let (d, tm) = (self.date(t, false), self.time(t));
                lines.push(body(format!("Дата {d} Время {tm}")));
                for (name, it, _) in &t.items {
                    let price = self.num(&money(it.price_kopecks, self.comma), None);
                    let sum = self.num(&money(it.sum_kopecks, self.comma), None);
                    lines.push(body(format!(
                        "{name} {} x {price} = {sum}",
                        qty(it.quantity_milli)
                    )));
                }
                let l = self.field("ИТОГ", " ", total_str);
                lines.push(body(l));
                lines.push(body(format!(
                    "{} {pay_amount}",
                    if t.card {
                        "Карта"
                    } else {
                        "Наличные"
                    }
                )));
                self.push_noise(&mut lines);
                let (inn, rnm) = (self.inn_value(t), self.num(&t.rnm, Some(F::Rnm)));
                let (a, b) = (self.label("ИНН"), self.label("РН ККТ"));
                lines.push(foot(format!("{a} {inn} {b} {rnm}")));
                let zn = self.num(&t.zn, Some(F::Zn));
                let l = self.field("ЗН ККТ", " ", zn);
                lines.push(foot(l));
                let (v, fd) = (self.fn_value(t), self.fd_value(t));
                let (a, b) = (self.label("ФН:"), self.label("ФД:"));
                lines.push(foot(format!("{a} {v} {b} {fd}")));
                let v = self.fp_value(t);
                let l = self.field("ФП:", " ", v);
                lines.push(foot(l));
            }
            _ => {
                has_shift = true;
                has_no = true;
                lines.push(body(t.seller.to_owned()));
                lines.push(body("Кассовый чек".into()));
                let l = self.label(&capitalise(op));
                lines.push(body(l));
                for (name, it, weighed) in &t.items {
                    lines.push(body(name.clone()));
                    let price = self.num(&money(it.price_kopecks, self.comma), None);
                    let sum = self.num(&money(it.sum_kopecks, self.comma), None);
                    let unit = if *weighed { "кг" } else { "шт" };
                    lines.push(body(format!(
                        "{} {unit} x {price}        ={sum}",
                        qty(it.quantity_milli)
                    )));
                }
                let l = self.field("ИТОГ", "                 =", total_str);
                lines.push(body(l));
                lines.push(body(format!("{pay}         ={pay_amount}")));
                self.push_noise(&mut lines);
                let (s, n) = (self.label("Смена:"), self.label("Чек:"));
                lines.push(foot(format!("{s} {}  {n} {}", t.shift, t.receipt_number)));
                let (d, tm) = (self.date(t, true), self.time(t));
                lines.push(foot(format!("Дата: {d} Время: {tm}")));
                let (rnm, v) = (self.num(&t.rnm, Some(F::Rnm)), self.fn_value(t));
                let (a, b) = (self.label("РН ККТ:"), self.label("ФН:"));
                if self.hit(0.03) && !v.contains('\n') {
                    // OCR read the two columns one after the other: labels, then values. A
                    // reader cannot pair them safely; it must report both missing.
                    self.note("columns_read_apart");
                    self.destroyed.extend([F::Rnm, F::Fn]);
                    lines.push(foot(format!("{a}    {b}")));
                    lines.push(foot(format!("{rnm}    {v}")));
                } else {
                    lines.push(foot(format!("{a} {rnm}    {b} {v}")));
                }
                let (fd, fp) = (self.fd_value(t), self.fp_value(t));
                let (a, b) = (self.label("ФД:"), self.label("ФП:"));
                lines.push(foot(format!("{a} {fd}          {b} {fp}")));
                let zn = self.num(&t.zn, Some(F::Zn));
                let l = self.field("ЗН ККТ:", " ", zn);
                lines.push(foot(l));
                let inn = self.inn_value(t);
                let l = self.field("ИНН:", " ", inn);
                lines.push(foot(l));
            }
        }
        let text = self.merge(lines);
        let expected = self.expected(t, has_shift, has_no);
        Sample {
            text,
            expected,
            layout,
            damage: std::mem::take(&mut self.damage),
        }
    }

    fn total_value(&mut self, t: &Truth) -> String {
        let s = money(t.total, self.comma);
        if self.hit(0.03) {
            self.note("decimal_point_lost");
            return s.replace(['.', ','], "");
        }
        self.num(&s, Some(F::Total))
    }

    fn push_noise(&mut self, lines: &mut Vec<Line>) {
        if self.hit(0.2) {
            self.note("noise_line");
            let n = self.rng.pick(&[
                "--------------------------",
                "* * * * *",
                "~ ' ` .",
                "================",
            ]);
            lines.push(Line {
                text: (*n).to_owned(),
                fiscal: false,
            });
        }
    }

    /// Footer lines OCR read as one.
    fn merge(&mut self, lines: Vec<Line>) -> String {
        let mut out = String::new();
        let mut prev_fiscal = false;
        for (i, l) in lines.into_iter().enumerate() {
            if i > 0 {
                if prev_fiscal && l.fiscal && self.hit(0.08) {
                    self.note("merged_lines");
                    out.push_str(if self.rng.chance(0.5) { " " } else { "" });
                } else {
                    out.push('\n');
                }
            }
            if self.hit(0.05) {
                self.note("indent");
                out.push_str("  ");
            }
            out.push_str(&l.text);
            prev_fiscal = l.fiscal;
        }
        out
    }

    fn expected(&self, t: &Truth, has_shift: bool, has_no: bool) -> Expected {
        let gone = |f: F| self.destroyed.contains(&f);
        let inn_recoverable = !self.inn_misread || (!gone(F::Rnm) && !gone(F::Zn));
        Expected {
            fn_number: (!gone(F::Fn)).then(|| t.fn_number.clone()),
            fd: (!gone(F::Fd)).then_some(t.fd),
            fp: (!gone(F::Fp)).then_some(t.fp),
            datetime: (!gone(F::Date)).then_some(t.datetime),
            // A destroyed ИТОГ is still printed on the payment lines.
            total_kopecks: Some(t.total),
            operation: Some(t.operation),
            inn: (!gone(F::Inn) && inn_recoverable).then(|| t.inn.clone()),
            rnm: (!gone(F::Rnm)).then(|| t.rnm.clone()),
            zn: (!gone(F::Zn)).then(|| t.zn.clone()),
            shift: has_shift.then_some(t.shift),
            receipt_number: has_no.then_some(t.receipt_number),
            items: t.items.iter().map(|(_, it, _)| *it).collect(),
        }
    }
}

fn capitalise(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut c = lower.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// What a reading got right, field by field.
pub fn compare(r: &TextReading, e: &Expected) -> Vec<(&'static str, bool)> {
    let items: Vec<ExpectedItem> = r
        .items
        .iter()
        .map(|i| ExpectedItem {
            price_kopecks: i.price_kopecks,
            quantity_milli: (i.quantity * 1000.0).round() as i64,
            sum_kopecks: i.sum_kopecks,
        })
        .collect();
    vec![
        (
            "fn",
            r.fn_number.as_ref().map(|f| f.value.to_string()) == e.fn_number,
        ),
        ("fd", r.fd.as_ref().map(|f| f.value) == e.fd),
        ("fp", r.fp.as_ref().map(|f| f.value) == e.fp),
        (
            "datetime",
            r.datetime.as_ref().map(|f| f.value) == e.datetime,
        ),
        (
            "total",
            r.total_kopecks.as_ref().map(|f| f.value) == e.total_kopecks,
        ),
        (
            "operation",
            r.operation.as_ref().map(|f| f.value) == e.operation,
        ),
        ("inn", r.inn.as_ref().map(|f| f.value.clone()) == e.inn),
        ("rnm", r.rnm.as_ref().map(|f| f.value.clone()) == e.rnm),
        ("zn", r.zn.as_ref().map(|f| f.value.clone()) == e.zn),
        ("shift", r.shift.as_ref().map(|f| f.value) == e.shift),
        (
            "receipt_number",
            r.receipt_number.as_ref().map(|f| f.value) == e.receipt_number,
        ),
        ("items", items == e.items),
    ]
}

/// Field-level and whole-receipt accuracy over a set of samples.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Receipts scored.
    pub receipts: usize,
    /// Receipts with every field right.
    pub exact: usize,
    /// Receipts with the six QR fields right.
    pub qr_exact: usize,
    /// (field, right) counts.
    pub fields: Vec<(&'static str, usize)>,
    /// Wrongly read (not missing) values: a field reported where the truth differs.
    pub wrong_values: usize,
}

impl Report {
    /// Whole-receipt exact match, `0.0..=1.0`.
    pub fn exact_rate(&self) -> f64 {
        self.exact as f64 / self.receipts.max(1) as f64
    }
}

/// Parses every sample and scores it.
pub fn score(samples: &[Sample]) -> Report {
    let mut rep = Report {
        receipts: samples.len(),
        ..Report::default()
    };
    for s in samples {
        let r = parse_receipt_text(&s.text);
        let c = compare(&r, &s.expected);
        if rep.fields.is_empty() {
            rep.fields = c.iter().map(|&(n, _)| (n, 0)).collect();
        }
        for (slot, &(_, ok)) in rep.fields.iter_mut().zip(&c) {
            slot.1 += usize::from(ok);
        }
        if c.iter().all(|&(_, ok)| ok) {
            rep.exact += 1;
        }
        if c[..6].iter().all(|&(_, ok)| ok) {
            rep.qr_exact += 1;
        }
        rep.wrong_values += wrong_values(&r, &s.expected);
    }
    rep
}

/// Fields read with a value different from a present truth, or read where the truth is absent.
fn wrong_values(r: &TextReading, e: &Expected) -> usize {
    let w = |got: Option<String>, want: Option<String>| usize::from(got.is_some() && got != want);
    w(
        r.fn_number.as_ref().map(|f| f.value.to_string()),
        e.fn_number.clone(),
    ) + w(
        r.fd.as_ref().map(|f| f.value.to_string()),
        e.fd.map(|v| v.to_string()),
    ) + w(
        r.fp.as_ref().map(|f| f.value.to_string()),
        e.fp.map(|v| v.to_string()),
    ) + w(
        r.datetime.as_ref().map(|f| f.value.to_string()),
        e.datetime.map(|v| v.to_string()),
    ) + w(
        r.total_kopecks.as_ref().map(|f| f.value.to_string()),
        e.total_kopecks.map(|v| v.to_string()),
    ) + w(r.inn.as_ref().map(|f| f.value.clone()), e.inn.clone())
        + w(r.rnm.as_ref().map(|f| f.value.clone()), e.rnm.clone())
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = |n: usize| 100.0 * n as f64 / self.receipts.max(1) as f64;
        writeln!(f, "receipts: {}", self.receipts)?;
        writeln!(
            f,
            "whole-receipt exact match: {} ({:.1}%)",
            self.exact,
            pct(self.exact)
        )?;
        writeln!(
            f,
            "six QR fields exact: {} ({:.1}%)",
            self.qr_exact,
            pct(self.qr_exact)
        )?;
        writeln!(
            f,
            "wrong values (read but not the truth): {}",
            self.wrong_values
        )?;
        for (name, ok) in &self.fields {
            writeln!(f, "  {name:<15} {:.1}%", pct(*ok))?;
        }
        Ok(())
    }
}
