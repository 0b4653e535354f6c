package dev.baton.internal.engine;

/** How messages name an exception: {@code IllegalArgumentException: bad input}. */
final class ExceptionText {
    private ExceptionText() {}

    static String of(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
    }
}
