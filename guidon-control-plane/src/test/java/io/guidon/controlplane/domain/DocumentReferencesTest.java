package io.guidon.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guidon.controlplane.domain.DocumentReferences.SegmentUsage;
import io.guidon.engine.FlagDocumentCompiler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which segments flags use (in nested conditions, through other segments) and which attributes a flag reads. */
class DocumentReferencesTest {

    private static JsonNode json(String text) {
        return StoredJson.parse(text.replace('\'', '"'));
    }

    /**
     * Segments: internal (rules on email), beta (uses internal), vip (uses beta), lonely (unused). Flags: checkout
     * uses beta deep in a not/any; banner uses vip and internal; plain uses none but needs checkout; split buckets
     * by companyId.
     */
    private static final JsonNode DOCUMENT = json("{'segments': {"
            + "'internal': {'rules': [{'attribute': 'email', 'op': 'endsWith', 'values': ['@guidon.io']}]},"
            + "'beta': {'included': ['u1'], 'rules': [{'any': [{'segment': 'internal'}, {'attribute': 'optIn',"
            + " 'op': 'in', 'values': [true]}]}]},"
            + "'vip': {'rules': [{'segment': 'beta'}]},"
            + "'lonely': {'included': ['u9']}},"
            + "'flags': {"
            + "'checkout': {'enabled': true, 'variants': {'on': true, 'off': false}, 'offVariant': 'off',"
            + " 'rules': [{'id': 'r1', 'when': {'all': [{'attribute': 'country', 'op': 'in', 'values': ['DE']},"
            + " {'not': {'any': [{'attribute': 'targetingKey', 'op': 'startsWith', 'values': ['bot-']},"
            + " {'segment': 'beta'}]}}]}, 'serve': {'variant': 'on'}}],"
            + " 'fallthrough': {'rollout': {'on': 10, 'off': 90}}},"
            + "'banner': {'enabled': true, 'variants': {'on': true, 'off': false}, 'offVariant': 'off',"
            + " 'rules': [{'id': 'a', 'when': {'segment': 'vip'}, 'serve': {'variant': 'on'}},"
            + " {'id': 'b', 'when': {'segment': 'internal'}, 'serve': {'variant': 'on'}}],"
            + " 'fallthrough': {'variant': 'off'}},"
            + "'plain': {'enabled': true, 'variants': {'on': true, 'off': false}, 'offVariant': 'off',"
            + " 'prerequisites': [{'flag': 'checkout', 'variant': 'on'}], 'fallthrough': {'variant': 'on'}},"
            + "'split': {'enabled': true, 'variants': {'on': true, 'off': false}, 'offVariant': 'off',"
            + " 'fallthrough': {'rollout': {'on': 50, 'off': 50}, 'bucketBy': 'companyId'}}}}");

    @Test
    void theFixtureIsAValidDocument() {
        assertThat(new FlagDocumentCompiler().compile(DOCUMENT).errors()).isEmpty();
    }

    @Test
    void aFlagsSegmentsAreFoundInNestedConditions() {
        assertThat(DocumentReferences.segmentsOfFlag(DOCUMENT.get("flags").get("checkout"))).containsExactly("beta");
        assertThat(DocumentReferences.segmentsOfFlag(DOCUMENT.get("flags").get("banner")))
                .containsExactly("vip", "internal");
        assertThat(DocumentReferences.segmentsOfFlag(DOCUMENT.get("flags").get("plain"))).isEmpty();
        assertThat(DocumentReferences.segmentsOfSegment(DOCUMENT.get("segments").get("beta")))
                .containsExactly("internal");
    }

    @Test
    void eachSegmentsUsersAreNamedDirectAndThroughOtherSegments() {
        Map<String, SegmentUsage> usage = DocumentReferences.segmentUsage(DOCUMENT);
        assertThat(usage.keySet()).containsExactly("internal", "beta", "vip", "lonely");
        assertThat(usage.get("internal")).isEqualTo(new SegmentUsage(List.of("banner"), List.of("beta"),
                List.of("checkout")));
        assertThat(usage.get("internal").allFlags()).containsExactly("banner", "checkout");
        assertThat(usage.get("beta")).isEqualTo(new SegmentUsage(List.of("checkout"), List.of("vip"),
                List.of("banner")));
        assertThat(usage.get("vip")).isEqualTo(new SegmentUsage(List.of("banner"), List.of(), List.of()));
        assertThat(usage.get("lonely").unused()).isTrue();
        assertThat(DocumentReferences.segmentUsage(json("{'flags': {}}"))).isEmpty();
    }

    @Test
    void theAttributesAFlagReadsIncludeItsSegmentsPrerequisitesAndBucketByButNotTheTargetingKey() {
        assertThat(DocumentReferences.attributesBesidesTargetingKey(DOCUMENT, "checkout"))
                .containsExactly("country", "email", "optIn");
        assertThat(DocumentReferences.attributesBesidesTargetingKey(DOCUMENT, "banner"))
                .containsExactly("email", "optIn");
        assertThat(DocumentReferences.attributesBesidesTargetingKey(DOCUMENT, "plain"))
                .as("through its prerequisite").containsExactly("country", "email", "optIn");
        assertThat(DocumentReferences.attributesBesidesTargetingKey(DOCUMENT, "split")).containsExactly("companyId");
        assertThat(DocumentReferences.attributesBesidesTargetingKey(DOCUMENT, "nope")).isEmpty();
        assertThat(DocumentReferences.attributesBesidesTargetingKey(json("{'flags': {'f': {'rules': [{'id': 'x',"
                + " 'when': {'attribute': 'targetingKey', 'op': 'in', 'values': ['a']}, 'serve': {'rollout':"
                + " {'on': 1}, 'bucketBy': 'targetingKey'}}]}}}"), "f")).isEmpty();
    }
}
