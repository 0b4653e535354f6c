package dev.baton.spi;

import java.util.Locale;

/**
 * Every kind of text a run's history records, with the most characters it keeps, and the one
 * way text is cleaned before it is recorded: by the embedded and PostgreSQL stores, the API
 * server and client mode alike, so a run reads the same whichever way it was recorded, and no
 * text can make a store refuse a write (and the rest of the batch with it).
 *
 * <p>{@link #clean} replaces each NUL character (U+0000, which PostgreSQL cannot store) and each
 * unpaired surrogate (which has no UTF-8 form) with U+FFFD, the replacement character, so the
 * text keeps its length and shows where something was. Text longer than the limit is clipped
 * and ends with a marker saying how much was left out ({@code "… [clipped 12,345 chars]"}; just
 * {@code "…"} where the limit is too short for the marker). A reference ({@link #RESULT_REF}) is
 * left out instead (null: a cut path points nowhere), and the parameters' JSON is replaced with a
 * note (a cut document is not JSON). Clean text that fits is returned as it is, the same instance:
 * checking costs one scan and no allocation.
 *
 * <pre>{@code
 * String name = RecordedText.TASK_RUN_NAME.clean(run.name());
 * }</pre>
 */
public enum RecordedText {
    FLOW_RUN_NAME(200),
    FLOW_NAME(500),
    TASK_RUN_NAME(600),
    TASK_NAME(500),
    TASK_VERSION(200),
    TAG(200),
    STATE_NAME(64),
    STATE_MESSAGE(100_000),
    LOG_LEVEL(8),
    LOGGER(200),
    LOG_MESSAGE(100_000),
    /** The host and process id that ran a flow run. */
    PROCESS(200),
    /** A flow run's arguments as a JSON array: too long, it becomes a one-element array holding a note. */
    PARAMETERS(100_000),
    /** Where a state's result is stored: too long or not clean, it is left out (null). */
    RESULT_REF(1_000);

    /** What NUL characters and unpaired surrogates become. */
    public static final char REPLACEMENT = '\uFFFD';

    private final int maxChars;

    RecordedText(int maxChars) {
        this.maxChars = maxChars;
    }

    /** The most characters (UTF-16 units, as {@link String#length()}) recorded of this kind of text. */
    public int maxChars() {
        return maxChars;
    }

    /**
     * {@code text} as it is recorded: NUL and unpaired surrogates replaced with U+FFFD, clipped to
     * {@link #maxChars()} with a marker; {@code text} itself when it is clean and fits, null for null.
     */
    public String clean(String text) {
        if (text == null) return null;
        int length = text.length();
        if (length <= maxChars && isClean(text, length)) return text;
        if (this == RESULT_REF) return null;
        if (length <= maxChars) return replaceUnstorable(text, length, "");
        if (this == PARAMETERS) {
            return "[\"<the parameters: " + String.format(Locale.ROOT, "%,d", length)
                    + " characters of JSON, too large to record>\"]";
        }
        int longest = marker(length).length(); // the marker is no longer than this, whatever it counts
        boolean counted = longest * 2 <= maxChars;
        int keep = maxChars - (counted ? longest : 1);
        // a shorter count makes a shorter marker: keep what it leaves room for
        for (int k; counted && (k = maxChars - marker(length - keep).length()) > keep; ) keep = k;
        // a pair is kept whole or not at all
        if (keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) keep--;
        return replaceUnstorable(text, keep, counted ? marker(length - keep) : "…");
    }

    /** Whether clean text of this kind would be {@code text} itself: no change needed. */
    public boolean isClean(String text) {
        return text == null || (text.length() <= maxChars && isClean(text, text.length()));
    }

    private static String marker(int clipped) {
        return "… [clipped " + String.format(Locale.ROOT, "%,d", clipped) + " chars]";
    }

    /** True if the first {@code end} characters hold no NUL and no unpaired surrogate. */
    private static boolean isClean(String s, int end) {
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c == 0) return false;
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    /** The first {@code end} characters with NUL and unpaired surrogates replaced, then {@code suffix}. */
    private static String replaceUnstorable(String s, int end, String suffix) {
        StringBuilder b = new StringBuilder(end + suffix.length());
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c == 0) {
                b.append(REPLACEMENT);
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? REPLACEMENT : c);
            }
        }
        return b.append(suffix).toString();
    }
}
