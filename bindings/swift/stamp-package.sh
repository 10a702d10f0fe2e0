#!/usr/bin/env bash
# Writes the release's XCFramework URL and checksum into Package.swift, the two lines apps that
# add the package by URL download and verify:
#
#   let chekFFIURL = "https://…/ChekFFI.xcframework.zip"
#   let chekFFIChecksum = "<SHA-256 of the zip, 64 hex digits>"
#
#   bindings/swift/stamp-package.sh ZIP URL [PACKAGE_SWIFT]
#
# The checksum is what `swift package compute-checksum ZIP` prints (the SHA-256 of the archive's
# bytes); where there is no Swift toolchain it is computed with sha256sum or shasum. Run by
# build-xcframework.sh --release; check.sh runs it on a copy to test it. The ZIP must be the
# very file uploaded to URL.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
zip="${1:?usage: stamp-package.sh ZIP URL [PACKAGE_SWIFT]}"
url="${2:?usage: stamp-package.sh ZIP URL [PACKAGE_SWIFT]}"
manifest="${3:-$here/Package.swift}"

[ -f "$zip" ] || { echo "stamp-package.sh: no such file: $zip" >&2; exit 2; }
case "$url" in
    https://*/ChekFFI.xcframework.zip) ;;
    *) echo "stamp-package.sh: the URL must be https://…/ChekFFI.xcframework.zip, not $url" >&2; exit 2 ;;
esac
case "$url" in
    *'"'* | *'\'* | *' '* | *'&'* | *'|'*) echo "stamp-package.sh: the URL holds a quote, backslash, space, & or |: $url" >&2; exit 2 ;;
esac

if command -v swift >/dev/null && swift package compute-checksum "$zip" >/dev/null 2>&1; then
    sum=$(swift package compute-checksum "$zip")
elif command -v sha256sum >/dev/null; then
    sum=$(sha256sum "$zip" | cut -d' ' -f1)
else
    sum=$(shasum -a 256 "$zip" | cut -d' ' -f1)
fi
[[ "$sum" =~ ^[0-9a-f]{64}$ ]] || { echo "stamp-package.sh: not a SHA-256: $sum" >&2; exit 1; }

for name in chekFFIURL chekFFIChecksum; do
    n=$(grep -c "^let $name = \"[^\"]*\"\$" "$manifest" || true)
    [ "$n" = 1 ] || { echo "stamp-package.sh: $manifest has $n lines 'let $name = \"…\"', expected 1" >&2; exit 1; }
done
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
sed -e "s|^let chekFFIURL = \"[^\"]*\"\$|let chekFFIURL = \"$url\"|" \
    -e "s|^let chekFFIChecksum = \"[^\"]*\"\$|let chekFFIChecksum = \"$sum\"|" \
    "$manifest" > "$tmp"
cat "$tmp" > "$manifest"
echo "stamped $manifest: $url sha256 $sum"
