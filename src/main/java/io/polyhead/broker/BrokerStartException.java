package io.polyhead.broker;

/** An {@link EmbeddedKafkaBroker} could not start; the message names the address and data dir. */
public final class BrokerStartException extends RuntimeException {
    public BrokerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
