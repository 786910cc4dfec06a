package io.mailscope.dissect.tls;

import io.mailscope.dissect.At;
import io.mailscope.dissect.EventSink;
import io.mailscope.dissect.tls.WireReader.Malformed;
import io.mailscope.dissect.tls.decrypt.KeyLog;
import io.mailscope.dissect.tls.decrypt.TlsDecryptor;
import io.mailscope.tcp.Direction;

import java.util.List;

/**
 * Follows the TLS record layer of both directions of one connection and emits {@link TlsEvent}s.
 * Decoder in Netty's style: consumes what it can, keeps the rest (bounded): per direction only a record header,
 * a handshake header and the hello/Certificate message being reassembled are kept (see
 * {@link HandshakeReassembler} for the caps); encrypted records are counted, never buffered.
 *
 * <p>When a direction turns encrypted:
 * <ul>
 *   <li>TLS 1.2 and earlier (or version not known yet): after that side's ChangeCipherSpec, every record.</li>
 *   <li>TLS 1.3, once the ServerHello (not a HelloRetryRequest) selected it: every record of either side except
 *   ChangeCipherSpec and a 2-byte alert record. TLS 1.3 always wraps encrypted records as application_data, so a
 *   2-byte alert record is in the clear (OpenSSL's client sends unknown_ca that way before switching keys).</li>
 *   <li>Application data before any of that (TLS 1.3 early data, or a handshake we did not see) is encrypted too.</li>
 * </ul>
 *
 * <p>With a {@link KeyLog} that was given (or embedded in the capture), encrypted records are also buffered whole
 * (one record per direction, at most 18 KiB) and handed to a {@link TlsDecryptor}: decrypted handshake messages
 * (TLS 1.3's EncryptedExtensions, Certificate, Finished, KeyUpdate...) and alerts become events like their
 * cleartext kin, marked {@link At#insideTls()}, and application data goes to the {@link Plaintext} listener.
 */
public final class TlsAnalyzer {
    /** Receives the decrypted application data of each direction, in order. */
    public interface Plaintext {
        void applicationData(Direction direction, byte[] buf, int off, int len, At at);

        /** Application data of about {@code length} bytes was lost (a hole in the capture inside a record). */
        void lost(Direction direction, long length, At at);
    }

    /**
     * Largest record body buffered for decryption (TLSCiphertext: 2^14 + 2048); the buffer is also where the record
     * is decrypted in place.
     */
    private static final int MAX_CIPHERTEXT = RecordLayerDecoder.MAX_RECORD_LENGTH;

    private final EventSink sink;
    private final Side client = new Side(Direction.CLIENT_TO_SERVER);
    private final Side server = new Side(Direction.SERVER_TO_CLIENT);
    /** Version chosen by the ServerHello or HelloRetryRequest, -1 until seen. */
    private int negotiatedVersion = -1;
    /** A TLS 1.3 ServerHello (not HRR) was seen: both directions are encrypted from here on. */
    private boolean tls13Keys;
    /** The client has sent its first encrypted record (TLS 1.3: the start of its last handshake flight). */
    private boolean clientFlightStarted;
    /** The server sent a record after that: whatever the client encrypts from now on is past its handshake. */
    private boolean serverSpokeAfterClientFlight;
    /**
     * Where the bytes being processed arrived; events take it ({@link #at()}). Given as frame and time by
     * {@link #onData(Direction, byte[], int, int, long, long)} and made only when an event needs it: most packets of a
     * TLS stream that hold a record header make no event.
     */
    private At at;
    private Direction atDirection;
    private long atFrame;
    private long atNanos;

    private At at() {
        if (at == null) {
            at = new At(atDirection, atFrame, atNanos);
        }
        return at;
    }

    private final KeyLog keys;
    private final Plaintext plaintext;
    private TlsDecryptor decryptor;

    public TlsAnalyzer(EventSink sink) {
        this(sink, null, null);
    }

    /**
     * @param keys      secrets to decrypt with, or null; used only once it is {@link KeyLog#configured()}
     * @param plaintext where decrypted application data goes (may be null when keys is)
     */
    public TlsAnalyzer(EventSink sink, KeyLog keys, Plaintext plaintext) {
        this.sink = sink;
        this.keys = keys;
        this.plaintext = plaintext;
    }

