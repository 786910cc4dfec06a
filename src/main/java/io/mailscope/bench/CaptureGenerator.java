package io.mailscope.bench;

import static io.mailscope.bench.FrameBytes.ipChecksum;
import static io.mailscope.bench.FrameBytes.put16;
import static io.mailscope.bench.FrameBytes.put32;

import java.io.IOException;
import java.io.OutputStream;
import java.util.SplittableRandom;

import io.mailscope.capture.LinkTypes;
import io.mailscope.capture.PcapWriter;

/**
 * Writes a realistic IMAP/TLS capture of an exact number of packets and connections: Ethernet, IPv4, TCP with
 * timestamps options, many connections open at once and interleaved packet by packet (see
 * {@link SimulatedConnection} for what each one sends). Deterministic for a seed. Streams: only the open
 * connections' next exchanges are held, whatever the size of the file.
 */
public final class CaptureGenerator {
    /**
     * @param packets          packets in the capture (exact)
     * @param connections      TCP connections in the capture (exact)
     * @param concurrency      connections open at once
     * @param seed             the same seed gives the same file
     * @param retransmitChance per request/response round: one response segment sent twice
     * @param reorderChance    per request/response round: two response segments swapped
     * @param meanGapNanos     mean time between two packets of the capture
     */
    public record Settings(long packets, int connections, int concurrency, long seed, double retransmitChance,
                           double reorderChance, long meanGapNanos) {
        public Settings {
            if (connections < 1 || concurrency < 1) {
                throw new IllegalArgumentException("connections and concurrency must be at least 1");
            }
            if (packets / connections > Integer.MAX_VALUE / 2) {
                throw new IllegalArgumentException("too many packets per connection");
            }
        }

        public static Settings of(long packets, int connections) {
            return new Settings(packets, connections, 256, 1, 0.05, 0.03, 20_000);
        }
    }

    /** What was written. */
    public record Result(long packets, int connections, long bytes) {
    }

    /** Smallest number of packets a connection is generated with (handshakes and close, no data round). */
    public static int minimumPacketsPerConnection() {
        return new SimulatedConnection.Templates(new SplittableRandom(0)).minimumPackets();
    }

    /** What the generators write: Ethernet frames, tcpdump's default snaplen. */
    public static final int SNAPLEN = 262_144;

