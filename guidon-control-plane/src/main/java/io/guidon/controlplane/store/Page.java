package io.guidon.controlplane.store;

import java.util.List;

/** One page of a listing: the items, how many match in all, and the sort key after which the next page starts. */
public record Page<T>(List<T> items, long total, String nextAfter) {
}
