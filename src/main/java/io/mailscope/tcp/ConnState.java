package io.mailscope.tcp;

/** Zeek's conn_state vocabulary, verbatim, so people who know conn.log read it at once. */
public enum ConnState {
    S0("connection attempt seen, no reply"),
    S1("connection established, not terminated"),
    SF("normal establishment and termination"),
    REJ("connection attempt rejected"),
    S2("established, close attempt by originator seen (no reply from responder)"),
    S3("established, close attempt by responder seen (no reply from originator)"),
    RSTO("established, originator aborted (sent a RST)"),
    RSTR("responder sent a RST"),
    RSTOS0("originator sent a SYN followed by a RST, no SYN-ACK from the responder"),
    RSTRH("responder sent a SYN-ACK followed by a RST, no SYN from the originator seen"),
    SH("originator sent a SYN followed by a FIN, no SYN-ACK from the responder"),
    SHR("responder sent a SYN-ACK followed by a FIN, no SYN from the originator seen"),
    OTH("no SYN seen, just midstream traffic");

    private final String meaning;

    ConnState(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
