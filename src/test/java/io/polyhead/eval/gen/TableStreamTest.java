package io.polyhead.eval.gen;

import static io.polyhead.eval.gen.CsvTableTest.data;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.polyhead.event.Event;
import io.polyhead.event.EventJson;
import io.polyhead.event.EventParser;
import io.polyhead.event.TaskType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streams of labelled tables: balanced binary tasks, class indices, raw labels, rows without repeats, schedule. */
class TableStreamTest {
    static CsvTable letters;
    static CsvTable vehicles;
    static CsvTable quakes;

    @BeforeAll
    static void readTables() throws IOException {
        letters = CsvTable.read(data("letter-recognition.csv"));
        vehicles = CsvTable.read(data("vehicle-silhouettes.csv"));
        quakes = CsvTable.read(data("fiji-quakes.csv"));
    }

    /** The three tables as the team's heterogeneous stream makes them. */
    static List<TableStream.Table> hetero() {
        return List.of(
                TableStream.Table.of(letters, "lettr").withAs(TaskType.BINARY).withClasses(List.of("A", "E", "I", "O", "U"))
                        .withPrefix("letter"),
                TableStream.Table.of(vehicles, "Class").withAs(TaskType.MULTICLASS).withPrefix("vehicle"),
                TableStream.Table.of(quakes, "stations").withAs(TaskType.REGRESSION).withPrefix("quakes"));
    }

    static TableStream stream(long seed, TableStream.Table... tables) {
        return new TableStream(List.of(tables), seed, 0, 1);
    }

    /**
     * A table whose feature {@code row} is the row's number and {@code k} its label's position in
     * order of appearance (z, a, m), so each event tells which row it came from.
     */
    static CsvTable small() {
        StringBuilder b = new StringBuilder("\"y\",\"row\",\"k\",\"v\"\n");
        String[] labels = {"z", "a", "m"};
        for (int r = 0; r < 30; r++) {
            int k = r % 7 == 0 ? 0 : r % 3; // 5 rows z... uneven class sizes
            b.append('"').append(labels[k]).append("\",").append(r).append(',').append(k).append(',')
                    .append(r * 10.5 - 100).append('\n');
        }
        return CsvTable.parse("small.csv", b.toString());
    }

    private static Map<Integer, String> labelOfRow(CsvTable t) {
        Map<Integer, String> m = new HashMap<>();
        for (int r = 0; r < t.rows(); r++) {
            m.put((int) t.number(r, 1), t.cell(r, 0));
        }
        return m;
    }