    /** The decryptor, created when the first encrypted record arrives with a configured key log. */
    private TlsDecryptor decryptor() {
        if (decryptor == null && keys != null && keys.configured()) {
            decryptor = new TlsDecryptor(keys, new DecryptedOutput());
            if (clientHello != null) {
                decryptor.clientHello(clientHello);
            }
            if (serverHello != null) {
                decryptor.serverHello(serverHello);
            }
            for (Side s : new Side[] {client, server}) {
                if (s.afterChangeCipherSpec) {
                    decryptor.changeCipherSpec(s.direction);
                }
            }
        }
        return decryptor;
    }

    private ClientHello clientHello;
    private ServerHello serverHello;

    /** Where decrypted records go: back into the side they came from. */
    private final class DecryptedOutput implements TlsDecryptor.Output {
        @Override
        public void plaintext(Direction direction, int contentType, byte[] buf, int off, int len, At at) {
            side(direction).decrypted(contentType, buf, off, len, at);
        }

        @Override
        public void decrypted(At at, String how) {
            emit(new TlsEvent.Decrypted(at, how));
        }

        @Override
        public void failed(At at, String reason) {
            emit(new TlsEvent.DecryptionFailed(at, reason));
        }
    }

    /** Bytes of one direction, in order. The array is only valid during the call. */
    public void onData(Direction direction, byte[] data, int offset, int length, At at) {
        this.at = at;
        feed(direction, data, offset, length);
    }

    /** {@link #onData(Direction, byte[], int, int, At)} at frame {@code frame}, time {@code timeNanos}. */
    public void onData(Direction direction, byte[] data, int offset, int length, long frame, long timeNanos) {
        this.at = null;
        this.atDirection = direction;
        this.atFrame = frame;
        this.atNanos = timeNanos;
        feed(direction, data, offset, length);
    }

    private void feed(Direction direction, byte[] data, int offset, int length) {
        Side side = side(direction);
        try {
            side.records.feed(data, offset, length);
        } catch (RuntimeException e) {
            // A bug, not bad input (bad input is handled where it is read); keep it from taking the
            // connection's other analyzers down, and say so.
            side.records.stop();
            emit(new TlsEvent.Problem(at(), "internal-error", e.toString()));
        }
    }

    /**
     * Takes these bytes if they lie inside the body of an encrypted record that is not being decrypted (most of a
     * TLS stream): they are only counted, no event can come of them, so they need no position ({@code At}), which
     * the caller would otherwise make for every packet. False (nothing taken) otherwise: then {@link #onData}.
     */
    public boolean countIfOpaque(Direction direction, byte[] data, int offset, int length) {
        Side side = side(direction);
        if (side.mode != Mode.ENCRYPTED || side.buffering || !side.records.insideBody(length)) {
            return false;
        }
        side.records.feed(data, offset, length);
        return true;
    }

    /**
     * {@code length} bytes of this direction were never captured (a snaplen cut, a dropped packet). A hole inside an
     * encrypted record only adds to {@link #encryptedBytes}. A hole inside a handshake message reports the hello or
     * Certificate being read as far as it arrived (marked with its {@link Cut}) and, when it lies inside that
     * message's body, the messages after it are read; a hole elsewhere in the handshake stops handshake parsing in
     * that direction. A hole over a record header loses the record framing: the direction is only counted until a
     * later segment begins with a plausible record header ({@link TlsEvent.FramingRegained}). The first gap that
     * costs something is reported as Problem "gap", and the first loss of the framing too; later ones are silent.
     */
    public void onGap(Direction direction, long length, At at) {
        this.at = at;
        side(direction).gap(length);
    }

    public void onEnd(Direction direction, At at) {
        this.at = at;
        side(direction).end();
    }

    /** Application-data (encrypted) bytes counted in this direction: bodies of encrypted records. */
    public long encryptedBytes(Direction direction) {
        return side(direction).encryptedBytes();
    }

    /** Bytes of this direction that were not parsed: after a bad record or a gap that lost the record framing. */
    public long unparsedBytes(Direction direction) {
        return side(direction).records.ignoredBytes();
    }

    /** Records seen in this direction. */
    public long records(Direction direction) {
        return side(direction).records.records();
    }

    /** The version chosen by the server (ServerHello or HelloRetryRequest), or -1 if not seen. */
    public int negotiatedVersion() {
        return negotiatedVersion;
    }

    EventSink sink() {
        return sink;
    }

    private Side side(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? client : server;
    }

    private void emit(TlsEvent e) {
        sink.emit(e);
    }

    private enum Mode { HANDSHAKE, ALERT, CHANGE_CIPHER_SPEC, ENCRYPTED, SKIP }

