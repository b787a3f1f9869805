package dev.workerclass.web;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude.Include;
import dev.workerclass.workers.Unserved;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;

/**
 * The answer to a request the workers did not serve, the same from every engine: 503 with
 * {@code Retry-After} and a problem detail (RFC 9457, {@code application/problem+json}). Its
 * {@code type} tells a full line from a timeout, because a client acts on them differently: a
 * refused request never ran and may be sent again at once elsewhere, a timed-out one may have
 * done part of its work. Its {@code detail} says why, in words an operator can act on; its
 * properties carry the same facts as numbers. {@code Retry-After} is not a constant: it is the
 * time the line takes to drain at the rate it has drained lately, so that clients that follow it
 * come back about when there is room, rather than all at once a second later.
 */
public final class UnservedProblems {

	/** The problem type of a request refused because the line in front of a pool was full. */
	public static final URI LINE_FULL = URI.create("urn:workerclass:problem:line-full");

	/** The problem type of a request given up at {@code server.timeout}. */
	public static final URI TIMED_OUT = URI.create("urn:workerclass:problem:timed-out");

	// Spring's own mix-in writes the properties beside the standard members, as Spring MVC and
	// WebFlux write a ProblemDetail; members left unset (instance) are left out.
	private static final JsonMapper json = JsonMapper.builder()
		.addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class)
		.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(Include.NON_NULL))
		.build();

	private UnservedProblems() {
	}

	/** The value of the {@code Retry-After} header for {@code unserved}: whole seconds, at least 1. */
	public static String retryAfter(Unserved unserved) {
		return Integer.toString(unserved.retryAfterSeconds());
	}

	/** The problem detail that says why {@code unserved} got no answer from the application. */
	public static ProblemDetail of(Unserved unserved) {
		ProblemDetail answer = switch (unserved) {
			case Unserved.LineFull full -> {
				ProblemDetail problem = problem(LINE_FULL, "No room in line", "all " + full.capacity() + " "
						+ slots(full.pool()) + " are busy and " + full.queued()
						+ " requests are already waiting, the most allowed");
				problem.setProperty("pool", name(full.pool()));
				problem.setProperty("capacity", full.capacity());
				problem.setProperty("queued", full.queued());
				yield problem;
			}
			case Unserved.OffloadRefused refused -> {
				ProblemDetail problem = problem(LINE_FULL, "No room in line",
						"all offload threads are busy and their line is full");
				problem.setProperty("pool", name(Unserved.Pool.OFFLOAD));
				yield problem;
			}
			case Unserved.TimedOut timedOut -> {
				ProblemDetail problem = problem(TIMED_OUT, "Request timed out",
						"the request took longer than server.timeout=" + format(timedOut.timeout()));
				problem.setProperty("timeout", timedOut.timeout().toString());
				yield problem;
			}
		};
		answer.setProperty("retryAfter", unserved.retryAfterSeconds());
		return answer;
	}

	/** {@code problem} as {@code application/problem+json}. */
	public static byte[] toJson(ProblemDetail problem) {
		return json.writeValueAsBytes(problem);
	}

	private static ProblemDetail problem(URI type, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
		problem.setType(type);
		problem.setTitle(title);
		return problem;
	}

	private static String slots(Unserved.Pool pool) {
		return switch (pool) {
			case WORKERS -> "worker slots";
			case OFFLOAD -> "offload threads";
		};
	}

	/** As the endpoint names the pools: its top level ({@code workers}) and {@code offload}. */
	private static String name(Unserved.Pool pool) {
		return pool.name().toLowerCase(Locale.ROOT);
	}

	/** As the property would be written: {@code 30s}, {@code 500ms}. */
	private static String format(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
	}

}
