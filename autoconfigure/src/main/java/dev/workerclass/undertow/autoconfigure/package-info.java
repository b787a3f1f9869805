/**
 * Auto-configuration of the {@code dev.workerclass.undertow} adapter; depends on it and on the core's
 * auto-configuration, never the reverse.
 */
@NullMarked
package dev.workerclass.undertow.autoconfigure;

import org.jspecify.annotations.NullMarked;
