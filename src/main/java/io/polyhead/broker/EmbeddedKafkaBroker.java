package io.polyhead.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in this JVM: one {@link KafkaRaftServer} that is both KRaft
 * controller and broker, with a PLAINTEXT listener for clients and a CONTROLLER listener for its own
 * quorum, both on loopback unless {@link Builder#host} says otherwise.
 *
 * <p>The data directory is formatted on first use (what {@code kafka-storage.sh format} does) and
 * reused afterwards, so a broker started again on the same directory has its topics and records.
 * Without a data directory the broker uses a temporary one and deletes it on {@link #close()}.
 *
 * <p>Topics are not created automatically ({@code auto.create.topics.enable=false}): Polyhead
 * creates its topics explicitly, and a typo in a topic name should fail rather than make a topic.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build()) {
 *     broker.start();
 *     String bootstrap = broker.bootstrapServers(); // "127.0.0.1:41234"
 * }
 * }</pre>
 *
 * <p>While any embedded broker runs, Kafka's exit and halt procedures are replaced JVM-wide so that
 * a broker fault logs an error instead of ending the host process (see {@link KafkaExitGuard}).
 * Not thread-safe: start and close from one thread.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** The single node is node 1 and the only controller voter. */
    static final int NODE_ID = 1;
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final String CLIENT_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_HOST = "127.0.0.1";
    /** Tries with fresh ports when a picked free port was taken before the broker bound it. */
    private static final int PORT_ATTEMPTS = 3;

    private final String host;
    private final int requestedPort;
    private final int requestedControllerPort;
    private final Path requestedDataDir;
    private final Map<String, String> extraProperties;
    private final Duration startTimeout;

    private KafkaRaftServer server;
    private Path dataDir;
    private boolean ownsDataDir;
    private int port;
    private int controllerPort;
    private boolean started;
    private boolean closed;
    private boolean exitGuardHeld;

    private EmbeddedKafkaBroker(Builder b) {
        this.host = b.host;
        this.requestedPort = b.port;
        this.requestedControllerPort = b.controllerPort;
        this.requestedDataDir = b.dataDir;
        this.extraProperties = Map.copyOf(b.extraProperties);
        this.startTimeout = b.startTimeout;
    }

    /** A builder with the defaults: loopback, free ports, a temporary data directory. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the data directory if needed, starts the server and blocks until it answers a
     * describe-cluster request from an admin client.
     *
     * @throws IllegalStateException if already started or closed
     * @throws BrokerStartException if the broker fails or does not answer within the start timeout;
     *     everything started so far is shut down again
     */
    public void start() {
        if (started || closed) {
            throw new IllegalStateException("An EmbeddedKafkaBroker starts once; build a new one to restart");
        }
        started = true;
        long t0 = System.nanoTime();
        try {
            prepareDataDir();
            KafkaExitGuard.acquire();
            exitGuardHeld = true;
            startServerWithRetries();
            awaitReady(t0);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e instanceof BrokerStartException ? e
                    : new BrokerStartException("Kafka broker failed to start on " + host + ":" + port
                            + " with data dir " + dataDir + ": " + e, e);
        }
        log.info("Kafka broker ready at {} in {} ms (data dir {})", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), dataDir);
    }

    /**
     * The client bootstrap address, {@code "HOST:PORT"}. Never null once started.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public String bootstrapServers() {
        requireStarted();
        return host + ":" + port;
    }

    /** The client port chosen at start (the free one picked when the builder said 0). */
    public int port() {
        requireStarted();
        return port;
    }

    /** The controller (KRaft quorum) port chosen at start. */
    public int controllerPort() {
        requireStarted();
        return controllerPort;
    }

    /**
     * The data directory: the one given to the builder, or the temporary one (deleted on close).
     * Null before {@link #start()}.
     */
    public Path dataDir() {
        return dataDir;
    }

    /** True from a successful {@link #start()} until {@link #close()}. */
    public boolean isRunning() {
        return server != null && !closed;
    }

    /**
     * Shuts the broker down and waits for it, releases the exit guard, and deletes the data
     * directory if it was a temporary one. Safe to call more than once and after a failed start.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        boolean wasRunning = server != null;
        stopQuietly();
        if (wasRunning) {
            log.info("Kafka broker at {}:{} stopped in {} ms", host, port,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
    }

    private void prepareDataDir() {
        try {
            if (requestedDataDir == null) {
                dataDir = Files.createTempDirectory("polyhead-broker-");
                ownsDataDir = true;
            } else {
                dataDir = requestedDataDir.toAbsolutePath().normalize();
                Files.createDirectories(dataDir);
            }
        } catch (IOException e) {
            throw new BrokerStartException("Cannot create the broker data dir " + requestedDataDir + ": " + e, e);
        }
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            format(dataDir);
        }
    }

    /** Writes meta.properties and the bootstrap metadata, like {@code kafka-storage.sh format}. */
    private static void format(Path dir) {
        String clusterId = Uuid.randomUuid().toString();
        // The formatter narrates to a PrintStream (stdout by default); keep that for the debug log.
        ByteArrayOutputStream narration = new ByteArrayOutputStream();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(narration, true, StandardCharsets.UTF_8))
                    .setNodeId(NODE_ID)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(dir.toString()))
                    .setMetadataLogDirectory(dir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new BrokerStartException("Cannot format the broker data dir " + dir + ": " + e, e);
        }
        log.debug("Formatter: {}", narration.toString(StandardCharsets.UTF_8).strip());
        log.info("Formatted Kafka data dir {} (cluster id {})", dir, clusterId);
    }

    private void startServerWithRetries() {
        // A fixed port in use is the common mistake (a broker still running); say so plainly
        // rather than through Kafka's acceptor errors.
        requireFree(host, requestedPort, "client");
        requireFree(CONTROLLER_HOST, requestedControllerPort, "controller");
        for (int attempt = 1; ; attempt++) {
            port = requestedPort == 0 ? freePort(host) : requestedPort;
            controllerPort = requestedControllerPort == 0 ? freePortOtherThan(CONTROLLER_HOST, port) : requestedControllerPort;
            server = new KafkaRaftServer(new KafkaConfig(serverProperties(), false), Time.SYSTEM);
            try {
                server.startup();
                return;
            } catch (RuntimeException e) {
                shutdownServer();
                // Fixed ports were free just now, so a bind failure is most likely on a picked one.
                boolean portsPicked = requestedPort == 0 || requestedControllerPort == 0;
                if (!portsPicked || attempt >= PORT_ATTEMPTS || !causedBy(e, BindException.class)) {
                    throw e;
                }
                log.info("A picked port was taken meanwhile ({}); retrying with fresh ports", e.toString());
            }
        }
    }

    /** The broker configuration; extra properties from the builder win over these defaults. */
    Properties serverProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        // KRaft combined mode: this one process is the whole cluster and its only controller voter.
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + CONTROLLER_HOST + ":" + controllerPort);
        p.put("listeners", CLIENT_LISTENER + "://" + host + ":" + port + ","
                + CONTROLLER_LISTENER + "://" + CONTROLLER_HOST + ":" + controllerPort);
        p.put("advertised.listeners", CLIENT_LISTENER + "://" + host + ":" + port);
        p.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", CLIENT_LISTENER);
        // One directory holds both the partition logs and the metadata log, as formatted.
        p.put("log.dirs", dataDir.toString());
        // One node: every internal topic must make do with a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer internal partitions than the 50 default: the first group join and the first
        // transaction create them all, which takes seconds on a small machine.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        // A lone consumer or Streams instance should not wait 3 s for companions that never come.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        // Polyhead creates its topics explicitly; a misspelt name must fail, not create a topic.
        p.put("auto.create.topics.enable", "false");
        // The cleaner's default 128 MiB dedupe buffer is wasted on a development broker; compacted
        // topics (trunk sync, changelogs) still get cleaned.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        // A small machine: fewer threads than the defaults (3 network, 8 I/O).
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.putAll(extraProperties);
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    private void awaitReady(long startNanos) {
        long deadline = startNanos + startTimeout.toNanos();
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
        Exception last = null;
        try (Admin admin = Admin.create(adminConfig)) {
            while (System.nanoTime() < deadline) {
                try {
                    long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                    DescribeClusterOptions options = new DescribeClusterOptions()
                            .timeoutMs((int) Math.min(2_000, remainingMs));
                    var nodes = admin.describeCluster(options).nodes().get(remainingMs, TimeUnit.MILLISECONDS);
                    if (nodes.stream().map(Node::id).anyMatch(id -> id == NODE_ID)) {
                        return;
                    }
                    last = new IllegalStateException("describeCluster returned no node " + NODE_ID + ": " + nodes);
                } catch (ExecutionException e) {
                    last = e.getCause() instanceof Exception cause ? cause : e;
                } catch (TimeoutException e) {
                    last = e;
                }
                sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerStartException("Interrupted while waiting for the Kafka broker at "
                    + bootstrapServers(), e);
        }
        throw new BrokerStartException("Kafka broker at " + bootstrapServers() + " did not answer describeCluster within "
                + startTimeout.toMillis() + " ms (data dir " + dataDir + "); last error: " + last, last);
    }

    private void stopQuietly() {
        shutdownServer();
        if (exitGuardHeld) {
            KafkaExitGuard.release();
            exitGuardHeld = false;
        }
        if (ownsDataDir && dataDir != null) {
            deleteRecursively(dataDir);
        }
    }

    private void shutdownServer() {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Kafka broker shutdown failed: {}", e.toString(), e);
        } finally {
            server = null;
        }
    }

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException("The broker has not been started");
        }
    }

    /**
     * A port that was free on {@code host} a moment ago. Another process may take it before Kafka
     * binds it; {@link #startServerWithRetries()} retries then.
     */
    static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on " + host, e);
        }
    }

    /**
     * A free port other than {@code taken}: the OS may hand out the port just closed again, and Kafka refuses a
     * client and a controller listener on one port (seen once in a full test run).
     */
    static int freePortOtherThan(String host, int taken) {
        for (int i = 0; ; i++) {
            int p = freePort(host);
            if (p != taken || i >= 100) {
                return p;
            }
        }
    }

    private static void requireFree(String host, int port, String role) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new BrokerStartException("The " + role + " port " + host + ":" + port
                    + " is not free (another broker still running?): " + e.getMessage(), e);
        }
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("Could not delete the temporary broker dir {}: {}", dir, e.toString());
        }
    }

    private static void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }

    /** Options for an {@link EmbeddedKafkaBroker}; every one has a default. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int controllerPort;
        private Path dataDir;
        private final Map<String, String> extraProperties = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /**
         * The address the client listener binds and advertises. Default {@code 127.0.0.1}. A
         * wildcard address is rejected: clients are told to connect to exactly this address.
         */
        public Builder host(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("Host may not be blank. Got: " + host);
            }
            if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                throw new IllegalArgumentException("Bind a specific address, not the wildcard " + host
                        + ": the broker advertises this address to clients");
            }
            this.host = host;
            return this;
        }

        /** The client port; 0 (the default) picks a free one, see {@link EmbeddedKafkaBroker#port()}. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** The KRaft controller port, always on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort);
            return this;
        }

        /**
         * Where the broker keeps its logs and metadata; created and formatted if needed, kept on
         * close and reused by the next broker on it. Null (the default) means a temporary
         * directory that close deletes.
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** One broker property (e.g. {@code log.retention.ms}); overrides the built-in defaults. */
        public Builder brokerProperty(String key, String value) {
            extraProperties.put(key, value);
            return this;
        }

        /** Several broker properties; see {@link #brokerProperty}. */
        public Builder brokerProperties(Map<String, String> properties) {
            extraProperties.putAll(properties);
            return this;
        }

        /** How long {@link EmbeddedKafkaBroker#start()} may take in all. Default 30 s. */
        public Builder startTimeout(Duration startTimeout) {
            if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("Start timeout must be positive. Got: " + startTimeout);
            }
            this.startTimeout = startTimeout;
            return this;
        }

        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("Port must be in 0..65535. Got: " + port);
            }
            return port;
        }
    }
}
