/**
 * Jetty adapter: hands Jetty the workers' executor and shapes its connector after the class.
 */
@NullMarked
package dev.workerclass.jetty;

import org.jspecify.annotations.NullMarked;
