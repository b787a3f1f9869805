/**
 * Auto-configuration of readiness: {@code server.readiness.*}, the {@code workers} health indicator
 * in the readiness group, and the drain on shutdown.
 */
@NullMarked
package dev.workerclass.readiness.autoconfigure;

import org.jspecify.annotations.NullMarked;
