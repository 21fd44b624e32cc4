package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTP layer's own validation places each problem exactly: text as ever, and a JSON Pointer. */
class FieldsTest {

    @Test
    void aMemberIsOneTokenEvenWhenItsNameIsNotPlain() {
        ObjectNode body = Json.object().put("key", "ok").put("a.b", 1).put("x/y", 2);
        Fields f = new Fields(body).allow("key");

        assertThat(f.errors()).extracting(FieldError::path).containsExactly("a.b", "x/y");
        assertThat(f.errors()).extracting(e -> e.pointer().toString()).containsExactly("/a.b", "/x~1y");
    }

    @Test
    void aMemberOfABodyThatTakesNoneIsRefusedSayingSoRatherThanListingNothing() {
        Fields f = new Fields(Json.object().put("x", 1)).allow();

        assertThat(f.errors()).extracting(FieldError::path).containsExactly("x");
        assertThat(f.errors()).extracting(FieldError::message)
                .containsExactly("unknown field: this request takes none (send no body, or {})");
    }

    @Test
    void anElementOfAnArrayIsPlacedByItsIndex() {
        ObjectNode body = Json.object();
        body.putArray("tags").add("fine").add("").add(3);
        Fields f = new Fields(body);

        assertThat(f.strings("tags", 10, 64)).isEqualTo(List.of("fine"));
        assertThat(f.errors()).extracting(FieldError::path).containsExactly("tags[1]", "tags[2]");
        assertThat(f.errors()).extracting(e -> e.pointer().toString()).containsExactly("/tags/1", "/tags/2");
    }

    @Test
    void doneAnswersEveryProblemInOne422() {
        Fields f = new Fields(Json.object().put("name", 5));
        f.text("name", Fields.MAX_NAME, true);
        f.error("key", "required");

        assertThatThrownBy(f::done).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.detail()).isEqualTo("2 problems; see errors");
            assertThat(e.errors()).extracting(x -> x.pointer().toString()).containsExactly("/name", "/key");
        });
    }

    @Test
    void theProblemsOfAnObjectInTheBodyArePlacedUnderItAndAreTheBodys() {
        ObjectNode body = Json.object().put("at", 5);
        body.putObject("change").put("enabled", "yes").put("a.b", 1).putArray("tags").add("");
        Fields f = new Fields(body).allow("change");
        Fields change = f.object("change").allow("enabled", "tags");
        change.bool("enabled", true);
        change.strings("tags", 10, 64);

        assertThat(f.errors()).extracting(FieldError::path)
                .containsExactly("at", "change[\"a.b\"]", "change.enabled", "change.tags[0]");
        assertThat(change.violations()).extracting(v -> v.where().toString())
                .containsExactly("/at", "/change/a.b", "/change/enabled", "/change/tags/0");
        assertThat(f.object("at")).isNull();
        assertThat(f.object("missing")).isNull();
        assertThat(f.errors()).extracting(FieldError::message).contains("must be an object, not a number",
                "required: an object");
    }
}
