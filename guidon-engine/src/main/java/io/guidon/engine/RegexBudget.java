package io.guidon.engine;

/**
 * The expanded size of every regular expression of one document so far, against
 * {@link FlagDocumentCompiler#MAX_DOCUMENT_REGEX_SIZE}: a bound on their compiled memory. One per compilation.
 */
final class RegexBudget {

    private long used;

    /** Whether {@code size} more instructions fit; when they do, they are counted. */
    boolean take(long size) {
        if (used + size > FlagDocumentCompiler.MAX_DOCUMENT_REGEX_SIZE) {
            return false;
        }
        used += size;
        return true;
    }
}
