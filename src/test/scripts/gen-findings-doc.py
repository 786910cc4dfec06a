#!/usr/bin/env python3
"""Regenerates docs/findings.md: the catalog text below plus a real example of each finding, produced by
running mailscope on the recorded capture that shows it. Run from the repository root after `mvn package`."""
import json, os, subprocess, sys

ROLES = ["--imap-port", "10143,11143,12143", "--imaps-port", "10993,11993,12993", "--port-role", "pop3=10110",
         "--port-role", "pop3s=10995", "--port-role", "smtp=10025", "--port-role", "submission=10587",
         "--port-role", "submissions=10465"]
CATALOG = [
 ("implicit-tls-mutual-wait", "error", "A client connected to an implicit TLS port (993, POP3's 995, SMTP's 465) and neither side sent a byte: the server waits for a ClientHello, the client (telnet, nc) waits for a greeting. The blank screen on 993.", "TCP handshake completed (the client acknowledged the SYN-ACK), no payload either way, server port has the implicit TLS role. Certain when the silence was watched for 1 s or more; likely when it was shorter, naming why: `hello-not-yet-due` (the capture ended, or mailscope stopped following the connection: memory limit, idle), `client-gave-up` (the client closed that soon: a port or health check such as `nc -z`), `server-closed-at-once` (the server turned the connection away); likely too when the capture began midstream (`capture-midstream`).", "implicit-tls-mutual-wait.pcap"),
 ("plaintext-to-tls-port", "error", "Plaintext (e.g. `. LOGIN user pass`) was sent where TLS was expected; says what the server did about it (alert, bare close, silence).", "The client's first bytes are printable text (never a TLS record) on an implicit TLS port.", "plaintext-to-tls-port.pcap"),
 ("tls-to-plaintext-port", "error", "A TLS ClientHello was sent to a plaintext mail port (IMAP 143, POP3 110, SMTP 25/587), and the server's reply.", "The client's first bytes are a TLS record on a port with the plaintext IMAP role, before any STARTTLS.", "tls-to-plaintext-port.pcap"),
 ("login-before-starttls", "error", "Logging in was not possible before TLS, in every protocol: POP3's `-ERR` to USER/PASS/AUTH before STLS (dovecot: `-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.`), SMTP's `530 5.7.0 Must issue a STARTTLS command first`; in IMAP the server refused a LOGIN or AUTHENTICATE sent in plaintext (LOGINDISABLED advertised, `[PRIVACYREQUIRED]`, Exchange's `BAD Command received in Invalid state`, imap4d's XTLSREQUIRED and `NO LOGIN Command disabled`), or the client, told LOGINDISABLED while STARTTLS was on offer, left without starting TLS or trying to log in (the user cannot log in, though nothing was refused on the wire).", "A LOGIN/AUTHENTICATE before any TLS answered NO/BAD (tag matched) or an untagged BAD about plaintext authentication: certain when the server said TLS (LOGINDISABLED, PRIVACYREQUIRED, TLS/SSL/plaintext in the text, Invalid state), likely (alternative `authentication-failed`) when it only hinted (XTLSREQUIRED, `disabled`). A client that saw LOGINDISABLED and STARTTLS and closed or sent LOGOUT without STARTTLS or a login: likely (alternatives: a capabilities probe, a user who cancelled).", "login-before-starttls.pcap"),
 ("cleartext-credentials", "warning", "A password crossed the wire unencrypted, even when the login worked.", "A LOGIN with a password or an AUTHENTICATE exchange seen in plaintext. The password itself is redacted in every output unless `--show-passwords`.", "cleartext-credentials.pcap"),
 ("authentication-failed", "error", "The server refused the user name or password (warning when a later login on the same connection succeeded).", "A NO to LOGIN/AUTHENTICATE with an RFC 5530 code AUTHENTICATIONFAILED, AUTHORIZATIONFAILED, EXPIRED, CONTACTADMIN or NOPERM (certain), or a code-less NO that says nothing about TLS: certain inside TLS or from a server that offers no STARTTLS; likely (alternative `login-before-starttls`) before TLS from a server that offers STARTTLS without LOGINDISABLED, since some servers refuse every plaintext login in just these words.", "sasl-plain-wrong-password.pcap"),
 ("auth-mechanism-unsupported", "error", "The server does not offer the SASL mechanism the client asked for in AUTHENTICATE.", "A NO or BAD to AUTHENTICATE whose text is about the mechanism; the explanation lists the AUTH= capabilities the server offered.", "authenticate-cancelled.pcap"),
 ("auth-unavailable", "error", "The server could not check the credentials: a failure on its side (warning when a later login on the same connection succeeded).", "A NO to LOGIN/AUTHENTICATE with an RFC 5530 code UNAVAILABLE, SERVERBUG, LIMIT or INUSE.", "auth-unavailable.pcap"),
 ("plaintext-after-starttls", "error", "STARTTLS was accepted, then the client went on in plaintext; says what the server did (dropped it, or fell back to plaintext and refused in words).", "Tagged OK to the client's STARTTLS (same tag), then printable client bytes instead of a TLS record.", "plaintext-after-starttls.pcap"),
 ("starttls-mutual-wait", "error", "STARTTLS was accepted, then nobody sent anything.", "Tagged OK to STARTTLS, then no byte from the client until it or the server closed or the capture ended (or mailscope let the connection go), measured from the OK. Certain when the silence was watched for 1 s or more; likely when it was shorter, naming why: `hello-not-yet-due`, `client-gave-up` (a client whose TLS library failed before its ClientHello, or one that only checked STARTTLS), `server-closed-at-once`.", "starttls-mutual-wait.pcap"),
 ("starttls-refused", "error", "The server answered STARTTLS with NO or BAD.", "A tagged NO/BAD whose tag matches the client's STARTTLS.", "starttls-refused.pcap"),
 ("starttls-not-advertised", "warning", "The server's capabilities before TLS do not include STARTTLS (the session stayed in plaintext, or the client asked anyway).", "Capabilities seen before TLS (greeting code, CAPABILITY response) without STARTTLS, on a plaintext session.", "starttls-not-advertised.pcap"),
 ("tls-alert", "error", "A TLS alert ended the handshake; its description and likely cause (protocol_version, handshake_failure, unknown_ca, certificate_expired, bad_certificate...).", "A fatal alert in the clear (or a warning alert other than close_notify/user_canceled).", "tls-version-mismatch-alert.pcap"),
 ("tls-version-mismatch", "error", "Client and server share no TLS version, inferred from the hello contents even when the server closes without an alert.", "A protocol_version alert, or a server that closes right after a ClientHello that offers no TLS 1.3.", "tls-version-mismatch-dovecot.pcap"),
 ("tls-no-common-cipher", "error", "Client and server share no cipher suite.", "A handshake_failure/insufficient_security alert before any ServerHello, or a bare close after a ClientHello offering only legacy suites.", "tls-no-common-cipher.pcap"),
 ("tls-handshake-aborted", "error", "The server closed right after an ordinary ClientHello (no ServerHello, no alert): its TLS setup failed for a reason of its own.", "ClientHello, no ServerHello, server FIN/RST, and the hello offers modern versions and suites.", None),
 ("certificate-rejected", "error", "The client aborted right after the server's certificate; or it completed the TLS handshake and hung up at once, which clients that check the certificate only afterwards do (likely).", "Certain: a certificate-related fatal alert (bad_certificate, unknown_ca, certificate_expired...) from the client after the server's Certificate (TLS 1.2) or ServerHello (TLS 1.3), in the clear or decrypted with the client's key log (a TLS 1.3 client may send it under its handshake keys). Likely (alternatives: another fault the client found after the handshake, a user who stopped it): both sides encrypted, no alert, no application data from the client, and the client's FIN or RST within 5 s of its Finished; outcome `dropped`.", "certificate-rejected-tls12.pcap"),
 ("certificate-expired", "error", "The server's certificate had expired at the time of the connection (TLS 1.2 and earlier, where the certificate is visible; TLS 1.3 with the client's key log).", "The leaf certificate's notAfter before the packet's timestamp.", "certificate-expired.pcap"),
 ("certificate-not-yet-valid", "error", "The server's certificate was not yet valid at the time of the connection: a wrong clock, or a certificate issued for the future.", "The leaf certificate's notBefore after the packet's timestamp.", None),
 ("certificate-name-mismatch", "error", "The server's certificate does not cover the name the client asked for (SNI); in TLS 1.3 seen only with the client's key log.", "The ClientHello's server_name matches none of the leaf certificate's DNS names (wildcards honoured).", "certificate-name-mismatch.pcap"),
 ("greeting-encoded-hostname", "info", "A bracketed base64 blob in the greeting is the server's host name (UTF-16LE, Microsoft Exchange / Outlook.com), not encryption.", "A `[base64]` in the greeting that decodes to a host name.", "greeting-encoded-hostname.pcap"),
 ("no-greeting", "error", "The server accepted the connection but never greeted.", "TCP handshake completed (the client acknowledged the SYN-ACK) on a port whose server speaks first, no byte from the server. Certain when the silence was watched for 1 s or more; likely when it was shorter, naming why: `greeting-not-yet-due` (the capture ended, or mailscope let the connection go), `client-gave-up`, `server-closed-at-once` (then the explanation does not call the close a pre-login timeout); likely too when the capture began midstream.", "no-greeting.pcap"),
 ("client-spoke-first", "info", "The client sent before the greeting on a server-first port (some clients do; not an error).", "The first payload byte came from the client on a connection whose server speaks IMAP.", "starttls-gnutls.pcap"),
 ("proxy-refused", "error", "The SOCKS4/4a, SOCKS5 or HTTP CONNECT proxy the client went through refused to connect it to the mail server, in the proxy's own words (SOCKS reply code and name, HTTP status line such as 403 or 407).", "A proxy handshake at the start of the connection whose last answer is a refusal (SOCKS4 reply other than 90, SOCKS5 method 0xFF, login status other than 0 or reply other than 0, HTTP status other than 2xx to CONNECT).", "tunnels/http-connect-407.pcap"),
 ("no-answer", "error", "The SYN was never answered (filtered, host down, wrong address).", "The client's SYN (and retransmissions of it: the explanation's attempts count these only) without SYN-ACK, RST or any other packet from the server: Zeek state S0, or SH and RSTOS0 when the client then closed or reset its own attempt, which the explanation names (never `connection-refused`: the server refused nothing). How long the wait was watched is said: until the client gave up, or until mailscope let the connection go (the capture ended; memory limit; idle), or until the client sent a new SYN from the same port (JSON `end_reason` `port_reused`; when that came within 1 s, the alternative is `client-gave-up`). Certain when that was 1 s (the first SYN retransmission time) or more; likely when shorter, with the alternative `answer-not-yet-due` (mailscope stopped looking) or `client-gave-up` (the client's own FIN or RST came that soon: another address tried first, a short connect timeout, a port scan). Server packets but no SYN-ACK (a bare ACK answering the SYN, then the client's RST): likely, summarised as the server not accepting the attempt, alternatives `stale-connection` (a challenge ACK, RFC 5961) and `answer-not-captured`. A SYN-ACK the client never acknowledged (no ACK, no data, at most its SYN again): likely, summarised as the connection never set up (the SYN-ACK was lost on its way to the client, so the client saw no answer), alternatives `ack-not-yet-due` (first, when the capture ended or mailscope let the connection go less than 1 s after the SYN-ACK) and `ack-not-captured`. A client that acknowledges or sends data with no server packet captured is `capture-gap`, not this.", "no-answer.pcap"),
 ("connection-refused", "error", "The SYN was answered with RST: nothing listens there.", "A RST from the server answering the SYN, with no SYN-ACK before it (Zeek state REJ; a REJ after a SYN-ACK is a connection that came up and was reset, told by `reset`; the client's own RST after its SYN, RSTOS0, is `no-answer`). The explanation names both senders of such a RST: the host, where nothing listens on the port, or a firewall that rejects.", "connection-refused.pcap"),
 ("reset", "warning", "A side reset the connection mid-session.", "A RST after the handshake that is not the aftermath of that side's own FIN or of a completed session.", "reset.pcap"),
 ("server-bye", "warning", "The server ended the session with BYE (autologout, inactivity, admin kick, too many errors), with its text.", "An untagged BYE not answering a LOGOUT (or a BYE greeting: the server refuses the connection).", "server-bye-autologout.pcap"),
 ("server-hangup", "warning", "The server closed a plaintext IMAP session without BYE: right after its greeting, with a command unanswered, or after an answer.", "The server's FIN comes first, no BYE, no LOGOUT before it, no TLS, and no other finding decided the outcome.", "server-close-after-greeting.pcap"),
 ("plaintext-after-compress", "error", "After COMPRESS DEFLATE was agreed, one side's bytes do not inflate: it never switched to compression, and the peer hangs up.", "A tagged OK to COMPRESS, then data from one side that raw DEFLATE cannot decode.", "compress-forgotten.pcap"),
 ("missing-tag", "warning", "A command was sent without a tag (hand-typed).", "A client line whose first word is a command name.", "hand-typed-mistakes.pcap"),
 ("bare-lf", "warning", "A line ended in LF instead of CRLF.", "A client line terminated by a bare LF.", "hand-typed-mistakes.pcap"),
 ("mailbox-not-found", "warning", "The server said a mailbox the client named does not exist (SELECT, EXAMINE, STATUS, APPEND, COPY, MOVE...): the 'folder not found' story, usually a name spelled differently on the server (case, hierarchy separator).", "A tagged NO to a command that names a mailbox, with the RFC 5530 code NONEXISTENT or TRYCREATE, or a text such as `Mailbox doesn't exist`.", "decrypt/tls13-no-mailbox-python.pcap"),
 ("command-refused", "warning", "The server refused a command with NO or BAD (other than logins, STARTTLS and COMPRESS, which have findings of their own): an unknown command, a bad argument, or one the server would not do. One finding per session, counting the others.", "A tagged NO or BAD to a well-formed command line (tag and command name).", "decrypt/tls13-no-mailbox-python.pcap"),
 ("tag-reused", "info", "A tag was used again.", "A client tag equal to an earlier one (still pending or completed).", "login-before-starttls.pcap"),
 ("capture-midstream", "info", "The capture started after the connection began: the greeting, STARTTLS or handshake may be missing.", "No SYN seen for the connection.", "capture-midstream.pcap"),
 ("snaplen-truncated", "warning", "The capture cut packets short (snaplen), so payload is missing. When the cut falls in the TLS handshake it says which messages were cut (ClientHello, ServerHello, Certificate: at which byte of how many, in which field), what of them was not captured (SNI, supported_versions, ALPN...; JA3/JA4 are then not computed), and where a direction's TLS records were lost and found again; findings that would rest on the cut bytes do not, or say so.", "Captured length smaller than the IP payload length; the cut TLS messages (reported `partial`) and the holes that lost or kept the TLS record framing.", "snaplen/tls12-s300.pcap"),
 ("capture-gap", "warning", "Bytes that were on the wire are missing from the capture.", "A hole in a reassembled stream (the peer ACKed past it, or the connection ended with it unfilled). Also a whole direction missing: a client that acknowledged or sent data after its SYN while no server packet was captured (outcome `incomplete`), or a server SYN-ACK and later packets with no client packet at all (Zeek SHR, RSTRH: likely, alternative `spoofed-syn`, a SYN flood's backscatter; outcome `incomplete`).", "capture-gap.pcap"),
 ("greeting-refused", "error", "A POP3 or SMTP server refused the session in its first words: a `-ERR` greeting, or an SMTP `554` (too many connections, the client's address refused, the service unavailable). IMAP's `* BYE` greeting is `server-bye`.", "The server's first line is `-ERR ...` (POP3) or a 5xx/4xx reply (SMTP).", None),
 ("http-on-pop3-port", "error", "Another protocol on a POP3 port (likewise `imap-on-pop3-port`, `smtp-on-pop3-port`).", "The first line of either side is HTTP, IMAP or SMTP on a port with the pop3 or pop3s role.", None),
 ("http-on-smtp-port", "error", "Another protocol on an SMTP port (likewise `imap-on-smtp-port`, `pop3-on-smtp-port`).", "The first line of either side is HTTP, IMAP or POP3 on a port with the smtp, submission or submissions role.", None),
 ("smtp-relay-denied", "error", "The SMTP server refused to relay: it will not take mail for that recipient from this client (not logged in, or not allowed).", "A 5xx to RCPT TO saying relay access denied (Postfix: `554 5.7.1 ... Relay access denied`), or enhanced code 5.7.1 to RCPT.", "smtp/relay-denied.pcap"),
 ("smtp-sender-rejected", "error", "The SMTP server refused the sender in MAIL FROM.", "A 5xx to MAIL FROM (e.g. Postfix's `504 5.5.2 <bob>: Sender address rejected: need fully-qualified address`).", "smtp/sender-rejected.pcap"),
 ("http-on-imap-port", "error", "HTTP was spoken on a mail port (likewise `smtp-on-imap-port`, `pop3-on-imap-port`, `unknown-on-mail-port`).", "The client's first line is an HTTP request (EHLO/HELO for SMTP...) on a port with a mail role.", "http-on-imap-port.pcap"),
 ("starttls-injection", "warning", "The server sent plaintext right behind its STARTTLS OK, in the same segment (CVE-2011-0411 pattern, or a broken server).", "Non-TLS bytes following the tagged OK to STARTTLS in the same chunk.", None),
 ("starttls-pipelining", "warning", "The client sent commands behind STARTTLS before the server answered.", "Client command lines after STARTTLS and before its tagged answer.", None),
 ("no-data", "warning", "A connection on a port without a mail role carried no data at all.", "Handshake completed, no payload either way, no port role to say who should have spoken; kept only when no other finding explains the end. Certain when the silence was watched for 1 s or more; likely when it was shorter, naming why: `data-not-yet-due`, `client-gave-up`, `server-closed-at-once`.", None),
 ("idle-timeout", "error", "The client said nothing (after the greeting, or after its last command) until the server's inactivity timeout closed the session: a telnet left open, a client waiting for something else. Outcome `stalled`; `server-bye` may follow it.", "A greeting, then no client command for at least 30 s before the server's BYE (not answering LOGOUT) or its close.", "servers/dovecot/idle-timeout.pcap"),
 ("starttls-fallback", "warning", "After STARTTLS the server's TLS layer gave up (the client sent plaintext) and the server went back to plaintext IMAP, answering in the clear (Courier, Cyrus). Nothing is protected from there on.", "A STARTTLS OK, the server's stream handed to TLS, TLS records (e.g. a close_notify alert), then a line of text where the next record should start.", "servers/courier/plaintext-after-starttls.pcap"),
 ("plaintext-from-tls-port", "warning", "The server on a port with the implicit TLS role spoke plaintext: it is a plaintext IMAP server there, or the port roles are wrong (likely; alternative: `--imap-port` should name the port).", "The server's first bytes are text on an implicit TLS port.", None),
 ("tls-from-plaintext-port", "warning", "The server on a plaintext IMAP port spoke TLS first: it runs implicit TLS there, or the port roles are wrong (likely; alternative: `--imaps-port` should name the port).", "The server's first bytes are a TLS record on a plaintext IMAP port, before any STARTTLS.", None),
 ("name-not-resolved", "error", "`mailscope connect` only: the server's name has no address (DNS, /etc/hosts); nothing was sent.", "The resolver's answer to the name given to connect.", None),
 ("tls-handshake-stalled", "error", "`mailscope connect` only: the server has not answered its ClientHello; the port does not speak TLS first, or something on the way holds the connection.", "No ServerHello within connect's timeout after its ClientHello (a capture would show only silence).", None),
 ("internal-error", "warning", "mailscope's own parser failed on this session (a bug): the findings before it hold, nothing after it was analyzed.", "An exception inside a dissector, caught and reported instead of thrown.", None),
]

