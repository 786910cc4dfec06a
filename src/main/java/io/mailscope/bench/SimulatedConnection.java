package io.mailscope.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One IMAP connection as the generator plays it, segment by segment: three-way handshake, greeting, STARTTLS,
 * a TLS 1.3 handshake, request/response rounds of application_data records (responses of varied sizes cut into
 * MSS-sized segments, the client acknowledging every second one, now and then a retransmission or two segments
 * swapped), then FIN, FIN, ACK. It sends exactly its packet budget, so a capture's packet count is exact.
 *
 * <p>Only the next batch of segments is held (one exchange), so memory does not grow with the budget.
 */
final class SimulatedConnection {
    static final int CLIENT = 0, SERVER = 1;
    static final int FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10;
    static final int MSS = 1448;
    /** Packets of the close: FIN from the client, FIN from the server, the last ACK. */
    /** The client's encrypted close_notify (as TLS 1.3 clients send it), then FIN, FIN, ACK. */
    static final int CLOSE_PACKETS = 4;
    /** Largest response: a big message fetched in a few 16 KiB records. */
    private static final int MAX_RESPONSE = 160 * 1024;
    private static final int MAX_RECORD = 16_384;

    /** One segment to send; {@code data} is shared with the exchange it belongs to (never modified). */
    record Segment(int sender, int flags, int seq, byte[] data, int off, int len) {
        int seqLength() {
            return len + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
        }
    }

    private enum Phase { HANDSHAKE, IMAP, TLS, DATA, CLOSE, DONE }

    final int clientIp;
    final int serverIp;
    final int clientPort;
    final int serverPort;
    private final Templates templates;
    private final SplittableRandom rnd;
    private final double retransmitChance;
    private final double reorderChance;
    private final ArrayDeque<Segment> queue = new ArrayDeque<>();
    /** Next sequence number for new data, per sender. */
    private final int[] nextSeq = new int[2];
    /** Per sender: end of the bytes sent in order so far (what the peer acknowledges), and one range sent ahead. */
    private final int[] contiguous = new int[2];
    private final int[] aheadStart = new int[2];
    private final int[] aheadEnd = new int[2];
    private final boolean[] ahead = new boolean[2];
    private final int[] ipId = new int[2];
    private int budget;
    private Phase phase = Phase.HANDSHAKE;
    /** Real keys and sealed records when the capture must be decryptable, else null (records of noise). */
    private final DecryptableTls tls;

    SimulatedConnection(int clientIp, int clientPort, int serverIp, int serverPort, int budget, Templates templates,
                        SplittableRandom rnd, double retransmitChance, double reorderChance, DecryptableTls tls) {
        if (budget < templates.minimumPackets()) {
            throw new IllegalArgumentException("a connection needs at least " + templates.minimumPackets()
                    + " packets, got " + budget);
        }
        this.clientIp = clientIp;
        this.clientPort = clientPort;
        this.serverIp = serverIp;
        this.serverPort = serverPort;
        this.budget = budget;
        this.templates = templates;
        this.rnd = rnd;
        this.retransmitChance = retransmitChance;
        this.reorderChance = reorderChance;
        this.tls = tls;
        nextSeq[CLIENT] = contiguous[CLIENT] = rnd.nextInt();
        nextSeq[SERVER] = contiguous[SERVER] = rnd.nextInt();
        ipId[CLIENT] = rnd.nextInt(65536);
        ipId[SERVER] = rnd.nextInt(65536);
    }

    boolean done() {
        return phase == Phase.DONE && queue.isEmpty();
    }

    /** The next segment to send, or null when the connection is over. */
    Segment next() {
        while (queue.isEmpty()) {
            if (phase == Phase.DONE) {
                return null;
            }
            refill();
        }
        Segment s = queue.poll();
        sent(s);
        return s;
    }

    /** What the sender of {@code s} acknowledges: the bytes of the peer sent in order so far. */
    int ackFor(Segment s) {
        return contiguous[1 - s.sender()];
    }

