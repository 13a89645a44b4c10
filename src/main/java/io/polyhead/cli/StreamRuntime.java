package io.polyhead.cli;

import io.polyhead.broker.EmbeddedKafkaBroker;
import io.polyhead.model.LearnerConfig;
import io.polyhead.stream.PolyheadStreams;
import io.polyhead.stream.PolyheadTopology;
import io.polyhead.stream.StreamOptions;
import io.polyhead.stream.StreamsSettings;
import io.polyhead.topics.TopicAdmin;
import io.polyhead.topics.TopicCatalog;
import io.polyhead.model.ReplicaGroup;
import io.polyhead.observe.LearningWatch;
import io.polyhead.stream.StateOwnership;
import io.polyhead.stream.SyncSender;
import io.polyhead.topics.TopicReport;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What {@code run} and {@code demo} share: a cluster (the one given, or an embedded broker started
 * here), the topics (created when missing), and the learner application on top. Closing stops them in
 * reverse order.
 */
final class StreamRuntime implements AutoCloseable {
    private EmbeddedKafkaBroker broker;
    /** Read by the HTTP threads too. */
    private volatile PolyheadStreams app;
    private Properties client;
    private StreamOptions options;
    private ReplicaGroup group;
    private SyncSender sender;

    /** The replicas of the shared model in this instance, once the learner started. */
    ReplicaGroup group() {
        return group;
    }

    /**
     * Uses the cluster of {@code kafka}, or starts an embedded broker on {@code brokerPort} (a free
     * port when that one is taken) with its data in {@code brokerDataDir}.
     */
    Properties connect(KafkaOptions kafka, int brokerPort, Path brokerDataDir, PrintStream out) throws Exception {
        if (kafka.hasCluster()) {
            client = kafka.clientProperties(null);
            out.println("cluster: " + client.getProperty("bootstrap.servers"));
            return client;
        }
        int port = portFree(brokerPort) ? brokerPort : 0;
        if (port == 0) {
            out.println("port " + brokerPort + " is taken; the embedded broker takes a free port instead");
        }
        broker = EmbeddedKafkaBroker.builder().port(port).dataDir(brokerDataDir).build();
        broker.start();
        out.println("embedded Kafka broker: " + broker.bootstrapServers() + " (data in " + brokerDataDir + ")");
        client = kafka.clientProperties(broker.bootstrapServers());
        return client;
    }

    /**
     * Creates missing topics ({@code partitions} each when created) and reads the partition counts the
     * stream layer relies on.
     */
    StreamOptions ensureTopics(StreamOptions base, int partitions, PrintStream out) throws Exception {
        try (Admin admin = Admin.create(client)) {
            TopicReport report = TopicAdmin.ensure(admin, TopicCatalog.builtin().withPartitions(partitions));
            for (TopicReport.Entry e : report.entries()) {
                if (e.status() == TopicReport.Status.CREATED) {
                    out.println("created topic " + e.topic() + " (" + e.partitions() + (e.partitions() == 1 ? " partition)" : " partitions)"));
                } else if (e.status() == TopicReport.Status.DIFFERS) {
                    out.println("note: topic " + e.topic() + " differs from its definition: " + e.differences());
                }
            }
            // ensure has checked that the events and by-task topics have the same live partition count.
            options = base.withPartitions(report.entry(TopicCatalog.EVENTS).partitions());
            return options;
        }
    }

    /**
     * Starts the learner application with {@code standbys} standby replicas and waits until it runs, its
     * meters in {@code observe}'s registry and its HTTP port (if any) served from before the start. Local
     * state built against another cluster is removed first, with a line on {@code out}.
     */
    PolyheadStreams startLearner(LearnerConfig config, StreamOptions options, String applicationId, Path stateDir,
                                 int threads, int standbys, Observability observe, PrintStream out) throws Exception {
        try (Admin admin = Admin.create(client)) {
            StateOwnership.claim(admin, stateDir, applicationId, line -> out.println("note: " + line));
        }
        Properties props = StreamsSettings.properties(client, applicationId, stateDir, threads, standbys);
        group = new ReplicaGroup();
        LearningWatch watch = observe.watch(group);
        String advertised = observe.serve(() -> {
            PolyheadStreams running = app;
            return running == null ? null : running.streams();
        });
        if (advertised != null) {
            // Other instances find this one's tasks for /api/tasks through Kafka Streams' metadata.
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised);
        }
        sender = new SyncSender(client, options.syncTopic());
        PolyheadStreams created = new PolyheadStreams(PolyheadTopology.build(config, options, observe.registry, group,
                sender, watch), props);
        observe.bindKafka(created.streams());
        app = created;
        return app.start(Duration.ofMinutes(2));
    }

    Properties client() {
        return client;
    }

    StreamOptions options() {
        return options;
    }

    String bootstrapServers() {
        return client.getProperty("bootstrap.servers");
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (app != null) {
            app.close();
            app = null;
        }
        if (sender != null) {
            sender.close();
            sender = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
