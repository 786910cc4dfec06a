#!/usr/bin/env python3
"""Tiny one-connection IMAP-ish servers for stories dovecot cannot tell.

Usage: fakeserver.py MODE PORT [--host 127.0.0.1] [--life S]
  exchange : greet like Outlook/Exchange (base64 UTF-16 hostname in brackets); answer every command
             with '<tag> BAD Command received in Invalid state.'; close when the client does
  silent   : accept and never write; close when the client does
  reset    : greet, read one command line, then abort the connection (SO_LINGER 0 -> RST)
  bye      : greet, accept LOGIN, then after 2 s send '* BYE Autologout; idle for too long' and close
  greetclose : greet, then close at once (a server that hangs up right after its greeting)
The server handles one connection and exits (or exits after --life seconds).
"""
import argparse
import socket
import struct
import sys
import time

EXCHANGE_GREETING = (b"* OK The Microsoft Exchange IMAP4 service is ready. "
                     b"[TQBSADIAUAAyADYANABDAEEAMAAwADIAOQAuAEYAUgBBAFAAMgA2ADQALgBQAFIATwBEAC4ATwBVAFQATABPAE8ASwAuAEMATwBNAA==]\r\n")


def read_line(conn: socket.socket, limit: int = 8192) -> bytes | None:
    buf = b""
    while not buf.endswith(b"\n") and len(buf) < limit:
        ch = conn.recv(1)
        if not ch:
            return None if not buf else buf
        buf += ch
    return buf


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["exchange", "silent", "reset", "bye", "greetclose"])
    ap.add_argument("port", type=int)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--life", type=float, default=60)
    a = ap.parse_args()

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((a.host, a.port))
    srv.listen(1)
    srv.settimeout(a.life)
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        return 1
    conn.settimeout(a.life)
    try:
        if a.mode == "exchange":
            conn.sendall(EXCHANGE_GREETING)
            while (line := read_line(conn)) is not None:
                tag = line.split(b" ", 1)[0].strip() or b"*"
                conn.sendall(tag + b" BAD Command received in Invalid state.\r\n")
        elif a.mode == "silent":
            while conn.recv(4096):
                pass
        elif a.mode == "reset":
            conn.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Lab server ready.\r\n")
            read_line(conn)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif a.mode == "bye":
            conn.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Lab server ready.\r\n")
            line = read_line(conn) or b""
            tag = line.split(b" ", 1)[0].strip() or b"*"
            conn.sendall(tag + b" OK [CAPABILITY IMAP4rev1] Logged in\r\n")
            time.sleep(2)
            conn.sendall(b"* BYE Autologout; idle for too long\r\n")
        elif a.mode == "greetclose":
            conn.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Lab server ready.\r\n")
    except (socket.timeout, ConnectionError):
        pass
    conn.close()
    srv.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
