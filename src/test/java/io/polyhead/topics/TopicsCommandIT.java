package io.polyhead.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.broker.EmbeddedKafkaBroker;
import io.polyhead.cli.PolyheadCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code polyhead topics} through the real command line, against a broker shared by the class. */
@Timeout(120)
class TopicsCommandIT {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void createsTheTopicsThenFindsThemAsDefined() {
        Run first = run("topics", "-b", broker.bootstrapServers());
        assertEquals(0, first.code, first.all());
        assertEquals("""
                topic                    partitions  status
                polyhead.events                   4  created
                polyhead.events.by-task           4  created
                polyhead.events.dlq               1  created
                polyhead.predictions              4  created
                polyhead.trunk-sync               1  created
                """, first.out);

        Run second = run("topics", "-b", broker.bootstrapServers());
        assertEquals(0, second.code, second.all());
        assertEquals(5, second.out.split("  exists\n", -1).length - 1, second.out);
    }

    @Test
    void aDifferingTopicExitsOneAndADryRunCreatesNothing(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cli.differs.json"), """
                {"name": "cli.differs", "description": "", "partitions": 3, "replicationFactor": 1,
                 "configs": {"cleanup.policy": "delete"}}""");
        Files.writeString(dir.resolve("cli.missing.json"), """
                {"name": "cli.missing", "description": "", "partitions": 1, "replicationFactor": 1, "configs": {}}""");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("cli.differs", 2, (short) 1))).all().get();

            Run dry = run("topics", "-b", broker.bootstrapServers(), "--definitions", dir.toString(), "--dry-run");
            assertEquals(1, dry.code, dry.all());
            assertTrue(dry.out.contains("cli.differs           2  differs: partitions 2 (defined 3)"), dry.out);
            assertTrue(dry.out.contains("cli.missing           1  missing (dry run: would be created)"), dry.out);
            assertTrue(!admin.listTopics().names().get().contains("cli.missing"));

            Run real = run("topics", "-b", broker.bootstrapServers(), "--definitions", dir.toString());
            assertEquals(1, real.code, real.all());
            assertTrue(real.out.contains("cli.missing           1  created"), real.out);
        }
    }

    @Test
    void withoutAClusterItSaysHowToGetOne() {
        Run r = run("topics");
        assertEquals(2, r.code, r.all());
        assertTrue(r.err.contains("--bootstrap-server") && r.err.contains("polyhead broker"), r.err);
    }

    @Test
    void helpTeachesWithAnExample() {
        Run r = run("topics", "--help");
        assertEquals(0, r.code);
        assertTrue(r.out.contains("polyhead topics -b 127.0.0.1:9092"), r.out);
        assertTrue(r.out.contains("--dry-run") && r.out.contains("--partitions"), r.out);
    }

    private record Run(int code, String out, String err) {
        String all() {
            return "exit " + code + "\n" + out + err;
        }
    }

    private static Run run(String... args) {
        CommandLine cl = PolyheadCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
