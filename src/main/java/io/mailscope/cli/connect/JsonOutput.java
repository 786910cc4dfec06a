package io.mailscope.cli.connect;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.mailscope.explain.Finding;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * JSON Lines for scripts (docs/json.md, "connect"): one object per transcript line, TLS session, finding and
 * remark, then a summary. Findings carry live's fields, with {@code lines} (transcript line numbers) in place of
 * {@code frames}.
 */
final class JsonOutput implements ConnectOutput {
    private final OutputStream out;
    private final JsonGenerator g;
    private String client = "";
    private String server = "";

    JsonOutput(OutputStream out) {
        this.out = out;
        try {
            this.g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    private interface Fields {
        void write() throws IOException;
    }

    private synchronized void object(String type, long timeNanos, Fields fields) {
        try {
            g.writeStartObject();
            g.writeStringField("type", type);
            if (timeNanos != 0) {
                g.writeStringField("time", iso(timeNanos));
            }
            fields.write();
            g.writeEndObject();
            g.flush();
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String iso(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }

    @Override
    public void connected(String client, String server) {
        this.client = client;
        this.server = server;
    }

    @Override
    public void line(TranscriptLine l) {
        object("line", l.timeNanos(), () -> {
            g.writeNumberField("line", l.number());
            g.writeStringField("from", l.from());
            g.writeStringField("text", l.text());
            g.writeBooleanField("inside_tls", l.insideTls());
        });
    }

    @Override
    public void note(String text, long timeNanos) {
        object("note", timeNanos, () -> g.writeStringField("text", text));
    }

    @Override
    public void tls(TlsFacts t, long timeNanos) {
        object("tls", timeNanos, () -> {
            g.writeStringField("version", t.version());
            g.writeStringField("cipher", t.cipher());
            g.writeStringField("sni", t.sni());
            g.writeBooleanField("accepted", t.accepted());
            g.writeArrayFieldStart("chain");
            for (X509Certificate c : t.chain()) {
                g.writeStartObject();
                g.writeStringField("subject", c.getSubjectX500Principal().getName());
                g.writeStringField("issuer", c.getIssuerX500Principal().getName());
                g.writeStringField("not_before", c.getNotBefore().toInstant().toString());
                g.writeStringField("not_after", c.getNotAfter().toInstant().toString());
                g.writeArrayFieldStart("names");
                for (String n : CertificateCheck.names(c)) {
                    g.writeString(n);
                }
                g.writeEndArray();
                g.writeBooleanField("self_signed", CertificateCheck.selfSigned(c));
                g.writeStringField("sha256", sha256(c));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("problems");
            for (CertificateCheck.Problem p : t.problems()) {
                g.writeStartObject();
                g.writeStringField("code", p.code());
                g.writeStringField("text", "the certificate " + p.words());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    private static String sha256(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            return null;
        }
    }

    @Override
    public void finding(Finding f, List<Integer> lines, long timeNanos) {
        object("finding", timeNanos, () -> {
            g.writeNumberField("session", 1);
            g.writeStringField("client", client);
            g.writeStringField("server", server);
            g.writeStringField("code", f.code());
            g.writeStringField("severity", f.severity().label());
            g.writeStringField("summary", f.summary());
            g.writeStringField("explanation", f.explanation());
            g.writeStringField("fix", f.fix());
            g.writeArrayFieldStart("lines");
            for (int n : lines) {
                g.writeNumber(n);
            }
            g.writeEndArray();
        });
    }

    @Override
    public void summary(ConnectSummary s) {
        object("summary", 0, () -> {
            g.writeStringField("host", s.host());
            g.writeStringField("address", s.address());
            g.writeNumberField("port", s.port());
            g.writeStringField("mode", s.mode());
            g.writeStringField("tls_version", s.tlsVersion());
            g.writeStringField("cipher", s.cipher());
            g.writeNumberField("commands", s.commands());
            g.writeNumberField("ok", s.ok());
            g.writeNumberField("refused", s.refused());
            g.writeNumberField("unanswered", s.unanswered());
            g.writeStringField("outcome", s.outcome());
            g.writeArrayFieldStart("findings");
            for (String code : s.findings()) {
                g.writeString(code);
            }
            g.writeEndArray();
            g.writeNumberField("exit_code", s.exitCode());
            g.writeNumberField("seconds", Math.round(s.seconds() * 1000) / 1000.0);
        });
    }

    @Override
    public void close() {
        try {
            g.flush();
        } catch (IOException e) {
            // standard output is gone
        }
    }
}
