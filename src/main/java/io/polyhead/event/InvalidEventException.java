package io.polyhead.event;

/**
 * An input record that is not a valid event of the contract. The message is the precise reason,
 * naming the field and the bad value; it goes to the dead-letter topic as it is.
 */
public final class InvalidEventException extends Exception {
    private final String field;

    /**
     * @param field  the offending field ({@code "features[3]"}, {@code "task"}), or {@code "$"} for the
     *               record as a whole. Never null.
     * @param reason what is wrong, naming the bad value. Never null.
     */
    public InvalidEventException(String field, String reason) {
        super(field + ": " + reason, null, false, false);
        this.field = field;
    }

    /** The offending field, or {@code "$"} for the whole record. */
    public String field() {
        return field;
    }

    /**
     * The field a reason names: the text before its first colon without an index
     * ({@code "features[3]: ..."} gives {@code "features"}), or {@code "$"} when it names none. Reasons
     * from the parser and from the learner's admission both start this way.
     */
    public static String fieldOf(String reason) {
        int colon = reason.indexOf(':');
        String field = colon > 0 && colon < 60 ? reason.substring(0, colon) : "$";
        int bracket = field.indexOf('[');
        return bracket > 0 ? field.substring(0, bracket) : field;
    }

    /** The reason without the field prefix. */
    public String reason() {
        return getMessage().substring(field.length() + 2);
    }
}
