package io.mailscope.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;

/** "30s", "5m", "1h", "250ms", or plain seconds ("2.5"). */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long unit = switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
                case 's' -> 1_000;
                case 'm' -> 60_000;
                case 'h' -> 3_600_000;
                default -> 0;
            };
            String number = unit == 0 ? v : v.substring(0, v.length() - 1);
            double ms = Double.parseDouble(number) * (unit == 0 ? 1_000 : unit);
            if (ms <= 0) {
                throw new CommandLine.TypeConversionException("a duration must be positive: " + value);
            }
            return Duration.ofMillis((long) ms);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("not a duration: '" + value + "' (use e.g. 30s, 5m, 1h, 250ms)");
        }
    }
}
