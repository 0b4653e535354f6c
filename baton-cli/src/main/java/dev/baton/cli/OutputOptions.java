package dev.baton.cli;

import picocli.CommandLine.Option;

/** The output options every command that prints records takes. */
final class OutputOptions {
    @Option(names = "--json", description = "Print the records as JSON, for scripts.")
    boolean json;

    @Option(names = "--no-color", description = "No colours, even in a terminal (so does NO_COLOR).")
    boolean noColor;
}
