package io.polyhead.cli;

import io.polyhead.broker.BrokerStartException;
import io.polyhead.broker.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code polyhead broker}: a single-node Kafka broker in the foreground, for trying Polyhead without
 * installing Kafka. It keeps its data in a directory, so stopping and starting it again loses nothing.
 */
@Command(name = "broker",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a single-node Kafka broker in the foreground until Ctrl-C.",
            "",
            "A real Kafka broker (KRaft, no ZooKeeper) in this JVM. Topics and records live in "
                    + "--data-dir: start it again on the same directory and they are all still there.",
            "Topics are not created on first use; create them explicitly ('polyhead topics' "
                    + "creates Polyhead's).",
            ""},
        footer = {
            "",
            "Example:",
            "  polyhead broker --port 9092 --data-dir ./data/broker",
            "  # in another terminal, with Kafka's tools or kcat:",
            "  kafka-topics.sh --bootstrap-server 127.0.0.1:9092 --create --topic try-me",
            "  echo '{\"task\":\"t1\",\"features\":[0.1,0.2],\"label\":1}' | \\",
            "    kafka-console-producer.sh --bootstrap-server 127.0.0.1:9092 --topic try-me",
            "  kcat -b 127.0.0.1:9092 -t try-me -C -e",
            "",
            "The client listener binds --bind; the KRaft controller listener binds a free",
            "127.0.0.1 port. Kafka's own log lines are kept at WARN; to see them all, run",
            "the JVM with -Dorg.slf4j.simpleLogger.log.org.apache.kafka=info."})
public final class BrokerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
            description = "Client port (default ${DEFAULT-VALUE}); 0 picks a free one.")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./data/broker",
            description = "Data directory (default ${DEFAULT-VALUE}): formatted on first use, "
                    + "reused on every later start.")
    Path dataDir;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address (default ${DEFAULT-VALUE}) the client listener binds and "
                    + "advertises to clients; a specific address, not 0.0.0.0.")
    String bind;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.builder()
                    .host(bind)
                    .port(port)
                    .dataDir(dataDir)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C runs shutdown hooks; close the broker there so its logs end cleanly and the next
        // start on the same data dir needs no recovery. The hook waits until the close is done.
        Thread hook = new Thread(() -> {
            out.println("Stopping the broker...");
            out.flush();
            broker.close();
            stopped.countDown();
        }, "polyhead-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            broker.start();
        } catch (BrokerStartException e) {
            Runtime.getRuntime().removeShutdownHook(hook);
            broker.close();
            PrintWriter err = spec.commandLine().getErr();
            err.println(e.getMessage());
            err.flush();
            return 1;
        }
        out.println("Bootstrap servers: " + broker.bootstrapServers());
        out.println("Data dir: " + broker.dataDir());
        out.println("Kafka broker ready. Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }
}
