//! Receipt text (OCR) and manual entry: the generated corpus, hand-written cases for every label
//! spelling and every repair, real receipts rendered as text, and hostile input.

use chek::fiscal::{Channel, FiscalQr, Operation, Receipt, format_roubles};
use chek::text::{
    FieldProblem, MAX_MANUAL_BYTES, MAX_TEXT_BYTES, Repair, TextError, TextField,
    parse_manual_entry, parse_receipt_text,
};
use chek::{Coded, Lang};
use chek_tests::textgen::{compare, generate, generate_clean, score};
use proptest::prelude::*;

const FOOTER: &str =
    "ИТОГ =460.00\nФН 7380440700076549\nФД 41110\nФП 2026476352\nПРИХОД 19.07.24 13:14";
const FOOTER_QR: &str = "t=20240719T1314&s=460.00&fn=7380440700076549&i=41110&fp=2026476352&n=1";

fn qr_of(text: &str) -> String {
    match parse_receipt_text(text).to_qr() {
        Ok(q) => q.to_string(),
        Err(e) => format!("error {e}"),
    }
}

#[test]
fn generated_damaged_texts_meet_the_target_and_never_invent() {
    for seed in [1, 2026] {
        let samples = generate(seed, 600);
        let rep = score(&samples);
        assert!(
            rep.exact_rate() >= 0.95,
            "seed {seed}: exact match {:.3} below 0.95\n{rep}",
            rep.exact_rate()
        );
        assert_eq!(
            rep.wrong_values, 0,
            "seed {seed}: a value was invented\n{rep}"
        );
        // The generator really damages: most texts carry OCR letters or look-alike labels.
        let damaged = samples
            .iter()
            .filter(|s| s.damage.contains(&"letter_for_digit") || s.damage.contains(&"latin_label"))
            .count();
        assert!(damaged > samples.len() / 2, "only {damaged} damaged");
    }
}

#[test]
fn generated_clean_texts_are_read_exactly() {
    let samples = generate_clean(5, 300);
    for s in &samples {
        let r = parse_receipt_text(&s.text);
        let bad: Vec<_> = compare(&r, &s.expected)
            .into_iter()
            .filter(|&(_, ok)| !ok)
            .collect();
        assert!(bad.is_empty(), "{bad:?} in\n{}", s.text);
        assert!(r.problems().is_empty(), "{:?} in\n{}", r.problems(), s.text);
    }
}

#[test]
fn generated_texts_become_ocr_candidates_with_the_truth() {
    for s in generate(11, 200) {
        let e = &s.expected;
        let r = parse_receipt_text(&s.text);
        match (&e.fn_number, e.fd, e.fp, e.datetime) {
            (Some(fn_), Some(fd), Some(fp), Some(dt)) => {
                let c = r
                    .to_candidate()
                    .unwrap_or_else(|err| panic!("{err}\n{}", s.text));
                assert_eq!(c.channel, Channel::Ocr);
                assert_eq!(c.qr.fn_number.to_string(), *fn_);
                assert_eq!((c.qr.fd, c.qr.fp, c.qr.datetime), (fd, fp, dt));
                assert_eq!(Some(c.qr.total_kopecks), e.total_kopecks);
            }
            _ => {
                let err = r
                    .to_candidate()
                    .expect_err("a destroyed field cannot be read");
                assert_eq!(err.code(), "text.incomplete");
                let TextError::Incomplete { missing } = err else {
                    panic!("{err:?}")
                };
                assert!(!missing.is_empty());
            }
        }
    }
}

