/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) that runs inside
 * the JVM, for {@code polyhead broker}, the demo and the integration tests. No ZooKeeper, no Docker.
 */
package io.polyhead.broker;
