package io.polyhead.topics;

/**
 * The cluster's topics cannot be brought to their definitions, or are set up in a way Polyhead
 * cannot run on (e.g. {@code polyhead.events} and {@code polyhead.events.by-task} with different
 * partition counts). The message says which topic and why.
 */
public class TopicSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TopicSetupException(String message) {
        super(message);
    }

    public TopicSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
