//! One template, two renderings: the SMS text and the text-to-speech text.
//!
//! Syntax:
//! - `{var}` or `{var|formatter}` or `{var|formatter:args}`; `{var|…?default}` gives a default
//!   when the variable is missing, null, or not usable by the formatter (a company name for
//!   `name`).
//! - Formatters: `amount` (kopecks: «1 500 ₽» / «тысяча пятьсот рублей»; `amount:digits` speaks
//!   «1 500 рублей»), `number[:m|f|n]`, `plural:[m|f|n,]one,few,many[,other]` (the number and
//!   the agreeing word), `word:…` (the word alone), `date[:year]`, `time`, `order`, `phone`,
//!   `name[:given|polite|full]`, `text`.
//! - Grammatical case for `amount` and `number` in speech: add `nom`, `acc`, `gen`, `dat`,
//!   `ins` or `prep` (or `им`, `вин`, `род`, `дат`, `тв`, `пр`) after a comma or alone:
//!   `на {sum|amount:acc}` → «на тысячу пятьсот рублей», `более {sum|amount:gen}` → «более
//!   тысячи пятисот рублей», `к {sum|amount:dat}` → «к тысяче пятистам рублям», `о
//!   {sum|amount:prep}` → «о тысяче пятистах рублях», `{sum|amount:digits,dat}` → «1 500
//!   рублям», `{n|number:f,gen}` → «двадцати одной». The SMS text is the same in every case
//!   («1 500 ₽», digits).
//! - In speech, text values have their address abbreviations read out («ул.» → «улица», «д. 5»
//!   → «дом 5», «кв.», «корп.», «стр.», «пр-т», «г.»…; see
//!   [`chek_ru::spoken::expand_abbreviations`]).
//! - `{#sms}…{/sms}` only in SMS, `{#speech}…{/speech}` only in speech, `{#opt}…{/opt}` a part
//!   the SMS planner may suggest cutting to save a segment.
//! - `{{` and `}}` are literal braces.

use serde_json::{Map, Value};

use super::NotifyError;
use super::format::{Fmt, Target};

/// Template text limit in bytes.
pub const MAX_TEMPLATE: usize = 16 * 1024;
/// Rendered text limit in bytes.
pub const MAX_RENDERED: usize = 32 * 1024;
const MAX_DEPTH: usize = 4;
const MAX_PARTS: usize = 2_000;

/// The values a template is rendered with: a JSON object.
pub type Vars = Map<String, Value>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    Sms,
    Speech,
    Opt,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Var {
        name: String,
        fmt: Fmt,
        default: Option<String>,
    },
    Block {
        kind: Block,
        /// Index among optional blocks (for cut advice); 0 for the others.
        index: usize,
        parts: Vec<Part>,
    },
}

/// A parsed template.
///
/// ```
/// use chek_engage::notify::{Template, Target};
/// let t = Template::parse(
///     "{name|name}, заказ {order|order} ждёт вас до {until|date}. К оплате {sum|amount}.",
/// )?;
/// let vars = serde_json::json!({
///     "name": "Иванова Анна", "order": "A-10234", "until": "2026-08-16", "sum": 150000,
/// });
/// let vars = vars.as_object().unwrap();
/// assert_eq!(
///     t.render(vars, Target::Sms)?,
///     "Анна, заказ A-10234 ждёт вас до 16 августа. К оплате 1\u{202F}500\u{A0}₽."
/// );
/// assert_eq!(
///     t.render(vars, Target::Speech)?,
///     "Анна, заказ A, сто два, тридцать четыре ждёт вас до шестнадцатого августа. \
///      К оплате тысяча пятьсот рублей."
/// );
/// # Ok::<(), chek_engage::notify::NotifyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
    optional: usize,
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    count: usize,
    optional: usize,
}

