/**
 * JMH benchmarks of the starter's per-request work (slots, serve, deadlines), not part of the
 * default build.
 */
package dev.workerclass.bench.jmh;
