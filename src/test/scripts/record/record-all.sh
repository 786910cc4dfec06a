#!/usr/bin/env bash
# Regenerates every capture in src/test/resources/captures (and the copies in samples/) from real
# servers and clients talking on loopback. Needs root, dovecot-imapd, tcpdump, tshark/editcap,
# openssl, gnutls-bin, curl, python3, nftables (for no-answer). Takes ~4 minutes (the 180 s
# server-timeout story runs in the background meanwhile).
#
#   record-all.sh               record everything
#   record-all.sh NAME...       record only the named stories (function names below, without rec_)
#   KEEP_WORK=1 record-all.sh   keep the temp dir (dovecot logs, tcpdump stderr)
#
# Ports: 10143 = IMAP (plaintext + STARTTLS), 10993 = IMAPS (implicit TLS). The fake servers and the
# openssl s_server stories reuse these ports while no dovecot holds them. The server-timeout story uses
# 11993 so it can run alongside the others.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BOTH="tcp port $IMAP_PORT or tcp port $IMAPS_PORT"
C="$CAPTURES"

need_main() {
    if [ -z "${MAIN_UP:-}" ]; then
        LISTEN="127.0.0.1, ::1" dovecot_start main || exit 1
        MAIN_UP=1
        MAIN_CONF="$DOVECOT_CONF"
    fi
}
no_main() {
    if [ -n "${MAIN_UP:-}" ]; then
        dovecot_stop main
        MAIN_UP=
    fi
}
certs() { make_certs; CERTS="$WORK/certs"; }

# openssl s_server on the IMAPS port for one connection; output in $WORK/s_server.log.
# Its stdin is a FIFO held open by this shell: on EOF from stdin s_server would close the connection at once.
s_server_start() {
    certs
    rm -f "$WORK/s_server.in"
    mkfifo "$WORK/s_server.in"
    openssl s_server -accept 127.0.0.1:$IMAPS_PORT -naccept 1 "$@" <"$WORK/s_server.in" >>"$WORK/s_server.log" 2>&1 &
    BG_PID=$!
    register_pid "$BG_PID"
    exec 7>"$WORK/s_server.in"
    wait_port "$IMAPS_PORT"
}
s_server_stop() {
    sleep 0.3
    exec 7>&-
    kill "$BG_PID" 2>/dev/null
    wait "$BG_PID" 2>/dev/null
}

# --------------------------------------------------------------------------------------------------
# 1. telnet to the implicit TLS port: both sides wait
rec_implicit_tls_mutual_wait() {
    need_main
    local f="$C/implicit-tls-mutual-wait.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAPS_PORT sleep:8
    capture_stop; summary "$f"
}

# 1b. the same, until dovecot's own 180 s pre-login timeout closes it (own instance on 11143/11993)
rec_implicit_tls_mutual_wait_server_timeout() {
    IMAP_PORT=11143 IMAPS_PORT=11993 dovecot_start timeout || return 1
    local f="$C/implicit-tls-mutual-wait-server-timeout.pcap"
    local pid
    capture_start "$f" "tcp port 11993"
    pid=$CAP_PID
    client --timeout 240 127.0.0.1 11993 waitclose:240
    capture_stop "$pid" "$WORK/tcpdump.$(basename "$f").err"; summary "$f"
    dovecot_stop timeout
}

# 2. ". LOGIN alice secret" typed into the implicit TLS port
rec_plaintext_to_tls_port() {
    need_main
    local f="$C/plaintext-to-tls-port.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAPS_PORT "type:. LOGIN alice secret" waitclose:5
    capture_stop; summary "$f"
}

# 3. LOGIN before STARTTLS, from 127.0.0.2 so dovecot does not consider the connection secure
rec_login_before_starttls() {
    need_main
    local f="$C/login-before-starttls.pcap"
    capture_start "$f" "$BOTH"
    client --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:ready." "send:. LOGIN alice secret" \
        "expect:PRIVACYREQUIRED" "send:. LOGOUT" waitclose:5
    capture_stop; summary "$f"
}

# 4. plaintext LOGIN accepted (127.0.0.1 -> 127.0.0.1 counts as secure for dovecot)
rec_cleartext_credentials() {
    need_main
    local f="$C/cleartext-credentials.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 LOGIN alice secret" "expect:a1 " \
        "send:a2 SELECT INBOX" "expect:a2 " "send:a3 LOGOUT" waitclose:5
    capture_stop; summary "$f"
}

# 5. STARTTLS accepted, then plaintext LOGIN
rec_plaintext_after_starttls() {
    need_main
    local f="$C/plaintext-after-starttls.pcap"
    capture_start "$f" "$BOTH"
    client --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 STARTTLS" "expect:a1 " \
        "sleep:1" "send:a2 LOGIN alice secret" waitclose:5
    capture_stop; summary "$f"
}

# 6. STARTTLS accepted, then silence
rec_starttls_mutual_wait() {
    need_main
    local f="$C/starttls-mutual-wait.pcap"
    capture_start "$f" "$BOTH"
    client --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 STARTTLS" "expect:a1 " sleep:8
    capture_stop; summary "$f"
}

# 7. healthy STARTTLS with imaplib (TLS 1.3, certificate verified against the lab CA, SNI sent)
rec_starttls_ok_python() {
    need_main; certs
    local f="$C/starttls-ok-python.pcap"
    rm -f "$C/starttls-ok-python.keylog"
    capture_start "$f" "$BOTH"
    pyclient starttls 127.0.0.1 $IMAP_PORT --cafile "$CERTS/ca.pem" --sni mail.example.test \
        --keylog "$C/starttls-ok-python.keylog"
    capture_stop; summary "$f"
}

