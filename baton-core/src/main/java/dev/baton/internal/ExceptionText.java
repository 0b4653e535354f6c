package dev.baton.internal;

/** How messages name an exception: {@code IllegalArgumentException: bad input}. */
public final class ExceptionText {
    private ExceptionText() {}

    public static String of(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
    }
}
