package io.guidon.common.config;

import java.util.List;

/** The configuration is invalid; {@link #problems()} lists every problem, each naming its setting. */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
