#!/usr/bin/env python3
"""Sends an SSL 2.0-format ClientHello (RFC 5246 E.2), as OpenSSL 0.9.8 clients and old scanners do, and reads the
server's answer. Usage: sslv2hello.py HOST PORT [VERSION_HEX]"""
import os, socket, struct, sys, time

host, port = sys.argv[1], int(sys.argv[2])
version = int(sys.argv[3], 16) if len(sys.argv) > 3 else 0x0301
# OpenSSL 0.9.8's default SSLv23 cipher list in SSL 2.0 form: TLS suites as 0x00XXXX, SSL 2.0 kinds as 3 bytes.
specs = [0x000039, 0x000038, 0x000035, 0x000016, 0x000013, 0x00000a, 0x000033, 0x000032, 0x00002f, 0x000007,
         0x050080, 0x000005, 0x000004, 0x010080, 0x000015, 0x000012, 0x000009, 0x060040, 0x000014, 0x000011,
         0x000008, 0x000006, 0x040080, 0x000003, 0x020080, 0x0000ff]
cipher_bytes = b"".join(s.to_bytes(3, "big") for s in specs)
challenge = bytes(range(0x40, 0x60))  # 32 bytes, fixed so the recording is reproducible
body = bytes([1]) + struct.pack(">HHHH", version, len(cipher_bytes), 0, len(challenge)) + cipher_bytes + challenge
record = struct.pack(">H", 0x8000 | len(body)) + body
s = socket.create_connection((host, port), timeout=5)
s.sendall(record)
got = b""
try:
    deadline = time.time() + 2
    while time.time() < deadline:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
        if len(got) > 5 and b"\x0e\x00\x00\x00" in got:  # ServerHelloDone: the server said all it will say
            break
except socket.timeout:
    pass
print(f"sent {len(record)} bytes, got {len(got)}: {got[:11].hex()}")
s.close()
