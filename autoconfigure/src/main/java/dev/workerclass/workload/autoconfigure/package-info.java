/**
 * Auto-configuration of the workload measurement and the advice: {@code server.workload.*}, the
 * sampler's life cycle, and the JDBC pools (HikariCP) watched when they are on the class path.
 */
@NullMarked
package dev.workerclass.workload.autoconfigure;

import org.jspecify.annotations.NullMarked;