    private static final long START_NANOS = 1_764_115_200_000_000_000L; // 2025-11-26 00:00 UTC
    private static final byte[] CLIENT_MAC = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
    private static final byte[] SERVER_MAC = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x02};

    private final Settings settings;
    private final SplittableRandom rnd;
    private final SimulatedConnection.Templates templates;
    private final byte[] frame = new byte[14 + 20 + 40 + SimulatedConnection.MSS];
    private int started;
    private long budgetBase;
    private long budgetExtra;
    private int pendingDelta;
    /** Where the key log goes when the capture is decryptable (bench generate --keylog), else null. */
    private java.io.Writer keyLog;

    public CaptureGenerator(Settings settings) {
        this.settings = settings;
        this.rnd = new SplittableRandom(settings.seed());
        this.templates = new SimulatedConnection.Templates(rnd.split());
        int min = templates.minimumPackets();
        if (settings.packets() < (long) min * settings.connections()) {
            throw new IllegalArgumentException(settings.connections() + " connections need at least "
                    + (long) min * settings.connections() + " packets (" + min + " each), got " + settings.packets());
        }
        budgetBase = settings.packets() / settings.connections();
        budgetExtra = settings.packets() % settings.connections();
    }

    /**
     * Makes every connection's TLS real (its own secrets, records sealed with them) and writes the NSS key log
     * that decrypts it to {@code keyLog}.
     */
    public CaptureGenerator decryptable(java.io.Writer keyLog) {
        this.keyLog = keyLog;
        return this;
    }

    /** A writer for the generators' frames in this format (pcap in microseconds, as tcpdump writes, or pcapng). */
    public static PcapWriter writer(OutputStream out, PcapWriter.Format format) throws IOException {
        return PcapWriter.to(out, format, LinkTypes.ETHERNET, SNAPLEN);
    }

    public Result write(PcapWriter out) throws IOException {
        int concurrency = Math.min(settings.concurrency(), settings.connections());
        SimulatedConnection[] open = new SimulatedConnection[concurrency];
        int openCount = 0;
        while (openCount < concurrency) {
            open[openCount++] = startConnection();
        }
        long clock = START_NANOS;
        double mean = settings.meanGapNanos();
        while (openCount > 0) {
            int i = rnd.nextInt(openCount);
            SimulatedConnection c = open[i];
            SimulatedConnection.Segment s = c.next();
            clock += (long) (-mean * Math.log(1.0 - rnd.nextDouble())) + 1;
            int len = build(c, s, clock);
            out.write(clock, frame, 0, len, len);
            if (c.done()) {
                if (started < settings.connections()) {
                    open[i] = startConnection();
                } else {
                    open[i] = open[--openCount];
                    open[openCount] = null;
                }
            }
        }
        return new Result(out.frames(), started, out.bytes());
    }

    /**
     * Connection budgets vary in pairs (one gets d more than the mean, the next d less) so they add up exactly;
     * the first {@code packets % connections} get one more.
     */
    private SimulatedConnection startConnection() {
        int index = started++;
        long budget = budgetBase + (index < budgetExtra ? 1 : 0);
        int min = templates.minimumPackets();
        if (index % 2 == 0) {
            boolean hasPartner = index + 1 < settings.connections();
            pendingDelta = hasPartner ? rnd.nextInt((int) (budgetBase - min) + 1) : 0;
            budget += pendingDelta;
        } else {
            budget -= pendingDelta;
        }
        int host = index + 1;
        int clientIp = (10 << 24) | (host & 0xffffff);
        int serverIp = (192 << 24) | (2 << 8) | (10 + index % 4); // 192.0.2.10-13
        int clientPort = 32768 + (int) ((index * 7919L) % 28232);
        DecryptableTls tls = null;
        if (keyLog != null) {
            tls = new DecryptableTls(rnd.split());
            try {
                keyLog.write(tls.keyLog());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return new SimulatedConnection(clientIp, clientPort, serverIp, 143, (int) budget, templates, rnd.split(),
                settings.retransmitChance(), settings.reorderChance(), tls);
    }

    /** Ethernet + IPv4 + TCP (with timestamps, and MSS/SACK/window scale on SYNs) + payload into {@link #frame}. */
    private int build(SimulatedConnection c, SimulatedConnection.Segment s, long clock) {
        byte[] f = frame;
        boolean fromClient = s.sender() == SimulatedConnection.CLIENT;
        System.arraycopy(fromClient ? SERVER_MAC : CLIENT_MAC, 0, f, 0, 6);
        System.arraycopy(fromClient ? CLIENT_MAC : SERVER_MAC, 0, f, 6, 6);
        f[12] = 0x08;
        f[13] = 0x00;
        boolean syn = (s.flags() & SimulatedConnection.SYN) != 0;
        int tcpHeader = syn ? 40 : 32;
        int ipLength = 20 + tcpHeader + s.len();
        int ip = 14;
        f[ip] = 0x45;
        f[ip + 1] = 0;
        put16(f, ip + 2, ipLength);
        put16(f, ip + 4, c.nextIpId(s.sender()));
        put16(f, ip + 6, 0x4000); // don't fragment
        f[ip + 8] = 64;
        f[ip + 9] = 6;
        put16(f, ip + 10, 0);
        put32(f, ip + 12, fromClient ? c.clientIp : c.serverIp);
        put32(f, ip + 16, fromClient ? c.serverIp : c.clientIp);
        put16(f, ip + 10, ipChecksum(f, ip));
        int t = ip + 20;
        put16(f, t, fromClient ? c.clientPort : c.serverPort);
        put16(f, t + 2, fromClient ? c.serverPort : c.clientPort);
        put32(f, t + 4, s.seq());
        boolean ack = (s.flags() & SimulatedConnection.ACK) != 0;
        put32(f, t + 8, ack ? c.ackFor(s) : 0);
        f[t + 12] = (byte) ((tcpHeader / 4) << 4);
        f[t + 13] = (byte) s.flags();
        put16(f, t + 14, fromClient ? 502 : 509);
        put16(f, t + 16, 0); // checksum left 0, as captured on a host with checksum offload
        put16(f, t + 18, 0);
        int o = t + 20;
        int tsval = (int) (clock / 1_000_000);
        if (syn) {
            f[o++] = 2; f[o++] = 4; put16(f, o, SimulatedConnection.MSS); o += 2;
            f[o++] = 4; f[o++] = 2;
            o = timestamps(f, o, tsval, ack ? tsval - 1 : 0);
            f[o++] = 1;
            f[o++] = 3; f[o++] = 3; f[o++] = 7;
        } else {
            f[o++] = 1;
            f[o++] = 1;
            o = timestamps(f, o, tsval, tsval - 1);
        }
        if (s.len() > 0) {
            System.arraycopy(s.data(), s.off(), f, o, s.len());
        }
        return o + s.len();
    }

    private static int timestamps(byte[] f, int o, int tsval, int tsecr) {
        f[o] = 8;
        f[o + 1] = 10;
        put32(f, o + 2, tsval);
        put32(f, o + 6, tsecr);
        return o + 10;
    }
}