#[test]
fn every_label_spelling() {
    let cases: &[(&str, TextField, &str)] = &[
        ("ФН 7380440700076549", TextField::Fn, "7380440700076549"),
        ("ФН №: 7380440700076549", TextField::Fn, "7380440700076549"),
        ("ФН N 7380440700076549", TextField::Fn, "7380440700076549"),
        ("ФН No 7380440700076549", TextField::Fn, "7380440700076549"),
        ("фн:7380440700076549", TextField::Fn, "7380440700076549"),
        ("ФH 7380440700076549", TextField::Fn, "7380440700076549"),
        ("ФД 41110", TextField::Fd, "41110"),
        ("ФД №: 0000041110", TextField::Fd, "41110"),
        ("ФД: 41110", TextField::Fd, "41110"),
        ("ФП 2026476352", TextField::Fp, "2026476352"),
        ("ФПД 2026476352", TextField::Fp, "2026476352"),
        ("ФПД#: 0211560320", TextField::Fp, "211560320"),
        ("ИНН 7725699808", TextField::Inn, "7725699808"),
        ("ИНН: 504404744207", TextField::Inn, "504404744207"),
        ("ИHH 7725699808", TextField::Inn, "7725699808"),
        (
            "РН ККТ 0000373856050035",
            TextField::Rnm,
            "0000373856050035",
        ),
        (
            "РЕГ.НОМЕР ККТ: 0000373856050035",
            TextField::Rnm,
            "0000373856050035",
        ),
        (
            "РЕГ. НОМЕР ККТ 0000373856050035",
            TextField::Rnm,
            "0000373856050035",
        ),
        (
            "Регистрационный номер ККТ: 0000373856050035",
            TextField::Rnm,
            "0000373856050035",
        ),
        (
            "PH KKT 0000373856050035",
            TextField::Rnm,
            "0000373856050035",
        ),
        ("ЗН ККТ 00106304241645", TextField::Zn, "00106304241645"),
        ("ЗАВОД. №: 00106304241645", TextField::Zn, "00106304241645"),
        (
            "Заводской номер ККТ: 00106304241645",
            TextField::Zn,
            "00106304241645",
        ),
        ("3Н KKT 00106304241645", TextField::Zn, "00106304241645"),
        ("Смена № 112", TextField::Shift, "112"),
        ("СМЕНА: 112", TextField::Shift, "112"),
        ("Чек № 45", TextField::ReceiptNumber, "45"),
        ("Чек 45", TextField::ReceiptNumber, "45"),
        ("ИТОГ =460.00", TextField::Total, "460.00"),
        ("ИТОГО: =460,00", TextField::Total, "460.00"),
        ("ИТОГО К ОПЛАТЕ 1 460.00", TextField::Total, "1460.00"),
        ("ИT0Г =460.00", TextField::Total, "460.00"),
        ("ПРИХОД", TextField::Operation, "1"),
        ("КАССОВЫЙ ЧЕК/ПРИХОД", TextField::Operation, "1"),
        ("Кассовый чек. Приход", TextField::Operation, "1"),
        ("ВОЗВРАТ ПРИХОДА", TextField::Operation, "2"),
        ("РАСХОД", TextField::Operation, "3"),
        ("ВОЗВРАТ РАСХОДА", TextField::Operation, "4"),
        ("ПPИXOД", TextField::Operation, "1"),
        (
            "Возврат товара в течение 14 дней\nПРИХОД",
            TextField::Operation,
            "1",
        ),
        ("ВОЗВРАТ", TextField::Operation, "2"),
        ("19.07.24 13:14", TextField::DateTime, "2024-07-19 13:14:00"),
        (
            "19.07.2024 13:14",
            TextField::DateTime,
            "2024-07-19 13:14:00",
        ),
        (
            "Дата 19.07.24 Время 13:14",
            TextField::DateTime,
            "2024-07-19 13:14:00",
        ),
        (
            "Дата: 19.07.2024 Время: 13:14:05",
            TextField::DateTime,
            "2024-07-19 13:14:05",
        ),
    ];
    for &(text, field, want) in cases {
        let r = parse_receipt_text(text);
        let got = match field {
            TextField::Fn => r.fn_number.map(|f| f.value.to_string()),
            TextField::Fd => r.fd.map(|f| f.value.to_string()),
            TextField::Fp => r.fp.map(|f| f.value.to_string()),
            TextField::Inn => r.inn.map(|f| f.value),
            TextField::Rnm => r.rnm.map(|f| f.value),
            TextField::Zn => r.zn.map(|f| f.value),
            TextField::Shift => r.shift.map(|f| f.value.to_string()),
            TextField::ReceiptNumber => r.receipt_number.map(|f| f.value.to_string()),
            TextField::Total => r.total_kopecks.map(|f| format_roubles(f.value)),
            TextField::Operation => r.operation.map(|f| f.value.code().to_string()),
            TextField::DateTime => r.datetime.map(|f| f.value.to_string()),
            _ => None,
        };
        assert_eq!(got.as_deref(), Some(want), "{text:?}");
    }
}

