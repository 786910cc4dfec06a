package io.mailscope.capture.live;

/** Why a live capture ended. */
public enum StopReason {
    /** Still capturing. */
    RUNNING,
    /** {@link LiveCapture#stop()} was called (Ctrl-C, the CLI, a test). */
    STOPPED,
    /** The frame limit was reached. */
    FRAME_LIMIT,
    /** The duration limit was reached. */
    DURATION_LIMIT,
    /** libpcap reported an error (interface gone, ...) or the FrameSink threw: see {@link LiveCapture#stop()}. */
    FAILED
}
