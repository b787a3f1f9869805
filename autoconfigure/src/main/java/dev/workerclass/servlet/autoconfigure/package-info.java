/**
 * Auto-configuration of the {@code dev.workerclass.servlet} adapter; depends on it and on the core's
 * auto-configuration, never the reverse.
 */
@NullMarked
package dev.workerclass.servlet.autoconfigure;

import org.jspecify.annotations.NullMarked;
