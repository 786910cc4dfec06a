#!/usr/bin/env python3
"""Records real IMAP conversations with a private Dovecot, for ImapRealTrafficTest.

Starts dovecot (own config, passwd-file auth, maildir and self-signed certificate in a temporary directory,
IMAP on a high loopback port), puts a relay between each client and it that writes every chunk each side sent,
in the order the relay saw them, drives the scenarios below with Python's imaplib and a raw socket client,
then stops dovecot by its PID. Usage: python3 record.py OUTPUT_DIR

Transcript format (*.imapchunks): for each chunk a header line "C <n>\\n" (client to server) or "S <n>\\n",
then exactly n raw bytes, then "\\n". A chunk of length 0 marks that side closing.
"""
import base64
import imaplib
import os
import select
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import zlib

IMAP_PORT = 31143
USER, PASSWORD = "alice", "secret"


def write_config(tmp):
    home = os.path.join(tmp, "home")
    os.makedirs(os.path.join(home, USER, "Maildir"), exist_ok=True)
    subprocess.run(["chown", "-R", "dovecot:dovecot", home], check=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=imap.test", "-keyout", os.path.join(tmp, "key.pem"),
                    "-out", os.path.join(tmp, "cert.pem")], check=True, capture_output=True)
    with open(os.path.join(tmp, "passwd"), "w") as f:
        f.write(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    conf = os.path.join(tmp, "dovecot.conf")
    with open(conf, "w") as f:
        f.write(f"""
base_dir = {tmp}/run
state_dir = {tmp}/state
log_path = {tmp}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{tmp}/cert.pem
ssl_key = <{tmp}/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_location = maildir:{home}/%u/Maildir
mail_plugins = $mail_plugins zlib
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {tmp}/passwd
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={home}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {IMAP_PORT}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
protocol imap {{
  mail_plugins = $mail_plugins imap_zlib
}}
""")
    return conf


class Relay:
    """Accepts one client, connects to dovecot from `source`, forwards and records every chunk."""

    def __init__(self, source):
        self.source = source
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.chunks = []
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        client, _ = self.listener.accept()
        server = socket.socket()
        server.bind((self.source, 0))
        server.connect(("127.0.0.1", IMAP_PORT))
        peer = {client: server, server: client}
        name = {client: "C", server: "S"}
        open_ = {client, server}
        while open_:
            readable, _, _ = select.select(list(open_), [], [], 10)
            if not readable:
                break
            for s in readable:
                data = s.recv(65536)
                self.chunks.append((name[s], data))
                if data:
                    peer[s].sendall(data)
                else:
                    open_.discard(s)
                    try:
                        peer[s].shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
        client.close()
        server.close()
        self.listener.close()

    def save(self, path):
        self.thread.join(15)
        with open(path, "wb") as f:
            for d, data in self.chunks:
                f.write(f"{d} {len(data)}\n".encode())
                f.write(data)
                f.write(b"\n")


def raw(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(5)
    return s


def read_until(s, marker, inflate=None):
    buf = b""
    while marker not in buf:
        data = s.recv(65536)
        if not data:
            break
        buf += inflate.decompress(data) if inflate else data
    return buf


def logindisabled(port):
    """From 127.0.0.2 dovecot does not trust the connection: LOGINDISABLED and the refusal of lab-notes.md."""
    m = imaplib.IMAP4("127.0.0.1", port)
    m.capability()
    try:
        m.login(USER, PASSWORD)
    except imaplib.IMAP4.error:
        pass
    m.logout()


def starttls(port):
    m = imaplib.IMAP4("127.0.0.1", port)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    m.starttls(ctx)
    m.login(USER, PASSWORD)
    m.logout()


def session(port):
    """From 127.0.0.1 (trusted by dovecot): LOGIN, APPEND (client literal), FETCH (server literal), ID, LOGOUT."""
    m = imaplib.IMAP4("127.0.0.1", port)
    m.login(USER, PASSWORD)
    m.select("INBOX")
    msg = b"From: bob@example.org\r\nSubject: hello\r\n\r\nA line.\r\na9 LOGOUT\r\n"
    m.append("INBOX", None, None, msg)
    m.fetch("1", "(BODY.PEEK[])")
    m.xatom("ID", '("name" "mailscope-recorder")')
    m.logout()


def literals(port):
    """Hand-made literals: a synchronizing user name, a LITERAL+ password, a non-synchronizing APPEND."""
    s = raw(port)
    read_until(s, b"\r\n")
    s.sendall(b"a1 LOGIN {5}\r\n")
    read_until(s, b"\r\n")
    s.sendall(b"alice {6+}\r\nsecret\r\n")
    read_until(s, b"a1 ")
    msg = b"Subject: plus\r\n\r\nbody\r\n"
    s.sendall(b"a2 APPEND INBOX {%d+}\r\n%s\r\n" % (len(msg), msg))
    read_until(s, b"a2 ")
    s.sendall(b"a3 LOGOUT\r\n")
    read_until(s, b"a3 ")
    s.close()


def authenticate(port):
    """A cancelled AUTHENTICATE LOGIN, then AUTHENTICATE PLAIN in two steps."""
    s = raw(port)
    read_until(s, b"\r\n")
    s.sendall(b"a0 AUTHENTICATE LOGIN\r\n")
    read_until(s, b"\r\n")
    s.sendall(b"*\r\n")
    read_until(s, b"a0 ")
    s.sendall(b"a1 AUTHENTICATE PLAIN\r\n")
    read_until(s, b"\r\n")
    s.sendall(base64.b64encode(b"\0alice\0secret") + b"\r\n")
    read_until(s, b"a1 ")
    s.sendall(b"a2 LOGOUT\r\n")
    read_until(s, b"a2 ")
    s.close()


def sasl_ir_idle_compress(port):
    """SASL-IR, IDLE/DONE, then COMPRESS DEFLATE and commands inside the compressed stream."""
    s = raw(port)
    read_until(s, b"\r\n")
    s.sendall(b"a1 AUTHENTICATE PLAIN " + base64.b64encode(b"\0alice\0secret") + b"\r\n")
    read_until(s, b"a1 ")
    s.sendall(b"a2 SELECT INBOX\r\n")
    read_until(s, b"a2 ")
    s.sendall(b"a3 IDLE\r\n")
    read_until(s, b"+")
    time.sleep(0.2)
    s.sendall(b"DONE\r\n")
    read_until(s, b"a3 ")
    s.sendall(b"a4 COMPRESS DEFLATE\r\n")
    read_until(s, b"a4 ")
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    inflate = zlib.decompressobj(-15)

    def send(line):
        s.sendall(deflate.compress(line) + deflate.flush(zlib.Z_SYNC_FLUSH))

    send(b"a5 NOOP\r\n")
    read_until(s, b"a5 ", inflate)
    send(b"a6 FETCH 1:* (FLAGS BODY.PEEK[HEADER])\r\n")
    read_until(s, b"a6 ", inflate)
    send(b"a7 LOGOUT\r\n")
    read_until(s, b"a7 ", inflate)
    s.close()


def typed_by_hand(port):
    """What a person in telnet might type: no tag, bare LF, a reused tag."""
    s = raw(port)
    read_until(s, b"\r\n")
    s.sendall(b"LOGIN alice secret\n")
    read_until(s, b"\n")
    s.sendall(b"a LOGIN alice secret\r\n")
    read_until(s, b"a ")
    s.sendall(b"a NOOP\r\n")
    read_until(s, b"a ")
    s.sendall(b"a LOGOUT\r\n")
    read_until(s, b"a ")
    s.close()


def read_to_close(s):
    try:
        while s.recv(65536):
            pass
    except OSError:
        pass
    s.close()


def starttls_then_plaintext(port):
    """STARTTLS accepted, then the client goes on in plaintext: dovecot closes (lab-notes.md)."""
    s = raw(port)
    read_until(s, b"\r\n")
    s.sendall(b"a1 STARTTLS\r\n")
    read_until(s, b"a1 ")
    s.sendall(b"a2 LOGIN alice secret\r\n")
    read_to_close(s)


def starttls_pipelined(port):
    """A command pipelined behind STARTTLS in the same segment (the CVE-2011-0411 pattern)."""
    s = raw(port)
    read_until(s, b"\r\n")
    s.sendall(b"a1 STARTTLS\r\na2 LOGIN alice secret\r\n")
    read_to_close(s)


def client_first(port):
    """Like gnutls-cli --starttls-proto=imap: the client speaks before the greeting."""
    s = raw(port)
    s.sendall(b"a CAPABILITY\r\n")
    read_until(s, b"a ")
    s.sendall(b"b LOGOUT\r\n")
    read_until(s, b"b ")
    s.close()


SCENARIOS = [
    ("dovecot-logindisabled", "127.0.0.2", logindisabled),
    ("dovecot-starttls", "127.0.0.2", starttls),
    ("dovecot-session", "127.0.0.1", session),
    ("dovecot-literals", "127.0.0.1", literals),
    ("dovecot-authenticate", "127.0.0.1", authenticate),
    ("dovecot-sasl-ir-idle-compress", "127.0.0.1", sasl_ir_idle_compress),
    ("dovecot-typed-by-hand", "127.0.0.1", typed_by_hand),
    ("dovecot-starttls-then-plaintext", "127.0.0.2", starttls_then_plaintext),
    ("dovecot-starttls-pipelined", "127.0.0.2", starttls_pipelined),
    ("dovecot-client-first", "127.0.0.2", client_first),
]


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    tmp = tempfile.mkdtemp(prefix="mailscope-dovecot-")
    os.chmod(tmp, 0o755)
    dovecot = None
    try:
        conf = write_config(tmp)
        dovecot = subprocess.Popen(["dovecot", "-F", "-c", conf])
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", IMAP_PORT), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        for name, source, scenario in SCENARIOS:
            relay = Relay(source)
            scenario(relay.port)
            relay.save(os.path.join(out, name + ".imapchunks"))
            print("recorded", name, len(relay.chunks), "chunks")
    finally:
        if dovecot:
            dovecot.terminate()   # by PID: this instance only
            dovecot.wait(10)
        if os.path.exists(os.path.join(tmp, "dovecot.log")):
            shutil.copy(os.path.join(tmp, "dovecot.log"), os.path.join(out, "dovecot.log.txt"))
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
