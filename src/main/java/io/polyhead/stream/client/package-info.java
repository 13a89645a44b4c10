/**
 * Kafka clients that feed Polyhead's topics, apart from any command line: {@link
 * io.polyhead.stream.client.EventProducer} sends events (paced by a {@link
 * io.polyhead.stream.client.RateLimiter}) for {@code polyhead produce} and for the demo's synthetic
 * producer thread.
 */
package io.polyhead.stream.client;
