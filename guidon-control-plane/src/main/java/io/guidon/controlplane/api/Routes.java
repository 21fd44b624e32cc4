package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.auth.Authenticator;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.domain.DocumentChanges;
import io.guidon.controlplane.domain.Environment;
import io.guidon.controlplane.domain.EnvironmentDocument;
import io.guidon.controlplane.domain.EnvironmentFlag;
import io.guidon.controlplane.domain.FlagDefinition;
import io.guidon.controlplane.domain.ProposedChange;
import io.guidon.controlplane.domain.Segment;
import io.guidon.controlplane.domain.SidecarSighting;
import io.guidon.controlplane.domain.Violation;
import io.guidon.controlplane.service.AuditService;
import io.guidon.controlplane.service.EnvironmentService;
import io.guidon.controlplane.service.FlagFields;
import io.guidon.controlplane.service.FlagService;
import io.guidon.controlplane.service.KeyService;
import io.guidon.controlplane.service.SegmentService;
import io.guidon.controlplane.service.Services;
import io.guidon.controlplane.service.SidecarService;
import io.guidon.controlplane.snapshots.SightingBuffer;
import io.guidon.controlplane.snapshots.SnapshotCache;
import io.guidon.protocol.ClientIdentity;
import io.guidon.controlplane.domain.Page;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The resources of {@code /api/v1}: environments, flags, flag configurations, segments, keys, audit, sidecar (the
 * sidecars' document, and which sidecars fetched it). Each
 * handler reads and checks its request, calls a service and maps the result to the API's JSON ({@link Responses}).
 * The handlers of environments, flags, segments, keys and the audit log run on virtual threads ({@link
 * AdminThreads}), where the services await each statement; the sidecar's route stays on the event loop.
 */
public final class Routes {

    static final String V1 = "/api/v1";

    private final EnvironmentService environments;
    private final FlagService flags;
    private final SegmentService segments;
    private final AuditService audit;
    private final KeyService keys;
    private final SidecarService sidecars;
    private final io.guidon.controlplane.service.ChangeRequestService changeRequests;
    private final SnapshotCache snapshots;
    private final SightingBuffer sightings;
    private final Authenticator authenticator;
    private final AdminThreads threads;
    private final Responses json = new Responses();

    /** {@code sightings} notes every answered sidecar fetch (on the event loop, in memory). */
    public Routes(Services services, SnapshotCache snapshots, SightingBuffer sightings, Authenticator authenticator,
            AdminThreads threads) {
        this.environments = services.environments();
        this.flags = services.flags();
        this.segments = services.segments();
        this.audit = services.audit();
        this.keys = services.keys();
        this.sidecars = services.sidecars();
        this.changeRequests = services.changeRequests();
        this.snapshots = snapshots;
        this.sightings = sightings;
        this.authenticator = authenticator;
        this.threads = threads;
    }

    public void register(ApiRouter api) {
        String envs = V1 + "/environments";
        api.add(HttpMethod.GET, envs, Role.VIEWER, "List environments", List.of("q", "limit", "cursor"),
                this::listEnvironments);
        api.add(HttpMethod.POST, envs, Role.ADMIN, "Create an environment", this::createEnvironment);
        api.add(HttpMethod.GET, envs + "/:env", Role.VIEWER, "Read an environment", this::getEnvironment);
        api.add(HttpMethod.PUT, envs + "/:env", Role.ADMIN, "Update an environment", this::updateEnvironment);
        api.add(HttpMethod.DELETE, envs + "/:env", Role.ADMIN, "Delete an environment", this::deleteEnvironment);

        String flags = V1 + "/flags";
        api.add(HttpMethod.GET, flags, Role.VIEWER, "List flag definitions", List.of("tag", "q", "limit", "cursor"),
                this::listFlags);
        api.add(HttpMethod.POST, flags, Role.EDITOR, "Create a flag", this::createFlag);
        api.add(HttpMethod.GET, flags + "/:flag", Role.VIEWER, "Read a flag definition", this::getFlag);
        api.add(HttpMethod.PUT, flags + "/:flag", Role.EDITOR, "Update a flag definition", this::updateFlag);
        api.add(HttpMethod.DELETE, flags + "/:flag", Role.EDITOR, "Delete a flag", this::deleteFlag);

        String envFlags = envs + "/:env/flags";
        api.add(HttpMethod.GET, envFlags, Role.VIEWER, "List flags in an environment",
                List.of("tag", "q", "limit", "cursor"), this::listEnvFlags);
        api.add(HttpMethod.GET, envFlags + "/:flag", Role.VIEWER, "Read a flag in an environment", this::getEnvFlag);
        api.add(HttpMethod.PUT, envFlags + "/:flag", Role.EDITOR, "Configure a flag in an environment",
                this::putEnvFlag);
        api.add(HttpMethod.PUT, envFlags + "/:flag/enabled", Role.EDITOR, "Turn a flag on or off", this::toggle);
        api.add(HttpMethod.PUT, envFlags + "/:flag/rollout", Role.EDITOR, "Set a flag's rollout", this::rollout);

        api.add(HttpMethod.GET, envs + "/:env/sidecars", Role.VIEWER,
                "List the sidecars that fetched an environment's flags", List.of("limit"), this::listSidecars);

        String segments = envs + "/:env/segments";
        api.add(HttpMethod.GET, segments, Role.VIEWER, "List segments", List.of("q", "limit", "cursor"),
                this::listSegments);
        api.add(HttpMethod.POST, segments, Role.EDITOR, "Create a segment", this::createSegment);
        api.add(HttpMethod.GET, segments + "/:segment", Role.VIEWER, "Read a segment", this::getSegment);
        api.add(HttpMethod.PUT, segments + "/:segment", Role.EDITOR, "Update a segment", this::updateSegment);
        api.add(HttpMethod.DELETE, segments + "/:segment", Role.EDITOR, "Delete a segment", this::deleteSegment);

        String keyPath = V1 + "/keys";
        api.add(HttpMethod.GET, keyPath, Role.ADMIN, "List API keys", List.of("limit", "cursor"), this::listKeys);
        api.add(HttpMethod.POST, keyPath, Role.ADMIN, "Create an API key", this::createKey);
        api.add(HttpMethod.GET, keyPath + "/:id", Role.ADMIN, "Read an API key", this::getKey);
        api.add(HttpMethod.DELETE, keyPath + "/:id", Role.ADMIN, "Revoke an API key", this::revokeKey);

        api.add(HttpMethod.GET, V1 + "/audit", Role.VIEWER, "Read the audit log", List.of("resourceType", "resource",
                "environment", "action", "from", "to", "limit", "cursor"), this::listAudit);

        api.add(ApiRouter.RouteSpec.of(HttpMethod.GET, V1 + "/sidecar/flags", Role.SIDECAR,
                "The flag document of the key's environment").withQuery("since").quietly(), this::sidecarFlags);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A page of a listing as the API answers it: {@code {items, total, limit, nextCursor}}, the cursor signed for
     * {@code call}'s tenant.
     */
    static <T> ObjectNode pageJson(Call call, Page<T> page, int limit, Function<T, JsonNode> item) {
        ObjectNode o = Json.object();
        ArrayNode items = o.putArray("items");
        for (T t : page.items()) {
            items.add(item.apply(t));
        }
        o.put("total", page.total());
        o.put("limit", limit);
        o.put("nextCursor", call.cursor(page.nextAfter()));
        return o;
    }

    /**
     * Makes {@code change} through {@code direct} (a direct route's service call), or, where an environment requires
     * approvals, answers the change request it became: 202 with its Location and body.
     */
    private <T> Reply orProposed(Call call, ProposedChange change, Integer ifMatch,
            java.util.function.Supplier<T> direct, Function<T, Reply> done) {
        io.guidon.controlplane.service.ChangeRequestService.Submitted<T> s = changeRequests.submit(call.actor(), change,
                ifMatch, direct);
        return s.proposed() != null ? ChangeRequestRoutes.proposed(json, s.proposed()) : done.apply(s.done());
    }

    private static void keyMatchesPath(Fields f, String pathKey) {
        JsonNode k = f.raw("key");
        if (k != null && !(k.isTextual() && k.textValue().equals(pathKey))) {
            f.error("key", "must be '" + pathKey + "' (the key in the URL) or left out; keys cannot be renamed");
        }
    }

    // ---------------------------------------------------------------- environments

    private Future<Reply> listEnvironments(Call call) {
        int limit = call.limit();
        return threads.run(() -> Reply.ok(pageJson(call, environments.list(call.tenantId(), call.query("q"),
                call.after(), limit), limit, json::environment)));
    }

    private Future<Reply> createEnvironment(Call call) {
        Fields f = call.fields().allow("key", "name", "description", "protected", "requiredApprovals");
        String key = f.key("key");
        String name = f.text("name", Fields.MAX_NAME, false);
        String description = f.text("description", Fields.MAX_DESCRIPTION, false);
        Boolean protectedEnvironment = f.bool("protected", false);
        Integer approvals = requiredApprovals(f);
        f.done();
        return threads.run(() -> {
            Environment e = environments.create(call.actor(), key, name == null ? key : name,
                    description == null ? "" : description, Boolean.TRUE.equals(protectedEnvironment),
                    approvals == null ? 0 : approvals);
            return Reply.created(json.environment(e), V1 + "/environments/" + e.key()).etag(e.revision());
        });
    }

    /** {@code requiredApprovals}: a whole number from 0 to {@link Environment#MAX_APPROVALS}, or null when left out. */
    private static Integer requiredApprovals(Fields f) {
        JsonNode v = f.raw("requiredApprovals");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 0
                || v.intValue() > Environment.MAX_APPROVALS) {
            f.error("requiredApprovals", "must be a whole number from 0 (changes apply at once) to "
                    + Environment.MAX_APPROVALS + ", not " + (v.isNumber() ? v.asText() : Fields.kind(v)));
            return null;
        }
        return v.intValue();
    }

    private Future<Reply> getEnvironment(Call call) {
        return threads.run(() -> {
            Environment e = environments.get(call.tenantId(), call.param("env"));
            return Reply.ok(json.environment(e)).etag(e.revision());
        });
    }

    private Future<Reply> updateEnvironment(Call call) {
        Integer ifMatch = call.requireIfMatch();
        Fields f = call.fields().allow("key", "name", "description", "protected", "requiredApprovals", "version",
                "revision", "createdAt", "updatedAt");
        keyMatchesPath(f, call.param("env"));
        String name = f.text("name", Fields.MAX_NAME, true);
        String description = f.text("description", Fields.MAX_DESCRIPTION, false);
        // Left out (or null): unchanged, so that a client written before the field existed cannot unprotect.
        Boolean protectedEnvironment = f.bool("protected", false);
        // Likewise: left out keeps the approvals the environment requires.
        Integer approvals = requiredApprovals(f);
        // Not f.done(): the body's errors are answered after the precondition (a stale If-Match is 412 first).
        List<Violation> problems = f.violations();
        return threads.run(() -> {
            Environment e = environments.update(call.actor(), call.param("env"), ifMatch, name,
                    description == null ? "" : description, protectedEnvironment, approvals, problems);
            return Reply.ok(json.environment(e)).etag(e.revision());
        });
    }

    private Future<Reply> deleteEnvironment(Call call) {
        Integer ifMatch = call.ifMatch();
        return threads.run(() -> {
            environments.delete(call.actor(), call.param("env"), ifMatch);
            return Reply.noContent();
        });
    }

    private Future<Reply> listSidecars(Call call) {
        int limit = call.limit();
        String env = call.param("env");
        return threads.run(() -> {
            Page<SidecarSighting> page = sidecars.list(call.tenantId(), env, limit);
            ObjectNode o = Json.object();
            o.put("environment", env);
            ArrayNode items = o.putArray("items");
            page.items().forEach(s -> items.add(json.sighting(s)));
            o.put("total", page.total());
            o.put("limit", limit);
            return Reply.ok(o);
        });
    }

    // ---------------------------------------------------------------- flag definitions

    private Future<Reply> listFlags(Call call) {
        int limit = call.limit();
        return threads.run(() -> Reply.ok(pageJson(call, flags.list(call.tenantId(), call.query("tag"), call.query("q"),
                call.after(), limit), limit, json::flag)));
    }

    private static FlagFields definition(Fields f) {
        String name = f.text("name", Fields.MAX_NAME, false);
        String description = f.text("description", Fields.MAX_DESCRIPTION, false);
        List<String> tags = f.strings("tags", 50, 64);
        JsonNode variants = f.raw("variants");
        if (variants == null) {
            f.error("variants", "required: an object of variant values by name, such as {\"on\": true, \"off\": false}");
        } else if (!variants.isObject() || variants.isEmpty()) {
            // The engine's words: an empty object is named as one.
            f.error("variants", "must be a non-empty object of variant values by name, not "
                    + (variants.isObject() ? "an empty object" : Fields.kind(variants)));
        }
        JsonNode metadata = f.raw("metadata");
        String salt = f.text("salt", 128, false);
        return new FlagFields(name, description, tags, variants, metadata, salt);
    }

    private Future<Reply> createFlag(Call call) {
        Fields f = call.fields().allow("key", "name", "description", "tags", "variants", "metadata", "salt",
                "offVariant");
        String key = f.key("key");
        FlagFields fields = definition(f);
        JsonNode off = f.raw("offVariant");
        if (off != null && !off.isTextual()) {
            f.error("offVariant", "must be a variant name, not " + Fields.kind(off));
        } else if (off != null && fields.variants() != null && !fields.variants().has(off.textValue())) {
            f.error("offVariant", "variant '" + off.textValue() + "' is not declared");
        }
        // Not f.done(): the request's own errors are answered together with the engine's (one 422 with all); an
        // offVariant refused above is left out of the would-be configuration, so that it is not reported twice.
        String offVariant = off != null && off.isTextual() && fields.variants() != null
                && fields.variants().has(off.textValue()) ? off.textValue() : null;
        List<Violation> problems = f.violations();
        return threads.run(() -> {
            FlagDefinition d = flags.create(call.actor(), key, fields, offVariant, problems);
            return Reply.created(json.flag(d), V1 + "/flags/" + d.key()).etag(d.revision());
        });
    }

    private Future<Reply> getFlag(Call call) {
        return threads.run(() -> {
            FlagDefinition d = flags.get(call.tenantId(), call.param("flag"));
            return Reply.ok(json.flag(d)).etag(d.revision());
        });
    }

    private Future<Reply> updateFlag(Call call) {
        Integer ifMatch = call.requireIfMatch();
        Fields f = call.fields().allow("key", "name", "description", "tags", "variants", "metadata", "salt",
                "revision", "createdAt", "updatedAt");
        keyMatchesPath(f, call.param("flag"));
        FlagFields fields = definition(f);
        List<Violation> problems = f.violations();
        ProposedChange change = new ProposedChange.UpdateFlag(call.param("flag"), fields.name(), fields.description(),
                fields.tags(), fields.variants(), fields.metadata(), fields.salt());
        return threads.run(() -> orProposed(call, change, ifMatch,
                () -> flags.update(call.actor(), call.param("flag"), ifMatch, fields, problems),
                d -> Reply.ok(json.flag(d)).etag(d.revision())));
    }

    private Future<Reply> deleteFlag(Call call) {
        Integer ifMatch = call.ifMatch();
        return threads.run(() -> orProposed(call, new ProposedChange.DeleteFlag(call.param("flag")), ifMatch, () -> {
            flags.delete(call.actor(), call.param("flag"), ifMatch);
            return Boolean.TRUE;
        }, x -> Reply.noContent()));
    }

    // ---------------------------------------------------------------- flag configurations

    private Future<Reply> listEnvFlags(Call call) {
        int limit = call.limit();
        return threads.run(() -> Reply.ok(pageJson(call, flags.listIn(call.tenantId(), call.param("env"),
                call.query("tag"), call.query("q"), call.after(), limit), limit, json::environmentFlag)));
    }

    private Future<Reply> getEnvFlag(Call call) {
        return threads.run(() -> environmentFlag(flags.getIn(call.tenantId(), call.param("env"),
                call.param("flag"))));
    }

    private Reply environmentFlag(EnvironmentFlag f) {
        return Reply.ok(json.environmentFlag(f)).etag(f.revision());
    }

    private Future<Reply> putEnvFlag(Call call) {
        Integer ifMatch = call.requireIfMatch();
        Fields f = call.fields();
        ObjectNode body = f.node();
        // The definition fields may be sent back as read (GET, edit, PUT) but must not differ: the service checks.
        List<String> echoedFields = List.of("description", "tags", "variants", "salt", "metadata");
        List<String> readOnly = new ArrayList<>(List.of("key", "environment", "revision"));
        readOnly.addAll(echoedFields);
        ChangeBodies.Read read = ChangeBodies.body("flag.configure", f, call.param("env"), call.param("flag"),
                readOnly.toArray(new String[0]));
        keyMatchesPath(f, call.param("flag"));
        // Not f.done(): the request's own errors are answered together with the engine's (one 422 with all).
        ObjectNode echoed = Json.object();
        for (String field : echoedFields) {
            if (body.has(field)) {
                echoed.set(field, body.get(field));
            }
        }
        ProposedChange.Configure change = (ProposedChange.Configure) read.change();
        List<Violation> problems = f.violations();
        return threads.run(() -> orProposed(call, change, ifMatch, () -> flags.configure(call.actor(),
                call.param("env"), call.param("flag"), ifMatch, change.config(), echoed, problems),
                this::environmentFlag));
    }

    private Future<Reply> toggle(Call call) {
        Integer ifMatch = call.ifMatch();
        Fields f = call.fields();
        ChangeBodies.Read read = ChangeBodies.body("flag.toggle", f, call.param("env"), call.param("flag"));
        if (!f.violations().isEmpty()) {
            // The precondition before the body's problems (RFC 9110 13.2.2): a stale If-Match is 412 whatever the body.
            return threads.run(() -> {
                flags.checkPrecondition(call.tenantId(), call.param("env"), call.param("flag"), ifMatch);
                f.done();
                throw new IllegalStateException("a body with violations is refused by done()");
            });
        }
        boolean enabled = ((ProposedChange.Toggle) read.change()).enabled();
        return threads.run(() -> orProposed(call, read.change(), ifMatch, () -> flags.toggle(call.actor(),
                call.param("env"), call.param("flag"), ifMatch, enabled), this::environmentFlag));
    }

    private Future<Reply> rollout(Call call) {
        Integer ifMatch = call.ifMatch();
        Fields f = call.fields();
        ChangeBodies.Read read = ChangeBodies.body("flag.rollout", f, call.param("env"), call.param("flag"));
        // Not f.done(): the request's own errors are answered together with the engine's (one 422 with all). A
        // request with nothing to apply (no change) is refused with its own.
        ProposedChange.Rollout r = (ProposedChange.Rollout) read.change();
        JsonNode bucketBy = r == null || r.bucketBy() == null ? null : Json.NODES.textNode(r.bucketBy());
        java.util.function.Supplier<EnvironmentFlag> direct = () -> flags.rollout(call.actor(), call.param("env"),
                call.param("flag"), ifMatch, r == null ? null : r.percentage(), r == null ? null : r.weights(),
                bucketBy, read.violations());
        // Without a change (the request's violations say why) the direct call refuses it before any gate.
        return threads.run(() -> r == null ? environmentFlag(direct.get())
                : orProposed(call, r, ifMatch, direct, this::environmentFlag));
    }

    // ---------------------------------------------------------------- segments

    private Future<Reply> listSegments(Call call) {
        int limit = call.limit();
        String env = call.param("env");
        return threads.run(() -> Reply.ok(pageJson(call, segments.list(call.tenantId(), env, call.query("q"),
                call.after(), limit), limit, s -> json.segment(env, s))));
    }

    private Future<Reply> getSegment(Call call) {
        String env = call.param("env");
        return threads.run(() -> {
            Segment s = segments.get(call.tenantId(), env, call.param("segment"));
            return Reply.ok(json.segment(env, s)).etag(s.revision());
        });
    }

    private static ObjectNode segmentDefinition(Fields f) {
        ObjectNode def = Json.object();
        for (String field : EnvironmentDocument.SEGMENT_FIELDS) {
            JsonNode v = f.raw(field);
            if (v != null) {
                def.set(field, v);
            }
        }
        return def;
    }

    private Future<Reply> createSegment(Call call) {
        Fields f = call.fields().allow("key", "description", "included", "excluded", "rules");
        String key = f.key("key");
        String description = f.text("description", Fields.MAX_DESCRIPTION, false);
        // Not f.done(): the request's own errors are answered together with the engine's (one 422 with all).
        String env = call.param("env");
        ObjectNode definition = segmentDefinition(f);
        List<Violation> problems = f.violations();
        ProposedChange change = new ProposedChange.PutSegment(env, key, true, description, definition);
        return threads.run(() -> orProposed(call, change, null,
                () -> segments.put(call.actor(), env, key, true, null, description, definition, problems),
                s -> Reply.created(json.segment(env, s), V1 + "/environments/" + env + "/segments/" + s.key())
                        .etag(s.revision())));
    }

    private Future<Reply> updateSegment(Call call) {
        Integer ifMatch = call.requireIfMatch();
        Fields f = call.fields().allow("key", "environment", "description", "included", "excluded", "rules",
                "revision", "createdAt", "updatedAt");
        keyMatchesPath(f, call.param("segment"));
        String description = f.text("description", Fields.MAX_DESCRIPTION, false);
        String env = call.param("env");
        ObjectNode definition = segmentDefinition(f);
        List<Violation> problems = f.violations();
        ProposedChange change = new ProposedChange.PutSegment(env, call.param("segment"), false, description,
                definition);
        return threads.run(() -> orProposed(call, change, ifMatch, () -> segments.put(call.actor(), env,
                call.param("segment"), false, ifMatch, description, definition, problems),
                s -> Reply.ok(json.segment(env, s)).etag(s.revision())));
    }

    private Future<Reply> deleteSegment(Call call) {
        Integer ifMatch = call.ifMatch();
        ProposedChange change = new ProposedChange.DeleteSegment(call.param("env"), call.param("segment"));
        return threads.run(() -> orProposed(call, change, ifMatch, () -> {
            segments.delete(call.actor(), call.param("env"), call.param("segment"), ifMatch);
            return Boolean.TRUE;
        }, x -> Reply.noContent()));
    }

    // ---------------------------------------------------------------- keys

    private Future<Reply> listKeys(Call call) {
        int limit = call.limit();
        String after = call.after();
        return threads.run(() -> Reply.ok(pageJson(call, keys.list(call.tenantId(), after, limit), limit, json::key)));
    }

    private static UUID keyId(Call call) {
        try {
            return UUID.fromString(call.param("id"));
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("no key '" + call.param("id") + "'");
        }
    }

    private Future<Reply> getKey(Call call) {
        UUID id = keyId(call);
        return threads.run(() -> Reply.ok(json.key(keys.get(call.tenantId(), id))));
    }

    private Future<Reply> createKey(Call call) {
        Fields f = call.fields().allow("name", "role", "environment");
        String name = f.text("name", Fields.MAX_NAME, true);
        String roleName = f.requiredString("role");
        Role role = roleName == null ? null : Role.parse(roleName);
        if (roleName != null && role == null) {
            f.error("role", "must be one of admin, editor, viewer, sidecar, not '" + roleName + "'");
        }
        String environment = null;
        if (role == Role.SIDECAR) {
            environment = f.key("environment");
        } else if (f.has("environment")) {
            f.error("environment", "only sidecar keys are bound to an environment");
        }
        f.done();
        String environmentKey = environment;
        return threads.run(() -> {
            KeyService.Created created = keys.create(call.actor(), name, role, environmentKey);
            ObjectNode o = json.key(created.info());
            o.put("key", created.key());
            return Reply.created(o, V1 + "/keys/" + created.info().id());
        });
    }

    private Future<Reply> revokeKey(Call call) {
        UUID id = keyId(call);
        // Revoked on this replica at once; other replicas drop the key from their caches within auth.cache-ttl.
        return threads.run(() -> keys.revoke(call.actor(), id)).map(k -> {
            authenticator.evict(k.prefix());
            return Reply.ok(json.key(k));
        });
    }

    // ---------------------------------------------------------------- audit

    private Future<Reply> listAudit(Call call) {
        int limit = call.limit();
        AuditService.Query query = new AuditService.Query(call.query("resourceType"), call.query("resource"),
                call.query("environment"), call.query("action"), call.query("from"), call.query("to"), call.after());
        return threads.run(() -> Reply.ok(pageJson(call, audit.list(call.tenantId(), query, limit), limit, j -> j)));
    }

    // ---------------------------------------------------------------- sidecar

    /** Notes in memory that the caller's instance holds {@code version} (see {@link SightingBuffer}). */
    private void noteSighting(Call call, long version) {
        io.vertx.core.http.HttpServerRequest request = call.context().request();
        sightings.record(call.tenantId(), call.principal().environmentId(),
                request.getHeader(ClientIdentity.INSTANCE_HEADER), call.principal().keyId(),
                call.principal().keyName(), request.getHeader("User-Agent"), version,
                call.context().get(ApiRouter.CLIENT));
    }

    private Future<Reply> sidecarFlags(Call call) {
        String sinceText = call.query("since");
        Long since = null;
        if (sinceText != null && sinceText.matches("\\d{1,18}")) {
            since = Long.parseLong(sinceText);
        } else if (sinceText != null) {
            throw ApiException.invalidParameter(List.of(new FieldError("since", "must be a version (a whole number of at"
                    + " most 18 digits), not '" + io.guidon.json.ValueChecks.printable(sinceText, 40) + "'")));
        }
        String ifNoneMatch = call.context().request().getHeader("If-None-Match");
        Long sinceVersion = since;
        return snapshots.current(call.tenantId(), call.principal().environmentId()).map(s -> {
            // Whatever the answer (304, delta or whole document), the sidecar holds s.version() after it.
            noteSighting(call, s.version());
            String etag = "\"" + s.version() + "\"";
            if (ifNoneMatch != null && (ifNoneMatch.trim().equals(etag) || ifNoneMatch.trim().equals("W/" + etag))) {
                return new Reply(304, null, null, new java.util.LinkedHashMap<>()).header("ETag", etag);
            }
            if (sinceVersion != null && s.covers(sinceVersion)) {
                return Reply.raw(200, s.delta(sinceVersion)).header("ETag", etag).header("Cache-Control", "no-cache");
            }
            String accept = call.context().request().getHeader("Accept-Encoding");
            Reply full = accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("gzip")
                    ? Reply.raw(200, s.fullGzip()).header("Content-Encoding", "gzip") : Reply.raw(200, s.full());
            return full.header("ETag", etag).header("Cache-Control", "no-cache").header("Vary", "Accept-Encoding");
        });
    }
}
