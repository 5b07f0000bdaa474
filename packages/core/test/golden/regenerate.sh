#!/usr/bin/env bash
# Regenerates the partitioner golden vectors, murmur2.json (Kafka) and pulsar-hash.json
# (Pulsar), by running the Java clients' own hashing code. Needs a JDK (17+) and Maven; the
# jars go to a temporary directory, never into the repository.
#
#   packages/core/test/golden/regenerate.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/empty-repo"
# Only Maven Central is used: any other repository a POM declares is mirrored to an empty local one.
cat >"$work/settings.xml" <<XML
<settings><mirrors><mirror><id>only-central</id><mirrorOf>*,!central</mirrorOf><url>file://$work/empty-repo</url></mirror></mirrors></settings>
XML
mvn -Dstyle.color=never -s "$work/settings.xml" -q -B -f "$here/pom.xml" dependency:copy-dependencies \
  -DoutputDirectory="$work/lib" -DincludeScope=runtime
for set in kafka:murmur2 pulsar:pulsar-hash; do
  java -cp "$work/lib/*" "$here/GenerateVectors.java" "${set%%:*}" >"$work/${set#*:}.json"
done
mv "$work/murmur2.json" "$work/pulsar-hash.json" "$here/"
echo "wrote $here/murmur2.json and $here/pulsar-hash.json"
