/**
 * The engine-independent core: the worker classes ({@link dev.workerclass.workers.WorkerClass} and
 * one {@link dev.workerclass.workers.Workers} subclass each), their slots, line, deadlines and
 * offload pool. No Spring and no engine types: adapters and auto-configuration depend on this
 * package, never the reverse.
 */
@NullMarked
package dev.workerclass.workers;

import org.jspecify.annotations.NullMarked;
