package io.mailscope.explain;


/** One word for how a session ended. */
public enum Outcome {
    /** It did what it set out to do. */
    OK,
    /** Both sides waited; ended by silence, a timeout or the end of the capture. */
    STALLED,
    /** The server refused the connection or the client's request. */
    REFUSED,
    /** A side closed or reset after unexpected input, with no protocol-level message. */
    DROPPED,
    /** A TLS alert ended it. */
    ALERT,
    /** The capture does not show enough to tell. */
    INCOMPLETE;

    public String label() {
        return Labels.lower(this);
    }

    public boolean failed() {
        return this != OK;
    }
}
