#!/bin/bash
# x/mod/semver from /usr/share/gocode in GOPATH mode (apt-get install golang-go golang-golang-x-mod-dev).
set -eu
cd "$(dirname "$0")"
python3 candidates.py go versions > /tmp/bulkhead-go-versions.txt
python3 candidates.py go pairs > /tmp/bulkhead-go-pairs.tsv
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=/tmp/bulkhead-gocache go run govectors.go .. /tmp/bulkhead-go-versions.txt /tmp/bulkhead-go-pairs.tsv
