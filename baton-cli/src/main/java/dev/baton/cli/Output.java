package dev.baton.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Where a command prints: text for people (coloured in a terminal, tree glyphs when the
 * terminal takes Unicode) or JSON for scripts, the records as the API sends them.
 */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(dev.baton.spi.RunEvents.jsonForm())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    final PrintWriter out;
    final Style style;
    final boolean json;
    final boolean unicode;

    Output(PrintWriter out, CliEnvironment env, OutputOptions options) {
        this.out = out;
        this.json = options != null && options.json;
        this.style = new Style(!json && env.colours(options != null && options.noColor));
        this.unicode = env.unicode();
    }

    void println(String line) {
        out.println(line);
    }

    /** Prints {@code value} as JSON. */
    void json(Object value) {
        try {
            JSON.writeValue(out, value);
            out.println();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** A JSON array written item by item (for answers read page by page); close it to end the array. */
    SequenceWriter jsonArray() {
        try {
            return JSON.writer().writeValuesAsArray(out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write JSON: " + e.getMessage(), e);
        }
    }
}
