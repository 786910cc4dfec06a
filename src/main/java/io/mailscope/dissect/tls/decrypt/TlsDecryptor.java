package io.mailscope.dissect.tls.decrypt;

import io.mailscope.dissect.At;
import io.mailscope.dissect.tls.ClientHello;
import io.mailscope.dissect.tls.ServerHello;
import io.mailscope.dissect.tls.TlsNames;
import io.mailscope.tcp.Direction;

import java.util.ArrayDeque;
import java.util.HexFormat;

/**
 * Decrypts the records of one TLS connection with the secrets of a {@link KeyLog}. The TLS analyzer tells it the
 * hellos and hands it each whole encrypted record; it hands back plaintext by content type, and says once per
 * session that decryption works ({@link Output#decrypted}) or why it does not ({@link Output#failed}).
 *
 * <p>Keys are looked up at the first encrypted record, not at the ServerHello: a client writes its key log line
 * while it connects, and in {@code live} the packets can be read before the line is. Until the key is there the
 * records wait, copied, up to {@value #MAX_PENDING} bytes per direction; the key log is re-read at each new record.
 *
 * <p>Per direction: TLS 1.2 switches on at ChangeCipherSpec; TLS 1.3 starts with the handshake traffic secret and
 * moves to the application secret after the direction's Finished ({@link #finished}), then to the next one at each
 * KeyUpdate ({@link #keyUpdate}). A record that does not decrypt stops that direction (its sequence is lost) with
 * the cause and record number; a hole inside a record loses only that record.
 */
public final class TlsDecryptor {
    /** Ciphertext kept per direction while waiting for its key. */
    static final int MAX_PENDING = 256 * 1024;

    /** Where the plaintext goes. */
    public interface Output {
        /** One record's plaintext: {@code contentType} 21 alert, 22 handshake, 23 application data. */
        void plaintext(Direction direction, int contentType, byte[] buf, int off, int len, At at);

        /** The first record of the session decrypted; {@code how} names version, suite and key source. */
        void decrypted(At at, String how);

        /** Decryption of a direction stopped (or never started): the reason, naming the record. */
        void failed(At at, String reason);
    }

    private enum State { WAITING, ACTIVE, FAILED }

    private final class Side {
        final Direction direction;
        State state = State.WAITING;
        RecordCipher cipher;
        long seq;
        /** Encrypted records seen in this direction, 1-based in messages. */
        long records;
        byte[] trafficSecret; // TLS 1.3: the current application secret, for KeyUpdate
        boolean application; // TLS 1.3: past this direction's Finished
        boolean tls12Switched; // TLS 1.2: ChangeCipherSpec seen
        final ArrayDeque<Pending> pending = new ArrayDeque<>();
        int pendingBytes;

        Side(Direction direction) {
            this.direction = direction;
        }

        String name() {
            return direction.sender();
        }
    }

    private record Pending(int type, int version, byte[] body, At at) {}

    private final KeyLog keys;
    private final Output output;
    private final Side client = new Side(Direction.CLIENT_TO_SERVER);
    private final Side server = new Side(Direction.SERVER_TO_CLIENT);
    private byte[] clientRandom;
    private byte[] serverRandom;
    private int version = -1;
    private int suiteId = -1;
    private boolean encryptThenMac;
    private boolean clientOfferedEtm;
    private CipherSuiteSpec suite;
    private TlsSecrets secrets;
    private boolean announced;
    private boolean failedOnce;

    public TlsDecryptor(KeyLog keys, Output output) {
        this.keys = keys;
        this.output = output;
    }

    private Side side(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? client : server;
    }

    public void clientHello(ClientHello hello) {
        if (clientRandom == null) {
            clientRandom = hello.random();
        }
        clientOfferedEtm = hello.encryptThenMac();
    }

    public void serverHello(ServerHello hello) {
        if (hello.helloRetryRequest()) {
            return;
        }
        serverRandom = hello.random();
        version = hello.selectedVersion();
        suiteId = hello.cipherSuite();
        encryptThenMac = clientOfferedEtm && hello.extensions().contains(22);
    }

    /** TLS 1.2: records of this direction are encrypted from here on, sequence numbers from 0. */
    public void changeCipherSpec(Direction d) {
        if (version != 0x0304) {
            Side s = side(d);
            s.tls12Switched = true;
            s.seq = 0;
            if (s.state == State.ACTIVE) {
                // renegotiation: the new keys are for a handshake we could follow, but keep it simple and honest
                fail(s, null, "renegotiated keys (a second ChangeCipherSpec) are not followed");
            }
        }
    }

    /** Whether records of this direction should be handed over: false once it failed. */
    public boolean wants(Direction d) {
        return side(d).state != State.FAILED;
    }

