/**
 * Auto-configuration of the {@code dev.workerclass.tomcat} adapter; depends on it and on the core's
 * auto-configuration, never the reverse.
 */
@NullMarked
package dev.workerclass.tomcat.autoconfigure;

import org.jspecify.annotations.NullMarked;
