package io.mailscope.cli.connect;

import io.mailscope.tcp.Direction;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Opens the TCP connection, trying each address of the host in turn, and tells the explanation about it as a
 * capture would show it: the SYN, then the SYN-ACK, the RST-ACK of a closed port, or nothing (no answer).
 */
final class Connector {
    /** How it went: {@code socket} is null when no address could be connected to; the explainer is the last attempt's. */
    record Result(Socket socket, Explainer explainer, InetSocketAddress server, InetSocketAddress local) {}

    private final int port;
    private final long timeoutNanos;
    private final BiFunction<InetSocketAddress, InetSocketAddress, Explainer> explainers;
    private final Consumer<String> note;
    private final Object lock;

    /**
     * @param explainers makes the explainer of an attempt from (local, server) addresses
     * @param lock       held while the explainer is told (the clock thread may read it)
     */
    Connector(int port, long timeoutNanos, BiFunction<InetSocketAddress, InetSocketAddress, Explainer> explainers,
              Consumer<String> note, Object lock) {
        this.port = port;
        this.timeoutNanos = timeoutNanos;
        this.explainers = explainers;
        this.note = note;
        this.lock = lock;
    }

    Result connect(InetAddress[] addresses) {
        Result last = null;
        for (int i = 0; i < addresses.length; i++) {
            InetSocketAddress target = new InetSocketAddress(addresses[i], port);
            boolean more = i < addresses.length - 1;
            Socket s = new Socket();
            long t0 = WallClock.now();
            boolean connected = false;
            try {
                s.connect(target, (int) Math.max(1, timeoutNanos / 1_000_000));
                InetSocketAddress local = (InetSocketAddress) s.getLocalSocketAddress();
                Explainer x = explainers.apply(local, target);
                synchronized (lock) {
                    x.tcp().syn(t0);
                    x.tcp().established(WallClock.now());
                }
                connected = true;
                return new Result(s, x, target, local);
            } catch (ConnectException e) {
                boolean refused = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("refused");
                last = failed(target, t0, refused);
                if (more) {
                    note.accept(ConnectSession.endpoint(target) + ": " + (refused ? "connection refused" : e.getMessage()) + "; trying the next address");
                } else if (!refused) {
                    note.accept("cannot connect to " + ConnectSession.endpoint(target) + ": " + e.getMessage());
                }
            } catch (SocketTimeoutException e) {
                last = failed(target, t0, false);
                synchronized (lock) {
                    // the SYNs Linux sent again meanwhile (after 1 s, then 2, 4, 8... s): what a capture would show
                    long now = WallClock.now();
                    for (long wait = 1_000_000_000L, at = t0 + wait; at < now; wait *= 2, at += wait) {
                        last.explainer().tcp().synRetransmitted(at);
                    }
                }
                if (more) {
                    note.accept(ConnectSession.endpoint(target) + ": no answer in " + ConnectSession.millis(timeoutNanos) + "; trying the next address");
                }
            } catch (NoRouteToHostException e) {
                note.accept("no route to " + ConnectSession.endpoint(target)
                        + ": this machine has no way to reach that address (network down, or a firewall rejects it)");
            } catch (IOException e) {
                note.accept("cannot connect to " + ConnectSession.endpoint(target) + ": " + e.getMessage());
            } finally {
                if (!connected) {
                    closeQuietly(s);
                }
            }
        }
        return last != null ? last : new Result(null, null, null, null);
    }

    /**
     * A failed attempt, for the explanation: a SYN, and the RST-ACK of a refusal (or nothing: no answer). The local
     * port is not known; a placeholder address of the server's family stands for it.
     */
    private Result failed(InetSocketAddress target, long synAt, boolean refused) {
        InetAddress any;
        try {
            any = InetAddress.getByAddress(new byte[target.getAddress().getAddress().length]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        InetSocketAddress local = new InetSocketAddress(any, 0);
        Explainer x = explainers.apply(local, target);
        synchronized (lock) {
            x.tcp().syn(synAt);
            if (refused) {
                x.tcp().rst(Direction.SERVER_TO_CLIENT, true, WallClock.now());
            }
        }
        return new Result(null, x, target, local);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
