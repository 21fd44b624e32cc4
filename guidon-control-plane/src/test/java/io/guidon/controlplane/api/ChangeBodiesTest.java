package io.guidon.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.ProposedChange;
import io.guidon.controlplane.domain.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One reading of a change per kind, for the direct routes' bodies and for kept changes ({@code {"kind": ...}}): the
 * change exactly as written, and each of the request's problems at its place.
 */
class ChangeBodiesTest {

    private static ObjectNode json(String text) {
        return (ObjectNode) Json.parse(text);
    }

    private static List<String> places(ChangeBodies.Read read) {
        return read.violations().stream().map(v -> v.where().text() + ": " + v.message()).toList();
    }

    @Test
    void aKeptToggleIsItsKindAndItsDirectRoutesBody() {
        ChangeBodies.Read read = ChangeBodies.change(new Fields(json("{\"kind\": \"flag.toggle\", \"enabled\": true}")),
                "production", "checkout");
        assertThat(read.violations()).isEmpty();
        assertThat(read.change()).isEqualTo(new ProposedChange.Toggle("production", "checkout", true));
        assertThat(ChangeBodies.kinds()).containsExactly("flag.toggle", "flag.rollout", "flag.configure");
    }

    @Test
    void aRolloutKeepsItsVariantsInOrderAndItsNumbersAsWritten() {
        ChangeBodies.Read read = ChangeBodies.body("flag.rollout",
                new Fields(json("{\"rollout\": {\"off\": 75.50, \"on\": 24.5}, \"bucketBy\": \"companyId\"}")),
                "production", "checkout");
        assertThat(read.violations()).isEmpty();
        ProposedChange.Rollout r = (ProposedChange.Rollout) read.change();
        assertThat(r.percentage()).isNull();
        assertThat(r.bucketBy()).isEqualTo("companyId");
        assertThat(r.toJson().toString()).isEqualTo("{\"kind\":\"flag.rollout\",\"environment\":\"production\","
                + "\"flag\":\"checkout\",\"rollout\":{\"off\":75.50,\"on\":24.5},\"bucketBy\":\"companyId\"}");
    }

    @Test
    void aRolloutWithNothingToApplyIsNoChangeAndSaysWhy() {
        ChangeBodies.Read both = ChangeBodies.body("flag.rollout",
                new Fields(json("{\"percentage\": 10, \"rollout\": {\"on\": 10, \"off\": 90}}")), "p", "f");
        assertThat(both.change()).isNull();
        assertThat(places(both)).singleElement().asString().startsWith("percentage: give exactly one of");

        ChangeBodies.Read tooPrecise = ChangeBodies.body("flag.rollout",
                new Fields(json("{\"percentage\": 10.00000000000000001, \"bucketBy\": 3}")), "p", "f");
        assertThat(tooPrecise.change()).isNull();
        assertThat(places(tooPrecise)).hasSize(2).anySatisfy(p -> assertThat(p).startsWith("percentage: "))
                .anySatisfy(p -> assertThat(p).isEqualTo("bucketBy: must be an attribute name, not a number"));
    }

    @Test
    void aConfigurationIsItsFieldsWithMarkupInARuleDescriptionRefusedWhereItIs() {
        ChangeBodies.Read read = ChangeBodies.change(new Fields(json("{\"kind\": \"flag.configure\", \"enabled\":"
                + " true, \"offVariant\": \"off\", \"rules\": [{\"description\": \"<b>x</b>\"}], \"fallthrough\":"
                + " {\"variant\": \"on\"}}")), "production", "checkout");
        ProposedChange.Configure c = (ProposedChange.Configure) read.change();
        assertThat(c.config().toString()).isEqualTo("{\"enabled\":true,\"offVariant\":\"off\",\"rules\":"
                + "[{\"description\":\"<b>x</b>\"}],\"fallthrough\":{\"variant\":\"on\"}}");
        assertThat(read.violations()).extracting(v -> v.where().text()).containsExactly("rules[0].description");
    }

    @Test
    void aKeptChangeInsideABodyIsPlacedUnderItsMemberWithAnUnknownOrMissingKindSaid() {
        Fields body = new Fields(json("{\"at\": 1, \"change\": {\"kind\": \"flag.toggle\", \"enabled\": 1,"
                + " \"percentage\": 5}}"));
        body.error("at", "not a time");
        ChangeBodies.Read read = ChangeBodies.change(body.object("change"), "p", "f");
        assertThat(read.change()).isNull();
        assertThat(read.violations()).extracting(Violation::where).extracting(Object::toString)
                .containsExactly("/at", "/change/percentage", "/change/enabled");

        ChangeBodies.Read unknown = ChangeBodies.change(new Fields(json("{\"kind\": \"flag.explode\"}")), "p", "f");
        assertThat(places(unknown)).containsExactly("kind: must be one of flag.toggle, flag.rollout, flag.configure,"
                + " not 'flag.explode'");
        assertThat(places(ChangeBodies.change(new Fields(json("{\"enabled\": true}")), "p", "f")))
                .containsExactly("kind: required: one of flag.toggle, flag.rollout, flag.configure");
        assertThat(places(ChangeBodies.change(new Fields(json("{\"kind\": 3}")), "p", "f")))
                .containsExactly("kind: must be one of flag.toggle, flag.rollout, flag.configure, not a number");
    }

    @Test
    void aDirectRouteMayAllowMoreMembersAndOnlyKnownKindsHaveOne() {
        ChangeBodies.Read read = ChangeBodies.body("flag.configure", new Fields(json("{\"enabled\": false,"
                + " \"revision\": 3, \"colour\": \"red\"}")), "p", "f", "revision");
        assertThat(places(read)).singleElement().asString().startsWith("colour: unknown field (allowed: ");
        assertThatThrownBy(() -> ChangeBodies.body("flag.explode", new Fields(json("{}")), "p", "f"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
