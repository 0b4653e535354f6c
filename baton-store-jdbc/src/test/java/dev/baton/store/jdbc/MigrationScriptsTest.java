package dev.baton.store.jdbc;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The migrations as shipped (scripts and Java ones): numbered without gaps, and the store knows the latest. */
class MigrationScriptsTest {

    @Test
    void theLatestVersionTheStoreKnowsIsTheHighestScript() throws Exception {
        URL dir = getClass().getClassLoader().getResource(Migrations.LOCATION.substring("classpath:".length()));
        assertThat(dir).isNotNull();
        Pattern name = Pattern.compile("V(\\d+)__\\w+\\.sql");
        List<Integer> versions;
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            versions = files.map(p -> name.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches).map(m -> Integer.parseInt(m.group(1))).collect(java.util.stream.Collectors.toList());
        }
        Pattern javaName = Pattern.compile("V(\\d+)__\\w+");
        for (var m : Migrations.JAVA_MIGRATIONS) {
            Matcher matcher = javaName.matcher(m.getClass().getSimpleName());
            assertThat(matcher.matches()).as(m.getClass().getSimpleName()).isTrue();
            versions.add(Integer.parseInt(matcher.group(1)));
        }
        versions.sort(null);
        assertThat(versions).isNotEmpty();
        for (int i = 0; i < versions.size(); i++) assertThat(versions.get(i)).isEqualTo(i + 1);
        assertThat(versions.get(versions.size() - 1)).isEqualTo(Migrations.LATEST_VERSION);
    }
}
