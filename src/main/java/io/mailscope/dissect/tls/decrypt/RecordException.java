package io.mailscope.dissect.tls.decrypt;

/** A record that does not decrypt: the message says why (tag mismatch, bad padding, too short...). */
public final class RecordException extends Exception {
    public RecordException(String message) {
        super(message, null, false, false); // an expected outcome of bad keys: no stack trace to fill
    }
}
