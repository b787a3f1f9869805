/**
 * An adaptive concurrency limit: the most requests admitted at once, found from measured latency
 * by Netflix's algorithms (AIMD, Gradient2, Vegas) and enforced by the workers' own slots and line.
 */
@NullMarked
package dev.workerclass.limit;

import org.jspecify.annotations.NullMarked;
