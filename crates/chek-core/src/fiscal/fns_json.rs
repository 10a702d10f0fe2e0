//! Reading receipts out of the JSON shapes ФНС and receipt-check services return.
//!
//! Field names are ФНС's (FFD tag names); the services wrap them differently and disagree on
//! types (`fiscalSign` number vs string, `dateTime` epoch vs ISO, space-padded ИНН). This module
//! is lenient on shape and strict on values.

use chrono::{DateTime, NaiveDateTime, TimeDelta};
use serde_json::{Map, Value};

use super::{FnNumber, Item, Operation, Payments, Receipt, ReceiptError};

/// A receipt with thousands of items is still far below this.
const MAX_JSON: usize = 8 * 1024 * 1024;

pub(super) fn parse(json: &str) -> Result<Receipt, ReceiptError> {
    if json.len() > MAX_JSON {
        return Err(ReceiptError::TooLarge {
            len: json.len(),
            max: MAX_JSON,
        });
    }
    let v: Value =
        serde_json::from_str(json).map_err(|e| ReceiptError::MalformedJson(e.to_string()))?;
    from_value(&v)
}

pub(super) fn from_value(v: &Value) -> Result<Receipt, ReceiptError> {
    let root = v
        .as_object()
        .ok_or_else(|| no_receipt("the JSON is not an object"))?;
    // ФНС app ticket: the local date is in the envelope, the receipt has only epoch seconds.
    if let Some(r) =
        path(v, &["ticket", "document", "receipt"]).or(path(v, &["document", "receipt"]))
    {
        let local = ["query", "operation"].iter().find_map(|k| {
            path(v, &[k, "date"])
                .and_then(Value::as_str)
                .and_then(parse_local)
        });
        return receipt(obj(r)?, local);
    }
    if let Some(data) = root.get("data") {
        if let Some(r) = data.get("json") {
            return receipt(obj(r)?, None);
        }
        // proverkacheka puts its error message in `data` as a string.
        let msg = data
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| data.to_string());
        let code = root.get("code").map(Value::to_string).unwrap_or_default();
        return Err(no_receipt(&format!("code {code}: {msg}")));
    }
    if let Some(r) = root.get("receipt") {
        return receipt(obj(r)?, None);
    }
    if root.contains_key("fiscalDriveNumber") {
        return receipt(root, None);
    }
    if let Some(status) = root.get("status") {
        return Err(no_receipt(&format!(
            "ticket status {status} carries no receipt yet"
        )));
    }
    Err(no_receipt("no receipt object found"))
}

fn no_receipt(msg: &str) -> ReceiptError {
    ReceiptError::NoReceipt(msg.chars().take(200).collect())
}

fn path<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(v, |v, k| v.get(k))
}

fn obj(v: &Value) -> Result<&Map<String, Value>, ReceiptError> {
    v.as_object()
        .ok_or_else(|| no_receipt("the receipt is not an object"))
}

fn bad(field: &'static str, v: &Value) -> ReceiptError {
    ReceiptError::BadField {
        field,
        value: v.to_string().chars().take(64).collect(),
    }
}

/// An integer that may come as a number, a float with no fraction, or a numeric string.
fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn req_int(r: &Map<String, Value>, field: &'static str) -> Result<i64, ReceiptError> {
    let v = r.get(field).ok_or(ReceiptError::MissingField(field))?;
    int(v).ok_or_else(|| bad(field, v))
}

fn req_u32(r: &Map<String, Value>, field: &'static str) -> Result<u32, ReceiptError> {
    let n = req_int(r, field)?;
    u32::try_from(n).map_err(|_| bad(field, &Value::from(n)))
}

fn opt_int<T: TryFrom<i64>>(r: &Map<String, Value>, field: &str) -> Option<T> {
    r.get(field).and_then(int).and_then(|n| T::try_from(n).ok())
}

fn money(r: &Map<String, Value>, field: &'static str) -> Result<i64, ReceiptError> {
    match r.get(field) {
        None | Some(Value::Null) => Ok(0),
        Some(v) => int(v)
            .filter(|n| (0..=super::money::MAX_KOPECKS).contains(n))
            .ok_or_else(|| bad(field, v)),
    }
}

