package io.mailscope.dissect.tls;

import io.mailscope.dissect.At;
import io.mailscope.dissect.Event;

import java.util.List;

/** What the TLS analyzer reports. */
public sealed interface TlsEvent extends Event {
    @Override
    default Family family() {
        return Family.TLS;
    }

    record ClientHelloSeen(At at, ClientHello hello) implements TlsEvent {}

    record ServerHelloSeen(At at, ServerHello hello) implements TlsEvent {}

    /**
     * The server's (or client's) certificate chain, leaf first. {@code cut} is null for a Certificate message that
     * arrived whole; when the capture cut it, the chain holds only the certificates that arrived whole before the cut
     * (perhaps none), and the rest of the chain is unknown.
     */
    record CertificatesSeen(At at, List<CertificateInfo> chain, Cut cut) implements TlsEvent {
        public CertificatesSeen(At at, List<CertificateInfo> chain) {
            this(at, chain, null);
        }

        /** The capture cut the message: the chain is incomplete. */
        public boolean partial() {
            return cut != null;
        }
    }

    /**
     * Another handshake message seen in the clear (ServerKeyExchange, ServerHelloDone, CertificateRequest,
     * ClientKeyExchange, NewSessionTicket...).
     */
    record HandshakeMessage(At at, int type, String name, int length) implements TlsEvent {}

    /**
     * An alert in the clear. {@code encrypted} is true when it came after ChangeCipherSpec, so level and
     * description are unknown (-1) and only its presence is known.
     */
    record Alert(At at, int level, int description, boolean encrypted) implements TlsEvent {
        public String levelName() {
            return level == 1 ? "warning" : level == 2 ? "fatal" : level < 0 ? "unknown" : "level(" + level + ")";
        }

        public String descriptionName() {
            return description < 0 ? "encrypted" : TlsNames.alert(description);
        }
    }

    /**
     * After a hole that lost the record framing, a TCP segment began with a well-formed record header, and records
     * are read again from here ({@code length}: the bytes skipped since the framing was lost, the hole included).
     * The handshake messages that were in flight stay unknown.
     */
    record FramingRegained(At at, long skipped) implements TlsEvent {}

    /** ChangeCipherSpec: records after it in this direction are encrypted. */
    record ChangeCipherSpec(At at) implements TlsEvent {}

    /** The first encrypted record in this direction (application data, or TLS 1.3 encrypted handshake). */
    record EncryptedStarted(At at, int contentType) implements TlsEvent {}

    /**
     * Records of this session were decrypted with a key log (from here on, events inside TLS carry
     * {@code At.insideTls}). {@code how}: version and cipher suite, e.g. "TLS 1.3 TLS_AES_128_GCM_SHA256".
     */
    record Decrypted(At at, String how) implements TlsEvent {}

    /**
     * A key log was given but this session (or one direction of it, from this point) could not be decrypted:
     * "no key for this session (...)", "authentication tag mismatch in server record 7 (frame 12)", a gap that lost
     * the record framing, an unsupported version or suite. At most one per session.
     */
    record DecryptionFailed(At at, String reason) implements TlsEvent {}

    /**
     * A decrypted direction ended (FIN, RST or end of capture) without having sent close_notify: the TLS session was
     * cut, not closed (an orderly TLS close sends close_notify first).
     */
    record EndedWithoutCloseNotify(At at) implements TlsEvent {}

    /**
     * The first record in this direction that can only carry application data (IMAP inside TLS): see
     * TlsAnalyzer for how TLS 1.2 and 1.3 differ. Not told for a TLS 1.3 server.
     */
    record ApplicationDataStarted(At at) implements TlsEvent {}

    /**
     * Something wrong: codes bad-record (not a TLS record header), record-too-long, handshake-too-long,
     * malformed-hello, malformed-certificate, unexpected-message, gap, truncated (the stream ended inside a
     * record or handshake message), internal-error (a bug in the analyzer, never expected).
     */
    record Problem(At at, String code, String detail) implements TlsEvent {
        /** Words of a gap's detail when the hole lost the record framing (records may be found again later). */
        public static final String FRAMING_LOST = "record framing lost";

        /** A gap that lost this direction's record framing. */
        public static boolean framingLost(Problem p) {
            return "gap".equals(p.code()) && p.detail() != null && p.detail().contains(FRAMING_LOST);
        }
    }
}
