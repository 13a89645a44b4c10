package io.polyhead.cli;

import static io.polyhead.cli.GenerateCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.event.Event;
import io.polyhead.event.EventParser;
import io.polyhead.event.TaskType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code polyhead generate table} through the real command line. */
class GenerateTableCommandTest {
    static final String DATA = "src/test/resources/data/";
    static final String LETTERS = DATA + "letter-recognition.csv";
    static final String VEHICLES = DATA + "vehicle-silhouettes.csv";
    static final String QUAKES = DATA + "fiji-quakes.csv";

    @TempDir
    Path dir;

    /** The heterogeneous stream of the team, with {@code extra} options at the end. */
    static String[] hetero(String... extra) {
        List<String> a = new ArrayList<>(List.of("generate", "table",
                LETTERS, "--label-column", "lettr", "--as", "binary", "--classes", "A,E,I,O,U", "--task", "letter",
                VEHICLES, "--label-column", "Class", "--as", "multiclass", "--task", "vehicle",
                QUAKES, "--label-column", "stations", "--as", "regression", "--task", "quakes"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    @Test
    void threeTablesMixIntoOneParseableStream() throws Exception {
        Path out = dir.resolve("hetero.jsonl");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, hetero("--events", "3000", "--seed", "1", "-o", out.toString())), err.toString());
        List<String> lines = lines(out);
        assertEquals(3000, lines.size());
        EventParser parser = new EventParser(EventParser.Config.defaults().withInputDim(64));
        Map<String, TaskType> types = new HashMap<>();
        Set<String> ids = new LinkedHashSet<>();
        for (String line : lines) {
            Event e = parser.parse(line);
            assertTrue(e.labeled());
            assertTrue(ids.add(e.id()), "duplicate id " + e.id());
            types.put(e.task(), e.type());
            if (e.type() == TaskType.MULTICLASS) {
                assertEquals(4, e.classes());
            }
        }
        assertEquals(Map.of("letter-A", TaskType.BINARY, "letter-E", TaskType.BINARY, "letter-I", TaskType.BINARY,
                "letter-O", TaskType.BINARY, "letter-U", TaskType.BINARY, "vehicle", TaskType.MULTICLASS,
                "quakes", TaskType.REGRESSION), types);
        assertTrue(lines.stream().filter(l -> l.contains("\"task\":\"quakes\"")).allMatch(
                l -> l.contains("\"features\":{\"lat\":") && !l.contains("stations")), "quakes' features by name");
        String report = err.toString();
        assertTrue(report.contains("0=bus 1=opel 2=saab 3=van"), report);
        assertTrue(report.contains("wrote 3000 events of 7 tasks to " + out), report);
    }

    @Test
    void theLettersStreamAddsTasksOverTime() throws Exception {
        Path out = dir.resolve("letters.jsonl");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "generate", "table", LETTERS, "--label-column", "lettr", "--as", "binary",
                "--task", "letter", "--initial-tasks", "10", "--new-task-every", "2000", "--events", "6000",
                "--seed", "1", "-o", out.toString()), err.toString());
        List<String> lines = lines(out);
        assertEquals(6000, lines.size());
        EventParser parser = new EventParser(EventParser.Config.defaults().withInputDim(64));
        Set<String> firstPart = new LinkedHashSet<>();
        for (int i = 0; i < 2000; i++) {
            firstPart.add(parser.parse(lines.get(i)).task());
        }
        assertEquals(10, firstPart.size());
        assertTrue(firstPart.stream().allMatch(t -> t.compareTo("letter-K") < 0), firstPart.toString());
        assertEquals("letter-K", parser.parse(lines.get(2000)).task());
        assertEquals("letter-L", parser.parse(lines.get(4000)).task());
    }

    @Test
    void oneTableAloneWithItsDefaults() throws Exception {
        Path out = dir.resolve("q.jsonl");
        assertEquals(0, run(new StringWriter(), "generate", "table", QUAKES, "--label-column", "stations",
                "--events", "50", "-o", out.toString()));
        List<String> lines = lines(out);
        assertEquals(50, lines.size());
        assertTrue(lines.get(0).startsWith("{\"task\":\"fiji-quakes\",\"id\":\"evt-0000000\",\"features\":{\"lat\":"),
                lines.get(0));
        assertTrue(lines.get(0).contains("\"type\":\"regression\""), lines.get(0));
    }

    @Test
    void denseFeaturesAreArraysInColumnOrder() throws Exception {
        Path out = dir.resolve("d.jsonl");
        assertEquals(0, run(new StringWriter(), "generate", "table", VEHICLES, "--label-column", "Class",
                "--features", "dense", "--drop", "Comp,Circ", "--events", "30", "-o", out.toString()));
        EventParser parser = new EventParser(EventParser.Config.defaults());
        for (String line : lines(out)) {
            Event e = parser.parse(line);
            assertEquals(16, e.dimension());
            assertTrue(e.task().startsWith("vehicle-silhouettes-"), e.task());
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        Path c = dir.resolve("c.jsonl");
        assertEquals(0, run(new StringWriter(), hetero("--events", "2000", "--seed", "9", "-o", a.toString())));
        assertEquals(0, run(new StringWriter(), hetero("--events", "2000", "--seed", "9", "-o", b.toString())));
        assertEquals(0, run(new StringWriter(), hetero("--events", "2000", "--seed", "10", "-o", c.toString())));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    }

    @Test
    void writesToStandardOutputWithoutOutput() {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            assertEquals(0, run(new StringWriter(), "generate", "table", QUAKES, "--label-column", "mag",
                    "--events", "5"));
        } finally {
            System.setOut(old);
        }
        assertEquals(5, bytes.toString(StandardCharsets.UTF_8).lines().count());
    }

    /** Runs a command expected to fail; returns its standard error, checked to be one line. */
    private String usageError(String... args) {
        StringWriter err = new StringWriter();
        Path out = dir.resolve("never.jsonl");
        String[] withOutput = Arrays.copyOf(args, args.length + 2);
        withOutput[args.length] = "-o";
        withOutput[args.length + 1] = out.toString();
        assertEquals(2, run(err, withOutput), err.toString());
        String text = err.toString().strip();
        assertEquals(1, text.lines().count(), "one line: " + text);
        assertTrue(text.startsWith("polyhead generate table: "), "names the command: " + text);
        text = text.substring("polyhead generate table: ".length());
        assertFalse(text.contains("Exception") || text.contains("\tat "), text);
        assertFalse(Files.exists(out), "no output on a usage error");
        return text;
    }

    @Test
    void userMistakesAreOneLineNamingTheValue() throws Exception {
        assertEquals("no such file: " + DATA + "nope.csv",
                usageError("generate", "table", DATA + "nope.csv", "--label-column", "lettr"));
        String column = usageError("generate", "table", LETTERS, "--label-column", "letter");
        assertTrue(column.startsWith("letter-recognition.csv: --label-column letter: no such column; the columns are"
                + " lettr, x.box,"), column);
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "\"a\",\"b\"\n");
        assertEquals("empty.csv: no rows after the header", usageError("generate", "table", empty.toString(),
                "--label-column", "a"));
        String classes = usageError("generate", "table", VEHICLES, "--label-column", "Class", "--classes", "bus,tank");
        assertTrue(classes.contains("--classes tank: no row has Class = \"tank\""), classes);
        String dense = usageError(hetero("--features", "dense"));
        assertTrue(dense.contains("--features dense") && dense.contains("named"), dense);
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "Comp,Class\n1,van\n2,bus\nabc,van\n");
        assertEquals("bad.csv line 4: column Comp: not a number: \"abc\"", usageError("generate", "table",
                bad.toString(), "--label-column", "Class"));
        assertTrue(usageError("generate", "table", LETTERS).contains("--label-column"));
        assertTrue(usageError("generate", "table", LETTERS, "--label-column", "lettr", "--events", "-1")
                .contains("Got: -1"));
        assertTrue(usageError("generate", "table", LETTERS, "--label-column", "lettr", "--initial-tasks", "27",
                "--new-task-every", "5").contains("Got: 27"));
        assertTrue(usageError("generate", "table", LETTERS, "--label-column", "lettr", "--as", "ordinal")
                .contains("ordinal"));
        assertTrue(usageError("generate", "--seed", "3", "table", QUAKES, "--label-column", "mag")
                .contains("--seed"));
    }

    @Test
    void theSyntheticGeneratorsKeepTheirUsage() throws Exception {
        Path out = dir.resolve("s.jsonl");
        assertEquals(0, run(new StringWriter(), "generate", "lowrank", "--events", "10", "--tasks", "3", "-o",
                out.toString()));
        assertEquals(10, lines(out).size());
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "generate"));
        assertTrue(err.toString().contains("Missing required parameter: 'NAME'"), err.toString());
    }

    @Test
    void helpTeachesWithTheTwoExamples() {
        CommandLine cl = PolyheadCli.commandLine();
        StringWriter text = new StringWriter();
        cl.setOut(new PrintWriter(text, true));
        assertEquals(0, cl.execute("generate", "table", "--help"));
        String help = text.toString();
        assertTrue(help.contains("--as binary --task letter --initial-tasks 10 --new-task-every 2000"), help);
        assertTrue(help.contains("--classes A,E,I,O,U --task letter"), help);
        assertTrue(help.contains("fiji-quakes.csv --label-column stations --as regression --task quakes"), help);
        StringWriter parent = new StringWriter();
        cl.setOut(new PrintWriter(parent, true));
        assertEquals(0, cl.execute("generate", "--help"));
        assertTrue(parent.toString().contains("generate table --help"), parent.toString());
    }
}
