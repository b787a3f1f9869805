/**
 * The demo: the routes the docs and benchmarks use (fixed sleeps, CPU work, a blocking C call,
 * static bytes), served by whichever class {@code server.worker-class} names.
 */
package dev.workerclass.demo;
