/**
 * Spring MVC's side of the servlet classes: the filter that takes a worker slot and runs the
 * chain on the class's thread, and the {@code @Blocking} hand-off to the offload pool.
 */
@NullMarked
package dev.workerclass.servlet;

import org.jspecify.annotations.NullMarked;
