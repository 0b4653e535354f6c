package dev.baton.store.jdbc;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the PostgreSQL tests find their server: the machine's, a configured one, or one they start themselves. */
class TestPostgresTest {

    @Test
    void withNoServerOnTheMachineTheTestsStartAnEmbeddedOne() throws Exception {
        String nowhere = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/test?user=postgres";

        String url = TestPostgres.find(null, List.of(nowhere));

        assertThat(url).isNotEqualTo(nowhere);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT version()")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).startsWith("PostgreSQL");
        }
        assertThat(TestPostgres.find(TestPostgres.EMBEDDED, List.of())).as("one embedded server per JVM").isEqualTo(url);
    }

    @Test
    void aConfiguredServerThatDoesNotAnswerIsAnErrorNotReplaced() throws IOException {
        String nowhere = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/test?user=postgres";

        assertThatThrownBy(() -> TestPostgres.find(nowhere, List.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(TestPostgres.URL_ENVIRONMENT)
                .hasMessageContaining("not reachable");
    }

    @Test
    void aConfiguredValueThatIsNoUrlSaysWhatItTakes() {
        assertThatThrownBy(() -> TestPostgres.find("localhost:5432", List.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("jdbc:postgresql://")
                .hasMessageContaining(TestPostgres.EMBEDDED);
    }

    /** A port nothing listens on (free a moment ago). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
