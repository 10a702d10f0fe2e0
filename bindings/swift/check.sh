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
