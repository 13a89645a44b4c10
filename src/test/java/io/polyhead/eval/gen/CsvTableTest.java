package io.polyhead.eval.gen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CSV reader: RFC 4180's quoting, line numbers, and errors that name the line, column and value. */
class CsvTableTest {

    /** A table of the test resources (src/test/resources/data). */
    static Path data(String file) {
        try {
            return Path.of(CsvTableTest.class.getResource("/data/" + file).toURI());
        } catch (Exception e) {
            throw new AssertionError("no test resource data/" + file, e);
        }
    }

    private static String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> CsvTable.parse("t.csv", text)).getMessage();
    }

    @Test
    void quotedHeaderAndValuesLoseTheirQuotes() {
        CsvTable t = CsvTable.parse("t.csv", "\"lettr\",\"x.box\",n\n\"T\",2,8\n\"I\",5,\"12\"\n");
        assertEquals(List.of("lettr", "x.box", "n"), t.columns());
        assertEquals(2, t.rows());
        assertEquals("T", t.cell(0, 0));
        assertEquals("12", t.cell(1, 2));
        assertEquals(12.0, t.number(1, 2));
        assertEquals(1, t.column("x.box"));
    }

    @Test
    void quotesHoldCommasLineBreaksAndDoubledQuotes() {
        CsvTable t = CsvTable.parse("t.csv", "a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",\"\"\n3,4\n");
        assertEquals(3, t.rows());
        assertEquals("x, y", t.cell(0, 0));
        assertEquals("say \"hi\"", t.cell(0, 1));
        assertEquals("two\nlines", t.cell(1, 0));
        assertEquals("", t.cell(1, 1));
        assertEquals(2, t.line(0));
        assertEquals(3, t.line(1));
        // the quoted line break counts: the row after it starts on line 5
        assertEquals(5, t.line(2));
    }

    @Test
    void crlfByteOrderMarkBlankLinesAndNoFinalNewline() {
        CsvTable t = CsvTable.parse("t.csv", "\uFEFFa,b\r\n1,2\r\n\r\n\n3,4");
        assertEquals(List.of("a", "b"), t.columns());
        assertEquals(2, t.rows());
        assertEquals("4", t.cell(1, 1));
        assertEquals(5, t.line(1));
        assertEquals(2, t.line(0));
    }

    @Test
    void emptyCellsAreKept() {
        CsvTable t = CsvTable.parse("t.csv", "a,b,c\n,,\n1,,3\n");
        assertEquals(2, t.rows());
        assertEquals("", t.cell(0, 2));
        assertEquals("", t.cell(1, 1));
    }

    @Test
    void aBadNumberNamesTheFileLineColumnAndValue() {
        CsvTable t = CsvTable.parse("vehicle.csv", "Comp,Class\n95,van\n91,van\nabc,saab\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.numbers(0));
        assertEquals("vehicle.csv line 4: column Comp: not a number: \"abc\"", e.getMessage());
        assertFalse(t.isNumeric(0));
        assertFalse(t.isNumeric(1));
    }

    @Test
    void numbersAreWhatCsvWritersWrite() {
        CsvTable t = CsvTable.parse("t.csv", "x\n1\n-2.5\n.5\n+3.\n1e3\n-4.2E-2\n 7 \n");
        assertTrue(t.isNumeric(0));
        assertArrayEquals(new double[] {1, -2.5, 0.5, 3, 1000, -0.042, 7}, t.numbers(0));
        for (String bad : new String[] {"NaN", "Infinity", "0x10", "1f", "1d", "1,5", "", "NA", "1e999"}) {
            CsvTable b = CsvTable.parse("t.csv", "x\n\"" + bad + "\"\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.number(0, 0), bad);
            assertTrue(e.getMessage().startsWith("t.csv line 2: column x: "), e.getMessage());
            assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
        }
    }

    @Test
    void aRowOfTheWrongWidthNamesItsLine() {
        assertEquals("t.csv line 3: 1 value, the header has 2 columns", error("a,b\n1,2\n3\n"));
        assertEquals("t.csv line 2: 3 values, the header has 2 columns", error("a,b\n1,2,3\n"));
    }

    @Test
    void malformedQuotesAreErrorsNamingTheLine() {
        assertTrue(error("a,b\n1,\"open\n2,3\n").startsWith("t.csv line 2: column 2: a quoted value is not closed"),
                error("a,b\n1,\"open\n2,3\n"));
        assertTrue(error("a,b\n\"x\"y,2\n").startsWith("t.csv line 2: column 1: \"y\" after the closing quote"),
                error("a,b\n\"x\"y,2\n"));
        assertTrue(error("a,b\n1,x\"y\n").startsWith("t.csv line 2: column 2: a double quote inside the unquoted"),
                error("a,b\n1,x\"y\n"));
    }

    @Test
    void theHeaderIsRequiredAndItsNamesDistinct() {
        assertTrue(error("").contains("t.csv: empty"), error(""));
        assertTrue(error("\n\n").contains("t.csv: empty"), error("\n\n"));
        assertEquals("t.csv line 1: column name \"a\" appears twice (columns 1 and 3)", error("a,b,a\n1,2,3\n"));
        assertEquals("t.csv line 1: column 2 of the header has no name", error("a,,c\n1,2,3\n"));
        assertEquals(0, CsvTable.parse("t.csv", "a,b\n").rows());
    }

    @Test
    void anUnknownColumnListsTheColumns() {
        CsvTable t = CsvTable.parse("t.csv", "lat,long,stations\n1,2,3\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.column("station"));
        assertEquals("t.csv: no column \"station\"; the columns are lat, long, stations", e.getMessage());
    }

    @Test
    void theRealTablesRead() throws Exception {
        CsvTable letters = CsvTable.read(data("letter-recognition.csv"));
        assertEquals("letter-recognition.csv", letters.name());
        assertEquals(20_000, letters.rows());
        assertEquals(17, letters.columns().size());
        assertEquals("lettr", letters.columns().get(0));
        assertEquals("T", letters.cell(0, 0));
        assertFalse(letters.isNumeric(0));
        for (int c = 1; c < 17; c++) {
            assertTrue(letters.isNumeric(c), letters.columns().get(c));
        }
        CsvTable vehicles = CsvTable.read(data("vehicle-silhouettes.csv"));
        assertEquals(846, vehicles.rows());
        assertEquals(19, vehicles.columns().size());
        assertEquals("Class", vehicles.columns().get(18));
        CsvTable quakes = CsvTable.read(data("fiji-quakes.csv"));
        assertEquals(1000, quakes.rows());
        assertEquals(List.of("lat", "long", "depth", "mag", "stations"), quakes.columns());
        assertEquals(-20.42, quakes.number(0, 0));
        assertEquals(1001, quakes.line(999));
    }
}
