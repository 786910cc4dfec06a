package io.mailscope.cli.connect;

import io.mailscope.dissect.PortRole;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Finding;
import io.mailscope.tcp.Direction;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What crosses a socket, written as packets, is explained by the same chain as a capture. */
class ExplainerTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private final List<Finding> told = new ArrayList<>();

    private Explainer explainer(PortRole role, int port) throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        return new Explainer(new InetSocketAddress(lo, 40000), new InetSocketAddress(lo, port), role, true,
                3_000_000_000L, told::add);
    }

    private static long send(Explainer x, Direction d, String text, long t) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return x.tcp().data(d, b, 0, b.length, t);
    }

    private List<String> codes() {
        return told.stream().map(Finding::code).toList();
    }

    @Test
    void aLoginRefusedBeforeStarttlsIsToldTheMomentTheServerAnswers() throws Exception {
        Explainer x = explainer(PortRole.IMAP, 143);
        x.tcp().syn(T0);
        x.tcp().established(T0 + 1_000_000);
        send(x, Direction.SERVER_TO_CLIENT, "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n", T0 + 2_000_000);
        assertEquals(java.util.Set.of("IMAP4REV1", "STARTTLS", "LOGINDISABLED"), x.capabilitiesBeforeTls());
        long frame = send(x, Direction.CLIENT_TO_SERVER, "a1 LOGIN alice secret\r\n", T0 + 3_000_000);
        assertEquals(List.of("a1 LOGIN alice ***"), x.clientLinesIn(frame));
        send(x, Direction.SERVER_TO_CLIENT, "a1 NO [PRIVACYREQUIRED] Plaintext authentication disallowed\r\n", T0 + 4_000_000);
        assertTrue(codes().contains("login-before-starttls"), codes().toString());
        x.tcp().fin(Direction.CLIENT_TO_SERVER, T0 + 5_000_000);
        x.tcp().fin(Direction.SERVER_TO_CLIENT, T0 + 5_100_000);
        AnalyzedSession s = x.finish();
        assertEquals("refused", s.diagnosis().outcome().label());
        assertEquals(1, codes().stream().filter("login-before-starttls"::equals).count(), "told once");
    }

    @Test
    void aSilentServerOnAnUnusualPortBecomesTheBlankScreenOnceTakenForImplicitTls() throws Exception {
        Explainer x = explainer(PortRole.OTHER, 10993);
        x.tcp().syn(T0);
        x.tcp().established(T0 + 1_000_000);
        x.tick(T0 + 3_500_000_000L);
        assertTrue(told.isEmpty(), "no role, no verdict: " + codes());
        assertTrue(x.reconsider(PortRole.IMAPS));
        x.tick(T0 + 3_600_000_000L);
        assertEquals(List.of("implicit-tls-mutual-wait"), codes());
    }

    @Test
    void imapInsideTlsIsExplainedAsInsideTls() throws Exception {
        Explainer x = explainer(PortRole.IMAPS, 993);
        x.tcp().syn(T0);
        x.tcp().established(T0 + 1_000_000);
        javax.net.ssl.SSLEngine engine = javax.net.ssl.SSLContext.getDefault().createSSLEngine("mail.example.test", 993);
        engine.setUseClientMode(true);
        java.nio.ByteBuffer hello = java.nio.ByteBuffer.allocate(65536);
        engine.wrap(java.nio.ByteBuffer.allocate(0), hello);
        hello.flip();
        x.tcp().data(Direction.CLIENT_TO_SERVER, hello.array(), 0, hello.limit(), T0 + 1_500_000);
        x.innerStarts();
        byte[] greet = "* OK ready\r\n".getBytes(StandardCharsets.US_ASCII);
        x.inner(Direction.SERVER_TO_CLIENT, greet, 0, greet.length, 3, T0 + 2_000_000);
        byte[] login = "a1 LOGIN alice wrong\r\n".getBytes(StandardCharsets.US_ASCII);
        x.inner(Direction.CLIENT_TO_SERVER, login, 0, login.length, 3, T0 + 3_000_000);
        byte[] no = "a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n".getBytes(StandardCharsets.US_ASCII);
        x.inner(Direction.SERVER_TO_CLIENT, no, 0, no.length, 3, T0 + 4_000_000);
        assertTrue(codes().contains("authentication-failed"), codes().toString());
        assertTrue(!codes().contains("cleartext-credentials"), codes().toString());
    }
}
