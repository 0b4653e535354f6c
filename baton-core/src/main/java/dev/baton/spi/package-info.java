/**
 * Baton's extension API: what a run store, an API server or a client of one is written against,
 * as plain Java types (no JSON mapping; each module that sends them keeps its own).
 *
 * <ul>
 *   <li>{@link dev.baton.spi.RunStore} and {@link dev.baton.spi.RunStoreProvider}: where the engine
 *       records runs, found with {@link java.util.ServiceLoader} under
 *       {@code META-INF/services/dev.baton.spi.RunStoreProvider};</li>
 *   <li>{@link dev.baton.spi.RunHistory} and its records ({@link dev.baton.spi.FlowRunSummary},
 *       {@link dev.baton.spi.FlowRunDetail}, {@link dev.baton.spi.TaskRunDetail},
 *       {@link dev.baton.spi.StateRecord}, {@link dev.baton.spi.Page}, ...): recorded runs as the CLI,
 *       the API server and a UI read them;</li>
 *   <li>{@link dev.baton.spi.RunEvent} and {@link dev.baton.spi.LogLine}: what happened to runs, as a
 *       process in client mode reports it;</li>
 *   <li>{@link dev.baton.spi.ConcurrencySlots}: tag concurrency slots shared by every process using
 *       one database or server.</li>
 * </ul>
 *
 * Everything under {@code dev.baton.internal} is the engine's own and may change at any time.
 */
package dev.baton.spi;
