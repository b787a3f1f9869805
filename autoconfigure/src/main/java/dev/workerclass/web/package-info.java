/**
 * What both web stacks answer alike: the 503 of a request the workers did not serve, as a
 * problem detail. Spring glue over the core's {@link dev.workerclass.workers.Unserved}; the
 * servlet and WebFlux filters write it.
 */
@NullMarked
package dev.workerclass.web;

import org.jspecify.annotations.NullMarked;