#[test]
fn words_that_only_look_like_labels_are_not_fields() {
    let r = parse_receipt_text(
        "САЙТ ФНС www.nalog.gov.ru\nНДС итога чека со ставкой 20% =76.67\nСмена закрыта\nКАССОВЫЙ ЧЕК\nИНН кассира 504404744207",
    );
    assert!(r.fn_number.is_none() && r.total_kopecks.is_none() && r.shift.is_none());
    assert!(r.receipt_number.is_none() && r.inn.is_none());
    assert!(r.unreadable.is_empty(), "{:?}", r.unreadable);
}

fn repairs_of(text: &str, field: TextField) -> Vec<Repair> {
    let r = parse_receipt_text(text);
    match field {
        TextField::Fn => r.fn_number.map(|f| f.repairs),
        TextField::Fd => r.fd.map(|f| f.repairs),
        TextField::Inn => r.inn.map(|f| f.repairs),
        TextField::Total => r.total_kopecks.map(|f| f.repairs),
        TextField::DateTime => r.datetime.map(|f| f.repairs),
        _ => None,
    }
    .unwrap_or_else(|| panic!("{field:?} not read from {text:?}"))
}

#[test]
fn every_repair() {
    // Letters for digits, Cyrillic and Latin, inside numeric fields.
    for (damaged, clean) in [
        ("ФН 738О44О7ОООВ6549", "7380440700086549"),
        ("ФН 73B044070007Б549", "7380440700076549"),
        ("ФН 738044O7000765Ч9", "7380440700076549"),
        ("ФН 7З80440700076549", "7380440700076549"),
        ("ФН 7380440700076S49", "7380440700076549"),
        ("ФН 73804407000765l9", "7380440700076519"),
        ("ФН 738044070007654I", "7380440700076541"),
        ("ФН 72B1Z40500751551", "7281240500751551"),
    ] {
        let r = parse_receipt_text(damaged);
        let f = r.fn_number.unwrap_or_else(|| panic!("{damaged}"));
        assert_eq!(f.value.to_string(), clean, "{damaged}");
        assert!(f.repairs.contains(&Repair::LetterAsDigit));
    }
    assert!(repairs_of("ФД 411l0", TextField::Fd).contains(&Repair::LetterAsDigit));
    // Numbers split by OCR, and values on the line after their label.
    assert!(repairs_of("ФН 73804407 00076549", TextField::Fn).contains(&Repair::Joined));
    assert!(repairs_of("ФН 73804407\n00076549", TextField::Fn).contains(&Repair::Joined));
    assert!(repairs_of("ФН\n7380440700076549", TextField::Fn).contains(&Repair::ValueOnNextLine));
    // Lines merged by OCR, with and without a space.
    assert_eq!(
        qr_of("ИТОГ =460.00\nФН 7380440700076549ФД 41110 ФП 2026476352ПРИХОД 19.07.24 13:14"),
        FOOTER_QR
    );
    // A misread ИНН digit pinned down by РН ККТ and ЗН ККТ (fiscal.md §2.3).
    let inn = repairs_of(
        "ЗН ККТ 00106304241645\nРН ККТ 0000373856050035\nИНН 7725699008",
        TextField::Inn,
    );
    assert!(inn.contains(&Repair::CheckDigit));
    // Totals reconciled with the items, including a lost decimal point.
    let items = "1 Хлеб 45.50*2шт. =91.00\n2 Молоко 80.00*1шт. =80.00\n";
    assert!(
        repairs_of(&format!("{items}ИТОГ =17100"), TextField::Total)
            .contains(&Repair::SeparatorAssumed)
    );
    let r = parse_receipt_text(&format!("{items}ИТОГ =17100"));
    let t = r.total_kopecks.unwrap();
    assert_eq!(t.value, 17_100);
    assert!(t.repairs.contains(&Repair::Reconciled) && !t.is_doubtful());
    // A destroyed ИТОГ comes from the payment line, confirmed by the items.
    let r = parse_receipt_text(&format!("{items}ИТОГ =1?1.00\nБЕЗНАЛИЧНЫМИ =171.00"));
    let t = r.total_kopecks.unwrap();
    assert_eq!(
        (t.value, t.repairs.contains(&Repair::Reconciled)),
        (17_100, true)
    );
    // No ФН label at all: a 16-digit number with a known ФН prefix, marked doubtful.
    let r = parse_receipt_text("РН ККТ 0000373856050035\n7380440700076549\nФД 41110");
    let f = r.fn_number.unwrap();
    assert_eq!(f.value.to_string(), "7380440700076549");
    assert!(f.repairs.contains(&Repair::Unlabelled) && f.is_doubtful());
    // The time on the line after the date.
    assert!(repairs_of("19.07.24\n13:14", TextField::DateTime).contains(&Repair::Joined));
}

