package io.guidon.openfeature;

import io.guidon.engine.Compilation;
import io.guidon.engine.ValidationError;
import java.util.List;

/** Messages about flag documents that do not compile. */
final class Documents {

    private Documents() {
    }

    /** "{@code what} does not compile (N problems): first; second; third …". */
    static String problems(String what, Compilation c) {
        List<ValidationError> errors = c.errors();
        StringBuilder sb = new StringBuilder(what).append(" does not compile (").append(errors.size())
                .append(errors.size() == 1 ? " problem): " : " problems): ");
        for (int i = 0; i < Math.min(3, errors.size()); i++) {
            if (i > 0) {
                sb.append("; ");
            }
            sb.append(errors.get(i));
        }
        if (errors.size() > 3) {
            sb.append("; …");
        }
        return sb.toString();
    }
}
