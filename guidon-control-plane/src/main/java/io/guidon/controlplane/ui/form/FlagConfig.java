package io.guidon.controlplane.ui.form;

import java.util.ArrayList;
import java.util.List;

/**
 * A flag's configuration in one environment as the flag page's editor holds it (docs/flag-format.md: enabled,
 * offVariant, prerequisites, targets, rules, fallthrough), every value as typed. {@link FlagConfigForm} converts it
 * from and to the document's JSON and the form's fields.
 */
public final class FlagConfig {

    /** A prerequisite: flag {@code flag} must serve {@code variant}. */
    public static final class Prerequisite {
        public String flag;
        public String variant;

        public Prerequisite(String flag, String variant) {
            this.flag = flag;
            this.variant = variant;
        }
    }

    /** Individual targets: the targeting keys in {@code keys} (one per line) get {@code variant}. */
    public static final class Target {
        public String variant;
        public String keys;

        public Target(String variant, String keys) {
            this.variant = variant;
            this.keys = keys;
        }
    }

    /** A rule: its id, optional description, condition and what it serves. */
    public static final class Rule {
        public String id;
        public String description;
        public Condition when;
        public Serve serve;

        public Rule(String id, String description, Condition when, Serve serve) {
            this.id = id;
            this.description = description;
            this.when = when;
            this.serve = serve;
        }

        Rule copy() {
            return new Rule(id, description, when.copy(), serve.copy());
        }
    }

    public boolean enabled;
    public String offVariant = "";
    public final List<Prerequisite> prerequisites = new ArrayList<>();
    public final List<Target> targets = new ArrayList<>();
    public final List<Rule> rules = new ArrayList<>();
    public Serve fallthrough = new Serve();

    /** A deep copy. */
    public FlagConfig copy() {
        FlagConfig c = new FlagConfig();
        c.enabled = enabled;
        c.offVariant = offVariant;
        prerequisites.forEach(p -> c.prerequisites.add(new Prerequisite(p.flag, p.variant)));
        targets.forEach(t -> c.targets.add(new Target(t.variant, t.keys)));
        rules.forEach(r -> c.rules.add(r.copy()));
        c.fallthrough = fallthrough.copy();
        return c;
    }

    /** A rule id not used by any rule yet: {@code rule-1}, {@code rule-2}, ... */
    public String freshRuleId() {
        for (int n = rules.size() + 1;; n++) {
            String id = "rule-" + n;
            if (rules.stream().noneMatch(r -> r.id.equals(id))) {
                return id;
            }
        }
    }
}
