//! Stand-ins of the two voice APIs on 127.0.0.1 (real sockets, `http_server`), answering as
//! their documentation gives the shapes. Special callee numbers trigger the failures:
//!
//! | callee        | UIS Call API (`POST /`, JSON-RPC 2.0)                     | Asterisk ARI (`POST /ari/channels`)      |
//! |---------------|-----------------------------------------------------------|------------------------------------------|
//! | 79990000429   | error -32029 `limit_exceeded`, `metadata.limits.minute_reset` 7 | HTTP 429, `Retry-After: 2`           |
//! | 79990000777   | HTTP 429 text, `Retry-After: 3`                           | —                                        |
//! | 79990000500   | HTTP 500 HTML                                             | HTTP 500 `{"message": …}`                |
//! | 79990000408   | answers after 5 s                                         | answers after 5 s                        |
//! | 79990000666   | a cut-off JSON body                                       | a cut-off JSON body                      |
//! | 79990000001   | error -32602 `contact_in_blacklist`                       | HTTP 400 `{"message": …}`                |
//!
//! A wrong token is error -32001 `access_token_invalid` (HTTP 200, as JSON-RPC does); wrong
//! basic credentials are HTTP 401. A UIS text over 50 characters is -32602
//! `tts_text_exceeded` with `params.tts_message_max_length` 50.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::http_server::{Request, Response, TestServer};

/// The stand-ins' credentials.
pub const UIS_TOKEN: &str = "uis-token-SECRET";
/// The ARI user.
pub const ARI_USER: &str = "chek";
/// The ARI password.
pub const ARI_PASSWORD: &str = "ari-pw-SECRET";

fn rpc_error(code: i64, mnemonic: &str, message: &str, extra: serde_json::Value) -> Response {
    let mut data =
        serde_json::json!({"mnemonic": mnemonic, "field": null, "value": null, "params": {}});
    if let (Some(d), Some(x)) = (data.as_object_mut(), extra.as_object()) {
        for (k, v) in x {
            d.insert(k.clone(), v.clone());
        }
    }
    Response::json(
        200,
        serde_json::json!({"jsonrpc": "2.0", "id": "req", "error": {"code": code, "message": message, "data": data}})
            .to_string(),
    )
}

/// The UIS Call API stand-in (`start.informer_call`).
pub fn uis() -> TestServer {
    let next = Arc::new(AtomicUsize::new(1_238_694));
    TestServer::start(move |r| {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&r.body) else {
            return rpc_error(
                -32700,
                "parse_error",
                "Invalid JSON was received by the server.",
                serde_json::json!({}),
            );
        };
        if v["jsonrpc"] != "2.0" || r.method != "POST" || r.path != "/" {
            return rpc_error(
                -32600,
                "invalid_request",
                "Invalid Request",
                serde_json::json!({}),
            );
        }
        if v["method"] != "start.informer_call" {
            return rpc_error(
                -32601,
                "method_not_found",
                "The method does not exist / is not available",
                serde_json::json!({}),
            );
        }
        let p = &v["params"];
        if p["access_token"] != UIS_TOKEN {
            return rpc_error(
                -32001,
                "access_token_invalid",
                "Access token is invalid",
                serde_json::json!({}),
            );
        }
        let text = p["contact_message"]["value"].as_str().unwrap_or("");
        if p["contact_message"]["type"] != "tts" || text.is_empty() {
            return rpc_error(
                -32602,
                "required_parameter_missed",
                "The required parameter has been missing",
                serde_json::json!({}),
            );
        }
        match p["contact"].as_str().unwrap_or("") {
            "79990000429" => {
                let mut resp = rpc_error(
                    -32029,
                    "limit_exceeded",
                    "Limit per minute has been exceeded. Value of current limit per minute is 30",
                    serde_json::json!({}),
                );
                let mut body: serde_json::Value =
                    serde_json::from_slice(&resp.body).unwrap_or_default();
                body["metadata"] = serde_json::json!({"limits": {"minute_limit": 30, "minute_remaining": 0, "minute_reset": 7}});
                resp.body = body.to_string().into_bytes();
                resp
            }
            "79990000777" => Response::typed(429, "text/plain", "Too Many Requests")
                .with_header("Retry-After", "3"),
            "79990000500" => Response::typed(500, "text/html", "<html>oops</html>"),
            "79990000408" => Response {
                delay: Duration::from_secs(5),
                ..Response::json(200, "{}")
            },
            "79990000666" => Response::json(
                200,
                r#"{"jsonrpc": "2.0", "id": "req", "result": {"data": {"call_sess"#,
            ),
            "79990000001" => rpc_error(
                -32602,
                "contact_in_blacklist",
                "The contact 79990000001 has been found in the blacklist",
                serde_json::json!({}),
            ),
            _ if text.chars().count() > 50 => rpc_error(
                -32602,
                "tts_text_exceeded",
                "The maximum length of a Text-to-Speech message is 50.",
                serde_json::json!({"params": {"tts_message_max_length": 50, "sent_tts_message_length": text.chars().count()}}),
            ),
            _ => {
                let id = next.fetch_add(1, Ordering::SeqCst);
                Response::json(
                    200,
                    serde_json::json!({"jsonrpc": "2.0", "id": v["id"], "result": {"data": {"call_session_id": id}}})
                        .to_string(),
                )
            }
        }
    })
}

