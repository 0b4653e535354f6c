package dev.baton.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs each test of the annotated class against a fresh in-memory run store, and lets tests
 * take the {@link RecordedRuns} of that store as a parameter. Shorthand for
 * {@code @ExtendWith(BatonExtension.class)}.
 *
 * <pre>{@code
 * @BatonTest
 * class EtlTest {
 *     @Test
 *     void totalsEveryRegion(RecordedRuns runs) {
 *         FlowRun<Report> run = EtlFlow.etl.run(dir);
 *         assertThat(run.state().isCompleted()).isTrue();
 *         assertThat(runs.taskRuns("extract")).hasSize(6);
 *     }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(BatonExtension.class)
public @interface BatonTest {
}
