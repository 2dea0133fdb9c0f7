#!/usr/bin/env python3
"""Print a db_load "bytevalue" dump of an rpmdb.sqlite's header blobs, keyed
like rpm's BDB Packages (4-byte instance numbers in the writer's byte order).
Usage: make-bdb-dump.py IN.sqlite little|big | db5.3_load -t hash ... OUT
"""
import sqlite3, struct, sys

order = '<' if sys.argv[2] == 'little' else '>'
con = sqlite3.connect(sys.argv[1])
print('VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END')
for hnum, blob in con.execute('SELECT hnum, blob FROM Packages ORDER BY hnum'):
    print(' ' + struct.pack(order + 'I', hnum).hex())
    print(' ' + bytes(blob).hex())
print('DATA=END')
