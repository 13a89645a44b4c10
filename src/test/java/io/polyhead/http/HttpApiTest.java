package io.polyhead.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.polyhead.event.Event;
import io.polyhead.event.TaskType;
import io.polyhead.model.LearnerConfig;
import io.polyhead.model.MultiTaskLearner;
import io.polyhead.model.ReplicaGroup;
import io.polyhead.observe.LearningWatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTP port on its own (no Kafka Streams yet, as while an instance starts): answers, errors, odd task ids. */
class HttpApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void answersWhileKafkaStreamsIsNotThereAndSaysWhatIsWrongWithARequest() throws Exception {
        ReplicaGroup group = new ReplicaGroup();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LearningWatch watch = new LearningWatch(group, 5).bindTo(registry);
        MultiTaskLearner learner = new MultiTaskLearner(LearnerConfig.defaults().toBuilder().hidden(4).build(), group);
        List<Event> events = new ArrayList<>();
        for (String task : List.of("c++", "50%off", "a b")) {
            events.add(new Event(task, null, new float[] {1, 2}, 1.0, TaskType.BINARY, null, 1L));
        }
        events.forEach(e -> assertNull(learner.admit(e)));
        watch.batch("0_0", events, learner.learn(events), learner, 1000);
        HttpClient http = HttpClient.newHttpClient();
        try (HttpApi api = HttpApi.bind("127.0.0.1", 0).serve(registry, watch, () -> null, "127.0.0.1:1")) {
            String base = "http://127.0.0.1:" + api.port() + "/";
            HttpResponse<String> health = get(http, base + "health");
            assertEquals(503, health.statusCode(), "not ready while Kafka Streams is not running");
            assertEquals("STARTING", JSON.readTree(health.body()).path("streams").asText());
            HttpResponse<String> model = get(http, base + "api/model");
            assertEquals(200, model.statusCode(), model.body());
            assertEquals(0, JSON.readTree(model.body()).path("instances").size());
            HttpResponse<String> bad = get(http, base + "api/tasks?limit=x");
            assertEquals(400, bad.statusCode(), "an answer, not a dropped connection");
            assertTrue(bad.body().contains("limit must be a number. Got: x"), bad.body());
            for (String[] t : new String[][] {{"c%2B%2B", "c++"}, {"50%25off", "50%off"}, {"a%20b", "a b"}}) {
                HttpResponse<String> one = get(http, base + "api/tasks/" + t[0]);
                assertEquals(200, one.statusCode(), t[1] + ": " + one.body());
                assertEquals(t[1], JSON.readTree(one.body()).path("task").asText());
            }
            JsonNode all = JSON.readTree(get(http, base + "api/tasks").body());
            assertEquals(3, all.path("count").asInt(), all.toString());
            assertEquals(404, get(http, base + "nope").statusCode());
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
