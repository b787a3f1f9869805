/**
 * Undertow adapter for {@code reactive} with {@code server.engine=undertow}: a reactive web
 * server on Undertow whose I/O threads are the workers.
 */
@NullMarked
package dev.workerclass.undertow;

import org.jspecify.annotations.NullMarked;
