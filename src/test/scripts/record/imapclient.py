#!/usr/bin/env python3
"""A scripted telnet-like client: a plain TCP socket driven by a list of steps.

Usage: imapclient.py [--bind ADDR] [--timeout S] HOST PORT STEP...
Steps (in order):
  send:TEXT      send TEXT + CRLF in one segment
  sendraw:TEXT   send TEXT with Python escapes decoded (e.g. 'a1 NOOP\\n' for a bare LF), one segment
  type:TEXT      "keystrokes": TEXT + CR LF one byte per segment (TCP_NODELAY, 60 ms between keys)
  typelf:TEXT    like type, but the line ends in a bare LF
  expect:TEXT    read until TEXT is seen (or timeout / close)
  read:S         read whatever arrives for S seconds
  sleep:S        sit silent for S seconds
  waitclose:S    wait up to S seconds for the server to close
  rst            end with an abortive close (RST) instead of FIN
  tls            start TLS on the socket now (no certificate check), as a client set to implicit TLS would;
                 after a greeting it is TLS on a plaintext port without STARTTLS
  deflate        from here on both directions are raw DEFLATE (RFC 4978 COMPRESS=DEFLATE): give it
                 right after the server's OK to 'COMPRESS DEFLATE'
A normal close (FIN) ends the script unless rst was given. The transcript goes to stderr.
"""
import argparse
import codecs
import socket
import struct
import sys
import ssl
import time
import zlib


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bind", default=None)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--family", choices=["4", "6"], default="4")
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("steps", nargs="*")
    a = ap.parse_args()

    fam = socket.AF_INET6 if a.family == "6" else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if a.bind:
        s.bind((a.bind, 0))
    s.settimeout(a.timeout)
    try:
        s.connect((a.host, a.port))
    except OSError as e:
        print(f"connect failed: {e}", file=sys.stderr)
        return 2
    buf = b""
    closed = False
    abort = False
    deflate = None   # (compressor, decompressor) once COMPRESS DEFLATE is on

    def out(data: bytes) -> bytes:
        if deflate is None:
            return data
        return deflate[0].compress(data) + deflate[0].flush(zlib.Z_SYNC_FLUSH)

    def recv_for(deadline: float, until: bytes | None = None) -> None:
        nonlocal buf, closed
        while not closed and time.monotonic() < deadline:
            if until is not None and until in buf:
                return
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = s.recv(65536)
            except socket.timeout:
                return
            except ConnectionResetError:
                print("<<< connection reset", file=sys.stderr)
                closed = True
                return
            if not data:
                print("<<< server closed", file=sys.stderr)
                closed = True
                return
            if deflate is not None:
                data = deflate[1].decompress(data)
            print("<<< " + repr(data), file=sys.stderr)
            buf += data

    for step in a.steps:
        kind, _, arg = step.partition(":")
        if kind == "send":
            data = arg.encode() + b"\r\n"
            print(">>> " + repr(data), file=sys.stderr)
            s.sendall(out(data))
        elif kind == "sendraw":
            data = codecs.decode(arg, "unicode_escape").encode("latin-1")
            print(">>> " + repr(data), file=sys.stderr)
            s.sendall(out(data))
        elif kind in ("type", "typelf"):
            print(">>> typing " + repr(arg), file=sys.stderr)
            for ch in arg.encode() + (b"\n" if kind == "typelf" else b"\r\n"):
                try:
                    s.send(bytes([ch]))
                except OSError as e:
                    print(f"send failed: {e}", file=sys.stderr)
                    break
                time.sleep(0.06)
        elif kind == "expect":
            buf = b""
            recv_for(time.monotonic() + a.timeout, arg.encode())
        elif kind == "read":
            recv_for(time.monotonic() + float(arg))
        elif kind == "sleep":
            time.sleep(float(arg))
        elif kind == "waitclose":
            recv_for(time.monotonic() + float(arg), None)
        elif kind == "tls":
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            try:
                s = ctx.wrap_socket(s, server_hostname="mail.example.test")
                print("=== TLS up", file=sys.stderr)
            except (ssl.SSLError, OSError) as e:
                print(f"TLS failed: {e}", file=sys.stderr)
                closed = True
        elif kind == "deflate":
            deflate = (zlib.compressobj(wbits=-15), zlib.decompressobj(wbits=-15))
        elif kind == "rst":
            abort = True
        else:
            print(f"unknown step {step}", file=sys.stderr)
            return 2
    if abort:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
