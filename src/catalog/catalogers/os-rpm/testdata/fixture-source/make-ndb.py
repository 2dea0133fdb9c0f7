#!/usr/bin/env python3
"""Write an rpm NDB Packages.db holding the header blobs of an rpmdb.sqlite.

rpm 4.18 as packaged by Debian has no NDB backend, so the NDB fixture is laid
out by this script, following rpm's lib/backend/ndb/rpmpkg.c: a 32-byte
'RpmP' header, one 4096-byte slot page of 'Slot' records, then each blob as
'BlbS' head + header blob + zero padding + adler32/length/'BlbE' tail, in
16-byte blocks. All integers little-endian. Usage: make-ndb.py IN.sqlite OUT
"""
import sqlite3, struct, sys, zlib

BLK, PAGE = 16, 4096
con = sqlite3.connect(sys.argv[1])
rows = con.execute('SELECT hnum, blob FROM Packages ORDER BY hnum').fetchall()
slots, data = [], bytearray()
blkoff = PAGE // BLK  # blobs start after the one slot page
for hnum, blob in rows:
    head = struct.pack('<4sIII', b'BlbS', hnum, 1700000000, len(blob))
    blkcnt = (16 + len(blob) + 12 + BLK - 1) // BLK
    pad = blkcnt * BLK - (16 + len(blob) + 12)
    body = head + blob + b'\0' * pad
    tail = struct.pack('<II4s', zlib.adler32(body), len(blob), b'BlbE')
    slots.append((hnum, blkoff, blkcnt))
    data += body + tail
    blkoff += blkcnt
page = bytearray(PAGE)
struct.pack_into('<4sIIII', page, 0, b'RpmP', 0, len(rows) + 1, 1, max(h for h, _ in rows) + 1)
for i in range(2, PAGE // 16):
    struct.pack_into('<4sIII', page, i * 16, b'Slot', 0, 0, 0)
for i, (hnum, off, cnt) in enumerate(slots):
    struct.pack_into('<4sIII', page, (i + 2) * 16, b'Slot', hnum, off, cnt)
open(sys.argv[2], 'wb').write(bytes(page) + bytes(data))
