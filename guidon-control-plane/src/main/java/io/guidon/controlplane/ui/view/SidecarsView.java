package io.guidon.controlplane.ui.view;

import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.SidecarSighting;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sidecars page: per environment of the tenant (every one, in key order), its current document version and
 * the sidecar instances (and in-process providers) that fetched its flags recently, last seen first, each with
 * the version it holds against the current one ("up to date" or "N versions behind") and when it was last seen;
 * so an admin can tell whether a change has reached the fleet.
 *
 * @param asOf when the page was read, {@code 12:00:03 UTC}
 * @param shown how many sightings the page lists; {@code total} how many there are (more than shown: the oldest
 *        were left out)
 */
public record SidecarsView(Shell shell, String asOf, List<Fleet> environments, int shown, long total) {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** One environment: its version and its sidecars. */
    public record Fleet(String key, String name, boolean protectedEnvironment, long version, List<Row> sidecars) {

        /** How many of its sidecars hold its current version. */
        public long upToDate() {
            return sidecars.stream().filter(Row::upToDate).count();
        }

        /** How many hold an older one. */
        public long behind() {
            return sidecars.size() - upToDate();
        }

        /** The summary line: "2 sidecars: all up to date", "3 sidecars: 1 up to date, 2 behind". */
        public String summary() {
            if (sidecars.isEmpty()) {
                return "No sidecar fetched this environment's flags recently.";
            }
            String count = sidecars.size() == 1 ? "1 sidecar" : sidecars.size() + " sidecars";
            if (behind() == 0) {
                return count + (sidecars.size() == 1 ? ": up to date." : ": all up to date.");
            }
            if (upToDate() == 0) {
                return count + (sidecars.size() == 1 ? ": behind." : ": all behind.");
            }
            return count + ": " + upToDate() + " up to date, " + behind() + " behind.";
        }

        /** The CSS class of the summary: {@code fleet-ok}, {@code fleet-behind} or {@code fleet-none}. */
        public String state() {
            return sidecars.isEmpty() ? "fleet-none" : behind() == 0 ? "fleet-ok" : "fleet-behind";
        }
    }

    /**
     * One instance.
     *
     * @param client what it is, from its User-Agent ("sidecar 0.1.0", "OpenFeature provider 0.1.0", or the header
     *        as sent)
     * @param behindBy how many versions behind the environment's (0: up to date; negative cannot happen but is
     *        shown as it is)
     * @param lastSeenAgo how long ago it was last seen, in words ("12 s ago")
     */
    public record Row(String instance, String client, String keyName, String address, long version, long behindBy,
            String lastSeenAgo, String lastSeen, String lastSeenIso, String firstSeen) {

        public boolean upToDate() {
            return behindBy == 0;
        }

        /** The status in words: "up to date", "1 version behind", "N versions behind". */
        public String status() {
            if (behindBy == 0) {
                return "up to date";
            }
            if (behindBy < 0) {
                return "ahead of the environment (version " + version + ")";
            }
            return behindBy == 1 ? "1 version behind" : behindBy + " versions behind";
        }
    }

    /** The page of {@code environments} (every one of the tenant) and the {@code sightings} read at {@code now}. */
    public static SidecarsView of(Shell shell, Instant now, List<Environment> environments,
            List<SidecarSighting> sightings, long total) {
        Map<String, List<Row>> byEnvironment = new LinkedHashMap<>();
        for (Environment e : environments) {
            byEnvironment.put(e.key(), new ArrayList<>());
        }
        for (SidecarSighting s : sightings) {
            byEnvironment.computeIfAbsent(s.environment(), k -> new ArrayList<>()).add(row(now, s));
        }
        List<Fleet> fleets = new ArrayList<>();
        for (Environment e : environments) {
            fleets.add(new Fleet(e.key(), e.name(), e.protectedEnvironment(), e.version(),
                    List.copyOf(byEnvironment.get(e.key()))));
        }
        return new SidecarsView(shell, TIME.format(now), List.copyOf(fleets), sightings.size(), total);
    }

    static Row row(Instant now, SidecarSighting s) {
        Instant last = s.lastSeen().toInstant();
        return new Row(s.instance(), client(s.userAgent()), s.keyName(), s.address(), s.version(),
                s.environmentVersion() - s.version(), ago(Duration.between(last, now)), AT.format(last),
                last.toString(), AT.format(s.firstSeen().toInstant()));
    }

    /** What a User-Agent says the client is, for people. */
    static String client(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return "unknown client";
        }
        int slash = userAgent.indexOf('/');
        String product = slash < 0 ? userAgent : userAgent.substring(0, slash);
        String version = slash < 0 ? "" : " " + userAgent.substring(slash + 1).split(" ", 2)[0];
        return switch (product) {
            case "guidon-sidecar" -> "sidecar" + version;
            case "guidon-openfeature" -> "OpenFeature provider" + version;
            default -> userAgent;
        };
    }

    /** A duration in words, to the largest unit: "just now", "12 s ago", "3 min ago", "2 h ago", "4 d ago". */
    static String ago(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 2) {
            return "just now";
        }
        if (s < 60) {
            return s + " s ago";
        }
        if (s < 3600) {
            return s / 60 + " min ago";
        }
        if (s < 86_400) {
            return s / 3600 + " h ago";
        }
        return s / 86_400 + " d ago";
    }
}
