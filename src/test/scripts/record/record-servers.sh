#!/usr/bin/env bash
# Records the seed's stories (and the server behaviours of issue 8) against four IMAP servers, one server at a
# time, into src/test/resources/captures/servers/{dovecot,cyrus,courier,imap4d}/STORY.pcap:
#
#   dovecot  2.3.19.1       Debian dovecot-imapd, installed (apt-get) and run as a private instance (lib.sh)
#   cyrus    3.6.1          Debian cyrus-imapd   } never installed: cyrus-imapd and courier-imap conflict with
#   courier  5.0.13         Debian courier-imap  } dovecot-imapd. Their .debs (and the libraries this machine
#   imap4d   3.15           Debian mailutils-imap4d } lacks) are fetched with apt-get download, unpacked with
#                           dpkg-deb -x, and run by private-root.sh in a private mount namespace whose /usr
#                           overlays the unpacked files, with private /etc, /run and /dev/log (syslog to a file).
#
# Needs root, apt-get (Debian 12 package lists), tcpdump, tshark, openssl, python3, util-linux unshare, overlayfs.
# Takes ~11 minutes (Cyrus's 180 s TLS timeout story included); dovecot's 180 s inactivity story runs in the
# background meanwhile. Each server's folder also gets a VERSION file (the package version that was recorded).
#
#   record-servers.sh                      everything, all four servers
#   record-servers.sh SERVER...            only these servers (dovecot cyrus courier imap4d)
#   STORIES="a b" record-servers.sh ...    only these stories (function names below without st_)
#   KEEP_WORK=1 record-servers.sh          keep the temp dir (server configs and logs, client transcripts)
#
# Ports as everywhere in these recordings: 10143 = IMAP (plaintext + STARTTLS), 10993 = implicit TLS; dovecot's
# 180 s inactivity story has its own instance on 11143/11993 so it can run beside the others.
# Every server is stopped at the end (EXIT trap), also when the script is interrupted.
set -u
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BOTH="tcp port $IMAP_PORT or tcp port $IMAPS_PORT"
OUT_ROOT="$CAPTURES/servers"
SERVERS_ALL=(dovecot cyrus courier imap4d)

# Packages unpacked for cyrus, courier and imap4d. Only those not installed on this machine are fetched, so the
# unpacked tree holds the three servers, their tools and the few libraries Debian 12 does not have by default.
UNPACK=(
    cyrus-imapd cyrus-common sasl2-bin libpcre3 libical3 libxapian30
    courier-imap courier-base courier-authlib courier-authdaemon courier-authlib-userdb libcourier-unicode4
    libgamin0 libidn12 libltdl7
    mailutils-imap4d libmailutils9 mailutils-common libgsasl18 libmariadb3 mariadb-common libntlm0 libgssglue1
)

# ------------------------------------------------------------------------------------------ packages
install_dovecot() {
    command -v dovecot >/dev/null && return 0
    log "installing dovecot-imapd"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dovecot-imapd >&2
}

