package io.guidon.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guidon.controlplane.auth.Authenticator;
import io.guidon.controlplane.auth.Role;
import io.guidon.controlplane.snapshots.SnapshotCache;
import io.guidon.controlplane.store.AuditLog;
import io.guidon.controlplane.store.ConfigService;
import io.guidon.controlplane.store.EnvDocument;
import io.guidon.controlplane.store.KeyService;
import io.guidon.controlplane.store.Page;
import io.guidon.engine.FlagDocumentCompiler;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** The resources of {@code /api/v1}: environments, flags, flag configurations, segments, keys, audit, sidecar. */
public final class Routes {

    static final String V1 = "/api/v1";
    private static final Set<String> AUDIT_TYPES = Set.of("tenant", "environment", "flag", "segment", "key");

    private final ConfigService config;
    private final KeyService keys;
    private final AuditLog audit;
    private final SnapshotCache snapshots;
    private final Authenticator authenticator;

    public Routes(ConfigService config, KeyService keys, AuditLog audit, SnapshotCache snapshots,
            Authenticator authenticator) {
        this.config = config;
        this.keys = keys;
        this.audit = audit;
        this.snapshots = snapshots;
        this.authenticator = authenticator;
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

        api.add(HttpMethod.GET, V1 + "/sidecar/flags", Role.SIDECAR, "The flag document of the key's environment",
                List.of("since"), this::sidecarFlags);
    }

    // ---------------------------------------------------------------- helpers

    private static <T> ObjectNode pageJson(Page<T> page, int limit, Function<T, JsonNode> item) {
        ObjectNode o = Json.object();
        ArrayNode items = o.putArray("items");
        for (T t : page.items()) {
            items.add(item.apply(t));
        }
        o.put("total", page.total());
        o.put("limit", limit);
        o.put("nextCursor", Cursors.encode(page.nextAfter()));
        return o;
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
        return config.environments(call.tenantId(), call.query("q"), call.after(), limit)
                .map(p -> Reply.ok(pageJson(p, limit, ConfigService::envJson)));
    }

    private Future<Reply> createEnvironment(Call call) {
        Fields f = new Fields(call.body()).allow("key", "name", "description");
        String key = f.key("key");
        String name = f.text("name", Fields.MAX_NAME, false);
        String description = f.text("description", Fields.MAX_DESCRIPTION, false);
        f.done();
        return config.createEnvironment(call.actor(), key, name == null ? key : name,
                        description == null ? "" : description)
                .map(e -> Reply.created(ConfigService.envJson(e), V1 + "/environments/" + e.key()).etag(e.revision()));
    }

    private Future<Reply> getEnvironment(Call call) {
        return config.environment(call.tenantId(), call.param("env"))
                .map(e -> Reply.ok(ConfigService.envJson(e)).etag(e.revision()));
    }

    private Future<Reply> updateEnvironment(Call call) {
        Integer ifMatch = call.requireIfMatch();
        Fields f = new Fields(call.body()).allow("key", "name", "description", "version", "revision", "createdAt",
                "updatedAt");
        keyMatchesPath(f, call.param("env"));
        String name = f.text("name", Fields.MAX_NAME, true);
        String description = f.text("description", Fields.MAX_DESCRIPTION, false);
        f.done();
        return config.updateEnvironment(call.actor(), call.param("env"), ifMatch, name,
                        description == null ? "" : description)
                .map(e -> Reply.ok(ConfigService.envJson(e)).etag(e.revision()));
    }

    private Future<Reply> deleteEnvironment(Call call) {
        return config.deleteEnvironment(call.actor(), call.param("env"), call.ifMatch()).map(x -> Reply.noContent());
    }

    // ---------------------------------------------------------------- flag definitions

    private Future<Reply> listFlags(Call call) {
        int limit = call.limit();
        return config.flags(call.tenantId(), call.query("tag"), call.query("q"), call.after(), limit)
                .map(p -> Reply.ok(pageJson(p, limit, ConfigService::flagJson)));
    }

