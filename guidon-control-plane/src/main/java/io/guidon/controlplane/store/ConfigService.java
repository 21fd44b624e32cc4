package io.guidon.controlplane.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.api.ApiException;
import io.guidon.controlplane.api.FieldError;
import io.guidon.controlplane.api.Json;
import io.guidon.controlplane.publish.ChangeEvent;
import io.guidon.controlplane.publish.ChangePublisher;
import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.FlagSet;
import io.guidon.engine.ValidationError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Environments, flags (definitions and per-environment configurations) and segments of a tenant.
 *
 * <p>Every change runs in one transaction that locks the environments it touches (in the order of
 * docs/adr/0108-admin-write-lock-order-and-retries.md, so that no two changes wait for each other in a cycle, and
 * re-run by {@link Transactions} when PostgreSQL still reports a conflict), rebuilds their flag documents
 * with the change applied and validates all of them with the engine's {@link FlagDocumentCompiler} (on a worker
 * thread) before it writes anything; then it writes the change, raises each environment's version, writes the change
 * log and the audit entry, and commits; any problem rolls everything back. A request's own (shape) errors are
 * answered in one 422 with the engine's errors of every environment, each with its path. After the commit, each changed environment is published ({@link ChangePublisher}) and its
 * new version told to the snapshot cache ({@link VersionListener}).
 */
public final class ConfigService {

    private static final String ENV_COLUMNS = "id, key, name, description, version, log_floor, revision, created_at,"
            + " updated_at";
    /** The row lock of a change to a row's data (not its key): see {@link #lockAllEnvironments}. */
    private static final String CHANGE = "FOR NO KEY UPDATE";
    private static final String FLAG_COLUMNS = "f.id, f.key, f.description, f.tags, f.variants::text AS variants,"
            + " f.metadata::text AS metadata, f.salt, f.revision, f.created_at, f.updated_at";

    private final Vertx vertx;
    private final Pool pool;
    private final FlagDocumentCompiler compiler;
    private final AuditLog audit;
    private final ChangePublisher publisher;
    private final VersionListener versions;
    private final int changeLogRetention;

    public ConfigService(Vertx vertx, Pool pool, FlagDocumentCompiler compiler, AuditLog audit,
            ChangePublisher publisher, VersionListener versions, int changeLogRetention) {
        this.vertx = vertx;
        this.pool = pool;
        this.compiler = compiler;
        this.audit = audit;
        this.publisher = publisher;
        this.versions = versions;
        this.changeLogRetention = changeLogRetention;
    }

    /** What a change returns: its value for the response and what it did to each environment it changed. */
    private record Outcome<T>(T value, List<Applied> applied) {
    }

    /** A change applied to one environment: the event to publish, and the document and flag set it produced. */
    private record Applied(ChangeEvent event, EnvDocument document, FlagSet flagSet) {
    }

    /** An environment's document and compiled flag set at one version, as this replica last committed it. */
    private record Cached(long version, EnvDocument document, FlagSet flagSet) {
    }

    /**
     * The last committed document of each environment changed through this replica. A change finds the version it
     * locked here when this replica made the previous change, and then skips reading and compiling the document it
     * starts from. Entries are added only after commit, and a version is never reused, so an entry whose version
     * is the locked one is exactly the database's state.
     */
    private final Map<Long, Cached> documents = new ConcurrentHashMap<>();

    /**
     * Runs a change in a transaction (re-run on a lock conflict by {@link Transactions}); only after its commit are
     * caches updated and the change published, once.
     */
    private <T> Future<T> change(Function<SqlConnection, Future<Outcome<T>>> work) {
        return Transactions.run(pool, work).map(outcome -> {
            for (Applied a : outcome.applied()) {
                ChangeEvent e = a.event();
                documents.put(e.environmentId(), new Cached(e.version(), a.document(), a.flagSet()));
                versions.committed(e.environmentId(), e.version());
                publisher.publish(e);
            }
            return outcome.value();
        });
    }

    // ---------------------------------------------------------------- environments

