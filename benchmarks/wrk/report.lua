-- Prints one machine-readable line with throughput and latency percentiles (microseconds), p99.9 included.
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT rps=%.0f p50_us=%d p99_us=%d p999_us=%d max_us=%d requests=%d errors=%d non2xx=%d\n",
    summary.requests / secs, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    latency.max, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
