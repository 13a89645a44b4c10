package io.polyhead.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * How a command reaches Kafka, shared by every command that talks to a cluster: a bootstrap address
 * and an optional client properties file whose settings pass through unchanged (SASL, TLS, ...).
 */
public final class KafkaOptions {

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT",
            description = "Kafka cluster to use. Commands that can start an embedded broker do so when this is not given.")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client properties (e.g. security.protocol, sasl.*, ssl.*), passed to every client.")
    Path kafkaConfig;

    /**
     * The client properties: those of {@code --kafka-config}, then {@code bootstrap.servers} (the option
     * wins over the file; the file's wins when the option is absent).
     *
     * @param bootstrapFallback used when neither sets a bootstrap address. May be null.
     */
    public Properties clientProperties(String bootstrapFallback) throws IOException {
        Properties props = new Properties();
        if (kafkaConfig != null) {
            if (!Files.isReadable(kafkaConfig)) {
                throw new UserErrors.UserError("--kafka-config " + kafkaConfig + ": "
                        + (Files.exists(kafkaConfig) ? "cannot be read" : "no such file"));
            }
            try (InputStream in = Files.newInputStream(kafkaConfig)) {
                props.load(in);
            }
        }
        if (bootstrapServers != null) {
            props.setProperty("bootstrap.servers", bootstrapServers);
        } else if (!props.containsKey("bootstrap.servers") && bootstrapFallback != null) {
            props.setProperty("bootstrap.servers", bootstrapFallback);
        }
        return props;
    }

    /**
     * The client properties for a command that needs a cluster.
     *
     * @throws ParameterException when neither {@code -b} nor {@code --kafka-config} names one, or the
     *                            properties file cannot be read; the message says what to pass
     */
    public Properties requireCluster(CommandLine commandLine) {
        Properties props;
        try {
            props = clientProperties(null);
        } catch (IOException e) {
            throw new ParameterException(commandLine, e.getMessage(), e);
        }
        if (!props.containsKey("bootstrap.servers")) {
            throw new ParameterException(commandLine, "no Kafka cluster given: pass -b/--bootstrap-server HOST:PORT "
                    + "(or bootstrap.servers in --kafka-config), or start one with 'polyhead broker' "
                    + "and pass -b 127.0.0.1:9092");
        }
        return props;
    }

    /** Whether a cluster was named, by the option or by the properties file. */
    public boolean hasCluster() throws IOException {
        return clientProperties(null).containsKey("bootstrap.servers");
    }
}
