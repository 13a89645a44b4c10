package io.polyhead.stream;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code polyhead} in a JVM of its own, from the packaged jar, so a test can kill it like a crash. */
final class ChildProcess {
    private ChildProcess() {
    }

    static Process start(Path log, String... args) throws IOException {
        Path project = Path.of("").toAbsolutePath();
        String classpath = project.resolve("target/polyhead.jar") + File.pathSeparator + project.resolve("target/lib/*");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", classpath, "io.polyhead.cli.PolyheadCli"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }
}