# 8. healthy implicit TLS: imaplib (TLS 1.3), openssl s_client TLS 1.2, curl
rec_imaps_ok_python() {
    need_main; certs
    local f="$C/imaps-ok-python.pcap"
    rm -f "$C/imaps-ok-python.keylog"
    capture_start "$f" "$BOTH"
    pyclient imaps 127.0.0.1 $IMAPS_PORT --cafile "$CERTS/ca.pem" --sni mail.example.test \
        --keylog "$C/imaps-ok-python.keylog"
    capture_stop; summary "$f"
}

rec_imaps_ok_tls12() {
    need_main; certs
    local f="$C/imaps-ok-tls12.pcap"
    rm -f "$C/imaps-ok-tls12.keylog"
    capture_start "$f" "$BOTH"
    { sleep 1; printf 'a1 LOGIN alice secret\n'; sleep 1; printf 'a2 LOGOUT\n'; sleep 2; } |
        openssl s_client -tls1_2 -connect 127.0.0.1:$IMAPS_PORT -servername mail.example.test \
            -CAfile "$CERTS/ca.pem" -crlf -ign_eof -keylogfile "$C/imaps-ok-tls12.keylog" \
            >"$WORK/imaps-ok-tls12.out" 2>&1
    capture_stop; summary "$f"
}

rec_imaps_ok_curl() {
    need_main
    local f="$C/imaps-ok-curl.pcap"
    rm -f "$C/imaps-ok-curl.keylog"
    capture_start "$f" "$BOTH"
    SSLKEYLOGFILE="$C/imaps-ok-curl.keylog" curl -sS -k --max-time 10 "imaps://127.0.0.1:$IMAPS_PORT/" \
        -u alice:secret >"$WORK/imaps-ok-curl.out" 2>&1
    capture_stop; summary "$f"
}

# 9. gnutls-cli STARTTLS: sends CAPABILITY before the greeting arrives
rec_starttls_gnutls() {
    need_main
    local f="$C/starttls-gnutls.pcap"
    capture_start "$f" "$BOTH"
    { sleep 2; printf 'a1 LOGIN alice secret\n'; sleep 1; printf 'a2 LOGOUT\n'; sleep 2; } |
        timeout 15 gnutls-cli --insecure --crlf --starttls-proto=imap -p $IMAP_PORT 127.0.0.1 \
            >"$WORK/starttls-gnutls.out" 2>&1
    capture_stop; summary "$f"
}

# 9b. openssl s_client's own STARTTLS (the seed's "openssl s_client -starttls imap")
rec_starttls_ok_openssl() {
    need_main; certs
    local f="$C/starttls-ok-openssl.pcap"
    capture_start "$f" "$BOTH"
    { sleep 1; printf 'a1 LOGIN alice secret\n'; sleep 1; printf 'a2 LOGOUT\n'; sleep 2; } |
        timeout 15 openssl s_client -starttls imap -connect 127.0.0.1:$IMAP_PORT -servername mail.example.test \
            -CAfile "$CERTS/ca.pem" -crlf -ign_eof >"$WORK/starttls-ok-openssl.out" 2>&1
    capture_stop; summary "$f"
}

# 10. a TLS ClientHello sent to the plaintext port
rec_tls_to_plaintext_port() {
    need_main
    local f="$C/tls-to-plaintext-port.pcap"
    capture_start "$f" "$BOTH"
    timeout 10 openssl s_client -connect 127.0.0.1:$IMAP_PORT -servername mail.example.test \
        </dev/null >"$WORK/tls-to-plaintext-port.out" 2>&1
    capture_stop; summary "$f"
}

