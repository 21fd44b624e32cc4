package io.guidon.engine;

import java.util.List;

/** What compiling a flag document gives: the compiled set, or every problem found (then no set at all). */
public record Compilation(FlagSet flagSet, List<ValidationError> errors) {

    public Compilation {
        errors = List.copyOf(errors);
        if ((flagSet == null) == errors.isEmpty()) {
            throw new IllegalArgumentException("a compilation has either a flag set or errors");
        }
    }

    public boolean ok() {
        return flagSet != null;
    }
}
