#!/usr/bin/env bash
# Rebuilds examples/demo/debian-heartbleed.tar with a real Docker Engine.
# The image is a tiny stand-in for a Debian 7 (wheezy) system whose OpenSSL
# (1.0.1e-2+deb7u4) is vulnerable to Heartbleed; the package entries are
# copied from real wheezy package metadata. No binaries are included.
set -euo pipefail
cd "$(dirname "$0")"
export SOURCE_DATE_EPOCH=1396915200 # 2014-04-08, the day after Heartbleed's disclosure
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$SOURCE_DATE_EPOCH -C rootfs -c . \
  | docker import --message "debian 7 (wheezy) base files" - bulkhead-demo/wheezy-base
docker build -t bulkhead-demo/heartbleed:1.0 .
docker save bulkhead-demo/heartbleed:1.0 -o ../debian-heartbleed.tar
