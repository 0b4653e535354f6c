package dev.baton.spi;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The start of a run id as a user types it ({@code 0193a1b2}, {@code 0193a1b2-6c3d}): the range
 * of ids that start with it, for a database to look up by its id index, and a check of one id.
 *
 * @param hex the prefix's hex digits, lower case, without dashes (1 to 32 of them)
 */
public record IdPrefix(String hex) {
    public IdPrefix {
        if (hex.isEmpty() || hex.length() > 32 || !hex.chars().allMatch(IdPrefix::isHexDigit)) {
            throw new IllegalArgumentException("Not an id prefix: '" + hex + "'");
        }
    }

    /**
     * The prefix {@code text} is, if it is one: hex digits, either with dashes exactly where an id
     * has them (after the 8th, 12th, 16th and 20th digit) or with none; empty otherwise (a name, say).
     */
    public static Optional<IdPrefix> of(String text) {
        if (text == null || text.isEmpty() || text.length() > 36) return Optional.empty();
        boolean dashed = text.indexOf('-') >= 0;
        if (!dashed && text.length() > 32) return Optional.empty();
        StringBuilder hex = new StringBuilder(32);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            boolean dashHere = dashed && (i == 8 || i == 13 || i == 18 || i == 23);
            if (ch == '-' ? !dashHere : !isHexDigit(ch) || dashHere) return Optional.empty();
            if (ch != '-') hex.append(Character.toLowerCase(ch));
        }
        return hex.isEmpty() ? Optional.empty() : Optional.of(new IdPrefix(hex.toString()));
    }

    /** The smallest id with this prefix. */
    public UUID low() {
        return uuid(hex + "0".repeat(32 - hex.length()));
    }

    /** The largest id with this prefix. */
    public UUID high() {
        return uuid(hex + "f".repeat(32 - hex.length()));
    }

    /** Whether {@code id} starts with this prefix. */
    public boolean matches(UUID id) {
        return id.toString().replace("-", "").startsWith(hex);
    }

    private static UUID uuid(String digits) {
        return new UUID(Long.parseUnsignedLong(digits.substring(0, 16), 16),
                Long.parseUnsignedLong(digits.substring(16), 16));
    }

    private static boolean isHexDigit(int ch) {
        return Character.digit(ch, 16) >= 0 && ch < 128;
    }

    @Override
    public String toString() {
        return hex.toLowerCase(Locale.ROOT);
    }
}