impl Parser<'_> {
    fn err(&self, reason: impl Into<String>) -> NotifyError {
        NotifyError::BadTemplate {
            pos: self.pos,
            reason: reason.into(),
        }
    }

    fn push(&mut self, out: &mut Vec<Part>, p: Part) -> Result<(), NotifyError> {
        self.count += 1;
        if self.count > MAX_PARTS {
            return Err(NotifyError::TooLong {
                what: "template parts",
                limit: MAX_PARTS,
            });
        }
        out.push(p);
        Ok(())
    }

    /// Parses until `{/end}` (or the end of input when `end` is `None`).
    fn parts(&mut self, end: Option<&str>, depth: usize) -> Result<Vec<Part>, NotifyError> {
        let mut out = Vec::new();
        let mut text = String::new();
        while self.pos < self.src.len() {
            let rest = &self.src[self.pos..];
            if rest.starts_with("{{") || rest.starts_with("}}") {
                text.push_str(&rest[..1]);
                self.pos += 2;
                continue;
            }
            if rest.starts_with('}') {
                return Err(self.err("a lone '}' (write '}}' for a brace)"));
            }
            if !rest.starts_with('{') {
                let c = rest.chars().next().unwrap_or(' ');
                text.push(c);
                self.pos += c.len_utf8();
                continue;
            }
            let close = rest.find('}').ok_or_else(|| self.err("'{' without '}'"))?;
            let body = &rest[1..close];
            if body.contains('{') {
                return Err(self.err("'{' inside a placeholder"));
            }
            if !text.is_empty() {
                let t = std::mem::take(&mut text);
                self.push(&mut out, Part::Text(t))?;
            }
            let start = self.pos;
            self.pos += close + 1;
            if let Some(kind) = body.strip_prefix('#') {
                let kind_enum = match kind.trim() {
                    "sms" => Block::Sms,
                    "speech" => Block::Speech,
                    "opt" => Block::Opt,
                    _ => {
                        self.pos = start;
                        return Err(
                            self.err(format!("unknown block {{#{kind}}}: sms, speech or opt"))
                        );
                    }
                };
                if depth >= MAX_DEPTH {
                    self.pos = start;
                    return Err(self.err("blocks nested too deep"));
                }
                let index = if kind_enum == Block::Opt {
                    self.optional += 1;
                    self.optional - 1
                } else {
                    0
                };
                let inner = self.parts(Some(kind.trim()), depth + 1)?;
                let p = Part::Block {
                    kind: kind_enum,
                    index,
                    parts: inner,
                };
                self.push(&mut out, p)?;
                continue;
            }
            if let Some(kind) = body.strip_prefix('/') {
                if end == Some(kind.trim()) {
                    return Ok(out);
                }
                self.pos = start;
                return Err(self.err(format!("{{/{kind}}} closes nothing open")));
            }
            let (spec, default) = match body.split_once('?') {
                Some((s, d)) => (s, Some(d.to_owned())),
                None => (body, None),
            };
            let (name, fmt) = match spec.split_once('|') {
                Some((n, f)) => (n.trim(), Some(f)),
                None => (spec.trim(), None),
            };
            if name.is_empty()
                || name.len() > 64
                || !name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '-')
            {
                self.pos = start;
                return Err(self.err(format!("bad variable name {name:?}")));
            }
            let fmt = match fmt {
                Some(f) => {
                    let (fname, args) = match f.split_once(':') {
                        Some((n, a)) => (n, Some(a)),
                        None => (f, None),
                    };
                    Fmt::parse(fname, args)?
                }
                None => Fmt::Text,
            };
            let p = Part::Var {
                name: name.to_owned(),
                fmt,
                default,
            };
            self.push(&mut out, p)?;
        }
        if !text.is_empty() {
            self.push(&mut out, Part::Text(text))?;
        }
        match end {
            Some(e) => Err(self.err(format!("{{#{e}}} is never closed"))),
            None => Ok(out),
        }
    }
}

impl Template {
    /// Parses a template; every placeholder's formatter is checked now, not at render time.
    pub fn parse(src: &str) -> Result<Self, NotifyError> {
        if src.len() > MAX_TEMPLATE {
            return Err(NotifyError::TooLong {
                what: "template",
                limit: MAX_TEMPLATE,
            });
        }
        let mut p = Parser {
            src,
            pos: 0,
            count: 0,
            optional: 0,
        };
        let parts = p.parts(None, 0)?;
        Ok(Template {
            parts,
            optional: p.optional,
        })
    }

    /// How many `{#opt}` blocks the template has.
    pub fn optional_count(&self) -> usize {
        self.optional
    }

    /// Renders for `target`. Spaces are collapsed and trimmed afterwards, so a missing block
    /// leaves no double space.
    pub fn render(&self, vars: &Vars, target: Target) -> Result<String, NotifyError> {
        self.render_without(vars, target, None)
    }

    /// Renders with the optional block number `skip` (in order of appearance) left out.
    pub fn render_without(
        &self,
        vars: &Vars,
        target: Target,
        skip: Option<usize>,
    ) -> Result<String, NotifyError> {
        let mut out = String::new();
        render_parts(&self.parts, vars, target, skip, &mut out)?;
        Ok(tidy(&out))
    }

    /// The rendered text of each optional block, in order (what a cut would remove).
    pub fn optional_texts(&self, vars: &Vars, target: Target) -> Result<Vec<String>, NotifyError> {
        let mut found = vec![String::new(); self.optional];
        collect_opts(&self.parts, vars, target, &mut found)?;
        Ok(found.iter().map(|s| tidy(s)).collect())
    }
}

