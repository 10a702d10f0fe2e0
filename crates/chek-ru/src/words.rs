//! Numbers in Russian words for text-to-speech: cardinals in the nominative with grammatical
//! gender («одна тысяча», «два рубля», «две копейки»), decimals («одна целая пять десятых»),
//! and genitive ordinals for dates («шестнадцатого»).

use serde::{Deserialize, Serialize};

use super::plural::PluralCategory;

/// Grammatical gender of the counted noun: it changes «один/одна/одно» and «два/две».
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    /// рубль, балл, заказ.
    #[default]
    Masculine,
    /// копейка, бутылка, тысяча.
    Feminine,
    /// место, письмо.
    Neuter,
}

const UNITS: [&str; 10] = [
    "",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
];
const TEENS: [&str; 10] = [
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
];
const TENS: [&str; 10] = [
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
];
const HUNDREDS: [&str; 10] = [
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
];

/// Scale words from 10^3 up to 10^18 (one, few, many) and their gender.
const SCALES: [(&str, &str, &str, Gender); 6] = [
    ("тысяча", "тысячи", "тысяч", Gender::Feminine),
    ("миллион", "миллиона", "миллионов", Gender::Masculine),
    ("миллиард", "миллиарда", "миллиардов", Gender::Masculine),
    ("триллион", "триллиона", "триллионов", Gender::Masculine),
    (
        "квадриллион",
        "квадриллиона",
        "квадриллионов",
        Gender::Masculine,
    ),
    (
        "квинтиллион",
        "квинтиллиона",
        "квинтиллионов",
        Gender::Masculine,
    ),
];

fn push(out: &mut Vec<&'static str>, w: &'static str) {
    if !w.is_empty() {
        out.push(w);
    }
}

/// Words of 1..=999 into `out`.
fn triple(n: u64, g: Gender, out: &mut Vec<&'static str>) {
    let (h, t, u) = (
        (n / 100) as usize,
        ((n / 10) % 10) as usize,
        (n % 10) as usize,
    );
    push(out, HUNDREDS[h]);
    if t == 1 {
        push(out, TEENS[u]);
        return;
    }
    push(out, TENS[t]);
    let unit = match (u, g) {
        (1, Gender::Feminine) => "одна",
        (1, Gender::Neuter) => "одно",
        (2, Gender::Feminine) => "две",
        _ => UNITS[u],
    };
    push(out, unit);
}

/// A whole number in words, agreeing with a noun of gender `g`.
///
/// A leading group of exactly one thousand or one million is read without «одна/один»
/// («тысяча пятьсот»), as people say it.
///
/// ```
/// use chek_ru::words::{cardinal, Gender};
/// assert_eq!(cardinal(0, Gender::Masculine), "ноль");
/// assert_eq!(cardinal(1500, Gender::Masculine), "тысяча пятьсот");
/// assert_eq!(cardinal(21_001, Gender::Feminine), "двадцать одна тысяча одна");
/// assert_eq!(cardinal(2_000_000, Gender::Masculine), "два миллиона");
/// ```
pub fn cardinal(n: u64, g: Gender) -> String {
    if n == 0 {
        return "ноль".to_owned();
    }
    let mut groups = Vec::with_capacity(7);
    let mut m = n;
    while m > 0 {
        groups.push(m % 1000);
        m /= 1000;
    }
    let mut out: Vec<&'static str> = Vec::with_capacity(24);
    for (idx, &grp) in groups.iter().enumerate().rev() {
        if grp == 0 {
            continue;
        }
        if idx == 0 {
            triple(grp, g, &mut out);
            continue;
        }
        let (one, few, many, sg) = SCALES[idx - 1];
        let leading = idx == groups.len() - 1;
        if !(leading && grp == 1) {
            triple(grp, sg, &mut out);
        }
        out.push(match PluralCategory::of_integer(grp) {
            PluralCategory::One => one,
            PluralCategory::Few => few,
            _ => many,
        });
    }
    out.join(" ")
}