    private static ConfigService.FlagFields definition(Fields f) {
        String description = f.text("description", Fields.MAX_DESCRIPTION, false);
        List<String> tags = f.strings("tags", 50, 64);
        JsonNode variants = f.raw("variants");
        if (variants == null) {
            f.error("variants", "required: an object of variant values by name, such as {\"on\": true, \"off\": false}");
        } else if (!variants.isObject() || variants.isEmpty()) {
            f.error("variants", "must be a non-empty object of variant values by name, not " + Fields.kind(variants));
        }
        JsonNode metadata = f.raw("metadata");
        String salt = f.text("salt", 128, false);
        return new ConfigService.FlagFields(description, tags, variants, metadata, salt);
    }

    private Future<Reply> createFlag(Call call) {
        Fields f = new Fields(call.body()).allow("key", "description", "tags", "variants", "metadata", "salt",
                "offVariant");
        String key = f.key("key");
        ConfigService.FlagFields fields = definition(f);
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
        return config.createFlag(call.actor(), key, fields, offVariant, List.copyOf(f.errors()))
                .map(d -> Reply.created(ConfigService.flagJson(d), V1 + "/flags/" + d.key()).etag(d.revision()));
    }

    private Future<Reply> getFlag(Call call) {
        return config.flag(call.tenantId(), call.param("flag"))
                .map(d -> Reply.ok(ConfigService.flagJson(d)).etag(d.revision()));
    }

    private Future<Reply> updateFlag(Call call) {
        Integer ifMatch = call.requireIfMatch();
        Fields f = new Fields(call.body()).allow("key", "description", "tags", "variants", "metadata", "salt",
                "revision", "createdAt", "updatedAt");
        keyMatchesPath(f, call.param("flag"));
        ConfigService.FlagFields fields = definition(f);
        return config.updateFlag(call.actor(), call.param("flag"), ifMatch, fields, List.copyOf(f.errors()))
                .map(d -> Reply.ok(ConfigService.flagJson(d)).etag(d.revision()));
    }

    private Future<Reply> deleteFlag(Call call) {
        return config.deleteFlag(call.actor(), call.param("flag"), call.ifMatch()).map(x -> Reply.noContent());
    }

    // ---------------------------------------------------------------- flag configurations

    private Future<Reply> listEnvFlags(Call call) {
        int limit = call.limit();
        return config.environmentFlags(call.tenantId(), call.param("env"), call.query("tag"), call.query("q"),
                call.after(), limit).map(p -> Reply.ok(pageJson(p, limit, ConfigService.EnvFlag::toJson)));
    }

    private Future<Reply> getEnvFlag(Call call) {
        return config.environmentFlag(call.tenantId(), call.param("env"), call.param("flag"))
                .map(f -> Reply.ok(f.toJson()).etag(f.revision()));
    }

    /** Markup in rule descriptions is refused like in any other description. */
    private static void ruleDescriptions(Fields f) {
        JsonNode rules = f.raw("rules");
        if (rules != null && rules.isArray()) {
            for (int i = 0; i < rules.size(); i++) {
                JsonNode d = rules.get(i).get("description");
                if (d != null && d.isTextual()) {
                    String problem = Text.problem(d.textValue(), Fields.MAX_DESCRIPTION);
                    if (problem != null) {
                        f.error("rules[" + i + "].description", problem);
                    }
                }
            }
        }
    }