    /** Records of this direction are being decrypted (its key was found and nothing failed). */
    public boolean decrypting(Direction d) {
        return side(d).state == State.ACTIVE;
    }

    /** One whole encrypted record (header type and version, body). The body array is only valid during the call. */
    public void record(Direction d, int type, int recordVersion, byte[] body, int len, At at) {
        Side s = side(d);
        s.records++;
        switch (s.state) {
            case FAILED -> { }
            case ACTIVE -> open(s, type, recordVersion, body, len, at);
            case WAITING -> {
                if (keysReady(s, at)) {
                    replay(s, 1);
                    if (s.state == State.ACTIVE) {
                        open(s, type, recordVersion, body, len, at);
                    }
                } else if (s.state == State.WAITING) {
                    hold(s, type, recordVersion, body, len, at);
                }
            }
        }
    }

    /**
     * TLS 1.3: this direction sent its Finished; its next record uses the first application secret. A client that
     * aborts during the handshake never logs that secret: the direction then fails only if a record follows.
     */
    public void finished(Direction d) {
        Side s = side(d);
        if (version == 0x0304 && s.state == State.ACTIVE && !s.application) {
            s.application = true;
            s.seq = 0;
            s.cipher = null;
            applicationCipher(s);
        }
    }

    /** Sets the first application cipher of a TLS 1.3 direction; false while its secret is not in the key log. */
    private boolean applicationCipher(Side s) {
        boolean fromClient = s.direction == Direction.CLIENT_TO_SERVER;
        byte[] secret = fromClient ? secrets.clientTraffic0() : secrets.serverTraffic0();
        if (secret == null) {
            TlsSecrets again = keys.find(clientRandom, true); // a growing key log may have it by now
            secret = again == null ? null : fromClient ? again.clientTraffic0() : again.serverTraffic0();
        }
        if (secret == null) {
            return false;
        }
        s.trafficSecret = secret;
        s.cipher = RecordCipher.tls13(suite, secret);
        return true;
    }

    /** TLS 1.3 KeyUpdate from this direction: its next record uses the next secret. */
    public void keyUpdate(Direction d) {
        Side s = side(d);
        if (version == 0x0304 && s.state == State.ACTIVE && s.trafficSecret != null && s.cipher != null) {
            s.trafficSecret = KeySchedule.nextTrafficSecret(suite, s.trafficSecret);
            s.cipher = RecordCipher.tls13(suite, s.trafficSecret);
            s.seq = 0;
        }
    }

    /**
     * Bytes of this direction were not captured. Inside a record (framing kept) only that record is lost and its
     * sequence number still counts; otherwise the direction cannot go on.
     */
    public void gap(Direction d, boolean framingKept, At at) {
        Side s = side(d);
        if (s.state == State.FAILED) {
            return;
        }
        if (framingKept) {
            s.records++;
            s.seq++;
            return;
        }
        fail(s, at, "bytes missing from the capture after " + s.name() + " record " + s.records
                + " lost the record framing; the rest of this direction cannot be decrypted");
    }

