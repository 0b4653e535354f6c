package dev.baton.internal.engine;

import java.util.Iterator;

/** An argument given unchanged to every run of a {@code map(...)}: an endless repetition of one value. */
public final class Unmapped<T> implements Iterable<T> {
    private final T value;

    public Unmapped(T value) {
        this.value = value;
    }

    /** True if {@code items} was made by {@code unmapped(...)}. */
    public static boolean is(Iterable<?> items) {
        return items instanceof Unmapped<?>;
    }

    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public T next() {
                return value;
            }
        };
    }

    @Override
    public String toString() {
        return "unmapped(" + value + ")";
    }
}