    private Future<Reply> putEnvFlag(Call call) {
        Integer ifMatch = call.requireIfMatch();
        ObjectNode body = call.body();
        Set<String> readOnly = Set.of("key", "environment", "description", "tags", "variants", "salt", "metadata",
                "revision");
        List<String> allowed = new ArrayList<>(List.of(EnvDocument.CONFIG_FIELDS));
        allowed.addAll(readOnly);
        Fields f = new Fields(body).allow(allowed.toArray(new String[0]));
        keyMatchesPath(f, call.param("flag"));
        ruleDescriptions(f);
        // Not f.done(): the request's own errors are answered together with the engine's (one 422 with all).
        ObjectNode cfg = Json.object();
        for (String field : EnvDocument.CONFIG_FIELDS) {
            if (body.has(field)) {
                cfg.set(field, body.get(field));
            }
        }
        return config.updateEnvironmentFlag(call.actor(), call.param("env"), call.param("flag"), ifMatch,
                "flag.configure", (current, errors) -> {
                    // The definition fields may be sent back as read (GET, edit, PUT) but must not differ.
                    ObjectNode def = EnvDocument.flagObject(current.def(), null);
                    for (String field : List.of("description", "tags", "variants", "salt", "metadata")) {
                        JsonNode sent = body.get(field);
                        JsonNode have = def.get(field);
                        if (sent != null && !sent.isNull() && !sent.equals(have == null ? defaultOf(field) : have)) {
                            errors.add(new FieldError(field, "is part of the flag's definition, the same in every"
                                    + " environment: change it with PUT /api/v1/flags/" + current.def().key()));
                        }
                    }
                    return cfg;
                }, List.copyOf(f.errors())).map(f2 -> Reply.ok(f2.toJson()).etag(f2.revision()));
    }

    private static JsonNode defaultOf(String field) {
        return switch (field) {
            case "description" -> Json.NODES.textNode("");
            case "tags" -> Json.array();
            default -> Json.NODES.nullNode();
        };
    }

    private Future<Reply> toggle(Call call) {
        Integer ifMatch = call.ifMatch();
        Fields f = new Fields(call.body()).allow("enabled");
        Boolean enabled = f.bool("enabled", true);
        f.done();
        return config.updateEnvironmentFlag(call.actor(), call.param("env"), call.param("flag"), ifMatch,
                enabled ? "flag.enable" : "flag.disable", current -> {
                    ObjectNode cfg = current.config().deepCopy();
                    cfg.put("enabled", enabled);
                    return cfg;
                }).map(r -> Reply.ok(r.toJson()).etag(r.revision()));
    }

    private Future<Reply> rollout(Call call) {
        Integer ifMatch = call.ifMatch();
        Fields f = new Fields(call.body()).allow("percentage", "rollout", "bucketBy");
        JsonNode percentage = f.raw("percentage");
        JsonNode weights = f.raw("rollout");
        JsonNode bucketBy = f.raw("bucketBy");
        if ((percentage == null) == (weights == null)) {
            f.error("percentage", "give exactly one of percentage (a boolean flag's share of true, 0 to 100) and"
                    + " rollout (percentages by variant)");
        }
        // The engine's rule for a rollout weight, on the exact decimal written (a double would make
        // 10.00000000000000001 a valid 10).
        BigDecimal pct = null;
        if (percentage != null) {
            String problem = FlagDocumentCompiler.percentageProblem(percentage);
            if (problem != null) {
                f.error("percentage", problem);
            } else {
                pct = percentage.decimalValue();
            }
        }
        if (weights != null && !weights.isObject()) {
            f.error("rollout", "must be an object of percentages by variant, such as {\"on\": 10, \"off\": 90}");
        }
        if (bucketBy != null && !bucketBy.isTextual()) {
            f.error("bucketBy", "must be an attribute name, not " + Fields.kind(bucketBy));
        }
        // Not f.done(): the request's own errors are answered together with the engine's (one 422 with all).
        BigDecimal share = pct;
        JsonNode bucket = bucketBy != null && bucketBy.isTextual() ? bucketBy : null;
        boolean usable = share != null ^ (weights != null && weights.isObject());
        return config.updateEnvironmentFlag(call.actor(), call.param("env"), call.param("flag"), ifMatch,
                "flag.rollout", (current, errors) -> {
                    if (!usable) {
                        return null;
                    }
                    ObjectNode rollout;
                    if (share != null) {
                        String on = null;
                        String off = null;
                        for (Iterator<Map.Entry<String, JsonNode>> it = current.def().variants().fields(); it.hasNext();) {
                            Map.Entry<String, JsonNode> e = it.next();
                            if (e.getValue().isBoolean() && e.getValue().booleanValue() && on == null) {
                                on = e.getKey();
                            } else if (e.getValue().isBoolean() && !e.getValue().booleanValue() && off == null) {
                                off = e.getKey();
                            }
                        }
                        if (on == null || off == null || current.def().variants().size() != 2) {
                            errors.add(new FieldError("percentage", "only a boolean flag (one true and one false"
                                    + " variant) takes a percentage; give rollout {variant: percentage, ...} instead"));
                            return null;
                        }
                        rollout = Json.object();
                        // The share as written (an integer stays one), its complement exact.
                        rollout.set(on, percentage);
                        rollout.set(off, percentage.isIntegralNumber()
                                ? Json.NODES.numberNode(BigDecimal.valueOf(100).subtract(share).toBigIntegerExact())
                                : Json.decimal(BigDecimal.valueOf(100).subtract(share)));
                    } else {
                        rollout = (ObjectNode) weights;
                    }
                    ObjectNode cfg = current.config().deepCopy();
                    ObjectNode fallthrough = cfg.putObject("fallthrough");
                    fallthrough.set("rollout", rollout);
                    if (bucket != null) {
                        fallthrough.set("bucketBy", bucket);
                    }
                    return cfg;
                }, List.copyOf(f.errors())).map(r -> Reply.ok(r.toJson()).etag(r.revision()));
    }

