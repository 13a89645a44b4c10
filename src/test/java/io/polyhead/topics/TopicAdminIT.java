package io.polyhead.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.broker.EmbeddedKafkaBroker;
import io.polyhead.topics.TopicReport.Status;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TopicAdmin} against a real broker shared by the class. Each test uses topics of its own
 * (the catalog's names behind a per-test prefix), except the one about the real names.
 */
@Timeout(120)
class TopicAdminIT {

    private static EmbeddedKafkaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void createsEverythingOnceThenFindsItAsDefined() throws Exception {
        TopicCatalog catalog = prefixed("apply.", TopicCatalog.builtin());
        TopicReport first = TopicAdmin.apply(admin, catalog, false);
        assertEquals(names(catalog), first.created(), first.table());
        assertTrue(first.matches());

        for (TopicDefinition d : catalog.all()) {
            TopicDescription live = admin.describeTopics(List.of(d.name())).allTopicNames().get().get(d.name());
            assertEquals(d.partitions(), live.partitions().size(), d.name());
            var configs = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, d.name())))
                    .all().get().values().iterator().next();
            d.configs().forEach((k, v) -> assertEquals(v, configs.get(k).value(), d.name() + " " + k));
        }

        TopicReport second = TopicAdmin.apply(admin, catalog, false);
        assertEquals(List.of(), second.created());
        assertFalse(second.hasDifferences(), second.table());
        second.entries().forEach(e -> assertEquals(Status.EXISTS, e.status(), e.topic()));
        assertTrue(second.matches());
    }

    @Test
    void aTopicMadeByHandWithOtherSettingsIsReportedNotChanged() throws Exception {
        TopicCatalog catalog = prefixed("hand.", TopicCatalog.builtin());
        String events = "hand." + TopicCatalog.EVENTS;
        String predictions = "hand." + TopicCatalog.PREDICTIONS;
        admin.createTopics(List.of(
                new NewTopic(events, 2, (short) 1),
                new NewTopic(predictions, 4, (short) 1).configs(Map.of("retention.ms", "1000",
                        "cleanup.policy", "delete")))).all().get();

        TopicReport report = TopicAdmin.apply(admin, catalog, false);
        TopicReport.Entry e = report.entry(events);
        assertEquals(Status.DIFFERS, e.status());
        assertEquals(2, e.partitions());
        assertTrue(e.differences().contains("partitions 2 (defined 4)"), e.differences().toString());
        assertTrue(e.describeStatus().startsWith("differs: "), e.describeStatus());
        TopicReport.Entry p = report.entry(predictions);
        assertEquals(List.of("retention.ms 1000 (defined 604800000)"), p.differences());
        assertEquals(Status.CREATED, report.entry("hand." + TopicCatalog.DEAD_LETTERS).status());
        assertTrue(report.hasDifferences());
        assertFalse(report.matches());
        assertTrue(report.table().contains("differs: partitions 2 (defined 4)"), report.table());

        assertEquals(2, admin.describeTopics(List.of(events)).allTopicNames().get().get(events).partitions().size(),
                "left as it was");
        assertEquals(Status.DIFFERS, TopicAdmin.apply(admin, catalog, false).entry(events).status(), "still reported");
    }

    @Test
    void aDryRunCreatesNothing() throws Exception {
        TopicCatalog catalog = prefixed("dry.", TopicCatalog.builtin());
        TopicReport report = TopicAdmin.apply(admin, catalog, true);
        report.entries().forEach(e -> assertEquals(Status.MISSING, e.status(), e.topic()));
        assertFalse(report.matches());
        Set<String> live = admin.listTopics().names().get();
        names(catalog).forEach(n -> assertFalse(live.contains(n), n));
    }

    @Test
    void concurrentRunsCreateEachTopicOnce() throws Exception {
        TopicCatalog catalog = prefixed("race.", TopicCatalog.builtin());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Callable<TopicReport> run = () -> TopicAdmin.apply(admin, catalog, false);
            List<Future<TopicReport>> runs = pool.invokeAll(List.of(run, run, run));
            int created = 0;
            for (Future<TopicReport> f : runs) {
                TopicReport r = f.get();
                assertTrue(r.matches(), r.table());
                created += r.created().size();
            }
            assertEquals(catalog.all().size(), created, "each topic created by exactly one run");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ensureRefusesEventsAndByTaskWithDifferentPartitionCounts() throws Exception {
        admin.createTopics(List.of(new NewTopic(TopicCatalog.EVENTS_BY_TASK, 2, (short) 1))).all().get();
        TopicSetupException e = assertThrows(TopicSetupException.class,
                () -> TopicAdmin.ensure(admin, TopicCatalog.builtin()));
        assertTrue(e.getMessage().contains("polyhead.events has 4 partitions but polyhead.events.by-task has 2"),
                e.getMessage());
        assertTrue(admin.listTopics().names().get().containsAll(names(TopicCatalog.builtin())),
                "the missing topics were still created");
    }

    @Test
    void ensureRefusesASyncTopicOfMoreThanOnePartition() throws Exception {
        // The real names, on a broker of its own: the class's broker holds them for the test above.
        try (EmbeddedKafkaBroker own = EmbeddedKafkaBroker.builder().build()) {
            own.start();
            try (Admin ownAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, own.bootstrapServers()))) {
                ownAdmin.createTopics(List.of(new NewTopic(TopicCatalog.TRUNK_SYNC, 3, (short) 1))).all().get();
                TopicSetupException e = assertThrows(TopicSetupException.class,
                        () -> TopicAdmin.ensure(ownAdmin, TopicCatalog.builtin()));
                assertTrue(e.getMessage().startsWith("polyhead.trunk-sync has 3 partitions; it must have 1"),
                        e.getMessage());
            }
        }
    }

    @Test
    void ensurePassesWhenOnlyAConfigDiffers() throws Exception {
        TopicCatalog catalog = prefixed("cfg.", TopicCatalog.builtin());
        String dlq = "cfg." + TopicCatalog.DEAD_LETTERS;
        admin.createTopics(List.of(new NewTopic(dlq, 1, (short) 1).configs(Map.of("retention.ms", "1000"))))
                .all().get();
        TopicReport report = TopicAdmin.ensure(admin, catalog);
        assertEquals(Status.DIFFERS, report.entry(dlq).status());
    }

    @Test
    void aReplicationFactorTheClusterCannotHaveIsAClearError() {
        TopicCatalog catalog = prefixed("rf.", TopicCatalog.builtin()).withReplicationFactor(3);
        TopicSetupException e = assertThrows(TopicSetupException.class, () -> TopicAdmin.apply(admin, catalog, false));
        assertTrue(e.getMessage().startsWith("cannot create rf.polyhead.events"), e.getMessage());
        assertTrue(e.getMessage().contains("InvalidReplicationFactorException"), e.getMessage());
    }

    private static TopicCatalog prefixed(String prefix, TopicCatalog catalog) {
        return TopicCatalog.of(catalog.all().stream()
                .map(d -> new TopicDefinition(prefix + d.name(), d.description(), d.partitions(),
                        d.replicationFactor(), d.configs()))
                .toList());
    }

    private static List<String> names(TopicCatalog catalog) {
        return catalog.all().stream().map(TopicDefinition::name).toList();
    }
}
