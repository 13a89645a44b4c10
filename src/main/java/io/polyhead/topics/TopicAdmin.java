package io.polyhead.topics;

import io.polyhead.topics.TopicReport.Entry;
import io.polyhead.topics.TopicReport.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Brings a cluster's topics to a {@link TopicCatalog}: creates the missing ones as defined and
 * reports every existing topic whose live settings differ (partition count, replication factor, each
 * declared config). It never alters a live topic: adding partitions moves keys to other partitions and
 * changing retention can delete data, so those stay a person's decision.
 *
 * <p>Idempotent: a second run creates nothing. Several processes may run it at once; a topic another
 * one created in between counts as existing and is compared like any other.
 */
public final class TopicAdmin {

    /** How long a created topic may take to become describable (to reach the brokers' metadata). */
    private static final long CREATE_PROPAGATION_WAIT_MS = 10_000;

    private TopicAdmin() {
    }

    /**
     * Creates the catalog's missing topics (unless {@code dryRun}) and compares the existing ones.
     * Waits as long as the admin client's {@code default.api.timeout.ms} allows for each call.
     *
     * @param dryRun true: create nothing, report missing topics as {@link Status#MISSING}
     * @return one entry per catalog topic, in the catalog's order. Never null.
     * @throws TopicSetupException when a topic cannot be described or created (unreachable cluster,
     *                             no permission, a replication factor above the broker count, ...)
     */
    public static TopicReport apply(Admin admin, TopicCatalog catalog, boolean dryRun) throws InterruptedException {
        List<TopicDefinition> definitions = catalog.all();
        Map<String, TopicDescription> live = describe(admin, definitions.stream().map(TopicDefinition::name).toList());

        Set<String> created = new HashSet<>();
        List<TopicDefinition> missing = definitions.stream().filter(d -> !live.containsKey(d.name())).toList();
        if (!missing.isEmpty() && !dryRun) {
            List<String> existedMeanwhile = create(admin, missing, created);
            // A created topic reaches the brokers' metadata a moment after the create call returns:
            // wait for it, so that whoever runs next (a second apply, a producer) finds it.
            awaitDescribable(admin, created.stream().toList());
            if (!existedMeanwhile.isEmpty()) {
                live.putAll(awaitDescribable(admin, existedMeanwhile));
            }
        }
        Map<String, Config> configs = live.isEmpty() ? Map.of() : describeConfigs(admin, live.keySet());

        List<Entry> entries = new ArrayList<>();
        for (TopicDefinition d : definitions) {
            TopicDescription description = live.get(d.name());
            if (created.contains(d.name())) {
                entries.add(new Entry(d.name(), d.partitions(), Status.CREATED, List.of()));
            } else if (description == null) {
                entries.add(new Entry(d.name(), d.partitions(), Status.MISSING, List.of()));
            } else {
                List<String> differences = differences(d, description, configs.get(d.name()));
                entries.add(new Entry(d.name(), description.partitions().size(),
                        differences.isEmpty() ? Status.EXISTS : Status.DIFFERS, differences));
            }
        }
        return new TopicReport(entries);
    }

    /**
     * What {@code run} and {@code demo} call before they start: creates the missing topics, and fails
     * when Polyhead cannot run on the live ones. Other differences (a retention, a config) are only
     * reported: the learner runs on them.
     *
     * @return the report of {@link #apply}. Never null.
     * @throws TopicSetupException when a topic cannot be created, or when {@link TopicCatalog#EVENTS}
     *                             and {@link TopicCatalog#EVENTS_BY_TASK} have different live
     *                             partition counts, or {@link TopicCatalog#TRUNK_SYNC} has more
     *                             than one partition
     */
    public static TopicReport ensure(Admin admin, TopicCatalog catalog) throws InterruptedException {
        TopicReport report = apply(admin, catalog, false);
        if (catalog.contains(TopicCatalog.EVENTS) && catalog.contains(TopicCatalog.EVENTS_BY_TASK)) {
            int events = report.entry(TopicCatalog.EVENTS).partitions();
            int byTask = report.entry(TopicCatalog.EVENTS_BY_TASK).partitions();
            if (events != byTask) {
                throw new TopicSetupException(TopicCatalog.EVENTS + " has " + events + " partitions but "
                        + TopicCatalog.EVENTS_BY_TASK + " has " + byTask + "; they must be equal, because the "
                        + "learner's input is co-partitioned with the events. Recreate "
                        + TopicCatalog.EVENTS_BY_TASK + " with " + events + " partitions once the learner has "
                        + "caught up (it holds only re-keyed copies of the events).");
            }
        }
        if (catalog.contains(TopicCatalog.TRUNK_SYNC)) {
            int sync = report.entry(TopicCatalog.TRUNK_SYNC).partitions();
            if (sync != 1) {
                throw new TopicSetupException(TopicCatalog.TRUNK_SYNC + " has " + sync + " partitions; it must have "
                        + "1, because a contribution's chunks and the progress reports that follow it are read in "
                        + "the order they were written. Delete it and start again (polyhead topics creates it with "
                        + "1 partition); the replicas' next contributions fill it.");
            }
        }
        return report;
    }

