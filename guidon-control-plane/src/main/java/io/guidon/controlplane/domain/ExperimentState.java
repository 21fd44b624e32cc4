package io.guidon.controlplane.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An experiment's results kept up to date as events arrive (docs/adr/0124-experiment-state.md): each exposed user's
 * state ({@link User}: first exposure, variant, per-metric amounts) and the per-arm sums of those amounts
 * ({@link Totals}), folded from the events received since the last fold ({@link #fold}). Pure: what it reads and
 * writes goes through {@link Store}.
 *
 * <p>The amounts are those of {@code AnalysisQuery} (docs/experiments.md "Attribution"), for an as-of instant at or
 * after every event: a user's first exposure is the earliest in {@code [start, end)}, mixed when exposed to more than
 * one variant; metric {@code i}'s amount {@code x[i]} counts the metric's events in {@code [first, first + window)}
 * (and before the end): 1 when any for a proportion, else their count or the sum of their values; {@code y[i]} a
 * ratio's denominator likewise; {@code p[i]} CUPED's pre-exposure amount over {@code [first − cuped, first)}. Caps
 * are not applied here: they depend on all users (a percentile) and are applied when the sums are read.
 *
 * <p>Why folding is exact whatever the order events arrive in: an exposure only ever moves a user's first exposure
 * earlier or marks them mixed; a user whose first exposure is new or moved gets all amounts recomputed from their own
 * raw conversions ({@link Store#conversions}, which holds every event folded in this transaction and before), and is
 * not incremented again in the same fold; any other user's conversion is added to their amounts, once, since each
 * pending event is consumed exactly once by the fold that reads it (the caller reads pending events and raw events in
 * one snapshot and deletes the pending ones it read).
 */
public final class ExperimentState {

    private ExperimentState() {
    }

    /** Sums kept per metric and arm, in this order (after the converters' count). */
    static final int SX = 0;
    static final int SXX = 1;
    static final int SY = 2;
    static final int SYY = 3;
    static final int SXY = 4;
    static final int SP = 5;
    static final int SPP = 6;
    static final int SXP = 7;
    static final int WIDTH = 8;

    /**
     * An exposed user.
     *
     * @param variant the variant of the user's exposures (the least by text order when mixed)
     * @param mixed exposed to more than one variant: excluded from the analysis
     * @param x per metric (plan order) the amount after exposure, uncapped
     * @param y per metric a ratio's denominator amount (0 for other kinds)
     * @param p per metric CUPED's pre-exposure amount (0 without CUPED or for a ratio)
     */
    public record User(String key, OffsetDateTime firstAt, String variant, boolean mixed, double[] x, double[] y,
            double[] p) {

        /** The arm the user counts in: their variant, or null when mixed (excluded). */
        public String arm() {
            return mixed ? null : variant;
        }
    }

    /**
     * A pending event: an exposure ({@code variant} set) or a conversion ({@code event} and maybe {@code value}).
     */
    public record Event(boolean exposure, OffsetDateTime at, String key, String variant, String event, Double value) {

        public static Event exposure(OffsetDateTime at, String key, String variant) {
            return new Event(true, at, key, variant, null, null);
        }

        public static Event conversion(OffsetDateTime at, String key, String event, Double value) {
            return new Event(false, at, key, null, event, value);
        }
    }

    /** What a fold reads and writes; calls may block (a virtual thread). */
    public interface Store {

        /** The stored users among {@code keys} (absent: never exposed). */
        Map<String, User> users(Set<String> keys);

        /**
         * The raw conversions of {@code keys} for the plan's metric events from {@code start − cuped} to the end,
         * every one stored so far (including those of the events being folded).
         */
        Map<String, List<Event>> conversions(Set<String> keys);
    }

    /** A user changed by a fold: {@code before} null for a new user. */
    public record Change(User before, User after) {
    }

    /**
     * What a fold changed.
     *
     * @param users the users to write (their new state)
     * @param latest the time of the latest event folded (in the experiment's window), null when none
     */
    public record Folded(List<User> users, OffsetDateTime latest) {
    }

    /** Folds pending events into the users and {@code totals} (changed in place). */
    public static Folded fold(AnalysisPlan plan, List<Event> pending, Store store, Totals totals) {
        OffsetDateTime latest = null;
        Map<String, OffsetDateTime> firstSeen = new HashMap<>();
        Map<String, String> minVariant = new HashMap<>();
        Map<String, String> maxVariant = new HashMap<>();
        Map<String, List<Event>> conversions = new HashMap<>();
        for (Event e : pending) {
            if (!counted(plan, e)) {
                continue;
            }
            latest = latest == null || e.at().isAfter(latest) ? e.at() : latest;
            if (e.exposure()) {
                firstSeen.merge(e.key(), e.at(), (a, b) -> a.isBefore(b) ? a : b);
                minVariant.merge(e.key(), e.variant(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
                maxVariant.merge(e.key(), e.variant(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
            } else {
                conversions.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
            }
        }
        Set<String> keys = new HashSet<>(firstSeen.keySet());
        keys.addAll(conversions.keySet());
        Map<String, User> stored = keys.isEmpty() ? Map.of() : store.users(keys);
        Map<String, User> changed = new LinkedHashMap<>();
        Map<String, User> before = new HashMap<>();
        Set<String> recompute = new HashSet<>();
        for (Map.Entry<String, OffsetDateTime> s : firstSeen.entrySet()) {
            String key = s.getKey();
            User old = stored.get(key);
            String lo = minVariant.get(key);
            String hi = maxVariant.get(key);
            if (old == null) {
                changed.put(key, new User(key, s.getValue(), lo, !lo.equals(hi), null, null, null));
                recompute.add(key);
                continue;
            }
            boolean earlier = s.getValue().isBefore(old.firstAt());
            String variant = lo.compareTo(old.variant()) < 0 ? lo : old.variant();
            boolean mixed = old.mixed() || !lo.equals(hi) || !lo.equals(old.variant());
            if (!earlier && mixed == old.mixed() && variant.equals(old.variant())) {
                continue;
            }
            before.put(key, old);
            changed.put(key, new User(key, earlier ? s.getValue() : old.firstAt(), variant, mixed, old.x(), old.y(),
                    old.p()));
            if (earlier) {
                recompute.add(key);
            }
        }
        if (!recompute.isEmpty()) {
            Map<String, List<Event>> raw = store.conversions(recompute);
            for (String key : recompute) {
                User u = changed.get(key);
                double[][] a = amounts(plan, u.firstAt(), raw.getOrDefault(key, List.of()));
                changed.put(key, new User(key, u.firstAt(), u.variant(), u.mixed(), a[0], a[1], a[2]));
            }
        }
        for (Map.Entry<String, List<Event>> c : conversions.entrySet()) {
            String key = c.getKey();
            if (recompute.contains(key)) {
                continue;
            }
            User u = changed.containsKey(key) ? changed.get(key) : stored.get(key);
            if (u == null) {
                continue;
            }
            double[] x = u.x().clone();
            double[] y = u.y().clone();
            double[] p = u.p().clone();
            boolean any = false;
            for (Event e : c.getValue()) {
                any |= add(plan, u.firstAt(), e, x, y, p);
            }
            if (any) {
                before.putIfAbsent(key, stored.get(key));
                changed.put(key, new User(key, u.firstAt(), u.variant(), u.mixed(), x, y, p));
            }
        }
        List<User> out = new ArrayList<>(changed.size());
        for (User u : changed.values()) {
            User old = before.containsKey(u.key()) ? before.get(u.key()) : stored.get(u.key());
            if (old != null) {
                totals.add(plan, old, -1);
            }
            totals.add(plan, u, 1);
            out.add(u);
        }
        return new Folded(out, latest);
    }

    /** Whether an event is in the experiment's window: exposures in {@code [start, end)}, conversions before the end. */
    private static boolean counted(AnalysisPlan plan, Event e) {
        if (plan.endAt() != null && !e.at().isBefore(plan.endAt())) {
            return false;
        }
        return !e.exposure() || !e.at().isBefore(plan.startAt());
    }

    /** A user's amounts {@code {x, y, p}} from all their conversions, for a first exposure at {@code first}. */
    public static double[][] amounts(AnalysisPlan plan, OffsetDateTime first, List<Event> conversions) {
        int n = plan.metrics().size();
        double[] x = new double[n];
        double[] y = new double[n];
        double[] p = new double[n];
        for (Event e : conversions) {
            if (plan.endAt() == null || e.at().isBefore(plan.endAt())) {
                add(plan, first, e, x, y, p);
            }
        }
        return new double[][] {x, y, p};
    }

    /** Adds one conversion to a user's amounts; whether it counted for any metric. */
    private static boolean add(AnalysisPlan plan, OffsetDateTime first, Event e, double[] x, double[] y, double[] p) {
        boolean any = false;
        boolean after = !e.at().isBefore(first);
        Long cuped = plan.cupedSeconds();
        boolean pre = cuped != null && !after && !e.at().isBefore(first.minusSeconds(cuped));
        for (int i = 0; i < plan.metrics().size(); i++) {
            AnalysisPlan.Metric m = plan.metrics().get(i);
            boolean inWindow = after && (m.windowSeconds() == null
                    || e.at().isBefore(first.plusSeconds(m.windowSeconds())));
            if (inWindow && m.event().equals(e.event())) {
                x[i] = amount(m.kind(), m.fromValue(), x[i], e.value());
                any = true;
            }
            if (inWindow && m.kind() == AnalysisPlan.Kind.RATIO && m.denominatorEvent().equals(e.event())) {
                y[i] = amount(m.kind(), m.denominatorFromValue(), y[i], e.value());
                any = true;
            }
            if (pre && m.kind() != AnalysisPlan.Kind.RATIO && m.event().equals(e.event())) {
                p[i] = amount(m.kind(), m.fromValue(), p[i], e.value());
                any = true;
            }
        }
        return any;
    }

    private static double amount(AnalysisPlan.Kind kind, boolean fromValue, double sum, Double value) {
        if (kind == AnalysisPlan.Kind.PROPORTION) {
            return 1;
        }
        return fromValue ? sum + (value == null ? 0 : value) : sum + 1;
    }

    /**
     * Per arm (a variant, of the experiment or not) its users and per metric the converters and the sums of the
     * users' uncapped amounts; and the excluded (mixed) users. Mutable: changed by {@link #fold}.
     */
    public static final class Totals {

        private long excluded;
        private final Map<String, Arm> arms = new LinkedHashMap<>();

        /** One arm's users and sums. */
        static final class Arm {
            long n;
            final long[] converters;
            final double[][] sums;

            Arm(int metrics) {
                converters = new long[metrics];
                sums = new double[metrics][WIDTH];
            }
        }

        /** The excluded users. */
        public long excluded() {
            return excluded;
        }

        /** The users of {@code arm}. */
        public long users(String arm) {
            Arm a = arms.get(arm);
            return a == null ? 0 : a.n;
        }

        /** The users of {@code arm} whose amount of metric {@code metric} (plan order) is above zero. */
        public long converters(String arm, int metric) {
            Arm a = arms.get(arm);
            return a == null ? 0 : a.converters[metric];
        }

        /** Adds ({@code sign} 1) or removes (−1) a user's contribution. */
        public void add(AnalysisPlan plan, User u, int sign) {
            if (u.arm() == null) {
                excluded += sign;
                return;
            }
            int metrics = plan.metrics().size();
            Arm a = arms.computeIfAbsent(u.arm(), k -> new Arm(metrics));
            a.n += sign;
            for (int i = 0; i < metrics; i++) {
                double x = u.x()[i];
                double y = u.y()[i];
                double p = u.p()[i];
                if (x > 0) {
                    a.converters[i] += sign;
                }
                double[] s = a.sums[i];
                s[SX] += sign * x;
                s[SXX] += sign * x * x;
                s[SY] += sign * y;
                s[SYY] += sign * y * y;
                s[SXY] += sign * x * y;
                s[SP] += sign * p;
                s[SPP] += sign * p * p;
                s[SXP] += sign * x * p;
            }
        }

        /** Sets an arm's figures (read back from storage or from the database's aggregate). */
        public void put(String arm, long n, long[] converters, double[][] sums) {
            Arm a = new Arm(converters.length);
            a.n = n;
            System.arraycopy(converters, 0, a.converters, 0, converters.length);
            for (int i = 0; i < sums.length; i++) {
                System.arraycopy(sums[i], 0, a.sums[i], 0, WIDTH);
            }
            arms.put(arm, a);
        }

        /** Sets the excluded users. */
        public void excluded(long n) {
            excluded = n;
        }

        /**
         * The analysis' sums of the experiment's variants, with each capped metric's figures corrected by
         * {@code caps} (the caps and the sums over the users above them, {@link CapCorrection}).
         */
        public AnalysisSums sums(AnalysisPlan plan, Map<String, CapCorrection> caps) {
            Map<String, Long> users = new LinkedHashMap<>();
            Map<String, Map<String, AnalysisSums.Sums>> metrics = new LinkedHashMap<>();
            for (AnalysisPlan.Metric m : plan.metrics()) {
                metrics.put(m.key(), new LinkedHashMap<>());
            }
            for (String variant : plan.variantKeys()) {
                Arm a = arms.get(variant);
                users.put(variant, a == null ? 0 : a.n);
                if (a == null || a.n == 0) {
                    continue;
                }
                for (int i = 0; i < plan.metrics().size(); i++) {
                    AnalysisPlan.Metric m = plan.metrics().get(i);
                    boolean ratio = m.kind() == AnalysisPlan.Kind.RATIO;
                    boolean cuped = plan.cupedSeconds() != null && !ratio;
                    double[] s = a.sums[i].clone();
                    long converters = a.converters[i];
                    CapCorrection cap = caps.get(m.key());
                    Double bound = null;
                    if (cap != null) {
                        bound = cap.cap();
                        double[] d = cap.deltas().get(variant);
                        if (d != null) {
                            converters += Math.round(d[WIDTH]);
                            for (int k = 0; k < WIDTH; k++) {
                                s[k] += d[k];
                            }
                        }
                    }
                    metrics.get(m.key()).put(variant, new AnalysisSums.Sums(a.n, converters, s[SX], s[SXX],
                            ratio ? s[SY] : 0, ratio ? s[SYY] : 0, ratio ? s[SXY] : 0, cuped ? s[SP] : 0,
                            cuped ? s[SPP] : 0, cuped ? s[SXP] : 0, bound));
                }
            }
            return new AnalysisSums(users, excluded, metrics, plan.definitionVersion());
        }

        /** As stored: {@code {"excluded": n, "arms": {"v": {"n": n, "converters": [..], "sums": [[8 sums], ..]}}}}. */
        public ObjectNode toJson() {
            ObjectNode root = StoredJson.NODES.objectNode();
            root.put("excluded", excluded);
            ObjectNode as = root.putObject("arms");
            arms.forEach((k, a) -> {
                ObjectNode o = as.putObject(k);
                o.put("n", a.n);
                ArrayNode c = o.putArray("converters");
                for (long v : a.converters) {
                    c.add(v);
                }
                ArrayNode ss = o.putArray("sums");
                for (double[] s : a.sums) {
                    ArrayNode row = ss.addArray();
                    for (double v : s) {
                        row.add(v);
                    }
                }
            });
            return root;
        }

        /** Reads {@link #toJson()}'s form. */
        public static Totals fromJson(JsonNode root) {
            Totals t = new Totals();
            t.excluded = root.path("excluded").asLong();
            root.path("arms").properties().forEach(e -> {
                JsonNode o = e.getValue();
                int metrics = o.path("converters").size();
                long[] converters = new long[metrics];
                double[][] sums = new double[metrics][WIDTH];
                for (int i = 0; i < metrics; i++) {
                    converters[i] = o.path("converters").get(i).asLong();
                    for (int k = 0; k < WIDTH; k++) {
                        sums[i][k] = o.path("sums").get(i).get(k).asDouble();
                    }
                }
                t.put(e.getKey(), o.path("n").asLong(), converters, sums);
            });
            return t;
        }
    }

    /**
     * A capped metric's cap and, per variant, what capping changes in its sums: {@code deltas[v][k]} is added to sum
     * {@code k} (the order of {@link Totals}: Σx, Σx², Σy, Σy², Σxy, Σp, Σp², Σxp) and {@code deltas[v][8]} to the
     * converters; computed over the users whose amount or pre-exposure amount is above the cap (the only ones it
     * changes).
     *
     * @param cap the bound (a percentile's value over the analysed users, or the fixed bound); null when there is
     *     no user to take a percentile of
     */
    public record CapCorrection(Double cap, Map<String, double[]> deltas) {
    }

    /** The width of a {@link CapCorrection} delta row: the eight sums and the converters. */
    public static final int CORRECTION_WIDTH = WIDTH + 1;
}
