#!/usr/bin/env python3
"""syslogsink.py SOCKET FILE: a minimal syslog daemon. Binds the Unix datagram socket SOCKET (e.g. /dev/log in a
private mount namespace) and appends every message to FILE, one a line, prefixed with the local time."""
import os
import socket
import sys
import time

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s.bind(path)
os.chmod(path, 0o666)
with open(out, "ab", buffering=0) as f:
    while True:
        msg = s.recv(65536).rstrip(b"\0\n")
        f.write(time.strftime("%H:%M:%S ").encode() + msg + b"\n")
