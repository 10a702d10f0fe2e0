//! `cargo run -p uniffi-bindgen -- generate --library target/debug/libchek_ffi.so --language kotlin --out-dir DIR`
//!
//! Built from the same `uniffi` version as the scaffolding in `chek-uniffi`, so the generated
//! bindings and the library always agree (the PyPI `uniffi-bindgen` lags behind).
#![forbid(unsafe_code)]

fn main() {
    uniffi::uniffi_bindgen_main()
}
