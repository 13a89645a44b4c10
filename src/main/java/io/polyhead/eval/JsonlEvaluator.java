package io.polyhead.eval;

import io.polyhead.event.Event;
import io.polyhead.event.EventParser;
import io.polyhead.event.InvalidEventException;
import io.polyhead.event.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongConsumer;

/**
 * Runs a {@link PrequentialRun} over a JSONL stream of events. One thread reads and parses lines in
 * chunks while the caller's thread learns, so parsing and learning use two cores; the order of
 * events, and so every result, is the same as parsing them one by one.
 *
 * <p>The parser fixes the input dimension from the first event it parses with dense features (or from
 * {@code inputDim} when given), so named features hashed later land in the right dimension.
 */
public final class JsonlEvaluator {
    private static final int CHUNK = 512;

    private JsonlEvaluator() {
    }

    /** What the input held besides events and rejections: blank lines, fields the contract does not define. */
    public static final class InputNotes {
        private volatile long blankLines;
        private volatile java.util.Map<String, Long> unknownFields = java.util.Map.of();

        /** Blank lines skipped. */
        public long blankLines() {
            return blankLines;
        }

        /** Unknown field names and how many events carried each (see {@link EventParser#unknownFields}). */
        public java.util.Map<String, Long> unknownFields() {
            return unknownFields;
        }
    }

    /** One chunk of parsed lines: an event or a rejection reason per line. */
    private record Chunk(Object[] items, int size, IOException error) {
        static final Chunk END = new Chunk(new Object[0], 0, null);
    }

    /**
     * Reads {@code in} to its end, offering every line to {@code run}.
     *
     * @param inputDim the known input dimension, or 0
     * @param progress called with the lines done so far after every chunk. May be null.
     * @return lines read
     */
    public static long evaluate(InputStream in, EventDriver run, int inputDim, LongConsumer progress)
            throws IOException {
        return evaluate(in, run, inputDim, progress, new InputNotes());
    }

    /** As {@link #evaluate(InputStream, EventDriver, int, LongConsumer)}, filling {@code notes} by the end. */
    public static long evaluate(InputStream in, EventDriver run, int inputDim, LongConsumer progress, InputNotes notes)
            throws IOException {
        BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(8);
        Thread reader = new Thread(() -> read(in, inputDim, queue, notes), "polyhead-jsonl-reader");
        reader.setDaemon(true);
        reader.start();
        long lines = 0;
        try {
            while (true) {
                Chunk chunk = queue.take();
                if (chunk == Chunk.END) {
                    break;
                }
                if (chunk.error() != null) {
                    throw chunk.error();
                }
                for (int i = 0; i < chunk.size(); i++) {
                    Object item = chunk.items()[i];
                    if (item instanceof Event e) {
                        run.offer(e);
                    } else {
                        run.reject((Rejection) item);
                    }
                }
                lines += chunk.size();
                if (progress != null) {
                    progress.accept(lines);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while evaluating", e);
        } finally {
            reader.interrupt();
            run.flush();
        }
        return lines;
    }

    private static void read(InputStream in, int inputDim, BlockingQueue<Chunk> queue, InputNotes notes) {
        EventParser parser = new EventParser(EventParser.Config.defaults().withInputDim(inputDim));
        JsonlLines lines = new JsonlLines(in);
        try {
            Object[] items = new Object[CHUNK];
            int n = 0;
            while (lines.next()) {
                try {
                    Event e = parser.parse(lines.bytes(), null);
                    if (parser.dimension() == 0) {
                        parser.fixDimension(e.dimension());
                    }
                    items[n++] = e;
                } catch (InvalidEventException e) {
                    items[n++] = e.rejection().withNote("(line " + lines.lineNumber() + ")");
                }
                if (n == CHUNK) {
                    queue.put(new Chunk(items, n, null));
                    items = new Object[CHUNK];
                    n = 0;
                }
            }
            if (n > 0) {
                queue.put(new Chunk(items, n, null));
            }
            notes.blankLines = lines.blankLines();
            notes.unknownFields = parser.unknownFields();
            queue.put(Chunk.END);
        } catch (IOException e) {
            putQuietly(queue, new Chunk(new Object[0], 0, e));
        } catch (UncheckedIOException e) {
            putQuietly(queue, new Chunk(new Object[0], 0, e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void putQuietly(BlockingQueue<Chunk> queue, Chunk chunk) {
        try {
            queue.put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
