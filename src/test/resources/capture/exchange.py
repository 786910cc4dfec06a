#!/usr/bin/env python3
"""Small loopback TCP exchange: an IMAP-like greeting, one command, one reply, then close.
usage: exchange.py HOST PORT [BIG]  (BIG: the server also sends 3000 bytes, to exceed a small snaplen)"""
import socket, sys, threading, time
host, port = sys.argv[1], int(sys.argv[2])
big = len(sys.argv) > 3
fam = socket.AF_INET6 if ':' in host else socket.AF_INET
srv = socket.socket(fam, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((host, port)); srv.listen(1)
def serve():
    c, _ = srv.accept()
    c.sendall(b"* OK ready\r\n")
    c.recv(100)
    if big:
        c.sendall(b"* " + b"x" * 2996 + b"\r\n")
    c.sendall(b"a1 OK done\r\n")
    time.sleep(0.05)
    c.close()
t = threading.Thread(target=serve); t.start()
cl = socket.socket(fam, socket.SOCK_STREAM)
cl.connect((host, port))
cl.recv(100)
cl.sendall(b"a1 NOOP\r\n")
time.sleep(0.05)
while cl.recv(4096): pass
cl.close(); t.join(); srv.close()
