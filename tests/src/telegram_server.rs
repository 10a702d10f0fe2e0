//! A stand-in for the Telegram Bot API on 127.0.0.1 (over [`crate::http_server`]): a queue of
//! updates served by `getUpdates` from the requested offset, files for `getFile` and the
//! download path, and every `sendMessage` recorded. Failures can be scripted per method.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::{Value, json};

use crate::http_server::{Request, Response, TestServer};

/// The token the stand-in accepts.
pub const TOKEN: &str = "123456:TEST-token_for-the-stand-in";

#[derive(Default)]
struct State {
    updates: Vec<Value>,
    files: BTreeMap<String, (String, Vec<u8>, Option<u64>)>,
    sent: Vec<(i64, String)>,
    offsets: Vec<Option<i64>>,
    failures: BTreeMap<String, VecDeque<Response>>,
    next_message_id: i64,
}

/// The running stand-in; stops when dropped.
pub struct TelegramStandIn {
    server: TestServer,
    state: Arc<Mutex<State>>,
}

fn ok(result: Value) -> Response {
    Response::json(200, json!({"ok": true, "result": result}).to_string())
}

fn lock(s: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    s.lock().unwrap_or_else(PoisonError::into_inner)
}

fn handle(state: &Mutex<State>, r: &Request) -> Response {
    let method_prefix = format!("/bot{TOKEN}/");
    let file_prefix = format!("/file/bot{TOKEN}/");
    if let Some(path) = r.path.strip_prefix(&file_prefix) {
        let st = lock(state);
        return match st.files.values().find(|(p, _, _)| p == path) {
            Some((_, bytes, _)) => Response::typed(200, "application/octet-stream", bytes.clone()),
            None => Response::json(
                404,
                r#"{"ok":false,"error_code":404,"description":"Not Found"}"#,
            ),
        };
    }
    let Some(method) = r.path.strip_prefix(&method_prefix) else {
        return Response::json(
            401,
            r#"{"ok":false,"error_code":401,"description":"Unauthorized"}"#,
        );
    };
    let body: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    let mut st = lock(state);
    if let Some(fail) = st.failures.get_mut(method).and_then(VecDeque::pop_front) {
        return fail;
    }
    match method {
        "getUpdates" => {
            let offset = body.get("offset").and_then(Value::as_i64);
            st.offsets.push(offset);
            let limit = body.get("limit").and_then(Value::as_u64).unwrap_or(100) as usize;
            let out: Vec<Value> = st
                .updates
                .iter()
                .filter(|u| offset.is_none_or(|o| u["update_id"].as_i64().unwrap_or(0) >= o))
                .take(limit)
                .cloned()
                .collect();
            ok(Value::Array(out))
        }
        "getFile" => {
            let id = body["file_id"].as_str().unwrap_or("").to_owned();
            match st.files.get(&id) {
                Some((path, bytes, size)) => ok(json!({
                    "file_id": id, "file_unique_id": format!("u-{id}"),
                    "file_size": size.unwrap_or(bytes.len() as u64), "file_path": path
                })),
                None => Response::json(
                    400,
                    r#"{"ok":false,"error_code":400,"description":"Bad Request: invalid file_id"}"#,
                ),
            }
        }
        "sendMessage" => {
            let chat = body["chat_id"].as_i64().unwrap_or(0);
            let text = body["text"].as_str().unwrap_or("").to_owned();
            st.sent.push((chat, text.clone()));
            st.next_message_id += 1;
            ok(
                json!({"message_id": st.next_message_id, "date": 1_763_000_000,
                      "chat": {"id": chat, "type": "private"}, "text": text}),
            )
        }
        _ => Response::json(
            404,
            r#"{"ok":false,"error_code":404,"description":"Not Found: method not found"}"#,
        ),
    }
}

impl TelegramStandIn {
    /// Starts an empty stand-in.
    pub fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let s2 = Arc::clone(&state);
        let server = TestServer::start(move |r| handle(&s2, r));
        TelegramStandIn { server, state }
    }

    /// The base URL to give the client instead of `https://api.telegram.org`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Queues an update (its JSON, with `update_id`).
    pub fn push_update(&self, u: Value) {
        lock(&self.state).updates.push(u);
    }

    /// Serves a file under `file_id`; `claimed_size` is what `getFile` announces (default: the
    /// real size).
    pub fn add_file(&self, file_id: &str, bytes: Vec<u8>, claimed_size: Option<u64>) {
        let path = format!("photos/{file_id}.jpg");
        lock(&self.state)
            .files
            .insert(file_id.to_owned(), (path, bytes, claimed_size));
    }

    /// Answers the next call of `method` with `response` instead (queued: several may be).
    pub fn fail_next(&self, method: &str, response: Response) {
        lock(&self.state)
            .failures
            .entry(method.to_owned())
            .or_default()
            .push_back(response);
    }

    /// Every `sendMessage` so far: `(chat_id, text)`.
    pub fn sent(&self) -> Vec<(i64, String)> {
        lock(&self.state).sent.clone()
    }

    /// The `offset` of every `getUpdates` so far.
    pub fn offsets(&self) -> Vec<Option<i64>> {
        lock(&self.state).offsets.clone()
    }
}

/// A private-chat message update from user `user` (chat id = user id), sent at `date` (Unix
/// seconds), with `fields` merged into the message (`text`, `photo`, `document`…).
pub fn message_update(update_id: i64, user: i64, lang: &str, date: i64, fields: Value) -> Value {
    let mut m = json!({
        "message_id": update_id * 10,
        "date": date,
        "chat": {"id": user, "type": "private"},
        "from": {"id": user, "is_bot": false, "first_name": "Анна", "language_code": lang},
    });
    if let (Some(m), Some(f)) = (m.as_object_mut(), fields.as_object()) {
        for (k, v) in f {
            m.insert(k.clone(), v.clone());
        }
    }
    json!({"update_id": update_id, "message": m})
}