# 13. the client does not trust the server's CA (TLS 1.2 and TLS 1.3)
rec_certificate_rejected() {
    need_main; certs
    local v
    for v in 12 13; do
        local f="$C/certificate-rejected-tls$v.pcap"
        capture_start "$f" "$BOTH"
        timeout 10 openssl s_client -tls1_${v#1} -connect 127.0.0.1:$IMAPS_PORT -servername mail.example.test \
            -verify_return_error -CAfile "$CERTS/other-ca.pem" </dev/null >"$WORK/cert-rejected-$v.out" 2>&1
        capture_stop; summary "$f"
    done
}

# 19. logged-in session ended by the administrator (doveadm kick) with a BYE
rec_server_bye() {
    need_main
    local f="$C/server-bye.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 LOGIN alice secret" "expect:a1 " \
        "send:a2 SELECT INBOX" "expect:a2 " waitclose:10 &
    local cpid=$!
    sleep 2
    doveadm -c "$MAIN_CONF" kick alice >&2
    wait $cpid
    capture_stop; summary "$f"
}

# 20. hand-typed mistakes: missing tag, bare LF, reused tag
rec_hand_typed_mistakes() {
    need_main
    local f="$C/hand-typed-mistakes.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "expect:ready." "type:LOGIN alice secret" "read:1" \
        "typelf:. LOGIN alice secret" "read:1" "type:. SELECT INBOX" "read:1" \
        "type:. LOGOUT" waitclose:5
    capture_stop; summary "$f"
}

# 21. capture started mid-session; snaplen 96; a data segment cut out
rec_capture_midstream() {
    need_main
    local f="$C/capture-midstream.pcap"
    local sync="$WORK/midstream"
    mkdir -p "$sync"
    pyclient plain 127.0.0.1 $IMAP_PORT --pause "$sync" &
    local cpid=$!
    local i
    for i in $(seq 100); do [ -e "$sync/ready" ] && break; sleep 0.1; done
    capture_start "$f" "$BOTH"
    touch "$sync/go"
    wait $cpid
    capture_stop; summary "$f"
}

rec_snaplen_truncated() {
    need_main; certs
    local f="$C/snaplen-truncated.pcap"
    capture_start "$f" "$BOTH" -s 96
    pyclient starttls 127.0.0.1 $IMAP_PORT --cafile "$CERTS/ca.pem" --sni mail.example.test
    capture_stop; summary "$f"
}

# Snaplen cutting TLS records (issue 13). Each session is recorded twice at once, by two tcpdumps on lo: whole
# (snaplen/NAME-full.pcap) and with a small -s (snaplen/NAME.pcap), so tests compare what is reported from the cut
# capture with the same session seen whole. openssl s_client sends one line inside TLS and closes (close_notify);
# the server is openssl s_server (or dovecot for STARTTLS).
snaplen_start() {
    local name="$1" snap="$2"
    mkdir -p "$C/snaplen"
    SNAP_FULL="$C/snaplen/$name-full.pcap"
    capture_start "$SNAP_FULL" "$BOTH"
    SNAP_FULL_PID=$CAP_PID SNAP_FULL_ERR=$CAP_ERR
    capture_start "$C/snaplen/$name.pcap" "$BOTH" -s "$snap"
}
snaplen_stop() {
    local cut="$CAP_FILE"
    capture_stop
    CAP_FILE="$SNAP_FULL"
    capture_stop "$SNAP_FULL_PID" "$SNAP_FULL_ERR"
    summary "$cut"; summary "$SNAP_FULL"
}
snaplen_tls() {
    local name="$1" snap="$2"; shift 2
    snaplen_start "$name" "$snap"
    s_server_start "$@" -cert "$CERTS/server.pem" -key "$CERTS/server.key"
    { echo "a1 LOGOUT"; sleep 1; } | timeout 10 openssl s_client -connect 127.0.0.1:$IMAPS_PORT \
        -servername mail.example.test -CAfile "$CERTS/ca.pem" >"$WORK/$name.out" 2>&1
    s_server_stop
    snaplen_stop
}
# TLS 1.3, -s 200: the ClientHello is cut in its cipher suites; the ServerHello and ChangeCipherSpec survive and the
# hole after them covers a record header; the client's records are whole, the server's session tickets cut.
rec_snaplen_tls13_200() {
    no_main; certs
    snaplen_tls tls13-s200 200 -tls1_3
}
# TLS 1.2, -s 300: the ClientHello is cut after its SNI, the server's Certificate is cut (the ServerHello survives).
rec_snaplen_tls12_300() {
    no_main; certs
    snaplen_tls tls12-s300 300 -tls1_2
}
# TLS 1.2, -s 96: only the record and handshake headers and a little of each hello survive.
rec_snaplen_tls12_96() {
    no_main; certs
    snaplen_tls tls12-s96 96 -tls1_2
}
# IMAP STARTTLS against dovecot, -s 300: the IMAP lines are whole, the TLS handshake is cut.
rec_snaplen_starttls_300() {
    need_main; certs
    snaplen_start starttls-s300 300
    pyclient starttls 127.0.0.1 $IMAP_PORT --cafile "$CERTS/ca.pem" --sni mail.example.test
    snaplen_stop
}

# dovecot requiring TLS 1.3, a TLS 1.2-only client, -s 96: the server hangs up after a hello of which only its
# first 21 bytes arrived, so nothing may be concluded from what the hello offers.
rec_snaplen_version_mismatch_96() {
    no_main
    dovecot_start tls13 "ssl_min_protocol = TLSv1.3" || return 1
    snaplen_start version-mismatch-s96 96
    timeout 10 openssl s_client -tls1_2 -connect 127.0.0.1:$IMAPS_PORT -servername mail.example.test \
        </dev/null >"$WORK/snaplen-version-mismatch.out" 2>&1
    snaplen_stop
    dovecot_stop tls13
}

rec_capture_gap() {
    need_main
    local f="$C/capture-gap.pcap" full="$WORK/capture-gap-full.pcap"
    capture_start "$full" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 LOGIN alice secret" "expect:a1 " \
        "send:a2 SELECT INBOX" "expect:a2 " "send:a3 LOGOUT" waitclose:5
    capture_stop
    # remove the server's answer to a2 SELECT (the segment carrying "a2 OK")
    local frame
    frame="$(tshark -r "$full" -Y 'tcp.srcport == 10143 && tcp.payload contains "a2 OK"' -T fields -e frame.number | head -1)"
    editcap "$full" "$f" "$frame"
    log "capture-gap: removed frame $frame (server's SELECT response)"
    echo "$frame" > "$WORK/capture-gap.frame"
    summary "$f"
}

# 22. HTTP client on the IMAP port
rec_http_on_imap_port() {
    need_main
    local f="$C/http-on-imap-port.pcap"
    capture_start "$f" "$BOTH"
    curl -sS --max-time 5 "http://127.0.0.1:$IMAP_PORT/" >"$WORK/http.out" 2>&1
    capture_stop; summary "$f"
}

# 23. healthy implicit TLS over IPv6
rec_ipv6_imaps_ok() {
    need_main; certs
    local f="$C/ipv6-imaps-ok.pcap"
    capture_start "$f" "$BOTH"
    pyclient imaps ::1 $IMAPS_PORT --cafile "$CERTS/ca.pem" --sni mail.example.test
    capture_stop; summary "$f"
}

# 24. the same healthy stories in other file formats / link types
rec_imaps_ok_python_pcapng() {
    need_main; certs
    local f="$C/imaps-ok-python.pcapng"
    local err="$WORK/tshark.err"
    rm -f "$f"
    tshark -i lo -F pcapng -w "$f" -f "$BOTH" 2>"$err" &
    local tpid=$!
    register_pid "$tpid"
    local i
    for i in $(seq 50); do grep -qs "Capturing on" "$err" && break; sleep 0.1; done
    sleep 0.5
    pyclient imaps 127.0.0.1 $IMAPS_PORT --cafile "$CERTS/ca.pem" --sni mail.example.test
    CAP_FILE="$f" capture_stop "$tpid" "$err"; summary "$f"
}

# -i any: Linux cooked capture v1 (LINUX_SLL, forced with -y) and tcpdump 4.99's default v2 (LINUX_SLL2)
rec_starttls_ok_any() {
    need_main; certs
    local f="$C/starttls-ok-any.pcap"
    CAP_IF=any capture_start "$f" "$BOTH" -y LINUX_SLL
    pyclient starttls 127.0.0.1 $IMAP_PORT --cafile "$CERTS/ca.pem" --sni mail.example.test
    capture_stop; summary "$f"
}

rec_starttls_ok_any_sll2() {
    need_main; certs
    local f="$C/starttls-ok-any-sll2.pcap"
    CAP_IF=any capture_start "$f" "$BOTH"
    pyclient starttls 127.0.0.1 $IMAP_PORT --cafile "$CERTS/ca.pem" --sni mail.example.test
    capture_stop; summary "$f"
}

# ------------------------------------------------------------------ special dovecot configurations
# 11. dovecot demands TLS 1.3, client offers only TLS 1.2
rec_tls_version_mismatch_dovecot() {
    no_main
    dovecot_start tls13 "ssl_min_protocol = TLSv1.3" || return 1
    local f="$C/tls-version-mismatch-dovecot.pcap"
    capture_start "$f" "$BOTH"
    timeout 10 openssl s_client -tls1_2 -connect 127.0.0.1:$IMAPS_PORT -servername mail.example.test \
        </dev/null >"$WORK/tls-version-mismatch-dovecot.out" 2>&1
    capture_stop; summary "$f"
    dovecot_stop tls13
}

# 12b. dovecot with one TLS 1.2 cipher, client offers only another
rec_tls_no_common_cipher_dovecot() {
    no_main
    dovecot_start cipher "ssl_cipher_list = ECDHE-RSA-AES256-GCM-SHA384" || return 1
    local f="$C/tls-no-common-cipher-dovecot.pcap"
    capture_start "$f" "$BOTH"
    timeout 10 openssl s_client -tls1_2 -cipher AES128-SHA -connect 127.0.0.1:$IMAPS_PORT \
        -servername mail.example.test </dev/null >"$WORK/tls-no-common-cipher-dovecot.out" 2>&1
    capture_stop; summary "$f"
    dovecot_stop cipher
}

# 22b. dovecot without TLS: STARTTLS not advertised, and refused when sent anyway
rec_starttls_not_advertised() {
    no_main
    SSL=no NO_IMAPS=1 dovecot_start nossl || return 1
    local f="$C/starttls-not-advertised.pcap"
    capture_start "$f" "$BOTH"
    client --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 CAPABILITY" "expect:a1 " \
        "send:a2 LOGOUT" waitclose:5
    capture_stop; summary "$f"
    f="$C/starttls-refused.pcap"
    capture_start "$f" "$BOTH"
    client --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 STARTTLS" "expect:a1 " \
        "send:a2 LOGOUT" waitclose:5
    capture_stop; summary "$f"
    dovecot_stop nossl
}

# ------------------------------------------------------------------ openssl s_server stories
# 11b. server TLS 1.3 only, client TLS 1.2 only: protocol_version alert
rec_tls_version_mismatch_alert() {
    no_main; certs
    local f="$C/tls-version-mismatch-alert.pcap"
    capture_start "$f" "$BOTH"
    s_server_start -tls1_3 -cert "$CERTS/server.pem" -key "$CERTS/server.key"
    timeout 10 openssl s_client -tls1_2 -connect 127.0.0.1:$IMAPS_PORT -servername mail.example.test \
        </dev/null >"$WORK/tls-version-mismatch-alert.out" 2>&1
    s_server_stop
    capture_stop; summary "$f"
}

# 12. no common cipher: handshake_failure alert
rec_tls_no_common_cipher() {
    no_main; certs
    local f="$C/tls-no-common-cipher.pcap"
    capture_start "$f" "$BOTH"
    s_server_start -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384 -cert "$CERTS/server.pem" -key "$CERTS/server.key"
    timeout 10 openssl s_client -tls1_2 -cipher AES128-SHA -connect 127.0.0.1:$IMAPS_PORT \
        -servername mail.example.test </dev/null >"$WORK/tls-no-common-cipher.out" 2>&1
    s_server_stop
    capture_stop; summary "$f"
}

# 14. expired certificate; certificate for another name
rec_certificate_expired() {
    no_main; certs
    local f="$C/certificate-expired.pcap"
    capture_start "$f" "$BOTH"
    s_server_start -tls1_2 -cert "$CERTS/expired.pem" -key "$CERTS/expired.key"
    { sleep 1; } | timeout 10 openssl s_client -tls1_2 -connect 127.0.0.1:$IMAPS_PORT \
        -servername mail.example.test -CAfile "$CERTS/ca.pem" >"$WORK/certificate-expired.out" 2>&1
    s_server_stop
    capture_stop; summary "$f"
}

rec_certificate_name_mismatch() {
    no_main; certs
    local f="$C/certificate-name-mismatch.pcap"
    capture_start "$f" "$BOTH"
    s_server_start -tls1_2 -cert "$CERTS/other.pem" -key "$CERTS/other.key"
    { sleep 1; } | timeout 10 openssl s_client -tls1_2 -connect 127.0.0.1:$IMAPS_PORT \
        -servername mail.example.test -verify_hostname mail.example.test -CAfile "$CERTS/ca.pem" \
        >"$WORK/certificate-name-mismatch.out" 2>&1
    s_server_stop
    capture_stop; summary "$f"
}

# ------------------------------------------------------------------ python fake servers
# 15. Exchange-style greeting with base64 UTF-16 host name; LOGIN answered "Invalid state"
rec_greeting_encoded_hostname() {
    no_main
    local f="$C/greeting-encoded-hostname.pcap"
    capture_start "$f" "$BOTH"
    bg_start fakeserver exchange $IMAP_PORT --life 30
    wait_port $IMAP_PORT
    client 127.0.0.1 $IMAP_PORT "expect:]" "type:. LOGIN alice@example.test secret" "expect:Invalid state." read:1
    wait "$BG_PID"
    capture_stop; summary "$f"
}

# 16. server accepts and never greets
rec_no_greeting() {
    no_main
    local f="$C/no-greeting.pcap"
    capture_start "$f" "$BOTH"
    bg_start fakeserver silent $IMAP_PORT --life 30
    wait_port $IMAP_PORT
    client 127.0.0.1 $IMAP_PORT sleep:8
    wait "$BG_PID"
    capture_stop; summary "$f"
}

# 18. server resets mid-session
rec_reset() {
    no_main
    local f="$C/reset.pcap"
    capture_start "$f" "$BOTH"
    bg_start fakeserver reset $IMAP_PORT --life 30
    wait_port $IMAP_PORT
    client 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 LOGIN alice secret" waitclose:5
    wait "$BG_PID"
    capture_stop; summary "$f"
}

# 19b. server ends a logged-in session with "* BYE Autologout; idle for too long"
rec_server_bye_autologout() {
    no_main
    local f="$C/server-bye-autologout.pcap"
    capture_start "$f" "$BOTH"
    bg_start fakeserver bye $IMAP_PORT --life 30
    wait_port $IMAP_PORT
    client 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 LOGIN alice secret" "expect:a1 " waitclose:10
    wait "$BG_PID"
    capture_stop; summary "$f"
}

# ------------------------------------------------------------------ connection-level failures
# 17. closed port: RST,ACK
rec_connection_refused() {
    no_main
    local f="$C/connection-refused.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT
    capture_stop; summary "$f"
}

# 17b. SYN never answered: in a private network namespace, nftables drops SYNs to the IMAP port on lo
rec_no_answer() {
    local ns="mailscope-rec-$$"
    ip netns add "$ns" || { log "cannot create netns"; return 1; }
    echo "$ns" >> "$WORK/netns"
    ip netns exec "$ns" ip link set lo up
    ip netns exec "$ns" nft -f - <<EOF || { log "nft failed"; ip netns del "$ns"; return 1; }
table inet blackhole {
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport $IMAP_PORT tcp flags syn drop
  }
}
EOF
    local f="$C/no-answer.pcap"
    NSEXEC="ip netns exec $ns" capture_start "$f" "$BOTH"
    ip netns exec "$ns" "$PY" "$RECORD_DIR/imapclient.py" --timeout 3.5 127.0.0.1 $IMAP_PORT
    CAP_NO_END=1 capture_stop; summary "$f"
    ip netns del "$ns"
}