    /** One direction: record layer, handshake reassembly and its encryption state. */
    private final class Side implements RecordLayerDecoder.Listener, HandshakeReassembler.Listener {
        final Direction direction;
        final RecordLayerDecoder records = new RecordLayerDecoder(this);
        final HandshakeReassembler handshakes = new HandshakeReassembler(this);
        /** Handshake messages decrypted from this direction's records (TLS 1.3's encrypted handshake, Finished). */
        final HandshakeReassembler innerHandshakes;
        /** The encrypted record being buffered for the decryptor, or null when not decrypting. */
        byte[] cipherRecord;
        int cipherFill;
        int cipherVersion;
        boolean buffering;
        int innerAlertLevel = -1;
        /** A decrypted close_notify was sent in this direction. */
        boolean sentCloseNotify;
        Mode mode = Mode.SKIP;
        int recordType;
        boolean afterChangeCipherSpec;
        boolean encryptedStarted;
        boolean applicationDataTold;
        boolean handshakeStopped;
        boolean gapReported;
        /** The loss of the record framing, and its regaining, are told once per direction (a long capture cut by its
         * snaplen loses and finds them at every other segment). */
        boolean framingLossReported;
        boolean regainReported;
        long encryptedBytes;
        int alertLevel = -1; // first byte of an alert split across records
        int messageRecordVersion; // version of the record that began the current handshake message
        /**
         * Records were found again after a hole that lost the framing: a ChangeCipherSpec may have crossed in the
         * hole, so whether this side encrypts is not known. An alert record longer than one alert is then taken for
         * an encrypted one (a plaintext alert record holds 2 bytes; an encrypted one adds a MAC or tag).
         */
        boolean cipherStateUnknown;
        /** Framing was lost in an encrypted stream: the bytes the record layer ignores from then on count too. */
        boolean lostWhileEncrypted;
        long ignoredAtLoss;

        long encryptedBytes() {
            return encryptedBytes + (lostWhileEncrypted ? records.ignoredBytes() - ignoredAtLoss : 0);
        }

        Side(Direction direction) {
            this.direction = direction;
            this.innerHandshakes = new HandshakeReassembler(new InnerHandshakes(this));
        }

        @Override
        public void recordStart(int type, int version, int length) {
            recordType = type;
            if (direction == Direction.SERVER_TO_CLIENT && clientFlightStarted) {
                serverSpokeAfterClientFlight = true;
            }
            if (type == 22 && !handshakes.midMessage()) {
                messageRecordVersion = version;
            }
            if (type == 20) {
                mode = Mode.CHANGE_CIPHER_SPEC;
                emit(new TlsEvent.ChangeCipherSpec(at()));
                // TLS 1.3's ChangeCipherSpec is a middlebox-compatibility dummy (also sent after a
                // HelloRetryRequest): it switches nothing.
                if (negotiatedVersion != 0x0304) {
                    afterChangeCipherSpec = true;
                    if (decryptor != null) {
                        decryptor.changeCipherSpec(direction);
                    }
                }
            } else if (type == 21 && tls13Keys && length == 2 && !afterChangeCipherSpec) {
                mode = Mode.ALERT;
            } else if (afterChangeCipherSpec || tls13Keys || type == 23 || (cipherStateUnknown && type == 21 && length != 2)) {
                mode = Mode.ENCRYPTED;
                if (!encryptedStarted) {
                    encryptedStarted = true;
                    if (direction == Direction.CLIENT_TO_SERVER) {
                        clientFlightStarted = true;
                    }
                    emit(new TlsEvent.EncryptedStarted(at(), type));
                }
                TlsDecryptor d = decryptor();
                buffering = d != null && d.wants(direction);
                if (buffering) {
                    if (cipherRecord == null || cipherRecord.length < length) {
                        // grown to the largest record seen (IMAP commands are small; a FETCH fills 16 KiB records)
                        int size = Math.min(MAX_CIPHERTEXT, Math.max(length, 512));
                        sink.retained(size - (cipherRecord == null ? 0 : cipherRecord.length));
                        cipherRecord = new byte[size];
                    }
                    cipherFill = 0;
                    cipherVersion = version;
                } else if (type == 21) {
                    emit(new TlsEvent.Alert(at(), -1, -1, true));
                }
                applicationData();
            } else if (type == 22) {
                mode = handshakeStopped ? Mode.SKIP : Mode.HANDSHAKE;
            } else if (type == 21) {
                mode = Mode.ALERT;
            } else {
                mode = Mode.SKIP; // heartbeat
            }
        }

