package io.mailscope.tcp;

import io.mailscope.capture.TcpSegment;

/**
 * Zeek's view of a TCP connection: the per-endpoint state machine (TCP_ENDPOINT_INACTIVE ... RESET, after
 * {@code TCPSessionAdapter::UpdateStateMachine}), the {@code history} letters and {@code conn_state}
 * (after {@code base/protocols/conn/main.zeek}). Kept apart from reassembly so each can be read alone.
 *
 * <p>History letters (upper case from the originator/client, lower case from the responder/server):
 * S H A D F R I Q are recorded once per direction; T (retransmission), G (content gap) and W (zero window) are
 * recorded the first time and again at the 10th, 100th, ... occurrence, as Zeek does. As in Zeek, a packet with
 * several of SYN/FIN/RST gives I when FIN and RST are both set and Q otherwise (e.g. SYN+FIN), and a packet with
 * SYN, FIN or RST does not also record D or A. {@code ^} comes first when the originator is not the sender of
 * the first packet seen.
 */
final class ZeekTracker {
    /** Zeek's TCP endpoint states. */
    enum Ep { INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET }

    private final StringBuilder history;
    private Ep orig = Ep.INACTIVE;
    private Ep resp = Ep.INACTIVE;
    private Ep origPrev = Ep.INACTIVE;
    private Ep respPrev = Ep.INACTIVE;
    /** Once-only letters already recorded, one bit per letter, per direction. */
    private int origSeen;
    private int respSeen;
    /** T, G, W counts per direction, for the logarithmic letters. */
    private long[] counts; // made at the first retransmission, gap or zero window: most connections have none

    ZeekTracker(StringBuilder history) {
        this.history = history;
    }

    void flipped() {
        history.append('^');
    }

    Ep orig() {
        return orig;
    }

    Ep resp() {
        return resp;
    }

    /** Records the letters of one segment (before its data is reassembled). */
    void letters(boolean isOrig, int flags, int payloadLen, int window) {
        boolean syn = (flags & TcpSegment.SYN) != 0;
        boolean fin = (flags & TcpSegment.FIN) != 0;
        boolean rst = (flags & TcpSegment.RST) != 0;
        boolean ack = (flags & TcpSegment.ACK) != 0;
        int bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
        if (bits > 1) {
            once(isOrig, fin && rst ? 'I' : 'Q');
        } else if (syn) {
            once(isOrig, ack ? 'H' : 'S');
        } else if (fin) {
            once(isOrig, 'F');
        } else if (rst) {
            once(isOrig, 'R');
        } else if (payloadLen > 0) {
            once(isOrig, 'D');
        } else if (ack) {
            once(isOrig, 'A');
        }
        Ep self = isOrig ? orig : resp;
        Ep peer = isOrig ? resp : orig;
        // As Zeek: a zero window is not interesting on or after a RST, or after the peer's FIN.
        if (window == 0 && !rst && peer != Ep.CLOSED && self != Ep.RESET) {
            counted(isOrig, 'W');
        }
    }

    void retransmission(boolean isOrig) {
        counted(isOrig, 'T');
    }

    void gap(boolean isOrig) {
        counted(isOrig, 'G');
    }

    /** Advances the endpoint state machine for one segment of {@code len} payload bytes. */
    void update(boolean isOrig, int flags, int len) {
        boolean syn = (flags & TcpSegment.SYN) != 0;
        boolean fin = (flags & TcpSegment.FIN) != 0;
        boolean rst = (flags & TcpSegment.RST) != 0;
        boolean ack = (flags & TcpSegment.ACK) != 0;
        Ep self = isOrig ? orig : resp;
        Ep peer = isOrig ? resp : orig;
        switch (self) {
            case INACTIVE -> {
                if (syn) {
                    if (isOrig) {
                        set(true, ack ? Ep.SYN_ACK_SENT : Ep.SYN_SENT);
                    } else {
                        if (peer == Ep.SYN_SENT) {
                            set(true, Ep.ESTABLISHED);
                        }
                        set(false, Ep.ESTABLISHED);
                    }
                }
                if (fin) {
                    set(isOrig, Ep.CLOSED);
                }
                if (rst) {
                    set(isOrig, Ep.RESET);
                }
                if (state(isOrig) == Ep.INACTIVE) {
                    if (!isOrig && len == 0 && orig == Ep.SYN_SENT) {
                        // An ACK of the SYN before the SYN-ACK: not a partial connection.
                    } else if (ack && state(!isOrig) == Ep.ESTABLISHED) {
                        set(isOrig, Ep.ESTABLISHED); // we missed the SYN but saw the SYN-ACK
                    } else {
                        set(isOrig, Ep.PARTIAL);
                    }
                }
            }
            case SYN_SENT, SYN_ACK_SENT -> {
                if (fin) {
                    set(isOrig, Ep.CLOSED);
                }
                if (rst) {
                    set(isOrig, Ep.RESET);
                }
            }
            case ESTABLISHED, PARTIAL -> {
                if (syn && self == Ep.PARTIAL && peer == Ep.INACTIVE && !ack) {
                    set(isOrig, Ep.SYN_SENT);
                }
                if (fin && !rst) {
                    set(isOrig, Ep.CLOSED);
                    if (peer == Ep.RESET && prev(!isOrig) == Ep.CLOSED) {
                        set(!isOrig, Ep.CLOSED); // the peer's FIN then RST was a normal close
                    }
                }
                if (rst) {
                    set(isOrig, Ep.RESET);
                }
            }
            case CLOSED -> {
                if (rst && peer != Ep.CLOSED) {
                    set(isOrig, Ep.RESET);
                }
            }
            case RESET -> {
            }
        }
    }

