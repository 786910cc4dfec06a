#!/usr/bin/env python3
"""Healthy and failing POP3 sessions with Python's poplib (the way a real mail client talks).

Usage: popclient.py MODE HOST PORT [--cafile F] [--sni NAME] [--password P] [--bind ADDR]
  MODE stls  : POP3 + capa + stls() + user/pass + stat + quit
  MODE pop3s : POP3_SSL + user/pass + stat + quit
--cafile F: verify the server's certificate against F (a client that does not trust the server's CA aborts the
handshake: the rejected-certificate story); without it nothing is checked.
"""
import argparse
import poplib
import socket
import ssl
import sys


def context(cafile, sni):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if cafile:
        ctx.load_verify_locations(cafile)
        ctx.check_hostname = bool(sni)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["stls", "pop3s"])
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--cafile")
    p.add_argument("--sni")
    p.add_argument("--password", default="secret")
    p.add_argument("--bind")
    a = p.parse_args()
    if a.bind:
        real = socket.create_connection
        socket.create_connection = lambda addr, timeout=None, source_address=None: real(addr, timeout, (a.bind, 0))
    ctx = context(a.cafile, a.sni)
    try:
        if a.mode == "pop3s":
            m = poplib.POP3_SSL(a.host, a.port, context=ctx, timeout=10)
        else:
            m = poplib.POP3(a.host, a.port, timeout=10)
            print(m.capa(), file=sys.stderr)
            m.stls(context=ctx)
        print(m.getwelcome(), file=sys.stderr)
        m.user("alice")
        m.pass_(a.password)
        print(m.stat(), file=sys.stderr)
        m.quit()
    except (poplib.error_proto, ssl.SSLError, OSError) as e:
        print("popclient:", e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