    // ---------------------------------------------------------------- segments

    private Future<Reply> listSegments(Call call) {
        int limit = call.limit();
        String env = call.param("env");
        return config.segments(call.tenantId(), env, call.query("q"), call.after(), limit)
                .map(p -> Reply.ok(pageJson(p, limit, s -> ConfigService.segmentJson(env, s))));
    }

    private Future<Reply> getSegment(Call call) {
        String env = call.param("env");
        return config.segment(call.tenantId(), env, call.param("segment"))
                .map(s -> Reply.ok(ConfigService.segmentJson(env, s)).etag(s.revision()));
    }

    private static ObjectNode segmentDefinition(Fields f) {
        ObjectNode def = Json.object();
        for (String field : EnvDocument.SEGMENT_FIELDS) {
            JsonNode v = f.raw(field);
            if (v != null) {
                def.set(field, v);
            }
        }
        return def;
    }

    private Future<Reply> createSegment(Call call) {
        Fields f = new Fields(call.body()).allow("key", "description", "included", "excluded", "rules");
        String key = f.key("key");
        String description = f.text("description", Fields.MAX_DESCRIPTION, false);
        // Not f.done(): the request's own errors are answered together with the engine's (one 422 with all).
        String env = call.param("env");
        return config.putSegment(call.actor(), env, key, true, null, description, segmentDefinition(f),
                        List.copyOf(f.errors()))
                .map(s -> Reply.created(ConfigService.segmentJson(env, s),
                        V1 + "/environments/" + env + "/segments/" + s.key()).etag(s.revision()));
    }

    private Future<Reply> updateSegment(Call call) {
        Integer ifMatch = call.requireIfMatch();
        Fields f = new Fields(call.body()).allow("key", "environment", "description", "included", "excluded", "rules",
                "revision", "createdAt", "updatedAt");
        keyMatchesPath(f, call.param("segment"));
        String description = f.text("description", Fields.MAX_DESCRIPTION, false);
        String env = call.param("env");
        return config.putSegment(call.actor(), env, call.param("segment"), false, ifMatch, description,
                        segmentDefinition(f), List.copyOf(f.errors()))
                .map(s -> Reply.ok(ConfigService.segmentJson(env, s)).etag(s.revision()));
    }

