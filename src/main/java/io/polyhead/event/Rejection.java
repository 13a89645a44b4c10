package io.polyhead.event;

/**
 * Why an input cannot be learned: the field that is wrong and what is wrong with it, carried as a value
 * from where a rule is checked to where the rejection is counted or dead-lettered (never as text
 * parsed back).
 *
 * @param field  the offending field as the input spells it ({@code "features[3]"}, {@code "task"}), or
 *               {@code "$"} for the record as a whole. Never null.
 * @param reason what is wrong, naming the bad value. Never null.
 */
public record Rejection(String field, String reason) {

    /** The field without an index ({@code "features[3]"} gives {@code "features"}): what reports count by. */
    public String fieldName() {
        int bracket = field.indexOf('[');
        return bracket > 0 ? field.substring(0, bracket) : field;
    }

    /** {@code field: reason}, as the dead-letter topic and reports show it. */
    public String message() {
        return field + ": " + reason;
    }

    /** The same rejection with a note on where it happened appended to the reason. */
    public Rejection withNote(String note) {
        return new Rejection(field, reason + " " + note);
    }

    @Override
    public String toString() {
        return message();
    }
}
