package io.guidon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.guidon.json.JsonProblems;
import io.guidon.engine.Compilation;
import io.guidon.engine.EvaluationContext;
import io.guidon.engine.EvaluationResult;
import io.guidon.engine.Evaluator;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.ValidationError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code guidon eval FILE FLAG --context JSON [--explain]}: one evaluation, printed as JSON. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        header = "Evaluate one flag for one context; print the result (and --explain trace) as JSON.",
        description = {"Evaluates one flag of a flag document for one context and prints the result as JSON:",
                "{flag, value, variant, reason, ruleId} or {flag, reason: ERROR, errorCode, errorDetails}."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:evaluated", "1:the evaluation failed (unknown flag, missing targeting key) or the "
                + "document is invalid or cannot be read", "2:wrong usage (such as a context that is not a JSON "
                + "object, or a context file that cannot be read)"})
public final class EvalCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The flag document (JSON).")
    Path file;

    @Parameters(index = "1", paramLabel = "FLAG", description = "The key of the flag to evaluate.")
    String flagKey;

    @ArgGroup(exclusive = true)
    ContextSource context = new ContextSource();

    static final class ContextSource {
        @Option(names = {"-c", "--context"}, paramLabel = "JSON",
                description = "The context as a JSON object, such as '{\"targetingKey\":\"u1\",\"country\":\"DE\"}' "
                        + "(default: {}).")
        String json;

        @Option(names = "--context-file", paramLabel = "FILE", description = "Read the context from a JSON file.")
        Path file;
    }

    @Option(names = {"-x", "--explain"},
            description = "Add the trace: prerequisites, targets, rules and clauses, each matched or not, and the "
                    + "rollout bucket.")
    boolean explain;

    @Option(names = "--at", paramLabel = "INSTANT",
            description = "Evaluate as if now were this ISO-8601 instant (for olderThan/newerThan), such as "
                    + "2025-06-01T00:00:00Z.")
    String at;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FlagDocumentCompiler compiler = new FlagDocumentCompiler();
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        InstantSource clock = InstantSource.system();
        if (at != null) {
            try {
                clock = InstantSource.fixed(Instant.parse(at));
            } catch (DateTimeParseException e) {
                err.println("--at: not an ISO-8601 instant such as 2025-06-01T00:00:00Z: " + at);
                return 2;
            }
        }
        Map<String, Object> attributes = readContext(json, err);
        if (attributes == null) {
            return 2;
        }
        byte[] document;
        try {
            document = Files.readAllBytes(file);
        } catch (IOException e) {
            err.println(FileErrors.cannotRead(file, e));
            return 1;
        }
        Compilation compilation = compiler.compile(document);
        if (!compilation.ok()) {
            for (ValidationError e : compilation.errors()) {
                err.println(e);
            }
            err.printf("%s: %d problem%s; nothing evaluated%n", file, compilation.errors().size(),
                    compilation.errors().size() == 1 ? "" : "s");
            return 1;
        }
        Evaluator evaluator = new Evaluator(clock);
        EvaluationContext ctx = EvaluationContext.of(attributes);
        EvaluationResult result;
        Map<String, Object> trace = null;
        if (explain) {
            Evaluator.Explanation explanation = evaluator.explain(compilation.flagSet(), flagKey, ctx);
            result = explanation.result();
            trace = explanation.trace();
        } else {
            result = evaluator.evaluate(compilation.flagSet(), flagKey, ctx);
        }
        Map<String, Object> printed = new LinkedHashMap<>();
        printed.put("flag", result.flagKey());
        if (result.isError()) {
            printed.put("reason", result.reason().name());
            printed.put("errorCode", result.errorCode().name());
            printed.put("errorDetails", result.errorDetails());
        } else {
            printed.put("value", result.value());
            printed.put("variant", result.variantKey());
            printed.put("reason", result.reason().name());
            if (result.ruleId() != null) {
                printed.put("ruleId", result.ruleId());
            }
        }
        if (trace != null) {
            printed.put("explanation", trace);
        }
        out.println(json.writeValueAsString(printed));
        out.flush();
        return result.isError() ? 1 : 0;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> readContext(ObjectMapper json, PrintWriter err) throws IOException {
        String text;
        try {
            text = context.file != null ? Files.readString(context.file)
                    : context.json != null ? context.json : "{}";
        } catch (IOException e) {
            err.println("--context-file: " + FileErrors.cannotRead(context.file, e));
            return null;
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            err.println("the context is not valid JSON: " + JsonProblems.syntax(String.valueOf(e.getOriginalMessage()))
                    .replace("the body", "the context"));
            return null;
        }
        if (node == null || !node.isObject()) {
            err.println("the context must be a JSON object such as {\"targetingKey\": \"user-1\"}, not: " + text);
            return null;
        }
        return json.convertValue(node, Map.class);
    }
}
