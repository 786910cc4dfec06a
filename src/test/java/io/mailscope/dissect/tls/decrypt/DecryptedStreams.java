package io.mailscope.dissect.tls.decrypt;

import io.mailscope.capture.CaptureReader;
import io.mailscope.capture.FrameSink;
import io.mailscope.capture.PacketDecoder;
import io.mailscope.dissect.At;
import io.mailscope.dissect.PortRoles;
import io.mailscope.dissect.Session;
import io.mailscope.dissect.SessionAnalyzer;
import io.mailscope.dissect.tls.TlsAnalyzer;
import io.mailscope.tcp.ConnectionListener;
import io.mailscope.tcp.Direction;
import io.mailscope.tcp.ReassemblyLimits;
import io.mailscope.tcp.StreamConsumer;
import io.mailscope.tcp.TcpConnection;
import io.mailscope.tcp.TcpReassembler;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Test helper: reads a capture through the real chain (reader, decoder, reassembly, session analyzer) with a key
 * log and collects the decrypted application data of each connection and direction, with the session's events.
 */
final class DecryptedStreams {
    /** One connection: what mailscope decrypted each way, and its events. */
    record Stream(int serverPort, byte[] client, byte[] server, Session session) {}

    static List<Stream> read(Path capture, Path keylog, int... tlsPorts) throws Exception {
        KeyLog keys = new KeyLog();
        if (keylog != null) {
            keys.addFile(keylog);
        }
        Set<Integer> imaps = new java.util.LinkedHashSet<>();
        for (int p : tlsPorts) {
            imaps.add(p);
        }
        PortRoles roles = new PortRoles(Set.of(10143, 11143), imaps);
        List<Stream> out = new ArrayList<>();
        ConnectionListener listener = new ConnectionListener() {
            @Override
            public StreamConsumer opened(TcpConnection connection) {
                Session session = new Session(connection, roles.role(connection.server().port()));
                SessionAnalyzer analyzer = new SessionAnalyzer(session, true, keys);
                ByteArrayOutputStream client = new ByteArrayOutputStream();
                ByteArrayOutputStream server = new ByteArrayOutputStream();
                analyzer.plaintextTap(new TlsAnalyzer.Plaintext() {
                    @Override
                    public void applicationData(Direction d, byte[] buf, int off, int len, At at) {
                        (d == Direction.CLIENT_TO_SERVER ? client : server).write(buf, off, len);
                    }

                    @Override
                    public void lost(Direction d, long length, At at) {
                    }
                });
                connection.attach(new Object[] {session, client, server});
                return analyzer;
            }

            @Override
            public void closed(TcpConnection connection) {
                Object[] a = (Object[]) connection.attachment();
                out.add(new Stream(connection.server().port(), ((ByteArrayOutputStream) a[1]).toByteArray(),
                        ((ByteArrayOutputStream) a[2]).toByteArray(), (Session) a[0]));
            }
        };
        TcpReassembler reassembler = new TcpReassembler(listener, ReassemblyLimits.DEFAULT, roles::isMailPort);
        PacketDecoder decoder = new PacketDecoder(reassembler);
        try (CaptureReader reader = CaptureReader.open(capture.toString())) {
            reader.readFrames(new FrameSink() {
                @Override
                public void frame(long n, long t, int link, byte[] buf, int off, int cap, int orig) {
                    decoder.frame(n, t, link, buf, off, cap, orig);
                }

                @Override
                public void decryptionSecrets(String source, int type, byte[] buf, int off, int len) {
                    if (type == FrameSink.TLS_KEY_LOG) {
                        keys.addEmbedded(source, buf, off, len);
                    }
                }
            });
        }
        reassembler.finish();
        return out;
    }
}
