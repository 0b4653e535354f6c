package dev.baton.cli;

import dev.baton.spi.FlowRunSummary;
import dev.baton.spi.RunHistory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the {@code flow-run} commands take for a flow run: its id, the start of its id (as long as
 * no other run's id starts the same way) or its name. An unknown or ambiguous one fails with the
 * candidates listed, so the user can pick.
 */
final class FlowRunReference {
    /** How many candidates an ambiguous reference lists. */
    static final int CANDIDATES = 10;

    private FlowRunReference() {}

    /**
     * The id of the one flow run {@code reference} means.
     *
     * @throws CommandFailure if it means none, or several (they are listed)
     */
    static UUID resolve(RunHistory history, String reference) {
        String text = reference.strip();
        if (text.isEmpty()) {
            throw new CommandFailure("A flow run is named by its id, the start of its id, or its name; got '"
                    + reference + "' (see baton flow-run ls)");
        }
        if (text.length() == 36) {
            try {
                return UUID.fromString(text); // a whole id: no lookup of its own
            } catch (IllegalArgumentException e) {
                // a name 36 characters long, perhaps
            }
        }
        List<FlowRunSummary> matches = history.flowRunsByReference(text, CANDIDATES + 1);
        if (matches.size() == 1) return matches.get(0).id();
        if (matches.isEmpty()) {
            throw new CommandFailure("No flow run with id, id prefix or name '" + text + "' in " + history.description()
                    + " (see baton flow-run ls)");
        }
        List<String> lines = new ArrayList<>();
        Table table = new Table(List.of("ID", "NAME", "FLOW", "STATE", "START"), 36, 40, 40, 14, 0);
        for (FlowRunSummary r : matches.subList(0, Math.min(CANDIDATES, matches.size()))) {
            table.row((i, cell) -> cell, r.id().toString(), r.name(), r.flowName(), Formats.state(r.state()),
                    Formats.time(r.start()));
        }
        StringWriter printed = new StringWriter();
        table.print(new PrintWriter(printed, true), new Style(false));
        printed.toString().lines().forEach(lines::add);
        if (matches.size() > CANDIDATES) lines.add("... and more");
        throw new CommandFailure("'" + text + "' means " + (matches.size() > CANDIDATES ? "more than " + CANDIDATES
                : matches.size()) + " flow runs; give more of the id, or the whole id:", lines);
    }
}
