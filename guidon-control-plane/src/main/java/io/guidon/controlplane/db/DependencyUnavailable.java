package io.guidon.controlplane.db;

/**
 * A failure of PostgreSQL or Redis that a later retry may cure, as {@link TransientFailure} classified it: the
 * domain error the layers below the API return for an outage, a full pool or a lock conflict that persisted through
 * the server's own retries. The API answers it with 503 and {@code Retry-After}; the original failure is the cause.
 */
public final class DependencyUnavailable extends RuntimeException {

    private final String dependency;
    private final TransientFailure.Kind kind;

    /**
     * @param dependency what failed, as a detail names it ("the database", "Redis")
     * @param detail what happened, a sentence without the advice to retry
     */
    public DependencyUnavailable(String dependency, TransientFailure.Kind kind, String detail, Throwable cause) {
        super(detail, cause, false, false);
        this.dependency = dependency;
        this.kind = kind;
    }

    public String dependency() {
        return dependency;
    }

    public TransientFailure.Kind kind() {
        return kind;
    }

    /** Seconds a client should wait before retrying. */
    public int retryAfterSeconds() {
        return kind.retryAfterSeconds();
    }
}
