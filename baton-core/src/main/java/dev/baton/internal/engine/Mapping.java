package dev.baton.internal.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The rows of a zip-like {@code map(...)}: the i-th element of every mapped iterable, unmapped values repeated. */
public final class Mapping {
    private Mapping() {}

    /**
     * The argument rows, one per run.
     *
     * @throws IllegalArgumentException if no iterable is mapped, or the mapped ones differ in length
     */
    public static List<Object[]> rows(String taskName, Iterable<?>... columns) {
        List<Iterator<?>> mapped = new ArrayList<>();
        Iterator<?>[] iterators = new Iterator<?>[columns.length];
        for (int i = 0; i < columns.length; i++) {
            if (columns[i] == null) {
                throw new IllegalArgumentException("map(...) of task '" + taskName + "' got null for argument " + (i + 1)
                        + "; pass an empty list for no runs, or unmapped(null) for a null argument");
            }
            iterators[i] = columns[i].iterator();
            if (!Unmapped.is(columns[i])) mapped.add(iterators[i]);
        }
        if (mapped.isEmpty()) {
            throw new IllegalArgumentException("map(...) of task '" + taskName + "' needs at least one argument that is"
                    + " not unmapped(...): it is what the runs iterate over");
        }
        List<Object[]> rows = new ArrayList<>();
        while (allHaveNext(mapped)) {
            Object[] row = new Object[iterators.length];
            for (int i = 0; i < row.length; i++) row[i] = iterators[i].next();
            rows.add(row);
        }
        for (Iterator<?> it : mapped) {
            if (it.hasNext()) {
                throw new IllegalArgumentException("map(...) of task '" + taskName + "' needs iterables of the same"
                        + " length; they differ after " + rows.size() + " elements. Wrap an argument that every run"
                        + " should get whole in unmapped(...)");
            }
        }
        return rows;
    }

    private static boolean allHaveNext(List<Iterator<?>> iterators) {
        for (Iterator<?> it : iterators) if (!it.hasNext()) return false;
        return true;
    }
}
