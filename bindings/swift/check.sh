#!/usr/bin/env bash
# What can be checked of the Swift bindings on Linux, without a Swift compiler:
#  1. the committed sources, header and modulemap are what the current library generates;
#  2. the C header compiles;
#  3. a C program linked against the built library makes the calls Chek.swift makes at load
#     time (contract version and every API checksum, read out of Chek.swift) and gets the values
#     the Swift code expects, then calls version() through the same C ABI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

bindings/swift/generate.sh "$tmp/fresh"
for f in Sources/Chek/Chek.swift Headers/ChekFFI.h Headers/module.modulemap; do
    if ! diff -q "$tmp/fresh/$f" "bindings/swift/$f" >/dev/null; then
        echo "bindings/swift/$f is stale: run bindings/swift/generate.sh and commit the result" >&2
        diff -u "bindings/swift/$f" "$tmp/fresh/$f" | head -20 >&2
        exit 1
    fi
done
echo "swift: committed bindings match the library"

# gcc does not know clang's nullability qualifiers; they carry no meaning for the ABI.
cc_flags=(-std=c11 -Wall -Werror -D_Nullable= -D_Nonnull= -D_Null_unspecified= -I bindings/swift/Headers)
printf '#include "ChekFFI.h"\n' > "$tmp/header.c"
cc -fsyntax-only "${cc_flags[@]}" "$tmp/header.c"
echo "swift: ChekFFI.h compiles"

swift=bindings/swift/Sources/Chek/Chek.swift
{
    echo '#include <stdio.h>'
    echo '#include <string.h>'
    echo '#include "ChekFFI.h"'
    echo 'int main(void) {'
    echo '    int bad = 0;'
    contract=$(sed -n 's/.*let bindings_contract_version = \([0-9]*\).*/\1/p' "$swift")
    echo "    if (ffi_chek_ffi_uniffi_contract_version() != $contract) { puts(\"contract version\"); bad++; }"
    sed -n 's/.*if (\(uniffi_chek_ffi_checksum_[a-z_]*\)() != \([0-9]*\)).*/    if (\1() != \2) { puts("\1"); bad++; }/p' "$swift"
    version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
    echo "    const char *want = \"$version\";"
    cat <<'C'
    RustCallStatus status = {0};
    RustBuffer v = uniffi_chek_ffi_fn_func_version(&status);
    /* A returned String crosses as a RustBuffer holding its UTF-8 bytes. */
    if (status.code != 0 || v.len != strlen(want) || memcmp(v.data, want, v.len) != 0) { puts("version()"); bad++; }
    ffi_chek_ffi_rustbuffer_free(v, &status);
    printf("%d mismatches\n", bad);
    return bad != 0;
}
C
} > "$tmp/abi.c"
n=$(grep -c 'checksum_' "$tmp/abi.c")
[ "$n" -ge 20 ] || { echo "swift: only $n checksums found in Chek.swift" >&2; exit 1; }
cc "${cc_flags[@]}" "$tmp/abi.c" -L target/debug -lchek_ffi -Wl,-rpath,"$root/target/debug" -o "$tmp/abi"
"$tmp/abi" >/dev/null || { "$tmp/abi"; echo "swift: the library does not match what Chek.swift expects" >&2; exit 1; }
echo "swift: library answers the $n checksums and the contract version Chek.swift checks"

# Package.swift, as far as it can be checked without Swift: the release lines that
# build-xcframework.sh stamps are there once and well-formed, the names agree with the module
# map and the generated sources, the brackets balance, and stamp-package.sh rewrites exactly
# those two lines with the checksum of the zip it is given.
pkg=bindings/swift/Package.swift
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
python3 - "$pkg" "$version" <<'PY'
import re, sys
path, version = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
bad = []
m = re.match(r"// swift-tools-version:(\d+)\.(\d+)\n", text)
if not m or (int(m[1]), int(m[2])) < (5, 6):
    bad.append("the first line must be // swift-tools-version:5.6 or later (Context.packageDirectory)")
urls = re.findall(r'^let chekFFIURL = "([^"]*)"$', text, re.M)
sums = re.findall(r'^let chekFFIChecksum = "([^"]*)"$', text, re.M)
if len(urls) != 1 or len(sums) != 1:
    bad.append(f"want one chekFFIURL and one chekFFIChecksum line, found {len(urls)} and {len(sums)}")
