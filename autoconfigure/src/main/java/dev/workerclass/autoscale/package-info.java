/**
 * Autoscaling workers, as uWSGI's cheaper subsystem does for its processes: a pure
 * {@link dev.workerclass.autoscale.AutoscalePolicy} that reads load samples and answers a
 * {@link dev.workerclass.autoscale.Decision}, and an {@link dev.workerclass.autoscale.Autoscaler}
 * that samples the {@link dev.workerclass.workers.Workers} on a thread of its own and applies
 * decisions with a resize. No Spring: the auto-configuration depends on this package, never the
 * reverse.
 */
@NullMarked
package dev.workerclass.autoscale;

import org.jspecify.annotations.NullMarked;
