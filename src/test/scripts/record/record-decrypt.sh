#!/usr/bin/env bash
# Records the TLS decryption stories: real loopback sessions against a private dovecot, each with the NSS key
# log its client wrote, into src/test/resources/captures/decrypt/NAME.pcap + NAME.keylog. One story per cipher
# suite family and per client (openssl s_client -keylogfile, Python ssl keylog_filename, curl and gnutls-cli
# through SSLKEYLOGFILE), plus HelloRetryRequest, KeyUpdate, refusals inside TLS and STARTTLS. Needs root,
# dovecot-imapd, tcpdump, tshark, openssl, gnutls-bin, curl, python3. About a minute. Ports 12143 (IMAP,
# STARTTLS) and 12993 (IMAPS).
#
#   record-decrypt.sh            record every story
#   record-decrypt.sh NAME...    only these (function names without rec_)
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Own ports, so these stories can be recorded while the others' dovecot holds 10143/10993
IMAP_PORT=12143
IMAPS_PORT=12993
BOTH="tcp port $IMAP_PORT or tcp port $IMAPS_PORT"
D="$CAPTURES/decrypt"

need_main() {
    if [ -z "${MAIN_UP:-}" ]; then
        dovecot_start main "${MAIN_EXTRA:-}" || exit 1
        MAIN_UP=1
    fi
}
no_main() {
    if [ -n "${MAIN_UP:-}" ]; then
        dovecot_stop main
        MAIN_UP=
    fi
}

# s_client NAME [openssl options...]: LOGIN, SELECT INBOX, LOGOUT over implicit TLS, key log NAME.keylog.
# Lines go in one by one with pauses, as a person would type them.
s_client_session() {
    local name="$1"
    shift
    need_main; make_certs
    local f="$D/$name.pcap"
    rm -f "$D/$name.keylog"
    capture_start "$f" "$BOTH"
    { sleep 0.5; printf 'a1 LOGIN alice secret\n'; sleep 0.3; printf 'a2 SELECT INBOX\n'; sleep 0.3
      printf 'a3 LOGOUT\n'; sleep 1; } |
        timeout 15 openssl s_client -connect 127.0.0.1:$IMAPS_PORT -servername mail.example.test \
            -CAfile "$WORK/certs/ca.pem" -crlf -ign_eof -keylogfile "$D/$name.keylog" "$@" \
            >"$WORK/$name.out" 2>&1
    capture_stop; summary "$f"
}

rec_tls13_aes128gcm_openssl() { s_client_session tls13-aes128gcm-openssl -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256; }
rec_tls13_chacha20_openssl() { s_client_session tls13-chacha20-openssl -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256; }
rec_tls12_aes128gcm_openssl() { s_client_session tls12-aes128gcm-openssl -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256; }
rec_tls12_chacha20_openssl() { s_client_session tls12-chacha20-openssl -tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305; }
# OpenSSL negotiates encrypt_then_mac for CBC suites unless told not to
rec_tls12_cbc_sha256_etm_openssl() { s_client_session tls12-cbc-sha256-etm-openssl -tls1_2 -cipher ECDHE-RSA-AES128-SHA256; }
rec_tls12_cbc_sha1_openssl() { s_client_session tls12-cbc-sha1-openssl -tls1_2 -no_etm -cipher ECDHE-RSA-AES256-SHA; }
rec_tls12_cbc_sha384_openssl() { s_client_session tls12-cbc-sha384-openssl -tls1_2 -no_etm -cipher ECDHE-RSA-AES256-SHA384; }

# TLS 1.3 AES-128-CCM: dovecot (OpenSSL) does not offer CCM unless configured
rec_tls13_ccm_openssl() {
    no_main
    MAIN_EXTRA="ssl_cipher_suites = TLS_AES_128_CCM_SHA256:TLS_AES_128_GCM_SHA256" need_main
    s_client_session tls13-ccm-openssl -tls1_3 -ciphersuites TLS_AES_128_CCM_SHA256
    no_main
}

# HelloRetryRequest: dovecot takes only X25519, the client's first key share is P-256
rec_tls13_hello_retry() {
    no_main
    MAIN_EXTRA="ssl_curve_list = X25519" need_main
    s_client_session tls13-hello-retry -tls1_3 -groups P-256:X25519
    no_main
}