# --------------------------------------------------------------------------------------------------
# --------------------------------------------------------------------------------------------------
# Stories recorded for the diagnosis review (SASL, HelloRetryRequest, several sessions, long sessions).

# SASL PLAIN (RFC 4616) without an initial response, in cleartext from dovecot's own address: accepted
rec_sasl_plain_ok() {
    need_main
    local f="$C/sasl-plain-ok.pcap"
    capture_start "$f" "$BOTH"
    # AGFsaWNlAHNlY3JldA== = base64("\0alice\0secret")
    client 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 AUTHENTICATE PLAIN" "expect:+" \
        "send:AGFsaWNlAHNlY3JldA==" "expect:a1 " "send:a2 LOGOUT" waitclose:5
    capture_stop; summary "$f"
}

# SASL-IR: AUTHENTICATE PLAIN with the credentials on the command line, from 127.0.0.2 (not secure):
# dovecot refuses plaintext authentication before STARTTLS
rec_sasl_ir_refused() {
    need_main
    local f="$C/sasl-ir-refused.pcap"
    capture_start "$f" "$BOTH"
    client --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==" \
        "expect:a1 " "send:a2 LOGOUT" waitclose:5
    capture_stop; summary "$f"
}

# Python imaplib authenticate('PLAIN') with a wrong password (from 127.0.0.1: allowed, but the password is wrong)
rec_sasl_plain_wrong_password() {
    need_main
    local f="$C/sasl-plain-wrong-password.pcap"
    capture_start "$f" "$BOTH"
    "$PY" - 127.0.0.1 $IMAP_PORT <<'PYEOF'
import imaplib, sys
m = imaplib.IMAP4(sys.argv[1], int(sys.argv[2]))
try:
    m.authenticate("PLAIN", lambda _: b"\0alice\0wrongpass")
except imaplib.IMAP4.error as e:
    print("refused:", e, file=sys.stderr)
m.logout()
PYEOF
    capture_stop; summary "$f"
}

