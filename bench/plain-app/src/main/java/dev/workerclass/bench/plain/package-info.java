/**
 * Plain Spring Boot without the starter, serving the demo's routes with the same bytes: the
 * benchmarks' peer.
 */
package dev.workerclass.bench.plain;
