/**
 * Benchmark-only code: peers that Polyhead's learner is measured against. Nothing outside the
 * benchmarks depends on this package, and DL4J is imported only here.
 */
package io.polyhead.bench;
