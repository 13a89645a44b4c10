package io.polyhead.cli;

import io.polyhead.topics.TopicAdmin;
import io.polyhead.topics.TopicCatalog;
import io.polyhead.topics.TopicReport;
import io.polyhead.topics.TopicSetupException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code polyhead topics}: creates Polyhead's topics on a cluster from their definitions and reports
 * existing ones whose settings differ. It never alters a live topic.
 */
@Command(name = "topics",
        mixinStandardHelpOptions = true,
        description = {
            "Creates Polyhead's Kafka topics and checks the existing ones.",
            "",
            "Each topic is defined by a file in the project's topics/ directory (partitions, replication "
                    + "factor, cleanup.policy, retention, configs); the jar carries a copy. Missing topics are "
                    + "created; an existing topic whose partition count, replication factor or a defined config "
                    + "differs is reported, never changed: adding partitions moves keys and shorter retention "
                    + "deletes data, so that stays your call. Running it again is safe.",
            "",
            "Exit status: 0 when every topic exists as defined, 1 when one differs (or, with --dry-run, "
                    + "is missing), 2 on an error.",
            ""},
        footer = {
            "",
            "Example:",
            "  polyhead broker --port 9092 &                 # or any Kafka cluster",
            "  polyhead topics -b 127.0.0.1:9092 --dry-run   # what would be created",
            "  polyhead topics -b 127.0.0.1:9092",
            "  topic                    partitions  status",
            "  polyhead.events                   4  created",
            "  polyhead.events.by-task           4  created",
            "  polyhead.events.dlq               1  created",
            "  polyhead.predictions              4  created",
            "",
            "On a production cluster, three replicas and the client's security settings:",
            "  polyhead topics -b kafka-1:9092 --replication-factor 3 \\",
            "    --kafka-config client.properties   # security.protocol, sasl.*, ssl.*"})
public final class TopicsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Give every topic N partitions instead of the defined counts (e.g. 1 for a test).")
    Integer partitions;

    @Option(names = "--replication-factor", paramLabel = "N",
            description = "Give every topic replication factor N instead of the defined one (1, for one broker).")
    Integer replicationFactor;

    @Option(names = "--dry-run",
            description = "Create nothing; report what exists, what differs and what would be created.")
    boolean dryRun;

    @Option(names = "--definitions", paramLabel = "DIR",
            description = "Read the definitions from DIR (*.json, one per topic) instead of those in the jar.")
    Path definitions;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Properties props;
        try {
            if (!kafka.hasCluster()) {
                throw new ParameterException(spec.commandLine(), "No Kafka cluster given: pass --bootstrap-server "
                        + "HOST:PORT (or bootstrap.servers in --kafka-config), or start one with 'polyhead broker'.");
            }
            props = kafka.clientProperties(null);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        TopicCatalog catalog = catalog();
        // Fail in seconds, not the client's default minute, when the address is wrong; a file may say otherwise.
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        TopicReport report;
        try (Admin admin = Admin.create(props)) {
            report = TopicAdmin.apply(admin, catalog, dryRun);
        } catch (TopicSetupException | KafkaException e) {
            err.println("polyhead topics: " + e.getMessage());
            if (e instanceof TimeoutException || e.getCause() instanceof TimeoutException) {
                err.println("Is a Kafka broker running at " + props.getProperty("bootstrap.servers")
                        + "? ('polyhead broker' starts one.)");
            }
            err.flush();
            return 2;
        }
        out.print(report.table());
        out.flush();
        return report.matches() ? 0 : 1;
    }

    private TopicCatalog catalog() {
        TopicCatalog catalog;
        try {
            catalog = definitions == null ? TopicCatalog.builtin() : TopicCatalog.load(definitions);
            if (partitions != null) {
                catalog = catalog.withPartitions(partitions);
            }
            if (replicationFactor != null) {
                catalog = catalog.withReplicationFactor(replicationFactor);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return catalog;
    }
}