    private Future<Reply> deleteSegment(Call call) {
        return config.deleteSegment(call.actor(), call.param("env"), call.param("segment"), call.ifMatch())
                .map(x -> Reply.noContent());
    }

    // ---------------------------------------------------------------- keys

    private Future<Reply> listKeys(Call call) {
        int limit = call.limit();
        String after = call.after();
        if (after != null && !after.matches("\\d{1,19}:[0-9a-f-]{36}")) {
            throw ApiException.invalidQuery(List.of(new FieldError("cursor", "not a cursor of this listing")));
        }
        return keys.list(call.tenantId(), after, limit)
                .map(p -> Reply.ok(pageJson(p, limit, KeyService.KeyInfo::toJson)));
    }

    private static UUID keyId(Call call) {
        try {
            return UUID.fromString(call.param("id"));
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("no key '" + call.param("id") + "'");
        }
    }

    private Future<Reply> getKey(Call call) {
        return keys.get(call.tenantId(), keyId(call)).map(k -> Reply.ok(k.toJson()));
    }

    private Future<Reply> createKey(Call call) {
        Fields f = new Fields(call.body()).allow("name", "role", "environment");
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
        return keys.create(call.actor(), name, role, environment).map(created -> {
            ObjectNode o = created.info().toJson();
            o.put("key", created.key());
            return Reply.created(o, V1 + "/keys/" + created.info().id());
        });
    }

    private Future<Reply> revokeKey(Call call) {
        return keys.revoke(call.actor(), keyId(call)).map(k -> {
            authenticator.evict(k.prefix());
            return Reply.ok(k.toJson());
        });
    }

    // ---------------------------------------------------------------- audit

    private Future<Reply> listAudit(Call call) {
        int limit = call.limit();
        List<FieldError> errors = new ArrayList<>();
        String type = call.query("resourceType");
        if (type != null && !AUDIT_TYPES.contains(type)) {
            errors.add(new FieldError("resourceType", "must be one of " + AUDIT_TYPES + ", not '" + type + "'"));
        }
        OffsetDateTime from = instant(call.query("from"), "from", errors);
        OffsetDateTime to = instant(call.query("to"), "to", errors);
        Long before = null;
        String after = call.after();
        if (after != null) {
            try {
                before = Long.parseLong(after);
            } catch (NumberFormatException e) {
                errors.add(new FieldError("cursor", "not a cursor of this listing"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidQuery(errors);
        }
        AuditLog.Filter filter = new AuditLog.Filter(type, call.query("resource"), call.query("environment"),
                call.query("action"), from, to, before);
        return audit.list(call.tenantId(), filter, limit).map(p -> Reply.ok(pageJson(p, limit, j -> j)));
    }

    private static OffsetDateTime instant(String v, String name, List<FieldError> errors) {
        if (v == null) {
            return null;
        }
        try {
            Instant instant = Instant.parse(v);
            String problem = io.guidon.json.ValueChecks.instantProblem(instant);
            if (problem != null) {
                errors.add(new FieldError(name, problem));
                return null;
            }
            return instant.atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(name, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, not '" + v
                    + "'"));
            return null;
        }
    }

    // ---------------------------------------------------------------- sidecar

    private Future<Reply> sidecarFlags(Call call) {
        String sinceText = call.query("since");
        Long since = null;
        if (sinceText != null && sinceText.matches("\\d{1,18}")) {
            since = Long.parseLong(sinceText);
        } else if (sinceText != null) {
            throw ApiException.invalidQuery(List.of(new FieldError("since", "must be a version (a whole number of at"
                    + " most 18 digits), not '" + io.guidon.json.ValueChecks.printable(sinceText, 40) + "'")));
        }
        String ifNoneMatch = call.context().request().getHeader("If-None-Match");
        Long sinceVersion = since;
        return snapshots.current(call.tenantId(), call.principal().environmentId()).map(s -> {
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
