package io.mailscope.capture.live;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Real traffic on 127.0.0.1 for the live tests: a server that greets like IMAP and answers LOGOUT, and a
 * client that reads the greeting and logs out. Everything it starts is closed by {@link #close}.
 */
final class LoopbackImapExchange implements AutoCloseable {
    static final String GREETING = "* OK test ready\r\n";
    static final String LOGOUT = "a1 LOGOUT\r\n";
    static final String BYE = "* BYE\r\na1 OK LOGOUT done\r\n";

    private final ServerSocket server;
    private final Thread serverThread;
    private volatile Exception serverError;

    LoopbackImapExchange() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        serverThread = new Thread(this::serve, "test-imap-server");
        serverThread.setDaemon(true);
        serverThread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** One client session: connect, read the greeting, send LOGOUT, read the answer, close. Returns the client's port. */
    int runClient() throws IOException {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port())) {
            s.setSoTimeout(5000);
            String greeting = readLine(s.getInputStream());
            if (!(greeting + "\r\n").equals(GREETING)) {
                throw new IOException("unexpected greeting: " + greeting);
            }
            s.getOutputStream().write(LOGOUT.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            readLine(s.getInputStream());
            readLine(s.getInputStream());
            return s.getLocalPort();
        }
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write(GREETING.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String command = readLine(s.getInputStream());
                if (command.equals(LOGOUT.trim())) {
                    out.write(BYE.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException e) {
                if (!server.isClosed()) {
                    serverError = e;
                }
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
            if (sb.length() > 1000) {
                throw new IOException("line too long");
            }
        }
        return sb.toString();
    }

    Exception serverError() {
        return serverError;
    }

    @Override
    public void close() throws Exception {
        server.close();
        serverThread.join(5000);
    }
}
