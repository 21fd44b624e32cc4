package io.guidon.controlplane.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/** The {@code tenants} table: SQL only. Tenants are made by {@code guidon admin bootstrap}, never by the API. */
public final class TenantRepository {

    /** The repository has no state; it runs its statements on the connection it is given. */
    public TenantRepository() {
    }

    /** Inserts tenant {@code key}; its id. A tenant {@code key} that exists fails with {@code DomainException} CONFLICT. */
    public Future<Long> insert(SqlClient c, String key, String name) {
        return Sql.conflictOnDuplicate(Sql.one(c, "INSERT INTO tenants (key, name) VALUES ($1, $2) RETURNING id",
                r -> r.getLong(0), key, name), "tenant '" + key + "' already exists");
    }
}