    /** Live descriptions of those of {@code names} that exist. */
    private static Map<String, TopicDescription> describe(Admin admin, List<String> names) throws InterruptedException {
        Map<String, TopicDescription> live = new LinkedHashMap<>();
        Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(names).topicNameValues();
        for (String name : names) {
            try {
                live.put(name, futures.get(name).get());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new TopicSetupException("cannot describe topic " + name + ": " + reason(e), e.getCause());
                }
            }
        }
        return live;
    }

    /**
     * Creates the topics; adds each one created to {@code created}.
     *
     * @return the names that someone else created in the meantime
     */
    private static List<String> create(Admin admin, List<TopicDefinition> missing, Set<String> created)
            throws InterruptedException {
        List<NewTopic> requests = missing.stream().map(TopicDefinition::toNewTopic).toList();
        Map<String, KafkaFuture<Void>> futures = admin.createTopics(requests).values();
        List<String> existed = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Throwable firstCause = null;
        for (TopicDefinition d : missing) {
            try {
                futures.get(d.name()).get();
                created.add(d.name());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    existed.add(d.name());
                } else {
                    failures.add(d.name() + ": " + reason(e));
                    firstCause = firstCause == null ? e.getCause() : firstCause;
                }
            }
        }
        if (!failures.isEmpty()) {
            // Report every failure at once; those that were created stay created (a rerun skips them).
            throw new TopicSetupException("cannot create " + String.join("; ", failures)
                    + (created.isEmpty() ? "" : " (created: " + String.join(", ", new TreeSet<>(created)) + ")"),
                    firstCause);
        }
        return existed;
    }

    /**
     * Describes topics just created (by us or by another client): the metadata may take a moment to
     * reach the broker we ask, so an unknown topic is asked about again for a short while.
     */
    private static Map<String, TopicDescription> awaitDescribable(Admin admin, List<String> names)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + CREATE_PROPAGATION_WAIT_MS;
        Map<String, TopicDescription> live = new HashMap<>();
        List<String> pending = new ArrayList<>(names);
        while (true) {
            live.putAll(describe(admin, pending));
            pending.removeAll(live.keySet());
            if (pending.isEmpty()) {
                return live;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new TopicSetupException("topics " + pending + " were created but still cannot be described after "
                        + CREATE_PROPAGATION_WAIT_MS + " ms");
            }
            Thread.sleep(100);
        }
    }

    private static Map<String, Config> describeConfigs(Admin admin, Set<String> names) throws InterruptedException {
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, KafkaFuture<Config>> futures = admin.describeConfigs(resources).values();
        Map<String, Config> configs = new HashMap<>();
        for (ConfigResource r : resources) {
            try {
                configs.put(r.name(), futures.get(r).get());
            } catch (ExecutionException e) {
                throw new TopicSetupException("cannot describe the configs of topic " + r.name() + ": " + reason(e),
                        e.getCause());
            }
        }
        return configs;
    }

    /** Each way the live topic differs from its definition. */
    static List<String> differences(TopicDefinition d, TopicDescription live, Config liveConfigs) {
        List<String> differences = new ArrayList<>();
        int partitions = live.partitions().size();
        if (partitions != d.partitions()) {
            differences.add("partitions " + partitions + " (defined " + d.partitions() + ")");
        }
        Set<Integer> replicationFactors = live.partitions().stream()
                .map(p -> p.replicas().size())
                .collect(Collectors.toCollection(TreeSet::new));
        if (!replicationFactors.equals(Set.of(d.replicationFactor()))) {
            String liveRf = replicationFactors.stream().map(String::valueOf).collect(Collectors.joining("/"));
            differences.add("replicationFactor " + liveRf + " (defined " + d.replicationFactor() + ")");
        }
        d.configs().forEach((name, defined) -> {
            ConfigEntry entry = liveConfigs == null ? null : liveConfigs.get(name);
            if (entry == null) {
                differences.add(name + " not set on the broker (defined " + defined + ")");
            } else if (!sameValue(name, defined, entry.value())) {
                differences.add(name + " " + entry.value() + " (defined " + defined + ")");
            }
        });
        return differences;
    }

    /** Config values compare as text, except list-valued ones whose order means nothing. */
    static boolean sameValue(String name, String defined, String live) {
        if (live == null) {
            return false;
        }
        if (name.equals(TopicConfig.CLEANUP_POLICY_CONFIG)) {
            return items(defined).equals(items(live));
        }
        return defined.strip().equals(live.strip());
    }

    private static Set<String> items(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String reason(ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