#[test]
fn never_invents_a_digit() {
    let r = parse_receipt_text(
        "ИТОГ =4?0.00\nФН 73804407000765\nФД 41?10\nФП 2026_476352\nИНН 7725699008\nПРИХОД ?9.07.24 13:14",
    );
    assert!(r.fn_number.is_none() && r.fd.is_none() && r.fp.is_none());
    assert!(r.total_kopecks.is_none() && r.datetime.is_none());
    // A bad ИНН check with nothing to confirm a correction is not guessed.
    assert!(r.inn.is_none());
    let problems = r.problems();
    for f in [
        TextField::Fn,
        TextField::Fd,
        TextField::Total,
        TextField::Inn,
    ] {
        assert!(
            problems.contains(&FieldProblem::Unreadable(f)),
            "{f:?}: {problems:?}"
        );
    }
    assert!(
        problems.contains(&FieldProblem::Unreadable(TextField::DateTime))
            || problems.contains(&FieldProblem::Missing(TextField::DateTime))
    );
    // A fragment of a fiscal sign is not a fiscal sign (found by OCR of a faded render).
    let r = parse_receipt_text("ФД 41110\nФП 8");
    assert_eq!(r.fd.as_ref().map(|f| f.value), Some(41110));
    assert!(r.fp.is_none());
    assert_eq!(r.unreadable, vec![TextField::Fp]);
    // A gap inside a counter cannot be told from its end.
    let r = parse_receipt_text("ФД 411 10\nФП 54 l40726");
    assert!(r.fd.is_none() && r.fp.is_none());
    assert_eq!(r.unreadable, vec![TextField::Fd, TextField::Fp]);
    // Two columns read one after the other: РН ККТ's digits never become the ФН.
    let r = parse_receipt_text("РН ККТ:    ФН:\n0000373856050035    7380440700076549");
    assert!(r.fn_number.is_none() && r.rnm.is_none());
}

#[test]
fn spans_and_lines_point_at_the_input() {
    let text = format!("ООО Ромашка\n{FOOTER}");
    let r = parse_receipt_text(&text);
    let fp = r.fp.unwrap();
    assert_eq!(&text[fp.span.clone()], "2026476352");
    assert_eq!(fp.line, 4);
    let dt = r.datetime.unwrap();
    assert_eq!(&text[dt.span], "19.07.24 13:14");
}

/// Real receipts returned by ФНС services, printed in the layout of fiscal.md §5 and read back.
#[test]
fn real_receipts_rendered_as_text_read_back() {
    let dir = chek_tests::shared_dir().join("fixtures").join("fns");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures/fns") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let json = std::fs::read_to_string(&path).expect("read");
        let Ok(rc) = Receipt::from_fns_json(&json) else {
            continue;
        };
        let text = render(&rc);
        let r = parse_receipt_text(&text);
        let c = r
            .to_candidate()
            .unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()));
        assert_eq!(c.qr, rc.to_qr(), "{}\n{text}", path.display());
        if let (Some(inn), Some(rnm)) = (&rc.seller_inn, &rc.kkt_reg_id) {
            assert_eq!(r.inn.as_ref().map(|f| f.value.as_str()), Some(inn.trim()));
            assert_eq!(r.rnm.as_ref().map(|f| f.value.as_str()), Some(rnm.trim()));
        }
        let item_sum: i64 = r.items.iter().map(|i| i.sum_kopecks).sum();
        assert_eq!(r.items.len(), rc.items.len(), "{}\n{text}", path.display());
        assert_eq!(
            item_sum,
            rc.items.iter().map(|i| i.sum_kopecks).sum::<i64>()
        );
        read += 1;
    }
    assert!(read >= 3, "only {read} fixtures read");
}

