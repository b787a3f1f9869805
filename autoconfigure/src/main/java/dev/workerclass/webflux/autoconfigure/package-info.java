/**
 * Auto-configuration of the {@code dev.workerclass.webflux} adapter; depends on it and on the core's
 * auto-configuration, never the reverse.
 */
@NullMarked
package dev.workerclass.webflux.autoconfigure;

import org.jspecify.annotations.NullMarked;
