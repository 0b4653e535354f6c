package dev.baton.spi;

import dev.baton.StateType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Run events in a compact binary form: what client mode posts to {@code /api/events} once the
 * server has said it reads it ({@link #MEDIA_TYPE}), instead of JSON, which cost about half the
 * CPU of client mode (the server reading it, the client writing it).
 *
 * <p>A body is {@code B E V 1}, then the events one after another: a kind byte ({@link RunEventKind}:
 * 1 flow run created, 2 task run created, 3 flow-run state, 4 task-run state, 5 log line, 6 heartbeat,
 * 7 flow run finished) and the event's fields in the order of its record's components. Numbers are
 * LEB128 varints (signed ones zigzag-encoded); a UUID is a presence byte and 16 bytes; an instant
 * a presence byte, its epoch second (signed) and nanosecond; a list or set its size plus one
 * (0: null) and its elements; a string a tag: 0 null, 1 new and remembered, 2 new, then its UTF-8
 * length and bytes, or {@code n >= 3} the {@code (n - 3)}-th string remembered in this body (task
 * names, tags, loggers and state names repeat in every batch). Every field may be absent, so the
 * server's checks of an event say what is wrong whichever form it came in.
 */
public final class RunEventCodec {
    /** The content type of a body in this form. */
    public static final String MEDIA_TYPE = "application/vnd.baton.events";
    private static final byte[] MAGIC = {'B', 'E', 'V', 1};
    /** Strings up to this many characters are remembered, up to {@link #MAX_REMEMBERED} per body. */
    private static final int REMEMBER_CHARS = 200;
    private static final int MAX_REMEMBERED = 4096;

    private RunEventCodec() {}

    /** Writes events into one body, in order; {@link #mark} and {@link #reset} take back the events after a point. */
    public static final class Writer {
        private byte[] buf;
        private int size;
        private int count;
        private final HashMap<String, Integer> remembered = new HashMap<>();
        private final ArrayList<String> rememberedInOrder = new ArrayList<>();
        private int markSize = -1, markCount, markRemembered;

        public Writer() {
            this(8192);
        }

        /** A writer whose buffer starts at {@code bytes} (it grows as needed). */
        public Writer(int bytes) {
            buf = new byte[Math.max(64, bytes)];
            bytes(MAGIC);
        }

        /** The body's size so far, in bytes. */
        public int size() {
            return size;
        }

        /** How many events were written. */
        public int count() {
            return count;
        }

        /** Remembers this point: {@link #reset} takes back what is written after it. */
        public void mark() {
            markSize = size;
            markCount = count;
            markRemembered = rememberedInOrder.size();
        }

        /** Takes back the events written since {@link #mark}. */
        public void reset() {
            if (markSize < 0) throw new IllegalStateException("reset without mark");
            size = markSize;
            count = markCount;
            while (rememberedInOrder.size() > markRemembered) {
                remembered.remove(rememberedInOrder.removeLast());
            }
        }

        public byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }

        /** The writer's own buffer, whose first {@link #size()} bytes are the body (valid until the next change). */
        public byte[] buffer() {
            return buf;
        }

        /** Starts a new body in the same buffer: nothing written, no strings remembered. */
        public void clear() {
            size = 0;
            count = 0;
            markSize = -1;
            remembered.clear();
            rememberedInOrder.clear();
            bytes(MAGIC);
        }

        public Writer add(RunEvent event) {
            switch (event) {
                case RunEvent.FlowRunCreated e -> {
                    b(RunEventKind.FLOW_RUN_CREATED);
                    uuid(e.id());
                    string(e.name());
                    string(e.flowName());
                    string(e.parameters());
                    uuid(e.parentFlowRunId());
                    uuid(e.parentTaskRunId());
                    strings(e.tags());
                    instant(e.created());
                    string(e.process());
                }
                case RunEvent.TaskRunCreated e -> {
                    b(RunEventKind.TASK_RUN_CREATED);
                    uuid(e.id());
                    uuid(e.flowRunId());
                    signed(e.ordinal());
                    string(e.name());
                    string(e.taskName());
                    string(e.taskVersion());
                    strings(e.tags());
                    uuids(e.upstream());
                    uuid(e.subflowRunId());
                    if (e.callPosition() == null) {
                        b(0);
                    } else {
                        b(1);
                        signed(e.callPosition());
                    }
                }
                case RunEvent.FlowRunState e -> {
                    b(RunEventKind.FLOW_RUN_STATE);
                    uuid(e.flowRunId());
                    state(e.state());
                }
                case RunEvent.TaskRunState e -> {
                    b(RunEventKind.TASK_RUN_STATE);
                    uuid(e.flowRunId());
                    uuid(e.taskRunId());
                    state(e.state());
                }
                case RunEvent.Log e -> {
                    b(RunEventKind.LOG);
                    LogLine l = e.line();
                    if (l == null) {
                        b(0);
                    } else {
                        b(1);
                        uuid(l.flowRunId());
                        uuid(l.taskRunId());
                        instant(l.timestamp());
                        string(l.level());
                        string(l.logger());
                        string(l.message());
                    }
                }
                case RunEvent.Heartbeat e -> {
                    b(RunEventKind.HEARTBEAT);
                    uuids(e.flowRunIds());
                    instant(e.at());
                }
                case RunEvent.FlowRunFinished e -> {
                    b(RunEventKind.FLOW_RUN_FINISHED);
                    uuid(e.id());
                }
            }
            count++;
            return this;
        }

        private void state(StateRecord s) {
            if (s == null) {
                b(0);
                return;
            }
            b(1);
            string(s.type() == null ? null : s.type().name());
            string(s.name());
            instant(s.timestamp());
            string(s.message());
            instant(s.scheduledTime());
            string(s.resultRef());
        }

        private void uuid(UUID id) {
            if (id == null) {
                b(0);
                return;
            }
            ensure(17);
            buf[size++] = 1;
            putLong(id.getMostSignificantBits());
            putLong(id.getLeastSignificantBits());
        }

        private void uuids(List<UUID> ids) {
            if (ids == null) {
                unsigned(0);
                return;
            }
            unsigned(ids.size() + 1L);
            for (UUID id : ids) uuid(id);
        }

        private void strings(Set<String> strings) {
            if (strings == null) {
                unsigned(0);
                return;
            }
            unsigned(strings.size() + 1L);
            for (String s : strings) string(s);
        }

        private void instant(Instant t) {
            if (t == null) {
                b(0);
                return;
            }
            b(1);
            signed(t.getEpochSecond());
            unsigned(t.getNano());
        }

        private void string(String s) {
            if (s == null) {
                b(0);
                return;
            }
            Integer known = remembered.get(s);
            if (known != null) {
                unsigned(known + 3L);
                return;
            }
            boolean remember = s.length() <= REMEMBER_CHARS && remembered.size() < MAX_REMEMBERED;
            if (remember) {
                remembered.put(s, rememberedInOrder.size());
                rememberedInOrder.add(s);
            }
            b(remember ? 1 : 2);
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            unsigned(utf8.length);
            bytes(utf8);
        }

        private void signed(long v) {
            unsigned((v << 1) ^ (v >> 63));
        }

        private void unsigned(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[size++] = (byte) v;
        }

        private void putLong(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) buf[size++] = (byte) (v >>> shift);
        }

        private void b(int v) {
            ensure(1);
            buf[size++] = (byte) v;
        }

        private void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }

        private void ensure(int more) {
            if (size + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    /**
     * The events of {@code body}, at most {@code maxEvents} + 1 of them (the caller refuses more
     * than {@code maxEvents}: reading stops there).
     *
     * @throws IllegalArgumentException if {@code body} is not in this form, saying where and why
     */
    public static List<RunEvent> read(byte[] body, int maxEvents) {
        return new Reader(body).events(maxEvents);
    }

    private static final class Reader {
        private final byte[] in;
        private int pos;
        private final ArrayList<String> remembered = new ArrayList<>();

        Reader(byte[] in) {
            this.in = in;
        }

        List<RunEvent> events(int maxEvents) {
            if (in.length < MAGIC.length || !Arrays.equals(in, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw new IllegalArgumentException("Not a body of run events in " + MEDIA_TYPE + " form: it does not"
                        + " start with BEV and version 1; send JSON (application/json) instead");
            }
            pos = MAGIC.length;
            List<RunEvent> events = new ArrayList<>();
            while (pos < in.length && events.size() <= maxEvents) {
                int at = pos;
                try {
                    events.add(event());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Malformed run event " + events.size() + " (at byte " + at + "): "
                            + e.getMessage() + "; nothing of this body was recorded", e);
                }
            }
            return events;
        }

        private RunEvent event() {
            int kind = b();
            return switch (kind) {
                case RunEventKind.FLOW_RUN_CREATED -> new RunEvent.FlowRunCreated(uuid(), string(), string(), string(),
                        uuid(), uuid(), strings(), instant(), string());
                case RunEventKind.TASK_RUN_CREATED -> new RunEvent.TaskRunCreated(uuid(), uuid(), int32(), string(),
                        string(), string(), strings(), uuids(), uuid(), b() == 0 ? null : int32());
                case RunEventKind.FLOW_RUN_STATE -> new RunEvent.FlowRunState(uuid(), state());
                case RunEventKind.TASK_RUN_STATE -> new RunEvent.TaskRunState(uuid(), uuid(), state());
                case RunEventKind.LOG -> new RunEvent.Log(b() == 0 ? null
                        : new LogLine(uuid(), uuid(), instant(), string(), string(), string()));
                case RunEventKind.HEARTBEAT -> new RunEvent.Heartbeat(uuids(), instant());
                case RunEventKind.FLOW_RUN_FINISHED -> new RunEvent.FlowRunFinished(uuid());
                default -> throw new IllegalArgumentException("unknown kind " + kind + " (known: 1 to 7)");
            };
        }

        private StateRecord state() {
            if (b() == 0) return null;
            String type = string();
            StateType t = null;
            if (type != null) {
                try {
                    t = StateType.valueOf(type);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown state type '" + type + "' (known: "
                            + Arrays.toString(StateType.values()) + ")");
                }
            }
            return new StateRecord(t, string(), instant(), string(), instant(), string());
        }

        private UUID uuid() {
            if (b() == 0) return null;
            need(16);
            return new UUID(getLong(), getLong());
        }

        private List<UUID> uuids() {
            int n = count();
            if (n < 0) return null;
            if (n == 0) return List.of();
            UUID[] ids = new UUID[n];
            for (int i = 0; i < n; i++) ids[i] = uuid();
            return Arrays.asList(ids);
        }

        private Set<String> strings() {
            int n = count();
            if (n < 0) return null;
            if (n == 0) return Set.of();
            Set<String> set = new LinkedHashSet<>(Math.max(4, n * 2));
            for (int i = 0; i < n; i++) set.add(string());
            return set;
        }

        /** A size plus one, as written: -1 for null; never more than the bytes left could hold. */
        private int count() {
            long v = unsigned();
            if (v == 0) return -1;
            long n = v - 1;
            if (v < 0 || n > in.length - pos) throw new IllegalArgumentException("a list of " + n + " elements in "
                    + (in.length - pos) + " bytes left");
            return (int) n;
        }

        private Instant instant() {
            if (b() == 0) return null;
            long seconds = signed();
            long nanos = unsigned();
            if (nanos < 0 || nanos > 999_999_999L) throw new IllegalArgumentException("a nanosecond of " + nanos);
            try {
                return Instant.ofEpochSecond(seconds, nanos);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("a time of " + seconds + " s, out of range");
            }
        }

        private String string() {
            long tag = unsigned();
            if (tag == 0) return null;
            if (tag < 0) throw new IllegalArgumentException("a string tag out of range");
            if (tag >= 3) {
                long i = tag - 3;
                if (i >= remembered.size()) throw new IllegalArgumentException("string " + i + " referred to, "
                        + remembered.size() + " remembered");
                return remembered.get((int) i);
            }
            long length = unsigned();
            if (length < 0 || length > in.length - pos) throw new IllegalArgumentException("a string of " + length + " bytes in "
                    + (in.length - pos) + " bytes left");
            String s = new String(in, pos, (int) length, StandardCharsets.UTF_8);
            pos += (int) length;
            if (tag == 1) {
                if (remembered.size() >= MAX_REMEMBERED) throw new IllegalArgumentException("more than "
                        + MAX_REMEMBERED + " strings remembered");
                remembered.add(s);
            }
            return s;
        }

        private int int32() {
            long v = signed();
            if (v != (int) v) throw new IllegalArgumentException("a number out of range: " + v);
            return (int) v;
        }

        private long signed() {
            long v = unsigned();
            return (v >>> 1) ^ -(v & 1);
        }

        private long unsigned() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = b();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) return v;
            }
            throw new IllegalArgumentException("a number longer than 10 bytes");
        }

        private long getLong() {
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (in[pos++] & 0xFF);
            return v;
        }

        private int b() {
            need(1);
            return in[pos++] & 0xFF;
        }

        private void need(int n) {
            if (in.length - pos < n) throw new IllegalArgumentException("the body ends too early");
        }
    }
}