fn collect_opts(
    parts: &[Part],
    vars: &Vars,
    target: Target,
    found: &mut [String],
) -> Result<(), NotifyError> {
    for p in parts {
        if let Part::Block { kind, index, parts } = p {
            if !shown(kind, target) {
                continue;
            }
            if *kind == Block::Opt {
                let mut s = String::new();
                render_parts(parts, vars, target, None, &mut s)?;
                if let Some(slot) = found.get_mut(*index) {
                    *slot = s;
                }
            }
            collect_opts(parts, vars, target, found)?;
        }
    }
    Ok(())
}

fn shown(kind: &Block, target: Target) -> bool {
    !matches!(
        (kind, target),
        (Block::Sms, Target::Speech) | (Block::Speech, Target::Sms)
    )
}

fn render_parts(
    parts: &[Part],
    vars: &Vars,
    target: Target,
    skip: Option<usize>,
    out: &mut String,
) -> Result<(), NotifyError> {
    for p in parts {
        match p {
            Part::Text(t) => out.push_str(t),
            Part::Var { name, fmt, default } => match vars.get(name) {
                Some(v) if !v.is_null() => match (fmt.apply(name, v, target), default) {
                    (Ok(s), _) => out.push_str(&s),
                    (Err(_), Some(d)) => out.push_str(d),
                    (Err(e), None) => return Err(e),
                },
                _ => match default {
                    Some(d) => out.push_str(d),
                    None => return Err(NotifyError::MissingVar(name.clone())),
                },
            },
            Part::Block { kind, index, parts } => {
                if !shown(kind, target) || (*kind == Block::Opt && skip == Some(*index)) {
                    continue;
                }
                render_parts(parts, vars, target, skip, out)?;
            }
        }
        if out.len() > MAX_RENDERED {
            return Err(NotifyError::TooLong {
                what: "rendered text",
                limit: MAX_RENDERED,
            });
        }
    }
    Ok(())
}

