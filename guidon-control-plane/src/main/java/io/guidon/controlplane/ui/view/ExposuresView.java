package io.guidon.controlplane.ui.view;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.domain.StoredJson;
import io.guidon.controlplane.events.DailyTotals;
import io.guidon.controlplane.events.ExposureReports;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The exposures page of a flag: the environment and range chosen (and those offered), and the evaluations and
 * exposures per variant on each UTC day of the range, as a table (every day, zeros included) and as the chart's
 * data ({@link #chartJson()}, read by {@code exposures.js} from a {@code data-} attribute).
 *
 * @param variants the flag's variants in their declared order, then any other variant that has events, sorted
 * @param rows one per day of the range, oldest first
 * @param totals per variant, in the order of {@code variants}
 * @param problem what is wrong with the query (null: nothing), shown next to the range
 */
public record ExposuresView(Shell shell, String flag, List<String> environments, String environment, int days,
        List<Integer> dayChoices, LocalDate from, LocalDate to, List<String> variants, List<Row> rows,
        List<Cell> totals, String problem) {

    /** One day: its evaluations and exposures per variant (in the order of {@link #variants()}). */
    public record Row(LocalDate day, List<Cell> cells) {
    }

    /** The evaluations and exposures of one variant. */
    public record Cell(long evaluations, long exposures) {
    }

    /** The ranges offered, in days (those beyond {@code events.max-query-days} are left out). */
    public static final List<Integer> DAY_CHOICES = List.of(7, 14, 30, 90);
    /** The range shown when the query names none. */
    public static final int DEFAULT_DAYS = 30;

    /** The page of {@code report}, which covers {@code days} days. */
    public static ExposuresView of(Shell shell, ExposureReports.Report report, List<String> environments, int days,
            List<Integer> dayChoices) {
        List<String> variants = new ArrayList<>();
        if (report.flag().variants() != null) {
            for (Iterator<String> it = report.flag().variants().fieldNames(); it.hasNext();) {
                variants.add(it.next());
            }
        }
        TreeSet<String> others = new TreeSet<>();
        for (DailyTotals.Day d : report.days()) {
            if (!variants.contains(d.variant())) {
                others.add(d.variant());
            }
        }
        variants.addAll(others);
        Map<LocalDate, long[][]> byDay = new LinkedHashMap<>();
        for (LocalDate d = report.from(); !d.isAfter(report.to()); d = d.plusDays(1)) {
            byDay.put(d, new long[variants.size()][2]);
        }
        long[][] sums = new long[variants.size()][2];
        for (DailyTotals.Day d : report.days()) {
            long[][] cells = byDay.get(d.day());
            int v = variants.indexOf(d.variant());
            if (cells != null) {
                cells[v][0] += d.evaluations();
                cells[v][1] += d.exposures();
            }
            sums[v][0] += d.evaluations();
            sums[v][1] += d.exposures();
        }
        List<Row> rows = new ArrayList<>(byDay.size());
        byDay.forEach((day, cells) -> rows.add(new Row(day, cells(cells))));
        return new ExposuresView(shell, report.flag().key(), environments, report.environment().key(), days,
                dayChoices, report.from(), report.to(), List.copyOf(variants), List.copyOf(rows), cells(sums), null);
    }

    /** The page of a query that is not valid: the form with {@code problem}, no numbers. */
    public static ExposuresView refused(Shell shell, String flag, List<String> environments, String environment,
            List<Integer> dayChoices, String problem) {
        return new ExposuresView(shell, flag, environments, environment, DEFAULT_DAYS, dayChoices, null, null,
                List.of(), List.of(), List.of(), problem);
    }

    private static List<Cell> cells(long[][] values) {
        List<Cell> out = new ArrayList<>(values.length);
        for (long[] v : values) {
            out.add(new Cell(v[0], v[1]));
        }
        return List.copyOf(out);
    }

    /** Whether the range has no evaluation and no exposure at all. */
    public boolean empty() {
        for (Cell c : totals) {
            if (c.evaluations() != 0 || c.exposures() != 0) {
                return false;
            }
        }
        return true;
    }

    /** The evaluations of every variant over the range. */
    public long totalEvaluations() {
        return totals.stream().mapToLong(Cell::evaluations).sum();
    }

    /** The exposures of every variant over the range. */
    public long totalExposures() {
        return totals.stream().mapToLong(Cell::exposures).sum();
    }

    /**
     * The chart's data: {@code {"labels": [days], "variants": [{"name", "evaluations": [...], "exposures":
     * [...]}]}}, one value per day of the range.
     */
    public String chartJson() {
        ObjectNode o = StoredJson.object();
        ArrayNode labels = o.putArray("labels");
        rows.forEach(r -> labels.add(r.day().toString()));
        ArrayNode list = o.putArray("variants");
        for (int v = 0; v < variants.size(); v++) {
            ObjectNode variant = list.addObject();
            variant.put("name", variants.get(v));
            ArrayNode evaluations = variant.putArray("evaluations");
            ArrayNode exposures = variant.putArray("exposures");
            for (Row r : rows) {
                evaluations.add(r.cells().get(v).evaluations());
                exposures.add(r.cells().get(v).exposures());
            }
        }
        return StoredJson.write(o);
    }

    /** The URL of this page for environment {@code env} and {@code range} days. */
    public String url(String env, int range) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("env", env);
        params.put("days", String.valueOf(range));
        return Links.withQuery(Links.flag(flag) + "/exposures", params);
    }

    /** A count as shown, with thousands separators ({@code 12,345}). */
    public static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }
}