        /**
         * Says once when this side first sent what can only be application data (the protocol inside TLS): in TLS
         * 1.2 any record after ChangeCipherSpec of type application_data. In TLS 1.3 the end of the handshake is
         * encrypted as application_data too, and the client's last flight may be one record (Finished) or several
         * (Certificate, CertificateVerify, Finished when the server asked for a certificate), all sent at once: so
         * a client record counts once the server has sent anything after that flight began (IMAP's greeting,
         * session tickets, an answer). The server's TLS 1.3 side is not told.
         */
        private void applicationData() {
            if (applicationDataTold || recordType != 23) {
                return;
            }
            boolean tls13 = negotiatedVersion == 0x0304;
            boolean data = tls13 ? direction == Direction.CLIENT_TO_SERVER && serverSpokeAfterClientFlight : afterChangeCipherSpec;
            if (data) {
                applicationDataTold = true;
                emit(new TlsEvent.ApplicationDataStarted(at()));
            }
        }

        @Override
        public void recordBody(byte[] buf, int off, int len) {
            switch (mode) {
                case HANDSHAKE -> handshakes.feed(buf, off, len);
                case ENCRYPTED -> {
                    encryptedBytes += len;
                    if (buffering) {
                        System.arraycopy(buf, off, cipherRecord, cipherFill, len);
                        cipherFill += len;
                    }
                }
                case ALERT -> alerts(buf, off, len);
                default -> {
                    // ChangeCipherSpec body (one byte) and heartbeats carry nothing we report
                }
            }
        }

        private void alerts(byte[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                int b = buf[i] & 0xff;
                if (alertLevel < 0) {
                    alertLevel = b;
                } else {
                    emit(new TlsEvent.Alert(at(), alertLevel, b, false));
                    alertLevel = -1;
                }
            }
        }

        @Override
        public void recordEnd() {
            if (mode == Mode.ENCRYPTED && buffering) {
                buffering = false;
                decryptor.record(direction, recordType, cipherVersion, cipherRecord, cipherFill, at());
                if (!decryptor.wants(direction)) {
                    release();
                }
            }
            mode = Mode.SKIP;
        }

        /** The decryption buffer is no longer needed. */
        void release() {
            if (cipherRecord != null) {
                sink.retained(-cipherRecord.length);
                cipherRecord = null;
            }
        }

        /** A decrypted record of this direction. */
        void decrypted(int contentType, byte[] buf, int off, int len, At inside) {
            switch (contentType) {
                case 22 -> {
                    At outer = at;
                    at = inside;
                    try {
                        innerHandshakes.feed(buf, off, len);
                    } finally {
                        at = outer;
                    }
                }
                case 21 -> {
                    for (int i = off; i < off + len; i++) {
                        int b = buf[i] & 0xff;
                        if (innerAlertLevel < 0) {
                            innerAlertLevel = b;
                        } else {
                            emit(new TlsEvent.Alert(inside, innerAlertLevel, b, false));
                            sentCloseNotify |= b == 0;
                            innerAlertLevel = -1;
                        }
                    }
                }
                case 23 -> {
                    if (plaintext != null && len > 0) {
                        plaintext.applicationData(direction, buf, off, len, inside);
                    }
                }
                default -> emit(new TlsEvent.Problem(inside, "unexpected-record", direction.sender()
                        + ": decrypted record of content type " + contentType));
            }
        }

        @Override
        public void badRecord(String code, String detail) {
            emit(new TlsEvent.Problem(at(), code, direction.sender() + ": " + detail));
        }

        @Override
        public void message(int type, byte[] body, int length) {
            switch (type) {
                case 1 -> clientHello(body, length);
                case 2 -> serverHello(body, length);
                case 11 -> certificates(body, length);
                default -> skippedMessage(type, length);
            }
        }

        /**
         * A hello or Certificate the capture cut (see {@link HandshakeReassembler#skipGap}): what arrived is parsed
         * and reported marked as cut, never handed to the decryptor (its extensions may be missing).
         */
        @Override
        public void partialMessage(int type, byte[] body, int captured, int length) {
            switch (type) {
                case 1 -> clientHello(body, captured, length);
                case 2 -> serverHello(body, captured, length);
                case 11 -> cutCertificates(body, captured, length);
                default -> {
                }
            }
        }

