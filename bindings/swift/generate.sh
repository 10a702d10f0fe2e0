#!/usr/bin/env bash
# Regenerates the Swift bindings from the built library (uniffi library mode) into the Swift
# package layout:
#   Sources/Chek/Chek.swift          the Swift API
#   Headers/ChekFFI.h                the C header of the library's FFI
#   Headers/module.modulemap         the ChekFFI clang module (packed into the XCFramework)
#
#   bindings/swift/generate.sh [OUT_DIR]     (default: bindings/swift itself)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$here}"
cd "$root"

cargo build -q -p chek-uniffi -p uniffi-bindgen
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
lib=target/debug/libchek_ffi.so
[ -f "$lib" ] || lib=target/debug/libchek_ffi.dylib # on a Mac
# Library mode: the API is read from the metadata in the library, the same on every target.
target/debug/uniffi-bindgen generate "$lib" --language swift --no-format --out-dir "$tmp" >/dev/null
mkdir -p "$out/Sources/Chek" "$out/Headers"
cp "$tmp/Chek.swift" "$out/Sources/Chek/Chek.swift"
cp "$tmp/ChekFFI.h" "$out/Headers/ChekFFI.h"
cp "$tmp/ChekFFI.modulemap" "$out/Headers/module.modulemap"
