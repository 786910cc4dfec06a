#!/usr/bin/env python3
"""Writes a pcap of N VXLAN-wrapped IMAP connections: TENANTS VNIs each open the same N/TENANTS inner 4-tuples
(10.0.0.1:40000+i -> 10.0.0.2:143), handshake and greeting, none closed. For memory and speed runs with tunnels:
    vxlan-flood.py OUT.pcap [N] [TENANTS]"""
import struct, sys

out, n, tenants = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000, int(sys.argv[3]) if len(sys.argv) > 3 else 100
ports = n // tenants
A, B = bytes([192, 0, 2, 10]), bytes([192, 0, 2, 20])
C, S = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
ETH = bytes.fromhex("020000000002020000000001")

def ipv4(src, dst, proto, payload):
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, proto, 0, src, dst) + payload

def tcp(sport, dport, seq, ack, flags, data=b""):
    return struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 0x50, flags, 65535, 0, 0) + data

def frame(vni, up, inner):
    eth_inner = ETH + b"\x08\x00" + inner
    vx = struct.pack(">II", 0x08000000, vni << 8) + eth_inner
    udp = struct.pack(">HHHH", 49152 + (vni % 1000), 4789, 8 + len(vx), 0) + vx
    return ETH + b"\x08\x00" + ipv4(A if up else B, B if up else A, 17, udp)

with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
    t = 1_700_000_000 * 1_000_000
    greeting = b"* OK ready\r\n"
    for p in range(ports):
        for vni in range(1, tenants + 1):
            port = 40000 + p
            for up, seg in ((True, tcp(port, 143, 1000, 0, 0x02)),
                            (False, tcp(143, port, 9000, 1001, 0x12)),
                            (True, tcp(port, 143, 1001, 9001, 0x10)),
                            (False, tcp(143, port, 9001, 1001, 0x18, greeting))):
                t += 10
                data = frame(vni, up, ipv4(C if up else S, S if up else C, 6, seg))
                f.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(data), len(data)) + data)