/// Grammatical case (падеж) of a number and the noun it counts: «на тысячу пятьсот рублей»
/// (accusative), «более тысячи пятисот рублей» (genitive), «к тысяче пятистам рублям»
/// (dative), «тысячей пятьюстами рублями» (instrumental), «о тысяче пятистах рублях»
/// (prepositional). The accusative is that of an inanimate noun (рубли, баллы, заказы).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Case {
    /// Именительный: «тысяча пятьсот рублей».
    #[default]
    Nominative,
    /// Винительный: «на тысячу пятьсот рублей».
    Accusative,
    /// Родительный: «более тысячи пятисот рублей».
    Genitive,
    /// Дательный: «к тысяче пятистам рублям».
    Dative,
    /// Творительный: «с тысячей пятьюстами рублями».
    Instrumental,
    /// Предложный: «о тысяче пятистах рублях».
    Prepositional,
}

impl Case {
    /// All cases, nominative first.
    pub const ALL: [Case; 6] = [
        Case::Nominative,
        Case::Accusative,
        Case::Genitive,
        Case::Dative,
        Case::Instrumental,
        Case::Prepositional,
    ];

    /// The short name templates use: `nom`, `acc`, `gen`, `dat`, `ins`, `prep`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Case::Nominative => "nom",
            Case::Accusative => "acc",
            Case::Genitive => "gen",
            Case::Dative => "dat",
            Case::Instrumental => "ins",
            Case::Prepositional => "prep",
        }
    }

    /// Reads a case name: the short English names (`nom`, `acc`, `gen`, `dat`, `ins`,
    /// `prep`), the full English ones (`genitive`…), or the Russian abbreviations and names
    /// (`им`, `вин`, `род`, `дат`, `тв`, `пр`, `родительный`…).
    ///
    /// ```
    /// use chek_ru::words::Case;
    /// assert_eq!(Case::parse("dat"), Some(Case::Dative));
    /// assert_eq!(Case::parse("Род"), Some(Case::Genitive));
    /// assert_eq!(Case::parse("vocative"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Case> {
        Some(match s.trim().to_lowercase().as_str() {
            "nom" | "nominative" | "им" | "именительный" => Case::Nominative,
            "acc" | "accusative" | "вин" | "винительный" => Case::Accusative,
            "gen" | "genitive" | "род" | "родительный" => Case::Genitive,
            "dat" | "dative" | "дат" | "дательный" => Case::Dative,
            "ins" | "instr" | "instrumental" | "тв" | "твор" | "творительный" => {
                Case::Instrumental
            }
            "prep" | "loc" | "prepositional" | "пр" | "предл" | "предложный" => {
                Case::Prepositional
            }
            _ => return None,
        })
    }

    /// Index into the oblique tables: genitive 0, dative 1, instrumental 2, prepositional 3.
    const fn oblique(self) -> Option<usize> {
        match self {
            Case::Genitive => Some(0),
            Case::Dative => Some(1),
            Case::Instrumental => Some(2),
            Case::Prepositional => Some(3),
            Case::Nominative | Case::Accusative => None,
        }
    }

    const fn index(self) -> usize {
        match self {
            Case::Nominative => 0,
            Case::Accusative => 1,
            Case::Genitive => 2,
            Case::Dative => 3,
            Case::Instrumental => 4,
            Case::Prepositional => 5,
        }
    }
}

/// The six case forms of a noun in the singular and the plural, in the order of [`Case::ALL`].
///
/// ```
/// use chek_ru::words::{Case, Noun};
/// let rouble = Noun::ROUBLE;
/// assert_eq!(rouble.counted(1500, Case::Dative), "рублям");
/// assert_eq!(rouble.counted(21, Case::Dative), "рублю");
/// assert_eq!(rouble.counted(3, Case::Accusative), "рубля");
/// assert_eq!(rouble.counted(0, Case::Dative), "рублей");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Noun {
    /// Singular forms.
    pub singular: [&'static str; 6],
    /// Plural forms.
    pub plural: [&'static str; 6],
    /// Grammatical gender (for the number before it).
    pub gender: Gender,
}

impl Noun {
    /// рубль.
    pub const ROUBLE: Noun = Noun {
        singular: ["рубль", "рубль", "рубля", "рублю", "рублём", "рубле"],
        plural: ["рубли", "рубли", "рублей", "рублям", "рублями", "рублях"],
        gender: Gender::Masculine,
    };
    /// копейка.
    pub const KOPECK: Noun = Noun {
        singular: [
            "копейка",
            "копейку",
            "копейки",
            "копейке",
            "копейкой",
            "копейке",
        ],
        plural: [
            "копейки",
            "копейки",
            "копеек",
            "копейкам",
            "копейками",
            "копейках",
        ],
        gender: Gender::Feminine,
    };
    const THOUSAND: Noun = Noun {
        singular: ["тысяча", "тысячу", "тысячи", "тысяче", "тысячей", "тысяче"],
        plural: [
            "тысячи",
            "тысячи",
            "тысяч",
            "тысячам",
            "тысячами",
            "тысячах",
        ],
        gender: Gender::Feminine,
    };

    /// The form of the noun after the whole number `n` in `case`: in the nominative and
    /// accusative it follows the CLDR category (1 → «рубль», 2–4 → «рубля», 5+ → «рублей»);
    /// in the other cases it takes that case, singular after a number ending in 1 (not 11),
    /// plural otherwise («двадцати одному рублю», «пяти рублям»); zero always takes
    /// «рублей».
    pub fn counted(&self, n: u64, case: Case) -> &'static str {
        if n == 0 {
            return self.plural[Case::Genitive.index()];
        }
        let cat = PluralCategory::of_integer(n);
        match (case.oblique(), cat) {
            (None, PluralCategory::One) => self.singular[case.index()],
            (None, PluralCategory::Few) => self.singular[Case::Genitive.index()],
            (None, _) => self.plural[Case::Genitive.index()],
            (Some(_), PluralCategory::One) => self.singular[case.index()],
            (Some(_), _) => self.plural[case.index()],
        }
    }
}

