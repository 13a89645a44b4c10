package io.polyhead.event;

/**
 * An input record that is not a valid event of the contract. The message is the precise reason,
 * naming the field and the bad value; it goes to the dead-letter topic as it is.
 */
public final class InvalidEventException extends Exception {
    private final Rejection rejection;

    /**
     * @param field  the offending field ({@code "features[3]"}, {@code "task"}), or {@code "$"} for the
     *               record as a whole. Never null.
     * @param reason what is wrong, naming the bad value. Never null.
     */
    public InvalidEventException(String field, String reason) {
        this(new Rejection(field, reason));
    }

    /** @param rejection the field and the reason. Never null. */
    public InvalidEventException(Rejection rejection) {
        super(rejection.message(), null, false, false);
        this.rejection = rejection;
    }

    /** The field and the reason. */
    public Rejection rejection() {
        return rejection;
    }

    /** The offending field, or {@code "$"} for the whole record. */
    public String field() {
        return rejection.field();
    }

    /** The reason without the field prefix. */
    public String reason() {
        return rejection.reason();
    }
}
