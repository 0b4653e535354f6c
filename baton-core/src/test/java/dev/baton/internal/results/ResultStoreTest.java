package dev.baton.internal.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.ResultSerializationException;
import dev.baton.ResultSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultStoreTest {
    @TempDir
    Path home;

    record Point(int x, int y) implements java.io.Serializable {}

    private Path dir() {
        return home.resolve("results");
    }

    @Test
    void writesAndReadsJson() {
        ResultStore store = new ResultStore(dir());
        ResultRef ref = store.write(List.of(new Point(1, 2), 3L), ResultSerializer.json());

        assertThat(ref.serializer()).isEqualTo("json");
        assertThat(store.read(ref)).isEqualTo(List.of(new Point(1, 2), 3L));
    }

    @Test
    void writesAndReadsJava() {
        ResultStore store = new ResultStore(dir());
        ResultRef ref = store.write(Map.of(1, new Point(1, 2)), ResultSerializer.java());

        assertThat(ref.serializer()).isEqualTo("java");
        assertThat(store.read(ref)).isEqualTo(Map.of(1, new Point(1, 2)));
    }

    @Test
    void writesNull() {
        ResultStore store = new ResultStore(dir());
        assertThat(store.read(store.write(null, ResultSerializer.json()))).isNull();
        assertThat(store.read(store.write(null, ResultSerializer.java()))).isNull();
    }

    @Test
    void theFileNamesItsSerializerAndHoldsItsBytes() throws IOException {
        ResultStore store = new ResultStore(dir());
        ResultRef ref = store.write("hi", ResultSerializer.json());

        assertThat(store.file(ref)).hasParent(dir().toAbsolutePath());
        assertThat(Files.readString(store.file(ref))).isEqualTo("baton-result/1 json\n\"hi\"");
    }

    @Test
    void eachWriteIsANewTimeOrderedFile() {
        ResultStore store = new ResultStore(dir());
        ResultRef first = store.write(1, ResultSerializer.json());
        ResultRef second = store.write(1, ResultSerializer.json());

        assertThat(first.key()).isNotEqualTo(second.key());
        assertThat(first.key().substring(0, 8)).isLessThanOrEqualTo(second.key().substring(0, 8));
    }

    @Test
    void readsWithTheSerializerRecordedInTheFileInAnotherStoreInstance() {
        ResultRef ref = new ResultStore(dir()).write(new Point(5, 6), ResultSerializer.java());
        assertThat(new ResultStore(dir()).read(ref)).isEqualTo(new Point(5, 6));
    }

    @Test
    void createsItsDirectoryOnlyWhenWriting() {
        ResultStore store = new ResultStore(dir().resolve("deeper"));
        assertThat(dir()).doesNotExist();

        store.write(1, ResultSerializer.json());
        assertThat(dir().resolve("deeper")).isDirectory();
    }

    @Test
    void leavesNoTemporaryFiles() throws IOException {
        ResultStore store = new ResultStore(dir());
        for (int i = 0; i < 5; i++) store.write(i, ResultSerializer.json());
        try (var files = Files.list(dir())) {
            assertThat(files.map(p -> p.getFileName().toString())).hasSize(5).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void aMissingFileSaysTheResultIsNoLongerAvailable() throws IOException {
        ResultStore store = new ResultStore(dir());
        ResultRef ref = store.write(1, ResultSerializer.json());
        Files.delete(store.file(ref));

        assertThatThrownBy(() -> store.read(ref))
                .isInstanceOf(ResultUnavailableException.class)
                .hasMessageContaining(store.file(ref).toString())
                .hasMessageContaining("no longer available")
                .hasMessageContaining(ref.key());
    }

    @Test
    void aFileWithoutHeaderIsNotAResult() throws IOException {
        ResultStore store = new ResultStore(dir());
        ResultRef ref = store.write(1, ResultSerializer.json());
        Files.writeString(store.file(ref), "just text");

        assertThatThrownBy(() -> store.read(ref))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining("not a Baton result file")
                .hasMessageContaining(store.file(ref).toString());
    }

    @Test
    void anUnknownSerializerIsNamed() throws IOException {
        ResultStore store = new ResultStore(dir());
        ResultRef ref = store.write(1, ResultSerializer.json());
        Files.writeString(store.file(ref), "baton-result/1 yaml\nx: 1");

        assertThatThrownBy(() -> store.read(ref))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining("'yaml'")
                .hasMessageContaining("[java, json]");
    }

    @Test
    void aCorruptBodyNamesTheFile() throws IOException {
        ResultStore store = new ResultStore(dir());
        ResultRef ref = store.write(1, ResultSerializer.json());
        Files.write(store.file(ref), "baton-result/1 json\n{\"@class\":\"com.example.Gone\"}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.read(ref))
                .isInstanceOf(ResultSerializationException.class)
                .hasMessageContaining("com.example.Gone")
                .hasMessageContaining(store.file(ref).toString());
    }

    /** A serializer of the user's own: strings as upper-case text. */
    static class Shouting implements ResultSerializer {
        @Override public String name() { return "shout"; }
        @Override public byte[] serialize(Object value) { return value.toString().toUpperCase().getBytes(StandardCharsets.UTF_8); }
        @Override public Object deserialize(byte[] bytes) { return new String(bytes, StandardCharsets.UTF_8); }
    }

    @Test
    void customSerializersAreRememberedOrRegistered() {
        ResultStore store = new ResultStore(dir());
        ResultRef ref = store.write("hey", new Shouting());
        assertThat(store.read(ref)).isEqualTo("HEY");

        assertThat(new ResultStore(dir(), List.of(new Shouting())).read(ref)).isEqualTo("HEY");
        assertThatThrownBy(() -> new ResultStore(dir()).read(ref)).hasMessageContaining("'shout'");
    }

    @Test
    void serializerNamesMustBePlainAndUnique() {
        ResultStore store = new ResultStore(dir());
        ResultSerializer spaced = new Shouting() {
            @Override public String name() { return "two words"; }
        };
        ResultSerializer impostor = new Shouting() {
            @Override public String name() { return "json"; }
        };
        assertThatThrownBy(() -> store.write("x", spaced)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.write("x", impostor)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'json'");
    }

    @Test
    void refsAreSafeFileNamesAndReadWellInLogs() {
        ResultRef ref = new ResultRef("0193a1c2-0000-7000-8000-000000000000", "json");
        assertThat(ref).hasToString("result 0193a1c2-0000-7000-8000-000000000000 (json)");

        assertThatThrownBy(() -> new ResultRef("../../etc/passwd", "json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResultRef("a/b", "json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResultRef(".hidden", "json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResultRef("ok", "bad name")).isInstanceOf(IllegalArgumentException.class);
    }
}
