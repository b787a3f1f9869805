/**
 * The engine-independent diagnostics: blocked carriers under {@code virtual} (a lag probe and
 * JFR), blocked event loops under {@code reactive} (a watchdog), and the findings they log once.
 * No Spring imports.
 */
@NullMarked
package dev.workerclass.diagnostics;

import org.jspecify.annotations.NullMarked;
