/**
 * IMAP (RFC 9051, RFC 3501) for both directions of a connection, in the Zeek model: {@link
 * io.mailscope.dissect.imap.ImapAnalyzer} takes ordered bytes, gaps and ends per direction and emits {@link
 * io.mailscope.dissect.imap.ImapEvent}s; it never throws and never buffers more than one bounded line.
 *
 * <ul>
 *   <li>{@code LineFramer}: lines and literals, Netty style (consume what you can, keep the rest); literals are
 *       skipped by counting, lines are bounded.</li>
 *   <li>{@code ClientLine} / {@code ServerLine}: one line's grammar (tag, command, response code...), with
 *       credentials hidden on request.</li>
 *   <li>{@code DeflateInput}: COMPRESS=DEFLATE (RFC 4978) through java.util.zip.</li>
 *   <li>{@code TagTracker}, {@code Capabilities}: bounded conversation state.</li>
 * </ul>
 */
package io.mailscope.dissect.imap;
