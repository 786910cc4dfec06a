#!/usr/bin/env python3
"""Healthy sessions with Python's imaplib (the way a real mail client talks).

Usage: pyclient.py MODE HOST PORT [--cafile F] [--sni NAME] [--keylog F] [--pause DIR] [--user NAME]
  MODE starttls : IMAP4 + starttls() + login + select INBOX + logout
  MODE imaps    : IMAP4_SSL + login + select INBOX + logout
  MODE plain    : IMAP4 plaintext login + select + logout (dovecot allows it from its own address)
--user NAME: log in as NAME (default alice; GNU imap4d's virtual domains need alice@example.test).
--pause DIR: after login, create DIR/ready and wait for DIR/go (lets a capture start mid-session).
"""
import argparse
import imaplib
import os
import socket
import ssl
import sys
import time


def make_context(cafile: str | None, sni: str | None, keylog: str | None) -> ssl.SSLContext:
    class SniContext(ssl.SSLContext):
        # imaplib passes its host (an IP here) as server_hostname; a real client would send the
        # mail server's name, so send that in SNI and verify against it.
        def wrap_socket(self, sock, *args, server_hostname=None, **kw):
            return super().wrap_socket(sock, *args, server_hostname=sni or server_hostname, **kw)

    ctx = SniContext(ssl.PROTOCOL_TLS_CLIENT)
    if cafile:
        ctx.load_verify_locations(cafile)
        ctx.check_hostname = bool(sni)
        if not sni:
            ctx.check_hostname = False
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if keylog:
        ctx.keylog_filename = keylog
    return ctx


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["starttls", "imaps", "plain"])
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--cafile")
    ap.add_argument("--sni")
    ap.add_argument("--keylog")
    ap.add_argument("--pause")
    ap.add_argument("--user", default="alice")
    a = ap.parse_args()

    ctx = make_context(a.cafile, a.sni, a.keylog)
    if a.mode == "imaps":
        m = imaplib.IMAP4_SSL(a.host, a.port, ssl_context=ctx)
    else:
        m = imaplib.IMAP4(a.host, a.port)
        if a.mode == "starttls":
            print(m.starttls(ssl_context=ctx), file=sys.stderr)
    print(m.login(a.user, "secret"), file=sys.stderr)
    if a.pause:
        open(os.path.join(a.pause, "ready"), "w").close()
        deadline = time.monotonic() + 30
        while not os.path.exists(os.path.join(a.pause, "go")) and time.monotonic() < deadline:
            time.sleep(0.05)
    print(m.select("INBOX"), file=sys.stderr)
    print(m.logout(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
