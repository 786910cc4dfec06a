package io.mailscope.dissect.tls.decrypt;

/**
 * What a key log holds for one connection (one client random). Any field may be null. TLS 1.2 and older need
 * {@code masterSecret}; TLS 1.3 the four traffic secrets.
 */
public record TlsSecrets(byte[] masterSecret, byte[] clientHandshake, byte[] serverHandshake, byte[] clientTraffic0,
                         byte[] serverTraffic0) {
    static final TlsSecrets EMPTY = new TlsSecrets(null, null, null, null, null);

    TlsSecrets with(KeyLogLine.Label label, byte[] secret) {
        return switch (label) {
            case CLIENT_RANDOM -> new TlsSecrets(secret, clientHandshake, serverHandshake, clientTraffic0, serverTraffic0);
            case CLIENT_HANDSHAKE_TRAFFIC_SECRET -> new TlsSecrets(masterSecret, secret, serverHandshake, clientTraffic0, serverTraffic0);
            case SERVER_HANDSHAKE_TRAFFIC_SECRET -> new TlsSecrets(masterSecret, clientHandshake, secret, clientTraffic0, serverTraffic0);
            case CLIENT_TRAFFIC_SECRET_0 -> new TlsSecrets(masterSecret, clientHandshake, serverHandshake, secret, serverTraffic0);
            case SERVER_TRAFFIC_SECRET_0 -> new TlsSecrets(masterSecret, clientHandshake, serverHandshake, clientTraffic0, secret);
        };
    }

    /** Every TLS 1.3 secret of the given direction is present (handshake and first application secret). */
    boolean hasTls13(boolean client) {
        return client ? clientHandshake != null && clientTraffic0 != null
                : serverHandshake != null && serverTraffic0 != null;
    }
}