    static Env env(Row r) {
        return new Env(r.getLong("id"), r.getString("key"), r.getString("name"), r.getString("description"),
                r.getLong("version"), r.getLong("log_floor"), r.getInteger("revision"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
    }

    public static ObjectNode envJson(Env e) {
        ObjectNode o = Json.object();
        o.put("key", e.key());
        o.put("name", e.name());
        o.put("description", e.description());
        o.put("version", e.version());
        o.put("revision", e.revision());
        o.put("createdAt", e.createdAt().toInstant().toString());
        o.put("updatedAt", e.updatedAt().toInstant().toString());
        return o;
    }

    public Future<Env> environment(long tenantId, String key) {
        return findEnv(pool, tenantId, key, "");
    }

    /**
     * The environment, or 404. {@code lock} is the row lock to take ({@code ""} for none): {@code FOR NO KEY UPDATE}
     * for a change of the environment's data, which leaves the foreign-key checks of concurrent inserts that refer to
     * the row ({@code FOR KEY SHARE}) unblocked; {@code FOR UPDATE} only to delete it.
     */
    private Future<Env> findEnv(SqlClient c, long tenantId, String key, String lock) {
        return Sql.one(c, "SELECT " + ENV_COLUMNS + " FROM environments WHERE tenant_id = $1 AND key = $2"
                        + (lock.isEmpty() ? "" : " " + lock), ConfigService::env, tenantId, key)
                .compose(e -> e == null ? Future.failedFuture(ApiException.notFound("no environment '" + key + "'"))
                        : Future.succeededFuture(e));
    }

    public Future<Page<Env>> environments(long tenantId, String q, String after, int limit) {
        String filter = " WHERE tenant_id = $1 AND ($2::text IS NULL OR key ILIKE $2 OR name ILIKE $2"
                + " OR description ILIKE $2)";
        String pattern = Sql.contains(q);
        Future<Long> total = Sql.one(pool, "SELECT count(*) FROM environments" + filter, r -> r.getLong(0),
                tenantId, pattern);
        Future<List<Env>> rows = Sql.list(pool, "SELECT " + ENV_COLUMNS + " FROM environments" + filter
                        + " AND ($3::text IS NULL OR key COLLATE \"C\" > $3) ORDER BY key COLLATE \"C\" LIMIT $4",
                ConfigService::env, tenantId, pattern, after, limit + 1);
        return Future.all(total, rows).map(x -> page(rows.result(), total.result(), limit, Env::key));
    }

    static <T> Page<T> page(List<T> rows, long total, int limit, Function<T, String> sortKey) {
        if (rows.size() > limit) {
            List<T> items = List.copyOf(rows.subList(0, limit));
            return new Page<>(items, total, sortKey.apply(items.get(limit - 1)));
        }
        return new Page<>(List.copyOf(rows), total, null);
    }

    public Future<Env> createEnvironment(Actor actor, String key, String name, String description) {
        return change(c -> lockTenant(c, actor.tenantId()).compose(locked -> Sql.conflictOnDuplicate(Sql.one(c,
                        "INSERT INTO environments (tenant_id, key, name, description) VALUES ($1, $2, $3, $4)"
                                + " RETURNING " + ENV_COLUMNS, ConfigService::env,
                actor.tenantId(), key, name, description), "environment '" + key + "' already exists"))
                // Every flag of the tenant gets its default (disabled) configuration here.
                .compose(env -> Sql.list(c, "SELECT " + FLAG_COLUMNS + " FROM flags f WHERE f.tenant_id = $1",
                                ConfigService::flagDef, actor.tenantId())
                        .compose(defs -> {
                            List<Future<?>> inserts = new ArrayList<>();
                            for (FlagDef d : defs) {
                                inserts.add(Sql.query(c, "INSERT INTO flag_configs (environment_id, flag_id,"
                                                + " tenant_id, config) VALUES ($1, $2, $3, $4::text::jsonb)", env.id(),
                                        d.id(), actor.tenantId(),
                                        Json.write(EnvDocument.defaultConfig(d.variants(), null))));
                            }
                            return Future.all(inserts);
                        })
                        .compose(x -> audit.record(c, actor, new AuditLog.Entry("environment.create", "environment",
                                key, key, null, envJson(env))))
                        .map(x -> new Outcome<>(env, List.of()))));
    }

    public Future<Env> updateEnvironment(Actor actor, String key, Integer ifMatch, String name, String description) {
        return change(c -> findEnv(c, actor.tenantId(), key, CHANGE).compose(before -> {
            checkRevision(ifMatch, before.revision(), "environment '" + key + "'");
            return Sql.one(c, "UPDATE environments SET name = $2, description = $3, revision = revision + 1,"
                            + " updated_at = now() WHERE id = $1 RETURNING " + ENV_COLUMNS, ConfigService::env,
                    before.id(), name, description)
                    .compose(after -> audit.record(c, actor, new AuditLog.Entry("environment.update", "environment",
                                    key, key, envJson(before), envJson(after)))
                            .map(x -> new Outcome<>(after, List.of())));
        }));
    }

    public Future<Void> deleteEnvironment(Actor actor, String key, Integer ifMatch) {
        return change(c -> findEnv(c, actor.tenantId(), key, "FOR UPDATE").compose(env -> {
            checkRevision(ifMatch, env.revision(), "environment '" + key + "'");
            return Sql.one(c, "SELECT count(*) FROM api_keys WHERE environment_id = $1 AND revoked_at IS NULL",
                            r -> r.getLong(0), env.id())
                    .compose(active -> active > 0
                            ? Future.failedFuture(ApiException.conflict("environment '" + key + "' has " + active
                                    + " active sidecar key(s); revoke them first"))
                            : Sql.query(c, "DELETE FROM environments WHERE id = $1", env.id()))
                    .compose(x -> audit.record(c, actor, new AuditLog.Entry("environment.delete", "environment",
                            key, key, envJson(env), null)))
                    .map(x -> new Outcome<Void>(null, List.of()));
        }));
    }

    // ---------------------------------------------------------------- documents

    static FlagDef flagDef(Row r) {
        String[] tags = r.getArrayOfStrings("tags");
        String metadata = r.getString("metadata");
        return new FlagDef(r.getLong("id"), r.getString("key"), r.getString("description"),
                tags == null ? List.of() : List.of(tags), Json.parse(r.getString("variants")),
                metadata == null ? null : Json.parse(metadata), r.getString("salt"), r.getInteger("revision"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
    }

    static SegmentRow segmentRow(Row r) {
        return new SegmentRow(r.getLong("id"), r.getString("key"), r.getString("description"),
                (ObjectNode) Json.parse(r.getString("definition")), r.getInteger("revision"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
    }

    /** The environment's whole document, read with {@code c} (inside a transaction, a consistent one). */
    public static Future<EnvDocument> loadDocument(SqlClient c, long tenantId, long envId) {
        Future<List<Object[]>> flags = Sql.list(c, "SELECT " + FLAG_COLUMNS + ", c.config::text AS config"
                        + " FROM flags f JOIN flag_configs c ON c.flag_id = f.id"
                        + " WHERE c.environment_id = $1 AND c.tenant_id = $2 ORDER BY f.key COLLATE \"C\"",
                r -> new Object[] {flagDef(r), Json.parse(r.getString("config"))}, envId, tenantId);
        Future<List<SegmentRow>> segments = Sql.list(c, "SELECT id, key, description, definition::text AS definition,"
                        + " revision, created_at, updated_at FROM segments WHERE environment_id = $1 AND tenant_id = $2"
                        + " ORDER BY key COLLATE \"C\"", ConfigService::segmentRow, envId, tenantId);
        return Future.all(flags, segments).map(x -> {
            EnvDocument doc = new EnvDocument();
            for (Object[] f : flags.result()) {
                FlagDef def = (FlagDef) f[0];
                doc.flags.put(def.key(), def);
                doc.configs.put(def.key(), (ObjectNode) f[1]);
            }
            for (SegmentRow s : segments.result()) {
                doc.segments.put(s.key(), s);
            }
            return doc;
        });
    }

    /** How a validation error of an environment's document is reported for the request at hand. */
    private interface PathMapper {
        FieldError map(String envKey, ValidationError error);
    }

    /**
     * One environment's document with a change applied and compiled by the engine, nothing written yet: the first
     * half of a change, so that a change of several environments validates all of them before it writes any.
     * {@code previous} is the flag set before the change when known (for the event's list of changed flags).
     */
    private record Prepared(Env env, EnvDocument after, Compilation compiled, FlagSet previous) {
    }

    /**
     * Applies {@code edit} to the environment's document (locked by the caller) and compiles the result with the
     * engine (on a worker thread); writes nothing. The document is read from the database unless this replica
     * committed the locked version itself ({@link #documents}).
     */
    private Future<Prepared> prepare(SqlConnection c, long tenantId, Env env, UnaryOperator<EnvDocument> edit) {
        Cached cached = documents.get(env.id());
        boolean hit = cached != null && cached.version() == env.version();
        Future<EnvDocument> start = hit ? Future.succeededFuture(cached.document()) : loadDocument(c, tenantId, env.id());
        FlagSet known = hit ? cached.flagSet() : null;
        return start.compose(before -> {
            EnvDocument after = edit.apply(copy(before));
            ObjectNode beforeJson = known == null ? before.toJson() : null;
            ObjectNode afterJson = after.toJson();
            return vertx.executeBlocking(() -> new Compilation[] {
                            known == null ? compiler.compile(beforeJson) : null, compiler.compile(afterJson)}, false)
                    .map(compiled -> new Prepared(env, after, compiled[1], known != null ? known
                            : compiled[0].ok() ? compiled[0].flagSet() : null));
        });
    }

    /**
     * {@link #prepare}s every environment of {@code envs} in turn, then fails with one 422 listing
     * {@code requestErrors} (the request's own, checked before) and every engine error of every environment, each
     * once, in that order; succeeds with the prepared documents only when there is none. The errors are gathered
     * afresh by each run of the transaction, so a re-run never repeats them.
     */
    private Future<List<Prepared>> validate(SqlConnection c, long tenantId, List<Env> envs,
            UnaryOperator<EnvDocument> edit, PathMapper paths, List<FieldError> requestErrors) {
        Future<List<Prepared>> all = Future.succeededFuture(new ArrayList<>());
        for (Env env : envs) {
            all = all.compose(list -> prepare(c, tenantId, env, edit).map(p -> {
                list.add(p);
                return list;
            }));
        }
        return all.compose(list -> {
            Set<FieldError> errors = new LinkedHashSet<>(requestErrors);
            for (Prepared p : list) {
                if (!p.compiled().ok()) {
                    for (ValidationError e : p.compiled().errors()) {
                        errors.add(paths.map(p.env().key(), e));
                    }
                }
            }
            return errors.isEmpty() ? Future.succeededFuture(list)
                    : Future.failedFuture(ApiException.invalid(List.copyOf(errors)));
        });
    }

    /**
     * The second half of a change to an environment's document, after {@link #validate}: raises the version and
     * writes the change log. {@code flagKeys} and {@code segmentKeys} are what the change touched directly (what
     * {@code ?since=} returns); the event names every flag whose evaluation may differ.
     */
    private Future<Applied> commit(SqlConnection c, Actor actor, Prepared p, List<String> flagKeys,
            List<String> segmentKeys) {
        Set<String> changed = new TreeSet<>(flagKeys);
        if (p.previous() != null) {
            changed.addAll(p.compiled().flagSet().changedSince(p.previous()));
        }
        Env env = p.env();
        return bumpVersion(c, actor, env, flagKeys, segmentKeys)
                .map(version -> new Applied(new ChangeEvent(env.id(), actor.tenantKey(), env.key(), version,
                        List.copyOf(changed)), p.after(), p.compiled().flagSet()));
    }

    /** {@link #commit}s each prepared document in turn. */
    private Future<List<Applied>> commitAll(SqlConnection c, Actor actor, List<Prepared> prepared,
            List<String> flagKeys, List<String> segmentKeys) {
        Future<List<Applied>> all = Future.succeededFuture(new ArrayList<>());
        for (Prepared p : prepared) {
            all = all.compose(list -> commit(c, actor, p, flagKeys, segmentKeys).map(a -> {
                list.add(a);
                return list;
            }));
        }
        return all;
    }

    /**
     * The engine's errors of a document holding only {@code def} with {@code config}, for a flag definition that no
     * environment's document can be built with (a tenant without environments, a request without a valid key).
     */
    private Future<List<FieldError>> validateAlone(FlagDef def, ObjectNode config, PathMapper paths) {
        EnvDocument alone = new EnvDocument();
        alone.flags.put(def.key(), def);
        alone.configs.put(def.key(), config);
        ObjectNode json = alone.toJson();
        return vertx.executeBlocking(() -> compiler.compile(json), false).map(compiled -> {
            List<FieldError> errors = new ArrayList<>();
            for (ValidationError e : compiled.ok() ? List.<ValidationError>of() : compiled.errors()) {
                errors.add(paths.map(null, e));
            }
            return errors;
        });
    }

    /** {@code base}, or {@code base-2}, {@code base-3}, ...: the first that is not a key of {@code taken}. */
    private static String freeKey(Map<String, ?> taken, String base) {
        String key = base;
        for (int i = 2; taken.containsKey(key); i++) {
            key = base + "-" + i;
        }
        return key;
    }

    private Future<Long> bumpVersion(SqlConnection c, Actor actor, Env env, List<String> flagKeys,
            List<String> segmentKeys) {
        return Sql.one(c, "UPDATE environments SET version = version + 1 WHERE id = $1 RETURNING version, log_floor",
                        r -> new long[] {r.getLong(0), r.getLong(1)}, env.id())
                .compose(v -> {
                    long version = v[0];
                    long floor = version - changeLogRetention;
                    Future<?> log = Sql.query(c, "INSERT INTO change_log (environment_id, version, tenant_id, flags,"
                                    + " segments) VALUES ($1, $2, $3, $4, $5)", env.id(), version, actor.tenantId(),
                            flagKeys.toArray(new String[0]), segmentKeys.toArray(new String[0]));
                    if (floor > v[1]) {
                        log = log.compose(x -> Sql.query(c, "DELETE FROM change_log WHERE environment_id = $1"
                                        + " AND version <= $2", env.id(), floor))
                                .compose(x -> Sql.query(c, "UPDATE environments SET log_floor = $2 WHERE id = $1",
                                        env.id(), floor));
                    }
                    return log.map(version);
                });
    }

    /**
     * Locks the tenant, then every environment of it in id order: changes to flag definitions (which touch every
     * environment) and environment creation (which copies every flag) are serialized per tenant, so that a new
     * environment cannot miss a flag created at the same moment. Changes to one environment lock only its row and
     * never wait for the tenant. Both locks are {@code FOR NO KEY UPDATE}, which the {@code FOR KEY SHARE} of a
     * concurrent insert's foreign-key check (an audit entry, a change-log entry, a segment: all refer to the tenant)
     * does not wait for: with {@code FOR UPDATE} here, such an insert of a one-environment change waited for the
     * tenant while this change waited for its environment, a deadlock (ADR 0108).
     */
    private Future<List<Env>> lockAllEnvironments(SqlConnection c, long tenantId) {
        return lockTenant(c, tenantId).compose(x -> Sql.list(c, "SELECT " + ENV_COLUMNS
                + " FROM environments WHERE tenant_id = $1 ORDER BY id " + CHANGE, ConfigService::env, tenantId));
    }

    private static Future<?> lockTenant(SqlConnection c, long tenantId) {
        return Sql.query(c, "SELECT id FROM tenants WHERE id = $1 " + CHANGE, tenantId);
    }

    // ---------------------------------------------------------------- flags (definitions)

    public static ObjectNode flagJson(FlagDef f) {
        ObjectNode o = Json.object();
        o.put("key", f.key());
        o.put("description", f.description());
        f.tags().forEach(o.putArray("tags")::add);
        if (f.tags().isEmpty()) {
            o.putArray("tags");
        }
        o.set("variants", f.variants());
        if (f.metadata() != null) {
            o.set("metadata", f.metadata());
        }
        if (f.salt() != null) {
            o.put("salt", f.salt());
        }
        o.put("revision", f.revision());
        o.put("createdAt", f.createdAt().toInstant().toString());
        o.put("updatedAt", f.updatedAt().toInstant().toString());
        return o;
    }

    /** The fields of a flag definition a request sets. */
    public record FlagFields(String description, List<String> tags, JsonNode variants, JsonNode metadata,
            String salt) {
    }

    private static final Set<String> DEFINITION_FIELDS = Set.of("description", "tags", "variants", "metadata",
            "salt");

    /**
     * Errors in the flag's own definition fields are the request's; anything else names its environment. For a
     * document of the flag alone ({@code envKey} null) every error of the flag is the request's.
     */
    private static PathMapper definitionPaths(String flagKey) {
        return (envKey, e) -> {
            String rel = relative(e.path(), "flags", flagKey);
            if (rel != null && (envKey == null || DEFINITION_FIELDS.contains(rel.split("[.\\[]", 2)[0]))) {
                return new FieldError(rel, e.message());
            }
            if (envKey == null) {
                return new FieldError(e.path(), e.message());
            }
            return new FieldError("environments." + envKey + (e.path().isEmpty() ? "" : "." + e.path()),
                    e.message());
        };
    }

    /** The path below {@code section.key} (the engine's path of a flag or segment), or null. */
    static String relative(String path, String section, String key) {
        for (String prefix : List.of(section + "." + key, section + "[\"" + key.replace("\\", "\\\\")
                .replace("\"", "\\\"") + "\"]")) {
            if (path.equals(prefix)) {
                return "";
            }
            if (path.startsWith(prefix + ".")) {
                return path.substring(prefix.length() + 1);
            }
            if (path.startsWith(prefix + "[")) {
                return path.substring(prefix.length());
            }
        }
        return null;
    }

    public Future<FlagDef> flag(long tenantId, String key) {
        return findFlag(pool, tenantId, key);
    }

    private static Future<FlagDef> findFlag(SqlClient c, long tenantId, String key) {
        return Sql.one(c, "SELECT " + FLAG_COLUMNS + " FROM flags f WHERE f.tenant_id = $1 AND f.key = $2",
                        ConfigService::flagDef, tenantId, key)
                .compose(f -> f == null ? Future.failedFuture(ApiException.notFound("no flag '" + key + "'"))
                        : Future.succeededFuture(f));
    }

    private static final String FLAG_FILTER = " WHERE f.tenant_id = $1 AND ($2::text IS NULL OR $2 = ANY (f.tags))"
            + " AND ($3::text IS NULL OR f.key ILIKE $3 OR f.description ILIKE $3)";

    public Future<Page<FlagDef>> flags(long tenantId, String tag, String q, String after, int limit) {
        String pattern = Sql.contains(q);
        Future<Long> total = Sql.one(pool, "SELECT count(*) FROM flags f" + FLAG_FILTER, r -> r.getLong(0),
                tenantId, tag, pattern);
        Future<List<FlagDef>> rows = Sql.list(pool, "SELECT " + FLAG_COLUMNS + " FROM flags f" + FLAG_FILTER
                        + " AND ($4::text IS NULL OR f.key COLLATE \"C\" > $4) ORDER BY f.key COLLATE \"C\" LIMIT $5",
                ConfigService::flagDef, tenantId, tag, pattern, after, limit + 1);
        return Future.all(total, rows).map(x -> page(rows.result(), total.result(), limit, FlagDef::key));
    }

    /** Whether {@code variants} is something a flag can be built from (else the request says why not). */
    private static boolean usable(JsonNode variants) {
        return variants != null && variants.isObject() && !variants.isEmpty();
    }

    /** Fails with one 422 of {@code requestErrors} and then {@code engineErrors}, each once, if there is any. */
    private static Future<Void> failOnErrors(List<FieldError> requestErrors, List<FieldError> engineErrors) {
        Set<FieldError> errors = new LinkedHashSet<>(requestErrors);
        errors.addAll(engineErrors);
        return errors.isEmpty() ? Future.succeededFuture()
                : Future.failedFuture(ApiException.invalid(List.copyOf(errors)));
    }

    /**
     * The definition as PostgreSQL will store it: variants and metadata through {@code jsonb} (which orders an
     * object's keys its own way), so that the documents validated before the write are exactly those after it.
     */
    private static Future<FlagDef> stored(SqlClient c, FlagDef def) {
        return Sql.one(c, "SELECT $1::text::jsonb::text, $2::text::jsonb::text", r -> new FlagDef(def.id(), def.key(),
                        def.description(), def.tags(), Json.parse(r.getString(0)),
                        r.getString(1) == null ? null : Json.parse(r.getString(1)), def.salt(), def.revision(),
                        def.createdAt(), def.updatedAt()),
                Json.write(def.variants()), def.metadata() == null ? null : Json.write(def.metadata()));
    }

    /** The definition {@code fields} describe, before it is written (no id, no times). */
    private static FlagDef proposed(long id, String key, FlagFields fields, int revision) {
        return new FlagDef(id, key, fields.description() == null ? "" : fields.description(), fields.tags(),
                fields.variants(), fields.metadata(), fields.salt(), revision, null, null);
    }

    /** Puts the written definition into each prepared document (it validated the same one, before the write). */
    private static List<Prepared> withWritten(List<Prepared> prepared, FlagDef def) {
        for (Prepared p : prepared) {
            p.after().flags.put(def.key(), def);
        }
        return prepared;
    }

    /**
     * Creates a flag with its default configuration (disabled, serving {@code offVariant} or the default off
     * variant) in every environment. {@code requestErrors} are the request's own problems (a null {@code key} is
     * one of them): they are answered in one 422 together with the engine's errors of every would-be document, all
     * validated before anything is written. A duplicate key is a 409.
     */
    public Future<FlagDef> createFlag(Actor actor, String key, FlagFields fields, String offVariant,
            List<FieldError> requestErrors) {
        if (key == null) {
            // No document can hold a flag without a key: the definition is judged alone, under a stand-in key.
            if (requestErrors.isEmpty()) {
                throw new IllegalArgumentException("a flag without a key needs the request's error saying so");
            }
            if (!usable(fields.variants())) {
                return Future.failedFuture(ApiException.invalid(requestErrors));
            }
            return stored(pool, proposed(0, "new-flag", fields, 1)).compose(alone -> validateAlone(alone,
                            EnvDocument.defaultConfig(alone.variants(), offVariant), definitionPaths(alone.key())))
                    .compose(errors -> failOnErrors(requestErrors, errors)).map(x -> null);
        }
        return change(c -> lockAllEnvironments(c, actor.tenantId()).compose(envs -> Sql.one(c,
                        "SELECT 1 FROM flags WHERE tenant_id = $1 AND key = $2", r -> true, actor.tenantId(), key)
                .compose(exists -> {
                    if (exists != null) {
                        return Future.failedFuture(ApiException.conflict("flag '" + key + "' already exists"));
                    }
                    if (!usable(fields.variants())) {
                        return Future.failedFuture(ApiException.invalid(requestErrors));
                    }
                    return stored(c, proposed(0, key, fields, 1));
                })
                .compose(proposed -> {
                    ObjectNode config = EnvDocument.defaultConfig(proposed.variants(), offVariant);
                    Future<List<Prepared>> valid = envs.isEmpty()
                            ? validateAlone(proposed, config, definitionPaths(key))
                                    .compose(errors -> failOnErrors(requestErrors, errors)).map(x -> List.of())
                            : validate(c, actor.tenantId(), envs, d -> {
                                d.flags.put(key, proposed);
                                d.configs.put(key, config);
                                return d;
                            }, definitionPaths(key), requestErrors);
                    // Valid everywhere: only now is anything written.
                    return valid.compose(prepared -> Sql.conflictOnDuplicate(Sql.one(c, "INSERT INTO flags"
                                            + " (tenant_id, key, description, tags, variants, metadata, salt) VALUES ($1, $2,"
                                            + " $3, $4, $5::text::jsonb, $6::text::jsonb, $7) RETURNING "
                                            + FLAG_COLUMNS.replace("f.", ""), ConfigService::flagDef, actor.tenantId(),
                                    key, proposed.description(), proposed.tags().toArray(new String[0]),
                                    Json.write(proposed.variants()),
                                    proposed.metadata() == null ? null : Json.write(proposed.metadata()),
                                    proposed.salt()), "flag '" + key + "' already exists")
                            .compose(def -> {
                                Future<?> configs = Future.succeededFuture();
                                for (Env env : envs) {
                                    configs = configs.compose(x -> Sql.query(c, "INSERT INTO flag_configs"
                                                    + " (environment_id, flag_id, tenant_id, config) VALUES ($1, $2, $3,"
                                                    + " $4::text::jsonb)", env.id(), def.id(), actor.tenantId(),
                                            Json.write(config)));
                                }
                                return configs.compose(x -> commitAll(c, actor, withWritten(prepared, def), List.of(key),
                                                List.of()))
                                        .compose(list -> audit.record(c, actor, new AuditLog.Entry("flag.create", "flag",
                                                        key, null, null, flagJson(def)))
                                                .map(x -> new Outcome<>(def, list)));
                            }));
                })));
    }

    /**
     * Replaces a flag's definition. {@code requestErrors} are the request's own problems: they are answered in one
     * 422 together with the engine's errors of every environment's would-be document, all validated before anything
     * is written. A missing flag is a 404, a stale {@code ifMatch} a 412.
     */
    public Future<FlagDef> updateFlag(Actor actor, String key, Integer ifMatch, FlagFields fields,
            List<FieldError> requestErrors) {
        return change(c -> lockAllEnvironments(c, actor.tenantId()).compose(envs -> findFlag(c, actor.tenantId(), key)
                .compose(before -> {
                    checkRevision(ifMatch, before.revision(), "flag '" + key + "'");
                    if (!usable(fields.variants())) {
                        return Future.failedFuture(ApiException.invalid(requestErrors));
                    }
                    return stored(c, proposed(before.id(), key, fields, before.revision() + 1)).compose(proposed -> {
                        Future<List<Prepared>> valid = envs.isEmpty()
                                ? validateAlone(proposed, EnvDocument.defaultConfig(proposed.variants(), null),
                                        definitionPaths(key))
                                        .compose(errors -> failOnErrors(requestErrors, errors)).map(x -> List.of())
                                : validate(c, actor.tenantId(), envs, d -> {
                                    d.flags.put(key, proposed);
                                    return d;
                                }, definitionPaths(key), requestErrors);
                        return valid.compose(prepared -> Sql.one(c, "UPDATE flags SET description = $2, tags = $3,"
                                        + " variants = $4::text::jsonb, metadata = $5::text::jsonb, salt = $6,"
                                        + " revision = revision + 1, updated_at = now() WHERE id = $1 RETURNING "
                                        + FLAG_COLUMNS.replace("f.", ""), ConfigService::flagDef, before.id(),
                                proposed.description(), proposed.tags().toArray(new String[0]),
                                Json.write(proposed.variants()),
                                proposed.metadata() == null ? null : Json.write(proposed.metadata()), proposed.salt())
                                .compose(def -> commitAll(c, actor, withWritten(prepared, def), List.of(key), List.of())
                                        .compose(list -> audit.record(c, actor, new AuditLog.Entry("flag.update",
                                                        "flag", key, null, flagJson(before), flagJson(def)))
                                                .map(x -> new Outcome<>(def, list)))));
                    });
                })));
    }

    public Future<Void> deleteFlag(Actor actor, String key, Integer ifMatch) {
        return change(c -> lockAllEnvironments(c, actor.tenantId()).compose(envs -> findFlag(c, actor.tenantId(), key)
                .compose(before -> {
                    checkRevision(ifMatch, before.revision(), "flag '" + key + "'");
                    return validate(c, actor.tenantId(), envs, d -> {
                        d.flags.remove(key);
                        d.configs.remove(key);
                        return d;
                    }, (envKey, e) -> new FieldError("environments." + envKey + "." + e.path(), e.message()
                            + " (flag '" + key + "' is still needed there)"), List.of())
                            .compose(prepared -> Sql.query(c, "DELETE FROM flags WHERE id = $1", before.id())
                                    .compose(x -> commitAll(c, actor, prepared, List.of(key), List.of())))
                            .compose(list -> audit.record(c, actor, new AuditLog.Entry("flag.delete", "flag", key,
                                            null, flagJson(before), null))
                                    .map(x -> new Outcome<Void>(null, list)));
                })));
    }

    // ---------------------------------------------------------------- flag configurations

    /** A flag in one environment: definition, configuration and the configuration's revision (its ETag). */
    public record EnvFlag(String environment, FlagDef def, ObjectNode config, int revision) {
        public ObjectNode toJson() {
            ObjectNode o = Json.object();
            o.put("key", def.key());
            o.put("environment", environment);
            o.setAll(EnvDocument.flagObject(def, config));
            if (!o.has("description")) {
                o.put("description", "");
            }
            if (!o.has("tags")) {
                o.putArray("tags");
            }
            o.put("revision", revision);
            return o;
        }
    }

    private static final String ENV_FLAG_FILTER = " FROM flags f JOIN flag_configs c ON c.flag_id = f.id"
            + " WHERE f.tenant_id = $1 AND c.environment_id = $2 AND ($3::text IS NULL OR $3 = ANY (f.tags))"
            + " AND ($4::text IS NULL OR f.key ILIKE $4 OR f.description ILIKE $4)";

    private static Function<Row, EnvFlag> envFlag(String envKey) {
        return r -> new EnvFlag(envKey, flagDef(r), (ObjectNode) Json.parse(r.getString("config")),
                r.getInteger("config_revision"));
    }

    public Future<Page<EnvFlag>> environmentFlags(long tenantId, String envKey, String tag, String q, String after,
            int limit) {
        return environment(tenantId, envKey).compose(env -> {
            String pattern = Sql.contains(q);
            Future<Long> total = Sql.one(pool, "SELECT count(*)" + ENV_FLAG_FILTER, r -> r.getLong(0), tenantId,
                    env.id(), tag, pattern);
            Future<List<EnvFlag>> rows = Sql.list(pool, "SELECT " + FLAG_COLUMNS + ", c.config::text AS config,"
                            + " c.revision AS config_revision" + ENV_FLAG_FILTER
                            + " AND ($5::text IS NULL OR f.key COLLATE \"C\" > $5) ORDER BY f.key COLLATE \"C\""
                            + " LIMIT $6", envFlag(env.key()), tenantId, env.id(), tag, pattern, after, limit + 1);
            return Future.all(total, rows).map(x -> page(rows.result(), total.result(), limit, ef -> ef.def().key()));
        });
    }

    public Future<EnvFlag> environmentFlag(long tenantId, String envKey, String flagKey) {
        return environment(tenantId, envKey).compose(env -> findEnvFlag(pool, tenantId, env, flagKey));
    }

    private static Future<EnvFlag> findEnvFlag(SqlClient c, long tenantId, Env env, String flagKey) {
        return Sql.one(c, "SELECT " + FLAG_COLUMNS + ", c.config::text AS config, c.revision AS config_revision"
                                + " FROM flags f JOIN flag_configs c ON c.flag_id = f.id"
                                + " WHERE f.tenant_id = $1 AND c.environment_id = $2 AND f.key = $3",
                        envFlag(env.key()), tenantId, env.id(), flagKey)
                .compose(f -> f == null ? Future.failedFuture(ApiException.notFound("no flag '" + flagKey + "'"))
                        : Future.succeededFuture(f));
    }

    /** Turns a flag's current configuration into the new one (a full replacement, a toggle, a rollout). */
    @FunctionalInterface
    public interface ConfigEdit {
        /**
         * The new configuration, with the problems of the request found against {@code current} added to
         * {@code errors}; null when the request leaves no configuration to validate (then {@code errors} says why).
         * Called once per run of the change's transaction, each time with a fresh {@code errors}.
         */
        ObjectNode apply(EnvFlag current, List<FieldError> errors);
    }

    /**
     * Changes a flag's configuration in one environment: {@code edit} turns the current configuration into the
     * new one (a full replacement, a toggle, a rollout). Errors in the flag's own configuration are reported
     * relative to it ({@code rules[0].serve.variant}); others name their place in the environment's document.
     */
    public Future<EnvFlag> updateEnvironmentFlag(Actor actor, String envKey, String flagKey, Integer ifMatch,
            String action, Function<EnvFlag, ObjectNode> edit) {
        return updateEnvironmentFlag(actor, envKey, flagKey, ifMatch, action, (current, errors) -> edit.apply(current),
                List.of());
    }

    /**
     * Like {@link #updateEnvironmentFlag(Actor, String, String, Integer, String, Function)}, for a request with
     * problems of its own: {@code requestErrors} and those {@code edit} finds are answered in one 422 together with
     * the engine's errors of the edited configuration, so a client sees every problem at once; nothing changes.
     * A missing environment or flag is a 404, a stale {@code ifMatch} a 412.
     */
    public Future<EnvFlag> updateEnvironmentFlag(Actor actor, String envKey, String flagKey, Integer ifMatch,
            String action, ConfigEdit edit, List<FieldError> requestErrors) {
        PathMapper paths = (ek, e) -> {
            String rel = relative(e.path(), "flags", flagKey);
            return rel != null ? new FieldError(rel, e.message()) : new FieldError(e.path(), e.message());
        };
        return change(c -> findEnv(c, actor.tenantId(), envKey, CHANGE).compose(env ->
                findEnvFlag(c, actor.tenantId(), env, flagKey).compose(current -> {
                    checkRevision(ifMatch, current.revision(), "flag '" + flagKey + "' in '" + envKey + "'");
                    // Afresh on every run of the transaction, so that a re-run repeats no error.
                    List<FieldError> errors = new ArrayList<>(requestErrors);
                    ObjectNode config = edit.apply(current, errors);
                    if (config == null) {
                        return Future.failedFuture(ApiException.invalid(errors.isEmpty()
                                ? List.of(new FieldError("", "no configuration to apply")) : errors));
                    }
                    return validate(c, actor.tenantId(), List.of(env), d -> {
                        d.configs.put(flagKey, config);
                        return d;
                    }, paths, errors).compose(prepared -> commit(c, actor, prepared.get(0), List.of(flagKey), List.of()))
                            .compose(event -> Sql.one(c, "UPDATE flag_configs SET config = $3::text::jsonb,"
                                    + " revision = revision + 1, updated_at = now() WHERE environment_id = $1"
                                    + " AND flag_id = $2 RETURNING revision, config::text",
                                    // The configuration as stored and as GET reads it back (numbers as jsonb
                                    // keeps them), so that the answer to the change is what a GET returns.
                                    r -> new EnvFlag(env.key(), current.def(), (ObjectNode) Json.parse(r.getString(1)),
                                            r.getInteger(0)),
                                    env.id(), current.def().id(), Json.write(config))
                            .compose(updated -> {
                                return audit.record(c, actor, new AuditLog.Entry(action, "flag", flagKey, env.key(),
                                                current.toJson(), updated.toJson()))
                                        .map(x -> new Outcome<>(updated, List.of(event)));
                            }));
                })));
    }

    // ---------------------------------------------------------------- segments

    public static ObjectNode segmentJson(String envKey, SegmentRow s) {
        ObjectNode o = Json.object();
        o.put("key", s.key());
        o.put("environment", envKey);
        o.put("description", s.description());
        for (String field : EnvDocument.SEGMENT_FIELDS) {
            JsonNode v = s.definition().get(field);
            if (v != null) {
                o.set(field, v);
            }
        }
        o.put("revision", s.revision());
        o.put("createdAt", s.createdAt().toInstant().toString());
        o.put("updatedAt", s.updatedAt().toInstant().toString());
        return o;
    }

    private static final String SEGMENT_COLUMNS = "id, key, description, definition::text AS definition, revision,"
            + " created_at, updated_at";

    public Future<Page<SegmentRow>> segments(long tenantId, String envKey, String q, String after, int limit) {
        return environment(tenantId, envKey).compose(env -> {
            String filter = " FROM segments WHERE tenant_id = $1 AND environment_id = $2"
                    + " AND ($3::text IS NULL OR key ILIKE $3 OR description ILIKE $3)";
            String pattern = Sql.contains(q);
            Future<Long> total = Sql.one(pool, "SELECT count(*)" + filter, r -> r.getLong(0), tenantId, env.id(),
                    pattern);
            Future<List<SegmentRow>> rows = Sql.list(pool, "SELECT " + SEGMENT_COLUMNS + filter
                            + " AND ($4::text IS NULL OR key COLLATE \"C\" > $4) ORDER BY key COLLATE \"C\" LIMIT $5",
                    ConfigService::segmentRow, tenantId, env.id(), pattern, after, limit + 1);
            return Future.all(total, rows).map(x -> page(rows.result(), total.result(), limit, SegmentRow::key));
        });
    }

    public Future<SegmentRow> segment(long tenantId, String envKey, String key) {
        return environment(tenantId, envKey).compose(env -> findSegment(pool, tenantId, env, key));
    }

    private static Future<SegmentRow> findSegment(SqlClient c, long tenantId, Env env, String key) {
        return Sql.one(c, "SELECT " + SEGMENT_COLUMNS + " FROM segments WHERE tenant_id = $1 AND environment_id = $2"
                        + " AND key = $3", ConfigService::segmentRow, tenantId, env.id(), key)
                .compose(s -> s == null ? Future.failedFuture(ApiException.notFound("no segment '" + key + "'"))
                        : Future.succeededFuture(s));
    }

    private static PathMapper segmentPaths(String key) {
        return (envKey, e) -> {
            String rel = relative(e.path(), "segments", key);
            return rel != null ? new FieldError(rel, e.message()) : new FieldError(e.path(), e.message());
        };
    }

    /**
     * Creates ({@code create}) or replaces a segment; {@code definition} holds included, excluded and rules.
     * {@code requestErrors} are the request's own problems (a null {@code key}, only when creating, is one of
     * them): they are answered in one 422 together with the engine's errors of the would-be document, validated
     * before anything is written. A missing environment or segment is a 404, an existing one a 409 (creating), a
     * stale {@code ifMatch} a 412.
     */
    public Future<SegmentRow> putSegment(Actor actor, String envKey, String key, boolean create, Integer ifMatch,
            String description, ObjectNode definition, List<FieldError> requestErrors) {
        if (key == null && (!create || requestErrors.isEmpty())) {
            throw new IllegalArgumentException("a segment without a key needs the request's error saying so");
        }
        String text = description == null ? "" : description;
        return change(c -> findEnv(c, actor.tenantId(), envKey, CHANGE).compose(env -> {
            Future<SegmentRow> existing = key == null ? Future.succeededFuture(null) : create
                    ? Sql.one(c, "SELECT " + SEGMENT_COLUMNS + " FROM segments WHERE environment_id = $1 AND key = $2",
                            ConfigService::segmentRow, env.id(), key).compose(s -> s == null
                            ? Future.succeededFuture(null)
                            : Future.failedFuture(ApiException.conflict("segment '" + key + "' already exists")))
                    : findSegment(c, actor.tenantId(), env, key).map(s -> {
                        checkRevision(ifMatch, s.revision(), "segment '" + key + "'");
                        return s;
                    });
            // A request without a valid key is judged under a stand-in key that no segment of the document has.
            String[] judged = {key};
            return existing.compose(before -> validate(c, actor.tenantId(), List.of(env), d -> {
                if (key == null) {
                    judged[0] = freeKey(d.segments, "new-segment");
                }
                d.segments.put(judged[0], new SegmentRow(0, judged[0], text, definition, 0, null, null));
                return d;
            }, (ek, e) -> segmentPaths(judged[0]).map(ek, e), requestErrors)
                    .compose(prepared -> commit(c, actor, prepared.get(0), List.of(), List.of(key)))
                    .compose(event -> (create
                    ? Sql.one(c, "INSERT INTO segments (tenant_id, environment_id, key, description, definition)"
                                    + " VALUES ($1, $2, $3, $4, $5::text::jsonb) RETURNING " + SEGMENT_COLUMNS,
                            ConfigService::segmentRow, actor.tenantId(), env.id(), key, text, Json.write(definition))
                    : Sql.one(c, "UPDATE segments SET description = $2, definition = $3::text::jsonb,"
                                    + " revision = revision + 1, updated_at = now() WHERE id = $1 RETURNING "
                                    + SEGMENT_COLUMNS, ConfigService::segmentRow, before.id(), text,
                            Json.write(definition)))
                    .compose(row -> audit.record(c, actor, new AuditLog.Entry(create ? "segment.create"
                                    : "segment.update", "segment", key, env.key(),
                                    before == null ? null : segmentJson(env.key(), before), segmentJson(env.key(), row)))
                            .map(x -> new Outcome<>(row, List.of(event))))));
        }));
    }

    public Future<Void> deleteSegment(Actor actor, String envKey, String key, Integer ifMatch) {
        return change(c -> findEnv(c, actor.tenantId(), envKey, CHANGE).compose(env ->
                findSegment(c, actor.tenantId(), env, key).compose(before -> {
                    checkRevision(ifMatch, before.revision(), "segment '" + key + "'");
                    return validate(c, actor.tenantId(), List.of(env), d -> {
                        d.segments.remove(key);
                        return d;
                    }, (ek, e) -> new FieldError(e.path(), e.message() + " (segment '" + key
                            + "' is still used there)"), List.of())
                            .compose(prepared -> commit(c, actor, prepared.get(0), List.of(), List.of(key)))
                            .compose(event -> Sql.query(c, "DELETE FROM segments WHERE id = $1", before.id())
                            .compose(x -> audit.record(c, actor, new AuditLog.Entry("segment.delete", "segment", key,
                                    env.key(), segmentJson(env.key(), before), null)))
                            .map(x -> new Outcome<Void>(null, List.of(event))));
                })));
    }

    // ---------------------------------------------------------------- helpers

    private static EnvDocument copy(EnvDocument d) {
        EnvDocument c = new EnvDocument();
        c.flags.putAll(d.flags);
        c.configs.putAll(d.configs);
        c.segments.putAll(d.segments);
        return c;
    }

    /** 412 when the client's {@code If-Match} revision is not the current one ({@code null}: no condition). */
    static void checkRevision(Integer ifMatch, int current, String what) {
        if (ifMatch != null && ifMatch != current) {
            throw ApiException.stale(what + " is at revision " + current + ", not " + ifMatch
                    + "; someone changed it since you read it: read it again and re-apply your change");
        }
    }
}
