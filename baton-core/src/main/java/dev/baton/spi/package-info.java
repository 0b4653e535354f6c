/**
 * Baton's extension API: what a run store, an API server or a client of one is written against,
 * as plain Java types (their JSON form is a Jackson module, {@link dev.baton.spi.RunEvents#jsonForm()}).
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
 *   <li>{@link dev.baton.spi.RunEventQueue}: the bounded queue between the engine's threads and a
 *       store's writer or sender, and {@link dev.baton.spi.RunEventKind}, the one numbering of run
 *       events' kinds (in that queue and in the binary form);</li>
 *   <li>{@link dev.baton.spi.ConcurrencySlots}: tag concurrency slots shared by every process using
 *       one database or server, kept with {@link dev.baton.spi.SharedTagSlots};</li>
 *   <li>what every store and server does alike: {@link dev.baton.spi.RecordedText} (how text is
 *       cleaned and clipped before it is recorded), {@link dev.baton.spi.RunEvents} (run events from the
 *       engine's runs, and their JSON form) and {@link dev.baton.spi.RunEventCodec} (their binary form),
 *       {@link dev.baton.spi.Ids} (time-ordered run ids), {@link dev.baton.spi.IdPrefix} (runs named by
 *       a prefix of their id), {@link dev.baton.spi.ConfiguredDuration} (durations read from the
 *       environment);</li>
 *   <li>{@link dev.baton.spi.InMemoryRunStore}: the store of a process without a durable one, and of tests.</li>
 * </ul>
 *
 * Everything under {@code dev.baton.internal} is the engine's own and may change at any time.
 */
package dev.baton.spi;
