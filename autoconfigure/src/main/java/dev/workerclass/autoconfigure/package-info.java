/**
 * The core's auto-configuration: properties, the chosen workers and diagnostics, failure
 * analyzers, the environment post-processor that picks the web application type. Stack and engine
 * auto-configurations live beside their adapters.
 */
@NullMarked
package dev.workerclass.autoconfigure;

import org.jspecify.annotations.NullMarked;
