package io.polyhead.eval.gen;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A CSV table in memory: a header row of column names, then rows of text cells. The subset of
 * RFC 4180 that R's {@code write.csv} and most tools write: comma separated, a cell may be enclosed
 * in double quotes (then it may hold commas, line breaks and {@code ""} for a quote), lines end in
 * LF or CRLF, a UTF-8 byte order mark is skipped, blank lines are ignored. The header row is
 * required; every row has as many cells as it has columns.
 *
 * <p>Every rejection is an {@link IllegalArgumentException} whose message names the table, the line
 * and, for a cell, the column and the value: {@code vehicle.csv line 12: column Comp: not a number: "abc"}.
 */
public final class CsvTable {
    /** A plain decimal number: what a CSV writer writes; not Java's hex floats, "NaN" or "1d". */
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private final String name;
    private final List<String> columns;
    private final Map<String, Integer> index;
    private final List<String[]> rows;
    private final int[] lines;

    private CsvTable(String name, List<String> columns, List<String[]> rows, int[] lines) {
        this.name = name;
        this.columns = List.copyOf(columns);
        this.rows = rows;
        this.lines = lines;
        this.index = new HashMap<>();
        for (int c = 0; c < columns.size(); c++) {
            index.put(columns.get(c), c);
        }
    }

