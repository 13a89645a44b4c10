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

    /** The reason without the field prefix. */
    public String reason() {
        return getMessage().substring(field.length() + 2);
    }
}