        private void clientHello(byte[] body, int length) {
            clientHello(body, length, length);
        }

        private void clientHello(byte[] body, int captured, int length) {
            if (!direction.fromClient()) {
                unexpected(1);
                return;
            }
            try {
                ClientHello hello = ClientHelloParser.parse(body, 0, captured, length, recordVersion());
                if (hello.partial()) {
                    emit(new TlsEvent.ClientHelloSeen(at(), hello));
                    return;
                }
                if (clientHello == null) {
                    clientHello = hello;
                }
                if (decryptor != null) {
                    decryptor.clientHello(hello);
                }
                emit(new TlsEvent.ClientHelloSeen(at(), hello));
            } catch (Malformed e) {
                emit(new TlsEvent.Problem(at(), "malformed-hello", "client_hello: " + e.getMessage()));
            }
        }

        private void serverHello(byte[] body, int length) {
            serverHello(body, length, length);
        }

        private void serverHello(byte[] body, int captured, int length) {
            if (direction.fromClient()) {
                unexpected(2);
                return;
            }
            ServerHello hello;
            try {
                hello = ServerHelloParser.parse(body, 0, captured, length);
            } catch (Malformed e) {
                emit(new TlsEvent.Problem(at(), "malformed-hello", "server_hello: " + e.getMessage()));
                return;
            }
            if (hello.selectedVersion() >= 0) {
                negotiatedVersion = hello.selectedVersion();
            }
            if (!hello.helloRetryRequest() && !hello.partial()) {
                serverHello = hello;
                if (decryptor != null) {
                    decryptor.serverHello(hello);
                }
            }
            if (hello.selectedVersion() == 0x0304 && !hello.helloRetryRequest()) {
                tls13Keys = true;
            }
            emit(new TlsEvent.ServerHelloSeen(at(), hello));
        }

        private void certificates(byte[] body, int length) {
            try {
                List<CertificateInfo> chain = CertificateParser.parseChain(body, 0, length);
                emit(new TlsEvent.CertificatesSeen(at(), chain));
            } catch (Malformed e) {
                emit(new TlsEvent.Problem(at(), "malformed-certificate", direction.sender() + ": " + e.getMessage()));
            }
        }

        private void cutCertificates(byte[] body, int captured, int length) {
            try {
                List<CertificateInfo> arrived = CertificateParser.parseCutChain(body, 0, captured);
                emit(new TlsEvent.CertificatesSeen(at(), arrived, new Cut(captured, length, "certificate_list")));
            } catch (Malformed e) {
                emit(new TlsEvent.Problem(at(), "malformed-certificate", direction.sender() + ": " + e.getMessage()));
            }
        }

        private void unexpected(int type) {
            emit(new TlsEvent.Problem(at(), "unexpected-message",
                    TlsNames.handshakeType(type) + " sent by the " + direction.sender()));
        }

        private int recordVersion() {
            return messageRecordVersion;
        }

        @Override
        public void skippedMessage(int type, int length) {
            emit(new TlsEvent.HandshakeMessage(at(), type, TlsNames.handshakeType(type), length));
        }

        @Override
        public void retained(int bytes) {
            sink.retained(bytes);
        }

        @Override
        public void tooLong(int type, int length, int cap) {
            emit(new TlsEvent.Problem(at(), "handshake-too-long", direction.sender() + ": "
                    + TlsNames.handshakeType(type) + " of " + length + " bytes exceeds " + cap));
        }

