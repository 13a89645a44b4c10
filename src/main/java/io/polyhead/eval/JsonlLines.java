package io.polyhead.eval;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a JSONL stream line by line as raw bytes, so events can be parsed without decoding them to
 * strings first. Lines end with {@code \n} (a preceding {@code \r} is dropped); blank lines are
 * skipped but counted, so line numbers in messages match the file.
 */
public final class JsonlLines {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int pos;
    private int limit;
    private long lineNumber;
    private byte[] line = new byte[1024];
    private int lineLength;
    private long blankLines;

    public JsonlLines(InputStream in) {
        this.in = in;
    }

    /** Blank lines skipped so far. */
    public long blankLines() {
        return blankLines;
    }

    /** Advances to the next non-blank line; false at the end of the stream. */
    public boolean next() throws IOException {
        while (true) {
            lineLength = 0;
            boolean sawAny = false;
            while (true) {
                if (pos == limit) {
                    limit = in.read(buffer, 0, buffer.length);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        if (!sawAny) {
                            return false;
                        }
                        break;
                    }
                }
                byte b = buffer[pos++];
                sawAny = true;
                if (b == '\n') {
                    break;
                }
                if (lineLength == line.length) {
                    line = Arrays.copyOf(line, line.length * 2);
                }
                line[lineLength++] = b;
            }
            lineNumber++;
            if (lineLength > 0 && line[lineLength - 1] == '\r') {
                lineLength--;
            }
            if (!isBlank()) {
                return true;
            }
            blankLines++;
        }
    }

    private boolean isBlank() {
        for (int i = 0; i < lineLength; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** The current line's bytes (a copy). */
    public byte[] bytes() {
        return Arrays.copyOf(line, lineLength);
    }

    /** 1-based number of the current line in the stream. */
    public long lineNumber() {
        return lineNumber;
    }
}