fn text(r: &Map<String, Value>, field: &str) -> Option<String> {
    r.get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// `YYYY-MM-DDTHH:MM[:SS]` with anything after (offset, `Z`) ignored: the local time is wanted.
fn parse_local(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    let head = s.get(..19).filter(|h| h.as_bytes().get(16) == Some(&b':'));
    if let Some(h) = head
        && let Ok(dt) = NaiveDateTime::parse_from_str(h, "%Y-%m-%dT%H:%M:%S")
    {
        return Some(dt);
    }
    s.get(..16)
        .and_then(|h| NaiveDateTime::parse_from_str(h, "%Y-%m-%dT%H:%M").ok())
}

fn receipt(r: &Map<String, Value>, local: Option<NaiveDateTime>) -> Result<Receipt, ReceiptError> {
    let fn_v = r
        .get("fiscalDriveNumber")
        .ok_or(ReceiptError::MissingField("fiscalDriveNumber"))?;
    let fn_number = match fn_v {
        Value::String(s) => s.parse::<FnNumber>().ok(),
        other => int(other)
            .and_then(|n| u64::try_from(n).ok())
            .and_then(FnNumber::new),
    }
    .ok_or_else(|| bad("fiscalDriveNumber", fn_v))?;

    let datetime = match local {
        Some(dt) => dt,
        None => {
            let v = r
                .get("localDateTime")
                .or(r.get("dateTime"))
                .ok_or(ReceiptError::MissingField("dateTime"))?;
            match v {
                Value::String(s) => parse_local(s).ok_or_else(|| bad("dateTime", v))?,
                // The ФНС app gives epoch seconds of Moscow time; without the envelope's local
                // date, Moscow (UTC+3) is the best available assumption.
                other => int(other)
                    .and_then(|secs| DateTime::from_timestamp(secs, 0))
                    .map(|d| d.naive_utc() + TimeDelta::hours(3))
                    .ok_or_else(|| bad("dateTime", v))?,
            }
        }
    };

    let op_v = r
        .get("operationType")
        .ok_or(ReceiptError::MissingField("operationType"))?;
    let operation = int(op_v)
        .and_then(|n| u64::try_from(n).ok())
        .and_then(Operation::from_code)
        .ok_or_else(|| bad("operationType", op_v))?;

    let total = r
        .get("totalSum")
        .ok_or(ReceiptError::MissingField("totalSum"))?;
    let total_kopecks = money(r, "totalSum").map_err(|_| bad("totalSum", total))?;

    let items = match r.get("items") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().map(item).collect::<Result<_, _>>()?,
        Some(v) => return Err(bad("items", v)),
    };

    Ok(Receipt {
        datetime,
        total_kopecks,
        fn_number,
        fd: req_u32(r, "fiscalDocumentNumber")?,
        fp: req_u32(r, "fiscalSign")?,
        operation,
        document_code: opt_int(r, "code").or_else(|| opt_int(r, "receiptCode")),
        seller: text(r, "user"),
        seller_inn: text(r, "userInn"),
        kkt_reg_id: text(r, "kktRegId"),
        kkt_number: text(r, "numberKkt").or_else(|| text(r, "kktNumber")),
        retail_place: text(r, "retailPlace"),
        retail_place_address: text(r, "retailPlaceAddress"),
        shift_number: opt_int(r, "shiftNumber"),
        request_number: opt_int(r, "requestNumber"),
        ffd_version: opt_int(r, "fiscalDocumentFormatVer"),
        payments: Payments {
            cash: money(r, "cashTotalSum")?,
            ecash: money(r, "ecashTotalSum")?,
            prepaid: money(r, "prepaidSum")?,
            credit: money(r, "creditSum")?,
            provision: money(r, "provisionSum")?,
        },
        items,
    })
}

