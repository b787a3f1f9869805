/**
 * Auto-configuration of the {@code dev.workerclass.netty} adapter; depends on it and on the core's
 * auto-configuration, never the reverse.
 */
@NullMarked
package dev.workerclass.netty.autoconfigure;

import org.jspecify.annotations.NullMarked;
