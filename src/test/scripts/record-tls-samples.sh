#!/bin/bash
# Records the real TLS conversations under src/test/resources/tls/ (see the README there).
# Loopback only; every server started here is stopped by PID. Needs root (tcpdump), openssl, gnutls-cli, tshark.
# Run from the repository root:  bash src/test/scripts/record-tls-samples.sh
set -euo pipefail
out=src/test/resources/tls
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=44330

# Server certificate: RSA 2048, self-signed, with DNS SANs. A second, unrelated CA makes the client refuse it.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 3650 \
    -subj "/C=DE/O=Mailscope Test/CN=mail.example.test" \
    -addext "subjectAltName=DNS:mail.example.test,DNS:imap.example.test" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/other.key" \
    -out "$work/other-ca.pem" -days 3650 -subj "/CN=Unrelated CA" 2>/dev/null

# name, server options, client command (PORT replaced)
record() {
    local name=$1 server_opts=$2 client=$3
    port=$((port + 1))
    tcpdump -i lo -U -s 0 -w "$work/$name.pcap" "tcp port $port" 2>/dev/null &
    local dump=$!
    sleep 1
    openssl s_server -accept "127.0.0.1:$port" -cert "$work/cert.pem" -key "$work/key.pem" $server_opts \
        -naccept 1 -quiet >/dev/null 2>&1 &
    local srv=$!
    sleep 0.5
    (sleep 1; echo "a1 LOGOUT") | timeout 5 bash -c "${client//PORT/$port}" >/dev/null 2>&1 || true
    sleep 0.5
    kill "$srv" 2>/dev/null || true
    wait "$srv" 2>/dev/null || true
    sleep 0.5
    kill "$dump"
    wait "$dump" 2>/dev/null || true
    cp "$work/$name.pcap" "$out/$name.pcap"
    # Segments: one line per TCP payload, "C hex" (client to server) or "S hex", in capture order.
    tshark -r "$work/$name.pcap" -Y "tcp.len > 0" -T fields -e tcp.dstport -e tcp.payload 2>/dev/null \
        | awk -v p="$port" '{ print ($1 == p ? "C" : "S"), $2 }' > "$out/$name.segments"
    # What Wireshark says about the hellos, to compare with our parse.
    tshark -r "$work/$name.pcap" -Y "tls.handshake.type == 1 || tls.handshake.type == 2" -T fields \
        -E separator=/t -E occurrence=f \
        -e tls.handshake.type -e tls.handshake.extensions_server_name -e tls.handshake.version \
        -e tls.handshake.ciphersuite -e tls.handshake.ja3_full -e tls.handshake.ja3 \
        -e tls.handshake.ja3s_full -e tls.handshake.ja3s -e tls.handshake.extensions.supported_version \
        2>/dev/null > "$out/$name.tshark.tsv"
}

ca="-CAfile $work/cert.pem"
record openssl-tls13 "-tls1_3 -alpn imap" \
    "openssl s_client -connect 127.0.0.1:PORT -servername mail.example.test -alpn imap $ca -quiet"
record openssl-tls12 "-tls1_2 -alpn imap" \
    "openssl s_client -connect 127.0.0.1:PORT -servername mail.example.test -alpn imap -tls1_2 $ca -quiet"
record gnutls-tls13 "-alpn imap" \
    "gnutls-cli --port PORT --sni-hostname mail.example.test --alpn imap --x509cafile $work/cert.pem 127.0.0.1"
record openssl-version-mismatch "-tls1_3" \
    "openssl s_client -connect 127.0.0.1:PORT -servername mail.example.test -tls1_2 -quiet"
record openssl-unknown-ca-tls12 "-tls1_2" \
    "openssl s_client -connect 127.0.0.1:PORT -servername mail.example.test -tls1_2 -CAfile $work/other-ca.pem -verify_return_error -quiet"
record openssl-unknown-ca-tls13 "-tls1_3" \
    "openssl s_client -connect 127.0.0.1:PORT -servername mail.example.test -tls1_3 -CAfile $work/other-ca.pem -verify_return_error -quiet"
cp "$work/cert.pem" "$out/server-cert.pem"
echo "recorded into $out"
