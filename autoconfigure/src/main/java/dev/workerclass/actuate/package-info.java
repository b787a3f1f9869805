/**
 * Actuator glue: the {@code workers} endpoint (read and resize), health, info and Micrometer
 * meters, all reading the core's snapshots.
 */
@NullMarked
package dev.workerclass.actuate;

import org.jspecify.annotations.NullMarked;
