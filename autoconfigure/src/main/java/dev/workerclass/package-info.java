/**
 * The starter's one annotation for applications, {@link dev.workerclass.Blocking}. The rest lives in
 * subpackages: the engine-independent core ({@code workers}, {@code diagnostics}), the stack and
 * engine adapters, each with its {@code autoconfigure} subpackage, and the actuator glue.
 */
@NullMarked
package dev.workerclass;

import org.jspecify.annotations.NullMarked;