# TLS 1.3 HelloRetryRequest: dovecot only accepts X25519, openssl s_client offers a P-256 key share first
rec_tls13_hello_retry() {
    no_main; certs
    dovecot_start hrr "ssl_curve_list = X25519" || return 1
    local f="$C/tls13-hello-retry.pcap"
    capture_start "$f" "$BOTH"
    { sleep 1; printf 'a1 LOGIN alice secret\n'; sleep 1; printf 'a2 LOGOUT\n'; sleep 2; } |
        timeout 15 openssl s_client -connect 127.0.0.1:$IMAPS_PORT -groups P-256:X25519 -servername mail.example.test \
            -CAfile "$CERTS/ca.pem" -crlf -ign_eof >"$WORK/tls13-hello-retry.out" 2>&1
    capture_stop; summary "$f"
    dovecot_stop hrr
}

# openssl s_client -starttls imap pointed at the implicit-TLS port: it waits for a greeting, dovecot for a ClientHello
rec_starttls_to_tls_port() {
    need_main; certs
    local f="$C/starttls-to-tls-port.pcap"
    capture_start "$f" "$BOTH"
    timeout 8 openssl s_client -starttls imap -connect 127.0.0.1:$IMAPS_PORT -CAfile "$CERTS/ca.pem" \
        </dev/null >"$WORK/starttls-to-tls-port.out" 2>&1
    capture_stop; summary "$f"
}