/// Oblique forms (genitive, dative, instrumental, prepositional) of 1..=9; 1 and 2 depend on
/// gender and are handled apart.
const UNITS_OBL: [[&str; 4]; 10] = [
    ["", "", "", ""],
    ["", "", "", ""],
    ["двух", "двум", "двумя", "двух"],
    ["трёх", "трём", "тремя", "трёх"],
    ["четырёх", "четырём", "четырьмя", "четырёх"],
    ["пяти", "пяти", "пятью", "пяти"],
    ["шести", "шести", "шестью", "шести"],
    ["семи", "семи", "семью", "семи"],
    ["восьми", "восьми", "восемью", "восьми"],
    ["девяти", "девяти", "девятью", "девяти"],
];
const TEENS_OBL: [[&str; 2]; 10] = [
    ["десяти", "десятью"],
    ["одиннадцати", "одиннадцатью"],
    ["двенадцати", "двенадцатью"],
    ["тринадцати", "тринадцатью"],
    ["четырнадцати", "четырнадцатью"],
    ["пятнадцати", "пятнадцатью"],
    ["шестнадцати", "шестнадцатью"],
    ["семнадцати", "семнадцатью"],
    ["восемнадцати", "восемнадцатью"],
    ["девятнадцати", "девятнадцатью"],
];
const TENS_OBL: [[&str; 2]; 10] = [
    ["", ""],
    ["", ""],
    ["двадцати", "двадцатью"],
    ["тридцати", "тридцатью"],
    ["сорока", "сорока"],
    ["пятидесяти", "пятьюдесятью"],
    ["шестидесяти", "шестьюдесятью"],
    ["семидесяти", "семьюдесятью"],
    ["восьмидесяти", "восемьюдесятью"],
    ["девяноста", "девяноста"],
];
const HUNDREDS_OBL: [[&str; 4]; 10] = [
    ["", "", "", ""],
    ["ста", "ста", "ста", "ста"],
    ["двухсот", "двумстам", "двумястами", "двухстах"],
    ["трёхсот", "трёмстам", "тремястами", "трёхстах"],
    ["четырёхсот", "четырёмстам", "четырьмястами", "четырёхстах"],
    ["пятисот", "пятистам", "пятьюстами", "пятистах"],
    ["шестисот", "шестистам", "шестьюстами", "шестистах"],
    ["семисот", "семистам", "семьюстами", "семистах"],
    ["восьмисот", "восьмистам", "восемьюстами", "восьмистах"],
    ["девятисот", "девятистам", "девятьюстами", "девятистах"],
];

/// «один» in every case and gender (masculine, feminine, neuter).
const ONE: [[&str; 3]; 6] = [
    ["один", "одна", "одно"],
    ["один", "одну", "одно"],
    ["одного", "одной", "одного"],
    ["одному", "одной", "одному"],
    ["одним", "одной", "одним"],
    ["одном", "одной", "одном"],
];

const fn gender_index(g: Gender) -> usize {
    match g {
        Gender::Masculine => 0,
        Gender::Feminine => 1,
        Gender::Neuter => 2,
    }
}

