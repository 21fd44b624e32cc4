/**
 * Guidon's flag engine: the flag format (docs/flag-format.md), its compiler and its evaluator. Pure Java with Jackson
 * and RE2/J: no Vert.x, no I/O ({@code EngineIsPureTest}), so that the sidecar, the control plane, the CLI and a
 * Java application in-process all evaluate with the same code.
 *
 * <h2>The pipeline</h2>
 *
 * <pre>
 *   bytes / String / JsonNode
 *     └─ {@link io.guidon.engine.FlagDocumentCompiler}      parse (strict: duplicate keys, exact decimals, 16 MiB, 200 levels)
 *          └─ {@link io.guidon.engine.DocumentCompiler}     one compilation; every part reports to one {@link io.guidon.engine.Problems}
 *               ├─ {@link io.guidon.engine.TextScan}             NUL and lone surrogates anywhere
 *               ├─ {@link io.guidon.engine.SegmentCompiler}      included, excluded, rules
 *               ├─ {@link io.guidon.engine.FlagCompiler}         own fields, then:
 *               │    ├─ {@link io.guidon.engine.VariantCompiler}      variants (one type, wire numbers), variant references
 *               │    ├─ {@link io.guidon.engine.PrerequisiteCompiler}
 *               │    ├─ {@link io.guidon.engine.TargetCompiler}
 *               │    ├─ {@link io.guidon.engine.RuleCompiler}         id, when, serve
 *               │    └─ {@link io.guidon.engine.ServeCompiler}        a variant, or a rollout ({@link io.guidon.engine.RolloutCompiler})
 *               ├─ {@link io.guidon.engine.ConditionCompiler}    all, any, not, segment references
 *               │    └─ {@link io.guidon.engine.ClauseCompiler}       attribute and operator name, then the operator's own
 *               │         {@link io.guidon.engine.OperatorSpec} (an {@link io.guidon.engine.Operator} constant names it)
 *               ├─ {@link io.guidon.engine.References}           segment references and prerequisites: unknown, cycles, depth
 *               ├─ {@link io.guidon.engine.EvaluationCosts}      worst-case steps of each flag and segment ({@link io.guidon.engine.Cost})
 *               └─ {@link io.guidon.engine.Fingerprints}         for {@link io.guidon.engine.FlagSet#changedSince}
 *     → {@link io.guidon.engine.Compilation}: a {@link io.guidon.engine.FlagSet}, or every {@link io.guidon.engine.ValidationError} (never both)
 *
 *   {@link io.guidon.engine.FlagSet} + {@link io.guidon.engine.EvaluationContext} → {@link io.guidon.engine.Evaluator} → {@link io.guidon.engine.EvaluationResult}
 *       disabled → prerequisites → targets → rules ({@link io.guidon.engine.Condition} tree, {@link io.guidon.engine.Clause} leaves) → fallthrough ({@link io.guidon.engine.Serve})
 * </pre>
 *
 * <p>The compilers share the state of one compilation through {@link io.guidon.engine.DocumentParts} (what is
 * compiled, what references what, where each reference is written, each rule's {@link io.guidon.engine.Cost.Part});
 * what is resolved needs everything read first, so it runs after all segments and flags are compiled.
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li><b>Errors are returned, never thrown.</b> The compiler reports every problem of a document in one pass, each
 *       with its place as a JSON Pointer ({@link io.guidon.engine.ValidationError#where()}; the text people read,
 *       {@code flags.a.rules[0].when}, is {@link io.guidon.engine.ValidationError#path()}); a document with any problem
 *       yields no flag set. Whatever escapes (a fault of ours) becomes one error for the whole document. The evaluator
 *       returns errors as results ({@link io.guidon.engine.Reason#ERROR} with an {@link io.guidon.engine.ErrorCode}).</li>
 *   <li><b>A problem is placed inside what it concerns</b>: below {@code flags.KEY} or {@code segments.KEY}, never at
 *       the entry alone (the control plane answers a write of one flag or segment with places relative to it;
 *       {@code ErrorPathProperties}).</li>
 *   <li><b>Everything that can be done once is done at compile time</b>: sets, sorted arrays, compiled patterns,
 *       versions, instants and durations, references resolved to objects, one
 *       {@link io.guidon.engine.EvaluationResult} per flag and outcome. A compiled {@link io.guidon.engine.FlagSet} is
 *       immutable and shared; callers swap whole sets.</li>
 *   <li><b>The hot path</b> ({@link io.guidon.engine.Evaluator}, {@link io.guidon.engine.Condition},
 *       {@link io.guidon.engine.Clause} and the operator classes' {@code testValue}): index loops, no streams, lambdas
 *       or iterators, nothing allocated for a successful evaluation except what an operator must parse from the
 *       context; one virtual call per clause ({@code testValue}) and switches on the operator inside a family. JMH
 *       scenarios A–D ({@code benchmarks/run-engine.sh}) must stay as fast, with 0 B/op.</li>
 *   <li><b>Bounded work</b>: the limits of {@link io.guidon.engine.FlagDocumentCompiler} (nesting, counts, string and
 *       regular expression sizes, {@link io.guidon.engine.FlagDocumentCompiler#MAX_SCANNED_LENGTH} scanned characters)
 *       and the worst-case evaluation cost ({@link io.guidon.engine.Cost}, at most
 *       {@link io.guidon.engine.FlagDocumentCompiler#MAX_EVALUATION_STEPS} steps) bound what any document or context
 *       can make the compiler or an evaluation spend. {@code EvaluationCostProperties} checks the cost against a
 *       brute-force count.</li>
 *   <li><b>Thread safety</b>: a {@link io.guidon.engine.FlagDocumentCompiler} and an
 *       {@link io.guidon.engine.Evaluator} serve any number of threads; a compilation's own objects
 *       ({@code DocumentCompiler} and the compilers it makes) are used by one.</li>
 * </ul>
 *
 * <h2>How to add an operator</h2>
 *
 * <p>An operator is one class: a final subclass of {@link io.guidon.engine.Clause} that compiles its own values and
 * evaluates them. Take {@link io.guidon.engine.NumberOperator} or {@link io.guidon.engine.TextOperator} as the model.
 * Say the new operator is {@code "endsWithAny"}:
 *
 * <ol>
 *   <li><b>The class</b>, {@code EndsWithAnyOperator extends Clause}, in this package:
 *     <ul>
 *       <li>fields holding the prepared values (arrays, sets, compiled objects), set by a private constructor that
 *           calls {@code super(attribute, op, OperatorValues.source(values))};</li>
 *       <li>{@code static Clause compile(OperatorSpec.Input in, Problems problems)}: start with
 *           {@code OperatorValues.required(in, problems)} (a non-empty array, at most
 *           {@link io.guidon.engine.FlagDocumentCompiler#MAX_VALUES}; {@link io.guidon.engine.ExistsOperator} shows an
 *           operator without values), check each value with {@code problems.error(in.valuesAt().index(i), ...)}
 *           ({@code OperatorValues.strings} for strings, {@code problems.representable} for numbers), prepare them
 *           once, and return the clause: never throw, and never return a half-prepared clause that
 *           {@code testValue} could trip on (the compiler discards a clause with problems, but its {@code steps()}
 *           is still counted);</li>
 *       <li>{@code boolean testValue(Object value, InstantSource clock)}: whether one scalar attribute value (String,
 *           Boolean, Long, Double or another Number, List and Map elements of a list attribute) satisfies the
 *           operator; false for a type it does not take. Index loops over the prepared arrays, no allocation, no
 *           exception;</li>
 *       <li>{@code long steps()} when it costs more than one step of about 10 ns on its worst input (see
 *           {@link io.guidon.engine.Clause#steps()}), and {@code scansText()} when it scans a whole string (then it
 *           also refuses strings longer than {@link io.guidon.engine.FlagDocumentCompiler#MAX_SCANNED_LENGTH});
 *           {@code everyElement()} when, like {@code notIn}, it must hold for every element of a list.</li>
 *     </ul></li>
 *   <li><b>The registration</b>: one constant in {@link io.guidon.engine.Operator},
 *       {@code ENDS_WITH_ANY("endsWithAny", EndsWithAnyOperator::compile)}. Nothing else dispatches on operators:
 *       {@link io.guidon.engine.ClauseCompiler} finds it by name (and suggests it for near misses), and
 *       {@link io.guidon.engine.Clause#test} calls its {@code testValue}.</li>
 *   <li><b>The tests</b>: a sample in {@code ClauseTest.samples()} (the checks that every operator has one, is false
 *       for a missing attribute and for an object, and compiles to its own class ({@code OperatorRegistryTest}) run
 *       over every constant); a nested class in {@code ClauseTest} for what it holds for and what not; its value
 *       errors in {@code FlagDocumentCompilerConditionTest} ({@code Values}, {@code OperatorValues}); its name and
 *       values in {@code NeverThrowsProperties.OPERATORS} and its value generator (random documents, compiled and
 *       evaluated, never throw); and, when it has its own cost, a case in {@code FlagDocumentCompilerScanCostTest}
 *       or {@code FlagDocumentCompilerCostTest} and its weight in {@code EvaluationCostProperties}' brute
 *       force.</li>
 *   <li><b>The docs</b>: {@code docs/flag-format.md}, section "Clauses and operators" (a row in "Operators at a
 *       glance", a subsection with an example {@code {"op": "endsWithAny", ...}}, and its steps in "Limits" when it
 *       has its own cost), and {@code docs/flag-format.schema.json} ({@code $defs.operator.enum} and its
 *       description). {@code FlagFormatSchemaTest} fails until the code, the schema and the reference name the same
 *       operators with an example of each.</li>
 * </ol>
 *
 * <p>Then run {@code ./mvnw -B -o test -pl guidon-engine -am}, and {@code benchmarks/run-engine.sh} before and after
 * if the change touched {@link io.guidon.engine.Clause} itself.
 */
package io.guidon.engine;
