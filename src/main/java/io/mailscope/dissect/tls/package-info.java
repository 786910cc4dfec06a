/**
 * Passive TLS dissection: {@link io.mailscope.dissect.tls.TlsAnalyzer} follows both directions of a connection
 * and emits {@link io.mailscope.dissect.tls.TlsEvent}s.
 *
 * <p>Layers, each fed by the one before and none buffering more than it must:
 * <ul>
 *   <li>{@code RecordLayerDecoder}: 5-byte record headers, bodies streamed through; refuses non-TLS bytes.</li>
 *   <li>{@code HandshakeReassembler}: handshake messages across records and segments, capped per type.</li>
 *   <li>{@code ClientHelloParser}, {@code ServerHelloParser}, {@code CertificateParser}: message bodies to
 *   records ({@link io.mailscope.dissect.tls.ClientHello}, {@link io.mailscope.dissect.tls.ServerHello},
 *   {@link io.mailscope.dissect.tls.CertificateInfo}); {@code Fingerprints}: JA3, JA3S, JA4.</li>
 *   <li>{@link io.mailscope.dissect.tls.TlsSniffer}: "does this stream start with TLS?" for the detector layer.</li>
 *   <li>{@link io.mailscope.dissect.tls.TlsNames}: IANA names for every code point shown to people.</li>
 * </ul>
 */
package io.mailscope.dissect.tls;