/// Words of 1..=999 in `case` into `out`.
fn triple_in(n: u64, g: Gender, case: Case, out: &mut Vec<&'static str>) {
    let Some(ob) = case.oblique() else {
        let before = out.len();
        triple(n, g, out);
        if case == Case::Accusative
            && n % 10 == 1
            && (n / 10) % 10 != 1
            && let Some(last) = out.get_mut(before..).and_then(|s| s.last_mut())
        {
            *last = ONE[1][gender_index(g)];
        }
        return;
    };
    let (h, t, u) = (
        (n / 100) as usize,
        ((n / 10) % 10) as usize,
        (n % 10) as usize,
    );
    push(out, HUNDREDS_OBL[h][ob]);
    let short = usize::from(ob == 2);
    if t == 1 {
        push(out, TEENS_OBL[u][short]);
        return;
    }
    push(out, TENS_OBL[t][short]);
    match u {
        0 => {}
        1 => out.push(ONE[case.index()][gender_index(g)]),
        _ => push(out, UNITS_OBL[u][ob]),
    }
}

/// A masculine scale word (миллион, миллиард…) in its twelve forms.
macro_rules! scale {
    ($s:literal) => {
        Noun {
            singular: [
                $s,
                $s,
                concat!($s, "а"),
                concat!($s, "у"),
                concat!($s, "ом"),
                concat!($s, "е"),
            ],
            plural: [
                concat!($s, "ы"),
                concat!($s, "ы"),
                concat!($s, "ов"),
                concat!($s, "ам"),
                concat!($s, "ами"),
                concat!($s, "ах"),
            ],
            gender: Gender::Masculine,
        }
    };
}

/// The scale words from 10^3 up to 10^18 in every case.
const SCALE_NOUNS: [Noun; 6] = [
    Noun::THOUSAND,
    scale!("миллион"),
    scale!("миллиард"),
    scale!("триллион"),
    scale!("квадриллион"),
    scale!("квинтиллион"),
];

/// A whole number in words in a grammatical `case`, agreeing with a noun of gender `g`; every
/// part declines, as in careful speech: «тысяче пятистам», «двадцати одной».
///
/// ```
/// use chek_ru::words::{cardinal_in, Case, Gender};
/// let m = Gender::Masculine;
/// assert_eq!(cardinal_in(1500, m, Case::Accusative), "тысячу пятьсот");
/// assert_eq!(cardinal_in(1500, m, Case::Genitive), "тысячи пятисот");
/// assert_eq!(cardinal_in(1500, m, Case::Dative), "тысяче пятистам");
/// assert_eq!(cardinal_in(1500, m, Case::Instrumental), "тысячей пятьюстами");
/// assert_eq!(cardinal_in(1500, m, Case::Prepositional), "тысяче пятистах");
/// assert_eq!(cardinal_in(21, Gender::Feminine, Case::Accusative), "двадцать одну");
/// ```
pub fn cardinal_in(n: u64, g: Gender, case: Case) -> String {
    if case == Case::Nominative {
        return cardinal(n, g);
    }
    if n == 0 {
        return ["ноль", "ноль", "нуля", "нулю", "нулём", "нуле"][case.index()].to_owned();
    }
    let mut groups = Vec::with_capacity(7);
    let mut m = n;
    while m > 0 {
        groups.push(m % 1000);
        m /= 1000;
    }
    let mut out: Vec<&'static str> = Vec::with_capacity(24);
    for (idx, &grp) in groups.iter().enumerate().rev() {
        if grp == 0 {
            continue;
        }
        if idx == 0 {
            triple_in(grp, g, case, &mut out);
            continue;
        }
        let noun = SCALE_NOUNS[idx - 1];
        let leading = idx == groups.len() - 1;
        if !(leading && grp == 1) {
            triple_in(grp, noun.gender, case, &mut out);
        }
        out.push(noun.counted(grp, case));
    }
    out.join(" ")
}

/// A signed whole number in words in a case («минус пяти»).
pub fn cardinal_signed_in(n: i64, g: Gender, case: Case) -> String {
    if n < 0 {
        format!("минус {}", cardinal_in(n.unsigned_abs(), g, case))
    } else {
        cardinal_in(n as u64, g, case)
    }
}

