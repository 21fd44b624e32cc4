package io.guidon.controlplane.store;

/**
 * The row lock a read takes inside a write's transaction (docs/adr/0108-admin-write-lock-order-and-retries.md).
 * {@link #CHANGE} ({@code FOR NO KEY UPDATE}) for a change of a row's data, which leaves the foreign-key checks of
 * concurrent inserts that refer to the row ({@code FOR KEY SHARE}) unblocked; {@link #DELETE} ({@code FOR UPDATE})
 * only to delete the row; {@link #KEY_SHARE} for a row a new row is about to refer to.
 */
public enum RowLock {
    /** A plain read. */
    NONE(""),
    /** {@code FOR NO KEY UPDATE}: the row's data will change, not its key. */
    CHANGE(" FOR NO KEY UPDATE"),
    /** {@code FOR UPDATE}: the row will be deleted. */
    DELETE(" FOR UPDATE"),
    /**
     * {@code FOR KEY SHARE}: a row about to be referred to by an insert (the lock the insert's foreign-key check
     * takes anyway), taken at the lookup so that a concurrent deletion either finishes first (the lookup finds
     * nothing) or waits for the insert and then sees it.
     */
    KEY_SHARE(" FOR KEY SHARE");

    final String sql;

    RowLock(String sql) {
        this.sql = sql;
    }
}
