#!/usr/bin/env bash
# Builds ChekFFI.xcframework for the Swift package. Runs on macOS with Xcode and rustup; it is
# NOT run by the project's tests (the project's machines are Linux).
#
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin
#   bindings/swift/build-xcframework.sh                 # development: Package.swift uses the local copy
#   bindings/swift/build-xcframework.sh --release [URL] # a release: also the zip, and Package.swift stamped
#
# --release zips the XCFramework into target/xcframework/ChekFFI.xcframework.zip and writes URL
# and the zip's SHA-256 (what `swift package compute-checksum` prints) into Package.swift
# (stamp-package.sh). URL is where that zip will be downloaded from; by default the workspace's
# `repository` + /releases/download/v<version>/ChekFFI.xcframework.zip. Upload exactly that zip
# there, and publish the stamped Package.swift with Sources/ (README, "iOS").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

release=false
url=""
if [ "${1:-}" = --release ]; then
    release=true
    url="${2:-}"
fi
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
repository=$(sed -n 's/^repository = "\(.*\)"/\1/p' Cargo.toml | head -1)
url="${url:-$repository/releases/download/v$version/ChekFFI.xcframework.zip}"

for t in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin; do
    cargo build -p chek-uniffi --release --target "$t"
done
lib=libchek_ffi.a
out="$root/target/xcframework"
rm -rf "$out" "$here/ChekFFI.xcframework"
mkdir -p "$out/ios-sim" "$out/macos"
# One slice per platform: the simulator and macOS libraries are fat (arm64 + x86_64).
lipo -create target/aarch64-apple-ios-sim/release/$lib target/x86_64-apple-ios/release/$lib \
    -output "$out/ios-sim/$lib"
lipo -create target/aarch64-apple-darwin/release/$lib target/x86_64-apple-darwin/release/$lib \
    -output "$out/macos/$lib"

# The Swift sources and headers come from the same library (generate.sh keeps them committed).
bindings/swift/generate.sh
xcodebuild -create-xcframework \
    -library target/aarch64-apple-ios/release/$lib -headers bindings/swift/Headers \
    -library "$out/ios-sim/$lib" -headers bindings/swift/Headers \
    -library "$out/macos/$lib" -headers bindings/swift/Headers \
    -output "$here/ChekFFI.xcframework"
echo "built $here/ChekFFI.xcframework"

if $release; then
    zip="$out/ChekFFI.xcframework.zip"
    # ditto is how Apple zips frameworks (the archive holds ChekFFI.xcframework/ at its top).
    (cd "$here" && ditto -c -k --sequesterRsrc --keepParent ChekFFI.xcframework "$zip")
    "$here/stamp-package.sh" "$zip" "$url"
    echo "release: upload $zip to $url, then publish the stamped Package.swift with Sources/"
fi