else:
    url, s = urls[0], sums[0]
    if not re.fullmatch(r"https://[^\s\"&|\\]+/ChekFFI\.xcframework\.zip", url):
        bad.append(f"chekFFIURL is not https://…/ChekFFI.xcframework.zip: {url}")
    if f"v{version}/" not in url:
        bad.append(f"chekFFIURL does not name the workspace version v{version}: {url}")
    if not re.fullmatch(r"[0-9a-f]{64}", s):
        bad.append(f"chekFFIChecksum is not 64 lowercase hex digits: {s}")
for want in ('.binaryTarget(name: "ChekFFI", path: "ChekFFI.xcframework")',
             '.binaryTarget(name: "ChekFFI", url: chekFFIURL, checksum: chekFFIChecksum)',
             '.target(name: "Chek", dependencies: ["ChekFFI"], path: "Sources/Chek")',
             '.library(name: "Chek", targets: ["Chek"])'):
    if want not in text:
        bad.append(f"missing {want}")
# Brackets balance outside string literals and comments.
code = re.sub(r"//[^\n]*", "", re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text))
stack, pairs = [], {")": "(", "]": "[", "}": "{"}
for i, c in enumerate(code):
    if c in "([{":
        stack.append(c)
    elif c in ")]}":
        if not stack or stack.pop() != pairs[c]:
            bad.append(f"unbalanced {c!r} at offset {i}")
            break
if stack:
    bad.append(f"unclosed {''.join(stack)!r}")
for b in bad:
    print(f"swift: {path}: {b}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
grep -q '^module ChekFFI ' bindings/swift/Headers/module.modulemap || { echo "swift: the module map does not declare module ChekFFI" >&2; exit 1; }
grep -q '^ffi_module_name = "ChekFFI"$' bindings/uniffi/uniffi.toml || { echo "swift: uniffi.toml's ffi_module_name is not ChekFFI" >&2; exit 1; }
grep -q 'canImport(ChekFFI)' "$swift" || { echo "swift: Chek.swift does not import ChekFFI" >&2; exit 1; }
if grep -q '^let chekFFIChecksum = "0\{64\}"$' "$pkg"; then
    echo "swift: Package.swift holds the placeholder checksum (no release stamped yet): only the local XCFramework path works"
fi

cp "$pkg" "$tmp/Package.swift"
printf 'PK\003\004 not really a zip, but bytes with a known SHA-256\n' > "$tmp/ChekFFI.xcframework.zip"
want=$(sha256sum "$tmp/ChekFFI.xcframework.zip" | cut -d' ' -f1)
release_url="https://example.org/chek/releases/download/v$version/ChekFFI.xcframework.zip"
bindings/swift/stamp-package.sh "$tmp/ChekFFI.xcframework.zip" "$release_url" "$tmp/Package.swift" >/dev/null
grep -qx "let chekFFIURL = \"$release_url\"" "$tmp/Package.swift" || { echo "swift: stamp-package.sh did not write the URL" >&2; exit 1; }
grep -qx "let chekFFIChecksum = \"$want\"" "$tmp/Package.swift" || { echo "swift: stamp-package.sh did not write the zip's SHA-256" >&2; exit 1; }
changed=$(diff "$pkg" "$tmp/Package.swift" | grep -c '^>' || true)
[ "$changed" = 2 ] || { echo "swift: stamp-package.sh changed $changed lines, expected 2" >&2; exit 1; }
cp "$tmp/Package.swift" "$tmp/stamped.swift"
for url in "http://example.org/v$version/ChekFFI.xcframework.zip" "https://example.org/v$version/other.zip" "https://example.org/a&b/ChekFFI.xcframework.zip"; do
    if bindings/swift/stamp-package.sh "$tmp/ChekFFI.xcframework.zip" "$url" "$tmp/Package.swift" >/dev/null 2>&1; then
        echo "swift: stamp-package.sh accepted the URL $url" >&2; exit 1
    fi
done
cmp -s "$tmp/Package.swift" "$tmp/stamped.swift" || { echo "swift: a refused stamp changed Package.swift" >&2; exit 1; }
echo "swift: Package.swift is well-formed (release URL and checksum, local fallback) and stamp-package.sh writes the zip's SHA-256"
