package io.mailscope.cli.connect;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small IMAP server on the JDK's sockets (implicit TLS through SSLServerSocket, or plaintext) for the cases a
 * real dovecot cannot be made to show: a TLS port that never answers, a certificate that is expired or for another
 * name, TLS 1.2 only, a BYE at the first command. It knows one user, alice / secret.
 */
final class JdkImapServer implements AutoCloseable {
    enum Behaviour {
        /** Greets, answers CAPABILITY, LOGIN, APPEND (with its literal), LOGOUT; OK to anything else. */
        IMAP,
        /** Greets, then answers the first command with "* BYE" and closes. */
        BYE,
        /** Greets, then resets the connection (RST) at the first command, half a line written. */
        RESET,
        /** Accepts and reads, never sends a byte (a TLS handshake waits forever). */
        SILENT
    }

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?}$");

    private final ServerSocket server;
    private final Behaviour behaviour;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private JdkImapServer(ServerSocket server, Behaviour behaviour) {
        this.server = server;
        this.behaviour = behaviour;
        this.acceptor = new Thread(this::accept, "jdk-imap-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Implicit TLS with {@code ctx}'s certificate, offering only {@code protocols} when given. */
    static JdkImapServer tls(SSLContext ctx, Behaviour behaviour, String... protocols) throws IOException {
        SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        if (protocols.length > 0) {
            s.setEnabledProtocols(protocols);
        }
        return new JdkImapServer(s, behaviour);
    }

    static JdkImapServer plain(Behaviour behaviour) throws IOException {
        return new JdkImapServer(new ServerSocket(0, 10, InetAddress.getLoopbackAddress()), behaviour);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The lines the server received, in order (what really crossed, to prove what was not sent). */
    List<String> received() {
        return List.copyOf(received);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                clients.add(s);
                Thread t = new Thread(() -> serve(s), "jdk-imap-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            if (behaviour == Behaviour.SILENT) {
                byte[] buf = new byte[4096];
                while (in.read(buf) >= 0) {
                    // swallow everything, answer nothing
                }
                return;
            }
            say(out, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] JDK test server ready");
            String line;
            while ((line = readLine(in)) != null) {
                received.add(line);
                String[] w = line.split(" ", 3);
                String tag = w[0];
                String cmd = w.length > 1 ? w[1].toUpperCase(Locale.ROOT) : "";
                if (behaviour == Behaviour.RESET) {
                    out.write((tag + " OK half a li").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.setSoLinger(true, 0); // close with RST
                    return;
                }
                if (behaviour == Behaviour.BYE) {
                    say(out, "* BYE Server shutting down for maintenance");
                    return;
                }
                Matcher m = LITERAL.matcher(line);
                if (m.find()) {
                    if (!line.endsWith("+}")) {
                        say(out, "+ Ready for literal data");
                    }
                    long n = Long.parseLong(m.group(1));
                    for (long i = 0; i < n; i++) {
                        if (in.read() < 0) {
                            return;
                        }
                    }
                    String rest = readLine(in);
                    received.add("(literal of " + n + ")" + rest);
                }
                switch (cmd) {
                    case "CAPABILITY" -> {
                        say(out, "* CAPABILITY IMAP4rev1 AUTH=PLAIN");
                        say(out, tag + " OK Capability completed.");
                    }
                    case "LOGIN" -> say(out, line.equals(tag + " LOGIN alice secret") ? tag + " OK Logged in"
                            : tag + " NO [AUTHENTICATIONFAILED] Authentication failed.");
                    case "LOGOUT" -> {
                        say(out, "* BYE Logging out");
                        say(out, tag + " OK Logout completed.");
                        return;
                    }
                    default -> say(out, tag + " OK " + cmd + " completed.");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void say(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return null;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        for (Socket s : clients) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