    /** Reads a UTF-8 file; errors name it by its file name. */
    public static CsvTable read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(String.valueOf(file.getFileName()), r);
        }
    }

    /** Parses CSV text; {@code name} names the table in errors. */
    public static CsvTable parse(String name, String text) {
        try {
            return parse(name, new java.io.StringReader(text));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Parses CSV from a reader, which is not closed; {@code name} names the table in errors. */
    public static CsvTable parse(String name, Reader in) throws IOException {
        Lexer lexer = new Lexer(name, in);
        List<String> header = lexer.record();
        if (header == null) {
            throw new IllegalArgumentException(name + ": empty; a CSV table needs a header row of column names");
        }
        int headerLine = lexer.recordLine;
        Map<String, Integer> seen = new HashMap<>();
        for (int c = 0; c < header.size(); c++) {
            String col = header.get(c);
            if (col.isEmpty()) {
                throw new IllegalArgumentException(name + " line " + headerLine + ": column " + (c + 1)
                        + " of the header has no name");
            }
            Integer before = seen.put(col, c);
            if (before != null) {
                throw new IllegalArgumentException(name + " line " + headerLine + ": column name " + quote(col)
                        + " appears twice (columns " + (before + 1) + " and " + (c + 1) + ")");
            }
        }
        List<String[]> rows = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        List<String> record;
        while ((record = lexer.record()) != null) {
            if (record.size() != header.size()) {
                throw new IllegalArgumentException(name + " line " + lexer.recordLine + ": " + record.size()
                        + (record.size() == 1 ? " value" : " values") + ", the header has " + header.size()
                        + " columns");
            }
            rows.add(record.toArray(new String[0]));
            lines.add(lexer.recordLine);
        }
        return new CsvTable(name, header, rows, lines.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The table's name in errors: the file name. */
    public String name() {
        return name;
    }

    /** The column names, in order. */
    public List<String> columns() {
        return columns;
    }

    /** Rows after the header. */
    public int rows() {
        return rows.size();
    }

    /**
     * The index of a column.
     *
     * @throws IllegalArgumentException naming the column and listing the ones that exist
     */
    public int column(String column) {
        Integer c = index.get(column);
        if (c == null) {
            throw new IllegalArgumentException(name + ": no column " + quote(column) + "; the columns are "
                    + String.join(", ", columns));
        }
        return c;
    }

    /** The text of a cell, without its quotes. */
    public String cell(int row, int column) {
        return rows.get(row)[column];
    }

    /** The line (1-based) where a row starts in the file. */
    public int line(int row) {
        return lines[row];
    }

    /** Whether every cell of the column is a number (and the table has rows). */
    public boolean isNumeric(int column) {
        if (rows.isEmpty()) {
            return false;
        }
        for (String[] r : rows) {
            if (!isNumber(r[column])) {
                return false;
            }
        }
        return true;
    }

    /**
     * A column's values as numbers.
     *
     * @throws IllegalArgumentException at the first cell that is not a finite number, naming its line,
     *                                  column and value
     */
    public double[] numbers(int column) {
        double[] v = new double[rows.size()];
        for (int r = 0; r < v.length; r++) {
            v[r] = number(r, column);
        }
        return v;
    }

    /**
     * One cell as a number.
     *
     * @throws IllegalArgumentException when it is not a finite decimal number, naming the line, column
     *                                  and value
     */
    public double number(int row, int column) {
        String s = rows.get(row)[column];
        if (!isNumber(s)) {
            throw new IllegalArgumentException(where(row, column) + ": not a number: " + quote(s));
        }
        double d = Double.parseDouble(s.strip());
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(where(row, column) + ": out of the number range: " + quote(s));
        }
        return d;
    }

    /** "{@code name line L: column C}", the start of an error about one cell. */
    public String where(int row, int column) {
        return name + " line " + lines[row] + ": column " + columns.get(column);
    }

    static boolean isNumber(String s) {
        return NUMBER.matcher(s.strip()).matches();
    }

    static String quote(String s) {
        String q = s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r");
        return "\"" + (q.length() <= 60 ? q : q.substring(0, 57) + "...") + "\"";
    }

    /** Splits the text into records of cells, keeping count of lines. */
    private static final class Lexer {
        private final String name;
        private final Reader in;
        private int peeked = -2;
        /** The line being read, 1-based. */
        private int line = 1;
        /** The line where the last record started. */
        int recordLine;
        private boolean first = true;

        Lexer(String name, Reader in) {
            this.name = name;
            this.in = in;
        }

        private int read() throws IOException {
            int c;
            if (peeked != -2) {
                c = peeked;
                peeked = -2;
            } else {
                c = in.read();
            }
            if (first) {
                first = false;
                if (c == '\uFEFF') {
                    return read();
                }
            }
            return c;
        }

        private int peek() throws IOException {
            if (peeked == -2) {
                peeked = in.read();
            }
            return peeked;
        }

        /** The next record, or null at the end; blank lines are skipped. */
        List<String> record() throws IOException {
            int c = read();
            while (c == '\n' || c == '\r') {
                if (c == '\r' && peek() == '\n') {
                    read();
                }
                line++;
                c = read();
            }
            if (c == -1) {
                return null;
            }
            recordLine = line;
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            while (true) {
                if (c == '"' && cell.isEmpty()) {
                    int openedAt = line;
                    while (true) {
                        c = read();
                        if (c == -1) {
                            throw new IllegalArgumentException(name + " line " + openedAt + ": column "
                                    + (cells.size() + 1) + ": a quoted value is not closed before the end of the file");
                        }
                        if (c == '"') {
                            if (peek() == '"') {
                                read();
                                cell.append('"');
                                continue;
                            }
                            break;
                        }
                        if (c == '\n' || (c == '\r' && peek() != '\n')) {
                            line++;
                        }
                        cell.append((char) c);
                    }
                    c = read();
                    if (c != ',' && c != '\n' && c != '\r' && c != -1) {
                        throw new IllegalArgumentException(name + " line " + line + ": column " + (cells.size() + 1)
                                + ": " + quote(String.valueOf((char) c)) + " after the closing quote of "
                                + quote(cell.toString()) + " (a quote inside a quoted value is written \"\")");
                    }
                    // a quoted cell is never extended: fall through to the separator
                } else {
                    while (c != ',' && c != '\n' && c != '\r' && c != -1) {
                        if (c == '"') {
                            throw new IllegalArgumentException(name + " line " + line + ": column "
                                    + (cells.size() + 1) + ": a double quote inside the unquoted value "
                                    + quote(cell + "\"") + " (quote the whole value and write the quote as \"\")");
                        }
                        cell.append((char) c);
                        c = read();
                    }
                }
                cells.add(cell.toString());
                cell.setLength(0);
                if (c == ',') {
                    c = read();
                    continue;
                }
                if (c == '\r' && peek() == '\n') {
                    read();
                }
                if (c != -1) {
                    line++;
                }
                return cells;
            }
        }
    }
}
