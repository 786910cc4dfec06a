#!/usr/bin/env python3
"""Reads a little-endian microsecond pcap of Ethernet frames (what `tcpdump -i lo` writes on this machine),
strips the 14-byte Ethernet header, puts PREFIX (hex) in front of each IP packet and prints it as a text2pcap
hex dump, each packet preceded by its original timestamp (UTC, "%Y-%m-%d %H:%M:%S.ffffff") for `TZ=UTC text2pcap -t '%Y-%m-%d %H:%M:%S.%f'`.
usage: to-text2pcap.py FILE.pcap [PREFIX_HEX_FOR_IPV4 [PREFIX_HEX_FOR_IPV6]]"""
import struct, sys, time
data = open(sys.argv[1], 'rb').read()
pre4 = bytes.fromhex(sys.argv[2]) if len(sys.argv) > 2 else b''
pre6 = bytes.fromhex(sys.argv[3]) if len(sys.argv) > 3 else pre4
assert data[:4] == b'\xd4\xc3\xb2\xa1', 'little-endian microsecond pcap expected'
off = 24
while off < len(data):
    sec, usec, incl, orig = struct.unpack_from('<IIII', data, off)
    frame = data[off + 16: off + 16 + incl]
    off += 16 + incl
    ip = frame[14:]
    pkt = (pre6 if ip[0] >> 4 == 6 else pre4) + ip
    print(time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(sec)) + '.%06d' % usec)
    for i in range(0, len(pkt), 16):
        print('%06x  %s' % (i, ' '.join('%02x' % b for b in pkt[i:i + 16])))
    print()