/// `Basic base64(user:password)`.
pub fn basic(user: &str, password: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = format!("{user}:{password}").into_bytes();
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

/// A request's query string, decoded.
pub fn query(r: &Request) -> BTreeMap<String, String> {
    let q = r.path.split_once('?').map(|(_, q)| q).unwrap_or("");
    let decode = |s: &str| {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' && i + 3 <= b.len() {
                let h = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(h, 16).unwrap_or(b'?'));
                i += 3;
            } else {
                out.push(if b[i] == b'+' { b' ' } else { b[i] });
                i += 1;
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    q.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// The Asterisk ARI stand-in (`POST /ari/channels`, originate). A callee of 79990000430
/// is rate limited on the first request only.
pub fn ari() -> TestServer {
    let next = Arc::new(AtomicUsize::new(12));
    let limited_once = Arc::new(AtomicUsize::new(0));
    TestServer::start(move |r| {
        let msg = |status: u16, m: &str| {
            Response::json(status, serde_json::json!({ "message": m }).to_string())
        };
        if r.header("authorization") != Some(basic(ARI_USER, ARI_PASSWORD).as_str()) {
            return msg(401, "Authentication required");
        }
        if r.method != "POST" || !r.path.starts_with("/ari/channels?") {
            return msg(404, "Resource not found");
        }
        let q = query(r);
        let number = q
            .get("endpoint")
            .and_then(|e| e.strip_prefix("PJSIP/"))
            .and_then(|e| e.split_once('@'))
            .map(|(n, _)| n.to_owned())
            .unwrap_or_default();
        if number.is_empty() || !(q.contains_key("app") || q.contains_key("context")) {
            return msg(400, "Endpoint and app or extension must be specified");
        }
        let vars: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
        if vars["variables"]["CHEK_TTS"]
            .as_str()
            .unwrap_or("")
            .is_empty()
        {
            return msg(400, "CHEK_TTS is required by this dialplan");
        }
        match number.as_str() {
            "79990000429" => msg(429, "Too many requests").with_header("Retry-After", "2"),
            "79990000430" if limited_once.fetch_add(1, Ordering::SeqCst) == 0 => {
                msg(429, "Too many requests").with_header("Retry-After", "1")
            }
            "79990000500" => msg(500, "Internal Server Error"),
            "79990000408" => Response {
                delay: Duration::from_secs(5),
                ..Response::json(200, "{}")
            },
            "79990000666" => Response::json(200, r#"{"id": "1733.1", "name": "PJSIP/tru"#),
            "79990000001" => msg(400, "Invalid parameters for originating a channel."),
            _ => {
                let n = next.fetch_add(1, Ordering::SeqCst);
                Response::json(
                    200,
                    serde_json::json!({
                        "id": format!("1733.{n}"),
                        "name": format!("PJSIP/trunk-{n:08x}"),
                        "state": "Down",
                        "caller": {"name": "", "number": q.get("callerId").cloned().unwrap_or_default()},
                        "connected": {"name": "", "number": ""},
                        "accountcode": "",
                        "dialplan": {"context": "default", "exten": "s", "priority": 1},
                        "creationtime": "2026-12-05T10:00:00.000+0000",
                        "language": "en"
                    })
                    .to_string(),
                )
            }
        }
    })
}
