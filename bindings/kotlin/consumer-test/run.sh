#!/usr/bin/env bash
# The consumer test: a separate Maven project that depends on dev.chek:chek-kotlin:<version> from
# the local Maven repository (installed by scripts/dist) and runs JUnit with no jna.library.path.
#
#   bindings/kotlin/consumer-test/run.sh [version]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="${1:-$(sed -n 's/^version = "\(.*\)"/\1/p' "$here/../../../Cargo.toml" | head -1)}"
for tool in java mvn; do
    command -v "$tool" >/dev/null || { echo "consumer-test: $tool is missing: run scripts/install-deps" >&2; exit 2; }
done
# Maven's default local repository (scripts/dist installs there with the default settings).
repo="$HOME/.m2/repository"
if [ ! -f "$repo/dev/chek/chek-kotlin/$version/chek-kotlin-$version.jar" ]; then
    echo "consumer-test: dev.chek:chek-kotlin:$version is not in $repo: run scripts/dist first" >&2
    exit 2
fi
cd "$here"
rm -rf target/surefire-reports
# -U is not needed: a release version in the local repository is never checked again.
mvn -q -B -Dstyle.color=never test -Dchek.version="$version"
n=$(grep -ho 'tests="[0-9]*"' target/surefire-reports/TEST-*.xml | grep -o '[0-9]*' | awk '{s += $1} END {print s}')
echo "consumer-test: $n JUnit tests passed against dev.chek:chek-kotlin:$version from $repo"