/// A decimal in words in a case: «одной целой пяти десятых» (genitive). `None` as for
/// [`decimal`].
///
/// ```
/// use chek_ru::words::{decimal_in, Case};
/// assert_eq!(decimal_in(1, "5", Case::Genitive).as_deref(), Some("одной целой пяти десятых"));
/// assert_eq!(decimal_in(2, "25", Case::Dative).as_deref(), Some("двум целым двадцати пяти сотым"));
/// assert_eq!(decimal_in(1, "1", Case::Accusative).as_deref(), Some("одну целую одну десятую"));
/// ```
pub fn decimal_in(int: u64, frac: &str, case: Case) -> Option<String> {
    if case == Case::Nominative {
        return decimal(int, frac);
    }
    if frac.is_empty() {
        return Some(cardinal_in(int, Gender::Masculine, case));
    }
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let f: u64 = frac.parse().ok()?;
    // Feminine adjectives: целая, десятая, сотая, тысячная.
    let adj = |stem: &str, n: u64| -> String {
        let one = PluralCategory::of_integer(n) == PluralCategory::One;
        let end = match (case, one) {
            (Case::Accusative, true) => "ую",
            (_, true) => "ой",
            (Case::Dative, false) => "ым",
            (Case::Instrumental, false) => "ыми",
            (_, false) => "ых",
        };
        format!("{stem}{end}")
    };
    let part = match frac.len() {
        1 => "десят",
        2 => "сот",
        _ => "тысячн",
    };
    Some(format!(
        "{} {} {} {}",
        cardinal_in(int, Gender::Feminine, case),
        adj("цел", int),
        cardinal_in(f, Gender::Feminine, case),
        adj(part, f)
    ))
}

/// A signed whole number in words («минус пять»).
pub fn cardinal_signed(n: i64, g: Gender) -> String {
    if n < 0 {
        format!("минус {}", cardinal(n.unsigned_abs(), g))
    } else {
        cardinal(n as u64, g)
    }
}

/// A decimal in words: «одна целая пять десятых». Up to three fraction digits are read; with
/// more, `None` (the caller falls back to digits). The counted noun then takes the `other`
/// form (genitive singular): «одна целая пять десятых рубля».
///
/// ```
/// use chek_ru::words::decimal;
/// assert_eq!(decimal(1, "5").as_deref(), Some("одна целая пять десятых"));
/// assert_eq!(decimal(2, "25").as_deref(), Some("две целых двадцать пять сотых"));
/// assert_eq!(decimal(0, "001").as_deref(), Some("ноль целых одна тысячная"));
/// ```
pub fn decimal(int: u64, frac: &str) -> Option<String> {
    if frac.is_empty() {
        return Some(cardinal(int, Gender::Masculine));
    }
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let f: u64 = frac.parse().ok()?;
    let whole = match PluralCategory::of_integer(int) {
        PluralCategory::One => "целая",
        _ => "целых",
    };
    let (one, other) = match frac.len() {
        1 => ("десятая", "десятых"),
        2 => ("сотая", "сотых"),
        _ => ("тысячная", "тысячных"),
    };
    let part = match PluralCategory::of_integer(f) {
        PluralCategory::One => one,
        _ => other,
    };
    Some(format!(
        "{} {whole} {} {part}",
        cardinal(int, Gender::Feminine),
        cardinal(f, Gender::Feminine)
    ))
}

const ORD_UNITS_GEN: [&str; 10] = [
    "",
    "первого",
    "второго",
    "третьего",
    "четвёртого",
    "пятого",
    "шестого",
    "седьмого",
    "восьмого",
    "девятого",
];
const ORD_TEENS_GEN: [&str; 10] = [
    "десятого",
    "одиннадцатого",
    "двенадцатого",
    "тринадцатого",
    "четырнадцатого",
    "пятнадцатого",
    "шестнадцатого",
    "семнадцатого",
    "восемнадцатого",
    "девятнадцатого",
];
const ORD_TENS_GEN: [&str; 10] = [
    "",
    "",
    "двадцатого",
    "тридцатого",
    "сорокового",
    "пятидесятого",
    "шестидесятого",
    "семидесятого",
    "восьмидесятого",
    "девяностого",
];

