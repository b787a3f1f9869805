/**
 * Where a blocking-style handler of a reactive app runs: on the offload pool always
 * ({@code server.offload=always}), or where its measured behaviour says it belongs
 * ({@code server.offload=auto}, {@link dev.workerclass.offload.AutoOffload}). Spring-free: the
 * WebFlux configurer asks it, per request, where each handler method runs.
 */
@NullMarked
package dev.workerclass.offload;

import org.jspecify.annotations.NullMarked;
