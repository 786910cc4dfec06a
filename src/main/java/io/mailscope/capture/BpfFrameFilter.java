package io.mailscope.capture;

import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

/**
 * Lets through only the frames a BPF filter (tcpdump syntax) accepts, for {@code analyze --filter}. libpcap
 * compiles and runs the filter (through pcap4j), so expressions mean exactly what they mean to tcpdump; one
 * program per link type, compiled when that link type first appears. Frame numbers are kept, so they still
 * match Wireshark's. This costs a native call per frame: it is only in the path when a filter is given.
 */
public final class BpfFrameFilter implements FrameSink {
    /** libpcap's PCAP_NETMASK_UNKNOWN: only "ip broadcast" needs a real one. */
    private static final Inet4Address NETMASK_UNKNOWN = unknownNetmask();

    private final String expression;
    private final FrameSink next;
    private final Map<Integer, BpfProgram> programs = new HashMap<>();
    private byte[] copy = new byte[0];
    private long rejected;

    /**
     * @throws IllegalArgumentException when libpcap is missing or the expression does not compile (checked on Ethernet
     *                                  at once, so a typo is reported before any file is read)
     */
    public BpfFrameFilter(String expression, FrameSink next) {
        this.expression = expression;
        this.next = next;
        program(LinkTypes.ETHERNET);
    }

    private static Inet4Address unknownNetmask() {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {-1, -1, -1, -1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private BpfProgram program(int linkType) {
        return programs.computeIfAbsent(linkType, lt -> {
            try {
                return Pcaps.compileFilter(262_144, DataLinkType.getInstance(lt), expression,
                        BpfProgram.BpfCompileMode.OPTIMIZE, NETMASK_UNKNOWN);
            } catch (PcapNativeException e) {
                throw new IllegalArgumentException("bad filter '" + expression + "': " + e.getMessage());
            } catch (LinkageError e) {
                throw new IllegalArgumentException("--filter needs libpcap, which is not installed (apt-get install libpcap0.8)");
            }
        });
    }

    @Override
    public void decryptionSecrets(String source, int secretsType, byte[] buf, int offset, int length) {
        next.decryptionSecrets(source, secretsType, buf, offset, length);
    }

    @Override
    public void frame(long frameNumber, long timeNanos, int linkType, byte[] buf, int offset, int capLen, int origLen) {
        byte[] packet = buf;
        if (offset != 0) {
            if (copy.length < capLen) {
                copy = new byte[Math.max(capLen, 2048)];
            }
            System.arraycopy(buf, offset, copy, 0, capLen);
            packet = copy;
        }
        if (program(linkType).applyFilter(packet, origLen, capLen)) {
            next.frame(frameNumber, timeNanos, linkType, buf, offset, capLen, origLen);
        } else {
            rejected++;
        }
    }

    /** Frames the filter turned away. */
    public long rejected() {
        return rejected;
    }
}
