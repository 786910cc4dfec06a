package io.mailscope.tcp;

/** Which way bytes flow on a connection. The client is the side that sent the SYN (or, mid-stream, the higher port). */
public enum Direction {
    CLIENT_TO_SERVER("client", "C"),
    SERVER_TO_CLIENT("server", "S");

    private final String sender;
    private final String letter;

    Direction(String sender, String letter) {
        this.sender = sender;
        this.letter = letter;
    }

    /** Who sends in this direction: "client" or "server". */
    public String sender() {
        return sender;
    }

    /** "C" or "S", for transcripts. */
    public String letter() {
        return letter;
    }

    public Direction opposite() {
        return this == CLIENT_TO_SERVER ? SERVER_TO_CLIENT : CLIENT_TO_SERVER;
    }

    public boolean fromClient() {
        return this == CLIENT_TO_SERVER;
    }
}
