package io.mailscope.dissect;

import io.mailscope.dissect.tls.TlsNames;

/**
 * Watches a direction that was handed to TLS after STARTTLS for the moment it falls back to plaintext.
 *
 * <p>Courier and Cyrus do this when the client types plaintext where the ClientHello was due: their TLS layer
 * sends an alert (Courier a close_notify), gives up, and the server carries on in plaintext IMAP
 * ({@code a1 NO STARTTLS failed ...}). Read as TLS, those lines are garbage records; read as IMAP, they are the
 * server's own explanation. So for the first records this follows the record framing (headers only,
 * bodies are skipped by counting) and reports the offset of the first byte, at a record boundary, that starts a
 * line of text instead of a record.
 */
final class FallbackWatch {
    /**
     * Past this many TLS bytes the session is under way: a fallback after that is not this story. Large enough for
     * a server's whole handshake flight with its certificate chain (Courier and Cyrus fall back after a handshake
     * the client aborted: "NO STARTTLS failed ... Decryption has failed", "NO Starttls negotiation failed").
     */
    private static final int WATCH_LIMIT = 64 * 1024;

    private final byte[] header = new byte[5];
    private int headerLen;
    private int bodyLeft;
    private int seen;
    private int firstType = -1;
    private int alertLevel = -1;
    private int alertDescription = -1;
    private boolean done;

    boolean watching() {
        return !done;
    }

    /**
     * Follows the records in {@code data[off, off+len)}. Returns the index where plaintext begins, or -1 when these
     * bytes are (still) TLS records, or after watching ended.
     */
    int scan(byte[] data, int off, int len) {
        int i = off;
        int end = off + len;
        while (!done && i < end) {
            if (bodyLeft > 0) {
                int take = Math.min(bodyLeft, end - i);
                if (firstType == 21 && alertDescription < 0) {
                    for (int k = i; k < i + take && alertDescription < 0; k++) {
                        if (alertLevel < 0) {
                            alertLevel = data[k] & 0xff;
                        } else {
                            alertDescription = data[k] & 0xff;
                        }
                    }
                }
                bodyLeft -= take;
                i += take;
                seen += take;
                continue;
            }
            if (headerLen == 0) {
                int b = data[i] & 0xff;
                if (b < 20 || b > 23) {
                    if (firstType >= 0 && ProtocolSniffer.isText(data[i])) {
                        done = true;
                        return i;
                    }
                    done = true; // not TLS and not text: the TLS analyzer reports it as it is
                    return -1;
                }
            }
            header[headerLen++] = data[i++];
            seen++;
            if (headerLen == 5) {
                if (firstType < 0) {
                    firstType = header[0] & 0xff;
                }
                bodyLeft = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                headerLen = 0;
            }
            if (seen > WATCH_LIMIT) {
                done = true;
            }
        }
        return -1;
    }

    /**
     * {@code length} bytes of this direction are missing (a hole, a snaplen cut). Inside a record's body the
     * framing holds and watching goes on; otherwise where records begin is unknown, and so is where plaintext
     * would: watching ends (a ciphertext byte must never be taken for the first byte of a plaintext line).
     */
    void gap(long length) {
        if (length <= bodyLeft) {
            bodyLeft -= (int) length;
            seen += (int) length;
        } else {
            done = true;
        }
    }

    /** What the TLS layer sent before it gave up, e.g. "a TLS warning close_notify alert". */
    String before() {
        if (firstType == 21 && alertDescription >= 0) {
            return "a TLS " + (alertLevel == 1 ? "warning " : alertLevel == 2 ? "fatal " : "") + TlsNames.alert(alertDescription) + " alert";
        }
        return seen + " bytes of TLS records";
    }
}
