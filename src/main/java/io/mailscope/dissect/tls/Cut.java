package io.mailscope.dissect.tls;

/**
 * A handshake message the capture did not hold whole: a hole (the snaplen cut the packet, or the capture dropped
 * it) or the end of the stream came inside it. What arrived before the cut was parsed; what follows is unknown.
 *
 * @param captured bytes of the message body that arrived, in order, before the cut
 * @param length   the body's length as its handshake header declares it
 * @param in       the field the cut fell in, in the RFC's words ({@code random}, {@code cipher_suites},
 *                 {@code extensions}, {@code certificate_list}...)
 */
public record Cut(int captured, int length, String in) {

    /** "cut at byte 232 of 384, in extensions": the words reports and findings use. */
    public String describe() {
        return "cut at byte " + captured + " of " + length + (in == null ? "" : ", in " + in);
    }
}
