#!/bin/bash
# The semver crate (Debian's librust-semver-dev 1.0.14), built offline against /usr/share/cargo/registry.
set -eu
cd "$(dirname "$0")"
home=$(mktemp -d)
printf '[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "/usr/share/cargo/registry"\n' > "$home/config.toml"
python3 candidates.py semver versions > /tmp/bulkhead-cargo-versions.txt
python3 candidates.py semver pairs > /tmp/bulkhead-cargo-pairs.tsv
grep -P '^cargo\t' ranges.txt | cut -f2- > /tmp/bulkhead-cargo-ranges.txt
versions=$(grep '^cargo:' range-versions.txt | cut -c7-)
CARGO_HOME="$home" CARGO_TARGET_DIR=/tmp/bulkhead-cargo-target cargo run --quiet --offline --manifest-path cargo/Cargo.toml -- \
  .. /tmp/bulkhead-cargo-versions.txt /tmp/bulkhead-cargo-pairs.tsv /tmp/bulkhead-cargo-ranges.txt "$versions"
rm -rf "$home" cargo/Cargo.lock