fn render(rc: &Receipt) -> String {
    let mut s = format!(
        "{}\nКАССОВЫЙ ЧЕК/{}\n",
        rc.seller.clone().unwrap_or_default(),
        rc.operation.label_ru().to_uppercase()
    );
    for (i, it) in rc.items.iter().enumerate() {
        s += &format!(
            "{} {} {}*{}шт. ={}\n",
            i + 1,
            it.name.replace('\n', " "),
            format_roubles(it.price_kopecks),
            it.quantity,
            format_roubles(it.sum_kopecks)
        );
    }
    s += &format!("ИТОГ ={}\n", format_roubles(rc.total_kopecks));
    if let Some(zn) = &rc.kkt_number {
        s += &format!("ЗН ККТ {}\n", zn.trim());
    }
    if let Some(rnm) = &rc.kkt_reg_id {
        s += &format!("РН ККТ {}\n", rnm.trim());
    }
    if let Some(inn) = &rc.seller_inn {
        s += &format!("ИНН {}\n", inn.trim());
    }
    s += &format!(
        "ФН {}\nФД {}\nФП {}\n{} {}\n",
        rc.fn_number,
        rc.fd,
        rc.fp,
        rc.operation.label_ru().to_uppercase(),
        rc.datetime.format("%d.%m.%y %H:%M")
    );
    s
}

#[test]
fn manual_entry_forms() {
    let want = "t=20210315T1234&s=1500.00&fn=9289000100123456&i=12345&fp=1234567890&n=1";
    for typed in [
        "фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34 1500,00",
        "ФН 9289000100123456 ФД 12345 ФПД 1234567890 15.03.2021 12:34 1500.00",
        "1500,00 12:34 15.03.21 фп 1234567890 фд 12345 фн 9289000100123456",
        "9289000100123456 12345 1234567890 15.03.21 12:34 1500,00",
        "сумма 1500 дата 15.03.21 время 12:34 фн: 9289000100123456; фд: 12345; фп: 1234567890",
        "t=20210315T1234&s=1500.00&fn=9289000100123456&i=12345&fp=1234567890&n=1",
    ] {
        let r = parse_manual_entry(typed);
        let c = r.to_candidate().unwrap_or_else(|e| panic!("{typed}: {e}"));
        assert_eq!(c.channel, Channel::Manual);
        assert_eq!(c.qr.to_string(), want, "{typed}");
    }
    // The same receipt from the three channels has one identity.
    let qr: FiscalQr = want.parse().expect("qr");
    let typed =
        parse_manual_entry("фн 9289000100123456 фд 12345 фп 1234567890 15.03.21 12:34 1500,00");
    let ocr = parse_receipt_text(
        "ИТОГ =1500.00\nФН 9289000100123456\nФД 12345\nФП 1234567890\nПРИХОД 15.03.21 12:34",
    );
    assert_eq!(
        typed.to_candidate().expect("manual").identity(),
        qr.identity()
    );
    assert_eq!(ocr.to_candidate().expect("ocr").identity(), qr.identity());
}

#[test]
fn manual_entry_says_what_is_missing_or_doubtful_in_both_languages() {
    let r = parse_manual_entry("фн 9289000100123456 12345");
    assert_eq!(
        r.missing(),
        vec![TextField::DateTime, TextField::Total, TextField::Fp]
    );
    let problems = r.problems();
    assert!(problems.contains(&FieldProblem::Missing(TextField::Fp)));
    for p in &problems {
        assert!(p.code().starts_with("text.field_"));
        assert!(!p.hint(Lang::Ru).is_empty() && !p.hint(Lang::En).is_empty());
        assert_ne!(p.hint(Lang::Ru), p.hint(Lang::En));
    }
    // Two counters of similar length: which is ФП is a guess, and says so.
    let r = parse_manual_entry("9289000100123456 1234567 7654321 15.03.21 12:34 10,00");
    assert!(
        r.problems()
            .contains(&FieldProblem::Doubtful(TextField::Fd))
    );
    assert!(
        r.problems()
            .contains(&FieldProblem::Doubtful(TextField::Fp))
    );
    // The operation is assumed to be a sale, unless the shopper says it is a refund.
    let r = parse_manual_entry("фн 9289000100123456 фд 1 фп 2 15.03.21 12:34 10,00");
    let op = r.operation.expect("assumed");
    assert_eq!(
        (op.value, op.repairs.as_slice()),
        (Operation::Sale, &[Repair::Assumed][..])
    );
    let err = parse_manual_entry("фд 1")
        .to_candidate()
        .expect_err("incomplete");
    assert!(err.hint(Lang::Ru).contains("ФН"));
    assert!(err.hint(Lang::En).contains("fiscal drive"));
}

