package io.guidon.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.guidon.json.Pointer;
import java.time.InstantSource;
import java.util.List;

/**
 * {@code matches}: the string attribute matches any of the regular expressions, searched anywhere in it, with RE2
 * semantics (linear time, no backtracking). Each pattern is sized ({@link RegexSize}) before RE2/J compiles it, and
 * refused above {@link FlagDocumentCompiler#MAX_REGEX_SIZE} or past the document's {@link RegexBudget}. A pattern
 * that is only literal text (with ^ or $) is matched without RE2 ({@link LiteralPattern}).
 */
final class MatchesOperator extends Clause {

    private final Pattern[] patterns;
    /** For a pattern that is only literal text (with ^ or $), that text; it is then matched without RE2. */
    private final LiteralPattern[] literals;

    private MatchesOperator(String attribute, List<Object> source, Pattern[] patterns) {
        super(attribute, Operator.MATCHES, source);
        this.patterns = patterns;
        this.literals = new LiteralPattern[patterns.length];
        for (int i = 0; i < patterns.length; i++) {
            literals[i] = patterns[i] == null ? null : LiteralPattern.of(patterns[i].pattern());
        }
    }

    /** The {@link OperatorSpec} of {@code matches}. */
    static Clause compile(OperatorSpec.Input in, Problems problems) {
        JsonNode values = OperatorValues.required(in, problems);
        if (values == null) {
            return null;
        }
        List<Object> source = OperatorValues.source(values);
        String[] strings = OperatorValues.strings(in, values, problems);
        Pattern[] patterns = new Pattern[strings.length];
        for (int i = 0; i < strings.length; i++) {
            if (strings[i] != null) {
                patterns[i] = pattern(strings[i], in.valuesAt().index(i), in.regexes(), problems);
            }
        }
        return new MatchesOperator(in.attribute(), source, patterns);
    }

    /** The compiled pattern, or null after reporting why it is refused. */
    private static Pattern pattern(String regex, Pointer where, RegexBudget budget, Problems problems) {
        // Sized before RE2/J sees it: RE2/J expands counted repetition whatever the cost.
        long size = RegexSize.of(regex);
        if (size > FlagDocumentCompiler.MAX_REGEX_SIZE) {
            problems.error(where, "the pattern repeats too much: it expands to "
                    + (size >= RegexSize.SATURATED ? "more than " + String.format("%,d", RegexSize.SATURATED)
                            : String.format("%,d", size))
                    + " instructions; at most " + String.format("%,d", FlagDocumentCompiler.MAX_REGEX_SIZE)
                    + " (see \"Limits\" in the flag format)");
            return null;
        }
        if (!budget.take(size)) {
            problems.error(where, "the document's regular expressions expand to more than "
                    + String.format("%,d", FlagDocumentCompiler.MAX_DOCUMENT_REGEX_SIZE) + " instructions in all "
                    + "(see \"Limits\" in the flag format)");
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            problems.error(where, "invalid regular expression: " + e.getDescription() + " in '" + regex + "'");
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // RE2/J refuses some patterns with other exceptions (or runs out of stack on deep nesting): the
            // pattern is refused, whatever the library does.
            problems.error(where, "RE2 could not compile this regular expression (" + e.getClass().getSimpleName()
                    + ")");
        }
        return null;
    }

    /**
     * A literal pattern costs as the string operation it becomes; any other, one step per instruction of its
     * expanded program per character scanned (RE2/J's automaton, measured at 5 to 15 ns each).
     */
    @Override
    long steps() {
        long steps = 0;
        for (int i = 0; i < patterns.length; i++) {
            LiteralPattern literal = literals[i];
            long one;
            if (patterns[i] == null) {
                one = 1;
            } else if (literal != null) {
                one = literal.atStart() || literal.atEnd() ? prefixSteps(literal.text().length())
                        : containsSteps(literal.text().length());
            } else {
                one = 1 + Cost.times(RegexSize.of(patterns[i].pattern()), FlagDocumentCompiler.MAX_SCANNED_LENGTH);
            }
            steps = Cost.add(steps, one);
        }
        return Math.max(1, steps);
    }

    @Override
    boolean scansText() {
        return true;
    }

    @Override
    boolean testValue(Object value, InstantSource clock) {
        if (!(value instanceof String s) || s.length() > FlagDocumentCompiler.MAX_SCANNED_LENGTH) {
            return false;
        }
        for (int i = 0; i < patterns.length; i++) {
            LiteralPattern literal = literals[i];
            if (literal != null ? literal.find(s) : patterns[i].matcher(s).find()) {
                return true;
            }
        }
        return false;
    }
}
