package dev.baton.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Rows printed in aligned columns under a header, padded by the text's width before it is
 * coloured (escapes take no room on screen). Cells longer than a column's cap are cut, ending
 * in "..."; the last column is never padded nor cut.
 */
final class Table {
    private final List<String> headers;
    private final int[] caps;
    private final List<String[]> rows = new ArrayList<>();
    private final List<BiFunction<Integer, String, String>> painters = new ArrayList<>();

    /** @param headers column titles; {@code caps} the widest each may be (0: no cap), by column */
    Table(List<String> headers, int... caps) {
        this.headers = List.copyOf(headers);
        this.caps = caps.length == headers.size() ? caps : new int[headers.size()];
    }

    /** Adds a row; {@code paint} colours cell {@code i} after padding (null: plain). */
    Table row(BiFunction<Integer, String, String> paint, String... cells) {
        if (cells.length != headers.size()) throw new IllegalArgumentException("row of " + cells.length + " cells");
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i] == null ? "" : cells[i].replace('\n', ' ').replace('\r', ' ');
            if (i < cells.length - 1 && caps[i] > 0 && c.length() > caps[i]) c = c.substring(0, caps[i] - 3) + "...";
            row[i] = c;
        }
        rows.add(row);
        painters.add(paint);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out, Style style) {
        int n = headers.size();
        int[] width = new int[n];
        for (int i = 0; i < n; i++) width[i] = headers.get(i).length();
        for (String[] row : rows) for (int i = 0; i < n; i++) width[i] = Math.max(width[i], row[i].length());

        StringBuilder line = new StringBuilder();
        for (int i = 0; i < n; i++) {
            line.append(style.bold(cell(headers.get(i), width[i], i == n - 1))).append(i < n - 1 ? "  " : "");
        }
        out.println(strip(line));
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            BiFunction<Integer, String, String> paint = painters.get(r);
            line.setLength(0);
            for (int i = 0; i < n; i++) {
                String padded = cell(row[i], width[i], i == n - 1);
                line.append(paint == null ? padded : paint.apply(i, padded)).append(i < n - 1 ? "  " : "");
            }
            out.println(strip(line));
        }
    }

    private static String cell(String text, int width, boolean last) {
        return last ? text : text + " ".repeat(width - text.length());
    }

    /** The line without trailing blanks (an empty last column leaves none). */
    private static String strip(StringBuilder line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') end--;
        return line.substring(0, end);
    }
}
