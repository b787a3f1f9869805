/**
 * Auto-configuration of the {@code dev.workerclass.actuate} adapter; depends on it and on the core's
 * auto-configuration, never the reverse.
 */
@NullMarked
package dev.workerclass.actuate.autoconfigure;

import org.jspecify.annotations.NullMarked;
