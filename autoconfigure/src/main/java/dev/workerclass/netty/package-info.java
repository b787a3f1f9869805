/**
 * Reactor Netty adapter: event loops sized and resized as the {@code reactive} workers.
 */
@NullMarked
package dev.workerclass.netty;

import org.jspecify.annotations.NullMarked;
