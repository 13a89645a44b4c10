package io.polyhead.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.polyhead.observe.LearningWatch;
import io.polyhead.observe.TaskView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The one HTTP port of a running instance: {@code /metrics} (Prometheus text), {@code /health}, the JSON
 * API ({@code /api/tasks}, {@code /api/tasks/{id}}, {@code /api/model}) and the live page at {@code /}.
 *
 * <p>Tasks live where their partition is: {@code /api/tasks} answers with this instance's tasks and those
 * of every other instance of the application, found through Kafka Streams' metadata (each instance
 * advertises its HTTP address as {@code application.server}) and asked with {@code ?scope=local}.
 */
public final class HttpApi implements AutoCloseable {
    /** Refresh of the per-task meters' labels. */
    private static final long REFRESH_MS = 5000;
    /** A sample of the live page's history. */
    private static final long SAMPLE_MS = 2000;
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(2);
    private static final Map<String, String> PAGE_FILES = Map.of(
            "/", "index.html", "/index.html", "index.html", "/uPlot.iife.min.js", "uPlot.iife.min.js",
            "/uPlot.min.css", "uPlot.min.css", "/uPlot.LICENSE", "uPlot.LICENSE");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpApi.class);

    private final HttpServer server;
    private final String host;
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "polyhead-http-refresh");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient peers = HttpClient.newBuilder().connectTimeout(PEER_TIMEOUT).build();
    private PrometheusMeterRegistry registry;
    private LearningWatch watch;
    private Supplier<KafkaStreams> streams;
    private String advertised;
    private final PageHistory history = new PageHistory();

    private HttpApi(HttpServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /**
     * Takes {@code host:port} (port 0: any free port) at once, so that a taken port is an error before
     * anything else starts; {@link #serve} starts answering.
     *
     * @throws IllegalArgumentException when the port cannot be bound, naming it
     */
    public static HttpApi bind(String host, int port) {
        try {
            return new HttpApi(HttpServer.create(new InetSocketAddress(host, port), 16), host);
        } catch (BindException e) {
            throw new IllegalArgumentException("--http-port " + port + ": cannot listen on " + host + ":" + port + " ("
                    + e.getMessage() + "); choose another port, or 0 for none");
        } catch (IOException e) {
            throw new IllegalArgumentException("--http-host " + host + ": cannot listen there (" + e.getMessage() + ")");
        }
    }

    /**
     * Starts answering.
     *
     * @param streams    the running application, or null while it starts (then {@code /health} says not ready)
     * @param advertised {@code host:port} this instance advertises as {@code application.server}
     */
    public HttpApi serve(PrometheusMeterRegistry registry, LearningWatch watch, Supplier<KafkaStreams> streams,
                         String advertised) {
        this.registry = registry;
        this.advertised = advertised;
        this.watch = watch;
        this.streams = streams;
        server.createContext("/", this::handle);
        // Enough threads that a slow peer behind /api/tasks does not hold up a scrape of /metrics.
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "polyhead-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        // A job that throws would stop for good, silently: log and go on.
        refresher.scheduleWithFixedDelay(guarded("refresh the per-task meters", watch::refresh), 0, REFRESH_MS,
                TimeUnit.MILLISECONDS);
        refresher.scheduleAtFixedRate(guarded("sample the page's history", () -> history.sample(System.currentTimeMillis(),
                watch.model(), deadLetters(), watch.tasks(PageHistory.CHARTED_TASKS))), 0, SAMPLE_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    private static Runnable guarded(String what, Runnable job) {
        return () -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                LOG.warn("could not {}", what, e);
            }
        };
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The address of the live page. */
    public String address() {
        return "http://" + (advertised != null ? advertised : host + ":" + port()) + "/";
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                route(ex);
            } catch (IllegalArgumentException e) {
                send(ex, 400, "application/json", error(e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("HTTP {} failed", ex.getRequestURI(), e);
                send(ex, 500, "application/json", error(e.toString()));
            }
        }
    }

    private void route(HttpExchange ex) throws IOException {
        if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
            send(ex, 405, "application/json", error("only GET is served"));
            return;
        }
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getRawQuery();
        boolean local = query != null && query.contains("scope=local");
        if (path.equals("/metrics")) {
            send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                    registry.scrape().getBytes(StandardCharsets.UTF_8));
        } else if (path.equals("/health") || path.equals("/health/ready")) {
            health(ex, true);
        } else if (path.equals("/health/live")) {
            health(ex, false);
        } else if (path.equals("/api/tasks")) {
            sendJson(ex, 200, tasks(local, limit(query)));
        } else if (path.startsWith("/api/tasks/")) {
            String id = path.substring("/api/tasks/".length()); // getPath() has decoded it, once
            JsonNode task = task(id, local);
            if (task == null) {
                send(ex, 404, "application/json", error("no task '" + id + "' on any instance"));
            } else {
                sendJson(ex, 200, task);
            }
        } else if (path.equals("/api/history")) {
            sendJson(ex, 200, history.toJson(JSON));
        } else if (path.equals("/api/model")) {
            sendJson(ex, 200, model());
        } else if (PAGE_FILES.containsKey(path)) {
            page(ex, PAGE_FILES.get(path));
        } else {
            send(ex, 404, "application/json", error("no such path: " + path
                    + " (served: /, /metrics, /health, /api/tasks, /api/tasks/{id}, /api/model, /api/history)"));
        }
    }

    private void health(HttpExchange ex, boolean readiness) throws IOException {
        KafkaStreams app = streams.get();
        String state = app == null ? "STARTING" : app.state().name();
        boolean ready = app != null && app.state() == KafkaStreams.State.RUNNING;
        ObjectNode body = JSON.createObjectNode().put("live", true).put("ready", ready).put("streams", state);
        sendJson(ex, readiness && !ready ? 503 : 200, body);
    }

    private ObjectNode tasks(boolean local, int limit) {
        List<TaskView> mine = watch.tasks();
        ArrayNode all = JSON.createArrayNode();
        mine.forEach(t -> all.add(JSON.valueToTree(t)));
        ArrayNode unreachable = JSON.createArrayNode();
        int instances = 1;
        if (!local) {
            for (HostInfo peer : peers()) {
                instances++;
                JsonNode theirs = ask(peer, "/api/tasks?scope=local");
                if (theirs == null) {
                    unreachable.add(peer.host() + ":" + peer.port());
                } else {
                    theirs.path("tasks").forEach(all::add);
                }
            }
        }
        List<JsonNode> sorted = new ArrayList<>();
        all.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong((JsonNode n) -> n.path("events").asLong()).reversed()
                .thenComparing(n -> n.path("task").asText()));
        ArrayNode out = JSON.createArrayNode();
        sorted.stream().limit(limit).forEach(out::add);
        ObjectNode body = JSON.createObjectNode();
        body.put("count", sorted.size()).put("instances", instances);
        body.set("tasks", out);
        body.set("unreachable", unreachable);
        return body;
    }

    private JsonNode task(String id, boolean local) {
        TaskView mine = watch.task(id);
        if (mine != null) {
            return JSON.valueToTree(mine);
        }
        if (!local) {
            for (HostInfo peer : peers()) {
                JsonNode theirs = ask(peer, "/api/tasks/" + encodeSegment(id) + "?scope=local");
                if (theirs != null && theirs.has("task")) {
                    return theirs;
                }
            }
        }
        return null;
    }

    private ObjectNode model() {
        ObjectNode body = JSON.valueToTree(watch.model());
        KafkaStreams app = streams.get();
        body.put("streams", app == null ? "STARTING" : app.state().name());
        body.put("deadLetters", deadLetters());
        ArrayNode instances = JSON.createArrayNode();
        List<String> owned = new ArrayList<>();
        for (StreamsMetadata m : clients(app)) {
            instances.add(m.hostInfo().host() + ":" + m.hostInfo().port());
        }
        if (answersMetadata(app)) {
            try {
                app.metadataForLocalThreads().forEach(t -> t.activeTasks().forEach(task -> owned.add(task.taskId().toString())));
            } catch (RuntimeException e) {
                // the application is changing state: no partitions to list this time
            }
        }
        owned.sort(null);
        body.set("instances", instances);
        body.set("ownedPartitions", JSON.valueToTree(owned));
        return body;
    }

    private long deadLetters() {
        return (long) registry.find("polyhead.dead.letters").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** Kafka Streams answers metadata queries only while it runs or rebalances; it throws otherwise. */
    private static boolean answersMetadata(KafkaStreams app) {
        return app != null && (app.state() == KafkaStreams.State.RUNNING || app.state() == KafkaStreams.State.REBALANCING);
    }

    /** Every instance of the application, or none while this one is starting, stopping or failed. */
    private static java.util.Collection<StreamsMetadata> clients(KafkaStreams app) {
        if (!answersMetadata(app)) {
            return List.of();
        }
        try {
            return app.metadataForAllStreamsClients();
        } catch (RuntimeException e) {
            return List.of(); // changed state between the check and the call
        }
    }

    /** The other instances of the application that serve HTTP. */
    private List<HostInfo> peers() {
        List<HostInfo> out = new ArrayList<>();
        for (StreamsMetadata m : clients(streams.get())) {
            HostInfo h = m.hostInfo();
            if (h.port() > 0 && !(h.host() + ":" + h.port()).equals(advertised)) {
                out.add(h);
            }
        }
        return out;
    }

    private JsonNode ask(HostInfo peer, String pathAndQuery) {
        try {
            HttpResponse<byte[]> r = peers.send(HttpRequest.newBuilder(
                    URI.create("http://" + peer.host() + ":" + peer.port() + pathAndQuery)).timeout(PEER_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int limit(String query) {
        if (query != null) {
            for (String part : query.split("&")) {
                if (part.startsWith("limit=")) {
                    try {
                        return Math.max(0, Integer.parseInt(part.substring(6)));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("limit must be a number. Got: " + part.substring(6));
                    }
                }
            }
        }
        return Integer.MAX_VALUE;
    }

    private void page(HttpExchange ex, String file) throws IOException {
        try (InputStream in = HttpApi.class.getResourceAsStream("/io/polyhead/web/" + file)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("the live page's " + file + " is missing from the jar"));
            }
            String type = file.endsWith(".html") ? "text/html; charset=utf-8"
                    : file.endsWith(".js") ? "text/javascript; charset=utf-8"
                    : file.endsWith(".css") ? "text/css; charset=utf-8" : "text/plain; charset=utf-8";
            send(ex, 200, type, in.readAllBytes());
        }
    }

    private static byte[] error(String message) {
        return JSON.createObjectNode().put("error", message).toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        server.stop(0);
        if (server.getExecutor() instanceof java.util.concurrent.ExecutorService pool) {
            pool.shutdownNow();
        }
    }

    /** Percent-encoding of one path segment. */
    private static String encodeSegment(String segment) {
        return java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
