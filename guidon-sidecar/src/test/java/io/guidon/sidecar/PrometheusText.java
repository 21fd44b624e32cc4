package io.guidon.sidecar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a Prometheus text exposition, as {@code /metrics} serves it. */
public record PrometheusText(String text) {

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public record Sample(String name, Map<String, String> labels, double value) {
    }

    public List<Sample> samples(String name) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.add(new Sample(name, labels, Double.parseDouble(m.group(4))));
        }
        return out;
    }

    /**
     * The value of the one sample of {@code name} whose labels include {@code labels} (name, value pairs), or
     * {@code null} when there is none.
     */
    public Double value(String name, String... labels) {
        Sample found = null;
        for (Sample s : samples(name)) {
            boolean match = true;
            for (int i = 0; i < labels.length; i += 2) {
                match &= labels[i + 1].equals(s.labels().get(labels[i]));
            }
            if (match) {
                if (found != null) {
                    throw new AssertionError("more than one sample of " + name + " matches " + List.of(labels));
                }
                found = s;
            }
        }
        return found == null ? null : found.value();
    }

    /** {@link #value}, with 0 for a sample that does not exist (a counter never incremented). */
    public double count(String name, String... labels) {
        Double v = value(name, labels);
        return v == null ? 0 : v;
    }
}
