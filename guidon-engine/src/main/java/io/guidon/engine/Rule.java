package io.guidon.engine;

/** A compiled targeting rule: when {@code condition} holds, {@code serve} decides. */
record Rule(String id, Condition condition, Serve serve) {
}
