#!/usr/bin/env bash
# Records the telnet stories on POP3 against dovecot-pop3d 2.3.19.1 (Debian, apt-get install dovecot-pop3d), run
# as a private instance (lib.sh's dovecot_start: user alice/secret, lab certificates, loopback only), into
# src/test/resources/captures/pop3/STORY.pcap. Ports: 10110 = POP3 (plaintext + STLS), 10995 = implicit TLS.
# Clients: imapclient.py (a scripted telnet: a plain socket, lines or keystrokes), Python's poplib
# (popclient.py) and openssl s_client. Needs root (tcpdump), tshark, openssl, python3. About a minute.
#
#   record-pop3.sh                     every story
#   STORIES="a b" record-pop3.sh       only these (function names below without st_)
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
POP3_PORT=10110
POP3S_PORT=10995
BOTH="tcp port $POP3_PORT or tcp port $POP3S_PORT"
OUT="$CAPTURES/pop3"

setup_work
trap cleanup_all EXIT
mkdir -p "$OUT" "$WORK/logs"
command -v /usr/sbin/dovecot >/dev/null && [ -x /usr/lib/dovecot/pop3 ] || {
    log "installing dovecot-pop3d"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dovecot-pop3d >&2
}

# dovecot with POP3 listeners beside lib.sh's IMAP ones (which the stories never touch)
POP3_CONF="protocols = imap pop3
service pop3-login {
  inet_listener pop3 {
    port = $POP3_PORT
  }
  inet_listener pop3s {
    port = $POP3S_PORT
    ssl = yes
  }
}
ssl_min_protocol = TLSv1.2"
dovecot_start pop3 "$POP3_CONF" || exit 1

story() {   # story NAME COMMAND...
    local name="$1"
    shift
    local f="$OUT/$name.pcap"
    capture_start "$f" "$BOTH"
    "$@" > "$WORK/logs/$name.client" 2>&1
    capture_stop
    summary "$f"
}
client() { "$PY" "$RECORD_DIR/imapclient.py" "$@"; }
popclient() { "$PY" "$RECORD_DIR/popclient.py" "$@"; }

# telnet 995: nobody speaks (the blank screen)
st_pop3s_blank_screen() { story pop3s-blank-screen client 127.0.0.1 $POP3S_PORT sleep:6; }

# "USER alice" typed into 995
st_pop3s_typing() { story pop3s-typing client 127.0.0.1 $POP3S_PORT "type:USER alice" waitclose:5; }

# USER/PASS before STLS on 110 (from 127.0.0.2: dovecot trusts its own address)
st_user_before_stls() {
    story user-before-stls client --bind 127.0.0.2 127.0.0.1 $POP3_PORT "expect:+OK" "send:USER alice" read:1 \
        "send:PASS secret" read:1 "send:QUIT" waitclose:5
}

# STLS accepted, then the user types USER in plaintext
st_plaintext_after_stls() {
    story plaintext-after-stls client --bind 127.0.0.2 127.0.0.1 $POP3_PORT "expect:+OK" "send:STLS" "expect:+OK" \
        sleep:1 "type:USER alice" read:2 waitclose:5
}

# STLS accepted, then silence
st_stls_silent() {
    story stls-silent client --bind 127.0.0.2 127.0.0.1 $POP3_PORT "expect:+OK" "send:STLS" "expect:+OK" sleep:6
}

# success both ways (poplib), and openssl s_client -starttls pop3
st_stls_ok_python() { story stls-ok-python popclient stls 127.0.0.1 $POP3_PORT --bind 127.0.0.2; }
st_pop3s_ok_python() { story pop3s-ok-python popclient pop3s 127.0.0.1 $POP3S_PORT; }
st_stls_ok_openssl() {
    story stls-ok-openssl sh -c "(sleep 1; printf 'USER alice\r\n'; sleep 0.5; printf 'PASS secret\r\n'; sleep 0.5; printf 'QUIT\r\n'; sleep 1) \
        | openssl s_client -starttls pop3 -connect 127.0.0.1:$POP3_PORT -crlf -quiet -ign_eof"
}

# a wrong password in plaintext (from 127.0.0.1, which dovecot trusts with plaintext logins)
st_wrong_password() {
    story wrong-password client 127.0.0.1 $POP3_PORT "expect:+OK" "send:USER alice" "expect:+OK" "send:PASS wrong" \
        "expect:-ERR" "send:QUIT" waitclose:5
}

# the client does not trust the lab CA (it trusts another): it aborts the handshake with unknown_ca
st_certificate_rejected() {
    story certificate-rejected popclient pop3s 127.0.0.1 $POP3S_PORT --cafile "$WORK/certs/other-ca.pem" --sni mail.example.test
}

# a TLS 1.1-only client against a server that wants 1.2 or later
st_version_mismatch() {
    story version-mismatch sh -c "echo | openssl s_client -connect 127.0.0.1:$POP3S_PORT -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'"
}

ALL=$(declare -F | awk '{print $3}' | grep '^st_' | sed 's/^st_//')
for s in ${STORIES:-$ALL}; do
    log "story $s"
    "st_$s"
done
cp "$WORK"/logs/*.client "$WORK/" 2>/dev/null
log "done: $OUT"
