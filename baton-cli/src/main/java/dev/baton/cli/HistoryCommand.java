package dev.baton.cli;

import dev.baton.spi.Page;
import dev.baton.spi.RunHistory;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** A command that reads or changes recorded runs, wherever {@link HistorySource} says they are. */
abstract class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions options;

    final CliEnvironment env;

    HistoryCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public final Integer call() {
        Output output = new Output(spec.commandLine().getOut(), env, options);
        try (RunHistory history = HistorySource.open(env)) {
            int code = run(history, output);
            output.out.flush();
            return code;
        }
    }

    /** Does the command's work; returns the exit code. */
    abstract int run(RunHistory history, Output out);

    /** Reads one page: at most {@code limit} items from {@code offset}. */
    interface PageReader<T> {
        Page<T> read(int offset, int limit);
    }

    /**
     * The first {@code limit} items (the command's {@code --limit}, a usage error below 1), read
     * a page of at most {@code maxPage} at a time, with how many there are in all.
     */
    <T> Page<T> firstItems(int limit, int maxPage, PageReader<T> reader) {
        if (limit < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 1 or more, not " + limit);
        }
        List<T> items = new ArrayList<>();
        long total = 0;
        while (items.size() < limit) {
            Page<T> page = reader.read(items.size(), Math.min(maxPage, limit - items.size()));
            items.addAll(page.items());
            total = page.total();
            if (!page.hasMore() || page.items().isEmpty()) break;
        }
        return new Page<>(items, 0, total);
    }

    /** Under a list cut short by {@code --limit}: how many of how many it shows, and how to see more. */
    static void printShown(Output out, int shown, long total, String what) {
        if (total > shown) {
            out.println(out.style.dim("Showing " + shown + " of " + total + " " + what + " (--limit K to see more)."));
        }
    }
}
