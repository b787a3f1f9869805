/**
 * What the requests do, measured in production at low cost: per route, from a sample of the
 * requests, how many there are, their mean and p99 time, and the share of that time their thread
 * spent on CPU or ready for a core versus waiting; the requests in flight on average and at peak;
 * and the pools in front of the work (a JDBC pool, the offload pool) that requests waited for.
 * {@link dev.workerclass.workload.Advisor} turns that into the worker class and sizes that fit,
 * following gunicorn's rules of thumb. Spring-free: the filters start and end the samples, and the
 * auto-configuration runs the {@link dev.workerclass.workload.WorkloadSampler}.
 */
@NullMarked
package dev.workerclass.workload;

import org.jspecify.annotations.NullMarked;
