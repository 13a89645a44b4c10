package io.polyhead.eval.gen;

import io.polyhead.event.Event;
import io.polyhead.event.EventJson;
import io.polyhead.event.TaskType;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A multi-task stream drawn from labelled tables: each {@link Table} makes tasks of its label column,
 * and the tables' tasks mix into one stream on one {@link TaskSchedule}.
 *
 * <ul>
 *   <li>{@link TaskType#BINARY}: one task {@code PREFIX-VALUE} per value of the label column
 *       ("is it VALUE?"), balanced: each of its events is, with probability 1/2, a row whose label is
 *       VALUE (label 1), else a row with another label (label 0).</li>
 *   <li>{@link TaskType#MULTICLASS}: one task {@code PREFIX}, label = the index of the row's value
 *       among the column's distinct values in sorted order, {@code classes} = their number.</li>
 *   <li>{@link TaskType#REGRESSION}: one task {@code PREFIX}, label = the column's value as it is.</li>
 * </ul>
 *
 * <p>The features of a table's events are its other columns, in order (less those dropped), each
 * event's one row's values. Each task draws its rows (a binary task: its positives and its negatives
 * apart) by walking a random permutation that is shuffled again at each pass, so a row comes back
 * only once all have been used. Values sort numerically when the label column is numeric, else as
 * text. Event ids are {@code evt-0000000} on, timestamps 1 ms apart, as in the synthetic generators.
 * Same tables, options and seed: same events.
 */
public final class TableStream implements StreamGenerator {

    /**
     * One table and the tasks it makes.
     *
     * @param csv         the table
     * @param labelColumn the column the tasks predict
     * @param as          the kind of its tasks; null = regression when the label column is numeric,
     *                    else binary
     * @param classes     binary: the values that get a task, in this order; null = every value, sorted
     * @param prefix      the task id (multiclass, regression) or its prefix (binary,
     *                    {@code PREFIX-VALUE}); null = the table's file name without its extension
     * @param drop        columns left out of the features besides the label column; null = none
     */
    public record Table(CsvTable csv, String labelColumn, TaskType as, List<String> classes, String prefix,
                        List<String> drop) {
        /** A table with its defaults: kind from the label column, every value, no column dropped. */
        public static Table of(CsvTable csv, String labelColumn) {
            return new Table(csv, labelColumn, null, null, null, null);
        }

        public Table withAs(TaskType v) {
            return new Table(csv, labelColumn, v, classes, prefix, drop);
        }

        public Table withClasses(List<String> v) {
            return new Table(csv, labelColumn, as, v, prefix, drop);
        }

        public Table withPrefix(String v) {
            return new Table(csv, labelColumn, as, classes, v, drop);
        }

        public Table withDrop(List<String> v) {
            return new Table(csv, labelColumn, as, classes, prefix, v);
        }
    }

    static final int MAX_TASK_LENGTH = 128;
    static final int MAX_CLASSES = 10_000;

    private final List<Source> sources = new ArrayList<>();
    private final List<Task> tasks = new ArrayList<>();
    private final Map<String, Task> byId = new HashMap<>();
    private final TaskSchedule schedule;
    private final SplittableRandom random;
    private long index;

    /**
     * The stream of these tables' tasks, listed table by table.
     *
     * @param newTaskEvery 0 = all tasks from the start; N = one new task every N events
     * @param initialTasks tasks active at the start when tasks appear over time
     * @throws IllegalArgumentException naming the table and the bad value: an unknown column, a label
     *                                  value that is not there, a cell that is not a number, ...
     */
    public TableStream(List<Table> tables, long seed, int newTaskEvery, int initialTasks) {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("no table: a table stream needs at least one");
        }
        this.random = new SplittableRandom(seed);
        SplittableRandom params = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1);
        Map<String, String> owner = new HashMap<>();
        for (Table t : tables) {
            Source s = new Source(t);
            sources.add(s);
            for (Task task : s.makeTasks(params)) {
                String before = owner.putIfAbsent(task.id, s.csv.name());
                if (before != null) {
                    throw new IllegalArgumentException("task id " + task.id + " comes from two tables (" + before
                            + " and " + s.csv.name() + "): give them different --task prefixes");
                }
                tasks.add(task);
                byId.put(task.id, task);
            }
        }
        this.schedule = new TaskSchedule(tasks.stream().map(x -> x.id).toList(), newTaskEvery, initialTasks);
    }

    @Override
    public Event next() {
        long i = index++;
        Task task = tasks.get(schedule.taskOf(i, random));
        Source s = task.source;
        int row;
        double label;
        if (s.type == TaskType.BINARY) {
            boolean positive = task.coin.nextBoolean();
            row = positive ? task.positives.next() : task.negatives.next();
            label = positive ? 1 : 0;
        } else {
            row = task.rows.next();
            label = s.type == TaskType.MULTICLASS ? s.classIndex[row] : s.y[row];
        }
        Integer classes = s.type == TaskType.MULTICLASS ? s.values.size() : null;
        return new Event(task.id, String.format("evt-%07d", i), s.x[row], label, s.type, classes,
                AbstractGenerator.START_MS + i);
    }

    /**
     * Writes the next {@code events} events as JSONL, one per line, with named features
     * ({@code {"column": value}}) or dense ones (arrays in column order).
     */
    public void write(OutputStream out, long events, boolean namedFeatures) throws IOException {
        Map<String, List<String>> names = new HashMap<>();
        if (namedFeatures) {
            for (Task t : tasks) {
                names.put(t.id, t.source.featureNames);
            }
        }
        for (long i = 0; i < events; i++) {
            Event e = next();
            EventJson.write(e, names.get(e.task()), out);
            out.write('\n');
        }
    }

    /** The number of feature columns when every table has as many, else 0 (only named features then). */
    @Override
    public int inputDim() {
        int d = sources.get(0).featureNames.size();
        for (Source s : sources) {
            if (s.featureNames.size() != d) {
                return 0;
            }
        }
        return d;
    }

    @Override
    public String name() {
        return "table";
    }

    /** The tasks' ids in the order they become active. */
    public List<String> taskIds() {
        return tasks.stream().map(t -> t.id).toList();
    }

    /** The names of a task's features (its table's feature columns), in the order of its events' features. */
    public List<String> featureNames(String task) {
        Task t = byId.get(task);
        if (t == null) {
            throw new IllegalArgumentException("no task " + task + " in this stream");
        }
        return t.source.featureNames;
    }

    /**
     * Checks that dense features are possible: every table has as many feature columns.
     *
     * @throws IllegalArgumentException listing each table's count otherwise
     */
    public void requireSameWidth() {
        if (inputDim() == 0) {
            StringBuilder b = new StringBuilder();
            for (Source s : sources) {
                b.append(b.isEmpty() ? "" : ", ").append(s.csv.name()).append(" has ").append(s.featureNames.size());
            }
            throw new IllegalArgumentException("--features dense needs as many feature columns in every table: " + b
                    + "; use --features named (the default), or --drop columns to make them equal");
        }
    }

    /** What each table makes, a line per table, then the schedule: for the user, on standard error. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (Source s : sources) {
            StringBuilder b = new StringBuilder(s.csv.name()).append(": ").append(s.csv.rows()).append(" rows, ")
                    .append(s.featureNames.size()).append(s.featureNames.size() == 1 ? " feature; " : " features; ");
            switch (s.type) {
                case BINARY -> {
                    b.append(s.tasks.size()).append(s.tasks.size() == 1 ? " binary task " : " binary tasks ");
                    b.append(list(s.tasks.stream().map(t -> t.id).toList()));
                    b.append(" (is ").append(s.labelName).append(" VALUE?)");
                }
                case MULTICLASS -> {
                    b.append("multiclass task ").append(s.prefix).append(", ").append(s.values.size())
                            .append(" classes of ").append(s.labelName).append(':');
                    for (int k = 0; k < s.values.size(); k++) {
                        b.append(' ').append(k).append('=').append(s.values.get(k));
                    }
                }
                case REGRESSION -> {
                    double lo = Double.POSITIVE_INFINITY;
                    double hi = Double.NEGATIVE_INFINITY;
                    for (double v : s.y) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                    b.append("regression task ").append(s.prefix).append(", label ").append(s.labelName)
                            .append(" as it is (").append(num(lo)).append(" to ").append(num(hi)).append(')');
                }
            }
            lines.add(b.toString());
        }
        int n = tasks.size();
        if (schedule.newTaskEvery() == 0 || schedule.initialTasks() == n) {
            lines.add(n + (n == 1 ? " task" : " tasks") + ", all from the first event");
        } else {
            lines.add(n + " tasks: " + schedule.initialTasks() + " from the first event, one more every "
                    + schedule.newTaskEvery() + " events (all from event "
                    + (long) (n - schedule.initialTasks()) * schedule.newTaskEvery() + ")");
        }
        return lines;
    }

    private static String list(List<String> ids) {
        if (ids.size() <= 30) {
            return String.join(", ", ids);
        }
        return String.join(", ", ids.subList(0, 26)) + ", ... " + ids.get(ids.size() - 1);
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Whether {@code c} may appear in a task id. */
    static boolean taskChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                || c == ':' || c == '-';
    }

    /** {@code s} with each character a task id may not hold replaced by {@code _}; "_" for "". */
    static String sanitize(String s) {
        if (s.isEmpty()) {
            return "_";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(taskChar(c) ? c : '_');
        }
        return b.toString();
    }

    /** The default prefix: the file name without its extension. */
    static String baseName(String file) {
        int dot = file.lastIndexOf('.');
        return sanitize(dot > 0 ? file.substring(0, dot) : file);
    }

    /** One table, read into features and labels. */
    private static final class Source {
        final CsvTable csv;
        final String labelName;
        final TaskType type;
        final String prefix;
        final List<String> featureNames;
        /** Features per row. */
        final float[][] x;
        /** Regression: the label per row. */
        double[] y;
        /** Binary, multiclass: the label column's distinct values, sorted. */
        List<String> values;
        /** Multiclass: the index of each row's value in {@link #values}. */
        int[] classIndex;
        final Table spec;
        final List<Task> tasks = new ArrayList<>();

        Source(Table t) {
            this.spec = t;
            this.csv = t.csv();
            String name = csv.name();
            if (csv.rows() == 0) {
                throw new IllegalArgumentException(name + ": no rows after the header");
            }
            int label = column(csv, "--label-column", t.labelColumn());
            this.labelName = t.labelColumn();
            Set<Integer> dropped = new HashSet<>();
            if (t.drop() != null) {
                for (String d : t.drop()) {
                    int c = column(csv, "--drop", d);
                    if (c == label) {
                        throw new IllegalArgumentException(name + ": --drop " + d + ": that is the label column,"
                                + " which is never a feature");
                    }
                    dropped.add(c);
                }
            }
            List<String> names = new ArrayList<>();
            List<Integer> cols = new ArrayList<>();
            for (int c = 0; c < csv.columns().size(); c++) {
                if (c != label && !dropped.contains(c)) {
                    names.add(csv.columns().get(c));
                    cols.add(c);
                }
            }
            if (cols.isEmpty()) {
                throw new IllegalArgumentException(name + ": no feature column left besides the label column "
                        + labelName);
            }
            this.featureNames = List.copyOf(names);
            boolean numericLabel = csv.isNumeric(label);
            this.type = t.as() != null ? t.as() : numericLabel ? TaskType.REGRESSION : TaskType.BINARY;
            this.prefix = prefixOf(t);
            if (t.classes() != null && type != TaskType.BINARY) {
                throw new IllegalArgumentException(name + ": --classes " + String.join(",", t.classes())
                        + ": only binary tasks take --classes, and " + labelName + " makes a " + type.jsonName()
                        + " task" + (t.as() == null ? " (its values are numbers): add --as binary" : ""));
            }
            x = new float[csv.rows()][cols.size()];
            for (int r = 0; r < csv.rows(); r++) {
                for (int j = 0; j < cols.size(); j++) {
                    double v = csv.number(r, cols.get(j));
                    if (!Float.isFinite((float) v)) {
                        throw new IllegalArgumentException(csv.where(r, cols.get(j))
                                + ": out of the float range (about ±3.4e38): " + CsvTable.quote(csv.cell(r, cols.get(j))));
                    }
                    x[r][j] = (float) v;
                }
            }
            if (type == TaskType.REGRESSION) {
                try {
                    y = csv.numbers(label);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage() + " (a regression label is a number;"
                            + " --as binary or --as multiclass make tasks of a column of names)");
                }
                return;
            }
            Comparator<String> order = numericLabel
                    ? Comparator.<String>comparingDouble(v -> Double.parseDouble(v.strip())).thenComparing(v -> v)
                    : Comparator.naturalOrder();
            TreeSet<String> distinct = new TreeSet<>(order);
            for (int r = 0; r < csv.rows(); r++) {
                distinct.add(csv.cell(r, label));
            }
            values = List.copyOf(distinct);
            if (values.size() < 2) {
                throw new IllegalArgumentException(name + ": " + labelName + " has one value only, "
                        + CsvTable.quote(values.get(0)) + ": a " + type.jsonName() + " task needs two or more");
            }
            if (type == TaskType.MULTICLASS) {
                if (values.size() > MAX_CLASSES) {
                    throw new IllegalArgumentException(name + ": " + labelName + " has " + values.size()
                            + " distinct values; a multiclass task has at most " + MAX_CLASSES + " classes");
                }
                Map<String, Integer> at = new HashMap<>();
                for (int k = 0; k < values.size(); k++) {
                    at.put(values.get(k), k);
                }
                classIndex = new int[csv.rows()];
                for (int r = 0; r < csv.rows(); r++) {
                    classIndex[r] = at.get(csv.cell(r, label));
                }
            }
        }

        /** The column's index; the error names the option that asked for it. */
        private static int column(CsvTable csv, String option, String name) {
            if (!csv.columns().contains(name)) {
                throw new IllegalArgumentException(csv.name() + ": " + option + " " + name + ": no such column; the"
                        + " columns are " + String.join(", ", csv.columns()));
            }
            return csv.column(name);
        }

        private static String prefixOf(Table t) {
            if (t.prefix() == null) {
                return baseName(t.csv().name());
            }
            String p = t.prefix();
            if (p.isEmpty()) {
                throw new IllegalArgumentException(t.csv().name() + ": --task must not be empty");
            }
            for (int i = 0; i < p.length(); i++) {
                if (!taskChar(p.charAt(i))) {
                    throw new IllegalArgumentException(t.csv().name() + ": --task " + CsvTable.quote(p)
                            + ": a task id may contain only A-Z a-z 0-9 . _ : - (not "
                            + CsvTable.quote(String.valueOf(p.charAt(i))) + ")");
                }
            }
            return p;
        }

        /** The tasks of this table, each with its own random draws split off {@code params} in order. */
        List<Task> makeTasks(SplittableRandom params) {
            int label = csv.column(labelName);
            if (type != TaskType.BINARY) {
                int[] all = new int[csv.rows()];
                for (int r = 0; r < all.length; r++) {
                    all[r] = r;
                }
                tasks.add(new Task(checkedId(prefix), this, new RowCycle(all, params.split()), null, null, null));
                return tasks;
            }
            List<String> chosen;
            if (spec.classes() == null) {
                chosen = values;
            } else {
                Set<String> present = new HashSet<>(values);
                Set<String> seen = new HashSet<>();
                for (String c : spec.classes()) {
                    if (!present.contains(c)) {
                        throw new IllegalArgumentException(csv.name() + ": --classes " + c + ": no row has "
                                + labelName + " = " + CsvTable.quote(c) + "; its values are " + list(values));
                    }
                    if (!seen.add(c)) {
                        throw new IllegalArgumentException(csv.name() + ": --classes " + c + " is given twice");
                    }
                }
                if (spec.classes().isEmpty()) {
                    throw new IllegalArgumentException(csv.name() + ": --classes is empty");
                }
                chosen = spec.classes();
            }
            Map<String, String> idOf = new LinkedHashMap<>();
            for (String v : chosen) {
                String id = checkedId(prefix + "-" + sanitize(v));
                for (Map.Entry<String, String> e : idOf.entrySet()) {
                    if (e.getValue().equals(id)) {
                        throw new IllegalArgumentException(csv.name() + ": the values " + CsvTable.quote(e.getKey())
                                + " and " + CsvTable.quote(v) + " of " + labelName + " both make the task id " + id
                                + " (characters other than A-Z a-z 0-9 . _ : - become _)");
                    }
                }
                idOf.put(v, id);
            }
            for (Map.Entry<String, String> e : idOf.entrySet()) {
                String value = e.getKey();
                int n = 0;
                for (int r = 0; r < csv.rows(); r++) {
                    n += csv.cell(r, label).equals(value) ? 1 : 0;
                }
                int[] pos = new int[n];
                int[] neg = new int[csv.rows() - n];
                int p = 0;
                int q = 0;
                for (int r = 0; r < csv.rows(); r++) {
                    if (csv.cell(r, label).equals(value)) {
                        pos[p++] = r;
                    } else {
                        neg[q++] = r;
                    }
                }
                tasks.add(new Task(e.getValue(), this, null, new RowCycle(pos, params.split()),
                        new RowCycle(neg, params.split()), params.split()));
            }
            return tasks;
        }

        private String checkedId(String id) {
            if (id.length() > MAX_TASK_LENGTH) {
                throw new IllegalArgumentException(csv.name() + ": the task id " + CsvTable.quote(id) + " is longer than "
                        + MAX_TASK_LENGTH + " characters: give a shorter --task");
            }
            return id;
        }
    }

    /** One task: its rows, and for a binary task the coin that picks a positive or a negative. */
    private static final class Task {
        final String id;
        final Source source;
        final RowCycle rows;
        final RowCycle positives;
        final RowCycle negatives;
        final SplittableRandom coin;

        Task(String id, Source source, RowCycle rows, RowCycle positives, RowCycle negatives, SplittableRandom coin) {
            this.id = id;
            this.source = source;
            this.rows = rows;
            this.positives = positives;
            this.negatives = negatives;
            this.coin = coin;
        }
    }

    /** Rows in a random order, shuffled again after each pass: none repeats before all have come. */
    static final class RowCycle {
        private final int[] rows;
        private final SplittableRandom random;
        private int next;

        RowCycle(int[] rows, SplittableRandom random) {
            if (rows.length == 0) {
                throw new IllegalArgumentException("no rows to draw from");
            }
            this.rows = rows.clone();
            this.random = random;
            this.next = rows.length;
        }

        int next() {
            if (next == rows.length) {
                for (int i = rows.length - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int t = rows[i];
                    rows[i] = rows[j];
                    rows[j] = t;
                }
                next = 0;
            }
            return rows[next++];
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TableStream{%d tables, %d tasks}", sources.size(), tasks.size());
    }
}
