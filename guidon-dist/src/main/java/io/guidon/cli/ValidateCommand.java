package io.guidon.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.guidon.engine.Compilation;
import io.guidon.engine.FlagDocumentCompiler;
import io.guidon.engine.ValidationError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code guidon validate FILE...}: for teams that keep flags as code and check them in CI. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        header = "Check flag documents; list every problem with its JSON path.",
        description = {"Checks flag documents. Prints every problem with its JSON path and exits 1,",
                "or prints a one-line summary per file and exits 0."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every document is valid", "1:a document has problems or cannot be read",
                "2:wrong usage"})
public final class ValidateCommand implements Callable<Integer> {

    enum Format { text, json }

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Flag documents (JSON) to check.")
    List<Path> files;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). json prints one object "
                    + "per file: {file, valid, flags, segments, errors: [{path, message}]}.")
    Format format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        FlagDocumentCompiler compiler = new FlagDocumentCompiler();
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper json = new ObjectMapper();
        boolean allValid = true;
        for (Path file : files) {
            List<ValidationError> errors;
            Compilation compilation = null;
            try {
                compilation = compiler.compile(Files.readAllBytes(file));
                errors = compilation.errors();
            } catch (IOException e) {
                errors = List.of(new ValidationError("", FileErrors.cannotRead(file, e)));
            }
            allValid &= errors.isEmpty();
            if (format == Format.json) {
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("file", file.toString());
                report.put("valid", errors.isEmpty());
                if (compilation != null && compilation.ok()) {
                    report.put("flags", compilation.flagSet().size());
                    report.put("segments", compilation.flagSet().segmentKeys().size());
                }
                List<Map<String, String>> list = new ArrayList<>();
                for (ValidationError e : errors) {
                    list.add(Map.of("path", e.path(), "message", e.message()));
                }
                report.put("errors", list);
                out.println(json.writeValueAsString(report));
            } else if (errors.isEmpty()) {
                out.printf("%s: valid, %d flags, %d segments%n", file, compilation.flagSet().size(),
                        compilation.flagSet().segmentKeys().size());
            } else {
                for (ValidationError e : errors) {
                    out.println(e);
                }
                out.printf("%s: %d problem%s%n", file, errors.size(), errors.size() == 1 ? "" : "s");
            }
        }
        out.flush();
        return allValid ? 0 : 1;
    }
}