        void gap(long length) {
            boolean wasEncrypted = encryptedStarted || afterChangeCipherSpec || tls13Keys;
            Mode before = mode;
            boolean wasStopped = records.stopped();
            long ignoredBefore = records.ignoredBytes();
            boolean buffered = buffering;
            buffering = false; // a record with a hole cannot be decrypted (skipGap may end it right here)
            // First the handshake message in progress (a hello cut by the snaplen is reported here, as far as it
            // arrived), then the record: skipGap may end the record right here.
            boolean messagesKept = before == Mode.HANDSHAKE && handshakes.skipGap(length);
            boolean framingKept = records.skipGap(length);
            if (!framingKept || (before == Mode.HANDSHAKE && !messagesKept)) {
                handshakes.endInside(); // a message spanning records, cut where the framing was lost
            }
            if (decryptor != null && (buffered || !framingKept) && decryptor.wants(direction)) {
                decryptor.gap(direction, framingKept, at());
                if (plaintext != null) {
                    plaintext.lost(direction, length, at().inTls());
                }
                if (!decryptor.wants(direction)) {
                    release();
                }
            }
            if (framingKept && before == Mode.ENCRYPTED) {
                encryptedBytes += length; // a hole in ciphertext we only count anyway
            } else if (!framingKept && !wasStopped && wasEncrypted) {
                lostWhileEncrypted = true; // the gap and everything after it is ciphertext we can only count
                ignoredAtLoss = ignoredBefore;
            }
            if (framingKept && before != Mode.HANDSHAKE && before != Mode.ALERT) {
                return;
            }
            // A hole inside one handshake message's body leaves the message boundaries: the messages after it
            // are read as usual. Otherwise handshake parsing stops in this direction.
            boolean keepHandshake = framingKept && messagesKept;
            if (!keepHandshake) {
                handshakeStopped = true;
                if (mode == Mode.HANDSHAKE || mode == Mode.ALERT) {
                    mode = Mode.SKIP; // the rest of this record follows a hole: do not read it as messages
                }
                alertLevel = -1;
            }
            if (!gapReported || (!framingKept && !wasStopped && !framingLossReported)) {
                gapReported = true;
                framingLossReported |= !framingKept;
                emit(new TlsEvent.Problem(at(), "gap", direction.sender() + ": " + length + " bytes missing"
                        + (!framingKept ? ", " + TlsEvent.Problem.FRAMING_LOST + "; the rest of this direction is only counted"
                        + " unless a later segment starts with a record"
                        : keepHandshake ? " inside a handshake message; the messages after it are read"
                        : " inside a " + TlsNames.contentType(recordType) + " record")));
            }
        }

        @Override
        public void framingRegained(long skipped) {
            if (lostWhileEncrypted) {
                // what was passed over was ciphertext: counted as such, and the count restarts with the records
                encryptedBytes += records.ignoredBytes() - ignoredAtLoss;
                lostWhileEncrypted = false;
            }
            cipherStateUnknown = true;
            if (!regainReported) {
                regainReported = true;
                emit(new TlsEvent.FramingRegained(at(), skipped));
            }
        }

        void end() {
            if (decryptor != null) {
                decryptor.end(direction, at());
                if (decryptor.decrypting(direction) && !sentCloseNotify) {
                    emit(new TlsEvent.EndedWithoutCloseNotify(at().inTls()));
                }
            }
            release();
            if (records.midRecord()) {
                emit(new TlsEvent.Problem(at(), "truncated", direction.sender() + ": stream ended inside a "
                        + TlsNames.contentType(recordType) + " record"));
            } else if (!handshakeStopped && handshakes.midMessage() && !afterChangeCipherSpec) {
                emit(new TlsEvent.Problem(at(), "truncated", direction.sender()
                        + ": stream ended inside a handshake message"));
            }
            if (!handshakeStopped) {
                handshakes.endInside(); // a hello or Certificate the end cut: report what arrived
            }
        }
    }

    /** Handshake messages read from decrypted records: shown inside TLS; Finished and KeyUpdate move the keys. */
    private final class InnerHandshakes implements HandshakeReassembler.Listener {
        private final Side side;

        InnerHandshakes(Side side) {
            this.side = side;
        }

        @Override
        public void message(int type, byte[] body, int length) {
            if (type == 11) {
                try {
                    List<CertificateInfo> chain = negotiatedVersion == 0x0304
                            ? CertificateParser.parseChain13(body, 0, length)
                            : CertificateParser.parseChain(body, 0, length);
                    emit(new TlsEvent.CertificatesSeen(at(), chain));
                } catch (Malformed e) {
                    emit(new TlsEvent.Problem(at(), "malformed-certificate", side.direction.sender() + ": "
                            + e.getMessage()));
                }
            } else {
                skippedMessage(type, length);
            }
        }

        @Override
        public void skippedMessage(int type, int length) {
            emit(new TlsEvent.HandshakeMessage(at(), type, TlsNames.handshakeType(type), length));
            if (type == 20) {
                decryptor.finished(side.direction);
            } else if (type == 24) {
                decryptor.keyUpdate(side.direction);
            }
        }

        @Override
        public void tooLong(int type, int length, int cap) {
            emit(new TlsEvent.Problem(at(), "handshake-too-long", side.direction.sender() + ": "
                    + TlsNames.handshakeType(type) + " of " + length + " bytes exceeds " + cap));
        }

        @Override
        public void retained(int bytes) {
            sink.retained(bytes);
        }
    }
}