# three clients at once: imaplib over implicit TLS (ok), a plaintext LOGIN from 127.0.0.2 (refused),
# a telnet-like client on the implicit-TLS port (mutual wait)
rec_three_sessions() {
    need_main; certs
    local f="$C/three-sessions.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAPS_PORT sleep:5 &
    local p1=$!
    client --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:ready." "send:b1 LOGIN alice secret" "sleep:1" "expect:b1 " \
        "send:b2 LOGOUT" waitclose:5 &
    local p2=$!
    sleep 0.5
    pyclient imaps 127.0.0.1 $IMAPS_PORT --cafile "$CERTS/ca.pem" --sni mail.example.test
    wait $p1 $p2
    capture_stop; summary "$f"
}

# a message for the long session and IDLE (Maildir delivery by hand: dovecot picks new files up)
deliver() {
    local D="$WORK/dovecot-main/mail/alice/Maildir" n="$1" size="$2"
    mkdir -p "$D/new" "$D/cur" "$D/tmp"
    {
        printf 'From: bob@example.test\r\nTo: alice@example.test\r\nSubject: report %s\r\n' "$n"
        printf 'Date: Thu, 26 Nov 2026 02:00:00 +0000\r\nMessage-ID: <%s@example.test>\r\n\r\n' "$n"
        "$PY" -c "import sys
n=int(sys.argv[1])
line='The quick brown fox jumps over the lazy dog, line %05d.\r\n'
sys.stdout.write(''.join(line % i for i in range(n // len(line % 0))))" "$size"
    } > "$D/tmp/$n.msg"
    chown -R 1000:1000 "$D"
    mv "$D/tmp/$n.msg" "$D/new/$(date +%s).$n.lab"
}

# a long healthy plaintext session from 127.0.0.1: 300 commands and a FETCH of a 12 KB message (a literal).
# ~900 frames are ~120 KB as pcap: it is kept gzip-compressed (mailscope reads .pcap.gz as is).
rec_long_session() {
    need_main
    deliver long1 12000
    local f="$C/long-session.pcap"
    local steps=("expect:ready." "send:a1 LOGIN alice secret" "expect:a1 " "send:a2 SELECT INBOX" "expect:a2 ")
    local i cmd
    for i in $(seq 3 300); do
        case $((i % 4)) in
            0) cmd="NOOP" ;;
            1) cmd="FETCH 1 (FLAGS UID)" ;;
            2) cmd="STATUS INBOX (MESSAGES UNSEEN)" ;;
            3) cmd="UID SEARCH ALL" ;;
        esac
        steps+=("send:a$i $cmd" "expect:a$i ")
    done
    steps+=("send:a301 FETCH 1 BODY.PEEK[]" "expect:a301 OK" "send:a302 LOGOUT" waitclose:5)
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "${steps[@]}"
    capture_stop; summary "$f"
    gzip -9 -n -f "$f"
}

# IDLE: a message arrives while idling (* 1 EXISTS), then DONE and LOGOUT
rec_idle() {
    need_main
    local f="$C/idle.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 LOGIN alice secret" "expect:a1 " "send:a2 SELECT INBOX" \
        "expect:a2 " "send:a3 IDLE" "expect:+ idling" "read:4" "send:DONE" "expect:a3 " "send:a4 LOGOUT" waitclose:5 &
    local cpid=$!
    sleep 2
    deliver idle1 300
    wait $cpid
    capture_stop; summary "$f"
}

