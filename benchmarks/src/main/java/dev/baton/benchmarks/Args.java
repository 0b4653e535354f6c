package dev.baton.benchmarks;

/** The benchmarks' command-line values, with messages that say what was wrong. */
final class Args {
    private Args() {}

    static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    static int positive(String s, String option) {
        try {
            int v = Integer.parseInt(s.replace("_", "").replace(",", ""));
            if (v < 1) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a positive integer, got '" + s + "'");
        }
    }
}
