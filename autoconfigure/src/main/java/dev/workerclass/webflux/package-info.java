/**
 * WebFlux's side of {@code reactive}: the filter that admits requests to the loops' slots, the
 * offload of blocking-style handlers, and the start-up check of handlers WebFlux cannot run.
 */
@NullMarked
package dev.workerclass.webflux;

import org.jspecify.annotations.NullMarked;