# COMPRESS=DEFLATE (RFC 4978): dovecot with the zlib plugins; after the OK both directions are deflated
rec_compress_deflate() {
    no_main
    dovecot_start zlib "mail_plugins = \$mail_plugins zlib
protocol imap {
  mail_plugins = \$mail_plugins imap_zlib
}" || return 1
    local f="$C/compress-deflate.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 LOGIN alice secret" "expect:a1 " "send:a2 COMPRESS DEFLATE" \
        "expect:a2 " deflate "send:a3 SELECT INBOX" "expect:a3 " "send:a4 LOGOUT" waitclose:5
    capture_stop; summary "$f"
    dovecot_stop zlib
}

# a server that hangs up right after its greeting
rec_server_close_after_greeting() {
    no_main
    local f="$C/server-close-after-greeting.pcap"
    bg_start fakeserver greetclose $IMAP_PORT --life 20
    wait_port $IMAP_PORT
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "expect:ready." waitclose:5
    capture_stop; summary "$f"
}

# a client that hangs up right after the greeting (a port check, a monitoring probe)
rec_client_close_after_greeting() {
    need_main
    local f="$C/client-close-after-greeting.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "expect:ready."
    capture_stop; summary "$f"
}

# passwords that are not a plain atom: a quoted one with a space (wrong), a synchronizing literal (after the
# server's "+"), and a LITERAL+ non-synchronizing literal; two sessions from 127.0.0.1
rec_login_literal_password() {
    need_main
    local f="$C/login-literal-password.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "expect:ready." 'send:a1 LOGIN "alice" "bad secret"' "expect:a1 " \
        "send:a2 LOGIN alice {6}" "expect:+" "send:secret" "expect:a2 " "send:a3 LOGOUT" waitclose:5
    client 127.0.0.1 $IMAP_PORT "expect:ready." 'sendraw:b1 LOGIN alice {6+}\r\nsecret\r\n' "expect:b1 " \
        "send:b2 LOGOUT" waitclose:5
    capture_stop; summary "$f"
}

# AUTHENTICATE given up: the client cancels with "*" (BAD), then asks for a mechanism the server lacks (NO)
rec_authenticate_cancelled() {
    need_main
    local f="$C/authenticate-cancelled.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 AUTHENTICATE PLAIN" "expect:+" "send:*" "expect:a1 " \
        "send:a2 AUTHENTICATE CRAM-MD5" "expect:a2 " "send:a3 LOGOUT" waitclose:5
    capture_stop; summary "$f"
}

# curl in cleartext with SASL LOGIN (--login-options AUTH=LOGIN): the user name and the password each go as
# a base64 line after a "+" challenge; the password is the second one
rec_curl_auth_login() {
    need_main
    local f="$C/curl-auth-login.pcap"
    capture_start "$f" "$BOTH"
    timeout 15 curl -sS --login-options AUTH=LOGIN -u alice:secret "imap://127.0.0.1:$IMAP_PORT/" \
        >"$WORK/curl-auth-login.out" 2>&1
    capture_stop; summary "$f"
}

# the IMAP process serving alice is killed (SIGKILL) mid-session: the kernel closes its socket, no BYE; the
# client's next command meets a reset
rec_imap_process_killed() {
    need_main
    local f="$C/imap-process-killed.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 LOGIN alice secret" "expect:a1 " "send:a2 SELECT INBOX" \
        "expect:a2 " sleep:3 "send:a3 NOOP" waitclose:3 &
    local cpid=$! master pid
    sleep 1.5
    master="$(cat "$WORK/dovecot-main/run/master.pid")"
    for pid in $(pgrep -P "$master" -x imap); do
        log "killing imap process $pid"
        kill -KILL "$pid"
    done
    wait $cpid
    capture_stop; summary "$f"
}

# the server's authentication backend fails: alice is not in the passwd file (removed after start) and the
# next passdb, checkpassword with a missing program, fails temporarily -> "NO [UNAVAILABLE] Temporary
# authentication failure." (own instance)
rec_auth_unavailable() {
    no_main
    dovecot_start broken "$(printf 'passdb {\n  driver = checkpassword\n  args = /nonexistent/checkpassword\n}')" || return 1
    rm -f "$WORK/dovecot-broken/passwd"
    local f="$C/auth-unavailable.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 LOGIN alice secret" "expect:a1 " "send:a2 LOGOUT" waitclose:5
    capture_stop; summary "$f"
    dovecot_stop broken
}

# AUTHENTICATE PLAIN without an initial response from 127.0.0.2: dovecot refuses at once (no "+"), so no
# password ever crosses the network
rec_sasl_plain_refused_before_password() {
    need_main
    local f="$C/sasl-plain-refused-before-password.pcap"
    capture_start "$f" "$BOTH"
    client --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 AUTHENTICATE PLAIN" "read:1" "send:a2 LOGOUT" waitclose:5
    capture_stop; summary "$f"
}

# no shared key-exchange group: dovecot accepts only X25519, openssl s_client offers only P-256, so no
# HelloRetryRequest can help; dovecot closes without a ServerHello or an alert
rec_tls_no_common_group() {
    no_main; certs
    dovecot_start grp "ssl_curve_list = X25519" || return 1
    local f="$C/tls-no-common-group.pcap"
    capture_start "$f" "$BOTH"
    timeout 10 openssl s_client -connect 127.0.0.1:$IMAPS_PORT -groups P-256 -servername mail.example.test \
        -CAfile "$CERTS/ca.pem" </dev/null >"$WORK/tls-no-common-group.out" 2>&1
    capture_stop; summary "$f"
    grep -i "ssl\|tls" "$WORK/dovecot-grp/dovecot.log" | tail -2 >&2
    dovecot_stop grp
}

