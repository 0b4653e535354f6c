package dev.baton.internal.engine;

import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;

/**
 * Values on the wire between a flow run's process and its workers: the types most arguments and
 * results have (null, strings, integers, longs, doubles, booleans) as a tag and their bytes, and
 * anything else with Java serialization. Java serialization describes a value's class (and its
 * superclasses) in every stream, which for a {@code Long} costs more than the call around it.
 */
final class WireValues {
    private static final byte NULL = 0, STRING = 1, INT = 2, LONG = 3, DOUBLE = 4, BOOLEAN = 5, OBJECT = 6;
    /** Longest string {@link ObjectOutput#writeUTF} always takes (three bytes a char at most). */
    private static final int MAX_UTF_CHARS = 65_535 / 3;

    private WireValues() {}

    static void write(ObjectOutput out, Object v) throws IOException {
        switch (v) {
            case null -> out.writeByte(NULL);
            case String s when s.length() <= MAX_UTF_CHARS -> {
                out.writeByte(STRING);
                out.writeUTF(s);
            }
            case Integer i -> {
                out.writeByte(INT);
                out.writeInt(i);
            }
            case Long l -> {
                out.writeByte(LONG);
                out.writeLong(l);
            }
            case Double d -> {
                out.writeByte(DOUBLE);
                out.writeDouble(d);
            }
            case Boolean b -> {
                out.writeByte(BOOLEAN);
                out.writeBoolean(b);
            }
            default -> {
                out.writeByte(OBJECT);
                out.writeObject(v);
            }
        }
    }

    static Object read(ObjectInput in) throws IOException, ClassNotFoundException {
        byte tag = in.readByte();
        return switch (tag) {
            case NULL -> null;
            case STRING -> in.readUTF();
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case DOUBLE -> in.readDouble();
            case BOOLEAN -> in.readBoolean();
            case OBJECT -> in.readObject();
            default -> throw new IOException("unknown value tag " + tag + " on the wire");
        };
    }
}
