package io.mailscope.dissect.smtp;

import io.mailscope.dissect.Event;

/** What the SMTP analyzer reports. */
public sealed interface SmtpEvent extends Event permits SmtpEvent.Placeholder {
    /** Not an event: SMTP is recognised but not yet dissected, so no SmtpEvent is ever made. */
    record Placeholder(io.mailscope.dissect.At at) implements SmtpEvent {}
}
