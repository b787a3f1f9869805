/**
 * Auto-configuration of the adaptive concurrency limit ({@code server.concurrency-limit.*}).
 */
@NullMarked
package dev.workerclass.limit.autoconfigure;

import org.jspecify.annotations.NullMarked;
