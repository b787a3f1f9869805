/**
 * Readiness that means "send me work": whether this instance should get new requests from a load
 * balancer, from its workers' line and their recent 503s, and whether it is draining before it
 * stops. Liveness is not decided here: a full server is not a dead one.
 */
@NullMarked
package dev.workerclass.readiness;

import org.jspecify.annotations.NullMarked;
