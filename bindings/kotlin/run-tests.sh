#!/usr/bin/env bash
# Builds the native library, generates the Kotlin bindings from it (uniffi library mode), and
# runs the Kotlin tests on the JVM with Maven. Prints "kotlin: N passed, M failed" at the end.
#
#   bindings/kotlin/run-tests.sh [extra mvn args]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

# Prerequisites first, with a message: a missing one used to surface minutes later as exit 127.
missing=()
for tool in cargo java mvn python3 strip; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "run-tests.sh: missing: ${missing[*]} (cargo from rustup; java, mvn, python3, strip from scripts/install-deps)" >&2
    exit 2
fi
photos="$root/target/receipt-photos"
if [ ! -f "$photos/manifest.tsv" ] && ! .venv/bin/python -c 'import numpy, PIL, segno' 2>/dev/null; then
    echo "run-tests.sh: $root/.venv with numpy, pillow and segno is missing (it generates the receipt photos): run scripts/install-deps" >&2
    exit 2
fi

cargo build -q -p chek-uniffi -p uniffi-bindgen
lib="$root/target/debug/libchek_ffi.so"
gen="$here/target/generated-sources/uniffi"
rm -rf "$gen"
# Library mode; bindings/uniffi/uniffi.toml (package dev.chek) is found through cargo metadata.
target/debug/uniffi-bindgen generate "$lib" --language kotlin --no-format --out-dir "$gen" >/dev/null
# The jar's copy of the library, stripped, at JNA's resource path for this platform.
mkdir -p "$here/target/native/linux-x86-64"
strip -o "$here/target/native/linux-x86-64/libchek_ffi.so" "$lib"

# Synthetic receipt photos with a real fiscal QR (the corpus QRs are not fiscal): the same
# deterministic generator the Rust scan tests use; scripts/test has usually made them already.
if [ ! -f "$photos/manifest.tsv" ]; then
    .venv/bin/python scripts/gen_receipt_photos.py "$photos"
fi

cd "$here"
# Maven fetches plugins and dependencies from Maven Central on the first run only; released
# artifacts in ~/.m2 are never checked again.
status=0
rm -rf target/surefire-reports
mvn -q -B -Dstyle.color=never test -Dchek.photos="$photos" "$@" || status=$?

# The JUnit summary of surefire is hidden by -q: count the XML reports instead.
reports=(target/surefire-reports/TEST-*.xml)
if [ -e "${reports[0]}" ]; then
    python3 - "${reports[@]}" <<'PY'
import sys, xml.etree.ElementTree as ET
t = f = s = 0
for p in sys.argv[1:]:
    r = ET.parse(p).getroot()
    t += int(r.get("tests", 0)); s += int(r.get("skipped", 0))
    f += int(r.get("failures", 0)) + int(r.get("errors", 0))
print(f"kotlin: {t - f - s} passed, {f} failed, {s} skipped")
PY
fi
exit "$status"
