package io.guidon.controlplane.ui.view;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;

/**
 * What the experiment forms share: a typed number put into the API's body as a number when it reads as one, else as
 * the text typed (so that the API's reading says what is wrong with it, in its words), and a violation's message
 * written as a sentence next to its field.
 */
final class FormNumbers {

    private FormNumbers() {
    }

    /** {@code text} as the member {@code field} of {@code o}: a number when it is one, else the text. */
    static void put(ObjectNode o, String field, String text) {
        BigDecimal d = decimal(text);
        if (d == null) {
            o.put(field, text);
        } else if (d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0) {
            o.put(field, d.longValue());
        } else {
            o.put(field, d);
        }
    }

    /** {@code text} as a decimal number, or null when it is not one. */
    static BigDecimal decimal(String text) {
        try {
            return new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** "must be positive" → "Must be positive." */
    static String sentence(String message) {
        if (message.isEmpty()) {
            return message;
        }
        String s = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }
}