/// Collapses runs of spaces (ASCII, tabs, line breaks) into one, drops a space before
/// punctuation that a removed block left behind, and trims.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
            space = true;
            continue;
        }
        if space && !out.is_empty() && !matches!(c, '.' | ',' | '!' | '?' | ';' | ':') {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars(v: Value) -> Vars {
        v.as_object().cloned().unwrap_or_default()
    }

    fn both(t: &str, v: Value) -> (String, String) {
        let t = Template::parse(t).unwrap_or_else(|e| panic!("{e}"));
        let v = vars(v);
        (
            t.render(&v, Target::Sms).unwrap_or_else(|e| panic!("{e}")),
            t.render(&v, Target::Speech)
                .unwrap_or_else(|e| panic!("{e}")),
        )
    }

    #[test]
    fn plural_placeholders() {
        let t = "{n|plural:балл,балла,баллов}";
        for (n, sms, speech) in [
            (json!(1), "1 балл", "один балл"),
            (json!(2), "2 балла", "два балла"),
            (json!(5), "5 баллов", "пять баллов"),
            (json!(11), "11 баллов", "одиннадцать баллов"),
            (json!(21), "21 балл", "двадцать один балл"),
            (json!("1,5"), "1,5 балла", "одна целая пять десятых балла"),
        ] {
            assert_eq!(
                both(t, json!({"n": n})),
                (sms.to_owned(), speech.to_owned())
            );
        }
        let f = "{n|plural:f,бутылка,бутылки,бутылок}";
        assert_eq!(both(f, json!({"n": 2})).1, "две бутылки");
        assert_eq!(both("{n|word:день,дня,дней}", json!({"n": 3})).0, "дня");
    }

    #[test]
    fn amounts_phones_orders() {
        let (sms, speech) = both(
            "{a|amount} {a|amount:digits} {p|phone} {o|order}",
            json!({"a": 150_000, "p": "89123456789", "o": 1234}),
        );
        assert_eq!(
            sms,
            "1\u{202F}500\u{A0}₽ 1\u{202F}500\u{A0}₽ +7 912 345-67-89 1234"
        );
        assert_eq!(
            speech,
            "тысяча пятьсот рублей 1\u{A0}500 рублей плюс семь, девятьсот двенадцать, \
             триста сорок пять, шестьдесят семь, восемьдесят девять двенадцать, тридцать четыре"
        );
    }

    #[test]
    fn amounts_and_numbers_in_a_grammatical_case() {
        let (sms, speech) = both(
            "на {a|amount:acc}, более {a|amount:gen}, к {a|amount:dat}, о {a|amount:prep}, \
             с {a|amount:тв}; к {a|amount:digits,dat}; из {n|number:f,gen} попыток; \
             {n|number:вин,ж}",
            json!({"a": 150_000, "n": 21}),
        );
        assert_eq!(
            speech,
            "на тысячу пятьсот рублей, более тысячи пятисот рублей, к тысяче пятистам рублям, \
             о тысяче пятистах рублях, с тысячей пятьюстами рублями; к 1\u{A0}500 рублям; \
             из двадцати одной попыток; двадцать одну"
        );
        assert!(sms.starts_with("на 1\u{202F}500\u{A0}₽, более 1\u{202F}500\u{A0}₽"));
        assert!(sms.ends_with("из 21 попыток; 21"));
        let (_, speech) = both("{x|number:gen}", json!({"x": "1,5"}));
        assert_eq!(speech, "одной целой пяти десятых");
        for bad in [
            "{a|amount:dat,gen}",
            "{a|amount:digits,digits}",
            "{a|amount:vocative}",
            "{n|number:f,m}",
            "{n|number:f,dat,x}",
        ] {
            assert_eq!(
                Template::parse(bad)
                    .err()
                    .map(|e| e.to_string().contains("formatter")),
                Some(true),
                "{bad}"
            );
        }
    }

    #[test]
    fn addresses_are_read_out_in_speech() {
        let (sms, speech) = both(
            "Заказ ждёт по адресу {addr}.",
            json!({"addr": "г. Москва, ул. Ленина, д. 5, корп. 2, кв. 12"}),
        );
        assert_eq!(
            sms,
            "Заказ ждёт по адресу г. Москва, ул. Ленина, д. 5, корп. 2, кв. 12."
        );
        assert_eq!(
            speech,
            "Заказ ждёт по адресу город Москва, улица Ленина, дом 5, корпус 2, квартира 12."
        );
    }

    #[test]
    fn blocks_defaults_and_braces() {
        let t = "{#speech}Здравствуйте! {/speech}Код {{1}}. {name|name?Клиент}{#sms}, ответ не нужен{/sms}{#opt} Спасибо!{/opt}";
        let (sms, speech) = both(t, json!({}));
        assert_eq!(sms, "Код {1}. Клиент, ответ не нужен Спасибо!");
        assert_eq!(speech, "Здравствуйте! Код {1}. Клиент Спасибо!");
        let tp = Template::parse(t).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(tp.optional_count(), 1);
        let v = Vars::new();
        assert_eq!(
            tp.render_without(&v, Target::Sms, Some(0))
                .unwrap_or_default(),
            "Код {1}. Клиент, ответ не нужен"
        );
        assert_eq!(
            tp.optional_texts(&v, Target::Sms).unwrap_or_default(),
            vec!["Спасибо!"]
        );
    }

    #[test]
    fn errors_are_typed() {
        use chek_core::Coded;
        let code = |t: &str| Template::parse(t).err().map(|e| e.code());
        assert_eq!(code("{a"), Some("notify.bad_template"));
        assert_eq!(code("a}"), Some("notify.bad_template"));
        assert_eq!(code("{#sms}x"), Some("notify.bad_template"));
        assert_eq!(code("{/sms}"), Some("notify.bad_template"));
        assert_eq!(code("{#loud}x{/loud}"), Some("notify.bad_template"));
        assert_eq!(code("{a|shout}"), Some("notify.bad_formatter"));
        assert_eq!(code("{a|plural:one,two}"), Some("notify.bad_formatter"));
        assert_eq!(code("{}"), Some("notify.bad_template"));
        assert_eq!(code(&"{#opt}".repeat(10)), Some("notify.bad_template"));
        assert_eq!(code(&"x".repeat(MAX_TEMPLATE + 1)), Some("notify.too_long"));
        let t = Template::parse("{d|date} {a|amount}").unwrap_or_else(|e| panic!("{e}"));
        let e = t
            .render(&vars(json!({"d": "вчера", "a": 1})), Target::Sms)
            .err();
        assert_eq!(e.map(|e| e.code()), Some("notify.bad_value"));
        let e = t.render(&Vars::new(), Target::Sms).err();
        assert_eq!(e, Some(NotifyError::MissingVar("d".into())));
        let n = Template::parse("{n|name?Клиент}").unwrap_or_else(|e| panic!("{e}"));
        let org = vars(json!({"n": "ООО «Ромашка»"}));
        assert_eq!(n.render(&org, Target::Sms).unwrap_or_default(), "Клиент");
    }

    #[test]
    fn hostile_values_stay_bounded() {
        let t = Template::parse(&"{x}".repeat(1_000)).unwrap_or_else(|e| panic!("{e}"));
        let big = vars(json!({"x": "я".repeat(1_000_000)}));
        let e = t.render(&big, Target::Sms).err();
        assert_eq!(
            e.map(|e| chek_core::Coded::code(&e)),
            Some("notify.too_long")
        );
        let v = vars(json!({"x": "a\u{0}b\nc"}));
        let one = Template::parse("{x}").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(one.render(&v, Target::Sms).unwrap_or_default(), "a b c");
    }
}