#[test]
fn hostile_input_is_refused_or_read_without_panic() {
    let huge = "ФН 7380440700076549\n".repeat(MAX_TEXT_BYTES / 10);
    assert!(matches!(
        parse_receipt_text(&huge).to_candidate(),
        Err(TextError::TooLong { .. })
    ));
    assert!(matches!(
        parse_manual_entry(&"1".repeat(MAX_MANUAL_BYTES + 1)).to_candidate(),
        Err(TextError::TooLong { .. })
    ));
    assert_eq!(
        parse_receipt_text(" \n\t").to_candidate(),
        Err(TextError::Empty)
    );
    for s in [
        "ФН",
        "ФН ФД ФП ИНН",
        "ИТОГ =",
        "99.99.99 99:99",
        "1 * 2 = 3",
        "x*x=x",
        "ФН 99999999999999999999999999999999",
        "ФД 99999999999",
        "\u{0}\u{ffff}ФН\u{301}7",
        &"ИТОГ =1 ".repeat(2000),
        &"*x".repeat(5000),
        &"1 Хлеб 1*1шт. =1.00\n".repeat(3000),
    ] {
        let r = parse_receipt_text(s);
        let _ = r.problems();
        let m = parse_manual_entry(s);
        let _ = m.problems();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn parsers_never_panic(s in "[ФНДПИТОГ0-9OОЗBВlI .,:=*x\\n№?-]{0,200}") {
        let r = parse_receipt_text(&s);
        let _ = r.to_candidate();
        let m = parse_manual_entry(&s);
        let _ = m.to_candidate();
    }

    #[test]
    fn read_values_come_from_their_spans(s in "[ФНДП0-9 .:\\n]{0,120}") {
        let r = parse_receipt_text(&s);
        if let Some(fd) = r.fd {
            let digits: String = s[fd.span.clone()].chars().filter(char::is_ascii_digit).collect();
            prop_assert_eq!(digits.trim_start_matches('0'), fd.value.to_string());
        }
    }
}

/// The receipt transcribed in fiscal.md §5 (OposWebkassa test data), with the OCR damage seen in
/// that transcription: `000` for `ООО`, `НLС` for `НДС`, doubled dots, ИНН 8→0.
#[test]
fn the_transcribed_receipt_of_fiscal_md() {
    let text = "000 \"ТОРГОВЫЙ ДОМ\"\n\
                КАССОВЫЙ ЧЕК/ПРИХОД\n\
                1 Товар 80.00*1шт. =80.00\n\
                НLС не облагается\n\
                2 Товар 2 190.00*2шт. =380.00\n\
                НLС не облагается\n\
                ИТОГ =460.00\n\
                СУММА БЕЗ НДС =460.00\n\
                БЕЗНАЛИЧНЫМИ =460.00\n\
                Кассир Иванов\n\
                г. Москва, наб.. Пресненская 8\n\
                Место расчетов Магазин\n\
                ЗН ККТ 00106304241645\n\
                РН ККТ 0000373856050035\n\
                ИНН 7725699008\n\
                ФН 7380440700076549\n\
                ФД 41110\n\
                ФП 2026476352\n\
                ПРИХОД 19.07.24 13:14";
    let r = parse_receipt_text(text);
    assert_eq!(qr_of(text), FOOTER_QR);
    let inn = r.inn.as_ref().expect("ИНН");
    assert_eq!(inn.value, "7725699808");
    assert_eq!(inn.repairs, vec![Repair::CheckDigit]);
    assert_eq!(r.rnm.as_ref().map(|f| f.confidence), Some(1.0));
    assert_eq!(r.items.len(), 2);
    let total = r.total_kopecks.as_ref().expect("ИТОГ");
    assert_eq!((total.value, total.confidence), (46_000, 1.0));
    assert!(r.problems().is_empty(), "{:?}", r.problems());
}
