package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WebhookSpecTest {

    private static final Duration TEN = Duration.ofSeconds(10);

    private static WebhookSpec.Parsed parse(String json) {
        return WebhookSpec.parse(StoredJson.parse(json), TEN);
    }

    private static Map<String, String> problems(String json) {
        Map<String, String> out = new TreeMap<>();
        for (Violation v : parse(json).violations()) {
            out.put(v.where().text(), v.message());
        }
        return out;
    }

    @Test
    void aMinimalBodyGetsItsDefaults() {
        WebhookSpec s = parse("{\"url\":\"https://hooks.example.com/g?t=1\",\"eventTypes\":[\"flag.toggled\"]}").spec();

        assertThat(s).isEqualTo(new WebhookSpec("https://hooks.example.com/g?t=1", "", List.of("flag.toggled"),
                List.of(), List.of(), true, TEN));
    }

    @Test
    void everyFieldIsRead() {
        WebhookSpec s = parse("{\"url\":\"http://h:8080/x\",\"description\":\"chat\",\"eventTypes\":[\"flag.created\","
                + "\"segment.changed\"],\"environments\":[\"production\"],\"tags\":[\"checkout\"],\"enabled\":false,"
                + "\"timeout\":\"PT30S\"}").spec();

        assertThat(s).isEqualTo(new WebhookSpec("http://h:8080/x", "chat", List.of("flag.created", "segment.changed"),
                List.of("production"), List.of("checkout"), false, Duration.ofSeconds(30)));
    }

    @Test
    void everyWrongFieldIsNamedAtItsPointerAndNothingIsRead() {
        WebhookSpec.Parsed p = parse("{\"url\":\"ftp://h/x\",\"eventTypes\":[\"flag.toggled\",\"flag.exploded\","
                + "\"flag.toggled\"],\"environments\":[\"Prod!\"],\"tags\":[\"\"],\"enabled\":\"yes\","
                + "\"timeout\":\"PT31S\",\"secret\":\"x\",\"description\":7}");

        assertThat(p.spec()).isNull();
        Map<String, String> v = new TreeMap<>();
        p.violations().forEach(x -> v.put(x.where().text(), x.message()));
        assertThat(v.keySet()).containsExactlyInAnyOrder("url", "eventTypes[1]", "eventTypes[2]", "environments[0]",
                "tags[0]", "enabled", "timeout", "secret", "description");
        assertThat(v.get("url")).contains("the scheme is 'ftp'");
        assertThat(v.get("eventTypes[1]")).contains("must be one of flag.created").contains("not 'flag.exploded'");
        assertThat(v.get("eventTypes[2]")).contains("listed twice");
        assertThat(v.get("timeout")).contains("PT1S to PT30S");
        assertThat(v.get("secret")).startsWith("unknown field");
    }

    @Test
    void urlsThatCannotBeSentToAreRefusedSayingWhy() {
        assertThat(problems("{\"eventTypes\":[\"flag.toggled\"]}").get("url")).startsWith("required");
        assertThat(problems("{\"url\":\"/relative\",\"eventTypes\":[\"flag.toggled\"]}").get("url"))
                .contains("the scheme is missing");
        assertThat(problems("{\"url\":\"https://u:p@h/x\",\"eventTypes\":[\"flag.toggled\"]}").get("url"))
                .contains("user information");
        assertThat(problems("{\"url\":\"https://h/x#f\",\"eventTypes\":[\"flag.toggled\"]}").get("url"))
                .contains("fragment");
        assertThat(problems("{\"url\":\"https:///x\",\"eventTypes\":[\"flag.toggled\"]}").get("url"))
                .contains("host is missing");
        assertThat(problems("{\"url\":\"https://h x/\",\"eventTypes\":[\"flag.toggled\"]}").get("url"))
                .contains("not a URL");
        assertThat(problems("{\"url\":\"https://h/" + "a".repeat(2048) + "\",\"eventTypes\":[\"flag.toggled\"]}")
                .get("url")).contains("at most 2048");
        assertThat(problems("{\"url\":42,\"eventTypes\":[\"flag.toggled\"]}").get("url")).contains("not 42");
    }

    private static String urlProblem(String url) {
        return problems("{\"url\":\"" + url + "\",\"eventTypes\":[\"flag.toggled\"]}").get("url");
    }

    @Test
    void aHostTheUrlCannotReadIsNamedWithWhatIsWrongWithIt() {
        assertThat(urlProblem("http://bücher.example/")).contains("'bücher.example' is an internationalized name")
                .contains("'xn--bcher-kva.example'");
        assertThat(urlProblem("http://127.1/")).contains("'127.1' is an IPv4 address in a shorthand");
        assertThat(urlProblem("http://0x7f.1/")).contains("'0x7f.1' is an IPv4 address in a shorthand, octal or"
                + " hexadecimal form");
        assertThat(urlProblem("http://127.0.0.2./")).contains("'127.0.0.2.' ends with a dot")
                .contains("('127.0.0.2')");
        assertThat(urlProblem("http://ex%61mple.com/")).contains("'ex%61mple.com' is percent-encoded");
        assertThat(urlProblem("http://a_b.example/")).contains("'a_b.example' is not a host name");
        for (String url : List.of("http://bücher.example/", "http://127.1/", "http://0x7f.1/",
                "http://127.0.0.2./", "http://ex%61mple.com/", "http://a_b.example/")) {
            assertThat(urlProblem(url)).as(url).doesNotContain("the host is missing");
        }
    }

    @Test
    void eventTypesAreRequiredAndNotEmpty() {
        assertThat(problems("{\"url\":\"https://h/\"}").get("eventTypes")).startsWith("required");
        assertThat(problems("{\"url\":\"https://h/\",\"eventTypes\":[]}").get("eventTypes"))
                .endsWith("not an empty list");
        assertThat(problems("{\"url\":\"https://h/\",\"eventTypes\":\"flag.toggled\"}").get("eventTypes"))
                .contains("non-empty list");
    }

    @Test
    void filtersHaveLimits() {
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 51; i++) {
            many.append(i == 0 ? "" : ",").append("\"e").append(i).append('"');
        }
        many.append(']');
        assertThat(problems("{\"url\":\"https://h/\",\"eventTypes\":[\"flag.toggled\"],\"environments\":" + many + "}")
                .get("environments")).contains("at most 50");
        assertThat(problems("{\"url\":\"https://h/\",\"eventTypes\":[\"flag.toggled\"],\"tags\":[\"" + "t".repeat(65)
                + "\"]}").get("tags[0]")).contains("1 to 64");
        assertThat(problems("{\"url\":\"https://h/\",\"eventTypes\":[\"flag.toggled\"],\"tags\":\"a\"}").get("tags"))
                .contains("must be a list");
    }

    @Test
    void aBodyThatIsNotAnObjectIsOneViolation() {
        JsonNode array = StoredJson.parse("[]");
        assertThat(WebhookSpec.parse(array, TEN).violations()).hasSize(1);
    }
}