    /** Zeek's {@code conn_state}; sizes are each side's payload bytes (delivered plus missed). */
    ConnState connState(long origSize, long respSize) {
        boolean oInactive = orig == Ep.INACTIVE || orig == Ep.PARTIAL;
        boolean rInactive = resp == Ep.INACTIVE || resp == Ep.PARTIAL;
        if (resp == Ep.RESET) {
            if (orig == Ep.SYN_SENT || orig == Ep.SYN_ACK_SENT
                    || (orig == Ep.RESET && origSize == 0 && respSize == 0)) {
                return ConnState.REJ;
            }
            return oInactive ? ConnState.RSTRH : ConnState.RSTR;
        }
        if (orig == Ep.RESET) {
            if (rInactive) {
                return synThenReset() ? ConnState.RSTOS0 : ConnState.OTH;
            }
            return ConnState.RSTO;
        }
        if (resp == Ep.CLOSED && orig == Ep.CLOSED) {
            return ConnState.SF;
        }
        if (orig == Ep.CLOSED) {
            return rInactive ? ConnState.SH : ConnState.S2;
        }
        if (resp == Ep.CLOSED) {
            return oInactive ? ConnState.SHR : ConnState.S3;
        }
        if (orig == Ep.SYN_SENT && resp == Ep.INACTIVE) {
            return ConnState.S0;
        }
        if (orig == Ep.ESTABLISHED && resp == Ep.ESTABLISHED) {
            return ConnState.S1;
        }
        return ConnState.OTH;
    }

    /** Zeek's {@code /\^?S[^HAFGIQ]*R.*}/ on the history, without a regex. */
    private boolean synThenReset() {
        int i = 0;
        int n = history.length();
        if (i < n && history.charAt(i) == '^') {
            i++;
        }
        if (i >= n || history.charAt(i) != 'S') {
            return false;
        }
        for (i++; i < n; i++) {
            char c = history.charAt(i);
            if (c == 'R') {
                return true;
            }
            if ("HAFGIQ".indexOf(c) >= 0) {
                return false;
            }
        }
        return false;
    }

    private Ep state(boolean isOrig) {
        return isOrig ? orig : resp;
    }

    private Ep prev(boolean isOrig) {
        return isOrig ? origPrev : respPrev;
    }

    private void set(boolean isOrig, Ep s) {
        if (isOrig) {
            origPrev = orig;
            orig = s;
        } else {
            respPrev = resp;
            resp = s;
        }
    }

    private void once(boolean isOrig, char upper) {
        int bit = 1 << (upper - 'A');
        if (isOrig) {
            if ((origSeen & bit) != 0) {
                return;
            }
            origSeen |= bit;
        } else {
            if ((respSeen & bit) != 0) {
                return;
            }
            respSeen |= bit;
        }
        history.append(isOrig ? upper : Character.toLowerCase(upper));
    }

    private void counted(boolean isOrig, char upper) {
        int slot = (upper == 'T' ? 0 : upper == 'G' ? 2 : 4) + (isOrig ? 0 : 1);
        if (counts == null) {
            counts = new long[6];
        }
        long n = ++counts[slot];
        if (n == 1 || isPowerOfTen(n)) {
            history.append(isOrig ? upper : Character.toLowerCase(upper));
        }
    }

    private static boolean isPowerOfTen(long n) {
        while (n >= 10 && n % 10 == 0) {
            n /= 10;
        }
        return n == 1;
    }
}
