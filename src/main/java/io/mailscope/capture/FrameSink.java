package io.mailscope.capture;

/** Receives raw captured frames. The buffer is reused after the call returns. */
@FunctionalInterface
public interface FrameSink {
    /**
     * @param linkType  the LINKTYPE_ value of the frame's interface
     * @param capLen    bytes present in the capture
     * @param origLen   bytes on the wire
     */
    void frame(long frameNumber, long timeNanos, int linkType, byte[] buf, int offset, int capLen, int origLen);

    /** Secrets type of a TLS key log in a pcapng Decryption Secrets Block ("TLSK"). */
    int TLS_KEY_LOG = 0x544c534b;

    /**
     * Secrets embedded in the capture (pcapng Decryption Secrets Block), before the frames they decrypt. Ignored
     * unless the sink decrypts.
     *
     * @param source      where they came from, for messages ("FILE: decryption secrets block at byte N")
     * @param secretsType the block's secrets type ({@link #TLS_KEY_LOG} for an NSS key log)
     */
    default void decryptionSecrets(String source, int secretsType, byte[] buf, int offset, int length) {
    }
}