def example(capture, code):
    path = "src/test/resources/captures/" + capture
    keylog = path.rsplit(".", 1)[0] + ".keylog"  # a decryption story: the client's key log next to it
    keys = ["--keylog", keylog] if os.path.exists(keylog) else []
    out = subprocess.run(["java", "-jar", "target/mailscope.jar", "analyze", "--json", *ROLES, *keys, path],
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        o = json.loads(line)
        if o["type"] != "session":
            continue
        for f in o["findings"]:
            if f["code"] == code:
                return o, f
    return None, None

print("# Findings")
print()
print("Every finding mailscope reports, with its stable code (a contract with scripts: codes never change meaning),")
print("its severity, what it means, the evidence it needs, and an example: the explanation mailscope printed for a")
print("real capture of that situation (src/test/resources/captures; how each was recorded is in its README).")
print("Regenerate with `python3 src/test/scripts/gen-findings-doc.py > docs/findings.md` after `mvn package`.")
print()
print("## Outcomes")
print()
print("Each session gets one `outcome`: `ok` (it did what it set out to do), `stalled` (both sides waited; ended by")
print("silence, a timeout or the end of the capture), `refused` (the server refused the connection or the client's")
print("request), `dropped` (a side closed or reset after unexpected input, with no protocol-level message), `alert`")
print("(a TLS alert ended it), `incomplete` (the capture does not show enough to tell).")
print()
print("## Confidence")
print()
print("Every finding carries a `confidence`: `certain` when the capture shows it (the server's own words, an alert,")
print("the bytes), `likely` when it is the most probable reading of evidence that other causes would explain too.")
print("A likely finding names those causes as `alternatives` (text: an \"Or:\" line; JSON: `[{code, summary}]`,")
print("most likely first; an alternative's code is a finding code where one exists, else a short name such as")
print("`user-cancelled`). Findings about what happened before a capture began (`capture-midstream`) are likely at most.")
print("A silence (a SYN nobody answered, a greeting that never came, nobody speaking) is certain only when it was watched")
print("for at least 1 s; when the capture ended, mailscope let the connection go (memory limit, idle) or a side closed")
print("sooner, it is likely and names why: `answer-not-yet-due`, `hello-not-yet-due`, `greeting-not-yet-due`,")
print("`data-not-yet-due`, `client-gave-up` or `server-closed-at-once`.")
print()
print("## Catalog")
print()
print("| code | severity | meaning |")
print("|---|---|---|")
for code, sev, meaning, ev, cap in CATALOG:
    print(f"| `{code}` | {sev} | {meaning} |")
print()
for code, sev, meaning, ev, cap in CATALOG:
    print(f"### `{code}` ({sev})")
    print()
    print(meaning)
    print()
    print(f"Evidence: {ev}")
    print()
    if cap:
        o, f = example(cap, code)
        if f:
            print(f"Example (`{cap}`, outcome `{o['outcome']}`, frames {', '.join(map(str, f['frames']))}):")
            print()
            print(f"> **{f['summary']}**{' (likely)' if f.get('confidence') == 'likely' else ''} {f['explanation']}")
            if f.get('alternatives'):
                print(">")
                print("> Or: " + "; ".join(f"{a['summary']} (`{a['code']}`)" for a in f['alternatives']))
            print(">")
            print(f"> Fix: {f['fix']}")
            print()
            continue
    print("Example: no committed capture shows this yet; it is covered by unit tests with constructed input.")
    print()
