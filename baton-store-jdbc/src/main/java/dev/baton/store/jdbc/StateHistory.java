package dev.baton.store.jdbc;

import dev.baton.State;
import dev.baton.StateType;
import dev.baton.spi.RecordedText;
import dev.baton.spi.StateRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A task run's states as its row keeps them, in column {@code task_run.history}: one line per
 * state, oldest first, so that appending states is appending text ({@code history || ?} in every
 * supported database) and a task run is one row however many states it has. A row per state cost
 * four rows per task run and three quarters of the store's write time (measured in the closing
 * note of the durability issue).
 *
 * <p>A line is tab-separated fields ending in a newline:
 * {@code TYPE TIMESTAMP_NS [NAME [MESSAGE [SCHEDULED_NS [RESULT_REF]]]]}. Trailing absent fields
 * are left out; an absent field in the middle is {@code \N}; an empty {@code NAME} field is the
 * type's display name ({@code Completed} for COMPLETED), an empty name itself is {@code \E}. In
 * text fields {@code \}, tab and newline are written {@code \\}, {@code \t} and {@code \n}.
 */
final class StateHistory {
    private static final String ABSENT = "\\N";
    private static final String EMPTY_NAME = "\\E";

    private StateHistory() {}

    /** Appends {@code state}'s line to {@code out}, its texts cleaned as the store records them. */
    static void append(StringBuilder out, State state, String resultRef) {
        StateType type = state.type();
        out.append(type.name()).append('\t').append(state.epochNanos());
        String name = RecordedText.STATE_NAME.clean(state.name());
        String message = RecordedText.STATE_MESSAGE.clean(state.message().orElse(null));
        Instant due = state.scheduledTime().orElse(null);
        String ref = RecordedText.RESULT_REF.clean(resultRef);
        int fields = ref != null ? 4 : due != null ? 3 : message != null ? 2 : name != null && !name.equals(type.displayName()) ? 1 : 0;
        if (fields >= 1) {
            out.append('\t');
            if (name == null) out.append(ABSENT);
            else if (name.isEmpty()) out.append(EMPTY_NAME);
            else if (!name.equals(type.displayName())) escape(out, name);
        }
        if (fields >= 2) {
            out.append('\t');
            if (message == null) out.append(ABSENT);
            else escape(out, message);
        }
        if (fields >= 3) {
            out.append('\t');
            if (due == null) out.append(ABSENT);
            else out.append(HistoryQueries.nanos(due));
        }
        if (fields >= 4) {
            out.append('\t');
            escape(out, ref);
        }
        out.append('\n');
    }

    /** One state's line, as {@link #append} writes it. */
    static String line(State state, String resultRef) {
        StringBuilder b = new StringBuilder(40);
        append(b, state, resultRef);
        return b.toString();
    }

    /** The states in {@code history} (null or empty: none), oldest first. */
    static List<StateRecord> records(String history) {
        List<StateRecord> states = new ArrayList<>(4);
        if (history == null) return states;
        int start = 0;
        int n = history.length();
        String[] fields = new String[6];
        while (start < n) {
            int end = history.indexOf('\n', start);
            if (end < 0) end = n;
            int count = split(history, start, end, fields);
            StateType type = StateType.valueOf(fields[0]);
            long at = Long.parseLong(fields[1]);
            String name = count > 2 ? fields[2] : null;
            if (name == null || name.isEmpty() || name.equals(ABSENT)) name = type.displayName();
            else if (name.equals(EMPTY_NAME)) name = "";
            else name = unescape(name);
            String message = count > 3 ? text(fields[3]) : null;
            Instant due = count > 4 && !fields[4].equals(ABSENT) ? Instant.ofEpochSecond(0, Long.parseLong(fields[4])) : null;
            String ref = count > 5 ? text(fields[5]) : null;
            states.add(new StateRecord(type, name, Instant.ofEpochSecond(0, at), message, due, ref));
            start = end + 1;
        }
        return states;
    }

    /** The states in {@code history} as engine states (no result values), oldest first. */
    static List<State> states(String history) {
        List<StateRecord> records = records(history);
        List<State> states = new ArrayList<>(records.size());
        for (StateRecord r : records) {
            states.add(State.of(r.type(), r.name(), HistoryQueries.nanos(r.timestamp()), r.message(), r.scheduledTime()));
        }
        return states;
    }

    /** How many states {@code history} holds. */
    static int count(String history) {
        if (history == null) return 0;
        int lines = 0;
        for (int i = history.indexOf('\n'); i >= 0; i = history.indexOf('\n', i + 1)) lines++;
        return lines;
    }

    /** The key that tells a state reported twice from two states: its type and time. */
    static String identity(StateType type, long epochNanos) {
        return type.name() + "@" + epochNanos;
    }

    private static int split(String s, int start, int end, String[] fields) {
        int count = 0;
        int from = start;
        while (count < fields.length) {
            int tab = s.indexOf('\t', from);
            if (tab < 0 || tab > end) tab = end;
            fields[count++] = s.substring(from, tab);
            if (tab == end) break;
            from = tab + 1;
        }
        return count;
    }

    private static String text(String field) {
        return field.equals(ABSENT) ? null : unescape(field);
    }

    private static void escape(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) return field;
        StringBuilder b = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 1 < field.length()) {
                char next = field.charAt(++i);
                b.append(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    default -> next;
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