# KeyUpdate: s_client's "K" command line sends a KeyUpdate that asks the server to update too
rec_tls13_key_update() {
    need_main; make_certs
    local name=tls13-key-update f="$D/tls13-key-update.pcap"
    rm -f "$D/$name.keylog"
    capture_start "$f" "$BOTH"
    { sleep 0.5; printf 'a1 LOGIN alice secret\n'; sleep 0.3; printf 'K\n'; sleep 0.3; printf 'a2 SELECT INBOX\n'
      sleep 0.3; printf 'k\n'; sleep 0.3; printf 'a3 LOGOUT\n'; sleep 1; } |
        timeout 15 openssl s_client -connect 127.0.0.1:$IMAPS_PORT -servername mail.example.test -tls1_3 \
            -CAfile "$WORK/certs/ca.pem" -crlf -keylogfile "$D/$name.keylog" >"$WORK/$name.out" 2>&1
    capture_stop; summary "$f"
}

# Python imaplib over implicit TLS (keylog_filename): a wrong password, then a mailbox that does not exist
rec_tls13_wrong_password_python() {
    need_main; make_certs
    local f="$D/tls13-wrong-password-python.pcap"
    rm -f "$D/tls13-wrong-password-python.keylog"
    capture_start "$f" "$BOTH"
    "$PY" - 127.0.0.1 $IMAPS_PORT "$WORK/certs/ca.pem" "$D/tls13-wrong-password-python.keylog" <<'PYEOF'
import imaplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[3])
ctx.check_hostname = False
ctx.keylog_filename = sys.argv[4]
m = imaplib.IMAP4_SSL(sys.argv[1], int(sys.argv[2]), ssl_context=ctx)
try:
    m.login("alice", "wrongpass")
except imaplib.IMAP4.error as e:
    print("refused:", e, file=sys.stderr)
m.logout()
PYEOF
    capture_stop; summary "$f"
}

rec_tls13_no_mailbox_python() {
    need_main; make_certs
    local f="$D/tls13-no-mailbox-python.pcap"
    rm -f "$D/tls13-no-mailbox-python.keylog"
    capture_start "$f" "$BOTH"
    "$PY" - 127.0.0.1 $IMAPS_PORT "$WORK/certs/ca.pem" "$D/tls13-no-mailbox-python.keylog" <<'PYEOF'
import imaplib, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[3])
ctx.check_hostname = False
ctx.keylog_filename = sys.argv[4]
m = imaplib.IMAP4_SSL(sys.argv[1], int(sys.argv[2]), ssl_context=ctx)
m.login("alice", "secret")
print(m.select("Archive2019"), file=sys.stderr)
try:
    print(m.xatom("FROBNICATE"), file=sys.stderr)
except imaplib.IMAP4.error as e:
    print("refused:", e, file=sys.stderr)
m.logout()
PYEOF
    capture_stop; summary "$f"
}

# curl and gnutls-cli write their secrets where SSLKEYLOGFILE says
rec_tls13_curl() {
    need_main
    local f="$D/tls13-curl.pcap"
    rm -f "$D/tls13-curl.keylog"
    capture_start "$f" "$BOTH"
    SSLKEYLOGFILE="$D/tls13-curl.keylog" curl -sS -k --max-time 10 "imaps://127.0.0.1:$IMAPS_PORT/INBOX" \
        -u alice:secret >"$WORK/tls13-curl.out" 2>&1
    capture_stop; summary "$f"
}

rec_tls13_gnutls() {
    need_main
    local f="$D/tls13-gnutls.pcap"
    rm -f "$D/tls13-gnutls.keylog"
    capture_start "$f" "$BOTH"
    { sleep 1; printf 'a1 LOGIN alice secret\n'; sleep 0.5; printf 'a2 LOGOUT\n'; sleep 1; } |
        SSLKEYLOGFILE="$D/tls13-gnutls.keylog" timeout 15 gnutls-cli --insecure --crlf -p $IMAPS_PORT 127.0.0.1 \
            >"$WORK/tls13-gnutls.out" 2>&1
    capture_stop; summary "$f"
}

rec_tls12_gnutls_starttls() {
    need_main
    local f="$D/tls12-gnutls-starttls.pcap"
    rm -f "$D/tls12-gnutls-starttls.keylog"
    capture_start "$f" "$BOTH"
    { sleep 1.5; printf 'a1 LOGIN alice secret\n'; sleep 0.5; printf 'a2 LOGOUT\n'; sleep 1; } |
        SSLKEYLOGFILE="$D/tls12-gnutls-starttls.keylog" timeout 15 gnutls-cli --insecure --crlf \
            --priority 'NORMAL:-VERS-TLS1.3' --starttls-proto=imap -p $IMAP_PORT 127.0.0.1 \
            >"$WORK/tls12-gnutls-starttls.out" 2>&1
    capture_stop; summary "$f"
}

