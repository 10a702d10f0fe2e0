#!/usr/bin/env bash
# The Android AAR recipe (not run on the development machine: it has no Android SDK/NDK).
# Needs ANDROID_NDK_HOME (NDK r26+), the Android SDK for Gradle, and:
#   rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android i686-linux-android
#   cargo install cargo-ndk
# Builds libchek_ffi.so for the four ABIs into src/main/jniLibs/<abi>/, generates the Kotlin
# sources with the Android override (bindings/kotlin/uniffi-android.toml: Android cleaner,
# android.os.Build checks), then `gradle assembleRelease` -> build/outputs/aar/chek-android-release.aar.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
for tool in cargo cargo-ndk gradle; do
    command -v "$tool" >/dev/null || { echo "build-aar.sh: $tool is missing (see the header of this file)" >&2; exit 2; }
done
[ -n "${ANDROID_NDK_HOME:-}" ] || { echo "build-aar.sh: set ANDROID_NDK_HOME" >&2; exit 2; }
cd "$root"
# minSdk 24 (Android 7.0) as in build.gradle.kts; panic = unwind stays (uniffi turns panics
# into exceptions).
cargo ndk --platform 24 -t arm64-v8a -t armeabi-v7a -t x86_64 -t x86 \
    -o "$here/src/main/jniLibs" build --release -p chek-uniffi
cargo build -q -p uniffi-bindgen
# Library mode reads the metadata from any one of the built libraries.
rm -rf "$here/src/main/kotlin"
target/debug/uniffi-bindgen generate "$here/src/main/jniLibs/arm64-v8a/libchek_ffi.so" \
    --language kotlin --no-format --config bindings/kotlin/uniffi-android.toml \
    --out-dir "$here/src/main/kotlin"
cd "$here"
gradle -q assembleRelease
ls -l build/outputs/aar/
