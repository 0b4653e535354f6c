package dev.baton.internal.results;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import dev.baton.ResultSerializationException;
import dev.baton.ResultSerializer;
import java.io.IOException;
import java.util.List;

/**
 * The {@code json} result serializer: Jackson, with every value's class recorded where its
 * declared type does not fix it (see {@link TypedJson}), so that numbers, strings, booleans,
 * null, lists, sets, maps (also with non-string keys), records (no annotations needed), beans,
 * enums, arrays, {@code java.time} values and {@code Optional} come back with the types they had.
 *
 * <p>Security: result files are written by Baton itself under {@code BATON_HOME} and read by the
 * same user, so they are trusted like the class path. Even so, the classes a file may name are
 * limited (see {@link AllowedTypes}): no JDK class other than plain values, which rules out the
 * known deserialization gadgets of the JDK; Jackson's own block list covers well-known third-party
 * ones. Do not point this serializer at JSON from untrusted sources.
 */
public final class JsonResultSerializer implements ResultSerializer {

    /** The one instance; it holds no state. */
    public static final JsonResultSerializer INSTANCE = new JsonResultSerializer();

    /** The name recorded beside stored results. */
    public static final String NAME = "json";

    private JsonResultSerializer() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] serialize(Object value) {
        try {
            return TypedJson.WRITER.writeValueAsBytes(value);
        } catch (IOException | RuntimeException e) {
            throw cannotWrite(value, detail(e), e);
        } catch (StackOverflowError e) {
            // A collection that contains itself recurses in Jackson before any depth check sees it.
            throw cannotWrite(value, "the value refers to itself (a cycle) or is nested too deeply", e);
        }
    }

    @Override
    public Object deserialize(byte[] bytes) {
        try {
            return TypedJson.READER.readValue(bytes);
        } catch (InvalidTypeIdException e) {
            String message = e.getOriginalMessage() != null && e.getOriginalMessage().contains("no such class found")
                    ? "class " + e.getTypeId() + " is not on the class path (was it renamed or removed since the result was stored?)"
                    : "class " + e.getTypeId() + " cannot be used: " + e.getOriginalMessage();
            throw new ResultSerializationException("Cannot read a json result: " + message, e);
        } catch (StreamReadException e) {
            throw new ResultSerializationException("Cannot read a json result: the bytes are not valid JSON ("
                    + e.getOriginalMessage() + ")", e);
        } catch (IOException | RuntimeException e) {
            throw new ResultSerializationException("Cannot read a json result: " + detail(e), e);
        }
    }

    @Override
    public String toString() {
        return "ResultSerializer.json()";
    }

    private static ResultSerializationException cannotWrite(Object value, String detail, Throwable cause) {
        String type = value == null ? "null" : value.getClass().getName();
        return new ResultSerializationException("Cannot store a result of type " + type + " with the json result serializer: "
                + detail + ". Make the type a record or a bean with getters, or use ResultSerializer.java() if it"
                + " implements java.io.Serializable.", cause);
    }

    /** Jackson's own words for what went wrong, with where in the value it happened. */
    private static String detail(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AllowedTypes.DisallowedTypeException d) return d.getMessage() + at(e);
            if (t instanceof StreamConstraintsException) {
                return "it is nested more deeply than JSON output allows, or refers to itself (a cycle)" + at(e);
            }
        }
        String message = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
        if (message == null) message = e.getClass().getName();
        // Jackson's advice for empty beans is to switch the check off, which would store "{}" and lose the value.
        int advice = message.indexOf(" (to avoid exception");
        if (advice > 0) message = message.substring(0, advice);
        // Jackson's advice here is a custom serializer, which is not the user's to install
        if (message.startsWith("Null key for a Map not allowed in JSON")) message = "a map holds a null key, which JSON cannot write";
        return message + at(e);
    }

    /** Where in the value: {@code (at Holder["payload"])}; a long path (a cycle) is cut in the middle. */
    private static String at(Throwable e) {
        if (!(e instanceof JsonMappingException m) || m.getPath().isEmpty()) return "";
        List<JsonMappingException.Reference> path = m.getPath();
        StringBuilder at = new StringBuilder(" (at ");
        for (int i = 0; i < path.size(); i++) {
            if (path.size() > 6 && i == 3) {
                at.append("->...");
                i = path.size() - 2;
                continue;
            }
            if (i > 0) at.append("->");
            at.append(path.get(i).getDescription());
        }
        return at.append(')').toString();
    }
}
