#!/bin/sh
# Rebuilds the rpm cataloger fixtures with the real rpm tools (Debian 12: rpm
# 4.18.0, db5.3-util). Run from this directory; writes into ../.
set -eu
top=$(mktemp -d)
mkdir -p "$top/SPECS" && cp hello.spec tool.spec "$top/SPECS/"
rpmbuild --define "_topdir $top" --target x86_64 -bb "$top/SPECS/hello.spec"
rpmbuild --define "_topdir $top" --define 'modularitylabel perl:5.30:8090020231019152822:a75119d5' -bb "$top/SPECS/tool.spec"
db="$top/db" && mkdir "$db" && rpm --dbpath "$db" --initdb
rpm --dbpath "$db" -i --nodeps --justdb --ignorearch --nosignature "$top"/RPMS/*/*.rpm
rpm --dbpath "$db" --import test-key.asc
QF='%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{SIZE}\t%{LICENSE}\t%{VENDOR}\t%{MODULARITYLABEL}\t%{EVR}\n'
rpm --dbpath "$db" -qa --qf "$QF" > ../rpm-qa.tsv
mkdir -p ../rhel-sqlite/var/lib/rpm && cp "$db/rpmdb.sqlite" ../rhel-sqlite/var/lib/rpm/
mkdir -p ../suse-ndb/usr/lib/sysimage/rpm
python3 make-ndb.py "$db/rpmdb.sqlite" ../suse-ndb/usr/lib/sysimage/rpm/Packages.db
mkdir -p ../centos-bdb/var/lib/rpm ../bdb-big-endian
python3 make-bdb-dump.py "$db/rpmdb.sqlite" little | db5.3_load -t hash -c db_pagesize=512 ../centos-bdb/var/lib/rpm/Packages
python3 make-bdb-dump.py "$db/rpmdb.sqlite" big | db5.3_load -t hash -c db_pagesize=1024 -c db_lorder=4321 ../bdb-big-endian/Packages
# Expected depends-on edges as rpm resolves them: for each requirement of each
# package, the installed packages that provide it (by name or by file).
rpm --dbpath "$db" -qa --qf '%{NAME}\n' | grep -v '^gpg-pubkey$' | sort > "$top/names"
for p in $(cat "$top/names"); do
  rpm --dbpath "$db" -q --qf '[%{REQUIRENAME}\n]' "$p" | sort -u | while read -r req; do
    rpm --dbpath "$db" -q --whatprovides "$req" --qf '%{NAME}\n' 2>/dev/null | grep -xF -f "$top/names" | while read -r prov; do
      if [ "$prov" != "$p" ]; then printf '%s\t%s\n' "$p" "$prov"; fi
    done
  done
done | sort -u > ../rpm-requires.tsv
# rpm itself must read the BDB files back identically.
for d in ../centos-bdb/var/lib/rpm; do
  rpm --define '_db_backend bdb_ro' --dbpath "$(cd "$d" && pwd)" -qa --qf "$QF" | sort > "$top/bdb.tsv"
  sort ../rpm-qa.tsv | cmp - "$top/bdb.tsv"
done
rm -rf "$top"
