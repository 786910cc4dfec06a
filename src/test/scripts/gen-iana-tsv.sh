#!/bin/sh
# Regenerates src/main/resources/io/mailscope/dissect/tls/iana-*.tsv from Wireshark's value strings
# (`tshark -G values`), which carry the IANA TLS registry names. Run from the repository root:
#     sh src/test/scripts/gen-iana-tsv.sh
# Generated with TShark 4.0.17 (Debian 12). A few code points newer than Wireshark 4.0 are appended
# from the IANA registries by hand (see EXTRA below), so the files are deterministic and reviewable.
# Alert and handshake names are turned into the IANA spelling ("Unknown CA" -> "unknown_ca").
set -eu
out=src/main/resources/io/mailscope/dissect/tls
tmp=$(mktemp)
tshark -G values 2>/dev/null > "$tmp"

# field, file, snake: keep the last value-string block registered for the field (a value seen twice
# starts a new block: tls.handshake.type is first registered with the SSLv2 message types).
dump() {
    awk -F'\t' -v field="$1" -v snake="$3" '
        function num(s,   i, v) {   # decimal or 0x-hex (mawk has no strtonum)
            if (s !~ /^0x/) return s + 0
            v = 0; s = tolower(substr(s, 3))
            for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
            return v
        }
        BEGIN { n = 0 }
        $1 == "V" && $2 == field {
            v = num($3)
            k = sprintf("%d", v)
            if (k in seen) { split("", seen); n = 0 }
            seen[k] = 1; name = $4
            if (snake) { name = tolower(name); gsub(/ /, "_", name) }
            vals[n] = v; names[n] = name; n++
        }
        END { for (i = 0; i < n; i++) if (sprintf("%d", vals[i]) in seen) printf "0x%04x\t%s\n", vals[i], names[i] }
    ' "$tmp" | sort -u -k1,1 > "$out/$2"
}

dump tls.handshake.ciphersuite iana-cipher-suites.tsv 0
dump tls.handshake.extension.type iana-extensions.tsv 0
dump tls.handshake.extensions_supported_group iana-groups.tsv 0
dump tls.handshake.sig_hash_alg iana-signature-schemes.tsv 0
dump tls.alert_message.desc iana-alerts.tsv 1
dump tls.handshake.type iana-handshake-types.tsv 1
dump tls.handshake.version iana-versions.tsv 0

# EXTRA: IANA code points newer than Wireshark 4.0's tables.
printf '0xfe0d\tencrypted_client_hello\n0x0039\tquic_transport_parameters\n0x001b\tcompress_certificate\n' >> "$out/iana-extensions.tsv"
printf '0x11eb\tSecP256r1MLKEM768\n0x11ec\tX25519MLKEM768\n0x11ed\tSecP384r1MLKEM1024\n0x6399\tX25519Kyber768Draft00\n' >> "$out/iana-groups.tsv"
printf '0x00fe\tmessage_hash\n' >> "$out/iana-handshake-types.tsv"
for f in "$out"/iana-*.tsv; do sort -u -k1,1 "$f" -o "$f"; done
rm -f "$tmp"