# STARTTLS with openssl s_client, TLS 1.2 and TLS 1.3 (from 127.0.0.2, so LOGIN needs the TLS)
starttls_session() {
    local name="$1" version="$2"
    need_main; make_certs
    local f="$D/$name.pcap"
    rm -f "$D/$name.keylog"
    capture_start "$f" "$BOTH"
    { sleep 0.7; printf 'a1 LOGIN alice secret\n'; sleep 0.3; printf 'a2 LOGOUT\n'; sleep 1; } |
        timeout 15 openssl s_client -starttls imap -connect 127.0.0.1:$IMAP_PORT -servername mail.example.test \
            "$version" -CAfile "$WORK/certs/ca.pem" -crlf -ign_eof -keylogfile "$D/$name.keylog" \
            >"$WORK/$name.out" 2>&1
    capture_stop; summary "$f"
}
rec_starttls_tls12_openssl() { starttls_session starttls-tls12-openssl -tls1_2; }
rec_starttls_tls13_openssl() { starttls_session starttls-tls13-openssl -tls1_3; }

# The same capture with its key log embedded (pcapng Decryption Secrets Block): no --keylog needed
rec_embedded_secrets() {
    [ -f "$D/tls13-aes128gcm-openssl.pcap" ] || rec_tls13_aes128gcm_openssl
    editcap --inject-secrets "tls,$D/tls13-aes128gcm-openssl.keylog" -F pcapng \
        "$D/tls13-aes128gcm-openssl.pcap" "$D/embedded-secrets.pcapng"
    summary "$D/embedded-secrets.pcapng"
}

# TLS 1.3 certificate stories: the certificate travels encrypted, so only the key log shows it
# gnutls-cli does not trust the server's CA: it aborts with an alert under its handshake keys
rec_tls13_cert_rejected_gnutls() {
    need_main; make_certs
    local f="$D/tls13-cert-rejected-gnutls.pcap"
    rm -f "$D/tls13-cert-rejected-gnutls.keylog"
    capture_start "$f" "$BOTH"
    SSLKEYLOGFILE="$D/tls13-cert-rejected-gnutls.keylog" timeout 10 gnutls-cli --x509cafile "$WORK/certs/other-ca.pem" \
        --sni-hostname mail.example.test --verify-hostname mail.example.test -p $IMAPS_PORT 127.0.0.1 \
        </dev/null >"$WORK/tls13-cert-rejected-gnutls.out" 2>&1
    capture_stop; summary "$f"
}

# python_no_verify NAME: imaplib over implicit TLS with SNI mail.example.test, not checking the certificate
python_no_verify() {
    local name="$1"
    local f="$D/$name.pcap"
    rm -f "$D/$name.keylog"
    capture_start "$f" "$BOTH"
    pyclient imaps 127.0.0.1 $IMAPS_PORT --sni mail.example.test --keylog "$D/$name.keylog"
    capture_stop; summary "$f"
}

rec_tls13_cert_expired() {
    no_main; make_certs
    MAIN_EXTRA="ssl_cert = <$WORK/certs/expired.pem
ssl_key = <$WORK/certs/expired.key" need_main
    python_no_verify tls13-cert-expired
    no_main
}

rec_tls13_cert_name_mismatch() {
    no_main; make_certs
    MAIN_EXTRA="ssl_cert = <$WORK/certs/other.pem
ssl_key = <$WORK/certs/other.key" need_main
    python_no_verify tls13-cert-name-mismatch
    no_main
}

ORDER=(tls13_aes128gcm_openssl tls13_chacha20_openssl tls12_aes128gcm_openssl tls12_chacha20_openssl
    tls12_cbc_sha256_etm_openssl tls12_cbc_sha1_openssl tls12_cbc_sha384_openssl tls13_key_update
    tls13_wrong_password_python tls13_no_mailbox_python tls13_curl tls13_gnutls tls12_gnutls_starttls
    starttls_tls12_openssl starttls_tls13_openssl embedded_secrets tls13_ccm_openssl tls13_hello_retry
    tls13_cert_rejected_gnutls tls13_cert_expired tls13_cert_name_mismatch)

main() {
    setup_work
    trap cleanup_all EXIT
    trap 'exit 130' INT TERM
    mkdir -p "$D"
    local names=("$@")
    [ $# -gt 0 ] || names=("${ORDER[@]}")
    for name in "${names[@]}"; do
        local attempt
        for attempt in 1 2 3; do
            CAPTURE_INCOMPLETE=
            "rec_${name//-/_}"
            [ -z "$CAPTURE_INCOMPLETE" ] && break
            log "recording $name again"
        done
    done
    no_main
}

main "$@"
