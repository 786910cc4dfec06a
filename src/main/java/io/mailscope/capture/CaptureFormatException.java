package io.mailscope.capture;

/**
 * A capture file is not what it claims to be, or is cut short. Its message is one line naming the file,
 * the frame and the byte offset; everything read before the fault has already been delivered.
 */
public final class CaptureFormatException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final long frame;
    private final long offset;
    private final String problem;

    public CaptureFormatException(String file, long frame, long offset, String problem) {
        super(file + ": frame " + frame + " at byte offset " + offset + ": " + problem);
        this.file = file;
        this.frame = frame;
        this.offset = offset;
        this.problem = problem;
    }

    /** What was wrong, without the file, frame and offset. */
    public String problem() {
        return problem;
    }

    public String file() {
        return file;
    }

    public long frame() {
        return frame;
    }

    public long offset() {
        return offset;
    }
}