# COMPRESS DEFLATE agreed, but the client goes on in plain text (no deflate step): dovecot cannot inflate it
# ("zlib.read(<imap client>): corrupted data") and closes
rec_compress_forgotten() {
    no_main
    dovecot_start zlib "mail_plugins = \$mail_plugins zlib
protocol imap {
  mail_plugins = \$mail_plugins imap_zlib
}" || return 1
    local f="$C/compress-forgotten.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 LOGIN alice secret" "expect:a1 " "send:a2 COMPRESS DEFLATE" \
        "expect:a2 " "send:a3 SELECT INBOX" read:2 waitclose:3
    capture_stop; summary "$f"
    dovecot_stop zlib
}

# a client set to implicit TLS on the plaintext port that waits for the greeting and then starts TLS (no
# STARTTLS): dovecot answers the ClientHello with BAD lines and BYE
rec_tls_after_greeting() {
    need_main
    local f="$C/tls-after-greeting.pcap"
    capture_start "$f" "$BOTH"
    client 127.0.0.1 $IMAP_PORT "expect:ready." tls waitclose:3
    capture_stop; summary "$f"
}

# four wrong passwords in a row on one connection; dovecot answers each later (its auth failure delay grows)
rec_login_failed_four_times() {
    need_main
    local f="$C/login-failed-four-times.pcap"
    capture_start "$f" "$BOTH"
    client --timeout 20 127.0.0.1 $IMAP_PORT "expect:ready." "send:a1 LOGIN alice x1" "expect:a1 " "send:a2 LOGIN alice x2" \
        "expect:a2 " "send:a3 LOGIN alice x3" "expect:a3 " "send:a4 LOGIN alice x4" "expect:a4 " waitclose:5
    capture_stop; summary "$f"
}

ORDER=(
    implicit_tls_mutual_wait plaintext_to_tls_port login_before_starttls cleartext_credentials
    plaintext_after_starttls starttls_mutual_wait starttls_ok_python imaps_ok_python imaps_ok_tls12
    imaps_ok_curl starttls_gnutls starttls_ok_openssl tls_to_plaintext_port certificate_rejected server_bye
    hand_typed_mistakes capture_midstream snaplen_truncated capture_gap http_on_imap_port ipv6_imaps_ok
    imaps_ok_python_pcapng starttls_ok_any starttls_ok_any_sll2
    tls_version_mismatch_dovecot tls_no_common_cipher_dovecot starttls_not_advertised
    tls_version_mismatch_alert tls_no_common_cipher certificate_expired certificate_name_mismatch
    greeting_encoded_hostname no_greeting reset server_bye_autologout connection_refused no_answer
    sasl_plain_ok sasl_ir_refused sasl_plain_wrong_password tls13_hello_retry starttls_to_tls_port three_sessions
    long_session idle compress_deflate server_close_after_greeting client_close_after_greeting
    login_literal_password authenticate_cancelled curl_auth_login imap_process_killed auth_unavailable
    sasl_plain_refused_before_password tls_no_common_group compress_forgotten
    tls_after_greeting login_failed_four_times
    snaplen_tls13_200 snaplen_tls12_300 snaplen_tls12_96 snaplen_starttls_300 snaplen_version_mismatch_96
)

copy_samples() {
    local S="${SAMPLES:-$REPO_DIR/samples}"
    mkdir -p "$S"
    cp "$C/implicit-tls-mutual-wait.pcap" "$S/telnet-993-blank-screen.pcap"
    cp "$C/login-before-starttls.pcap" "$S/login-before-starttls.pcap"
    cp "$C/plaintext-after-starttls.pcap" "$S/plaintext-after-starttls.pcap"
    cp "$C/imaps-ok-python.pcap" "$S/imaps-ok.pcap"
    cp "$C/starttls-ok-python.pcap" "$S/starttls-ok.pcap"
}

# record one story, again (up to 5 times) if tcpdump lost packets
run_story() {
    local attempt
    if ! declare -F "rec_${1//-/_}" >/dev/null; then
        log "unknown story $1 (known: ${ORDER[*]} implicit_tls_mutual_wait_server_timeout)"
        exit 2
    fi
    for attempt in 1 2 3 4 5; do
        CAPTURE_INCOMPLETE=
        "rec_${1//-/_}"
        [ -z "$CAPTURE_INCOMPLETE" ] && return 0
        log "recording $1 again"
    done
}

# Everything runs from main, so bash has parsed the whole file before anything starts (editing the
# script during a run cannot derail it).
main() {
    setup_work
    trap cleanup_all EXIT
    trap 'exit 130' INT TERM
    mkdir -p "$CAPTURES"
    if [ $# -gt 0 ]; then
        for name in "$@"; do
            run_story "$name"
        done
        no_main
        exit 0
    fi

    # the 180 s story runs in the background while the others are recorded
    rec_implicit_tls_mutual_wait_server_timeout &
    TIMEOUT_JOB=$!
    register_pid "$TIMEOUT_JOB"
    sleep 1
    for name in "${ORDER[@]}"; do
        run_story "$name"
    done
    no_main
    log "waiting for the server-timeout story to finish"
    wait "$TIMEOUT_JOB"
    copy_samples
    log "done"
}

main "$@"
exit $?
