package io.guidon.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * Each flag's fingerprint, for {@link FlagSet#changedSince}: a hash of its JSON combined with those of the segments
 * and prerequisites it references, so that a flag changes when anything its evaluation reads does. Computed in
 * post-order (what a node references first), so each print combines prints already made.
 */
final class Fingerprints {

    private Fingerprints() {
    }

    static void compute(DocumentParts parts, JsonValues json) {
        Map<String, Long> segmentPrints = new HashMap<>();
        for (String key : parts.segmentOrder) {
            long h = Fingerprint.of(json.json(parts.segmentNodes.get(key)));
            for (String dep : parts.segmentDeps.get(key)) {
                h = Fingerprint.combine(h, segmentPrints.get(dep));
            }
            segmentPrints.put(key, h);
        }
        for (String key : parts.flagOrder) {
            Flag flag = parts.flags.get(key);
            long h = Fingerprint.of(json.json(parts.flagNodes.get(key)));
            for (String dep : parts.flagSegmentDeps.get(key)) {
                h = Fingerprint.combine(h, segmentPrints.get(dep));
            }
            for (Flag.Prerequisite p : flag.prerequisites) {
                h = Fingerprint.combine(h, p.flag.fingerprint);
            }
            flag.fingerprint = h;
        }
    }
}