    int nextIpId(int sender) {
        return ipId[sender]++ & 0xffff;
    }

    private void sent(Segment s) {
        int who = s.sender();
        int start = s.seq();
        int end = start + s.seqLength();
        if (start == end) {
            return;
        }
        if (start == contiguous[who]) {
            contiguous[who] = end;
            if (ahead[who] && aheadStart[who] - end <= 0 && aheadEnd[who] - end > 0) {
                contiguous[who] = aheadEnd[who];
                ahead[who] = false;
            }
        } else if (start - contiguous[who] > 0) {
            ahead[who] = true;
            aheadStart[who] = start;
            aheadEnd[who] = end;
        }
    }

    private void refill() {
        switch (phase) {
            case HANDSHAKE -> {
                control(CLIENT, SYN);
                control(SERVER, SYN | ACK);
                control(CLIENT, ACK);
                phase = Phase.IMAP;
            }
            case IMAP -> {
                whole(SERVER, templates.greeting);
                whole(CLIENT, templates.startTls);
                whole(SERVER, templates.startTlsOk);
                phase = Phase.TLS;
            }
            case TLS -> {
                whole(CLIENT, tls == null ? templates.clientHello : tls.clientHello(templates.clientHello));
                byte[] serverFlight = tls == null ? templates.serverFlight : tls.serverFlight(templates.serverHello());
                List<Segment> flight = cut(SERVER, serverFlight, Integer.MAX_VALUE);
                queueWithAcks(flight);
                whole(CLIENT, tls == null ? templates.clientFinished : tls.clientFinished());
                phase = Phase.DATA;
            }
            case DATA -> exchange();
            case CLOSE -> {
                whole(CLIENT, tls == null ? TlsMessages.applicationData(rnd, 19) : tls.closeNotify());
                control(CLIENT, FIN | ACK);
                control(SERVER, FIN | ACK);
                control(CLIENT, ACK);
                phase = Phase.DONE;
            }
            case DONE -> {
            }
        }
    }

    /** One request and its response, within what is left of the budget; leftovers of 1 packet are window updates. */
    private void exchange() {
        int left = budget - CLOSE_PACKETS;
        if (left <= 0) {
            phase = Phase.CLOSE;
            return;
        }
        if (left == 1) {
            control(CLIENT, ACK);
            return;
        }
        byte[] req;
        if (tls != null) {
            req = tls.request();
        } else {
            int request = 5 + 30 + rnd.nextInt(270);
            req = new byte[request];
            TlsMessages.applicationDataInto(req, 0, request - 5, templates.noise, rnd.nextInt(templates.noise.length - request));
        }
        whole(CLIENT, req);
        left--;
        // Segments s plus one ACK per two of them must fit: s + s/2 <= left.
        int maxSegments = Math.max(1, (2 * left) / 3);
        while (maxSegments + maxSegments / 2 > left) {
            maxSegments--;
        }
        int size = Math.min(responseSize(), maxSegments * MSS);
        byte[] response = tls != null ? tls.response(size) : records(size);
        List<Segment> segments = cut(SERVER, response, MSS);
        if (segments.size() >= 2 && rnd.nextDouble() < reorderChance) {
            int k = rnd.nextInt(segments.size() - 1);
            segments.set(k, segments.set(k + 1, segments.get(k)));
        }
        int withRetransmission = segments.size() + 1;
        if (withRetransmission + withRetransmission / 2 <= left && rnd.nextDouble() < retransmitChance) {
            int k = rnd.nextInt(segments.size());
            segments.add(Math.min(segments.size(), k + 2), segments.get(k));
        }
        queueWithAcks(segments);
    }

    /** Mostly small responses (status, headers), some bodies, a few large messages. */
    private int responseSize() {
        double p = rnd.nextDouble();
        if (p < 0.6) {
            return 40 + rnd.nextInt(900);
        }
        if (p < 0.9) {
            return 1_000 + rnd.nextInt(15_000);
        }
        return 16_000 + rnd.nextInt(MAX_RESPONSE - 16_000);
    }

