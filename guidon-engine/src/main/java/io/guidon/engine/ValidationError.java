package io.guidon.engine;

/** One problem in a flag document: where it is (a JSON path such as {@code flags.a.rules[0].when.op}) and what is wrong. */
public record ValidationError(String path, String message) {
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
