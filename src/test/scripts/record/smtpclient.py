#!/usr/bin/env python3
"""SMTP sessions with Python's smtplib, as a mail client sends.

Usage: smtpclient.py MODE HOST PORT [--cafile F] [--sni NAME]
  MODE starttls : SMTP + ehlo + starttls() + ehlo + sendmail to alice@mail.example.test + quit
  MODE smtps    : SMTP_SSL (implicit TLS, RFC 8314) + the same mail
--cafile F: verify the server against F (trusting another CA makes the client abort: the rejected certificate).
"""
import argparse
import smtplib
import ssl
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["starttls", "smtps"])
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--cafile")
    p.add_argument("--sni")
    a = p.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if a.cafile:
        ctx.load_verify_locations(a.cafile)
        ctx.check_hostname = bool(a.sni)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    msg = "From: bob@example.test\r\nTo: alice@mail.example.test\r\nSubject: hello\r\n\r\nHello Alice.\r\n"
    try:
        if a.mode == "smtps":
            s = smtplib.SMTP_SSL(a.host, a.port, context=ctx, timeout=10, local_hostname="client.example.test")
        else:
            s = smtplib.SMTP(a.host, a.port, timeout=10, local_hostname="client.example.test")
            s.ehlo()
            s.starttls(context=ctx)
            s.ehlo()
        s.sendmail("bob@example.test", ["alice@mail.example.test"], msg)
        s.quit()
    except (smtplib.SMTPException, ssl.SSLError, OSError) as e:
        print("smtpclient:", e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
