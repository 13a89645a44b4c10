/**
 * Polyhead's Kafka topics as data: {@link io.polyhead.topics.TopicDefinition} (one per file in the
 * project's {@code topics/} directory), {@link io.polyhead.topics.TopicCatalog} (the set of them) and
 * {@link io.polyhead.topics.TopicAdmin}, which creates the missing ones on a cluster and reports
 * live topics whose settings differ, never altering them.
 */
package io.polyhead.topics;