    /** The direction ended: records still waiting for a key get their verdict. */
    public void end(Direction d, At at) {
        Side s = side(d);
        if (s.state == State.WAITING && !s.pending.isEmpty()) {
            if (keysReady(s, at)) {
                replay(s, 0);
            } else if (s.state == State.WAITING) {
                fail(s, at, missingKeyReason(s));
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------------

    private void hold(Side s, int type, int recordVersion, byte[] body, int len, At at) {
        if (s.pendingBytes + len > MAX_PENDING) {
            fail(s, at, missingKeyReason(s));
            return;
        }
        s.pending.add(new Pending(type, recordVersion, java.util.Arrays.copyOf(body, len), at));
        s.pendingBytes += len;
    }

    /** Decrypts the records that waited for the key; {@code current} records came after them (numbering). */
    private void replay(Side s, int current) {
        long recordsNow = s.records;
        s.records -= s.pending.size() + current; // number them as they arrived
        while (!s.pending.isEmpty() && s.state == State.ACTIVE) {
            Pending p = s.pending.poll();
            s.records++;
            open(s, p.type(), p.version(), p.body(), p.body().length, p.at());
        }
        s.pending.clear();
        s.pendingBytes = 0;
        s.records = recordsNow;
    }

    /**
     * Sets up the direction's cipher when the key log has its secrets. Returns false while they are missing
     * (the direction keeps waiting) or when the session cannot be decrypted at all (the direction failed).
     */
    private boolean keysReady(Side s, At at) {
        String impossible = impossible(s);
        if (impossible != null) {
            fail(s, at, impossible);
            return false;
        }
        boolean tls13 = version == 0x0304;
        TlsSecrets found = keys.find(clientRandom, tls13);
        if (found == null) {
            return false;
        }
        secrets = found;
        boolean fromClient = s.direction == Direction.CLIENT_TO_SERVER;
        if (tls13) {
            byte[] hs = fromClient ? found.clientHandshake() : found.serverHandshake();
            if (hs == null) {
                return false;
            }
            s.cipher = RecordCipher.tls13(suite, hs);
        } else {
            if (found.masterSecret() == null) {
                return false;
            }
            byte[][] block = KeySchedule.keyBlock12(suite, found.masterSecret(), clientRandom, serverRandom);
            s.cipher = fromClient
                    ? RecordCipher.tls12(suite, block[0], block[2], block[4], encryptThenMac)
                    : RecordCipher.tls12(suite, block[1], block[3], block[5], encryptThenMac);
        }
        s.state = State.ACTIVE;
        s.seq = 0;
        return true;
    }

    /** Why this session can never be decrypted, or null. */
    private String impossible(Side s) {
        if (clientRandom == null) {
            return "the ClientHello was not captured, so there is no client random to look up in the key log";
        }
        if (serverRandom == null) {
            return "the ServerHello was not captured, so the cipher suite is unknown";
        }
        if (version != 0x0304 && version != 0x0303) {
            return TlsNames.version(version) + " cannot be decrypted by mailscope (only TLS 1.2 and TLS 1.3)";
        }
        if (suite == null) {
            suite = CipherSuiteSpec.of(suiteId);
            if (suite == null || suite.tls13() != (version == 0x0304)) {
                suite = null;
                return "cipher suite " + TlsNames.cipherSuite(suiteId) + " cannot be decrypted by mailscope";
            }
        }
        if (version == 0x0303 && !s.tls12Switched) {
            return "encrypted records before this side's ChangeCipherSpec (the handshake was not captured)";
        }
        return null;
    }

    private String missingKeyReason(Side s) {
        String hex = HexFormat.of().formatHex(clientRandom);
        TlsSecrets partial = keys.find(clientRandom, version == 0x0304);
        if (partial != null && version == 0x0304) {
            String label = s.direction == Direction.CLIENT_TO_SERVER
                    ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET" : "SERVER_HANDSHAKE_TRAFFIC_SECRET";
            return "no key for this session: the key log has no " + label + " for client random "
                    + hex.substring(0, 16) + "...";
        }
        return "no key for this session (client random " + hex.substring(0, 16) + "... is not in the key log)";
    }

    private void open(Side s, int type, int recordVersion, byte[] body, int len, At at) {
        if (s.cipher == null && !applicationCipher(s)) {
            fail(s, at, "no key for the rest of this session: the key log has no "
                    + (s.direction == Direction.CLIENT_TO_SERVER ? "CLIENT" : "SERVER") + "_TRAFFIC_SECRET_0 for it ("
                    + s.name() + " record " + s.records + ", frame " + at.frame() + ")");
            return;
        }
        // Decrypted in place: the caller's record buffer (or a waiting record's copy) holds the plaintext after this,
        // so a direction keeps no second buffer.
        byte[] out = body;
        int n;
        try {
            n = s.cipher.open(s.seq, type, recordVersion, body, 0, len, out);
        } catch (RecordException e) {
            String why = e.getMessage() + " in " + s.name() + " record " + s.records + " (frame " + at.frame() + ")";
            if (s.records == 1 && !announced) {
                why += ": the key in the key log does not belong to this session or was corrupted";
            }
            fail(s, at, why);
            return;
        }
        s.seq++;
        int contentType = type;
        if (version == 0x0304) {
            int typeAt = RecordCipher.innerType(out, n);
            if (typeAt < 0) {
                fail(s, at, "decrypted " + s.name() + " record " + s.records + " (frame " + at.frame()
                        + ") has no content type");
                return;
            }
            contentType = out[typeAt] & 0xff;
            n = typeAt;
        }
        if (!announced) {
            announced = true;
            output.decrypted(at.inTls(), TlsNames.version(version) + " " + TlsNames.cipherSuite(suiteId)
                    + (encryptThenMac ? " (encrypt_then_mac)" : ""));
        }
        output.plaintext(s.direction, contentType, out, 0, n, at.inTls());
    }

    private void fail(Side s, At at, String reason) {
        s.state = State.FAILED;
        s.pending.clear();
        s.pendingBytes = 0;
        if (!failedOnce && at != null) {
            failedOnce = true;
            output.failed(at, reason);
        }
    }

    /** Records of this direction that were decrypted or attempted. */
    public long records(Direction d) {
        return side(d).records;
    }
}
