package io.mailscope.explain.rules;

import io.mailscope.dissect.SessionEvent;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.explain.CommonCode;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.Severity;

/**
 * What the capture cannot show: a connection that began before it, packets cut by the snaplen, bytes missing,
 * and the rare stream mailscope itself failed to parse (internal-error: the findings before it still hold).
 */
final class CaptureQualityRule implements Rule {

    @Override
    public void apply(RuleContext x) {
        var c = x.c;
        var f = x.f;
        if (c.midstream()) {
            x.add(CommonCode.CAPTURE_MIDSTREAM, Severity.INFO, "The capture started after this connection began.",
                    "No SYN was seen: the first packet is frame " + c.firstFrame()
                            + ". The greeting, STARTTLS and TLS handshake may be missing, so the diagnosis is limited to what follows.",
                    "Start the capture before the client connects.", c.firstFrame())
                    .implies(x.success() ? Outcome.OK : Outcome.INCOMPLETE);
        }
        if (c.truncatedSegments() > 0) {
            long first = f.firstTruncated != null ? f.firstTruncated.at().frame() : c.firstFrame();
            boolean tlsCut = !f.cutTls.isEmpty() || f.clientFramingLost != null || f.serverFramingLost != null;
            long[] frames = new long[1 + f.cutTls.size()];
            frames[0] = first;
            for (int i = 0; i < f.cutTls.size(); i++) {
                frames[i + 1] = f.cutTls.get(i).at().frame();
            }
            x.add(CommonCode.SNAPLEN_TRUNCATED, Severity.WARNING, tlsCut
                            ? "The capture cut packets short (snaplen), and with them the TLS handshake."
                            : "The capture cut packets short (snaplen).",
                    (c.truncatedSegments() == 1 ? "1 segment of this connection was" : c.truncatedSegments() + " segments of this connection were")
                            + " captured only in part"
                            + (f.firstTruncated != null ? " (the first, frame " + f.firstTruncated.at().frame() + ", lost "
                            + f.firstTruncated.missing() + " bytes)" : "")
                            + ", so their payload is missing from the analysis." + CutTlsWords.story(x),
                    "Capture full packets: `tcpdump -s 0` (or -s 262144)"
                            + (tlsCut ? "; a TLS handshake needs whole packets (a ClientHello alone is 300 to 2,000 bytes)." : "."),
                    frames);
        }
        if (c.gaps() > c.truncatedSegments()) {
            long first = f.gaps.isEmpty() ? 0 : f.gaps.get(0).at().frame();
            x.add(CommonCode.CAPTURE_GAP, Severity.WARNING, "Bytes are missing from the capture.",
                    c.gaps() + " hole" + (c.gaps() > 1 ? "s" : "") + " (" + c.gapBytes() + " bytes) in this connection's streams"
                            + (first > 0 ? ", first noticed at frame " + first : "")
                            + ": packets were on the wire but not in the capture (dropped by the capturing host, or a capture filter). The analysis skips them.",
                    "Capture with a bigger buffer (tcpdump -B 32768) and without filters that split the connection; check the capture's drop count.",
                    first);
        }
        internalErrors(x);
    }

    private void internalErrors(RuleContext x) {
        String detail = null;
        long frame = 0;
        for (SessionEvent.InternalError e : x.f.internalErrors) {
            detail = e.detail();
            frame = e.at().frame();
            break;
        }
        for (TlsEvent.Problem p : x.f.tlsProblems) {
            if (detail == null && "internal-error".equals(p.code())) {
                detail = p.detail();
                frame = p.at().frame();
            }
        }
        if (detail == null) {
            return;
        }
        x.add(CommonCode.INTERNAL_ERROR, Severity.WARNING, "mailscope could not parse part of this session.",
                "At frame " + frame + " mailscope's own parser failed (" + detail + "); from there that direction is only counted."
                        + " The findings above rest on what came before; nothing after it was analyzed.",
                "Please report this with the capture (or its frames around " + frame + "): it is a bug in mailscope, not in your traffic.",
                frame);
    }
}