    private static List<String> json(TableStream s, int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Event e = s.next();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            EventJson.write(e, s.featureNames(e.task()), out);
            lines.add(out.toString(StandardCharsets.UTF_8));
        }
        return lines;
    }

    // ---- binary ----

    @Test
    void binaryTasksAreBalancedAndTheirPositivesAreRowsOfTheirValue() {
        CsvTable t = small();
        Map<Integer, String> label = labelOfRow(t);
        TableStream s = stream(3, TableStream.Table.of(t, "y").withPrefix("s"));
        assertEquals(List.of("s-a", "s-m", "s-z"), s.taskIds());
        Map<String, int[]> counts = new HashMap<>();
        for (int i = 0; i < 6000; i++) {
            Event e = s.next();
            assertEquals(TaskType.BINARY, e.type());
            assertNull(e.classes());
            String value = e.task().substring(2);
            String rowLabel = label.get((int) e.feature(0));
            assertEquals(value.equals(rowLabel) ? 1.0 : 0.0, e.label(), e.toString());
            int[] c = counts.computeIfAbsent(e.task(), x -> new int[2]);
            c[0]++;
            c[1] += (int) (double) e.label();
        }
        for (Map.Entry<String, int[]> c : counts.entrySet()) {
            double positives = c.getValue()[1] / (double) c.getValue()[0];
            assertTrue(Math.abs(positives - 0.5) < 0.05, c.getKey() + ": " + positives + " positives");
        }
    }

    @Test
    void aLetterTaskHasAboutHalfPositivesOver2000Events() {
        TableStream s = stream(11, TableStream.Table.of(letters, "lettr").withClasses(List.of("E")));
        assertEquals(List.of("letter-recognition-E"), s.taskIds());
        int positives = 0;
        for (int i = 0; i < 2000; i++) {
            positives += (int) (double) s.next().label();
        }
        // E is 768 of 20,000 rows (3.8%): balancing makes it half; 0.5 ± 0.05 is 4.5 standard deviations
        assertTrue(Math.abs(positives / 2000.0 - 0.5) < 0.05, positives + " of 2000");
    }

    @Test
    void classesChooseTheBinaryTasksInTheirOrder() {
        TableStream s = stream(1, TableStream.Table.of(letters, "lettr").withClasses(List.of("U", "A")).withPrefix("l"));
        assertEquals(List.of("l-U", "l-A"), s.taskIds());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(s.next().task());
        }
        assertEquals(Set.of("l-U", "l-A"), seen);
        TableStream all = stream(1, TableStream.Table.of(letters, "lettr"));
        assertEquals(26, all.taskIds().size());
        assertEquals("letter-recognition-A", all.taskIds().get(0));
        assertEquals("letter-recognition-Z", all.taskIds().get(25));
    }

    @Test
    void valuesAreSanitisedIntoTaskIds() {
        CsvTable t = CsvTable.parse("odd names.csv", "y,x\n\"big cat\",1\n\"x/y\",2\n\"ok.v:1-2_3\",3\n\"\",4\n");
        TableStream s = stream(1, TableStream.Table.of(t, "y"));
        assertEquals(List.of("odd_names-_", "odd_names-big_cat", "odd_names-ok.v:1-2_3", "odd_names-x_y"), s.taskIds());
        CsvTable clash = CsvTable.parse("c.csv", "y,x\n\"a b\",1\n\"a_b\",2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> stream(1, TableStream.Table.of(clash, "y")));
        assertTrue(e.getMessage().contains("\"a b\" and \"a_b\"") && e.getMessage().contains("c-a_b"), e.getMessage());
    }

    // ---- rows ----

    @Test
    void rowsComeBackOnlyAfterAllHaveBeenUsed() {
        CsvTable t = small();
        TableStream s = stream(5, TableStream.Table.of(t, "v").withDrop(List.of("y")));
        assertEquals(TaskType.REGRESSION, s.next().type());
        s = stream(5, TableStream.Table.of(t, "v").withDrop(List.of("y")));
        List<Set<Integer>> passes = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int pass = 0; pass < 4; pass++) {
            Set<Integer> rows = new HashSet<>();
            for (int i = 0; i < t.rows(); i++) {
                int row = (int) s.next().feature(0);
                rows.add(row);
                order.add(row);
            }
            assertEquals(t.rows(), rows.size(), "pass " + pass + " repeats a row");
            passes.add(rows);
        }
        // reshuffled at each pass, not the same order again
        assertNotEquals(order.subList(0, 30), order.subList(30, 60));
        // and not the file's order
        assertNotEquals(java.util.stream.IntStream.range(0, 30).boxed().toList(), order.subList(0, 30));
    }

    @Test
    void positivesAndNegativesEachWalkTheirOwnPermutation() {
        CsvTable t = small();
        Map<Integer, String> label = labelOfRow(t);
        int zRows = (int) label.values().stream().filter("z"::equals).count();
        TableStream s = stream(8, TableStream.Table.of(t, "y").withClasses(List.of("z")));
        List<Integer> positives = new ArrayList<>();
        List<Integer> negatives = new ArrayList<>();
        while (positives.size() < 3 * zRows || negatives.size() < 2 * (t.rows() - zRows)) {
            Event e = s.next();
            (e.label() == 1 ? positives : negatives).add((int) e.feature(0));
        }
        for (int pass = 0; pass < 3; pass++) {
            assertEquals(zRows, new HashSet<>(positives.subList(pass * zRows, (pass + 1) * zRows)).size());
        }
        int n = t.rows() - zRows;
        for (int pass = 0; pass < 2; pass++) {
            Set<Integer> rows = new HashSet<>(negatives.subList(pass * n, (pass + 1) * n));
            assertEquals(n, rows.size());
            for (int r : rows) {
                assertNotEquals("z", label.get(r));
            }
        }
    }

    // ---- multiclass ----

    @Test
    void multiclassLabelsAreIndicesOfTheSortedValues() {
        CsvTable t = small();
        Map<Integer, String> label = labelOfRow(t);
        TableStream s = stream(2, TableStream.Table.of(t, "y").withAs(TaskType.MULTICLASS).withPrefix("m"));
        assertEquals(List.of("m"), s.taskIds());
        List<String> sorted = List.of("a", "m", "z");
        for (int i = 0; i < 300; i++) {
            Event e = s.next();
            assertEquals(TaskType.MULTICLASS, e.type());
            assertEquals(3, e.classes());
            assertEquals(sorted.indexOf(label.get((int) e.feature(0))), (int) (double) e.label(), e.toString());
        }
        assertTrue(s.describe().get(0).contains("0=a 1=m 2=z"), s.describe().get(0));
    }

    @Test
    void numericClassValuesSortAsNumbers() {
        CsvTable t = CsvTable.parse("n.csv", "y,x\n10,10\n9,9\n100,100\n9,9\n");
        TableStream s = stream(1, TableStream.Table.of(t, "y").withAs(TaskType.MULTICLASS));
        for (int i = 0; i < 40; i++) {
            Event e = s.next();
            double x = e.feature(0);
            assertEquals(x == 9 ? 0 : x == 10 ? 1 : 2, (int) (double) e.label());
        }
        TableStream b = stream(1, TableStream.Table.of(t, "y").withAs(TaskType.BINARY));
        assertEquals(List.of("n-9", "n-10", "n-100"), b.taskIds());
    }

    @Test
    void vehiclesMakeOneFourClassTask() {
        TableStream s = stream(4, TableStream.Table.of(vehicles, "Class").withAs(TaskType.MULTICLASS));
        assertEquals(List.of("vehicle-silhouettes"), s.taskIds());
        assertEquals(18, s.inputDim());
        assertTrue(s.describe().get(0).contains("4 classes of Class: 0=bus 1=opel 2=saab 3=van"), s.describe().get(0));
        int[] seen = new int[4];
        for (int i = 0; i < 846; i++) {
            Event e = s.next();
            assertEquals(4, e.classes());
            seen[(int) (double) e.label()]++;
        }
        // one pass is every row once: the table's class counts (bus 218, opel 212, saab 217, van 199)
        assertEquals(List.of(218, 212, 217, 199), List.of(seen[0], seen[1], seen[2], seen[3]));
    }

    // ---- regression ----

    @Test
    void regressionLabelsAreTheRawValues() {
        CsvTable t = small();
        TableStream s = stream(6, TableStream.Table.of(t, "v").withDrop(List.of("y")));
        for (int i = 0; i < 100; i++) {
            Event e = s.next();
            int row = (int) e.feature(0);
            assertEquals(row * 10.5 - 100, e.label(), 0.0);
            assertEquals(TaskType.REGRESSION, e.type());
        }
        TableStream q = stream(6, TableStream.Table.of(quakes, "stations"));
        assertEquals(List.of("fiji-quakes"), q.taskIds());
        assertEquals(List.of("lat", "long", "depth", "mag"), q.featureNames("fiji-quakes"));
        Map<String, Double> stationsOf = new HashMap<>();
        for (int r = 0; r < quakes.rows(); r++) {
            stationsOf.put(key(quakes, r), quakes.number(r, 4));
        }
        double max = 0;
        for (int i = 0; i < 1000; i++) {
            Event e = q.next();
            String k = e.feature(0) + "," + e.feature(1) + "," + e.feature(2) + "," + e.feature(3);
            assertEquals(stationsOf.get(k), e.label(), k);
            max = Math.max(max, e.label());
        }
        assertEquals(132, max);
    }

    private static String key(CsvTable t, int r) {
        return (float) t.number(r, 0) + "," + (float) t.number(r, 1) + "," + (float) t.number(r, 2) + ","
                + (float) t.number(r, 3);
    }

    @Test
    void theKindDefaultsFromTheLabelColumn() {
        assertEquals(TaskType.REGRESSION, stream(1, TableStream.Table.of(quakes, "stations")).next().type());
        assertEquals(TaskType.BINARY, stream(1, TableStream.Table.of(vehicles, "Class")).next().type());
        assertEquals(List.of("vehicle-silhouettes-bus", "vehicle-silhouettes-opel", "vehicle-silhouettes-saab",
                "vehicle-silhouettes-van"), stream(1, TableStream.Table.of(vehicles, "Class")).taskIds());
    }

    // ---- reproducibility, schedule, mixing ----

    @Test
    void sameSeedSameEventsOtherSeedOtherEvents() {
        List<String> a = json(new TableStream(hetero(), 7, 0, 1), 2000);
        assertEquals(a, json(new TableStream(hetero(), 7, 0, 1), 2000));
        assertNotEquals(a, json(new TableStream(hetero(), 8, 0, 1), 2000));
    }

    @Test
    void tasksArriveOnSchedule() {
        TableStream s = new TableStream(List.of(TableStream.Table.of(letters, "lettr").withPrefix("letter")), 1, 2000, 10);
        List<String> ids = s.taskIds();
        assertEquals(26, ids.size());
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < 40_000; i++) {
            Event e = s.next();
            int task = ids.indexOf(e.task());
            int active = Math.min(26, 10 + i / 2000);
            assertTrue(task < active, "event " + i + " is of task " + e.task() + " with " + active + " active");
            if (i >= 2000 && i % 2000 == 0 && active <= 26 && i / 2000 <= 16) {
                // the newest task takes the first event after it appears
                assertEquals(ids.get(active - 1), e.task(), "event " + i);
            }
            seen.add(e.task());
            assertEquals(String.format("evt-%07d", i), e.id());
            assertEquals(AbstractGenerator.START_MS + i, e.timestamp());
        }
        assertEquals(26, seen.size());
        assertTrue(s.describe().get(1).contains("10 from the first event, one more every 2000 events (all from event 32000)"),
                s.describe().get(1));
    }

    @Test
    void threeTablesMixIntoOneStreamThatParses() throws Exception {
        TableStream s = new TableStream(hetero(), 1, 0, 1);
        assertEquals(List.of("letter-A", "letter-E", "letter-I", "letter-O", "letter-U", "vehicle", "quakes"),
                s.taskIds());
        assertEquals(0, s.inputDim());
        assertEquals(16, s.featureNames("letter-A").size());
        assertEquals(18, s.featureNames("vehicle").size());
        IllegalArgumentException dense = assertThrows(IllegalArgumentException.class, s::requireSameWidth);
        assertTrue(dense.getMessage().contains("letter-recognition.csv has 16") && dense.getMessage().contains("named"),
                dense.getMessage());
        EventParser parser = new EventParser(EventParser.Config.defaults().withInputDim(64));
        Map<String, TaskType> types = new HashMap<>();
        for (String line : json(s, 7000)) {
            assertTrue(line.contains("\"features\":{"), line);
            Event e = parser.parse(line);
            assertTrue(e.labeled());
            assertEquals(64, e.dimension());
            types.put(e.task(), e.type());
        }
        assertEquals(Map.of("letter-A", TaskType.BINARY, "letter-E", TaskType.BINARY, "letter-I", TaskType.BINARY,
                "letter-O", TaskType.BINARY, "letter-U", TaskType.BINARY, "vehicle", TaskType.MULTICLASS,
                "quakes", TaskType.REGRESSION), types);
    }

    @Test
    void denseEventsParseWithTheTablesWidth() throws Exception {
        TableStream s = stream(1, TableStream.Table.of(letters, "lettr").withClasses(List.of("A", "B")));
        s.requireSameWidth();
        assertEquals(16, s.inputDim());
        EventParser parser = new EventParser(EventParser.Config.defaults());
        for (int i = 0; i < 100; i++) {
            Event e = parser.parse(EventJson.toJson(s.next()));
            assertEquals(16, e.dimension());
        }
    }

    // ---- mistakes ----

    private static String error(TableStream.Table... tables) {
        return assertThrows(IllegalArgumentException.class, () -> stream(1, tables)).getMessage();
    }

    @Test
    void mistakesNameTheTableAndTheValue() {
        assertEquals("vehicle-silhouettes.csv: --classes tank: no row has Class = \"tank\"; its values are bus, opel,"
                + " saab, van", error(TableStream.Table.of(vehicles, "Class").withClasses(List.of("van", "tank"))));
        String noColumn = error(TableStream.Table.of(quakes, "station"));
        assertEquals("fiji-quakes.csv: --label-column station: no such column; the columns are lat, long, depth, mag,"
                + " stations", noColumn);
        assertTrue(error(TableStream.Table.of(quakes, "stations").withDrop(List.of("depht"))).contains("--drop depht"));
        assertTrue(error(TableStream.Table.of(CsvTable.parse("e.csv", "a,b\n"), "a")).contains("e.csv: no rows"));
        assertTrue(error(TableStream.Table.of(quakes, "stations").withClasses(List.of("10"))).contains("add --as binary"));
        assertTrue(error(TableStream.Table.of(letters, "lettr").withAs(TaskType.REGRESSION))
                .startsWith("letter-recognition.csv line 2: column lettr: not a number: \"T\""));
        assertTrue(error(TableStream.Table.of(vehicles, "Class").withPrefix("my cars")).contains("--task \"my cars\""));
        assertTrue(error(TableStream.Table.of(vehicles, "Class").withClasses(List.of("van", "van"))).contains("twice"));
        assertTrue(error(TableStream.Table.of(vehicles, "Class").withAs(TaskType.MULTICLASS),
                TableStream.Table.of(vehicles, "Class").withAs(TaskType.MULTICLASS)).contains("two tables"));
        CsvTable one = CsvTable.parse("one.csv", "y,x\nA,1\nA,2\n");
        assertTrue(error(TableStream.Table.of(one, "y")).contains("one value only"));
        CsvTable text = CsvTable.parse("text.csv", "y,x\nA,1\nB,two\n");
        assertEquals("text.csv line 3: column x: not a number: \"two\"", error(TableStream.Table.of(text, "y")));
        assertFalse(error(TableStream.Table.of(CsvTable.parse("o.csv", "y\nA\nB\n"), "y")).isEmpty());
        IllegalArgumentException late = assertThrows(IllegalArgumentException.class,
                () -> new TableStream(List.of(TableStream.Table.of(vehicles, "Class")), 1, 10, 5));
        assertEquals("--initial-tasks must be between 1 and the number of tasks (4). Got: 5", late.getMessage());
    }
}
