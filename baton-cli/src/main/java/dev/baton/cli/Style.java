package dev.baton.cli;

import dev.baton.StateType;

/**
 * Colours for a terminal (ANSI escapes), or none: states coloured as Prefect colours them
 * (completed green, failed and crashed red, running and pending yellow, scheduled cyan...),
 * log levels, headings. With colours off every method returns its text unchanged.
 */
final class Style {
    private static final String RESET = "\u001b[0m";
    private final boolean on;

    Style(boolean on) {
        this.on = on;
    }

    boolean on() {
        return on;
    }

    String bold(String text) {
        return paint("1", text);
    }

    String dim(String text) {
        return paint("2", text);
    }

    String red(String text) {
        return paint("31", text);
    }

    String yellow(String text) {
        return paint("33", text);
    }

    /** {@code text} (a state's name, padded or not) in the colour of {@code type}. */
    String state(StateType type, String text) {
        if (type == null) return text;
        return paint(switch (type) {
            case COMPLETED -> "32";            // green
            case FAILED -> "31";               // red
            case CRASHED -> "1;31";            // bold red
            case RUNNING -> "1;33";            // bold yellow
            case PENDING -> "33";              // yellow
            case SCHEDULED -> "36";            // cyan
            case PAUSED -> "35";               // magenta
            case CANCELLED, CANCELLING -> "90"; // grey
        }, text);
    }

    /** {@code text} in the colour of a log {@code level}. */
    String level(String level, String text) {
        if (level == null) return text;
        return switch (level.toUpperCase(java.util.Locale.ROOT)) {
            case "ERROR" -> paint("1;31", text);
            case "WARN", "WARNING" -> paint("33", text);
            case "DEBUG", "TRACE" -> paint("90", text);
            default -> paint("36", text);
        };
    }

    private String paint(String code, String text) {
        return on && !text.isEmpty() ? "\u001b[" + code + "m" + text + RESET : text;
    }
}