fn item(v: &Value) -> Result<Item, ReceiptError> {
    let r = v.as_object().ok_or_else(|| bad("items", v))?;
    let quantity = match r.get("quantity") {
        None | Some(Value::Null) => 1.0,
        Some(q) => q
            .as_f64()
            .or_else(|| q.as_str().and_then(|s| s.trim().parse().ok()))
            .filter(|f: &f64| f.is_finite() && *f >= 0.0)
            .ok_or_else(|| bad("quantity", q))?,
    };
    Ok(Item {
        name: r
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        price_kopecks: money(r, "price")?,
        quantity,
        sum_kopecks: money(r, "sum")?,
        vat_rate: opt_int(r, "nds"),
        payment_type: opt_int(r, "paymentType"),
        product_type: opt_int(r, "productType"),
        gtin: find_gtin(v),
    })
}

/// FFD 1.2 marking codes nest the GTIN at varying depths (`productCodeNew.gs1m.gtin`, …).
fn find_gtin(item: &Value) -> Option<String> {
    fn walk(v: &Value, depth: u8) -> Option<String> {
        if depth > 4 {
            return None;
        }
        match v {
            Value::Object(m) => m.iter().find_map(|(k, v)| {
                if k.eq_ignore_ascii_case("gtin") {
                    v.as_str()
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                } else {
                    walk(v, depth + 1)
                }
            }),
            _ => None,
        }
    }
    ["productCodeNew", "productCode"]
        .iter()
        .find_map(|k| item.get(k))
        .and_then(|v| walk(v, 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Coded;

    #[test]
    fn shapes_and_failures() {
        let bare = r#"{"fiscalDriveNumber":"9960440302169202","fiscalDocumentNumber":6887,"fiscalSign":"339460828","totalSum":21760,"operationType":1,"dateTime":1679067000}"#;
        let r = parse(bare).unwrap();
        assert_eq!(r.datetime.to_string(), "2023-03-17 18:30:00");
        assert_eq!(r.fp, 339_460_828);

        let cases: &[(&str, &str)] = &[
            ("", "receipt.malformed_json"),
            ("{\"fiscalDriveNumber\":", "receipt.malformed_json"),
            ("<html>502</html>", "receipt.malformed_json"),
            ("[]", "receipt.no_receipt"),
            (
                r#"{"code":3,"data":"Превышено количество обращений по чеку."}"#,
                "receipt.no_receipt",
            ),
            (r#"{"status":0,"id":"x"}"#, "receipt.no_receipt"),
            (r#"{"fiscalDriveNumber":"1"}"#, "receipt.bad_field"),
            (
                r#"{"fiscalDriveNumber":"9960440302169202"}"#,
                "receipt.missing_field",
            ),
            (
                r#"{"fiscalDriveNumber":"9960440302169202","fiscalDocumentNumber":-1,"fiscalSign":1,"totalSum":1,"operationType":1,"dateTime":"2023-03-17T18:30:00"}"#,
                "receipt.bad_field",
            ),
            (
                r#"{"fiscalDriveNumber":"9960440302169202","fiscalDocumentNumber":1,"fiscalSign":1,"totalSum":1,"operationType":9,"dateTime":"2023-03-17T18:30:00"}"#,
                "receipt.bad_field",
            ),
            (
                r#"{"fiscalDriveNumber":"9960440302169202","fiscalDocumentNumber":1,"fiscalSign":1,"totalSum":1,"operationType":1,"dateTime":"yesterday"}"#,
                "receipt.bad_field",
            ),
            (
                r#"{"fiscalDriveNumber":"9960440302169202","fiscalDocumentNumber":1,"fiscalSign":1,"totalSum":1,"operationType":1,"dateTime":"2023-03-17T18:30:00","items":[{"quantity":"x"}]}"#,
                "receipt.bad_field",
            ),
        ];
        for (json, code) in cases {
            assert_eq!(parse(json).unwrap_err().code(), *code, "{json}");
        }
        let deep = "[".repeat(100_000);
        assert_eq!(parse(&deep).unwrap_err().code(), "receipt.malformed_json");
    }
}