/// An ordinal 1..=99 in the masculine/neuter genitive («шестнадцатого», «двадцать первого»),
/// as dates are read: «до шестнадцатого августа». `None` outside 1..=99.
///
/// ```
/// use chek_ru::words::ordinal_genitive;
/// assert_eq!(ordinal_genitive(16).as_deref(), Some("шестнадцатого"));
/// assert_eq!(ordinal_genitive(31).as_deref(), Some("тридцать первого"));
/// assert_eq!(ordinal_genitive(0), None);
/// ```
pub fn ordinal_genitive(n: u32) -> Option<String> {
    let (t, u) = ((n / 10) as usize, (n % 10) as usize);
    match n {
        1..=9 => Some(ORD_UNITS_GEN[u].to_owned()),
        10..=19 => Some(ORD_TEENS_GEN[u].to_owned()),
        20..=99 if u == 0 => Some(ORD_TENS_GEN[t].to_owned()),
        20..=99 => Some(format!("{} {}", TENS[t], ORD_UNITS_GEN[u])),
        _ => None,
    }
}

/// A year of this century in the genitive ordinal: «две тысячи двадцать шестого»; the year
/// 2000 is «двухтысячного». `None` outside 2000..=2099.
///
/// ```
/// use chek_ru::words::year_genitive;
/// assert_eq!(year_genitive(2026).as_deref(), Some("две тысячи двадцать шестого"));
/// ```
pub fn year_genitive(y: i32) -> Option<String> {
    match y {
        2000 => Some("двухтысячного".to_owned()),
        2001..=2099 => ordinal_genitive((y - 2000) as u32).map(|o| format!("две тысячи {o}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::Gender::{Feminine as F, Masculine as M, Neuter as N};
    use super::*;

    #[test]
    fn cardinals() {
        let cases: &[(u64, Gender, &str)] = &[
            (1, M, "один"),
            (1, F, "одна"),
            (1, N, "одно"),
            (2, M, "два"),
            (2, F, "две"),
            (2, N, "два"),
            (11, F, "одиннадцать"),
            (12, F, "двенадцать"),
            (19, M, "девятнадцать"),
            (20, M, "двадцать"),
            (21, F, "двадцать одна"),
            (100, M, "сто"),
            (101, M, "сто один"),
            (111, M, "сто одиннадцать"),
            (999, M, "девятьсот девяносто девять"),
            (1000, M, "тысяча"),
            (1001, M, "тысяча один"),
            (2000, M, "две тысячи"),
            (5000, M, "пять тысяч"),
            (11_000, M, "одиннадцать тысяч"),
            (21_000, M, "двадцать одна тысяча"),
            (22_000, M, "двадцать две тысячи"),
            (101_000, M, "сто одна тысяча"),
            (1_000_000, M, "миллион"),
            (1_001_000, M, "миллион одна тысяча"),
            (2_000_000, M, "два миллиона"),
            (5_000_000, M, "пять миллионов"),
            (21_000_000, M, "двадцать один миллион"),
            (1_000_000_000, M, "миллиард"),
            (
                1_234_567_891,
                F,
                "миллиард двести тридцать четыре миллиона пятьсот шестьдесят семь тысяч \
                 восемьсот девяносто одна",
            ),
        ];
        for &(n, g, w) in cases {
            assert_eq!(cardinal(n, g), w, "{n} {g:?}");
        }
        assert!(cardinal(u64::MAX, M).starts_with("восемнадцать квинтиллионов"));
        assert_eq!(cardinal_signed(-5, M), "минус пять");
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal(1, "5").as_deref(), Some("одна целая пять десятых"));
        assert_eq!(
            decimal(21, "1").as_deref(),
            Some("двадцать одна целая одна десятая")
        );
        assert_eq!(
            decimal(11, "11").as_deref(),
            Some("одиннадцать целых одиннадцать сотых")
        );
        assert_eq!(decimal(3, "").as_deref(), Some("три"));
        assert_eq!(decimal(3, "1234"), None);
    }

    #[test]
    fn cardinals_in_every_case() {
        use Case::*;
        let rows: &[(u64, Gender, [&str; 6])] = &[
            (1, M, ["один", "один", "одного", "одному", "одним", "одном"]),
            (1, F, ["одна", "одну", "одной", "одной", "одной", "одной"]),
            (2, F, ["две", "две", "двух", "двум", "двумя", "двух"]),
            (
                4,
                M,
                [
                    "четыре",
                    "четыре",
                    "четырёх",
                    "четырём",
                    "четырьмя",
                    "четырёх",
                ],
            ),
            (
                8,
                M,
                ["восемь", "восемь", "восьми", "восьми", "восемью", "восьми"],
            ),
            (
                11,
                M,
                [
                    "одиннадцать",
                    "одиннадцать",
                    "одиннадцати",
                    "одиннадцати",
                    "одиннадцатью",
                    "одиннадцати",
                ],
            ),
            (
                40,
                M,
                ["сорок", "сорок", "сорока", "сорока", "сорока", "сорока"],
            ),
            (
                50,
                M,
                [
                    "пятьдесят",
                    "пятьдесят",
                    "пятидесяти",
                    "пятидесяти",
                    "пятьюдесятью",
                    "пятидесяти",
                ],
            ),
            (
                90,
                M,
                [
                    "девяносто",
                    "девяносто",
                    "девяноста",
                    "девяноста",
                    "девяноста",
                    "девяноста",
                ],
            ),
            (100, M, ["сто", "сто", "ста", "ста", "ста", "ста"]),
            (
                200,
                M,
                [
                    "двести",
                    "двести",
                    "двухсот",
                    "двумстам",
                    "двумястами",
                    "двухстах",
                ],
            ),
            (
                21,
                F,
                [
                    "двадцать одна",
                    "двадцать одну",
                    "двадцати одной",
                    "двадцати одной",
                    "двадцатью одной",
                    "двадцати одной",
                ],
            ),
            (
                1000,
                M,
                ["тысяча", "тысячу", "тысячи", "тысяче", "тысячей", "тысяче"],
            ),
            (
                2000,
                M,
                [
                    "две тысячи",
                    "две тысячи",
                    "двух тысяч",
                    "двум тысячам",
                    "двумя тысячами",
                    "двух тысячах",
                ],
            ),
            (
                21_000,
                M,
                [
                    "двадцать одна тысяча",
                    "двадцать одну тысячу",
                    "двадцати одной тысячи",
                    "двадцати одной тысяче",
                    "двадцатью одной тысячей",
                    "двадцати одной тысяче",
                ],
            ),
            (
                1_000_000,
                M,
                [
                    "миллион",
                    "миллион",
                    "миллиона",
                    "миллиону",
                    "миллионом",
                    "миллионе",
                ],
            ),
            (
                3_000_000,
                M,
                [
                    "три миллиона",
                    "три миллиона",
                    "трёх миллионов",
                    "трём миллионам",
                    "тремя миллионами",
                    "трёх миллионах",
                ],
            ),
            (0, M, ["ноль", "ноль", "нуля", "нулю", "нулём", "нуле"]),
            (
                2_345,
                M,
                [
                    "две тысячи триста сорок пять",
                    "две тысячи триста сорок пять",
                    "двух тысяч трёхсот сорока пяти",
                    "двум тысячам трёмстам сорока пяти",
                    "двумя тысячами тремястами сорока пятью",
                    "двух тысячах трёхстах сорока пяти",
                ],
            ),
        ];
        for (n, g, forms) in rows {
            for (case, want) in [
                Nominative,
                Accusative,
                Genitive,
                Dative,
                Instrumental,
                Prepositional,
            ]
            .into_iter()
            .zip(forms)
            {
                assert_eq!(cardinal_in(*n, *g, case), *want, "{n} {g:?} {case:?}");
            }
        }
        assert!(cardinal_in(u64::MAX, M, Dative).starts_with("восемнадцати квинтиллионам"));
        assert_eq!(cardinal_signed_in(-5, M, Genitive), "минус пяти");
        for c in Case::ALL {
            assert_eq!(Case::parse(c.as_str()), Some(c));
        }
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal_genitive(1).as_deref(), Some("первого"));
        assert_eq!(ordinal_genitive(3).as_deref(), Some("третьего"));
        assert_eq!(ordinal_genitive(11).as_deref(), Some("одиннадцатого"));
        assert_eq!(ordinal_genitive(20).as_deref(), Some("двадцатого"));
        assert_eq!(ordinal_genitive(23).as_deref(), Some("двадцать третьего"));
        assert_eq!(ordinal_genitive(30).as_deref(), Some("тридцатого"));
        assert_eq!(ordinal_genitive(100), None);
        assert_eq!(year_genitive(2000).as_deref(), Some("двухтысячного"));
        assert_eq!(year_genitive(2010).as_deref(), Some("две тысячи десятого"));
        assert_eq!(year_genitive(1999), None);
    }
}