    /** {@code size} bytes of back-to-back application_data records (each at most 16 KiB of body). */
    private byte[] records(int size) {
        byte[] b = new byte[Math.max(size, 6)];
        int at = 0;
        while (at < b.length) {
            int body = Math.min(MAX_RECORD, b.length - at - 5);
            if (body <= 0) {
                // Fewer than 6 bytes left: grow the previous record's body instead of a headerless tail.
                break;
            }
            TlsMessages.applicationDataInto(b, at, body, templates.noise, rnd.nextInt(templates.noise.length - body));
            at += 5 + body;
        }
        if (at < b.length) {
            return java.util.Arrays.copyOf(b, at);
        }
        return b;
    }

    private void control(int sender, int flags) {
        add(new Segment(sender, flags, nextSeq[sender], null, 0, 0));
    }

    private void whole(int sender, byte[] data) {
        add(new Segment(sender, ACK | PSH, nextSeq[sender], data, 0, data.length));
    }

    /** Cuts data into segments of at most {@code mss} bytes (sequence numbers assigned, nothing queued yet). */
    private List<Segment> cut(int sender, byte[] data, int mss) {
        int size = Math.min(mss, MSS);
        List<Segment> out = new ArrayList<>(data.length / size + 2);
        for (int off = 0; off < data.length; off += size) {
            int len = Math.min(size, data.length - off);
            boolean last = off + len == data.length;
            out.add(new Segment(sender, ACK | (last ? PSH : 0), nextSeq[sender], data, off, len));
            nextSeq[sender] += len;
        }
        return out;
    }

    /** Queues server segments with the client's ACK after every second one. */
    private void queueWithAcks(List<Segment> segments) {
        int n = 0;
        for (Segment s : segments) {
            queue.add(s);
            budget--;
            if (++n % 2 == 0) {
                queue.add(new Segment(CLIENT, ACK, nextSeq[CLIENT], null, 0, 0));
                budget--;
            }
        }
    }

    private void add(Segment s) {
        queue.add(s);
        budget--;
        nextSeq[s.sender()] += s.seqLength();
    }

    /** The fixed messages every connection sends, made once per capture. */
    static final class Templates {
        final byte[] greeting;
        final byte[] startTls;
        final byte[] startTlsOk;
        final byte[] clientHello;
        final byte[] serverFlight;
        final byte[] clientFinished;
        /** Random bytes the bodies of encrypted records are cut from. */
        final byte[] noise;

        Templates(SplittableRandom rnd) {
            greeting = ascii("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS "
                    + "LOGINDISABLED] Dovecot ready.\r\n");
            startTls = ascii("a001 STARTTLS\r\n");
            startTlsOk = ascii("a001 OK Begin TLS negotiation now.\r\n");
            clientHello = TlsMessages.clientHello(rnd);
            serverFlight = TlsMessages.serverFlight(rnd);
            clientFinished = TlsMessages.clientFinished(rnd);
            noise = new byte[256 * 1024];
            for (int i = 0; i < noise.length; i += 8) {
                long v = rnd.nextLong();
                for (int j = 0; j < 8; j++) {
                    noise[i + j] = (byte) (v >>> (8 * j));
                }
            }
        }

        /** The ServerHello record that starts the server's flight. */
        byte[] serverHello() {
            return java.util.Arrays.copyOf(serverFlight, 5 + ((serverFlight[3] & 0xff) << 8 | (serverFlight[4] & 0xff)));
        }

        /** Packets of a connection without any request/response round. */
        int minimumPackets() {
            int flight = (serverFlight.length + MSS - 1) / MSS;
            return 3 + 3 + 1 + flight + flight / 2 + 1 + CLOSE_PACKETS;
        }

        private static byte[] ascii(String s) {
            return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }
}
