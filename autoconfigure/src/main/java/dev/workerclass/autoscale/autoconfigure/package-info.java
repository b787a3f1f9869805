/**
 * Spring Boot glue for autoscaling: {@code server.autoscale.*}, the autoscaler's life cycle
 * beside the server's, a log line per decision and a Micrometer counter of decisions.
 */
@NullMarked
package dev.workerclass.autoscale.autoconfigure;

import org.jspecify.annotations.NullMarked;
