package io.polyhead.cli;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.polyhead.http.HttpApi;
import io.polyhead.model.ReplicaGroup;
import io.polyhead.observe.LearningWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What {@code run} and {@code demo} expose of themselves: the Prometheus registry with the JVM's, Kafka
 * Streams' and Polyhead's meters, and the HTTP port that serves them with the API and the live page.
 */
final class Observability implements AutoCloseable {
    /** Kafka's meters are re-read this often: Micrometer's 60 s default hides new tasks' meters for a minute. */
    static final Duration KAFKA_REFRESH = Duration.ofSeconds(5);

    /**
     * Keeps the scrape clean for {@code promtool check metrics}: Kafka's and the JVM's meters measured in
     * ns or ms under names that say so (Prometheus wants seconds; these have second-based twins or
     * averages) and gauges named {@code *.count} (only histograms and summaries may end in {@code _count}:
     * connection counts, the CPU count) are left out, and meters without a description get one. Left out
     * rather than renamed: Kafka's binder looks its meters up by their own names at every refresh.
     */
    static final MeterFilter PROMTOOL_CLEAN = new MeterFilter() {
        @Override
        public MeterFilterReply accept(Meter.Id id) {
            List<String> parts = new ArrayList<>(List.of(id.getName().split("\\.")));
            parts.add(String.valueOf(id.getBaseUnit()));
            boolean countGauge = id.getType() == Meter.Type.GAUGE && id.getName().endsWith(".count");
            return countGauge || parts.contains("ns") || parts.contains("ms") || parts.contains("us")
                    ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
        }

        @Override
        public Meter.Id map(Meter.Id id) {
            String description = id.getDescription();
            return description != null && !description.isBlank() ? id : new Meter.Id(id.getName(), Tags.of(id.getTags()),
                    id.getBaseUnit(), id.getName() + " (its source gives no description)", id.getType());
        }
    };

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final String host;
    private final int topTasks;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "polyhead-kafka-meters");
        t.setDaemon(true);
        return t;
    });
    private LearningWatch watch;
    private final HttpApi api;
    private KafkaStreamsMetrics kafka;

    /**
     * Binds the HTTP port at once (a taken port fails here, before a broker or learner starts).
     *
     * @param port the HTTP port; 0 serves nothing (the meters are still kept)
     * @throws IllegalArgumentException naming the port when it cannot be bound
     */
    Observability(String host, int port, int topTasks) {
        this.host = host;
        this.topTasks = topTasks;
        this.api = port == 0 ? null : HttpApi.bind(host, port);
        registry.config().meterFilter(PROMTOOL_CLEAN);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The instance's watch over the replicas of {@code group}, with its meters registered. */
    LearningWatch watch(ReplicaGroup group) {
        watch = new LearningWatch(group, topTasks).bindTo(registry);
        return watch;
    }

    /**
     * Starts the HTTP port, if one was asked for, before the application exists ({@code /health} says
     * not ready until it runs). Returns the {@code host:port} the instance advertises to the others, or
     * null when there is no port.
     */
    String serve(Supplier<KafkaStreams> streams) {
        if (api == null) {
            return null;
        }
        String advertised = advertisedHost() + ":" + api.port();
        api.serve(registry, watch, streams, advertised);
        return advertised;
    }

    /** Where other instances reach this one: the host listened on, or this machine's name when that is any. */
    private String advertisedHost() {
        if (!host.equals("0.0.0.0") && !host.equals("::")) {
            return host;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /** Adds the application's Kafka Streams and client meters. */
    void bindKafka(KafkaStreams streams) {
        kafka = new KafkaStreamsMetrics(streams, List.of(), scheduler, KAFKA_REFRESH);
        kafka.bindTo(registry);
    }

    LearningWatch watch() {
        return watch;
    }

    /** The live page's address, or null without a port. */
    String page() {
        return api == null ? null : api.address();
    }

    @Override
    public void close() {
        if (api != null) {
            api.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        gc.close();
        scheduler.shutdownNow();
        registry.close();
    }
}
