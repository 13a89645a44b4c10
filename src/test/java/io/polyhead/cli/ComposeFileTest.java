package io.polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is checked as far as it can be: it
 * parses, names only files that exist, its Polyhead commands parse as Polyhead commands, the ports agree
 * with the scrape config, and Debian's {@code docker-compose config} accepts it where installed.
 */
class ComposeFileTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theComposeFileNamesOnlyFilesThatExistAndCommandsThatParse() throws Exception {
        JsonNode compose = YAML.readTree(Path.of("docker-compose.yml").toFile());
        JsonNode services = compose.path("services");
        for (String needed : List.of("kafka", "topics", "polyhead", "producer", "prometheus", "grafana")) {
            assertTrue(services.has(needed), "service " + needed);
        }
        assertTrue(services.path("kafka").path("image").asText().startsWith("apache/kafka:4."),
                "Kafka 4.x in KRaft mode: " + services.path("kafka"));
        List<String> problems = new ArrayList<>();
        services.fields().forEachRemaining(e -> {
            JsonNode s = e.getValue();
            if (s.has("build")) {
                String context = s.path("build").isTextual() ? s.path("build").asText() : s.path("build").path("context").asText();
                if (!Files.isRegularFile(Path.of(context, "Dockerfile"))) {
                    problems.add(e.getKey() + ": no Dockerfile in " + context);
                }
            }
            for (JsonNode v : s.path("volumes")) {
                String source = v.asText().split(":")[0];
                if (source.startsWith(".") && !Files.exists(Path.of(source))) {
                    problems.add(e.getKey() + ": volume source " + source + " does not exist");
                }
            }
            if (s.path("image").asText().equals("polyhead:local")) {
                List<String> args = new ArrayList<>();
                s.path("command").forEach(a -> args.add(a.asText()));
                try {
                    PolyheadCli.commandLine().parseArgs(args.toArray(String[]::new));
                } catch (CommandLine.ParameterException ex) {
                    problems.add(e.getKey() + ": " + args + " is not a Polyhead command: " + ex.getMessage());
                }
            }
        });
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theDockerfileCopiesWhatExistsAndPortsAgreeWithTheScrapeConfig() throws Exception {
        for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
            if (line.startsWith("COPY ") && !line.contains("--from=")) {
                String[] parts = line.split("\\s+");
                for (int i = 1; i < parts.length - 1; i++) {
                    assertTrue(Files.exists(Path.of(parts[i])), "Dockerfile copies " + parts[i]);
                }
            }
        }
        JsonNode compose = YAML.readTree(Path.of("docker-compose.yml").toFile());
        List<String> run = new ArrayList<>();
        compose.path("services").path("polyhead").path("command").forEach(a -> run.add(a.asText()));
        String port = run.get(run.indexOf("--http-port") + 1);
        assertEquals("0.0.0.0", run.get(run.indexOf("--http-host") + 1), "reachable from the other containers");
        assertTrue(compose.path("services").path("polyhead").path("ports").toString().contains(port + ":" + port));
        JsonNode scrape = YAML.readTree(Path.of("dashboards/prometheus.yml").toFile());
        assertEquals("polyhead:" + port, scrape.path("scrape_configs").get(0).path("static_configs").get(0)
                .path("targets").get(0).asText());
        JsonNode datasource = YAML.readTree(Path.of("dashboards/provisioning/datasources/prometheus.yml").toFile());
        String uid = datasource.path("datasources").get(0).path("uid").asText();
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("dashboards/polyhead.json").toFile());
        Matcher m = Pattern.compile("\"uid\"\\s*:\\s*\"([^\"]+)\"").matcher(dashboard.path("panels").toString());
        while (m.find()) {
            assertEquals(uid, m.group(1), "every panel reads the provisioned Prometheus");
        }
    }

    @Test
    void dockerComposeConfigAcceptsItWhereInstalled() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ObservabilityIT.onPath("docker-compose"),
                "docker-compose is not installed (.ci/run installs Debian's)");
        Process p = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config", "-q")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "docker-compose config:\n" + out);
    }
}
