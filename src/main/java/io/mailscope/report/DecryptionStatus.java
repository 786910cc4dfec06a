package io.mailscope.report;

import io.mailscope.dissect.Event;
import io.mailscope.dissect.Session;
import io.mailscope.dissect.tls.TlsEvent;

/** Whether a session's TLS was decrypted with a key log, in words, for the text and HTML reports. */
final class DecryptionStatus {
    private DecryptionStatus() {
    }

    /** "decrypted with the key log (TLS 1.3 ...)", "not decrypted: reason", or null when no key log applied. */
    static String of(Session s) {
        String decrypted = null;
        for (Event e : s.events()) {
            if (e instanceof TlsEvent.DecryptionFailed f) {
                return decrypted == null ? "not decrypted: " + f.reason()
                        : decrypted + ", then stopped: " + f.reason();
            } else if (decrypted == null && e instanceof TlsEvent.Decrypted d) {
                decrypted = "decrypted with the key log (" + d.how() + ")";
            }
        }
        return decrypted;
    }
}