unpack_servers() {
    PKGROOT="$WORK/pkgroot"
    [ -x "$PKGROOT/usr/sbin/imap4d" ] && return 0
    local debs="$WORK/debs" p want=()
    mkdir -p "$debs" "$PKGROOT"
    chmod 777 "$debs"    # apt-get download fetches as the unprivileged _apt user where it can
    for p in "${UNPACK[@]}"; do
        dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || want+=("$p")
    done
    log "apt-get download ${want[*]}"
    (cd "$debs" && apt-get download -q "${want[@]}" >&2) || { log "apt-get download failed"; return 1; }
    for p in "$debs"/*.deb; do
        dpkg-deb -x "$p" "$PKGROOT"
    done
    # merged /usr, as on the real system: libraries unpacked under /lib belong under /usr/lib
    if [ -d "$PKGROOT/lib" ]; then
        cp -a "$PKGROOT/lib/." "$PKGROOT/usr/lib/" && rm -rf "$PKGROOT/lib"
    fi
    ls "$debs" | sed 's/_amd64.deb\|_all.deb//' > "$WORK/unpacked.txt"
    log "unpacked $(wc -l < "$WORK/unpacked.txt") packages into $PKGROOT"
}

# ------------------------------------------------------------------------------------------ servers
# Each *_start NAME [VARIANT] starts one instance (own directory $WORK/SERVER-VARIANT) listening on 127.0.0.1
# ports $IMAP_PORT (plaintext, STARTTLS offered, TLS required for LOGIN) and $IMAPS_PORT (implicit TLS),
# user alice / password secret, the lab certificate for mail.example.test (lib.sh make_certs). VARIANT:
#   main     defaults: TLS 1.2 and 1.3
#   tls13    accepts only TLS 1.3
#   timeout  imap4d only: the shortest inactivity and TLS handshake timeouts (10 s)
# SRV_PGID is the process group to stop (namespaced servers); SRV_LOG the server's log file.

wait_ports() {
    local i
    for i in $(seq 100); do
        ss -ltn | grep -q "127.0.0.1:$IMAP_PORT " && ss -ltn | grep -q "127.0.0.1:$IMAPS_PORT " && return 0
        sleep 0.1
    done
    log "server did not open $IMAP_PORT and $IMAPS_PORT"
    return 1
}

ports_free() {
    local p
    for p in $IMAP_PORT $IMAPS_PORT; do
        if ss -ltn | grep -q ":$p "; then
            log "port $p is in use (another server running?): $(ss -ltnp | grep ":$p ")"
            return 1
        fi
    done
}

# run a server in the private namespace, in its own process group
namespaced() {
    local dir="$1"
    shift
    setsid "$RECORD_DIR/private-root.sh" "$PKGROOT" "$dir" "$dir/syslog" "$@" >"$dir/stdout.log" 2>&1 &
    SRV_PGID=$!    # also its session id
    echo "$SRV_PGID" >> "$WORK/pgids"
    SRV_LOG="$dir/syslog"
}

# every process of the session setsid gave the server (couriertcpd puts itself in a process group of its own, but
# stays in the session)
session_pids() { ps -eo pid=,sid=,stat= | awk -v s="$1" '$2 == s && $3 !~ /^Z/ { print $1 }'; }

stop_session() {
    local sid="$1" p i
    for p in $(session_pids "$sid"); do kill -TERM "$p" 2>/dev/null; done
    for i in $(seq 50); do
        [ -z "$(session_pids "$sid")" ] && return 0
        sleep 0.1
    done
    for p in $(session_pids "$sid"); do kill -KILL "$p" 2>/dev/null; done
}

stop_namespaced() {
    [ -n "${SRV_PGID:-}" ] || return 0
    stop_session "$SRV_PGID"
    SRV_PGID=
}

# ---- dovecot: lib.sh's private instance (main config: README "Common setup"), shortest timeout is fixed (180 s)
dovecot_up() {
    local variant="$1" extra=""
    case "$variant" in
        tls13) extra="ssl_min_protocol = TLSv1.3" ;;
    esac
    dovecot_start "srv-$variant" "$extra" || return 1
    SRV_LOG="$WORK/dovecot-srv-$variant/dovecot.log"
    SRV_DOWN="dovecot_stop srv-$variant"
}

# ---- Cyrus IMAP: master as root binding the ports, imapd processes as "nobody" (Cyrus refuses to run as root;
# "cyrus_user: nobody" keeps the system free of a cyrus account). sasldb2 holds alice/secret.
cyrus_up() {
    local variant="$1" D="$WORK/cyrus-$1" versions="tls1_2 tls1_3"
    [ "$variant" = tls13 ] && versions="tls1_3"
    mkdir -p "$D/lib/db" "$D/lib/socket" "$D/lib/proc" "$D/lib/lock" "$D/spool" "$D/sieve" "$D/tls"
    cp "$WORK/certs/server.pem" "$WORK/certs/server.key" "$D/tls/"
    cat > "$D/imapd.conf" <<EOF
configdirectory: $D/lib
proc_path: $D/lib/proc
mboxname_lockpath: $D/lib/lock
idlesocket: $D/lib/socket/idle
notifysocket: $D/lib/socket/notify
lmtpsocket: $D/lib/socket/lmtp
defaultpartition: default
partition-default: $D/spool
sievedir: $D/sieve
servername: mail.example.test
cyrus_user: nobody
admins: cyrus
autocreate_quota: 0
allowplaintext: no
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $D/sasldb2
sasl_mech_list: PLAIN LOGIN
tls_server_cert: $D/tls/server.pem
tls_server_key: $D/tls/server.key
tls_versions: $versions
EOF
    cat > "$D/cyrus.conf" <<EOF
START {
  recover cmd="/usr/lib/cyrus/bin/ctl_cyrusdb -C $D/imapd.conf -r"
}
SERVICES {
  imap  cmd="/usr/lib/cyrus/bin/imapd -C $D/imapd.conf" listen="127.0.0.1:$IMAP_PORT" prefork=0
  imaps cmd="/usr/lib/cyrus/bin/imapd -s -C $D/imapd.conf" listen="127.0.0.1:$IMAPS_PORT" prefork=0
}
EVENTS {
}
EOF
    echo secret | LD_LIBRARY_PATH="$PKGROOT/usr/lib/x86_64-linux-gnu" "$PKGROOT/usr/sbin/saslpasswd2" -p -c \
        -f "$D/sasldb2" -u mail.example.test alice || return 1
    chown -R nobody:nogroup "$D/lib" "$D/spool" "$D/sieve" "$D/tls" "$D/sasldb2"
    namespaced "$D" /usr/lib/cyrus/bin/master -C "$D/imapd.conf" -M "$D/cyrus.conf" -p "$D/master.pid"
    SRV_DOWN=stop_namespaced
    wait_ports
}

# ---- Courier-IMAP: couriertcpd on each port running imaplogin + imapd (the 10993 one behind couriertls -server,
# as Debian's imapd-ssl does); authdaemond with authuserdb. Courier's paths are compiled in (/etc/courier,
# /run/courier/authdaemon): private-root.sh gives it private copies. The "courier" user that couriertls drops to
# exists only in the namespace's /etc/passwd.
courier_up() {
    # this build of couriertls uses GnuTLS: TLS_PRIORITY is what limits the versions (TLS_PROTOCOL is ignored)
    local variant="$1" D="$WORK/courier-$1" priority="NORMAL"
    [ "$variant" = tls13 ] && priority="NORMAL:-VERS-ALL:+VERS-TLS1.3"
    mkdir -p "$D/etc/courier" "$D/home/alice/Maildir/cur" "$D/home/alice/Maildir/new" "$D/home/alice/Maildir/tmp" "$D/tls"
    cat > "$D/etc/courier/authdaemonrc" <<EOF
authmodulelist="authuserdb"
daemons=2
authdaemonvar=/run/courier/authdaemon
DEBUG_LOGIN=0
DEFAULTOPTIONS=""
LOGGEROPTS=""
EOF
    printf 'alice\tuid=1000|gid=1000|home=%s|mail=%s/Maildir|systempw=%s\n' "$D/home/alice" "$D/home/alice" \
        "$(openssl passwd -6 secret)" > "$D/etc/courier/userdb"
    chmod 600 "$D/etc/courier/userdb"
    chown -R 1000:1000 "$D/home"
    cat "$WORK/certs/server.key" "$WORK/certs/server.pem" > "$D/tls/server.pem"
    chown 64011:64011 "$D/tls/server.pem"
    chmod 600 "$D/tls/server.pem"
    # the settings of Debian's /etc/courier/imapd and imapd-ssl that matter here, plus TLS required on 10143
    cat > "$D/imapd.env" <<EOF
IMAP_CAPABILITY="IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE"
IMAP_CAPABILITY_TLS="IMAP4rev1 UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT THREAD=REFERENCES SORT QUOTA IDLE AUTH=PLAIN"
IMAP_KEYWORDS=1
IMAP_ACL=1
IMAP_IDLE_TIMEOUT=60
IMAP_UMASK=022
COURIERTLS=/usr/bin/couriertls
TLS_CERTFILE=$D/tls/server.pem
TLS_VERIFYPEER=NONE
TLS_PRIORITY="$priority"
EOF
    cat > "$D/start.sh" <<EOF
#!/bin/sh
# runs inside private-root.sh
set -e
grep -q '^courier:' /etc/passwd || echo 'courier:x:64011:64011:Courier (private namespace):/nonexistent:/usr/sbin/nologin' >> /etc/passwd
grep -q '^courier:' /etc/group || echo 'courier:x:64011:' >> /etc/group
/usr/sbin/makeuserdb
mkdir -p /run/courier/authdaemon
/usr/lib/courier/courier-authlib/authdaemond &
set -a
. "$D/imapd.env"
set +a
# 10143: plaintext, STARTTLS offered and required before LOGIN (LOGINDISABLED)
IMAP_STARTTLS=YES IMAP_TLS_REQUIRED=1 /usr/sbin/couriertcpd -address=127.0.0.1 -nodnslookup -noidentlookup \\
    $IMAP_PORT /usr/lib/courier/courier/imaplogin /usr/bin/imapd Maildir &
# 10993: implicit TLS (Debian's imapd-ssl: IMAP_TLS=1, no STARTTLS)
IMAP_TLS=1 IMAP_STARTTLS=NO IMAP_TLS_REQUIRED=0 /usr/sbin/couriertcpd -address=127.0.0.1 -nodnslookup \\
    -noidentlookup $IMAPS_PORT /usr/bin/couriertls -server -tcpd /usr/lib/courier/courier/imaplogin /usr/bin/imapd Maildir &
wait
EOF
    chmod +x "$D/start.sh"
    namespaced "$D" "$D/start.sh"
    SRV_LOG="$D/stdout.log"
    SRV_DOWN=stop_namespaced
    wait_ports
}

# ---- GNU Mailutils imap4d: one daemon, two server blocks: 10143 "tls-mode required" (STARTTLS offered, LOGIN
# refused until TLS: the XTLSREQUIRED story), 10993 "tls-mode connection" (implicit TLS). Users come from a
# virtual-domain passwd file, so the login name is alice@example.test.
imap4d_up() {
    local variant="$1" D="$WORK/imap4d-$1" prio="" timeout=""
    [ "$variant" = tls13 ] && prio='ssl-priorities "NORMAL:-VERS-ALL:+VERS-TLS1.3";'
    [ "$variant" = timeout ] && timeout="timeout 10;" && prio="$prio handshake-timeout 10;"
    mkdir -p "$D/virt" "$D/mail/alice" "$D/tls"
    echo "alice:$(openssl passwd -6 secret):1000:1000::$D/mail/alice:/bin/sh" > "$D/virt/example.test"
    chown -R 1000:1000 "$D/mail"
    cp "$WORK/certs/server.pem" "$WORK/certs/server.key" "$D/tls/"
    cat > "$D/imap4d.conf" <<EOF
logging { syslog no; };
auth { authentication generic; authorization virtdomain; };
virtdomain { passwd-dir $D/virt; };
tls-file-checks { key-file none; cert-file none; ca-file none; };
tls { ssl-certificate-file $D/tls/server.pem; ssl-key-file $D/tls/server.key; $prio };
mailbox { mailbox-pattern "maildir://$D/mail/\${user}"; };
pidfile $D/imap4d.pid;
mode daemon;
foreground yes;
$timeout
server 127.0.0.1:$IMAP_PORT { tls-mode required; };
server 127.0.0.1:$IMAPS_PORT { tls-mode connection; };
EOF
    namespaced "$D" /usr/sbin/imap4d --config-file="$D/imap4d.conf"
    SRV_LOG="$D/stdout.log"
    SRV_DOWN=stop_namespaced
    wait_ports
}

server_up() {
    local variant="${1:-main}"
    ports_free || return 1
    "${SRV}_up" "$variant" || { log "$SRV $variant failed to start"; return 1; }
    log "$SRV ($variant) up"
}

server_down() {
    [ -n "${SRV_DOWN:-}" ] || return 0
    $SRV_DOWN
    SRV_DOWN=
    local i
    for i in $(seq 50); do
        ss -ltn | grep -qE "127.0.0.1:($IMAP_PORT|$IMAPS_PORT) " || break
        sleep 0.1
    done
    log "$SRV stopped"
}

# ------------------------------------------------------------------------------------------ stories
# Each st_NAME records $OUT/NAME.pcap against the running server $SRV. $U is the login name.

out() { echo "$OUT/$1.pcap"; }

# remember what the server said in its log during a story (for the README's "server's words")
log_mark() { LOG_AT=$(wc -c < "$SRV_LOG" 2>/dev/null || echo 0); }
log_since() {
    [ -f "$SRV_LOG" ] || return 0
    tail -c +"$((LOG_AT + 1))" "$SRV_LOG" > "$WORK/logs/$SRV-$1.log"
}

story() {   # story NAME FILTER COMMAND...
    local name="$1" filter="$2"
    shift 2
    local f
    f="$(out "$name")"
    log_mark
    capture_start "$f" "$filter"
    "$@" > "$WORK/logs/$SRV-$name.client" 2>&1
    capture_stop
    log_since "$name"
    summary "$f"
}

# telnet to the TLS port and wait: nobody speaks
st_implicit_tls_silent() { story implicit-tls-silent "$BOTH" client 127.0.0.1 $IMAPS_PORT sleep:8; }

# ". LOGIN alice secret" typed into the TLS port
st_plaintext_to_tls_port() {
    story plaintext-to-tls-port "$BOTH" client 127.0.0.1 $IMAPS_PORT "type:. LOGIN $U secret" waitclose:5
}

# LOGIN before STARTTLS (from 127.0.0.2: dovecot trusts its own address)
st_login_before_starttls() {
    story login-before-starttls "$BOTH" client --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:OK" \
        "send:. LOGIN $U secret" read:2 "send:. LOGOUT" waitclose:5
}

# the same as a mail client does it: CAPABILITY first (imap4d answers STARTTLS XTLSREQUIRED, no LOGINDISABLED)
st_capability_then_login() {
    story capability-then-login "$BOTH" client --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:OK" \
        "send:a1 CAPABILITY" "expect:a1 " "send:a2 LOGIN $U secret" read:2 "send:a3 LOGOUT" waitclose:5
}

# STARTTLS accepted, then the user types a LOGIN in plaintext
st_plaintext_after_starttls() {
    story plaintext-after-starttls "$BOTH" client --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:OK" \
        "send:a1 STARTTLS" "expect:a1 " sleep:1 "type:a2 LOGIN $U secret" read:2 waitclose:5
}

# STARTTLS accepted, then silence
st_starttls_silent() {
    story starttls-silent "$BOTH" client --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:OK" "send:a1 STARTTLS" \
        "expect:a1 " sleep:8
}

# a client reads LOGINDISABLED (or XTLSREQUIRED) in the capabilities and gives up: LOGOUT, or a bare FIN
st_gave_up_logout() {
    story gave-up-logout "$BOTH" client --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:OK" "send:a1 CAPABILITY" \
        "expect:a1 " "send:a2 LOGOUT" waitclose:5
}
st_gave_up_fin() {
    story gave-up-fin "$BOTH" client --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:OK" "send:a1 CAPABILITY" \
        "expect:a1 " read:0.5
}

# the client completes the TLS handshake and hangs up at once: no alert, no IMAP data (a client that checks
# the certificate after the handshake and just closes). Python's ssl honours SSLKEYLOGFILE.
st_tls_hangup() {
    rm -f "$OUT/tls-hangup.keylog"
    SSLKEYLOGFILE="$OUT/tls-hangup.keylog" story tls-hangup "$BOTH" client 127.0.0.1 $IMAPS_PORT tls
}

# healthy clients, with key logs
st_imaps_ok_python() {
    rm -f "$OUT/imaps-ok-python.keylog"
    story imaps-ok-python "$BOTH" pyclient imaps 127.0.0.1 $IMAPS_PORT --cafile "$WORK/certs/ca.pem" \
        --sni mail.example.test --user "$U" --keylog "$OUT/imaps-ok-python.keylog"
}
st_starttls_ok_python() {
    rm -f "$OUT/starttls-ok-python.keylog"
    story starttls-ok-python "$BOTH" pyclient starttls 127.0.0.1 $IMAP_PORT --cafile "$WORK/certs/ca.pem" \
        --sni mail.example.test --user "$U" --keylog "$OUT/starttls-ok-python.keylog"
}
openssl_session() {   # openssl_session KEYLOG s_client-args...
    local keylog="$1"
    shift
    { sleep 1; printf 'a1 LOGIN %s secret\n' "$U"; sleep 1; printf 'a2 LOGOUT\n'; sleep 2; } |
        timeout 15 openssl s_client "$@" -servername mail.example.test -CAfile "$WORK/certs/ca.pem" -crlf -ign_eof \
            -keylogfile "$keylog"
}
st_imaps_ok_openssl() {
    rm -f "$OUT/imaps-ok-openssl.keylog"
    story imaps-ok-openssl "$BOTH" openssl_session "$OUT/imaps-ok-openssl.keylog" -connect 127.0.0.1:$IMAPS_PORT
}
st_starttls_ok_openssl() {
    rm -f "$OUT/starttls-ok-openssl.keylog"
    story starttls-ok-openssl "$BOTH" openssl_session "$OUT/starttls-ok-openssl.keylog" -starttls imap \
        -connect 127.0.0.1:$IMAP_PORT
}

# the client does not trust the server's CA
cert_rejected() {
    timeout 10 openssl s_client "-tls1_$1" -connect 127.0.0.1:$IMAPS_PORT -servername mail.example.test \
        -verify_return_error -CAfile "$WORK/certs/other-ca.pem" </dev/null
}
st_certificate_rejected_tls12() { story certificate-rejected-tls12 "$BOTH" cert_rejected 2; }
st_certificate_rejected_tls13() { story certificate-rejected-tls13 "$BOTH" cert_rejected 3; }

# needs the tls13 variant: the server accepts only TLS 1.3, the client offers only TLS 1.2
st_tls_version_mismatch() {
    story tls-version-mismatch "$BOTH" sh -c "timeout 10 openssl s_client -tls1_2 -connect 127.0.0.1:$IMAPS_PORT \
        -servername mail.example.test </dev/null"
}

# STARTTLS accepted, then the TLS handshake fails: the client rejects the certificate (main variant), or offers
# only TLS 1.2 to a server that accepts only TLS 1.3 (tls13 variant). Courier and Cyrus go back to plaintext.
st_starttls_certificate_rejected() {
    story starttls-certificate-rejected "$BOTH" sh -c "timeout 10 openssl s_client -starttls imap \
        -connect 127.0.0.1:$IMAP_PORT -servername mail.example.test -verify_return_error \
        -CAfile $WORK/certs/other-ca.pem </dev/null"
}
st_starttls_version_mismatch() {
    story starttls-version-mismatch "$BOTH" sh -c "timeout 10 openssl s_client -starttls imap -tls1_2 \
        -connect 127.0.0.1:$IMAP_PORT -servername mail.example.test </dev/null"
}

# telnet to the TLS port and wait until the server gives up (dovecot's 180 s is ../implicit-tls-mutual-wait-server-timeout.pcap)
st_implicit_tls_timeout() {
    story implicit-tls-timeout "$BOTH" client --timeout 200 127.0.0.1 $IMAPS_PORT waitclose:200
}

# needs the timeout variant: the client says nothing after the greeting until the server gives up
st_idle_timeout() {
    story idle-timeout "$BOTH" client --timeout 200 --bind 127.0.0.2 127.0.0.1 $IMAP_PORT "expect:OK" waitclose:200
}

MAIN_STORIES=(implicit_tls_silent plaintext_to_tls_port login_before_starttls capability_then_login plaintext_after_starttls
    starttls_silent gave_up_logout gave_up_fin tls_hangup imaps_ok_python starttls_ok_python imaps_ok_openssl
    starttls_ok_openssl certificate_rejected_tls12 certificate_rejected_tls13 starttls_certificate_rejected)

wanted() { [ -z "${STORIES:-}" ] || [[ " $STORIES " == *" $1 "* ]]; }

run() {   # run STORY: record (again, up to 5 times, if tcpdump lost packets)
    wanted "$1" || return 0
    local attempt
    for attempt in 1 2 3 4 5; do
        CAPTURE_INCOMPLETE=
        "st_$1"
        [ -z "$CAPTURE_INCOMPLETE" ] && return 0
        log "recording $SRV $1 again"
    done
}

# dovecot's pre-login inactivity timeout is fixed at 180 s: its own instance on 11143/11993, in the background
dovecot_idle_timeout_background() {
    (
        IMAP_PORT=11143 IMAPS_PORT=11993
        dovecot_start srv-idle || exit 1
        f="$OUT_ROOT/dovecot/idle-timeout.pcap"
        capture_start "$f" "tcp port 11143"
        client --timeout 240 --bind 127.0.0.2 127.0.0.1 11143 "expect:OK" waitclose:240 2>"$WORK/logs/dovecot-idle-timeout.client"
        capture_stop
        summary "$f"
        dovecot_stop srv-idle
    ) &
    IDLE_JOB=$!
}

record_server() {
    SRV="$1"
    OUT="$OUT_ROOT/$SRV"
    U=alice
    [ "$SRV" = imap4d ] && U=alice@example.test
    mkdir -p "$OUT"
    log "=== $SRV"
    server_up main || return 1
    version_of "$SRV" > "$OUT/VERSION"
    local s
    for s in "${MAIN_STORIES[@]}"; do
        run "$s"
    done
    server_down
    if wanted tls_version_mismatch || wanted starttls_version_mismatch; then
        server_up tls13 || return 1
        run tls_version_mismatch
        run starttls_version_mismatch
        server_down
    fi
    if wanted idle_timeout || wanted implicit_tls_timeout; then
        case "$SRV" in
            dovecot) ;;    # idle-timeout recorded in the background: its pre-login timeout is fixed at 180 s
            # imaplogin's fixed 60 s; couriertls waited more than 200 s on a silent TLS port: no implicit_tls_timeout
            courier) server_up main && run idle_timeout; server_down ;;
            # "timeout 10;" and "handshake-timeout 10;"
            imap4d) server_up timeout && run idle_timeout && run implicit_tls_timeout; server_down ;;
            cyrus)
                log "cyrus: its inactivity timeout is 30 minutes at least; idle-timeout not recorded"
                server_up main && run implicit_tls_timeout; server_down ;;    # its TLS negotiation gives up at 180 s
        esac
    fi
}

version_of() {
    case "$1" in
        dovecot) echo "dovecot $(dovecot --version) (Debian $(dpkg-query -W -f '${Version}' dovecot-imapd))" ;;
        cyrus) echo "Cyrus IMAP (Debian cyrus-imapd $(grep '^cyrus-imapd_' "$WORK/unpacked.txt" | cut -d_ -f2))" ;;
        courier) echo "Courier-IMAP (Debian courier-imap $(grep '^courier-imap_' "$WORK/unpacked.txt" | cut -d_ -f2))" ;;
        imap4d) echo "GNU Mailutils imap4d (Debian mailutils-imap4d $(grep '^mailutils-imap4d_' "$WORK/unpacked.txt" | cut -d_ -f2 | sed 's/%3a/:/'))" ;;
    esac
}

cleanup_servers() {
    local g
    for g in $(cat "$WORK/pgids" 2>/dev/null); do
        stop_session "$g"
    done
    [ -n "${IDLE_JOB:-}" ] && kill "$IDLE_JOB" 2>/dev/null
    cleanup_all
}

main() {
    setup_work
    trap cleanup_servers EXIT
    trap 'exit 130' INT TERM
    mkdir -p "$WORK/logs"
    local servers=("$@")
    [ ${#servers[@]} -gt 0 ] || servers=("${SERVERS_ALL[@]}")
    install_dovecot || exit 1
    make_certs || exit 1
    unpack_servers || exit 1
    if [[ " ${servers[*]} " == *" dovecot "* ]] && wanted idle_timeout; then
        mkdir -p "$OUT_ROOT/dovecot"
        OUT="$OUT_ROOT/dovecot" dovecot_idle_timeout_background
    fi
    local s
    for s in "${servers[@]}"; do
        record_server "$s"
        server_down
    done
    if [ -n "${IDLE_JOB:-}" ]; then
        log "waiting for dovecot's 180 s inactivity story"
        wait "$IDLE_JOB"
        IDLE_JOB=
    fi
    if [ -n "${KEEP_WORK:-}" ]; then
        log "server logs and client transcripts: $WORK/logs"
    fi
    log "done"
}

main "$@"
exit $?
