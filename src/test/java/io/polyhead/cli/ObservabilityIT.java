package io.polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a user watching Polyhead meets, against a running {@code polyhead demo} (its own JVM, its own
 * embedded broker): the scrape passes {@code promtool check metrics} and carries every meter; a real
 * Prometheus (Debian's {@code prometheus}) scraping it answers every query of the Grafana dashboard; the
 * API answers; the live page renders in headless Chromium. The tools are installed by {@code .ci/run};
 * where one is missing, its test is skipped, saying so.
 */
class ObservabilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Every meter the observability issue names, as scraped. */
    private static final List<String> METERS = List.of("polyhead_events_total{outcome=\"trained\"",
            "polyhead_events_total{outcome=\"predicted\"", "polyhead_dead_letters_total{field=",
            "polyhead_task_loss{task=", "polyhead_task_accuracy{task=", "polyhead_task_events_total{task=",
            "polyhead_task_labels_total{task=", "polyhead_task_head_learning_rate{task=", "polyhead_tasks_started_total{",
            "polyhead_trunk_learning_rate ", "polyhead_model_version ", "polyhead_model_parameters ",
            "polyhead_tasks_live ", "polyhead_tasks_arrived_total ", "polyhead_tasks_evicted_total ",
            "polyhead_new_task_loss_count{window=\"first10\"", "polyhead_new_task_loss_count{window=\"first20\"",
            "polyhead_batch_size_count ", "polyhead_batch_learn_seconds_count ", "polyhead_prediction_latency_seconds_bucket{",
            "polyhead_pending_events ", "polyhead_sync_lag_seconds ", "polyhead_replica_drift ",
            "jvm_memory_used_bytes{", "process_cpu_usage ", "kafka_stream_thread_process_ratio{",
            "kafka_consumer_fetch_manager_records_lag{", "kafka_stream_state_estimate_num_keys{");

    static Path dir;
    static Process demo;
    static String base;

    @BeforeAll
    static void startDemo() throws Exception {
        dir = Files.createTempDirectory("polyhead-observability");
        int httpPort = freePort();
        Path project = Path.of("").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", project.resolve("target/polyhead.jar") + File.pathSeparator + project.resolve("target/lib/*"),
                "io.polyhead.cli.PolyheadCli", "demo", "--rate", "400", "--broker-port", String.valueOf(freePort()),
                "--plain", "--http-port", String.valueOf(httpPort), "--new-task-every", "300", "--generator", "hyperplane")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("demo.log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        demo = pb.start();
        base = "http://127.0.0.1:" + httpPort + "/";
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!Files.readString(dir.resolve("demo.log")).contains("live page: " + base)) {
            assertTrue(demo.isAlive() && System.nanoTime() < deadline, "the demo did not start:\n" + log());
            Thread.sleep(200);
        }
        // New tasks arrive every 300 events: wait until several have their first 10 labels and one has taken
        // its start (a classifier's start window is 80 labels: on a loaded machine that came after the
        // other two, and the scrape then had no polyhead_tasks_started_total yet).
        while (get("api/model").path("newTaskFirst10").isNull() || get("api/model").path("createdTasks").asInt() < 8
                || get("api/model").path("startsTaken").isEmpty()) {
            assertTrue(demo.isAlive() && System.nanoTime() < deadline, "no new task learned:\n" + log());
            Thread.sleep(500);
        }
    }

    @AfterAll
    static void stopDemo() throws Exception {
        if (demo != null) {
            demo.destroy();
            assertTrue(demo.waitFor(90, TimeUnit.SECONDS), "the demo stops on SIGTERM");
        }
    }

    @Test
    void theScrapeCarriesEveryMeterAndPassesPromtool() throws Exception {
        String scrape = text("metrics");
        List<String> missing = new ArrayList<>();
        for (String meter : METERS) {
            if (!scrape.contains("\n" + meter)) {
                missing.add(meter);
            }
        }
        assertTrue(missing.isEmpty(), "missing from the scrape: " + missing);
        assumeTrue(onPath("promtool"), "promtool is not installed (.ci/run installs Debian's prometheus)");
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "promtool check metrics:\n" + report);
        System.out.printf("scrape: %,d bytes, %,d series%n", scrape.length(),
                scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count());
    }

    @Test
    void everyQueryOfTheDashboardReturnsDataOnARealPrometheus() throws Exception {
        assumeTrue(onPath("prometheus"), "prometheus is not installed (.ci/run installs Debian's prometheus)");
        int port = freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: polyhead\n"
                + "    static_configs:\n      - targets: ['127.0.0.1:" + URI.create(base).getPort() + "']\n");
        Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String api = "http://127.0.0.1:" + port + "/api/v1/";
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            // 15 scrapes, so that rate() over a few seconds and increase() have samples to work on
            while (scrapes(api) < 15) {
                assertTrue(prometheus.isAlive() && System.nanoTime() < deadline,
                        "prometheus did not scrape the demo:\n" + Files.readString(dir.resolve("prometheus.log")));
                Thread.sleep(1000);
            }
            JsonNode dashboard = JSON.readTree(Path.of("dashboards/polyhead.json").toFile());
            List<String> empty = new ArrayList<>();
            int queries = 0;
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText().replace("$__rate_interval", "5s");
                    queries++;
                    if (query(api, expr) == 0) {
                        empty.add(panel.path("title").asText() + ": " + expr);
                    }
                }
            }
            assertTrue(queries >= 30, "the dashboard's queries: " + queries);
            assertTrue(empty.isEmpty(), "panels whose query returns no series:\n" + String.join("\n", empty));
        } finally {
            prometheus.destroy();
            prometheus.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theApiAnswersForTasksModelAndHealth() throws Exception {
        JsonNode health = get("health");
        assertTrue(health.path("ready").asBoolean(), health.toString());
        JsonNode model = get("api/model");
        assertTrue(model.path("version").asLong() > 0, model.toString());
        assertEquals(4, model.path("replicas").asInt(), model.toString());
        assertEquals(4, model.path("ownedPartitions").size(), model.toString());
        JsonNode tasks = get("api/tasks?limit=5");
        assertTrue(tasks.path("count").asInt() >= 8, tasks.toString());
        assertEquals(5, tasks.path("tasks").size());
        String busiest = tasks.path("tasks").get(0).path("task").asText();
        JsonNode one = get("api/tasks/" + URLEncoder.encode(busiest, StandardCharsets.UTF_8));
        assertEquals(busiest, one.path("task").asText());
        assertTrue(one.path("accuracy").asDouble() > 0.5, "hyperplane tasks are learned: " + one);
        JsonNode history = get("api/history");
        assertTrue(history.path("t").size() >= 2, "the page's history is sampled: " + history);
        assertEquals(history.path("t").size(), history.path("eventsPerSecond").size());
        assertTrue(history.path("loss").size() > 0, history.toString());
        HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(URI.create(base + "api/tasks/no-such-task"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("no-such-task"), missing.body());
    }

    @Test
    void theLivePageDrawsItsChartsInHeadlessChromium() throws Exception {
        assumeTrue(onPath("chromium"), "chromium is not installed (.ci/run installs Debian's chromium)");
        Path profile = dir.resolve("chromium-profile");
        Path shot = Path.of("target/live-page.png").toAbsolutePath();
        List<String> common = List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1280,1100", "--virtual-time-budget=6000");
        List<String> dump = new ArrayList<>(common);
        dump.addAll(List.of("--dump-dom", base));
        Process p = new ProcessBuilder(dump).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS));
        long charts = dom.split("class=\"uplot", -1).length - 1;
        assertEquals(4, charts, "charts drawn on the page:\n" + dom);
        assertTrue(dom.contains("<td>task-"), "the task table is filled:\n" + dom);
        assertTrue(dom.contains("model version <b>"), dom);
        List<String> screenshot = new ArrayList<>(common);
        screenshot.addAll(List.of("--screenshot=" + shot, base));
        Process s = new ProcessBuilder(screenshot).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(s.waitFor(90, TimeUnit.SECONDS));
        assertTrue(Files.size(shot) > 10_000, "a screenshot of the page: " + shot);
    }

    /** Scrapes of the demo so far; 0 while Prometheus does not answer yet. */
    private static double scrapes(String api) throws InterruptedException {
        try {
            return query(api, "count_over_time(up{job=\"polyhead\"}[1m])");
        } catch (IOException e) {
            return 0;
        }
    }

    private static double query(String api, String expr) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "query?query="
                + URLEncoder.encode(expr, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("success", body.path("status").asText(), expr + ": " + r.body());
        JsonNode result = body.path("data").path("result");
        if (result.isEmpty()) {
            return 0;
        }
        if (expr.startsWith("count_over_time")) {
            return result.get(0).path("value").get(1).asDouble();
        }
        return result.size();
    }

    private static JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(text(path));
    }

    private static String text(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String log() throws IOException {
        return Files.readString(dir.resolve("demo.log"));
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
