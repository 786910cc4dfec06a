#!/usr/bin/env bash
# Records the telnet stories on SMTP against Postfix 3.7 (Debian, apt-get install postfix swaks), run as a
# private instance: its own config directory, queue and log under the work dir (postfix -c DIR; root may use
# any config directory), listening on 127.0.0.1 only, every mail discarded. Into src/test/resources/captures/smtp.
# Ports: 10025 = SMTP (STARTTLS offered, relay only for logged-in clients), 10587 = submission with
# smtpd_tls_security_level = encrypt (every command but EHLO, STARTTLS, QUIT gets "530 5.7.0 Must issue a
# STARTTLS command first"), 10465 = submissions (implicit TLS, smtpd_tls_wrappermode). Clients: imapclient.py
# (a scripted telnet), swaks, Python's smtplib (smtpclient.py), openssl s_client. Needs root, tcpdump, tshark.
#
#   record-smtp.sh                     every story
#   STORIES="a b" record-smtp.sh       only these (function names below without st_)
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SMTP_PORT=10025
SUB_PORT=10587
SUBS_PORT=10465
ALL_PORTS="tcp port $SMTP_PORT or tcp port $SUB_PORT or tcp port $SUBS_PORT"
OUT="$CAPTURES/smtp"

setup_work
postfix_stop() { [ -n "${PF:-}" ] && postfix -c "$PF/etc" stop >/dev/null 2>&1; }
trap 'postfix_stop; cleanup_all' EXIT
mkdir -p "$OUT" "$WORK/logs"
command -v postfix >/dev/null && command -v swaks >/dev/null || {
    log "installing postfix swaks"
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postfix swaks >&2
}
make_certs || exit 1

PF="$WORK/postfix"
mkdir -p "$PF/etc" "$PF/spool" "$PF/data"
chown postfix "$PF/data"
cat > "$PF/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.example.test
mydomain = example.test
mydestination = mail.example.test, localhost
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.3/32
maillog_file = $PF/postfix.log
maillog_file_prefixes = $WORK
smtpd_banner = \$myhostname ESMTP Postfix
smtpd_delay_reject = no
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
smtpd_sender_restrictions = reject_non_fqdn_sender
local_transport = discard
default_transport = discard
smtpd_tls_cert_file = $WORK/certs/server.pem
smtpd_tls_key_file = $WORK/certs/server.key
smtpd_tls_security_level = may
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
CF
cat > "$PF/etc/master.cf" <<'CF'
127.0.0.1:10025 inet n - n - - smtpd
127.0.0.1:10587 inet n - n - - smtpd -o smtpd_tls_security_level=encrypt
127.0.0.1:10465 inet n - n - - smtpd -o smtpd_tls_wrappermode=yes
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
local     unix  - n n -  - local
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
tlsmgr    unix  - - n 1000? 1 tlsmgr
CF
postfix -c "$PF/etc" start >&2 || { log "postfix failed to start"; exit 1; }
for i in $(seq 50); do ss -ltn | grep -q ":$SUBS_PORT " && break; sleep 0.1; done
log "postfix up: $(postconf -c "$PF/etc" -h mail_version)"

story() {   # story NAME COMMAND...
    local name="$1"
    shift
    local f="$OUT/$name.pcap"
    capture_start "$f" "$ALL_PORTS"
    "$@" > "$WORK/logs/$name.client" 2>&1
    capture_stop
    summary "$f"
}
client() { "$PY" "$RECORD_DIR/imapclient.py" "$@"; }
smtpclient() { "$PY" "$RECORD_DIR/smtpclient.py" "$@"; }

# telnet 465: nobody speaks (the blank screen)
st_submissions_blank_screen() { story submissions-blank-screen client 127.0.0.1 $SUBS_PORT sleep:6; }
# "EHLO me" typed into 465
st_submissions_typing() { story submissions-typing client 127.0.0.1 $SUBS_PORT "type:EHLO me" waitclose:5; }
# AUTH LOGIN before STARTTLS on the submission port: 530 5.7.0 Must issue a STARTTLS command first
st_auth_before_starttls() {
    story auth-before-starttls client 127.0.0.1 $SUB_PORT "expect:220 " "send:EHLO client.example.test" "expect:250 " \
        "send:AUTH LOGIN" read:1 "send:QUIT" waitclose:5
}
# STARTTLS accepted, then the user types in plaintext
st_plaintext_after_starttls() {
    story plaintext-after-starttls client 127.0.0.1 $SUB_PORT "expect:220 " "send:EHLO client.example.test" "expect:250 " \
        "send:STARTTLS" "expect:220 " sleep:1 "type:AUTH LOGIN" read:2 waitclose:5
}
# STARTTLS accepted, then silence
st_starttls_silent() {
    story starttls-silent client 127.0.0.1 $SUB_PORT "expect:220 " "send:EHLO client.example.test" "expect:250 " \
        "send:STARTTLS" "expect:220 " sleep:6
}
# success over both paths: swaks and smtplib
st_starttls_ok_swaks() {
    story starttls-ok-swaks swaks --server 127.0.0.1 --port $SUB_PORT --tls --helo client.example.test \
        --from bob@example.test --to alice@mail.example.test
}
st_submissions_ok_swaks() {
    story submissions-ok-swaks swaks --server 127.0.0.1 --port $SUBS_PORT --tlsc --helo client.example.test \
        --from bob@example.test --to alice@mail.example.test
}
st_starttls_ok_python() { story starttls-ok-python smtpclient starttls 127.0.0.1 $SMTP_PORT; }
st_submissions_ok_python() { story submissions-ok-python smtpclient smtps 127.0.0.1 $SUBS_PORT; }
# relaying refused to a client that did not log in
st_relay_denied() {
    story relay-denied client 127.0.0.1 $SMTP_PORT "expect:220 " "send:EHLO client.example.test" "expect:250 " \
        "send:MAIL FROM:<bob@example.test>" "expect:250 " "send:RCPT TO:<carol@example.org>" read:1 "send:QUIT" waitclose:5
}
# a sender without a domain
st_sender_rejected() {
    story sender-rejected client 127.0.0.1 $SMTP_PORT "expect:220 " "send:EHLO client.example.test" "expect:250 " \
        "send:MAIL FROM:<bob>" read:1 "send:QUIT" waitclose:5
}
# the client trusts another CA: it aborts the handshake
st_certificate_rejected() {
    story certificate-rejected smtpclient smtps 127.0.0.1 $SUBS_PORT --cafile "$WORK/certs/other-ca.pem" --sni mail.example.test
}
# a TLS 1.1-only client against a server that wants 1.2 or later
st_version_mismatch() {
    story version-mismatch sh -c "echo | openssl s_client -connect 127.0.0.1:$SUBS_PORT -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'"
}

ALL=$(declare -F | awk '{print $3}' | grep '^st_' | sed 's/^st_//')
for s in ${STORIES:-$ALL}; do
    log "story $s"
    "st_$s"
done
postconf -c "$PF/etc" -h mail_version > "$OUT/VERSION"
log "done: $OUT"
