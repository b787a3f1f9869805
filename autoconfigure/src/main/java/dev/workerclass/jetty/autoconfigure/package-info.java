/**
 * Auto-configuration of the {@code dev.workerclass.jetty} adapter; depends on it and on the core's
 * auto-configuration, never the reverse.
 */
@NullMarked
package dev.workerclass.jetty.autoconfigure;

import org.jspecify.annotations.NullMarked;
