#!/bin/bash
# Maven 3.8.7's maven-artifact (Debian's maven package) on the candidates.
set -eu
cd "$(dirname "$0")"
python3 candidates.py maven pairs > /tmp/bulkhead-maven-pairs.tsv
grep -P '^maven\t' ranges.txt | cut -f2- > /tmp/bulkhead-maven-ranges.txt
versions=$(grep '^maven:' range-versions.txt | cut -c7-)
java -cp /usr/share/maven/lib/maven-artifact-3.x.jar:/usr/share/maven/lib/commons-lang3.jar MavenVectors.java .. /tmp/bulkhead-maven-pairs.tsv /tmp/bulkhead-maven-ranges.txt "$versions"
