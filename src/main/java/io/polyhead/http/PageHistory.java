package io.polyhead.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.polyhead.observe.ModelView;
import io.polyhead.observe.TaskView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the live page charts ({@code /api/history}): samples of this instance taken every few seconds for
 * the last {@value #KEEP} samples, so a page opened late still shows how the run went. Rates come from
 * the server's clock, not the browser's.
 */
final class PageHistory {
    static final int KEEP = 300;
    /** Tasks whose loss is charted: the busiest at each sample. */
    static final int CHARTED_TASKS = 6;

    private record Sample(long timeMs, double eventsPerSecond, double deadLettersPerSecond, Double p50, Double p99,
                          long createdTasks, Double newTaskFirst10, Map<String, Double> losses) {
    }

    private final Deque<Sample> samples = new ArrayDeque<>();
    private long lastTimeMs = -1;
    private long lastEvents;
    private long lastDead;

    synchronized void sample(long nowMs, ModelView model, long deadLetters, List<TaskView> busiest) {
        long events = model.trained() + model.predictedOnly();
        double seconds = lastTimeMs < 0 ? 0 : (nowMs - lastTimeMs) / 1000.0;
        Map<String, Double> losses = new LinkedHashMap<>();
        for (TaskView t : busiest.subList(0, Math.min(CHARTED_TASKS, busiest.size()))) {
            losses.put(t.task(), t.recentLoss());
        }
        samples.addLast(new Sample(nowMs, seconds > 0 ? Math.max(0, events - lastEvents) / seconds : 0,
                seconds > 0 ? Math.max(0, deadLetters - lastDead) / seconds : 0, model.latencyP50(), model.latencyP99(),
                model.createdTasks(), model.newTaskFirst10(), losses));
        if (samples.size() > KEEP) {
            samples.removeFirst();
        }
        lastTimeMs = nowMs;
        lastEvents = events;
        lastDead = deadLetters;
    }

    /** Columns for the charts: times in seconds, then one array per series; a task's loss is null where it was not charted. */
    synchronized ObjectNode toJson(ObjectMapper json) {
        ObjectNode out = json.createObjectNode();
        ArrayNode t = out.putArray("t");
        ArrayNode rate = out.putArray("eventsPerSecond");
        ArrayNode dead = out.putArray("deadLettersPerSecond");
        ArrayNode p50 = out.putArray("latencyP50");
        ArrayNode p99 = out.putArray("latencyP99");
        ArrayNode created = out.putArray("createdTasks");
        ArrayNode first10 = out.putArray("newTaskFirst10");
        Set<String> charted = new HashSet<>();
        Sample last = samples.peekLast();
        List<String> order = new ArrayList<>(last == null ? List.of() : last.losses().keySet());
        samples.forEach(s -> charted.addAll(s.losses().keySet()));
        charted.stream().filter(task -> !order.contains(task)).sorted().forEach(order::add);
        ObjectNode loss = out.putObject("loss");
        for (String task : order) {
            loss.putArray(task);
        }
        for (Sample s : samples) {
            t.add(s.timeMs() / 1000.0);
            rate.add(s.eventsPerSecond());
            dead.add(s.deadLettersPerSecond());
            p50.add(s.p50());
            p99.add(s.p99());
            created.add(s.createdTasks());
            first10.add(s.newTaskFirst10());
            for (String task : order) {
                ((ArrayNode) loss.get(task)).add(s.losses().get(task));
            }
        }
        return out;
    }
}
